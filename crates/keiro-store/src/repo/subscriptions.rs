//! Orders, subscriptions and subscription history (R-ORD-2…7). Every change is a guarded write
//! on the subscription's version.

use super::*;

pub async fn insert_order(c: &impl ConnectionTrait, m: order::Model) -> Result<(), StoreError> {
    super::insert(c, m).await?;
    Ok(())
}

/// Inserts the order only if `partner` has an active relationship with its customer, checked
/// by the INSERT itself (one statement, inside the caller's transaction). False if not.
pub async fn insert_order_if_related(
    c: &impl ConnectionTrait,
    m: order::Model,
    partner: &str,
) -> Result<bool, StoreError> {
    use customer_relationship::Column as R;
    use sea_orm::sea_query::Query;
    let related = Query::select()
        .expr(Expr::val(1))
        .from(customer_relationship::Entity)
        .and_where(Expr::col(R::PartnerOrgId).eq(partner))
        .and_where(Expr::col(R::CustomerOrgId).eq(m.customer_org_id.as_str()))
        .and_where(is_code(R::State, "active"))
        .to_owned();
    let values = Query::select()
        .exprs([
            Expr::val(m.id),
            Expr::val(m.customer_org_id),
            Expr::val(m.placed_by_org_id),
            Expr::val(m.placed_by_user_id),
            Expr::val(m.created_at),
        ])
        .and_where(Expr::exists(related))
        .to_owned();
    let insert = Query::insert()
        .into_table(order::Entity)
        .columns([
            order::Column::Id,
            order::Column::CustomerOrgId,
            order::Column::PlacedByOrgId,
            order::Column::PlacedByUserId,
            order::Column::CreatedAt,
        ])
        .select_from(values)
        .map_err(|e| StoreError::Db(sea_orm::DbErr::Custom(e.to_string())))?
        .to_owned();
    let done = c
        .execute_raw(c.get_database_backend().build(&insert))
        .await?;
    Ok(done.rows_affected() == 1)
}

use subscription::Column as C;

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<subscription::Model> {
    row_by_id::<subscription::Entity>(c, id).await
}

/// Which of `offers` the customer holds a live (active or suspended) subscription to: the
/// prerequisites an add-on may rely on. One indexed query, whatever the customer holds.
pub async fn held_offers(
    c: &impl ConnectionTrait,
    customer: &str,
    offers: Vec<String>,
) -> Result<Vec<String>, StoreError> {
    if offers.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<String> = subscription::Entity::find()
        .select_only()
        .column(C::OfferId)
        .distinct()
        .filter(C::CustomerOrgId.eq(customer))
        .filter(C::OfferId.is_in(offers))
        .filter(C::State.is_in(["active", "suspended"]))
        .into_tuple()
        .all(c)
        .await?;
    Ok(rows)
}

/// Ids of the customer's live subscriptions whose designated support contact is `partner`
/// (R-ORD-5).
pub async fn supported_by(
    c: &impl ConnectionTrait,
    customer: &str,
    partner: &str,
) -> Result<Vec<String>, StoreError> {
    let rows = subscription::Entity::find()
        .filter(C::CustomerOrgId.eq(customer))
        .filter(C::SupportContactOrgId.eq(partner))
        .filter(C::State.is_in(["active", "suspended"]))
        .all(c)
        .await?;
    Ok(rows.into_iter().map(|r| r.id).collect())
}

/// Whose subscriptions a list shows.
#[derive(Debug, Clone)]
pub enum Visible<'a> {
    /// A customer: all of its own.
    Customer(&'a str),
    /// A partner: those it sold, is attributed or supports; optionally of one customer.
    Partner {
        org: &'a str,
        customer: Option<&'a str>,
    },
}

