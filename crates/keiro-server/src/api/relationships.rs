//! Customers and partners (R-REL-2…5, R-ORG-2): a partner's customers, a customer's partners
//! with their contact details, and a new customer's sign-up through a relationship link.

use crate::api::ApiQuery;
use crate::api::params::PageParams;
use crate::api::respond::created_once;
use crate::api::views::contact_body;
use crate::api::views::listed;
use crate::extract::{AnonCtx, ApiCtx, ApiJson, Paging, encode_cursor, non_empty};
use crate::problem::ApiResult;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use keiro_api_types::{
    Customer, CustomerList, CustomerSignUp, CustomerSignedUp, PartnerContact, PartnerContactList,
    RemovePartnership,
};
use keiro_app::relationships::NewCustomer;
use serde::Deserialize;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CustomerParams {
    /// Part of the customer's name or domain, case-insensitive.
    #[param(min_length = 1)]
    pub q: Option<String>,
    /// since (oldest relationship first, the default), -since, or name.
    #[param(value_type = Option<CustomerSortParam>)]
    pub sort: Option<String>,
    /// A provider's filter: only customers shared with this partnered reseller (its id).
    #[param(min_length = 1)]
    pub reseller: Option<String>,
    /// Relationship kind: `delegated_admin` (the caller holds delegated admin) or `reseller`
    /// (a reseller relationship without it).
    #[param(value_type = Option<CustomerKindParam>)]
    pub kind: Option<String>,
    #[param(value_type = Option<u32>, minimum = 1, maximum = 200)]
    pub limit: Option<String>,
    #[param(min_length = 1)]
    pub cursor: Option<String>,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub enum CustomerSortParam {
    #[serde(rename = "since")]
    Since,
    #[serde(rename = "-since")]
    SinceDesc,
    #[serde(rename = "name")]
    Name,
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CustomerKindParam {
    DelegatedAdmin,
    Reseller,
}

fn invalid(field: &str, code: &str, detail: &str) -> crate::problem::ApiError {
    crate::problem::ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
        .field(field, code, detail)
}

/// The caller's customers: those with an active reseller relationship with its organization
/// (R-REL-2, R-REL-5). Cursor-paged, sortable, searchable by name or domain, filterable by
/// reseller and by relationship kind (R-REL-10).
#[utoipa::path(get, path = "/v1/customers", tag = "customers", security(("bearer" = [])), params(CustomerParams),
    responses((status = 200, body = CustomerList)))]
pub async fn list_customers(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<CustomerParams>,
) -> ApiResult<Json<CustomerList>> {
    use keiro_app::relationships::{CustomerFilter, CustomerSort};
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let search = non_empty("q", q.q)?;
    let reseller = non_empty("reseller", q.reseller)?;
    let sort = match q.sort.as_deref() {
        None | Some("since") => CustomerSort::Since,
        Some("-since") => CustomerSort::SinceDesc,
        Some("name") => CustomerSort::Name,
        Some(_) => {
            return Err(invalid(
                "sort",
                "invalid_sort",
                "sort is since, -since or name",
            ));
        }
    };
    let delegated_admin = match q.kind.as_deref() {
        None => None,
        Some("delegated_admin") => Some(true),
        Some("reseller") => Some(false),
        Some(_) => {
            return Err(invalid(
                "kind",
                "invalid_kind",
                "kind is delegated_admin or reseller",
            ));
        }
    };
    let page = keiro_app::relationships::customers(
        &s.app,
        &ctx,
        CustomerFilter {
            q: search.as_deref(),
            sort,
            reseller: reseller.as_deref(),
            delegated_admin,
            cursor: p.cursor.as_deref(),
            limit: p.limit,
        },
    )
    .await?;
    Ok(Json(CustomerList {
        items: page
            .items
            .into_iter()
            .map(|c| Customer {
                id: c.id,
                delegated_admin: c.delegated_admin,
                legal_name: c.legal_name,
                primary_domain: c.primary_domain,
                country: c.country,
                since: c.since,
            })
            .collect(),
        next_cursor: page.next_cursor.as_deref().map(encode_cursor),
    }))
}

/// The caller's (a customer's) partners, with their contact details (R-ORG-2).
#[utoipa::path(get, path = "/v1/partners", tag = "customers", security(("bearer" = [])), params(PageParams),
    responses((status = 200, body = PartnerContactList)))]
pub async fn list_partners(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    ApiQuery(q): ApiQuery<PageParams>,
) -> ApiResult<Json<PartnerContactList>> {
    let p = Paging::parse(q.limit.as_deref(), q.cursor.as_deref())?;
    let page =
        keiro_app::relationships::partners(&s.app, &ctx, p.cursor.as_deref(), p.limit).await?;
    let (items, next_cursor) = listed(page, contact_body);
    Ok(Json(PartnerContactList { items, next_cursor }))
}

/// Ends the reseller relationship with this customer after the attestation (R-REL-6): removes
/// the caller's delegated admin (DAP) over it, keeps GDAP, sends no notice.
#[utoipa::path(post, path = "/v1/customers/{id}/remove", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = RemovePartnership, responses((status = 204, description = "Removed")))]
pub async fn remove_customer(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
    ApiJson(b): ApiJson<RemovePartnership>,
) -> ApiResult<StatusCode> {
    keiro_app::relationships::remove(&s.app, &ctx, &id, b.attest).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customer's global admin revokes this partner's delegated admin; the relationship stays
/// (R-REL-7).
#[utoipa::path(delete, path = "/v1/partners/{id}/delegatedadmin", tag = "customers", security(("bearer" = [])),
    params(("id" = String, Path)), responses((status = 200, body = PartnerContact), (status = 409, description = "No delegated admin to revoke")))]
pub async fn revoke_delegated_admin(
    State(s): State<AppState>,
    ApiCtx(ctx): ApiCtx,
    Path(id): Path<String>,
) -> ApiResult<Json<PartnerContact>> {
    Ok(Json(contact_body(
        keiro_app::relationships::revoke_delegated_admin(&s.app, &ctx, &id).await?,
    )))
}

/// Creates a customer organization and its first global admin through an open relationship
/// link (R-REL-4), and answers with an API token for that admin (shown once) to accept it with.
#[utoipa::path(operation_id = "sign_up_customer", post, path = "/v1/invitations/signup", tag = "customers", params(("Idempotency-Key" = Option<String>, Header, nullable = false)), request_body = CustomerSignUp,
    responses((status = 201, body = CustomerSignedUp), (status = 409, description = "The email is taken, or the link is no longer open")))]
pub async fn sign_up(
    State(s): State<AppState>,
    AnonCtx(ctx): AnonCtx,
    headers: HeaderMap,
    ApiJson(b): ApiJson<CustomerSignUp>,
) -> ApiResult<Response> {
    let key = crate::api::idempotency_key(&headers)?;
    let o = keiro_app::relationships::sign_up(
        &s.app,
        &ctx,
        &b.token,
        NewCustomer {
            company_name: b.company_name,
            country: b.country,
            primary_domain: b.primary_domain,
            full_name: b.full_name,
            email: b.email,
            password: b.password,
        },
        key.as_deref(),
    )
    .await?;
    let me = o.value;
    // A token only with the first answer: a replay proves nothing about who asks again.
    let token = if o.replayed {
        None
    } else {
        keiro_app::tokens::issue(&s.app, Some(&ctx), &me, "sign-up", 7, None)
            .await?
            .secret
    };
    Ok(created_once(
        o.replayed,
        CustomerSignedUp {
            organization_id: me.org.id,
            user_id: me.user.id,
            token,
        },
    ))
}
