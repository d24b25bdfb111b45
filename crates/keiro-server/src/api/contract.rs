//! The conventions every `/v1` operation's documentation follows, applied once to the whole
//! OpenAPI document so that no handler can forget them: a description on every response,
//! problem+json on every error, the `Retry-After`, `X-Request-Id`, `ETag` and
//! `Idempotent-Replayed` headers where they are sent, the Idempotency-Key's format, explicit
//! `security: []` on public operations, `servers`, and every field of a response `required`
//! (the server always sends it, `null` when empty).

use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Applies the conventions to a serialized OpenAPI document.
pub fn apply(doc: &mut Value) {
    doc["servers"] = json!([{ "url": "/", "description": "This Keiro server" }]);
    let headers = doc
        .get_mut("components")
        .and_then(Value::as_object_mut)
        .map(|c| c.entry("headers").or_insert_with(|| json!({})));
    if let Some(h) = headers {
        h["X-Request-Id"] = json!({"description": "The request's id (the one sent, or a new one); audit rows record it", "schema": {"type": "string"}});
        h["Retry-After"] = json!({"description": "Seconds to wait before trying again", "schema": {"type": "integer", "minimum": 0}});
        h["Idempotent-Replayed"] = json!({"description": "`true` when this answer replays the first answer to the same Idempotency-Key (nothing was done again)", "schema": {"type": "string", "enum": ["true"]}});
        h["ETag"] = json!({"description": "The resource's version, for `If-Match`", "schema": {"type": "string"}});
    }
    let mut response_schemas = BTreeSet::new();
    let mut request_schemas = BTreeSet::new();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for (path, item) in paths.iter_mut() {
            let Some(item) = item.as_object_mut() else {
                continue;
            };
            for (method, op) in item.iter_mut() {
                if !matches!(method.as_str(), "get" | "put" | "post" | "delete" | "patch") {
                    continue;
                }
                operation(path, op, &mut response_schemas, &mut request_schemas);
            }
        }
    }
    if let Some(all) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    {
        value_sets(all);
    }
    let schemas = doc["components"]["schemas"].clone();
    response_schemas.insert("Problem".into());
    let responses = closure(&schemas, response_schemas);
    let requests = closure(&schemas, request_schemas);
    if let Some(all) = doc
        .get_mut("components")
        .and_then(|c| c.get_mut("schemas"))
        .and_then(Value::as_object_mut)
    {
        for name in responses.difference(&requests) {
            if let Some(s) = all.get_mut(name) {
                require_all(name, s);
            }
        }
    }
}

