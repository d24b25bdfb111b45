//! The conversions from keiro-app's views to the API's bodies (keiro-api-types), one place for
//! every resource: a handler calls a use case and hands its view here. Nothing here decides
//! anything; a field's meaning is the use case's.

use keiro_api_types::*;
use keiro_app::CurrentUser;
use keiro_app::catalog::{OfferView, ProductView};
use keiro_app::directory::EntryView;
use keiro_app::enrollment::EnrollmentView;
use keiro_app::gdap::{AssignmentView, GdapView, GroupView};
use keiro_app::invitations::LinkView;
use keiro_app::orders::OrderView;
use keiro_app::partnerships::PartnerView;
use keiro_app::registry::RecordView;
use keiro_app::service_requests::RequestView;
use keiro_app::subscriptions::{Party, SubscriptionView};
use keiro_app::tokens::TokenInfo;
use keiro_app::users::UserView;

pub fn audit_record_body(r: keiro_app::audit::Record) -> AuditRecord {
    AuditRecord {
        id: r.id,
        occurred_at: r.occurred_at,
        actor_user_id: r.actor_user_id,
        actor_org_id: r.actor_org_id,
        on_behalf_of_org_id: r.on_behalf_of_org_id,
        action: r.action,
        target_type: r.target_type,
        target_id: r.target_id,
        target_org_id: r.target_org_id,
        details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
        request_id: r.request_id,
    }
}

pub fn product_body(v: ProductView) -> Product {
    Product {
        id: v.id,
        code: v.code,
        name_en: v.name_en,
        name_ja: v.name_ja,
        description_en: v.description_en,
        description_ja: v.description_ja,
    }
}

pub fn offer_body(v: OfferView) -> Offer {
    Offer {
        id: v.id,
        product_id: v.product_id,
        product_code: v.product_code,
        product_name_en: v.product_name_en,
        product_name_ja: v.product_name_ja,
        sku: v.sku,
        name_en: v.name_en,
        name_ja: v.name_ja,
        description_en: v.description_en,
        description_ja: v.description_ja,
        billing_cycle: v.billing_cycle,
        term_months: v.term_months,
        unit_price_minor: v.unit_price_minor,
        currency: v.currency,
        min_quantity: v.min_quantity,
        max_quantity: v.max_quantity,
        trial_days: v.trial_days,
        prerequisite_offer_id: v.prerequisite_offer_id,
        countries: v.countries,
        state: v.state,
    }
}

pub fn entry_body(v: EntryView) -> DirectoryEntry {
    DirectoryEntry {
        provider_id: v.provider_id,
        legal_name: v.legal_name,
        partner_id: v.partner_id,
        regions: v.regions,
        countries: v.countries,
        description: v.description,
        contact_email: v.contact_email,
        contact_phone: v.contact_phone,
        website: v.website,
        updated_at: v.updated_at,
    }
}

pub fn enrollment_body(v: EnrollmentView) -> Enrollment {
    Enrollment {
        id: v.id,
        org_id: v.org_id,
        state: v.state,
        program_role: v.program_role,
        company: profile_from_domain(v.company),
        membership: v.membership.map(membership_record_body),
        primary_contact_name: v.primary_contact_name,
        primary_contact_email: v.primary_contact_email,
        primary_contact_phone: v.primary_contact_phone,
        primary_contact_verified: v.primary_contact_verified,
        support_email: v.support_email,
        support_phone: v.support_phone,
        support_website: v.support_website,
        review_note: v.review_note,
        missing: v.missing.into_iter().map(str::to_string).collect(),
    }
}

pub fn gdap_body(v: GdapView) -> GdapRelationship {
    GdapRelationship {
        id: v.id,
        partner_id: v.partner_org_id,
        partner_name: v.partner_name,
        customer_id: v.customer_org_id,
        customer_name: v.customer_name,
        display_name: v.display_name,
        roles: v.roles,
        duration_days: v.duration_days,
        auto_extend: v.auto_extend,
        state: v.state,
        starts_at: v.starts_at,
        ends_at: v.ends_at,
        created_at: v.created_at,
    }
}

pub fn assignment_body(a: AssignmentView) -> AccessAssignment {
    AccessAssignment {
        id: a.id,
        group_id: a.group_id,
        roles: a.roles,
        created_at: a.created_at,
    }
}

pub fn group_body(g: GroupView) -> SecurityGroup {
    SecurityGroup {
        id: g.id,
        name: g.name,
        members: g.members,
    }
}

