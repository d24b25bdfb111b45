use sea_orm::{ConnectionTrait, DbBackend};
use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

use super::cols::*;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, m: &SchemaManager) -> Result<(), DbErr> {
        m.create_table(
            Table::create()
                .table("organizations")
                .col(id("id"))
                .col(text("kind"))
                .col(text("legal_name"))
                .col(text("address_line1"))
                .col(text("address_line2"))
                .col(text("city"))
                .col(text("region"))
                .col(text("postal_code"))
                .col(text("country"))
                .col(text("phone"))
                .col(text("email"))
                .col(text("website"))
                .col(text("primary_domain"))
                .col(text("program_roles"))
                .col(text("authorizations"))
                .col(ColumnDef::new("partner_id").string().null().unique_key())
                .col(boolean("require_mfa"))
                .col(ColumnDef::new("version").big_integer().not_null())
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .to_owned(),
        )
        .await?;

        m.create_table(
            Table::create()
                .table("users")
                .col(id("id"))
                .col(ref_id("org_id"))
                .col(ColumnDef::new("email").string().not_null().unique_key())
                .col(text("full_name"))
                .col(text("password_hash"))
                .col(boolean("must_change_password"))
                .col(text_null("language"))
                .col(text("delegated_access"))
                .col(boolean("active"))
                .col(ColumnDef::new("version").big_integer().not_null())
                .col(ts("password_changed_at"))
                .col(ts("created_at"))
                .col(ts("updated_at"))
                .foreign_key(&mut fk("users", "org_id", "organizations"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_users_org", "users", &["org_id", "id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("user_roles")
                .col(ref_id("user_id"))
                .col(text("role"))
                .col(ref_id("org_id"))
                .primary_key(Index::create().col("user_id").col("role"))
                .foreign_key(&mut fk("user_roles", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_user_roles_org_role",
            "user_roles",
            &["org_id", "role"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("sessions")
                .col(ColumnDef::new("id").string_len(64).not_null().primary_key())
                .col(ref_id("user_id"))
                .col(ts("created_at"))
                .col(ts("last_seen_at"))
                .col(ts("expires_at"))
                .col(ts_null("revoked_at"))
                .col(text("client_ip"))
                .col(text("user_agent"))
                .foreign_key(&mut fk("sessions", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index("ix_sessions_user", "sessions", &["user_id"]))
            .await?;

        m.create_table(
            Table::create()
                .table("api_tokens")
                .col(id("id"))
                .col(ref_id("user_id"))
                .col(ref_id("org_id"))
                .col(text("name"))
                .col(
                    ColumnDef::new("token_hash")
                        .string_len(64)
                        .not_null()
                        .unique_key(),
                )
                .col(text("prefix"))
                .col(ts("created_at"))
                .col(ts("expires_at"))
                .col(ts_null("revoked_at"))
                .col(ts_null("last_used_at"))
                .foreign_key(&mut fk("api_tokens", "user_id", "users"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_api_tokens_user",
            "api_tokens",
            &["user_id", "id"],
        ))
        .await?;

        // The audit log keeps rows even when what they describe is deleted: no foreign keys.
        m.create_table(
            Table::create()
                .table("audit_records")
                .col(id("id"))
                .col(ts("occurred_at"))
                .col(ref_id_null("actor_user_id"))
                .col(ref_id_null("actor_org_id"))
                .col(ref_id_null("on_behalf_of_org_id"))
                .col(text("action"))
                .col(text("target_type"))
                .col(text("target_id"))
                .col(ref_id_null("target_org_id"))
                .col(ColumnDef::new("details").text().not_null())
                .col(text_null("request_id"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_audit_actor_org",
            "audit_records",
            &["actor_org_id", "id"],
        ))
        .await?;
        m.create_index(index(
            "ix_audit_target_org",
            "audit_records",
            &["target_org_id", "id"],
        ))
        .await?;
        m.create_index(index(
            "ix_audit_behalf_org",
            "audit_records",
            &["on_behalf_of_org_id", "id"],
        ))
        .await?;
        m.create_index(index("ix_audit_time", "audit_records", &["occurred_at"]))
            .await?;

        m.create_table(
            Table::create()
                .table("outbox_messages")
                .col(id("id"))
                .col(ts("created_at"))
                .col(ref_id_null("org_id"))
                .col(text("kind"))
                .col(text("template"))
                .col(text("recipient"))
                .col(text("language"))
                .col(text("subject"))
                .col(ColumnDef::new("body_text").text().not_null())
                .col(text("state"))
                .col(ColumnDef::new("attempts").integer().not_null())
                .col(ts("next_attempt_at"))
                .col(text_null("claimed_by"))
                .col(ts_null("claimed_until"))
                .col(ColumnDef::new("last_error").text().null())
                .col(ts_null("sent_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(index(
            "ix_outbox_due",
            "outbox_messages",
            &["state", "next_attempt_at"],
        ))
        .await?;

        m.create_table(
            Table::create()
                .table("idempotency_records")
                .col(id("id"))
                .col(text("scope"))
                .col(text("key"))
                .col(text("request_hash"))
                .col(ColumnDef::new("status").integer().not_null())
                .col(ColumnDef::new("response").text().not_null())
                .col(ts("created_at"))
                .to_owned(),
        )
        .await?;
        m.create_index(
            index(
                "ux_idempotency_scope_key",
                "idempotency_records",
                &["scope", "key"],
            )
            .unique()
            .to_owned(),
        )
        .await?;

        append_only_audit(m).await
    }

    async fn down(&self, m: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "idempotency_records",
            "outbox_messages",
            "audit_records",
            "api_tokens",
            "sessions",
            "user_roles",
            "users",
            "organizations",
        ] {
            m.drop_table(Table::drop().table(t).if_exists().to_owned())
                .await?;
        }
        Ok(())
    }
}

/// R-X-1: the audit log is append-only, enforced by the database itself.
async fn append_only_audit(m: &SchemaManager<'_>) -> Result<(), DbErr> {
    let db = m.get_connection();
    match db.get_database_backend() {
        DbBackend::Sqlite => {
            for op in ["UPDATE", "DELETE"] {
                db.execute_unprepared(&format!(
                    "CREATE TRIGGER audit_records_no_{} BEFORE {op} ON audit_records \
                     BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END;",
                    op.to_lowercase()
                ))
                .await?;
            }
        }
        DbBackend::Postgres => {
            db.execute_unprepared(
                "CREATE FUNCTION audit_records_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$;",
            )
            .await?;
            db.execute_unprepared(
                "CREATE TRIGGER audit_records_append_only BEFORE UPDATE OR DELETE ON audit_records \
                 FOR EACH ROW EXECUTE FUNCTION audit_records_append_only();",
            )
            .await?;
        }
        other => return Err(DbErr::Migration(format!("unsupported backend {other:?}"))),
    }
    Ok(())
}