fn operation(
    path: &str,
    op: &mut Value,
    response_schemas: &mut BTreeSet<String>,
    request_schemas: &mut BTreeSet<String>,
) {
    // Public operations say so.
    if op.get("security").is_none() {
        op["security"] = json!([]);
    }
    let idempotent = op.get_mut("parameters").and_then(Value::as_array_mut).is_some_and(|ps| {
        let mut found = false;
        for p in ps.iter_mut() {
            if p["in"] == "header" && p["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case("idempotency-key")) {
                found = true;
                p["required"] = json!(false);
                p["schema"] = json!({"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[!-~]+$"});
                if p.get("description").is_none_or(|d| d.as_str().is_none_or(str::is_empty)) {
                    p["description"] = json!("Any 1 to 255 visible ASCII characters, new for each operation. A retry with the same key and body answers the first answer (200, `Idempotent-Replayed: true`) without doing anything again; the same key with another body is `422 idempotency_key_reused`. Keys are remembered for at least 7 days.");
                }
            }
        }
        found
    });
    // A malformed If-Match or Idempotency-Key is a 400 even without a body.
    let takes_header = op["parameters"].as_array().is_some_and(|ps| {
        ps.iter().any(|p| {
            p["in"] == "header"
                && p["name"].as_str().is_some_and(|n| {
                    n.eq_ignore_ascii_case("if-match") || n.eq_ignore_ascii_case("idempotency-key")
                })
        })
    });
    if takes_header
        && let Some(r) = op.get_mut("responses").and_then(Value::as_object_mut)
        && !r.contains_key("400")
    {
        r.insert(
            "400".into(),
            json!({"description": "A malformed If-Match or Idempotency-Key header"}),
        );
    }
    collect_refs(&op["requestBody"], request_schemas);
    if let Some(params) = op["parameters"].as_array() {
        for p in params {
            collect_refs(p, request_schemas);
        }
    }
    let Some(responses) = op.get_mut("responses").and_then(Value::as_object_mut) else {
        return;
    };
    // A create that takes a key answers a replay with 200 and the first answer's body.
    if idempotent
        && !responses.contains_key("200")
        && let Some(mut replay) = responses.get("201").cloned()
    {
        replay["description"] = json!("Replay of the first answer to the same Idempotency-Key");
        responses.insert("200".into(), replay);
    }
    for (status, r) in responses.iter_mut() {
        let Some(r) = r.as_object_mut() else { continue };
        let error = status.starts_with('4') || status.starts_with('5');
        if r.get("description")
            .is_none_or(|d| d.as_str().is_none_or(str::is_empty))
        {
            r.insert("description".into(), json!(describe(status)));
        }
        if error
            && r.get("content")
                .is_none_or(|c| c.as_object().is_none_or(Map::is_empty))
        {
            r.insert(
                "content".into(),
                json!({ crate::problem::PROBLEM_JSON: { "schema": { "$ref": "#/components/schemas/Problem" } } }),
            );
        }
        if !error {
            collect_refs(&Value::Object(r.clone()), response_schemas);
        }
        let headers = r.entry("headers").or_insert_with(|| json!({}));
        let Some(h) = headers.as_object_mut() else {
            continue;
        };
        h.insert(
            "X-Request-Id".into(),
            json!({"$ref": "#/components/headers/X-Request-Id"}),
        );
        if status == "429" {
            h.insert(
                "Retry-After".into(),
                json!({"$ref": "#/components/headers/Retry-After"}),
            );
        }
        if let Some(e) = h.get_mut("ETag") {
            *e = json!({"$ref": "#/components/headers/ETag"});
        }
        if idempotent && status.starts_with('2') {
            h.insert(
                "Idempotent-Replayed".into(),
                json!({"$ref": "#/components/headers/Idempotent-Replayed"}),
            );
        }
    }
    let _ = path;
}

