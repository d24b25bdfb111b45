mail-footer = This message was sent by { $brand }. You cannot reply to it.

password-changed-subject = Your { $brand } password was changed
password-changed-body =
    Hello { $name },

    The password of your { $brand } account { $email } was changed at { $time } (UTC).

    If you did not do this, contact your administrator at once.

api-token-created-subject = A new API token was created for your { $brand } account
api-token-created-body =
    Hello { $name },

    An API token named "{ $token_name }" was created for your account { $email }.
    It expires at { $expires } (UTC).

    If you did not create it, revoke it under Account > API tokens and change your password.

enrollment-verify-subject = Confirm your email for the { $brand } enrollment of { $company }
enrollment-verify-body =
    Hello { $name },

    { $company } named you as the primary contact of its partner enrollment with { $brand }.
    To confirm that this address is yours and belongs to { $company }, open this link and choose "Confirm":

    { $link }

    The link works once and expires at { $expires } (UTC). If you did not expect this email, ignore it.

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
