//! The customer record (issue 14, point 2; seed 000: 顧客のアカウント、サービス、ユーザー、ライセンスを
//! 管理するには、顧客のレコードを選択し…): what a related partner sees of one customer, and what it may
//! do there. It composes the use cases that hold the rules (users, subscriptions, service
//! requests, GDAP, removal) and keeps each one's refusal as the reason its part is closed, so
//! the record always opens for a customer in the partner's list.

use super::*;
use crate::{customer_users, gdap, service_requests, subscriptions};
use keiro_domain::service_request::Status as ServiceStatus;

/// Why a part of the record is closed to the caller.
#[derive(Debug)]
pub enum Closed {
    /// Admin work inside the customer needs rights the customer grants: delegated admin, or a
    /// GDAP relationship whose security groups give the caller a role.
    NeedsAdminRights,
    /// The caller's own roles do not allow it (the refusal names what would).
    Refused(AppError),
}

impl Closed {
    fn of(e: AppError) -> AppResult<Closed> {
        match e {
            AppError::NotFound(_) => Ok(Closed::NeedsAdminRights),
            e @ AppError::Forbidden { .. } => Ok(Closed::Refused(e)),
            e => Err(e),
        }
    }
}

/// What is open in one part of the record: its content, or why not.
pub type Part<T> = Result<T, Closed>;

fn part<T>(r: AppResult<T>) -> AppResult<Part<T>> {
    match r {
        Ok(v) => Ok(Ok(v)),
        Err(e) => Ok(Err(Closed::of(e)?)),
    }
}

/// The customer's account as the record shows it.
#[derive(Debug, Clone)]
pub struct Account {
    pub view: CustomerView,
    pub address_line1: String,
    pub address_line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub phone: String,
    pub email: String,
}

#[derive(Debug)]
pub struct CustomerRecord {
    pub account: Account,
    /// The caller's GDAP relationships with this customer, with their end dates.
    pub gdap: Part<Vec<gdap::GdapView>>,
    /// The subscriptions the caller takes part in.
    pub subscriptions: Part<Vec<subscriptions::SubscriptionView>>,
    /// The customer's service requests the caller may follow, and how many are open.
    pub service_requests: Part<(usize, usize)>,
    /// Managing the customer's users (R-REL-9).
    pub users: Part<()>,
    /// Removing the relationship (R-REL-6).
    pub remove: Part<()>,
}

/// The customer record of one of the caller's customers (an active relationship), else 404.
pub async fn record(app: &App, ctx: &Ctx, id: &str) -> AppResult<CustomerRecord> {
    let (view, o) = customer_row(app, ctx, id).await?;
    let me = ctx.user()?;
    let account = Account {
        view,
        address_line1: o.address_line1,
        address_line2: o.address_line2,
        city: o.city,
        region: o.region,
        postal_code: o.postal_code,
        phone: o.phone,
        email: o.email,
    };
    let gdap = part(gdap::list(app, ctx, None, 200).await.map(|p| {
        p.items
            .into_iter()
            .filter(|g| g.customer_org_id.as_deref() == Some(id))
            .collect()
    }))?;
    let subscriptions = part(
        subscriptions::list(app, ctx, Some(id), None, None, 200)
            .await
            .map(|p| p.items),
    )?;
    let service_requests = part(
        service_requests::list(app, ctx, id, None, 200)
            .await
            .map(|p| {
                let open = p
                    .items
                    .iter()
                    .filter(|r| ServiceStatus::parse(&r.status).is_ok_and(ServiceStatus::is_open))
                    .count();
                (open, p.items.len())
            }),
    )?;
    let users = part(
        customer_users::list(app, ctx, id, None, None, 1)
            .await
            .map(|_| ()),
    )?;
    let remove = part(me.require(Action::RemoveCustomerRelationship, "relationship"))?;
    Ok(CustomerRecord {
        account,
        gdap,
        subscriptions,
        service_requests,
        users,
        remove,
    })
}