/// The fields that take one of a fixed set of values, typed as plain strings by the API types:
/// each gets its `enum` from the domain's own list, so the values are spelled once.
fn value_sets(schemas: &mut Map<String, Value>) {
    use keiro_domain::DelegatedAccess;
    use keiro_domain::catalog::BillingCycle;
    use keiro_domain::enrollment::{EnrollmentState, MembershipLevel, MembershipStatus};
    use keiro_domain::gdap::GdapState;
    use keiro_domain::invitation::{InvitationKind, LinkStatus};
    use keiro_domain::service_request::{Severity, Status};
    use keiro_domain::subscription::{State, SuspensionReason};
    use keiro_domain::{OrgKind, PartnerAuthorization, ProgramRole, Role};
    fn codes<T: Copy>(all: &[T], code: fn(T) -> &'static str) -> Vec<&'static str> {
        all.iter().map(|x| code(*x)).collect()
    }
    let gdap = codes(&GdapState::ALL, GdapState::code);
    let roles = codes(&Role::ALL, Role::code);
    let program_roles = codes(&ProgramRole::ALL, ProgramRole::code);
    let kinds = codes(
        &[OrgKind::Operator, OrgKind::Partner, OrgKind::Customer],
        OrgKind::code,
    );
    let access = codes(
        &[
            DelegatedAccess::None,
            DelegatedAccess::Limited,
            DelegatedAccess::Full,
        ],
        DelegatedAccess::code,
    );
    let links = codes(
        &[
            LinkStatus::Open,
            LinkStatus::Expired,
            LinkStatus::Revoked,
            LinkStatus::Used,
        ],
        LinkStatus::code,
    );
    let sets: Vec<(&str, &str, Vec<&'static str>)> = vec![
        ("GdapRelationship", "state", gdap.clone()),
        ("GdapTerms", "state", gdap),
        (
            "Enrollment",
            "state",
            codes(&EnrollmentState::ALL, EnrollmentState::code),
        ),
        (
            "MembershipRecord",
            "level",
            codes(&MembershipLevel::ALL, MembershipLevel::code),
        ),
        (
            "MembershipRecord",
            "status",
            codes(&MembershipStatus::ALL, MembershipStatus::code),
        ),
        (
            "Offer",
            "billing_cycle",
            codes(&BillingCycle::ALL, BillingCycle::code),
        ),
        (
            "Subscription",
            "billing_cycle",
            codes(&BillingCycle::ALL, BillingCycle::code),
        ),
        ("Subscription", "state", codes(&State::ALL, State::code)),
        (
            "Subscription",
            "suspension_reasons[]",
            codes(&SuspensionReason::ALL, SuspensionReason::code),
        ),
        (
            "ServiceRequest",
            "severity",
            codes(&Severity::ALL, Severity::code),
        ),
        (
            "ServiceRequest",
            "status",
            codes(&Status::ALL, Status::code),
        ),
        (
            "CreateServiceRequest",
            "severity",
            codes(&Severity::ALL, Severity::code),
        ),
        (
            "SetServiceRequestStatus",
            "status",
            codes(&Status::ALL, Status::code),
        ),
        (
            "RelationshipRequest",
            "kind",
            codes(&InvitationKind::ALL, InvitationKind::code),
        ),
        (
            "InvitationPreview",
            "kind",
            codes(&InvitationKind::ALL, InvitationKind::code),
        ),
        ("User", "roles[]", roles.clone()),
        ("Me", "roles[]", roles.clone()),
        ("AccessAssignment", "roles[]", roles.clone()),
        ("GdapRelationship", "roles[]", roles),
        ("User", "delegated_access", access.clone()),
        ("UserInfo", "delegated_access", access),
        ("RelationshipRequest", "status", links.clone()),
        ("InvitationPreview", "status", links),
        ("Organization", "kind", kinds.clone()),
        ("OrganizationInfo", "kind", kinds),
        ("Organization", "program_roles[]", program_roles.clone()),
        ("OrganizationInfo", "program_roles[]", program_roles.clone()),
        ("ResellerAccountCreated", "program_roles[]", program_roles),
        (
            "Organization",
            "authorizations[]",
            codes(&PartnerAuthorization::ALL, PartnerAuthorization::code),
        ),
        (
            "OrganizationInfo",
            "authorizations[]",
            codes(&PartnerAuthorization::ALL, PartnerAuthorization::code),
        ),
    ];
    for (schema, prop, values) in sets {
        let (prop, items) = match prop.strip_suffix("[]") {
            Some(p) => (p, true),
            None => (prop, false),
        };
        let Some(p) = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(|ps| ps.get_mut(prop))
        else {
            continue;
        };
        let target = if items { p.get_mut("items") } else { Some(p) };
        if let Some(t) = target {
            t["enum"] = json!(values);
        }
    }
    if let Some(code) = schemas
        .get_mut("Problem")
        .and_then(|s| s.get_mut("properties"))
        .and_then(|ps| ps.get_mut("code"))
    {
        code["description"] = json!(
            "A stable, machine-readable code for the refusal (the examples list every code in use; new ones may be added, so treat an unknown code by its HTTP status)"
        );
        code["examples"] = json!(known_codes());
    }
    // Free-form details (audit records, subscription history) are JSON objects.
    for (schema, prop) in [
        ("AuditRecord", "details"),
        ("SubscriptionHistoryEntry", "details"),
    ] {
        if let Some(p) = schemas
            .get_mut(schema)
            .and_then(|s| s.get_mut("properties"))
            .and_then(|ps| ps.get_mut(prop))
        {
            *p = json!({"type": ["object", "null"], "additionalProperties": true, "description": "What changed, as a JSON object; its members depend on the action"});
        }
    }
}

fn describe(status: &str) -> &'static str {
    match status {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted; the work goes on in the background",
        "204" => "Done; no content",
        "400" => "Malformed request (JSON syntax, a header of the wrong form)",
        "401" => "Missing, unknown, expired or revoked token",
        "403" => "Not allowed for the caller's roles",
        "404" => "No such resource visible to the caller",
        "409" => "Conflicts with the resource's state",
        "412" => "The resource changed since the ETag given in If-Match",
        "413" => "Body too large",
        "415" => "Body is not of the expected media type",
        "422" => "Invalid parameters or body",
        "429" => "Rate limited; see Retry-After",
        "503" => "Temporarily unavailable",
        _ => "See the problem's code",
    }
}

