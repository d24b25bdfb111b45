//! Repository functions. Every function that reads tenant data takes the organization it is
//! scoped to; state changes are guarded writes that check the number of rows they changed.

use crate::StoreError;
use crate::entities::*;
use sea_orm::prelude::*;
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{ActiveValue::Set, Condition, ConnectionTrait, QueryOrder, QuerySelect};
use time::OffsetDateTime;

pub type Ts = OffsetDateTime;

/// A page of rows plus the cursor of the next page. Cursors are the last row's id: ids are
/// UUIDv7, so id order is creation order and a keyset query on the primary key stays fast.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_cursor: Option<String>,
}

fn page<T>(mut rows: Vec<T>, limit: u64, id_of: impl Fn(&T) -> String) -> Page<T> {
    let next_cursor = if rows.len() as u64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(&id_of)
    } else {
        None
    };
    Page {
        items: rows,
        next_cursor,
    }
}

/// `col` contains `q`, case-insensitively, with `%`, `_` and `\\` in `q` taken literally.
/// LOWER on both sides and an explicit ESCAPE behave the same on SQLite and PostgreSQL.
fn contains_ci<C: sea_orm::ColumnTrait>(col: C, q: &str) -> sea_orm::sea_query::SimpleExpr {
    use sea_orm::sea_query::{Func, LikeExpr};
    let escaped = q
        .to_lowercase()
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Expr::expr(Func::lower(Expr::col(col))).like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
}

