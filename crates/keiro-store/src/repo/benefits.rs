//! Membership benefits (ADR 0011): the catalog (`benefits`, `benefit_levels`,
//! `benefit_downloads`), packages, the allocations ledger, the operator's key pools and
//! partners' benefit requests. `use_units` is the ledger's one guarded write; `claim_key`
//! hands a pool key to exactly one caller; `insert_package` numbers a partner's packages under
//! a unique index, so two purchases at once cannot both land.

use super::*;
use benefit::Column as B;
use benefit_allocation::Column as A;
use benefit_key::Column as K;
use benefit_package::Column as P;
use benefit_request::Column as R;

// ---- The catalog -------------------------------------------------------------------------

pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<benefit::Model> {
    row_by_id::<benefit::Entity>(c, id).await
}

pub async fn by_code(c: &impl ConnectionTrait, code: &str) -> Found<benefit::Model> {
    unique(c, benefit::Entity::find().filter(B::Code.eq(code))).await
}

pub async fn by_ids(
    c: &impl ConnectionTrait,
    ids: Vec<String>,
) -> Result<Vec<benefit::Model>, StoreError> {
    Ok(benefit::Entity::find()
        .filter(B::Id.is_in(ids))
        .all(c)
        .await?)
}

/// The catalog, oldest first, of one kind and state if given.
pub async fn list(
    c: &impl ConnectionTrait,
    kind: Option<&str>,
    state: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit::Model>, StoreError> {
    let mut sel = benefit::Entity::find();
    if let Some(k) = kind {
        sel = sel.filter(B::Kind.eq(k));
    }
    if let Some(s) = state {
        sel = sel.filter(B::State.eq(s));
    }
    keyset(c, sel, B::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

pub async fn levels_of(
    c: &impl ConnectionTrait,
    benefit_ids: Vec<String>,
) -> Result<Vec<benefit_level::Model>, StoreError> {
    Ok(benefit_level::Entity::find()
        .filter(benefit_level::Column::BenefitId.is_in(benefit_ids))
        .all(c)
        .await?)
}

pub async fn downloads_of(
    c: &impl ConnectionTrait,
    benefit_ids: Vec<String>,
) -> Result<Vec<benefit_download::Model>, StoreError> {
    Ok(benefit_download::Entity::find()
        .filter(benefit_download::Column::BenefitId.is_in(benefit_ids))
        .order_by_asc(benefit_download::Column::Language)
        .order_by_asc(benefit_download::Column::Os)
        .all(c)
        .await?)
}

/// The available benefits a level holds, each with its share for that level.
pub async fn for_level(
    c: &impl ConnectionTrait,
    level: &str,
) -> Result<Vec<(benefit::Model, benefit_level::Model)>, StoreError> {
    let shares = benefit_level::Entity::find()
        .filter(benefit_level::Column::Level.eq(level))
        .all(c)
        .await?;
    let benefits = benefit::Entity::find()
        .filter(B::Id.is_in(shares.iter().map(|s| s.benefit_id.clone())))
        .filter(is_code(B::State, "available"))
        .order_by_asc(B::Id)
        .all(c)
        .await?;
    Ok(benefits
        .into_iter()
        .filter_map(|b| {
            let s = shares.iter().find(|s| s.benefit_id == b.id)?.clone();
            Some((b, s))
        })
        .collect())
}

/// Inserts a benefit with its levels and downloads.
pub async fn insert(
    c: &impl ConnectionTrait,
    b: benefit::Model,
    levels: Vec<benefit_level::Model>,
    downloads: Vec<benefit_download::Model>,
) -> Result<(), StoreError> {
    super::insert(c, b).await?;
    insert_all(c, levels).await?;
    insert_all(c, downloads).await
}

/// Replaces a benefit, its levels and its downloads, guarded on the version it was read at.
pub async fn update(
    c: &impl ConnectionTrait,
    b: &benefit::Model,
    version: i64,
    levels: Vec<benefit_level::Model>,
    downloads: Vec<benefit_download::Model>,
) -> Result<(), StoreError> {
    let upd = benefit::Entity::update_many()
        .col_expr(B::Kind, Expr::value(b.kind.clone()))
        .col_expr(B::NameJa, Expr::value(b.name_ja.clone()))
        .col_expr(B::NameEn, Expr::value(b.name_en.clone()))
        .col_expr(B::DescriptionJa, Expr::value(b.description_ja.clone()))
        .col_expr(B::DescriptionEn, Expr::value(b.description_en.clone()))
        .col_expr(B::InstructionsJa, Expr::value(b.instructions_ja.clone()))
        .col_expr(B::InstructionsEn, Expr::value(b.instructions_en.clone()))
        .col_expr(B::Tier, Expr::value(b.tier.clone()))
        .col_expr(B::Months, Expr::value(b.months))
        .col_expr(B::OfferId, Expr::value(b.offer_id.clone()))
        .col_expr(B::State, Expr::value(b.state.clone()))
        .col_expr(B::UpdatedAt, Expr::value(b.updated_at));
    one_or_stale(at_version(c, upd, (B::Id, &b.id), (B::Version, version)).await?)?;
    benefit_level::Entity::delete_many()
        .filter(benefit_level::Column::BenefitId.eq(&b.id))
        .exec(c)
        .await?;
    benefit_download::Entity::delete_many()
        .filter(benefit_download::Column::BenefitId.eq(&b.id))
        .exec(c)
        .await?;
    insert_all(c, levels).await?;
    insert_all(c, downloads).await
}

// ---- Packages ----------------------------------------------------------------------------

/// The partner's packages, oldest first.
pub async fn packages_of(
    c: &impl ConnectionTrait,
    org_id: &str,
) -> Result<Vec<benefit_package::Model>, StoreError> {
    Ok(benefit_package::Entity::find()
        .filter(P::OrgId.eq(org_id))
        .order_by_asc(P::Seq)
        .all(c)
        .await?)
}

pub async fn package_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Found<benefit_package::Model> {
    row_in::<benefit_package::Entity>(c, id, (P::OrgId, org_id)).await
}

pub async fn package(c: &impl ConnectionTrait, id: &str) -> Found<benefit_package::Model> {
    row_by_id::<benefit_package::Entity>(c, id).await
}

/// Every partner's packages (of one partner if given), newest first.
pub async fn all_packages(
    c: &impl ConnectionTrait,
    org_id: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit_package::Model>, StoreError> {
    let mut sel = benefit_package::Entity::find();
    if let Some(o) = org_id {
        sel = sel.filter(P::OrgId.eq(o));
    }
    keyset(c, sel, P::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// Inserts a package (its `seq` unique for the partner) and its allocations.
pub async fn insert_package(
    c: &impl ConnectionTrait,
    p: benefit_package::Model,
    allocations: Vec<benefit_allocation::Model>,
) -> Result<(), StoreError> {
    super::insert(c, p).await?;
    insert_all(c, allocations).await
}

/// Cancels an active package and its allocations: false if it was not active.
pub async fn cancel_package(
    c: &impl ConnectionTrait,
    id: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    let done = benefit_package::Entity::update_many()
        .col_expr(P::State, Expr::value("cancelled"))
        .col_expr(P::CancelledAt, Expr::value(Some(now)))
        .incr(P::Version)
        .filter(P::Id.eq(id))
        .filter(is_code(P::State, "active"))
        .changed_one(c)
        .await?;
    if done {
        benefit_allocation::Entity::update_many()
            .col_expr(A::State, Expr::value("cancelled"))
            .incr(A::Version)
            .filter(A::PackageId.eq(id))
            .exec(c)
            .await?;
    }
    Ok(done)
}

// ---- The ledger --------------------------------------------------------------------------

/// The allocations of these packages, oldest first.
pub async fn allocations_of(
    c: &impl ConnectionTrait,
    package_ids: Vec<String>,
) -> Result<Vec<benefit_allocation::Model>, StoreError> {
    Ok(benefit_allocation::Entity::find()
        .filter(A::PackageId.is_in(package_ids))
        .order_by_asc(A::Id)
        .all(c)
        .await?)
}

/// The partner's allocations, newest first, of one package and kind if given.
pub async fn allocations_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    package_id: Option<&str>,
    kind: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit_allocation::Model>, StoreError> {
    let mut sel = benefit_allocation::Entity::find().filter(A::OrgId.eq(org_id));
    if let Some(p) = package_id {
        sel = sel.filter(A::PackageId.eq(p));
    }
    if let Some(k) = kind {
        sel = sel.filter(A::Kind.eq(k));
    }
    keyset(c, sel, A::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

pub async fn allocation_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Found<benefit_allocation::Model> {
    row_in::<benefit_allocation::Entity>(c, id, (A::OrgId, org_id)).await
}

/// Uses `n` units of an allocation: true for a caller that found it active, running at `now`,
/// with `n` units left; the guarded write every kind spends through.
pub async fn use_units(
    c: &impl ConnectionTrait,
    id: &str,
    n: i64,
    now: Ts,
) -> Result<bool, StoreError> {
    benefit_allocation::Entity::update_many()
        .col_expr(A::Used, Expr::col(A::Used).add(n))
        .incr(A::Version)
        .filter(A::Id.eq(id))
        .filter(is_code(A::State, "active"))
        .filter(A::StartsAt.lte(now))
        .filter(A::ExpiresAt.gt(now))
        .filter(Expr::col(A::Used).add(n).lte(Expr::col(A::Quantity)))
        .changed_one(c)
        .await
}

/// Gives back `n` units of an allocation (a monthly credit's user removed): true for a caller
/// that found at least `n` used.
pub async fn release_units(c: &impl ConnectionTrait, id: &str, n: i64) -> Result<bool, StoreError> {
    benefit_allocation::Entity::update_many()
        .col_expr(A::Used, Expr::col(A::Used).sub(n))
        .incr(A::Version)
        .filter(A::Id.eq(id))
        .filter(A::Used.gte(n))
        .changed_one(c)
        .await
}

/// Operator staff confirm an activated, not yet confirmed go-to-market offer: true for the one
/// caller that did.
pub async fn confirm(
    c: &impl ConnectionTrait,
    id: &str,
    by: &str,
    now: Ts,
) -> Result<bool, StoreError> {
    benefit_allocation::Entity::update_many()
        .col_expr(A::ConfirmedAt, Expr::value(Some(now)))
        .col_expr(A::ConfirmedBy, Expr::value(Some(by.to_string())))
        .incr(A::Version)
        .filter(A::Id.eq(id))
        .filter(A::ActivatedAt.is_not_null())
        .filter(A::ConfirmedAt.is_null())
        .filter(is_code(A::State, "active"))
        .changed_one(c)
        .await
}

/// Every partner's activated offers of `kind` waiting for operator staff, oldest first.
pub async fn pending(
    c: &impl ConnectionTrait,
    kind: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit_allocation::Model>, StoreError> {
    let sel = benefit_allocation::Entity::find()
        .filter(A::Kind.eq(kind))
        .filter(A::ActivatedAt.is_not_null())
        .filter(A::ConfirmedAt.is_null())
        .filter(is_code(A::State, "active"));
    keyset(c, sel, A::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// Activates a running, active, not yet activated allocation with its IDs (a technical
/// benefit's; none for a go-to-market offer): true for the one caller that did.
pub async fn activate(
    c: &impl ConnectionTrait,
    id: &str,
    by: &str,
    ids: (Option<&str>, Option<&str>),
    now: Ts,
) -> Result<bool, StoreError> {
    benefit_allocation::Entity::update_many()
        .col_expr(A::ActivatedAt, Expr::value(Some(now)))
        .col_expr(A::ActivatedBy, Expr::value(Some(by.to_string())))
        .col_expr(A::AccessId, Expr::value(ids.0.map(str::to_string)))
        .col_expr(A::ContractId, Expr::value(ids.1.map(str::to_string)))
        .incr(A::Version)
        .filter(A::Id.eq(id))
        .filter(A::ActivatedAt.is_null())
        .filter(is_code(A::State, "active"))
        .filter(A::StartsAt.lte(now))
        .filter(A::ExpiresAt.gt(now))
        .changed_one(c)
        .await
}

/// Active allocations that expire in `(now, before]` and whose partner was not told yet.
pub async fn expiring(
    c: &impl ConnectionTrait,
    now: Ts,
    before: Ts,
) -> Result<Vec<benefit_allocation::Model>, StoreError> {
    Ok(benefit_allocation::Entity::find()
        .filter(is_code(A::State, "active"))
        .filter(A::ExpiryNotified.eq(false))
        .filter(A::ExpiresAt.gt(now))
        .filter(A::ExpiresAt.lte(before))
        .filter(A::StartsAt.lte(now))
        .order_by_asc(A::Id)
        .all(c)
        .await?)
}

/// Marks an allocation's expiry as told: true for the one caller that marked it.
pub async fn mark_expiry_notified(c: &impl ConnectionTrait, id: &str) -> Result<bool, StoreError> {
    benefit_allocation::Entity::update_many()
        .col_expr(A::ExpiryNotified, Expr::value(true))
        .filter(A::Id.eq(id))
        .filter(A::ExpiryNotified.eq(false))
        .changed_one(c)
        .await
}

// ---- Key pools ---------------------------------------------------------------------------

/// Of these hashes, those already in a pool.
pub async fn known_hashes(
    c: &impl ConnectionTrait,
    hashes: Vec<String>,
) -> Result<Vec<String>, StoreError> {
    Ok(benefit_key::Entity::find()
        .filter(K::KeyHash.is_in(hashes))
        .all(c)
        .await?
        .into_iter()
        .map(|k| k.key_hash)
        .collect())
}

pub async fn insert_keys(
    c: &impl ConnectionTrait,
    keys: Vec<benefit_key::Model>,
) -> Result<(), StoreError> {
    for chunk in keys.chunks(100) {
        insert_all(c, chunk.to_vec()).await?;
    }
    Ok(())
}

/// Who gets a key, and when.
pub struct Taker<'a> {
    pub allocation_id: &'a str,
    pub org_id: &'a str,
    pub user_id: &'a str,
    pub now: Ts,
}

/// Hands the oldest available key of a benefit's pool to `taker`: each key to exactly one
/// caller, however many ask at once on however many nodes (a lost race reads the next key);
/// `None` when the pool is empty.
pub async fn claim_key(
    c: &impl ConnectionTrait,
    benefit_id: &str,
    taker: &Taker<'_>,
) -> Found<benefit_key::Model> {
    loop {
        let sel = benefit_key::Entity::find()
            .filter(K::BenefitId.eq(benefit_id))
            .filter(is_code(K::State, "available"))
            .order_by_asc(K::Id);
        let Some(k) = first_n(c, sel, 1).await?.into_iter().next() else {
            return Ok(None);
        };
        let took = benefit_key::Entity::update_many()
            .col_expr(K::State, Expr::value("handed_out"))
            .col_expr(
                K::AllocationId,
                Expr::value(Some(taker.allocation_id.to_string())),
            )
            .col_expr(K::OrgId, Expr::value(Some(taker.org_id.to_string())))
            .col_expr(K::GotBy, Expr::value(Some(taker.user_id.to_string())))
            .col_expr(K::GotAt, Expr::value(Some(taker.now)))
            .filter(K::Id.eq(&k.id))
            .filter(is_code(K::State, "available"))
            .changed_one(c)
            .await?;
        if took {
            return row_by_id::<benefit_key::Entity>(c, &k.id).await;
        }
    }
}

/// The keys got through one allocation, a page in id order.
pub async fn keys_of_allocation(
    c: &impl ConnectionTrait,
    allocation_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit_key::Model>, StoreError> {
    let sel = benefit_key::Entity::find().filter(K::AllocationId.eq(allocation_id));
    keyset(c, sel, K::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
}

/// The keys got through these allocations, oldest first.
pub async fn keys_of(
    c: &impl ConnectionTrait,
    allocation_ids: Vec<String>,
) -> Result<Vec<benefit_key::Model>, StoreError> {
    Ok(benefit_key::Entity::find()
        .filter(K::AllocationId.is_in(allocation_ids))
        .order_by_asc(K::GotAt)
        .order_by_asc(K::Id)
        .all(c)
        .await?)
}

/// How many keys each benefit's pool has available and has handed out:
/// `(benefit_id, available, handed_out)`.
pub async fn pool_levels(
    c: &impl ConnectionTrait,
    benefit_ids: Vec<String>,
) -> Result<Vec<(String, i64, i64)>, StoreError> {
    let rows: Vec<(String, String, i64)> = benefit_key::Entity::find()
        .filter(K::BenefitId.is_in(benefit_ids))
        .select_only()
        .column(K::BenefitId)
        .column(K::State)
        .column_as(K::Id.count(), "n")
        .group_by(K::BenefitId)
        .group_by(K::State)
        .into_tuple()
        .all(c)
        .await?;
    let mut out: Vec<(String, i64, i64)> = Vec::new();
    for (b, state, n) in rows {
        let i = match out.iter().position(|r| r.0 == b) {
            Some(i) => i,
            None => {
                out.push((b, 0, 0));
                out.len() - 1
            }
        };
        if state == "available" {
            out[i].1 += n;
        } else {
            out[i].2 += n;
        }
    }
    Ok(out)
}

// ---- Requests to the operator ------------------------------------------------------------

pub async fn insert_request(
    c: &impl ConnectionTrait,
    r: benefit_request::Model,
) -> Result<(), StoreError> {
    super::insert(c, r).await
}

pub async fn request(c: &impl ConnectionTrait, id: &str) -> Found<benefit_request::Model> {
    row_by_id::<benefit_request::Entity>(c, id).await
}

pub async fn request_in_org(
    c: &impl ConnectionTrait,
    org_id: &str,
    id: &str,
) -> Found<benefit_request::Model> {
    row_in::<benefit_request::Entity>(c, id, (R::OrgId, org_id)).await
}

/// The requests of one package, oldest first.
pub async fn requests_of_package(
    c: &impl ConnectionTrait,
    package_id: &str,
) -> Result<Vec<benefit_request::Model>, StoreError> {
    Ok(benefit_request::Entity::find()
        .filter(R::PackageId.eq(package_id))
        .order_by_asc(R::Id)
        .all(c)
        .await?)
}

/// Requests, newest first, of one partner, state and kind if given.
pub async fn requests(
    c: &impl ConnectionTrait,
    org_id: Option<&str>,
    state: Option<&str>,
    kind: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<benefit_request::Model>, StoreError> {
    let mut sel = benefit_request::Entity::find();
    if let Some(o) = org_id {
        sel = sel.filter(R::OrgId.eq(o));
    }
    if let Some(s) = state {
        sel = sel.filter(R::State.eq(s));
    }
    if let Some(k) = kind {
        sel = sel.filter(R::Kind.eq(k));
    }
    keyset(c, sel, R::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}

/// Decides an open request: false if it was decided already.
pub async fn decide_request(
    c: &impl ConnectionTrait,
    id: &str,
    state: &str,
    by: &str,
    reason: Option<String>,
    now: Ts,
) -> Result<bool, StoreError> {
    benefit_request::Entity::update_many()
        .col_expr(R::State, Expr::value(state))
        .col_expr(R::DecidedBy, Expr::value(Some(by.to_string())))
        .col_expr(R::DecidedAt, Expr::value(Some(now)))
        .col_expr(R::DecisionReason, Expr::value(reason))
        .incr(R::Version)
        .filter(R::Id.eq(id))
        .filter(is_code(R::State, "open"))
        .changed_one(c)
        .await
}

/// Operator staff answer an open support or advisory request, recording the hours it used:
/// false if it was answered already.
pub async fn answer_request(
    c: &impl ConnectionTrait,
    id: &str,
    by: &str,
    answer: String,
    hours: Option<i64>,
    now: Ts,
) -> Result<bool, StoreError> {
    benefit_request::Entity::update_many()
        .col_expr(R::State, Expr::value("answered"))
        .col_expr(R::DecidedBy, Expr::value(Some(by.to_string())))
        .col_expr(R::DecidedAt, Expr::value(Some(now)))
        .col_expr(R::DecisionReason, Expr::value(Some(answer)))
        .col_expr(R::HoursUsed, Expr::value(hours))
        .incr(R::Version)
        .filter(R::Id.eq(id))
        .filter(is_code(R::State, "open"))
        .changed_one(c)
        .await
}

/// The requests sent through these allocations, newest first.
pub async fn requests_of_allocations(
    c: &impl ConnectionTrait,
    allocation_ids: Vec<String>,
) -> Result<Vec<benefit_request::Model>, StoreError> {
    Ok(benefit_request::Entity::find()
        .filter(R::AllocationId.is_in(allocation_ids))
        .order_by_desc(R::Id)
        .all(c)
        .await?)
}

/// Whether any partner holds an allocation of this benefit.
pub async fn is_allocated(c: &impl ConnectionTrait, benefit_id: &str) -> Result<bool, StoreError> {
    Ok(!first_n(
        c,
        benefit_allocation::Entity::find().filter(A::BenefitId.eq(benefit_id)),
        1,
    )
    .await?
    .is_empty())
}

pub async fn allocation(c: &impl ConnectionTrait, id: &str) -> Found<benefit_allocation::Model> {
    row_by_id::<benefit_allocation::Entity>(c, id).await
}