fn collect_refs(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref")
                && let Some(name) = r.strip_prefix("#/components/schemas/")
            {
                out.insert(name.to_string());
            }
            for x in m.values() {
                collect_refs(x, out);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect_refs(x, out)),
        _ => {}
    }
}

/// The schemas reachable from `roots` through `$ref`s.
fn closure(schemas: &Value, roots: BTreeSet<String>) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut todo: Vec<String> = roots.into_iter().collect();
    while let Some(n) = todo.pop() {
        if !seen.insert(n.clone()) {
            continue;
        }
        let mut refs = BTreeSet::new();
        collect_refs(&schemas[&n], &mut refs);
        todo.extend(refs.into_iter().filter(|r| !seen.contains(r)));
    }
    seen
}

/// Marks every property of a response-only object schema required: the server always sends
/// it (`null` when it has no value). The problem's optional members are the exception.
fn require_all(name: &str, s: &mut Value) {
    let Some(props) = s.get("properties").and_then(Value::as_object) else {
        return;
    };
    let optional: &[&str] = if name == "Problem" {
        &["request_id", "errors", "required_roles"]
    } else {
        &[]
    };
    let req: Vec<Value> = props
        .keys()
        .filter(|k| !optional.contains(&k.as_str()))
        .map(|k| json!(k))
        .collect();
    s["required"] = Value::Array(req);
}

/// A convention an operation does not keep yet, or need not keep: (operationId, convention,
/// why). The conformance test (`tests/it/contract.rs`) reads this list and nothing else, so
/// an operation added without a convention fails CI unless it says why here.
pub const EXEMPT: &[(&str, Convention, &str)] = &[
    ("get_health", Convention::ETag, "a probe, not a resource"),
    (
        "preview_invitation",
        Convention::ETag,
        "what a link offers, computed for its reader; nothing to update",
    ),
    (
        "preview_trial_invitation",
        Convention::ETag,
        "what a link offers, computed for its reader; nothing to update",
    ),
    (
        "get_product_key_export",
        Convention::ETag,
        "a CSV made for its reader on each request, audited; nothing to update",
    ),
    (
        "preview_purchase_offer",
        Convention::ETag,
        "what a link offers, computed for its reader; nothing to update",
    ),
    (
        "get_gdap_relationship",
        Convention::ETag,
        "no PUT or PATCH: its changes are POST actions guarded by its state (409)",
    ),
    (
        "get_enrollment",
        Convention::ETag,
        "no PUT or PATCH for operator staff: decisions are POST actions guarded by the state (409)",
    ),
    (
        "get_reseller",
        Convention::ETag,
        "no PUT or PATCH on a partnership: removal is a POST action guarded by its state (409)",
    ),
    (
        "get_relationship_request",
        Convention::ETag,
        "no PUT or PATCH: revoking is a POST action guarded by its state (409)",
    ),
];

/// The conventions the conformance test checks on each operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Convention {
    /// A POST that answers 201 takes `Idempotency-Key` and replays (200,
    /// `Idempotent-Replayed: true`).
    IdempotentCreate,
    /// A GET that answers a list (`items`) takes `limit` and `cursor` and answers
    /// `next_cursor`.
    Paged,
    /// A PUT or PATCH takes `If-Match` with the resource's ETag, answers the new ETag, and
    /// refuses a stale one with 412.
    IfMatch,
    /// A GET of one resource answers its `ETag`.
    ETag,
}