pub mod orgs {
    use super::*;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: organization::Model,
    ) -> Result<(), StoreError> {
        organization::Entity::insert(organization::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn get(
        c: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<organization::Model>, StoreError> {
        Ok(organization::Entity::find_by_id(id.to_string())
            .one(c)
            .await?)
    }

    /// Several organizations in one query (for lists that name them).
    pub async fn by_ids(
        c: &impl ConnectionTrait,
        ids: Vec<String>,
    ) -> Result<Vec<organization::Model>, StoreError> {
        Ok(organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .all(c)
            .await?)
    }

    /// The approved partner holding this partner ID.
    pub async fn by_partner_id(
        c: &impl ConnectionTrait,
        partner_id: &str,
    ) -> Result<Option<organization::Model>, StoreError> {
        Ok(organization::Entity::find()
            .filter(organization::Column::PartnerId.eq(partner_id))
            .filter(organization::Column::Kind.eq("partner"))
            .one(c)
            .await?)
    }

    pub async fn find_operator(
        c: &impl ConnectionTrait,
    ) -> Result<Option<organization::Model>, StoreError> {
        Ok(organization::Entity::find()
            .filter(organization::Column::Kind.eq("operator"))
            .order_by_asc(organization::Column::Id)
            .one(c)
            .await?)
    }

    pub async fn count(c: &impl ConnectionTrait) -> Result<u64, StoreError> {
        Ok(organization::Entity::find().count(c).await?)
    }

    /// Approved partners holding the indirect provider program role, by name (for the
    /// operator's directory maintenance), searched by name.
    pub async fn approved_providers(
        c: &impl ConnectionTrait,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<organization::Model>, StoreError> {
        use organization::Column as O;
        let mut sel = organization::Entity::find()
            .filter(O::Kind.eq("partner"))
            .filter(O::PartnerStatus.eq("approved"))
            .filter(contains_ci(O::ProgramRoles, "indirect_provider"));
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            sel = sel.filter(contains_ci(O::LegalName, q));
        }
        if let Some(cur) = cursor {
            sel = sel.filter(O::Id.gt(cur));
        }
        let rows = sel.order_by_asc(O::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    /// Serialises changes to one organization's users for the rest of the transaction: a
    /// write to the organization row takes its row lock on PostgreSQL (SQLite's single writer
    /// already serialises). Used where an invariant spans rows, like "one global admin remains".
    pub async fn lock(c: &impl ConnectionTrait, id: &str) -> Result<(), StoreError> {
        let r = organization::Entity::update_many()
            .col_expr(
                organization::Column::Version,
                Expr::col(organization::Column::Version).add(1),
            )
            .filter(organization::Column::Id.eq(id))
            .exec(c)
            .await?;
        if r.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }

    /// A partner's standing in the program: its status (enrolling, approved, rejected) and, on
    /// approval, its partner ID and program roles. `Duplicate` if another organization holds
    /// the partner ID.
    pub async fn set_partner_standing(
        c: &impl ConnectionTrait,
        id: &str,
        status: &str,
        partner_id: Option<&str>,
        program_roles: Option<&str>,
        now: Ts,
    ) -> Result<(), StoreError> {
        use organization::Column as C;
        let mut q = organization::Entity::update_many()
            .col_expr(C::PartnerStatus, Expr::value(Some(status.to_string())))
            .col_expr(C::UpdatedAt, Expr::value(now));
        if let Some(p) = partner_id {
            q = q.col_expr(C::PartnerId, Expr::value(Some(p.to_string())));
        }
        if let Some(r) = program_roles {
            q = q.col_expr(C::ProgramRoles, Expr::value(r));
        }
        q.filter(C::Id.eq(id)).exec(c).await?;
        Ok(())
    }

    /// Guarded profile update: applies only at `version`.
    pub async fn update_profile(
        c: &impl ConnectionTrait,
        id: &str,
        version: i64,
        p: &keiro_domain::CompanyProfile,
        now: Ts,
    ) -> Result<(), StoreError> {
        use organization::Column as C;
        let r = organization::Entity::update_many()
            .col_expr(C::LegalName, Expr::value(p.legal_name.clone()))
            .col_expr(C::AddressLine1, Expr::value(p.address_line1.clone()))
            .col_expr(C::AddressLine2, Expr::value(p.address_line2.clone()))
            .col_expr(C::City, Expr::value(p.city.clone()))
            .col_expr(C::Region, Expr::value(p.region.clone()))
            .col_expr(C::PostalCode, Expr::value(p.postal_code.clone()))
            .col_expr(C::Country, Expr::value(p.country.clone()))
            .col_expr(C::Phone, Expr::value(p.phone.clone()))
            .col_expr(C::Email, Expr::value(p.email.clone()))
            .col_expr(C::Website, Expr::value(p.website.clone()))
            .col_expr(C::PrimaryDomain, Expr::value(p.primary_domain.clone()))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(id))
            .filter(C::Version.eq(version))
            .exec(c)
            .await?;
        if r.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }
}

pub mod users {
    use super::*;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: user::Model,
        roles: &[&str],
    ) -> Result<(), StoreError> {
        let (uid, org) = (m.id.clone(), m.org_id.clone());
        user::Entity::insert(user::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        set_roles(c, &uid, &org, roles).await
    }

    pub async fn set_roles(
        c: &impl ConnectionTrait,
        user_id: &str,
        org_id: &str,
        roles: &[&str],
    ) -> Result<(), StoreError> {
        user_role::Entity::delete_many()
            .filter(user_role::Column::UserId.eq(user_id))
            .exec(c)
            .await?;
        if roles.is_empty() {
            return Ok(());
        }
        let rows = roles.iter().map(|r| user_role::ActiveModel {
            user_id: Set(user_id.to_string()),
            role: Set((*r).to_owned()),
            org_id: Set(org_id.to_string()),
        });
        user_role::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn roles_of(
        c: &impl ConnectionTrait,
        user_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(user_role::Entity::find()
            .filter(user_role::Column::UserId.eq(user_id))
            .order_by_asc(user_role::Column::Role)
            .all(c)
            .await?
            .into_iter()
            .map(|r| r.role)
            .collect())
    }

    pub async fn find_by_email(
        c: &impl ConnectionTrait,
        email: &str,
    ) -> Result<Option<user::Model>, StoreError> {
        Ok(user::Entity::find()
            .filter(user::Column::Email.eq(email))
            .one(c)
            .await?)
    }

    /// A user by id, only if it belongs to `org_id` (tenant scope).
    pub async fn get_in_org(
        c: &impl ConnectionTrait,
        org_id: &str,
        id: &str,
    ) -> Result<Option<user::Model>, StoreError> {
        Ok(user::Entity::find_by_id(id.to_string())
            .filter(user::Column::OrgId.eq(org_id))
            .one(c)
            .await?)
    }

    /// Unscoped lookup, for authentication only (the session or token already names the user).
    pub async fn get_for_auth(
        c: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<user::Model>, StoreError> {
        Ok(user::Entity::find_by_id(id.to_string()).one(c).await?)
    }

    pub async fn list_in_org(
        c: &impl ConnectionTrait,
        org_id: &str,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<user::Model>, StoreError> {
        let mut q = user::Entity::find().filter(user::Column::OrgId.eq(org_id));
        if let Some(cur) = cursor {
            q = q.filter(user::Column::Id.gt(cur));
        }
        let rows = q
            .order_by_asc(user::Column::Id)
            .limit(limit + 1)
            .all(c)
            .await?;
        Ok(page(rows, limit, |u| u.id.clone()))
    }

    /// Users of `org_id` whose name or email contains `q` (case-insensitive on both backends:
    /// LOWER on both sides, LIKE wildcards in `q` escaped), in id order.
    pub async fn search_in_org(
        c: &impl ConnectionTrait,
        org_id: &str,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<user::Model>, StoreError> {
        let mut sel = user::Entity::find().filter(user::Column::OrgId.eq(org_id));
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            sel = sel.filter(
                Condition::any()
                    .add(contains_ci(user::Column::FullName, q))
                    .add(contains_ci(user::Column::Email, q)),
            );
        }
        if let Some(cur) = cursor {
            sel = sel.filter(user::Column::Id.gt(cur));
        }
        let rows = sel
            .order_by_asc(user::Column::Id)
            .limit(limit + 1)
            .all(c)
            .await?;
        Ok(page(rows, limit, |u| u.id.clone()))
    }

    /// Guarded update of what an administrator edits about a user.
    pub async fn update_admin_fields(
        c: &impl ConnectionTrait,
        org_id: &str,
        id: &str,
        version: i64,
        full_name: &str,
        delegated_access: &str,
        now: Ts,
    ) -> Result<(), StoreError> {
        let r = user::Entity::update_many()
            .col_expr(user::Column::FullName, Expr::value(full_name))
            .col_expr(user::Column::DelegatedAccess, Expr::value(delegated_access))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                user::Column::Version,
                Expr::col(user::Column::Version).add(1),
            )
            .filter(user::Column::Id.eq(id))
            .filter(user::Column::OrgId.eq(org_id))
            .filter(user::Column::Version.eq(version))
            .exec(c)
            .await?;
        if r.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }

    pub async fn set_active(
        c: &impl ConnectionTrait,
        org_id: &str,
        id: &str,
        active: bool,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = user::Entity::update_many()
            .col_expr(user::Column::Active, Expr::value(active))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                user::Column::Version,
                Expr::col(user::Column::Version).add(1),
            )
            .filter(user::Column::Id.eq(id))
            .filter(user::Column::OrgId.eq(org_id))
            .filter(user::Column::Active.eq(!active))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Deletes a user of `org_id`; sessions, tokens and roles go with it (foreign keys).
    pub async fn delete(
        c: &impl ConnectionTrait,
        org_id: &str,
        id: &str,
    ) -> Result<bool, StoreError> {
        let r = user::Entity::delete_many()
            .filter(user::Column::Id.eq(id))
            .filter(user::Column::OrgId.eq(org_id))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Active users of `org_id` holding `role`.
    pub async fn count_active_with_role(
        c: &impl ConnectionTrait,
        org_id: &str,
        role: &str,
    ) -> Result<u64, StoreError> {
        let ids: Vec<String> = user_role::Entity::find()
            .select_only()
            .column(user_role::Column::UserId)
            .filter(user_role::Column::OrgId.eq(org_id))
            .filter(user_role::Column::Role.eq(role))
            .into_tuple()
            .all(c)
            .await?;
        if ids.is_empty() {
            return Ok(0);
        }
        Ok(user::Entity::find()
            .filter(user::Column::Id.is_in(ids))
            .filter(user::Column::Active.eq(true))
            .count(c)
            .await?)
    }

    /// Guarded password change: applies only if the row is still at `version`.
    pub async fn set_password(
        c: &impl ConnectionTrait,
        id: &str,
        version: i64,
        hash: &str,
        must_change: bool,
        now: Ts,
    ) -> Result<(), StoreError> {
        let res = user::Entity::update_many()
            .col_expr(user::Column::PasswordHash, Expr::value(hash))
            .col_expr(user::Column::MustChangePassword, Expr::value(must_change))
            .col_expr(user::Column::PasswordChangedAt, Expr::value(now))
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                user::Column::Version,
                Expr::col(user::Column::Version).add(1),
            )
            .filter(user::Column::Id.eq(id))
            .filter(user::Column::Version.eq(version))
            .exec(c)
            .await?;
        if res.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }

    /// Guarded update of the profile fields a user edits about themselves.
    pub async fn set_preferences(
        c: &impl ConnectionTrait,
        id: &str,
        version: i64,
        full_name: &str,
        language: Option<&str>,
        now: Ts,
    ) -> Result<(), StoreError> {
        let res = user::Entity::update_many()
            .col_expr(user::Column::FullName, Expr::value(full_name))
            .col_expr(
                user::Column::Language,
                Expr::value(language.map(str::to_string)),
            )
            .col_expr(user::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                user::Column::Version,
                Expr::col(user::Column::Version).add(1),
            )
            .filter(user::Column::Id.eq(id))
            .filter(user::Column::Version.eq(version))
            .exec(c)
            .await?;
        if res.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }
}

pub mod sessions {
    use super::*;

    pub async fn insert(c: &impl ConnectionTrait, m: session::Model) -> Result<(), StoreError> {
        session::Entity::insert(session::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn find_live(
        c: &impl ConnectionTrait,
        id: &str,
        now: Ts,
    ) -> Result<Option<session::Model>, StoreError> {
        Ok(session::Entity::find_by_id(id.to_string())
            .filter(session::Column::RevokedAt.is_null())
            .filter(session::Column::ExpiresAt.gt(now))
            .one(c)
            .await?)
    }

    pub async fn touch(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<(), StoreError> {
        session::Entity::update_many()
            .col_expr(session::Column::LastSeenAt, Expr::value(now))
            .filter(session::Column::Id.eq(id))
            .exec(c)
            .await?;
        Ok(())
    }

    pub async fn revoke(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<bool, StoreError> {
        let r = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
            .filter(session::Column::Id.eq(id))
            .filter(session::Column::RevokedAt.is_null())
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Ends every session of a user except `keep` (after a password change).
    pub async fn revoke_all_for_user(
        c: &impl ConnectionTrait,
        user_id: &str,
        keep: Option<&str>,
        now: Ts,
    ) -> Result<u64, StoreError> {
        let mut q = session::Entity::update_many()
            .col_expr(session::Column::RevokedAt, Expr::value(Some(now)))
            .filter(session::Column::UserId.eq(user_id))
            .filter(session::Column::RevokedAt.is_null());
        if let Some(k) = keep {
            q = q.filter(session::Column::Id.ne(k));
        }
        Ok(q.exec(c).await?.rows_affected)
    }

    /// Deletes sessions that ended before `before`; they authenticate nothing any more.
    pub async fn purge_ended(c: &impl ConnectionTrait, before: Ts) -> Result<u64, StoreError> {
        Ok(session::Entity::delete_many()
            .filter(
                Condition::any()
                    .add(session::Column::ExpiresAt.lt(before))
                    .add(session::Column::RevokedAt.lt(before)),
            )
            .exec(c)
            .await?
            .rows_affected)
    }
}

pub mod tokens {
    use super::*;

    pub async fn insert(c: &impl ConnectionTrait, m: api_token::Model) -> Result<(), StoreError> {
        api_token::Entity::insert(api_token::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn find_by_hash(
        c: &impl ConnectionTrait,
        hash: &str,
    ) -> Result<Option<api_token::Model>, StoreError> {
        Ok(api_token::Entity::find()
            .filter(api_token::Column::TokenHash.eq(hash))
            .one(c)
            .await?)
    }

    pub async fn list_for_user(
        c: &impl ConnectionTrait,
        user_id: &str,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<api_token::Model>, StoreError> {
        let mut q = api_token::Entity::find().filter(api_token::Column::UserId.eq(user_id));
        if let Some(cur) = cursor {
            q = q.filter(api_token::Column::Id.lt(cur));
        }
        let rows = q
            .order_by_desc(api_token::Column::Id)
            .limit(limit + 1)
            .all(c)
            .await?;
        Ok(page(rows, limit, |t| t.id.clone()))
    }

    /// A token of this user (tenant scope: another user's id finds nothing).
    pub async fn get_for_user(
        c: &impl ConnectionTrait,
        user_id: &str,
        id: &str,
    ) -> Result<Option<api_token::Model>, StoreError> {
        Ok(api_token::Entity::find_by_id(id.to_string())
            .filter(api_token::Column::UserId.eq(user_id))
            .one(c)
            .await?)
    }

    /// Revokes a token of this user; false if there is no such live token.
    pub async fn revoke(
        c: &impl ConnectionTrait,
        user_id: &str,
        id: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = api_token::Entity::update_many()
            .col_expr(api_token::Column::RevokedAt, Expr::value(Some(now)))
            .filter(api_token::Column::Id.eq(id))
            .filter(api_token::Column::UserId.eq(user_id))
            .filter(api_token::Column::RevokedAt.is_null())
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    pub async fn touch(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<(), StoreError> {
        api_token::Entity::update_many()
            .col_expr(api_token::Column::LastUsedAt, Expr::value(Some(now)))
            .filter(api_token::Column::Id.eq(id))
            .exec(c)
            .await?;
        Ok(())
    }
}

pub mod audit {
    use super::*;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: audit_record::Model,
    ) -> Result<(), StoreError> {
        audit_record::Entity::insert(audit_record::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// Which audit rows a caller may see.
    #[derive(Debug, Clone)]
    pub enum Visibility {
        /// Operator staff: every row.
        All,
        /// Rows an organization took part in: as actor, target or the one acted for.
        Org(String),
    }

    #[derive(Debug, Clone, Default)]
    pub struct Filter {
        pub from: Option<Ts>,
        pub to: Option<Ts>,
        pub action: Option<String>,
        pub target_org_id: Option<String>,
    }

    pub async fn list(
        c: &impl ConnectionTrait,
        vis: &Visibility,
        f: &Filter,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<audit_record::Model>, StoreError> {
        use audit_record::Column as C;
        let mut q = audit_record::Entity::find();
        if let Visibility::Org(org) = vis {
            q = q.filter(
                Condition::any()
                    .add(C::ActorOrgId.eq(org.as_str()))
                    .add(C::TargetOrgId.eq(org.as_str()))
                    .add(C::OnBehalfOfOrgId.eq(org.as_str())),
            );
        }
        if let Some(from) = f.from {
            q = q.filter(C::OccurredAt.gte(from));
        }
        if let Some(to) = f.to {
            q = q.filter(C::OccurredAt.lt(to));
        }
        if let Some(a) = &f.action {
            q = q.filter(C::Action.eq(a.as_str()));
        }
        if let Some(t) = &f.target_org_id {
            q = q.filter(C::TargetOrgId.eq(t.as_str()));
        }
        if let Some(cur) = cursor {
            q = q.filter(C::Id.lt(cur));
        }
        let rows = q.order_by_desc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }
}

pub mod outbox {
    use super::*;
    use outbox_message::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: outbox_message::Model,
    ) -> Result<(), StoreError> {
        outbox_message::Entity::insert(outbox_message::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// Claims up to `limit` due messages for `node` until `lease_until`. Each claim is a guarded
    /// UPDATE on one row; a row another node claimed first changes 0 rows and is skipped, so a
    /// message is never held by two nodes (portable: no SKIP LOCKED needed).
    pub async fn claim_due(
        c: &impl ConnectionTrait,
        node: &str,
        now: Ts,
        lease_until: Ts,
        limit: u64,
    ) -> Result<Vec<outbox_message::Model>, StoreError> {
        let due = || {
            Condition::any()
                .add(
                    Condition::all()
                        .add(C::State.eq("pending"))
                        .add(C::NextAttemptAt.lte(now)),
                )
                .add(
                    Condition::all()
                        .add(C::State.eq("sending"))
                        .add(C::ClaimedUntil.lt(now)),
                )
        };
        let candidates = outbox_message::Entity::find()
            .select_only()
            .column(C::Id)
            .filter(due())
            .order_by_asc(C::NextAttemptAt)
            .limit(limit)
            .into_tuple::<String>()
            .all(c)
            .await?;
        let mut claimed = Vec::new();
        for id in candidates {
            let r = outbox_message::Entity::update_many()
                .col_expr(C::State, Expr::value("sending"))
                .col_expr(C::ClaimedBy, Expr::value(Some(node.to_string())))
                .col_expr(C::ClaimedUntil, Expr::value(Some(lease_until)))
                .filter(C::Id.eq(id.as_str()))
                .filter(due())
                .exec(c)
                .await?;
            if r.rows_affected == 1
                && let Some(m) = outbox_message::Entity::find_by_id(id).one(c).await?
            {
                claimed.push(m);
            }
        }
        Ok(claimed)
    }

    /// Marks a claimed message sent; false if this node no longer holds the claim.
    pub async fn mark_sent(
        c: &impl ConnectionTrait,
        id: &str,
        node: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = outbox_message::Entity::update_many()
            .col_expr(C::State, Expr::value("sent"))
            .col_expr(C::SentAt, Expr::value(Some(now)))
            .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
            .col_expr(C::ClaimedUntil, Expr::value(Option::<Ts>::None))
            .col_expr(C::LastError, Expr::value(Option::<String>::None))
            .filter(C::Id.eq(id))
            .filter(C::State.eq("sending"))
            .filter(C::ClaimedBy.eq(node))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Records a failed attempt: back to pending at `retry_at`, or failed for good when `give_up`.
    pub async fn mark_attempt_failed(
        c: &impl ConnectionTrait,
        id: &str,
        node: &str,
        error: &str,
        retry_at: Ts,
        give_up: bool,
    ) -> Result<bool, StoreError> {
        let r = outbox_message::Entity::update_many()
            .col_expr(
                C::State,
                Expr::value(if give_up { "failed" } else { "pending" }),
            )
            .col_expr(C::NextAttemptAt, Expr::value(retry_at))
            .col_expr(C::Attempts, Expr::col(C::Attempts).add(1))
            .col_expr(C::ClaimedUntil, Expr::value(Option::<Ts>::None))
            .col_expr(
                C::LastError,
                Expr::value(Some(error.chars().take(2000).collect::<String>())),
            )
            .filter(C::Id.eq(id))
            .filter(C::State.eq("sending"))
            .filter(C::ClaimedBy.eq(node))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    pub async fn list(
        c: &impl ConnectionTrait,
        state: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<outbox_message::Model>, StoreError> {
        let mut q = outbox_message::Entity::find();
        if let Some(s) = state {
            q = q.filter(C::State.eq(s));
        }
        if let Some(cur) = cursor {
            q = q.filter(C::Id.lt(cur));
        }
        let rows = q.order_by_desc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    pub async fn get(
        c: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<outbox_message::Model>, StoreError> {
        Ok(outbox_message::Entity::find_by_id(id.to_string())
            .one(c)
            .await?)
    }
}

pub mod idempotency {
    use super::*;

    pub async fn find(
        c: &impl ConnectionTrait,
        scope: &str,
        key: &str,
    ) -> Result<Option<idempotency_record::Model>, StoreError> {
        Ok(idempotency_record::Entity::find()
            .filter(idempotency_record::Column::Scope.eq(scope))
            .filter(idempotency_record::Column::Key.eq(key))
            .one(c)
            .await?)
    }

    /// Inserts the record; `StoreError::Duplicate` if another request with this key committed first.
    pub async fn insert(
        c: &impl ConnectionTrait,
        m: idempotency_record::Model,
    ) -> Result<(), StoreError> {
        idempotency_record::Entity::insert(idempotency_record::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// Forgets answers recorded before `before` (keys are remembered for 7 days).
    pub async fn purge_before(c: &impl ConnectionTrait, before: Ts) -> Result<u64, StoreError> {
        Ok(idempotency_record::Entity::delete_many()
            .filter(idempotency_record::Column::CreatedAt.lt(before))
            .exec(c)
            .await?
            .rows_affected)
    }
}

pub mod registry {
    use super::*;
    use membership_record::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: membership_record::Model,
    ) -> Result<(), StoreError> {
        membership_record::Entity::insert(membership_record::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn get(
        c: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<membership_record::Model>, StoreError> {
        Ok(membership_record::Entity::find_by_id(id.to_string())
            .one(c)
            .await?)
    }

    pub async fn by_partner_id(
        c: &impl ConnectionTrait,
        partner_id: &str,
    ) -> Result<Option<membership_record::Model>, StoreError> {
        Ok(membership_record::Entity::find()
            .filter(C::PartnerId.eq(partner_id))
            .one(c)
            .await?)
    }

    pub async fn list(
        c: &impl ConnectionTrait,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<membership_record::Model>, StoreError> {
        let mut sel = membership_record::Entity::find();
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            sel = sel.filter(
                Condition::any()
                    .add(contains_ci(C::OrganizationName, q))
                    .add(contains_ci(C::PartnerId, q)),
            );
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.gt(cur));
        }
        let rows = sel.order_by_asc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    /// Guarded update of the record's data (not its secret or claim).
    pub async fn update(
        c: &impl ConnectionTrait,
        m: &membership_record::Model,
        now: Ts,
    ) -> Result<(), StoreError> {
        let r = membership_record::Entity::update_many()
            .col_expr(
                C::OrganizationName,
                Expr::value(m.organization_name.clone()),
            )
            .col_expr(C::Country, Expr::value(m.country.clone()))
            .col_expr(C::Level, Expr::value(m.level.clone()))
            .col_expr(C::Status, Expr::value(m.status.clone()))
            .col_expr(C::ExpiresOn, Expr::value(m.expires_on))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(m.id.as_str()))
            .filter(C::Version.eq(m.version))
            .exec(c)
            .await?;
        if r.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }

    pub async fn set_secret(
        c: &impl ConnectionTrait,
        id: &str,
        hash: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = membership_record::Entity::update_many()
            .col_expr(C::ClaimSecretHash, Expr::value(hash))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(id))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Claims the record for `org_id` unless another organization holds it (guarded write).
    pub async fn claim(
        c: &impl ConnectionTrait,
        id: &str,
        org_id: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = membership_record::Entity::update_many()
            .col_expr(C::ClaimedByOrgId, Expr::value(Some(org_id.to_string())))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .filter(C::Id.eq(id))
            .filter(
                Condition::any()
                    .add(C::ClaimedByOrgId.is_null())
                    .add(C::ClaimedByOrgId.eq(org_id)),
            )
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Frees a claim held by `org_id` (when an application moves to another record).
    pub async fn release(
        c: &impl ConnectionTrait,
        id: &str,
        org_id: &str,
    ) -> Result<(), StoreError> {
        membership_record::Entity::update_many()
            .col_expr(C::ClaimedByOrgId, Expr::value(Option::<String>::None))
            .filter(C::Id.eq(id))
            .filter(C::ClaimedByOrgId.eq(org_id))
            .exec(c)
            .await?;
        Ok(())
    }
}

pub mod enrollments {
    use super::*;
    use enrollment::Column as C;

    pub async fn insert(c: &impl ConnectionTrait, m: enrollment::Model) -> Result<(), StoreError> {
        enrollment::Entity::insert(enrollment::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn for_org(
        c: &impl ConnectionTrait,
        org_id: &str,
    ) -> Result<Option<enrollment::Model>, StoreError> {
        Ok(enrollment::Entity::find()
            .filter(C::OrgId.eq(org_id))
            .one(c)
            .await?)
    }

    pub async fn get(
        c: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<enrollment::Model>, StoreError> {
        Ok(enrollment::Entity::find_by_id(id.to_string())
            .one(c)
            .await?)
    }

    /// The review queue, oldest first (first come, first served).
    pub async fn queue(
        c: &impl ConnectionTrait,
        state: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<enrollment::Model>, StoreError> {
        let mut sel = enrollment::Entity::find();
        if let Some(s) = state {
            sel = sel.filter(C::State.eq(s));
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.gt(cur));
        }
        let rows = sel.order_by_asc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    /// Writes the whole row if it is still at `m.version` and in state `from` (guarded).
    pub async fn save(
        c: &impl ConnectionTrait,
        m: &enrollment::Model,
        from: &str,
        now: Ts,
    ) -> Result<(), StoreError> {
        let r = enrollment::Entity::update_many()
            .col_expr(C::ProgramRole, Expr::value(m.program_role.clone()))
            .col_expr(C::State, Expr::value(m.state.clone()))
            .col_expr(
                C::MembershipRecordId,
                Expr::value(m.membership_record_id.clone()),
            )
            .col_expr(
                C::PrimaryContactName,
                Expr::value(m.primary_contact_name.clone()),
            )
            .col_expr(
                C::PrimaryContactEmail,
                Expr::value(m.primary_contact_email.clone()),
            )
            .col_expr(
                C::PrimaryContactPhone,
                Expr::value(m.primary_contact_phone.clone()),
            )
            .col_expr(C::SupportEmail, Expr::value(m.support_email.clone()))
            .col_expr(C::SupportPhone, Expr::value(m.support_phone.clone()))
            .col_expr(C::SupportWebsite, Expr::value(m.support_website.clone()))
            .col_expr(C::ContactVerifiedAt, Expr::value(m.contact_verified_at))
            .col_expr(C::SubmittedAt, Expr::value(m.submitted_at))
            .col_expr(C::ReviewNote, Expr::value(m.review_note.clone()))
            .col_expr(C::DecidedBy, Expr::value(m.decided_by.clone()))
            .col_expr(C::DecidedAt, Expr::value(m.decided_at))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(m.id.as_str()))
            .filter(C::Version.eq(m.version))
            .filter(C::State.eq(from))
            .exec(c)
            .await?;
        if r.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }
}

pub mod verifications {
    use super::*;
    use email_verification::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: email_verification::Model,
    ) -> Result<(), StoreError> {
        email_verification::Entity::insert(email_verification::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn find(
        c: &impl ConnectionTrait,
        hash: &str,
    ) -> Result<Option<email_verification::Model>, StoreError> {
        Ok(email_verification::Entity::find()
            .filter(C::TokenHash.eq(hash))
            .one(c)
            .await?)
    }

    /// Uses the link once: true for exactly one caller, however many click at the same moment.
    pub async fn use_once(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<bool, StoreError> {
        let r = email_verification::Entity::update_many()
            .col_expr(C::UsedAt, Expr::value(Some(now)))
            .filter(C::Id.eq(id))
            .filter(C::UsedAt.is_null())
            .filter(C::ExpiresAt.gt(now))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Retires the unused links of a subject (a new link replaces them).
    pub async fn retire_for(
        c: &impl ConnectionTrait,
        purpose: &str,
        subject_id: &str,
        now: Ts,
    ) -> Result<(), StoreError> {
        email_verification::Entity::update_many()
            .col_expr(C::UsedAt, Expr::value(Some(now)))
            .filter(C::Purpose.eq(purpose))
            .filter(C::SubjectId.eq(subject_id))
            .filter(C::UsedAt.is_null())
            .exec(c)
            .await?;
        Ok(())
    }
}

pub mod mfa {
    use super::*;
    use user::Column as U;

    pub async fn set_pending_secret(
        c: &impl ConnectionTrait,
        user_id: &str,
        secret: &str,
    ) -> Result<(), StoreError> {
        user::Entity::update_many()
            .col_expr(U::MfaPendingSecret, Expr::value(Some(secret.to_string())))
            .filter(U::Id.eq(user_id))
            .exec(c)
            .await?;
        Ok(())
    }

    /// Turns MFA on with the pending secret, if it is still `secret` (guarded).
    pub async fn enable(
        c: &impl ConnectionTrait,
        user_id: &str,
        secret: &str,
        step: i64,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = user::Entity::update_many()
            .col_expr(U::MfaSecret, Expr::value(Some(secret.to_string())))
            .col_expr(U::MfaPendingSecret, Expr::value(Option::<String>::None))
            .col_expr(U::MfaEnabled, Expr::value(true))
            .col_expr(U::MfaLastStep, Expr::value(Some(step)))
            .col_expr(U::UpdatedAt, Expr::value(now))
            .col_expr(U::Version, Expr::col(U::Version).add(1))
            .filter(U::Id.eq(user_id))
            .filter(U::MfaPendingSecret.eq(secret))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Accepts a TOTP time step once: true only if it is later than the last accepted one.
    pub async fn accept_step(
        c: &impl ConnectionTrait,
        user_id: &str,
        step: i64,
    ) -> Result<bool, StoreError> {
        let r = user::Entity::update_many()
            .col_expr(U::MfaLastStep, Expr::value(Some(step)))
            .filter(U::Id.eq(user_id))
            .filter(U::MfaEnabled.eq(true))
            .filter(
                Condition::any()
                    .add(U::MfaLastStep.is_null())
                    .add(U::MfaLastStep.lt(step)),
            )
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Removes MFA and its recovery codes.
    pub async fn clear(c: &impl ConnectionTrait, user_id: &str, now: Ts) -> Result<(), StoreError> {
        user::Entity::update_many()
            .col_expr(U::MfaSecret, Expr::value(Option::<String>::None))
            .col_expr(U::MfaPendingSecret, Expr::value(Option::<String>::None))
            .col_expr(U::MfaEnabled, Expr::value(false))
            .col_expr(U::MfaLastStep, Expr::value(Option::<i64>::None))
            .col_expr(U::UpdatedAt, Expr::value(now))
            .col_expr(U::Version, Expr::col(U::Version).add(1))
            .filter(U::Id.eq(user_id))
            .exec(c)
            .await?;
        mfa_recovery_code::Entity::delete_many()
            .filter(mfa_recovery_code::Column::UserId.eq(user_id))
            .exec(c)
            .await?;
        Ok(())
    }

    pub async fn replace_recovery_codes(
        c: &impl ConnectionTrait,
        user_id: &str,
        hashes: &[String],
        now: Ts,
    ) -> Result<(), StoreError> {
        mfa_recovery_code::Entity::delete_many()
            .filter(mfa_recovery_code::Column::UserId.eq(user_id))
            .exec(c)
            .await?;
        let rows = hashes.iter().map(|h| {
            mfa_recovery_code::ActiveModel::from(mfa_recovery_code::Model {
                id: uuid::Uuid::now_v7().to_string(),
                user_id: user_id.to_string(),
                code_hash: h.clone(),
                used_at: None,
                created_at: now,
            })
        });
        mfa_recovery_code::Entity::insert_many(rows)
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// Uses a recovery code once (guarded): true for exactly one caller.
    pub async fn use_recovery_code(
        c: &impl ConnectionTrait,
        user_id: &str,
        hash: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = mfa_recovery_code::Entity::update_many()
            .col_expr(mfa_recovery_code::Column::UsedAt, Expr::value(Some(now)))
            .filter(mfa_recovery_code::Column::UserId.eq(user_id))
            .filter(mfa_recovery_code::Column::CodeHash.eq(hash))
            .filter(mfa_recovery_code::Column::UsedAt.is_null())
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    pub async fn unused_recovery_codes(
        c: &impl ConnectionTrait,
        user_id: &str,
    ) -> Result<u64, StoreError> {
        Ok(mfa_recovery_code::Entity::find()
            .filter(mfa_recovery_code::Column::UserId.eq(user_id))
            .filter(mfa_recovery_code::Column::UsedAt.is_null())
            .count(c)
            .await?)
    }

    pub async fn complete_session(
        c: &impl ConnectionTrait,
        session_id: &str,
    ) -> Result<bool, StoreError> {
        let r = session::Entity::update_many()
            .col_expr(session::Column::MfaPending, Expr::value(false))
            .filter(session::Column::Id.eq(session_id))
            .filter(session::Column::MfaPending.eq(true))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    pub async fn set_org_requirement(
        c: &impl ConnectionTrait,
        org_id: &str,
        required: bool,
        now: Ts,
    ) -> Result<(), StoreError> {
        organization::Entity::update_many()
            .col_expr(organization::Column::RequireMfa, Expr::value(required))
            .col_expr(organization::Column::UpdatedAt, Expr::value(now))
            .col_expr(
                organization::Column::Version,
                Expr::col(organization::Column::Version).add(1),
            )
            .filter(organization::Column::Id.eq(org_id))
            .exec(c)
            .await?;
        Ok(())
    }
}

pub mod invitations {
    use super::*;
    use invitation::Column as C;

    pub async fn insert(c: &impl ConnectionTrait, m: invitation::Model) -> Result<(), StoreError> {
        invitation::Entity::insert(invitation::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn by_token_hash(
        c: &impl ConnectionTrait,
        hash: &str,
    ) -> Result<Option<invitation::Model>, StoreError> {
        Ok(invitation::Entity::find()
            .filter(C::TokenHash.eq(hash))
            .one(c)
            .await?)
    }

    pub async fn get_in_org(
        c: &impl ConnectionTrait,
        org_id: &str,
        id: &str,
    ) -> Result<Option<invitation::Model>, StoreError> {
        Ok(invitation::Entity::find_by_id(id.to_string())
            .filter(C::OrgId.eq(org_id))
            .one(c)
            .await?)
    }

    /// The organization's links of one kind, newest first; `state` filters on the stored state.
    pub async fn list_in_org(
        c: &impl ConnectionTrait,
        org_id: &str,
        kind: &str,
        state: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<invitation::Model>, StoreError> {
        let mut sel = invitation::Entity::find()
            .filter(C::OrgId.eq(org_id))
            .filter(C::Kind.eq(kind));
        if let Some(s) = state {
            sel = sel.filter(C::State.eq(s));
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.lt(cur));
        }
        let rows = sel.order_by_desc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    /// Uses a single-use link: true for exactly one caller, however many accept at once.
    pub async fn use_once(
        c: &impl ConnectionTrait,
        id: &str,
        org_id: &str,
        user_id: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = invitation::Entity::update_many()
            .col_expr(C::State, Expr::value("used"))
            .col_expr(C::UseCount, Expr::col(C::UseCount).add(1))
            .col_expr(C::UsedAt, Expr::value(Some(now)))
            .col_expr(C::UsedByOrg, Expr::value(Some(org_id.to_string())))
            .col_expr(C::UsedByUser, Expr::value(Some(user_id.to_string())))
            .filter(C::Id.eq(id))
            .filter(C::State.eq("open"))
            .filter(C::ExpiresAt.gt(now))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Counts one more use of a multi-use link, if it is still open and unexpired.
    pub async fn use_again(
        c: &impl ConnectionTrait,
        id: &str,
        org_id: &str,
        user_id: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = invitation::Entity::update_many()
            .col_expr(C::UseCount, Expr::col(C::UseCount).add(1))
            .col_expr(C::UsedAt, Expr::value(Some(now)))
            .col_expr(C::UsedByOrg, Expr::value(Some(org_id.to_string())))
            .col_expr(C::UsedByUser, Expr::value(Some(user_id.to_string())))
            .filter(C::Id.eq(id))
            .filter(C::State.eq("open"))
            .filter(C::ExpiresAt.gt(now))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Records whom Keiro emailed the link to.
    pub async fn set_recipient(
        c: &impl ConnectionTrait,
        id: &str,
        email: &str,
    ) -> Result<(), StoreError> {
        invitation::Entity::update_many()
            .col_expr(C::RecipientEmail, Expr::value(Some(email.to_string())))
            .filter(C::Id.eq(id))
            .exec(c)
            .await?;
        Ok(())
    }

    /// Revokes an open link of the organization; false if it was not open.
    pub async fn revoke(
        c: &impl ConnectionTrait,
        org_id: &str,
        id: &str,
        by: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = invitation::Entity::update_many()
            .col_expr(C::State, Expr::value("revoked"))
            .col_expr(C::RevokedAt, Expr::value(Some(now)))
            .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
            .filter(C::Id.eq(id))
            .filter(C::OrgId.eq(org_id))
            .filter(C::State.eq("open"))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }
}

pub mod partnerships {
    use super::*;
    use partnership::Column as C;

    pub async fn insert(c: &impl ConnectionTrait, m: partnership::Model) -> Result<(), StoreError> {
        partnership::Entity::insert(partnership::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn active_between(
        c: &impl ConnectionTrait,
        provider: &str,
        reseller: &str,
    ) -> Result<Option<partnership::Model>, StoreError> {
        Ok(partnership::Entity::find()
            .filter(C::ProviderOrgId.eq(provider))
            .filter(C::ResellerOrgId.eq(reseller))
            .filter(C::State.eq("active"))
            .one(c)
            .await?)
    }

    /// Which side of the partnership the listing organization is on.
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub enum Side {
        /// List the organization's resellers (it is the provider).
        Provider,
        /// List the organization's providers (it is the reseller).
        Reseller,
    }

    /// Active partnerships of `org_id` on `side`, oldest first, optionally searched by the other
    /// side's name or partner ID; each with the other organization.
    pub async fn list(
        c: &impl ConnectionTrait,
        org_id: &str,
        side: Side,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<(partnership::Model, organization::Model)>, StoreError> {
        let (mine, other) = match side {
            Side::Provider => (C::ProviderOrgId, C::ResellerOrgId),
            Side::Reseller => (C::ResellerOrgId, C::ProviderOrgId),
        };
        let mut sel = partnership::Entity::find()
            .filter(mine.eq(org_id))
            .filter(C::State.eq("active"));
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            use organization::Column as O;
            let matching = sea_orm::sea_query::Query::select()
                .column(O::Id)
                .from(organization::Entity)
                .cond_where(
                    Condition::any()
                        .add(contains_ci(O::LegalName, q))
                        .add(contains_ci(O::PartnerId, q)),
                )
                .to_owned();
            sel = sel.filter(Expr::col(other).in_subquery(matching));
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.gt(cur));
        }
        let rows = sel.order_by_asc(C::Id).limit(limit + 1).all(c).await?;
        let p = page(rows, limit, |r| r.id.clone());
        let ids: Vec<String> = p
            .items
            .iter()
            .map(|r| match side {
                Side::Provider => r.reseller_org_id.clone(),
                Side::Reseller => r.provider_org_id.clone(),
            })
            .collect();
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .all(c)
            .await?;
        let mut items = Vec::with_capacity(p.items.len());
        for r in p.items {
            let other_id = match side {
                Side::Provider => &r.reseller_org_id,
                Side::Reseller => &r.provider_org_id,
            };
            if let Some(o) = orgs.iter().find(|o| &o.id == other_id) {
                items.push((r.clone(), o.clone()));
            }
        }
        Ok(Page {
            items,
            next_cursor: p.next_cursor,
        })
    }

    /// Ends an active partnership; false if it was not active any more.
    pub async fn remove(
        c: &impl ConnectionTrait,
        id: &str,
        by_org: &str,
        by_user: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = partnership::Entity::update_many()
            .col_expr(C::State, Expr::value("removed"))
            .col_expr(C::RemovedAt, Expr::value(Some(now)))
            .col_expr(C::RemovedByOrg, Expr::value(Some(by_org.to_string())))
            .col_expr(C::RemovedByUser, Expr::value(Some(by_user.to_string())))
            .filter(C::Id.eq(id))
            .filter(C::State.eq("active"))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }
}

pub mod rights {
    use super::*;
    use delegated_right::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: delegated_right::Model,
    ) -> Result<(), StoreError> {
        delegated_right::Entity::insert(delegated_right::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// The live rights `owner` granted to `grantee`. Read in the same transaction as the action
    /// they authorize, so a revocation counts from the very next request.
    pub async fn live(
        c: &impl ConnectionTrait,
        owner: &str,
        grantee: &str,
    ) -> Result<Vec<delegated_right::Model>, StoreError> {
        Ok(delegated_right::Entity::find()
            .filter(C::OwnerOrgId.eq(owner))
            .filter(C::GranteeOrgId.eq(grantee))
            .filter(C::RevokedAt.is_null())
            .all(c)
            .await?)
    }

    /// Revokes the live right of `kind`; false if there was none.
    pub async fn revoke(
        c: &impl ConnectionTrait,
        owner: &str,
        grantee: &str,
        kind: &str,
        by: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = delegated_right::Entity::update_many()
            .col_expr(C::RevokedAt, Expr::value(Some(now)))
            .col_expr(C::RevokedBy, Expr::value(Some(by.to_string())))
            .filter(C::OwnerOrgId.eq(owner))
            .filter(C::GranteeOrgId.eq(grantee))
            .filter(C::Kind.eq(kind))
            .filter(C::RevokedAt.is_null())
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }
}

pub mod relationships {
    use super::*;
    use customer_relationship::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: customer_relationship::Model,
    ) -> Result<(), StoreError> {
        customer_relationship::Entity::insert(customer_relationship::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    fn customers_of(partner: &str) -> sea_orm::sea_query::SelectStatement {
        sea_orm::sea_query::Query::select()
            .column(C::CustomerOrgId)
            .from(customer_relationship::Entity)
            .and_where(Expr::col(C::PartnerOrgId).eq(partner))
            .and_where(Expr::col(C::State).eq("active"))
            .to_owned()
    }

    pub async fn active_between(
        c: &impl ConnectionTrait,
        partner: &str,
        customer: &str,
    ) -> Result<Option<customer_relationship::Model>, StoreError> {
        Ok(customer_relationship::Entity::find()
            .filter(C::PartnerOrgId.eq(partner))
            .filter(C::CustomerOrgId.eq(customer))
            .filter(C::State.eq("active"))
            .one(c)
            .await?)
    }

    /// Ends an active relationship; false if there was none.
    pub async fn end(
        c: &impl ConnectionTrait,
        partner: &str,
        customer: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = customer_relationship::Entity::update_many()
            .col_expr(C::State, Expr::value("ended"))
            .col_expr(C::EndedAt, Expr::value(Some(now)))
            .filter(C::PartnerOrgId.eq(partner))
            .filter(C::CustomerOrgId.eq(customer))
            .filter(C::State.eq("active"))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// How a partner's Customers page is ordered (R-REL-10).
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
    pub enum Sort {
        /// Oldest relationship first (relationship ids are UUIDv7: creation order).
        #[default]
        Since,
        /// Newest relationship first.
        SinceDesc,
        /// By legal name, then id.
        Name,
    }

    /// Which of a partner's customers to show.
    #[derive(Debug, Clone, Default)]
    pub struct CustomerQuery<'a> {
        pub q: Option<&'a str>,
        pub sort: Sort,
        /// Only customers this other partner (a partnered reseller) also has.
        pub shared_with: Option<&'a str>,
        /// Some(true): only customers over which the partner holds delegated admin; Some(false):
        /// only those without.
        pub delegated_admin: Option<bool>,
        pub cursor: Option<&'a str>,
        pub limit: u64,
    }

    /// A partner's customers (active relationships), keyset-paged in the chosen order, searched
    /// by name or domain (case-insensitive substring on both backends) and filtered. Driven from
    /// the partner's relationship rows joined to organizations, so the first and the deepest
    /// pages cost the same; each row comes with its relationship.
    pub async fn customers(
        c: &impl ConnectionTrait,
        partner: &str,
        f: &CustomerQuery<'_>,
    ) -> Result<Page<(organization::Model, customer_relationship::Model, bool)>, StoreError> {
        use organization::Column as O;
        use sea_orm::sea_query::{Alias, Query};
        let r = Alias::new("r");
        let o = Alias::new("o");
        // Does the partner hold live delegated admin over the row's customer?
        let live = Query::select()
            .expr(Expr::val(1))
            .from(delegated_right::Entity)
            .and_where(
                Expr::col((delegated_right::Entity, delegated_right::Column::OwnerOrgId))
                    .equals((r.clone(), C::CustomerOrgId)),
            )
            .and_where(
                Expr::col((
                    delegated_right::Entity,
                    delegated_right::Column::GranteeOrgId,
                ))
                .eq(partner),
            )
            .and_where(
                Expr::col((delegated_right::Entity, delegated_right::Column::Kind)).eq("dap"),
            )
            .and_where(
                Expr::col((delegated_right::Entity, delegated_right::Column::RevokedAt)).is_null(),
            )
            .to_owned();
        let mut q = Query::select();
        q.expr_as(Expr::col((r.clone(), C::Id)), Alias::new("rel_id"))
            .expr_as(
                Expr::col((r.clone(), C::CreatedAt)),
                Alias::new("rel_created_at"),
            )
            .expr_as(Expr::col((r.clone(), C::State)), Alias::new("rel_state"))
            .column((o.clone(), sea_orm::sea_query::Asterisk));
        let on = Expr::col((o.clone(), O::Id)).equals((r.clone(), C::CustomerOrgId));
        if f.sort == Sort::Name {
            // Walk customers in name order (ix_orgs_name) and look each relationship up by its
            // unique index: the first and deep pages stay cheap. SQLite keeps the left table of
            // a CROSS JOIN as the outer loop; PostgreSQL's planner chooses by itself.
            let jt = if c.get_database_backend() == sea_orm::DbBackend::Sqlite {
                sea_orm::sea_query::JoinType::CrossJoin
            } else {
                sea_orm::sea_query::JoinType::InnerJoin
            };
            // A CROSS JOIN carries no ON clause: the join condition goes into WHERE.
            q.from_as(organization::Entity, o.clone())
                .join_as(jt, customer_relationship::Entity, r.clone(), on.clone())
                .and_where(on);
        } else {
            q.from_as(customer_relationship::Entity, r.clone()).join_as(
                sea_orm::sea_query::JoinType::InnerJoin,
                organization::Entity,
                o.clone(),
                on,
            );
        }
        q.and_where(Expr::col((r.clone(), C::PartnerOrgId)).eq(partner))
            .and_where(Expr::col((r.clone(), C::State)).eq("active"));
        let text = f.q.map(str::trim).filter(|t| !t.is_empty());
        // SQLite: three characters or more go through the trigram index (a phrase query is a
        // literal, case-insensitive substring match); shorter ones scan, like PostgreSQL's
        // LIKE, which pg_trgm indexes.
        let fts = text.filter(|t| {
            c.get_database_backend() == sea_orm::DbBackend::Sqlite && t.chars().count() >= 3
        });
        if let Some(t) = fts {
            let phrase = format!("\"{}\"", t.replace('"', "\"\""));
            q.and_where(
                Expr::col((r.clone(), C::CustomerOrgId)).in_subquery(
                    Query::select()
                        .column(Alias::new("org_id"))
                        .from(Alias::new("org_search"))
                        .and_where(Expr::cust_with_values("org_search MATCH ?", [phrase]))
                        .to_owned(),
                ),
            );
        } else if let Some(text) = text {
            let like = |col: O| {
                use sea_orm::sea_query::{Func, LikeExpr};
                let escaped = text
                    .to_lowercase()
                    .replace('\\', "\\\\")
                    .replace('%', "\\%")
                    .replace('_', "\\_");
                Expr::expr(Func::lower(Expr::col((o.clone(), col))))
                    .like(LikeExpr::new(format!("%{escaped}%")).escape('\\'))
            };
            q.cond_where(
                Condition::any()
                    .add(like(O::LegalName))
                    .add(like(O::PrimaryDomain)),
            );
        }
        if let Some(other) = f.shared_with {
            q.and_where(Expr::col((r.clone(), C::CustomerOrgId)).in_subquery(customers_of(other)));
        }
        if let Some(dap) = f.delegated_admin {
            q.and_where(if dap {
                Expr::exists(live)
            } else {
                Expr::exists(live).not()
            });
        }
        match f.sort {
            Sort::Since => {
                if let Some(cur) = f.cursor {
                    q.and_where(Expr::col((r.clone(), C::Id)).gt(cur));
                }
                q.order_by((r.clone(), C::Id), sea_orm::Order::Asc);
            }
            Sort::SinceDesc => {
                if let Some(cur) = f.cursor {
                    q.and_where(Expr::col((r.clone(), C::Id)).lt(cur));
                }
                q.order_by((r.clone(), C::Id), sea_orm::Order::Desc);
            }
            Sort::Name => {
                // The cursor is "name<TAB>id" of the last row: rows after it in (name, id) order.
                // A row-value comparison: both backends turn it into one index range.
                if let Some((name, id)) = f.cursor.and_then(|c| c.split_once('\t')) {
                    q.and_where(
                        Expr::tuple([
                            Expr::col((o.clone(), O::LegalName)),
                            Expr::col((o.clone(), O::Id)),
                        ])
                        .gt(Expr::tuple([Expr::val(name), Expr::val(id)])),
                    );
                }
                q.order_by((o.clone(), O::LegalName), sea_orm::Order::Asc)
                    .order_by((o.clone(), O::Id), sea_orm::Order::Asc);
            }
        }
        q.limit(f.limit + 1);
        let rows = c.query_all(&q).await?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let org =
                <organization::Model as sea_orm::FromQueryResult>::from_query_result(&row, "")?;
            let rel = customer_relationship::Model {
                id: row.try_get("", "rel_id")?,
                partner_org_id: partner.to_string(),
                customer_org_id: org.id.clone(),
                state: row.try_get("", "rel_state")?,
                created_at: row.try_get("", "rel_created_at")?,
                ended_at: None,
            };
            items.push((org, rel, false));
        }
        // Delegated admin for the page's customers: one indexed lookup for the page (a
        // correlated EXISTS in the select list makes PostgreSQL hash every right first).
        if !items.is_empty() {
            let ids: Vec<String> = items.iter().map(|(o, _, _)| o.id.clone()).collect();
            let with_dap: Vec<String> = delegated_right::Entity::find()
                .filter(delegated_right::Column::GranteeOrgId.eq(partner))
                .filter(delegated_right::Column::Kind.eq("dap"))
                .filter(delegated_right::Column::RevokedAt.is_null())
                .filter(delegated_right::Column::OwnerOrgId.is_in(ids))
                .all(c)
                .await?
                .into_iter()
                .map(|d| d.owner_org_id)
                .collect();
            for (o, _, dap) in items.iter_mut() {
                *dap = with_dap.contains(&o.id);
            }
        }
        let sort = f.sort;
        Ok(page(items, f.limit, |(o, r, _)| match sort {
            Sort::Name => format!("{}\t{}", o.legal_name, o.id),
            Sort::Since | Sort::SinceDesc => r.id.clone(),
        }))
    }

    /// A customer's partners (active relationships), oldest relationship first.
    pub async fn partners(
        c: &impl ConnectionTrait,
        customer: &str,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<(customer_relationship::Model, organization::Model)>, StoreError> {
        let mut sel = customer_relationship::Entity::find()
            .filter(C::CustomerOrgId.eq(customer))
            .filter(C::State.eq("active"));
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.gt(cur));
        }
        let rows = sel.order_by_asc(C::Id).limit(limit + 1).all(c).await?;
        let p = page(rows, limit, |r| r.id.clone());
        let ids: Vec<String> = p.items.iter().map(|r| r.partner_org_id.clone()).collect();
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .all(c)
            .await?;
        let items = p
            .items
            .into_iter()
            .filter_map(|r| {
                let o = orgs.iter().find(|o| o.id == r.partner_org_id)?.clone();
                Some((r, o))
            })
            .collect();
        Ok(Page {
            items,
            next_cursor: p.next_cursor,
        })
    }

    /// Customers with an active relationship to both `a` and `b` (R-PRT-3): what a provider and
    /// its reseller share, and nothing either has alone (R-PRT-5). Paged by customer id, searched
    /// by name or domain.
    pub async fn shared_customers(
        c: &impl ConnectionTrait,
        a: &str,
        b: &str,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<organization::Model>, StoreError> {
        use organization::Column as O;
        let mut sel = organization::Entity::find()
            .filter(O::Kind.eq("customer"))
            .filter(Expr::col(O::Id).in_subquery(customers_of(a)))
            .filter(Expr::col(O::Id).in_subquery(customers_of(b)));
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            sel = sel.filter(
                Condition::any()
                    .add(contains_ci(O::LegalName, q))
                    .add(contains_ci(O::PrimaryDomain, q)),
            );
        }
        if let Some(cur) = cursor {
            sel = sel.filter(O::Id.gt(cur));
        }
        let rows = sel.order_by_asc(O::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }
}

pub mod directory {
    use super::*;
    use directory_entry::Column as C;

    pub async fn get_for_provider(
        c: &impl ConnectionTrait,
        provider: &str,
    ) -> Result<Option<directory_entry::Model>, StoreError> {
        Ok(directory_entry::Entity::find()
            .filter(C::ProviderOrgId.eq(provider))
            .one(c)
            .await?)
    }

    pub async fn countries(
        c: &impl ConnectionTrait,
        entry_id: &str,
    ) -> Result<Vec<String>, StoreError> {
        Ok(directory_country::Entity::find()
            .filter(directory_country::Column::EntryId.eq(entry_id))
            .order_by_asc(directory_country::Column::Country)
            .all(c)
            .await?
            .into_iter()
            .map(|r| r.country)
            .collect())
    }

    async fn set_countries(
        c: &impl ConnectionTrait,
        entry_id: &str,
        countries: &[String],
    ) -> Result<(), StoreError> {
        directory_country::Entity::delete_many()
            .filter(directory_country::Column::EntryId.eq(entry_id))
            .exec(c)
            .await?;
        for country in countries {
            directory_country::Entity::insert(directory_country::ActiveModel {
                entry_id: Set(entry_id.to_string()),
                country: Set(country.clone()),
            })
            .exec_without_returning(c)
            .await?;
        }
        Ok(())
    }

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: directory_entry::Model,
        countries: &[String],
    ) -> Result<(), StoreError> {
        let id = m.id.clone();
        directory_entry::Entity::insert(directory_entry::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        set_countries(c, &id, countries).await
    }

    /// Guarded update: `Stale` unless the stored version is `m.version`.
    pub async fn update(
        c: &impl ConnectionTrait,
        m: &directory_entry::Model,
        countries: &[String],
        now: Ts,
    ) -> Result<(), StoreError> {
        let r = directory_entry::Entity::update_many()
            .col_expr(C::Regions, Expr::value(m.regions.clone()))
            .col_expr(C::Description, Expr::value(m.description.clone()))
            .col_expr(C::ContactEmail, Expr::value(m.contact_email.clone()))
            .col_expr(C::ContactPhone, Expr::value(m.contact_phone.clone()))
            .col_expr(C::Website, Expr::value(m.website.clone()))
            .col_expr(C::UpdatedBy, Expr::value(m.updated_by.clone()))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(m.id.as_str()))
            .filter(C::Version.eq(m.version))
            .exec(c)
            .await?;
        if r.rows_affected != 1 {
            return Err(StoreError::Stale);
        }
        set_countries(c, &m.id, countries).await
    }

    pub async fn delete(c: &impl ConnectionTrait, id: &str) -> Result<bool, StoreError> {
        let r = directory_entry::Entity::delete_many()
            .filter(C::Id.eq(id))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Entries serving `country` (all when None), searched by provider name, paged by entry
    /// id; each with its provider organization.
    pub async fn search(
        c: &impl ConnectionTrait,
        country: Option<&str>,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<(directory_entry::Model, organization::Model)>, StoreError> {
        use sea_orm::sea_query::Query;
        let mut sel = directory_entry::Entity::find();
        if let Some(country) = country {
            sel = sel.filter(
                Expr::col(C::Id).in_subquery(
                    Query::select()
                        .column(directory_country::Column::EntryId)
                        .from(directory_country::Entity)
                        .and_where(Expr::col(directory_country::Column::Country).eq(country))
                        .to_owned(),
                ),
            );
        }
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            use organization::Column as O;
            sel = sel.filter(
                Expr::col(C::ProviderOrgId).in_subquery(
                    Query::select()
                        .column(O::Id)
                        .from(organization::Entity)
                        .cond_where(contains_ci(O::LegalName, q))
                        .to_owned(),
                ),
            );
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.gt(cur));
        }
        let rows = sel.order_by_asc(C::Id).limit(limit + 1).all(c).await?;
        let p = page(rows, limit, |r| r.id.clone());
        let ids: Vec<String> = p.items.iter().map(|r| r.provider_org_id.clone()).collect();
        let orgs = organization::Entity::find()
            .filter(organization::Column::Id.is_in(ids))
            .all(c)
            .await?;
        let items = p
            .items
            .into_iter()
            .filter_map(|e| {
                let o = orgs.iter().find(|o| o.id == e.provider_org_id)?.clone();
                Some((e, o))
            })
            .collect();
        Ok(Page {
            items,
            next_cursor: p.next_cursor,
        })
    }
}

pub mod gdap {
    use super::*;
    use gdap_relationship::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: gdap_relationship::Model,
    ) -> Result<(), StoreError> {
        gdap_relationship::Entity::insert(gdap_relationship::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn get(
        c: &impl ConnectionTrait,
        id: &str,
    ) -> Result<Option<gdap_relationship::Model>, StoreError> {
        Ok(gdap_relationship::Entity::find_by_id(id.to_string())
            .one(c)
            .await?)
    }

    /// A partner's relationships, or a customer's (by `customer`), newest first.
    pub async fn list(
        c: &impl ConnectionTrait,
        partner: Option<&str>,
        customer: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<gdap_relationship::Model>, StoreError> {
        let mut sel = gdap_relationship::Entity::find();
        if let Some(p) = partner {
            sel = sel.filter(C::PartnerOrgId.eq(p));
        }
        if let Some(cu) = customer {
            sel = sel.filter(C::CustomerOrgId.eq(cu));
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.lt(cur));
        }
        let rows = sel.order_by_desc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    /// created → approval pending (or stays pending); false in any other state.
    pub async fn set_pending(
        c: &impl ConnectionTrait,
        id: &str,
        partner: &str,
    ) -> Result<bool, StoreError> {
        let r = gdap_relationship::Entity::update_many()
            .col_expr(C::State, Expr::value("approval_pending"))
            .filter(C::Id.eq(id))
            .filter(C::PartnerOrgId.eq(partner))
            .filter(C::State.is_in(["created", "approval_pending"]))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// approval pending → active for `customer` from `starts` to `ends`; guarded so one approval
    /// wins, and only by the named customer when one was named.
    pub async fn approve(
        c: &impl ConnectionTrait,
        id: &str,
        customer: &str,
        by: &str,
        starts: Ts,
        ends: Ts,
    ) -> Result<bool, StoreError> {
        let r = gdap_relationship::Entity::update_many()
            .col_expr(C::State, Expr::value("active"))
            .col_expr(C::CustomerOrgId, Expr::value(Some(customer.to_string())))
            .col_expr(C::ApprovedBy, Expr::value(Some(by.to_string())))
            .col_expr(C::StartsAt, Expr::value(Some(starts)))
            .col_expr(C::EndsAt, Expr::value(Some(ends)))
            .filter(C::Id.eq(id))
            .filter(C::State.eq("approval_pending"))
            .filter(
                Condition::any()
                    .add(C::CustomerOrgId.is_null())
                    .add(C::CustomerOrgId.eq(customer)),
            )
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Terminates a relationship that is not over yet.
    pub async fn terminate(
        c: &impl ConnectionTrait,
        id: &str,
        by_org: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = gdap_relationship::Entity::update_many()
            .col_expr(C::State, Expr::value("terminated"))
            .col_expr(C::TerminatedAt, Expr::value(Some(now)))
            .col_expr(C::TerminatedByOrg, Expr::value(Some(by_org.to_string())))
            .filter(C::Id.eq(id))
            .filter(C::State.is_in(["created", "approval_pending", "active", "expiring"]))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Moves a relationship from `from` to `to` (scheduled transitions); false if it moved on.
    pub async fn transition(
        c: &impl ConnectionTrait,
        id: &str,
        from: &str,
        to: &str,
    ) -> Result<bool, StoreError> {
        let r = gdap_relationship::Entity::update_many()
            .col_expr(C::State, Expr::value(to))
            .filter(C::Id.eq(id))
            .filter(C::State.eq(from))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Auto-extension: a new end, guarded by the old one (one node extends once).
    pub async fn extend(
        c: &impl ConnectionTrait,
        id: &str,
        old_end: Ts,
        new_end: Ts,
    ) -> Result<bool, StoreError> {
        let r = gdap_relationship::Entity::update_many()
            .col_expr(C::EndsAt, Expr::value(Some(new_end)))
            .col_expr(C::State, Expr::value("active"))
            .filter(C::Id.eq(id))
            .filter(C::EndsAt.eq(old_end))
            .filter(C::State.is_in(["active", "expiring"]))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// Granting relationships whose end is before `until`: what the scheduled job looks at.
    pub async fn due(
        c: &impl ConnectionTrait,
        until: Ts,
        limit: u64,
    ) -> Result<Vec<gdap_relationship::Model>, StoreError> {
        Ok(gdap_relationship::Entity::find()
            .filter(C::State.is_in(["active", "expiring"]))
            .filter(C::EndsAt.lte(until))
            .order_by_asc(C::EndsAt)
            .limit(limit)
            .all(c)
            .await?)
    }

    /// The live access assignments `customer` gave `partner` through GDAP at `now`: the
    /// relationship is active or expiring and not past its end (so an expired relationship
    /// grants nothing at the moment it expires, before any job runs).
    pub async fn live_assignments(
        c: &impl ConnectionTrait,
        customer: &str,
        partner: &str,
        now: Ts,
    ) -> Result<Vec<gdap_assignment::Model>, StoreError> {
        use sea_orm::sea_query::Query;
        let live = Query::select()
            .column(C::Id)
            .from(gdap_relationship::Entity)
            .and_where(Expr::col(C::CustomerOrgId).eq(customer))
            .and_where(Expr::col(C::PartnerOrgId).eq(partner))
            .and_where(Expr::col(C::State).is_in(["active", "expiring"]))
            .and_where(Expr::col(C::EndsAt).gt(now))
            .to_owned();
        Ok(gdap_assignment::Entity::find()
            .filter(Expr::col(gdap_assignment::Column::GdapId).in_subquery(live))
            .filter(gdap_assignment::Column::RemovedAt.is_null())
            .all(c)
            .await?)
    }

    pub async fn insert_assignment(
        c: &impl ConnectionTrait,
        m: gdap_assignment::Model,
    ) -> Result<(), StoreError> {
        gdap_assignment::Entity::insert(gdap_assignment::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// A relationship's live assignments, oldest first, `limit` after the cursor `after`.
    pub async fn assignments(
        c: &impl ConnectionTrait,
        gdap_id: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Page<gdap_assignment::Model>, StoreError> {
        let mut q = gdap_assignment::Entity::find()
            .filter(gdap_assignment::Column::GdapId.eq(gdap_id))
            .filter(gdap_assignment::Column::RemovedAt.is_null());
        if let Some(a) = after {
            q = q.filter(gdap_assignment::Column::Id.gt(a));
        }
        let rows = q
            .order_by_asc(gdap_assignment::Column::Id)
            .limit(limit + 1)
            .all(c)
            .await?;
        Ok(page(rows, limit, |m| m.id.clone()))
    }

    pub async fn remove_assignment(
        c: &impl ConnectionTrait,
        gdap_id: &str,
        id: &str,
        now: Ts,
    ) -> Result<bool, StoreError> {
        let r = gdap_assignment::Entity::update_many()
            .col_expr(gdap_assignment::Column::RemovedAt, Expr::value(Some(now)))
            .filter(gdap_assignment::Column::Id.eq(id))
            .filter(gdap_assignment::Column::GdapId.eq(gdap_id))
            .filter(gdap_assignment::Column::RemovedAt.is_null())
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }
}

pub mod groups {
    use super::*;
    use security_group::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: security_group::Model,
    ) -> Result<(), StoreError> {
        security_group::Entity::insert(security_group::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    /// An organization's groups by name, `limit` after the cursor `after` ("name key<TAB>id").
    pub async fn list(
        c: &impl ConnectionTrait,
        org: &str,
        after: Option<&str>,
        limit: u64,
    ) -> Result<Page<security_group::Model>, StoreError> {
        let mut q = security_group::Entity::find().filter(C::OrgId.eq(org));
        if let Some((key, id)) = after.and_then(|a| a.rsplit_once('\t')) {
            q = q.filter(
                Condition::any()
                    .add(C::NameKey.gt(key))
                    .add(Condition::all().add(C::NameKey.eq(key)).add(C::Id.gt(id))),
            );
        }
        let rows = q
            .order_by_asc(C::NameKey)
            .order_by_asc(C::Id)
            .limit(limit + 1)
            .all(c)
            .await?;
        Ok(page(rows, limit, |m| format!("{}\t{}", m.name_key, m.id)))
    }

    pub async fn get_in_org(
        c: &impl ConnectionTrait,
        org: &str,
        id: &str,
    ) -> Result<Option<security_group::Model>, StoreError> {
        Ok(security_group::Entity::find_by_id(id.to_string())
            .filter(C::OrgId.eq(org))
            .one(c)
            .await?)
    }

    pub async fn members(c: &impl ConnectionTrait, group: &str) -> Result<Vec<String>, StoreError> {
        Ok(security_group_member::Entity::find()
            .filter(security_group_member::Column::GroupId.eq(group))
            .all(c)
            .await?
            .into_iter()
            .map(|m| m.user_id)
            .collect())
    }

    pub async fn add_member(
        c: &impl ConnectionTrait,
        group: &str,
        user: &str,
    ) -> Result<(), StoreError> {
        security_group_member::Entity::insert(security_group_member::ActiveModel {
            group_id: Set(group.to_string()),
            user_id: Set(user.to_string()),
        })
        .exec_without_returning(c)
        .await?;
        Ok(())
    }

    pub async fn remove_member(
        c: &impl ConnectionTrait,
        group: &str,
        user: &str,
    ) -> Result<bool, StoreError> {
        let r = security_group_member::Entity::delete_many()
            .filter(security_group_member::Column::GroupId.eq(group))
            .filter(security_group_member::Column::UserId.eq(user))
            .exec(c)
            .await?;
        Ok(r.rows_affected == 1)
    }

    /// The groups a user belongs to (loaded with the user on every request).
    pub async fn of_user(c: &impl ConnectionTrait, user: &str) -> Result<Vec<String>, StoreError> {
        Ok(security_group_member::Entity::find()
            .filter(security_group_member::Column::UserId.eq(user))
            .all(c)
            .await?
            .into_iter()
            .map(|m| m.group_id)
            .collect())
    }
}

pub mod service_requests {
    use super::*;
    use service_request::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: service_request::Model,
    ) -> Result<(), StoreError> {
        service_request::Entity::insert(service_request::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn get_in_customer(
        c: &impl ConnectionTrait,
        customer: &str,
        id: &str,
    ) -> Result<Option<service_request::Model>, StoreError> {
        Ok(service_request::Entity::find_by_id(id.to_string())
            .filter(C::CustomerOrgId.eq(customer))
            .one(c)
            .await?)
    }

    /// A customer's requests, newest first; with `about`, only those about these subscriptions.
    pub async fn list(
        c: &impl ConnectionTrait,
        customer: &str,
        about: Option<&[String]>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<service_request::Model>, StoreError> {
        let mut sel = service_request::Entity::find().filter(C::CustomerOrgId.eq(customer));
        if let Some(subs) = about {
            sel = sel.filter(C::SubscriptionId.is_in(subs.to_vec()));
        }
        if let Some(cur) = cursor {
            sel = sel.filter(C::Id.lt(cur));
        }
        let rows = sel.order_by_desc(C::Id).limit(limit + 1).all(c).await?;
        Ok(page(rows, limit, |r| r.id.clone()))
    }

    /// Guarded status change: `Stale` unless the row is still at `version` and `from`.
    pub async fn set_status(
        c: &impl ConnectionTrait,
        id: &str,
        version: i64,
        from: &str,
        to: &str,
        now: Ts,
    ) -> Result<(), StoreError> {
        let r = service_request::Entity::update_many()
            .col_expr(C::Status, Expr::value(to))
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(id))
            .filter(C::Version.eq(version))
            .filter(C::Status.eq(from))
            .exec(c)
            .await?;
        if r.rows_affected == 1 {
            Ok(())
        } else {
            Err(StoreError::Stale)
        }
    }

    pub async fn touch(c: &impl ConnectionTrait, id: &str, now: Ts) -> Result<(), StoreError> {
        service_request::Entity::update_many()
            .col_expr(C::UpdatedAt, Expr::value(now))
            .col_expr(C::Version, Expr::col(C::Version).add(1))
            .filter(C::Id.eq(id))
            .exec(c)
            .await?;
        Ok(())
    }

    pub async fn insert_note(
        c: &impl ConnectionTrait,
        m: service_request_note::Model,
    ) -> Result<(), StoreError> {
        service_request_note::Entity::insert(service_request_note::ActiveModel::from(m))
            .exec_without_returning(c)
            .await?;
        Ok(())
    }

    pub async fn notes(
        c: &impl ConnectionTrait,
        request: &str,
    ) -> Result<Vec<service_request_note::Model>, StoreError> {
        Ok(service_request_note::Entity::find()
            .filter(service_request_note::Column::RequestId.eq(request))
            .order_by_asc(service_request_note::Column::Id)
            .all(c)
            .await?)
    }
}

pub mod catalog;
pub mod subscriptions;
