mail-footer = This message was sent by { $brand }. You cannot reply to it.

password-changed-subject = Your { $brand } password was changed
password-changed-body =
    Hello { $name },

    The password of your { $brand } account { $email } was changed at { $time }.

    If you did not do this, contact your administrator at once.

api-token-created-subject = A new API token was created for your { $brand } account
api-token-created-body =
    Hello { $name },

    An API token named "{ $token_name }" was created for your account { $email }.
    It expires at { $expires }.

    If you did not create it, revoke it under Account > API tokens and change your password.

enrollment-verify-subject = Confirm your email for the { $brand } enrollment of { $company }
enrollment-verify-body =
    Hello { $name },

    { $company } named you as the primary contact of its partner enrollment with { $brand }.
    To confirm that this address is yours and belongs to { $company }, open this link and choose "Confirm":

    { $link }

    The link works once and expires at { $expires }. If you did not expect this email, ignore it.

enrollment-in-review-subject = Your { $brand } enrollment is in review
enrollment-in-review-body =
    Hello { $name },

    Thank you. The enrollment of { $company } is now waiting for review by our staff.
    Review can take a few days; we will email you when its status changes.

enrollment-more-info-subject = More information is needed for your { $brand } enrollment
enrollment-more-info-body =
    Hello { $name },

    Our review staff need more information about the enrollment of { $company }:

    { $note }

    Sign in to update and resubmit the application.

enrollment-approved-subject = Your { $brand } enrollment is approved
enrollment-approved-body =
    Hello { $name },

    The enrollment of { $company } is approved. Its partner ID is { $partner_id }.
    The applicant is now a global admin and an admin agent and can add users.

enrollment-rejected-subject = Your { $brand } enrollment was not approved
enrollment-rejected-body =
    Hello { $name },

    The enrollment of { $company } was not approved, for this reason:

    { $note }

partnership-draft-subject = { $company } would like to be your indirect provider
partnership-draft-body =
    Hello,

    { $company } (partner ID { $partner_id }) would like to work with you as your indirect provider in the { $brand } program.

    To approve the partnership, open the link below, sign in with an admin account of your reseller organization, tick the confirmation box and choose "Approve indirect provider":

    { $link }

    The link works once and expires at { $expires }.

    Best regards,
    { $sender }

partnership-request-subject = { $company } would like to be your indirect provider
partnership-request-body =
    { $message }

    (Sent through { $brand } on behalf of { $sender }, { $company }.)

partnership-accepted-subject = { $reseller } approved { $company } as its indirect provider
partnership-accepted-body =
    Hello { $name },

    { $reseller } accepted your partnership request. It is now on your Indirect resellers page, and { $company } has admin access to its organization until the reseller removes it.

relationship-draft-subject = { $company } invites you to a reseller relationship
relationship-draft-body =
    Hello,

    { $company } would like to be your reseller in the { $brand } program, so that we can provide and manage your subscriptions and services for you.

    To accept, open the link below and sign in as a global admin of your organization. If your company has no account yet, you can create one from the same link.

    { $link }

    The link expires at { $expires }.

    Best regards,
    { $sender }

three-way-draft-subject = { $company } and { $provider } invite you to a reseller relationship
three-way-draft-body =
    Hello,

    { $company } would like to be your reseller in the { $brand } program, together with its indirect provider { $provider }. { $company } will administer your subscriptions, licenses and users, and { $provider } will place orders for you.

    To accept both relationships at once, open the link below and sign in as a global admin of your organization. If your company has no account yet, you can create one from the same link.

    { $link }

    The link expires at { $expires }.

    Best regards,
    { $sender }

relationship-request-subject = { $company } invites you to a reseller relationship
relationship-request-body =
    { $message }

    (Sent through { $brand } on behalf of { $sender }, { $company }.)

relationship-accepted-subject = { $customer } accepted a reseller relationship with { $company }
relationship-accepted-body =
    Hello { $name },

    { $customer } accepted your invitation. It is now on your Customers page.

dap-draft-subject = { $company } offers to administer your organization (delegated admin)
dap-draft-body =
    Hello,

    { $company } would like delegated admin privileges for your organization in the { $brand } program, so that it can manage your users, subscriptions and licenses for you. You stay in control: your global admin can revoke it at any time.

    To accept, open the link below and sign in as a global admin of your organization.

    { $link }

    The link expires at { $expires }.

    Best regards,
    { $sender }

gdap-draft-subject = { $company } asks for granular delegated admin access to your organization
gdap-draft-body =
    Hello,

    { $company } asks for granular delegated admin (GDAP) access to your organization in the { $brand } program: a limited set of admin roles, for a limited time. The link shows the roles and the duration before you decide.

    To approve, open the link below and sign in as a global admin of your organization. You can terminate the relationship at any time.

    { $link }

    The link works once and expires at { $expires }.

    Best regards,
    { $sender }

gdap-approved-subject = { $customer } approved the GDAP relationship "{ $relationship }" with { $brand }
gdap-approved-body =
    Hello { $name },

    { $customer } approved the granular delegated admin relationship "{ $relationship }". It is active until { $ends }. Assign its roles to your security groups to use it.

partner-authorizations-changed-subject = Your { $brand } program authorizations changed
partner-authorizations-changed-body =
    Hello { $name },

    The program authorizations of { $company } (partner ID { $partner_id }) changed.

    Granted: { $granted }
    Revoked: { $revoked }
    Reason: { $reason }

    Authorizations now: { $current }