/// Whether `operation` is exempt from `convention`.
pub fn exempt(operation: &str, convention: Convention) -> bool {
    EXEMPT
        .iter()
        .any(|(op, c, _)| *op == operation && *c == convention)
}

/// Who may reach another organization's resource through an operation on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// Open to every signed-in caller: the resource is published (the provider directory).
    Open,
    /// Operator staff, for an operator task on any organization (the directory, MFA resets).
    OperatorStaff,
    /// Only the holder of a right the owner granted; everybody else gets 404.
    Granted,
}

/// The legitimate cross-organization operations, in one place (issue 11): the tenant-isolation
/// test (`tests/it/isolation.rs`) lets `Open` and `OperatorStaff` ones through for their
/// callers and checks that each `Granted` one works for the holder of the right, while every
/// other operation answers a stranger's id exactly as it answers an id that does not exist.
pub const CROSS_ORGANIZATION: &[(&str, Reach, &str)] = &[
    (
        "get_directory_entry",
        Reach::Open,
        "the provider directory is published to partners (R-PRT-7)",
    ),
    (
        "put_directory_entry",
        Reach::OperatorStaff,
        "operator staff keep the directory (R-PRT-7)",
    ),
    (
        "delete_directory_entry",
        Reach::OperatorStaff,
        "operator staff keep the directory (R-PRT-7)",
    ),
    (
        "reset_user_mfa",
        Reach::OperatorStaff,
        "operator staff reset a locked-out user's second factor",
    ),
    (
        "get_partner_authorizations",
        Reach::OperatorStaff,
        "operator staff keep partners' program authorizations (issue 16)",
    ),
    (
        "set_partner_authorizations",
        Reach::OperatorStaff,
        "operator staff keep partners' program authorizations (issue 16)",
    ),
    (
        "list_partner_authorization_changes",
        Reach::OperatorStaff,
        "operator staff keep partners' program authorizations (issue 16)",
    ),
    (
        "list_reseller_users",
        Reach::Granted,
        "a provider's admin access to a partnered reseller (R-PRT-4)",
    ),
    (
        "list_customer_users",
        Reach::Granted,
        "delegated admin (DAP) or GDAP group roles in the customer (R-REL-7, R-REL-8, R-REL-9)",
    ),
    (
        "list_service_requests",
        Reach::Granted,
        "delegated admin in the customer, or the support contact of its subscriptions (R-CUS-1, R-ORD-5)",
    ),
    (
        "get_subscription",
        Reach::Granted,
        "the seller, the attributed reseller and the support contact of a subscription (R-ORD-4, R-ORD-5)",
    ),
];

/// How `operation` may reach across organizations, if it may.
pub fn reach(operation: &str) -> Option<Reach> {
    CROSS_ORGANIZATION
        .iter()
        .find(|(op, _, _)| *op == operation)
        .map(|(_, r, _)| *r)
}

/// The codes a problem may carry: every code the portal has words for (`error-<code>` in its
/// English strings, so no refusal reaches a person without a message) and those only the HTTP
/// layer gives. Clients should still expect new codes: `Problem.code` lists these as examples,
/// not as a closed set.
pub fn known_codes() -> Vec<String> {
    const HTTP_ONLY: &[&str] = &[
        "malformed_json",
        "invalid_body",
        "unsupported_media_type",
        "payload_too_large",
        "invalid_query",
        "invalid_limit",
        "invalid_cursor",
        "invalid_if_match",
        "invalid_idempotency_key",
        "method_not_allowed",
        "rate_limited",
        "unauthenticated",
        "invalid_token",
        "too_long",
    ];
    const NOT_CODES: &[&str] = &["title", "back"];
    let mut codes: Vec<String> = include_str!("../../locales/en/portal.ftl")
        .lines()
        .filter_map(|l| l.strip_prefix("error-"))
        .filter_map(|l| l.split_once(" =").map(|(k, _)| k.trim()))
        .filter(|k| !NOT_CODES.contains(k))
        .map(str::to_string)
        .chain(HTTP_ONLY.iter().map(|c| c.to_string()))
        .collect();
    codes.sort();
    codes.dedup();
    codes
}