/// A page of subscriptions, oldest first.
pub async fn list(
    c: &impl ConnectionTrait,
    vis: &Visible<'_>,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<subscription::Model>, StoreError> {
    let mut sel = subscription::Entity::find();
    match vis {
        Visible::Customer(org) => sel = sel.filter(C::CustomerOrgId.eq(*org)),
        Visible::Partner { org, customer } => {
            sel = sel.filter(involves(org));
            if let Some(cu) = customer {
                sel = sel.filter(C::CustomerOrgId.eq(*cu));
            }
        }
    }
    if let Some(s) = state {
        sel = sel.filter(C::State.eq(s));
    }
    keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// For the customers of one page of a partner's Customers list: each customer's live
/// subscriptions the partner takes part in (active or suspended), and the resellers they are
/// attributed to. One query for the page.
pub async fn summary_for(
    c: &impl ConnectionTrait,
    partner: &str,
    customers: &[String],
) -> Result<Vec<(String, Option<String>)>, StoreError> {
    if customers.is_empty() {
        return Ok(vec![]);
    }
    Ok(subscription::Entity::find()
        .select_only()
        .column(C::CustomerOrgId)
        .column(C::ResellerOrgId)
        .filter(involves(partner))
        .filter(C::CustomerOrgId.is_in(customers.iter().cloned()))
        .filter(C::State.is_in(["active", "suspended"]))
        .into_tuple::<(String, Option<String>)>()
        .all(c)
        .await?)
}

/// The partner holds the subscription itself (a license benefit's), sold it, is its attributed
/// reseller, its support contact or its partner of record (the list form of keiro-app's
/// `subscriptions::involves`: change both together).
pub fn involves(org: &str) -> Condition {
    Condition::any()
        .add(C::CustomerOrgId.eq(org))
        .add(C::SellerOrgId.eq(org))
        .add(C::ResellerOrgId.eq(org))
        .add(C::SupportContactOrgId.eq(org))
        .add(C::PartnerOfRecordOrgId.eq(org))
}

/// Writes every mutable field of `m` if the stored version is still `version`, bumping it.
/// False when someone else changed the subscription first.
pub async fn save(
    c: &impl ConnectionTrait,
    m: &subscription::Model,
    version: i64,
) -> Result<bool, StoreError> {
    subscription::Entity::update_many()
        .col_expr(C::ResellerOrgId, Expr::value(m.reseller_org_id.clone()))
        .col_expr(
            C::SupportContactOrgId,
            Expr::value(m.support_contact_org_id.clone()),
        )
        .col_expr(
            C::PartnerOfRecordOrgId,
            Expr::value(m.partner_of_record_org_id.clone()),
        )
        .col_expr(C::Quantity, Expr::value(m.quantity))
        .col_expr(C::State, Expr::value(m.state.clone()))
        .col_expr(
            C::SuspensionReasons,
            Expr::value(m.suspension_reasons.clone()),
        )
        .col_expr(C::AutoRenew, Expr::value(m.auto_renew))
        .col_expr(C::Trial, Expr::value(m.trial))
        .col_expr(C::TermStartedAt, Expr::value(m.term_started_at))
        .col_expr(C::TermEndsAt, Expr::value(m.term_ends_at))
        .col_expr(C::EndedAt, Expr::value(m.ended_at))
        .col_expr(C::UpdatedAt, Expr::value(m.updated_at))
        .col_expr(C::Version, Expr::value(version + 1))
        .filter(C::Id.eq(m.id.clone()))
        .filter(C::Version.eq(version))
        .changed_one(c)
        .await
}

/// Live subscriptions whose term (or trial) has ended by `now`, for the scheduler.
pub async fn due(
    c: &impl ConnectionTrait,
    now: Ts,
    limit: u64,
) -> Result<Vec<subscription::Model>, StoreError> {
    let sel = subscription::Entity::find()
        .filter(C::State.is_in(["active", "suspended"]))
        .filter(C::TermEndsAt.lte(now))
        .order_by_asc(C::TermEndsAt);
    first_n(c, sel, limit).await
}

pub async fn insert_event(
    c: &impl ConnectionTrait,
    m: subscription_event::Model,
) -> Result<(), StoreError> {
    super::insert(c, m).await?;
    Ok(())
}

/// A subscription's history, oldest first, `limit` after the cursor `after`.
pub async fn history(
    c: &impl ConnectionTrait,
    id: &str,
    after: Option<&str>,
    limit: u64,
) -> Result<Page<subscription_event::Model>, StoreError> {
    use subscription_event::Column as E;
    let sel = subscription_event::Entity::find().filter(E::SubscriptionId.eq(id));
    keyset(c, sel, E::Id, after, limit, Order::Asc, |m| m.id.clone()).await
}

/// The subscriptions `org` is partner of record of, oldest first (the advisor's list).
pub async fn of_partner_of_record(
    c: &impl ConnectionTrait,
    org: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<subscription::Model>, StoreError> {
    let sel = subscription::Entity::find().filter(C::PartnerOfRecordOrgId.eq(org));
    keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// The organization's active subscription of an offer (the oldest, if several).
pub async fn active_of(
    c: &impl ConnectionTrait,
    customer_org_id: &str,
    offer_id: &str,
) -> Found<subscription::Model> {
    Ok(subscription::Entity::find()
        .filter(C::CustomerOrgId.eq(customer_org_id))
        .filter(C::OfferId.eq(offer_id))
        .filter(is_code(C::State, "active"))
        .order_by_asc(C::Id)
        .all(c)
        .await?
        .into_iter()
        .next())
}