authorization-subscription_advisor = Subscription advisor
authorization-delegated_admin = Delegated admin
authorization-none = none
list-separator = {", "}

por-subscription-changed-subject = [{ $brand }] A subscription of { $customer } changed ({ $change })
por-subscription-changed-body =
    Hello { $name },

    A subscription your organization is partner of record (POR) of has changed.

    Customer: { $customer }
    Offer: { $offer }
    Change: { $change }
    Licenses: { $quantity }
    State: { $state }
    Subscription ID: { $subscription }

por-change-created = new subscription
por-change-quantity_changed = license count changed
por-change-auto_renew_changed = auto-renew changed
por-change-suspended = suspended
por-change-suspension_lifted = a suspension reason lifted
por-change-reactivated = reactivated
por-change-cancelled = cancelled
por-change-converted = converted to paid
por-change-renewed = renewed
por-change-expired = expired
por-change-trial_ended = trial ended
por-change-reseller_changed = reseller changed
por-change-support_contact_changed = support contact changed
por-change-partner_of_record_changed = named partner of record
por-change-removed = no longer partner of record
por-state-active = active
por-state-suspended = suspended
por-state-cancelled = cancelled
por-state-expired = expired

trial-draft-subject = { $company } invites you to a { $brand } trial
trial-draft-body =
    Hello,

    { $company } (partner ID { $partner_id }) invites you to a trial in the { $brand } program.

    Open the link below to see the product, how long you can try it and what { $company } offers, before you sign in. To start the trial, sign in as a global or billing admin of your organization (or create your organization's account through the link).

    { $link }

    The link expires at { $expires }.

    Best regards,
    { $sender }

purchase-draft-subject = { $company } has prepared a { $brand } purchase offer for you
purchase-draft-body =
    Hello,

    { $company } (partner ID { $partner_id }) has prepared a purchase offer for you in the { $brand } program: the services your organization needs, with a suggested number of licenses for each.

    Open the link below to review the offer before you sign in. You can change the number of licenses or leave a service out. To buy, sign in as a global or billing admin of your organization (or create your organization's account through the link).

    { $link }

    The link expires at { $expires }.

    Best regards,
    { $sender }

advisor-invitation-subject = { $company } invites you to { $brand }
advisor-invitation-body =
    { $message }

    (Sent through { $brand } on behalf of { $sender }, { $company }.)

level-none = none
level-action_pack = Action Pack
level-silver = Silver
level-gold = Gold

benefit-package-granted-subject = { $brand }: your benefit package is bought ({ $level })
benefit-package-granted-body =
    Dear { $name },

    { $company } bought its membership benefit package ({ $level }).
    It runs from { $starts } to { $ends }.

    Get your software keys and assign benefits to your employees on the Benefits page.
    Within 30 days of the purchase, and while no software benefit is activated, you can cancel it for a refund through a service request.

benefit-package-renewed-subject = { $brand }: your benefit package is renewed ({ $level })
benefit-package-renewed-body =
    Dear { $name },

    { $company } bought next year's membership benefit package ({ $level }).
    It runs from { $starts } to { $ends }.

    Its benefits show on the Benefits page from its first day.

benefit-package-cancelled-subject = { $brand }: your benefit package is cancelled
benefit-package-cancelled-body =
    Dear { $name },

    The cancellation of { $company }'s membership benefit package ({ $level }, { $starts } to { $ends }) was approved. The package and its benefits are cancelled and will be refunded.

    { $reason }

benefits-expiring-subject = { $brand }: benefits expire soon
benefits-expiring-body =
    Dear { $name },

    These benefits of { $company } expire on { $expires }. Activate them before then.

    { $benefits }

benefit-pool-empty-subject = { $brand }: no keys left for a benefit: { $benefit }
benefit-pool-empty-body =
    Dear { $name },

    { $company } tried to get a key of the benefit "{ $benefit }", but its key pool has none available.
    Import keys under Benefit key pools in the operator console.

benefit-assigned-subject = { $brand }: { $company } assigned you a benefit: { $benefit }
benefit-assigned-body =
    Dear { $name },

    { $company } assigned you the membership benefit "{ $benefit }". It can be used until { $expires }.
    You find it under Benefits in the partner center.

benefit-unassigned-subject = { $brand }: a benefit is no longer assigned to you: { $benefit }
benefit-unassigned-body =
    Dear { $name },

    { $company } no longer assigns you the membership benefit "{ $benefit }": it was removed or moved to another user.
    Ask your global admin if this is unexpected.

marketing-contact-assigned-subject = { $brand }: you are the marketing contact of { $company }
marketing-contact-assigned-body =
    Dear { $name },

    { $company } made you its marketing contact for go-to-market offers. You receive the follow-up on its active offers at this address, and by phone at { $phone }.

    How to use a go-to-market offer:
    1. Your admin activates the offer under Benefits > Go-to-market.
    2. The operator confirms it; this can take a few days. You are emailed when it is active.
    3. The offer can be used until the expiry date shown on the Go-to-market page.

go-to-market-active-subject = { $brand }: a go-to-market offer is active: { $benefit }
go-to-market-active-body =
    Dear { $name },

    The go-to-market offer "{ $benefit }" of { $company } is active. It can be used until { $expires }.