pub fn me_body(u: &CurrentUser) -> Me {
    let split = |s: &str| {
        s.split(',')
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    Me {
        user: UserInfo {
            id: u.user.id.clone(),
            email: u.user.email.clone(),
            full_name: u.user.full_name.clone(),
            language: u.user.language.clone(),
            time_zone: u.user.time_zone.clone(),
            must_change_password: u.user.must_change_password,
            delegated_access: u.user.delegated_access.clone(),
        },
        organization: OrganizationInfo {
            id: u.org.id.clone(),
            kind: u.org.kind.clone(),
            legal_name: u.org.legal_name.clone(),
            country: u.org.country.clone(),
            partner_id: u.org.partner_id.clone(),
            program_roles: split(&u.org.program_roles),
            authorizations: split(&u.org.authorizations),
        },
        roles: u.actor.roles.iter().map(|r| r.code().to_string()).collect(),
    }
}

pub fn message_body(m: keiro_app::outbox::Message) -> OutboxMessage {
    OutboxMessage {
        id: m.id,
        created_at: m.created_at,
        kind: m.kind,
        template: m.template,
        recipient: m.recipient,
        language: m.language,
        subject: m.subject,
        state: m.state,
        attempts: m.attempts,
        next_attempt_at: m.next_attempt_at,
        last_error: m.last_error,
        sent_at: m.sent_at,
    }
}

pub fn request_body(v: LinkView) -> RelationshipRequest {
    RelationshipRequest {
        id: v.id,
        kind: v.kind.code().into(),
        status: v.status.code().into(),
        created_by_name: v.created_by_name,
        recipient_email: v.recipient_email,
        use_count: v.use_count,
        open_count: v.open_count,
        url: v.url,
        created_at: v.created_at,
        expires_at: v.expires_at,
        used_at: v.used_at,
    }
}

pub fn partner_body(v: PartnerView) -> Partner {
    Partner {
        partnership_id: v.partnership_id,
        id: v.org_id,
        legal_name: v.legal_name,
        partner_id: v.partner_id,
        country: v.country,
        email: v.email,
        phone: v.phone,
        website: v.website,
        since: v.since,
        admin_access: v.admin_access,
    }
}

pub fn membership_record_body(r: RecordView) -> MembershipRecord {
    MembershipRecord {
        id: r.id,
        partner_id: r.partner_id,
        organization_name: r.organization_name,
        country: r.country,
        level: r.level,
        status: r.status,
        expires_on: r.expires_on,
        claimed: r.claimed,
    }
}

pub fn contact_body(v: keiro_app::relationships::PartnerContact) -> PartnerContact {
    PartnerContact {
        id: v.org_id,
        delegated_admin: v.delegated_admin,
        legal_name: v.legal_name,
        partner_id: v.partner_id,
        email: v.email,
        phone: v.phone,
        website: v.website,
        since: v.since,
    }
}

pub fn service_request_body(v: RequestView) -> ServiceRequest {
    ServiceRequest {
        id: v.id,
        customer_id: v.customer_org_id,
        opened_by_org: v.opened_by_org,
        title: v.title,
        description: v.description,
        severity: v.severity,
        status: v.status,
        created_at: v.created_at,
        updated_at: v.updated_at,
        subscription_id: v.subscription_id,
        notes: v
            .notes
            .into_iter()
            .map(|n| ServiceRequestNote {
                author_name: n.author_name,
                author_org_id: n.author_org_id,
                body: n.body,
                created_at: n.created_at,
            })
            .collect(),
    }
}

pub fn party(p: Party) -> SubscriptionParty {
    SubscriptionParty {
        id: p.org_id,
        legal_name: p.legal_name,
        partner_id: p.partner_id,
    }
}

pub fn subscription_body(v: SubscriptionView) -> Subscription {
    Subscription {
        id: v.id,
        customer: party(v.customer),
        offer_id: v.offer_id,
        sku: v.sku,
        offer_name_en: v.offer_name_en,
        offer_name_ja: v.offer_name_ja,
        billing_cycle: v.billing_cycle,
        unit_price_minor: v.unit_price_minor,
        currency: v.currency,
        min_quantity: v.min_quantity,
        max_quantity: v.max_quantity,
        order_id: v.order_id,
        seller: party(v.seller),
        reseller: v.reseller.map(party),
        support_contact: v.support_contact.map(party),
        partner_of_record: v.partner_of_record.map(party),
        quantity: v.quantity,
        state: v.state,
        suspension_reasons: v.suspension_reasons,
        auto_renew: v.auto_renew,
        trial: v.trial,
        term_started_at: v.term_started_at,
        term_ends_at: v.term_ends_at,
        ended_at: v.ended_at,
        created_at: v.created_at,
    }
}

pub fn order_body(v: OrderView) -> Order {
    Order {
        id: v.id,
        customer_id: v.customer_org_id,
        placed_by_org_id: v.placed_by_org_id,
        created_at: v.created_at,
        subscriptions: v.subscriptions.into_iter().map(subscription_body).collect(),
    }
}

pub fn token_body(t: TokenInfo) -> ApiToken {
    ApiToken {
        id: t.id,
        name: t.name,
        prefix: t.prefix,
        created_at: t.created_at,
        expires_at: t.expires_at,
        revoked_at: t.revoked_at,
        last_used_at: t.last_used_at,
    }
}

pub fn user_body(u: UserView) -> User {
    User {
        id: u.id,
        email: u.email,
        full_name: u.full_name,
        roles: u.roles,
        delegated_access: u.delegated_access,
        active: u.active,
        must_change_password: u.must_change_password,
    }
}

/// The API's company profile from the domain's, and back.
pub fn profile_from_domain(p: keiro_domain::CompanyProfile) -> CompanyProfile {
    CompanyProfile {
        legal_name: p.legal_name,
        address_line1: p.address_line1,
        address_line2: p.address_line2,
        city: p.city,
        region: p.region,
        postal_code: p.postal_code,
        country: p.country,
        phone: p.phone,
        email: p.email,
        website: p.website,
        primary_domain: p.primary_domain,
    }
}

pub fn profile_to_domain(b: CompanyProfile) -> keiro_domain::CompanyProfile {
    keiro_domain::CompanyProfile {
        legal_name: b.legal_name,
        address_line1: b.address_line1,
        address_line2: b.address_line2,
        city: b.city,
        region: b.region,
        postal_code: b.postal_code,
        country: b.country,
        phone: b.phone,
        email: b.email,
        website: b.website,
        primary_domain: b.primary_domain,
    }
}

/// A new link's answer: the link, its URL and draft email (shown once), whether Keiro sent it.
pub fn request_created(r: keiro_app::invitations::Issued) -> RelationshipRequestCreated {
    RelationshipRequestCreated {
        sent: r.link.recipient_email.is_some(),
        request: request_body(r.link),
        url: r.url,
        draft: r.draft.map(|d| InvitationDraft {
            subject: d.subject,
            body: d.body,
            mailto: d.mailto,
        }),
    }
}

/// A page of a list as the API answers it: its items through `body`, and the next page's
/// cursor, encoded.
pub fn listed<V, B>(
    page: keiro_app::Page<V>,
    body: impl FnMut(V) -> B,
) -> (Vec<B>, Option<String>) {
    let next_cursor = page
        .next_cursor
        .as_deref()
        .map(crate::extract::encode_cursor);
    (page.items.into_iter().map(body).collect(), next_cursor)
}

/// What a link's page shows before sign-in, as the API answers it.
pub fn preview_body(p: keiro_app::invitations::Preview) -> keiro_api_types::InvitationPreview {
    keiro_api_types::InvitationPreview {
        kind: p.kind.code().into(),
        status: p.status.code().into(),
        from_org_id: p.from_org_id,
        from_legal_name: p.from_org_name,
        from_partner_id: p.from_partner_id,
        from_country: p.from_country,
        invited_by: p.invited_by,
        expires_at: p.expires_at,
        grants: p.kind.grants().iter().map(|g| g.to_string()).collect(),
        gdap: p.gdap.map(|g| keiro_api_types::GdapTerms {
            display_name: g.display_name,
            roles: g.roles,
            duration_days: g.duration_days,
            auto_extend: g.auto_extend,
            state: g.state,
        }),
    }
}

/// What accepting a delegated admin offer grants (R-REL-7), when one comes with an advisor's
/// link or key; none otherwise.
pub fn dap_grants(offered: bool) -> Vec<String> {
    if !offered {
        return vec![];
    }
    keiro_domain::invitation::InvitationKind::DelegatedAdmin
        .grants()
        .iter()
        .map(|g| g.to_string())
        .collect()
}

/// An import's per-row errors as the API answers them.
pub fn row_errors(e: Vec<keiro_app::registry::RowError>) -> Vec<keiro_api_types::ImportRowError> {
    e.into_iter()
        .map(|e| keiro_api_types::ImportRowError {
            line: e.line,
            field: e.field,
            code: e.code,
            message: e.message,
        })
        .collect()
}
