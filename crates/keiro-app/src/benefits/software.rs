//! Software benefits (R-BEN-3): a global admin or membership admin gets a product key from the
//! operator's pool for the product, once per allocated key, with the special instructions, then
//! picks a language and operating system for the download. Operator staff import pool keys from
//! CSV (per-row errors, duplicates refused by hash). Pool keys are sealed with the deployment's
//! secret key and never logged; audit rows carry the last five characters. An empty pool is a
//! clear refusal and an alert to operator staff.

use super::packages::allocation_row;
use super::{SEAL_PURPOSE, conflict, operator, partner_user};
use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::registry::{RowError, read_table};
use crate::secrets::sha256_hex;
use crate::throttle::Rule;
use crate::{App, AppError, AppResult, Ctx, outbox};
use keiro_domain::Action;
use keiro_domain::benefit::{AllocationState, BenefitKind, KeyRefusal};
use keiro_store::entities::{benefit, benefit_key};
use keiro_store::repo::{self, Page, benefits::Taker};
use keiro_store::sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use unicode_normalization::UnicodeNormalization;
use uuid::Uuid;

pub(crate) fn key_refused(r: KeyRefusal) -> AppError {
    AppError::Conflict {
        code: r.code(),
        message: r.message().into(),
    }
}

/// A key got from a pool. `key` is in the first answer, and in lists for users who may get keys.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GotKey {
    pub id: String,
    pub allocation_id: String,
    pub benefit_id: String,
    pub last5: String,
    pub key: Option<String>,
    /// Software: got. License: unused, redeemed, expired or revoked.
    pub state: String,
    /// Who got it (software) or redeemed it (license), and when.
    pub got_by: Option<String>,
    pub got_at: Option<OffsetDateTime>,
}

fn got(k: benefit_key::Model, key: Option<String>, by: Option<String>) -> GotKey {
    GotKey {
        id: k.id,
        allocation_id: k.allocation_id.unwrap_or_default(),
        benefit_id: k.benefit_id,
        last5: k.last5,
        key,
        state: "got".into(),
        got_by: by,
        got_at: k.got_at,
    }
}

fn open(app: &App, k: &benefit_key::Model) -> AppResult<String> {
    app.secret_key()
        .open(SEAL_PURPOSE, &k.id, &k.sealed)
        .ok_or_else(|| {
            conflict(
                "secret_key_changed",
                "this key was sealed under another secret key of this deployment \
                 (KEIRO_SECRET_KEY); restore that key to read it",
            )
        })
}

/// Gets one key of a software allocation (R-BEN-3): the allocation's `used` moves by one
/// (guarded: never past its keys) and the oldest available pool key is handed to it (guarded:
/// each key to one partner), in one transaction with its audit row. A retry with the same
/// `Idempotency-Key` answers the same key without its text (the list shows it).
pub async fn get_key(
    app: &App,
    ctx: &Ctx,
    allocation_id: &str,
    idem: Option<&str>,
) -> AppResult<Outcome<GotKey>> {
    let me = partner_user(ctx)?;
    let key = Key::of_org(
        "benefit_keys",
        me,
        idem,
        &json!({ "allocation": allocation_id }),
    )?;
    let outcome = idempotency::once_as(
        app,
        key,
        async |key| {
            let now = app.now();
            let tx = app.db.begin().await?;
            let a = allocation_row(&tx, me, allocation_id).await?;
            me.require(Action::ActivateBenefits, "benefit keys")?;
            if a.kind != BenefitKind::Software.code() {
                return Err(key_refused(KeyRefusal::NotSoftware));
            }
            if !repo::benefits::use_units(&tx, &a.id, 1, now).await? {
                let state =
                    AllocationState::at(a.state == "cancelled", a.starts_at, a.expires_at, now);
                return Err(key_refused(if state == AllocationState::Active {
                    KeyRefusal::AllKeysGot
                } else {
                    KeyRefusal::NotActive
                }));
            }
            let taker = Taker {
                allocation_id: &a.id,
                org_id: &me.org.id,
                user_id: &me.user.id,
                now,
            };
            let Some(k) = repo::benefits::claim_key(&tx, &a.benefit_id, &taker).await? else {
                tx.rollback().await?;
                alert_empty(app, ctx, &a.benefit_id, &me.org.legal_name).await?;
                return Err(key_refused(KeyRefusal::PoolEmpty));
            };
            let text = open(app, &k)?;
            audit::record(
                &tx,
                ctx,
                now,
                Event::new("benefit_key.got", "benefit_allocation", &a.id)
                    .in_org(&me.org.id)
                    .details(json!({ "last5": k.last5, "benefit": a.benefit_id })),
            )
            .await?;
            let v = got(k, None, Some(me.user.full_name.clone()));
            idempotency::keep(&tx, key, 201, &v, now).await?;
            tx.commit().await?;
            Ok(GotKey {
                key: Some(text),
                ..v
            })
        },
        |v: GotKey| v,
    )
    .await?;
    Ok(outcome)
}

/// Tells operator staff that a pool is empty: an audit row in the operator organization, an
/// event, and an email to its contact, at most once an hour per benefit (across nodes).
async fn alert_empty(app: &App, ctx: &Ctx, benefit_id: &str, partner: &str) -> AppResult<()> {
    let once_an_hour = Rule {
        limit: 1,
        window: time::Duration::hours(1),
        pace: None,
    };
    if app
        .count(
            &once_an_hour,
            &format!("benefit_pool_empty:{benefit_id}"),
            "pool_alerted",
        )
        .await
        .is_err()
    {
        return Ok(());
    }
    let tx = app.db.begin().await?;
    let Some(op) = repo::orgs::find_operator(&tx).await? else {
        return Ok(());
    };
    let b = repo::benefits::get(&tx, benefit_id)
        .await?
        .ok_or(AppError::NotFound("benefit"))?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("benefit_pool.empty", "benefit", benefit_id)
            .in_org(&op.id)
            .details(json!({ "code": b.code, "partner": partner })),
    )
    .await?;
    outbox::enqueue_event(
        &tx,
        app,
        &[&op.id],
        "benefit_pool.empty",
        json!({ "benefit": b.id, "code": b.code }),
    )
    .await?;
    if let Some(to) = crate::orgs::contact(&tx, &op).await? {
        let name = match to.lang {
            keiro_domain::Language::Ja => b.name_ja.clone(),
            _ => b.name_en.clone(),
        };
        outbox::enqueue_email(
            &tx,
            app,
            Some(&op.id),
            "benefit-pool-empty",
            &to.email,
            to.lang,
            &[
                ("name", to.name.clone()),
                ("benefit", name),
                ("company", partner.to_string()),
            ],
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The keys got through an allocation, a page. Users who may get keys see each key in full;
/// others (and operator staff) see its last five characters.
pub async fn keys(
    app: &App,
    ctx: &Ctx,
    allocation_id: &str,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<GotKey>> {
    let me = ctx.user()?;
    let c = app.db.reader();
    let a = allocation_row(c, me, allocation_id).await?;
    if a.kind == BenefitKind::LicenseSubscription.code() {
        // One key per license allocation: a page of its own.
        return Ok(Page {
            items: super::licenses::license_keys(c, app, me, &a, app.now()).await?,
            next_cursor: None,
        });
    }
    let shown = me.may(Action::ActivateBenefits);
    let page = repo::benefits::keys_of_allocation(c, &a.id, cursor, limit).await?;
    let ids: Vec<String> = page.items.iter().filter_map(|k| k.got_by.clone()).collect();
    let users = repo::users::names(c, &ids).await?;
    let items = page
        .items
        .into_iter()
        .map(|k| {
            let by = k
                .got_by
                .as_ref()
                .and_then(|id| users.iter().find(|u| &u.0 == id))
                .map(|u| u.1.clone());
            let text = if shown { Some(open(app, &k)?) } else { None };
            Ok(got(k, text, by))
        })
        .collect::<AppResult<Vec<_>>>()?;
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

// ---- Pools -------------------------------------------------------------------------------

/// Columns of a pool CSV import.
pub const KEY_CSV_COLUMNS: [&str; 2] = ["benefit_code", "key"];

#[derive(Debug, Clone, Serialize)]
pub struct KeyImportReport {
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<RowError>,
}

/// A pool key as typed: NFKC, upper case, spaces removed; 5 to 64 of A-Z, 0-9 and dashes.
fn canonical_key(s: &str) -> Option<String> {
    let k: String = s
        .nfkc()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_uppercase)
        .collect();
    let ok = (5..=64).contains(&k.len())
        && k.bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
    ok.then_some(k)
}

fn last5(k: &str) -> String {
    let alnum: Vec<char> = k.chars().filter(|c| *c != '-').collect();
    alnum[alnum.len().saturating_sub(5)..].iter().collect()
}

/// Who may import pool keys: operator staff (when the job is queued and when it runs).
pub fn may_import_keys(ctx: &Ctx) -> AppResult<()> {
    operator(ctx).map(|_| ())
}

/// Imports pool keys from CSV ([`KEY_CSV_COLUMNS`]): each row names a software benefit by code
/// and one key. A key already in any pool, or twice in the file, is refused on its row.
pub async fn import_keys(
    app: &App,
    ctx: &Ctx,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<KeyImportReport> {
    let tx = app.db.begin().await?;
    let r = import_keys_in(app, ctx, &tx, csv, progress).await?;
    tx.commit().await?;
    Ok(r)
}

/// [`import_keys`] in the caller's transaction (a background job commits it with its outcome).
pub async fn import_keys_in(
    app: &App,
    ctx: &Ctx,
    tx: &DatabaseTransaction,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<KeyImportReport> {
    let me = operator(ctx)?;
    let table = read_table(csv, &KEY_CSV_COLUMNS, &KEY_CSV_COLUMNS)?;
    let now = app.now();
    let mut report = KeyImportReport {
        rows: table.body.len(),
        imported: 0,
        errors: vec![],
    };
    let err = |line: usize, field: &str, code: &str, message: &str| RowError {
        line,
        field: field.into(),
        code: code.into(),
        message: message.into(),
    };
    let mut benefits: Vec<benefit::Model> = Vec::new();
    let mut rows: Vec<benefit_key::Model> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    for (n, (line, fields)) in table.body.iter().enumerate() {
        progress(n, table.body.len());
        let code = table
            .field(fields, "benefit_code")
            .trim()
            .to_ascii_lowercase();
        let b = match benefits.iter().find(|b| b.code == code) {
            Some(b) => b.clone(),
            None => match repo::benefits::by_code(tx, &code).await? {
                Some(b) => {
                    benefits.push(b.clone());
                    b
                }
                None => {
                    report.errors.push(err(
                        *line,
                        "benefit_code",
                        "unknown_benefit",
                        "no benefit has this code",
                    ));
                    continue;
                }
            },
        };
        if b.kind != BenefitKind::Software.code() {
            report.errors.push(err(
                *line,
                "benefit_code",
                KeyRefusal::NotSoftware.code(),
                "only software benefits have key pools",
            ));
            continue;
        }
        let Some(k) = canonical_key(&table.field(fields, "key")) else {
            report.errors.push(err(
                *line,
                "key",
                "invalid_key",
                "a key is 5 to 64 letters, digits and dashes",
            ));
            continue;
        };
        let hash = sha256_hex(&k);
        if rows.iter().any(|r| r.key_hash == hash) {
            report.errors.push(err(
                *line,
                "key",
                "duplicate_key_in_file",
                "this key appears earlier in the file",
            ));
            continue;
        }
        let id = Uuid::now_v7().to_string();
        rows.push(benefit_key::Model {
            sealed: app.secret_key().seal(SEAL_PURPOSE, &id, &k),
            id,
            benefit_id: b.id.clone(),
            key_hash: hash,
            last5: last5(&k),
            state: "available".into(),
            imported_at: now,
            imported_by: Some(me.user.id.clone()),
            allocation_id: None,
            org_id: None,
            got_by: None,
            got_at: None,
        });
        lines.push(*line);
    }
    let known =
        repo::benefits::known_hashes(tx, rows.iter().map(|r| r.key_hash.clone()).collect()).await?;
    let mut fresh = Vec::with_capacity(rows.len());
    for (r, line) in rows.into_iter().zip(lines) {
        if known.contains(&r.key_hash) {
            report.errors.push(err(
                line,
                "key",
                "duplicate_key",
                "this key is already in a pool",
            ));
        } else {
            fresh.push(r);
        }
    }
    report.errors.sort_by_key(|e| e.line);
    report.imported = fresh.len();
    repo::benefits::insert_keys(tx, fresh).await?;
    progress(table.body.len(), table.body.len());
    audit::record(
        tx,
        ctx,
        now,
        Event::new("benefit_keys.imported", "benefit_keys", "csv")
            .in_org(&me.org.id)
            .details(json!({ "rows": report.rows, "imported": report.imported,
                "errors": report.errors.len() })),
    )
    .await?;
    Ok(report)
}

/// A software benefit's pool as operator staff see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PoolView {
    pub benefit_id: String,
    pub code: String,
    pub name_ja: String,
    pub name_en: String,
    pub available: i64,
    pub handed_out: i64,
}

/// Software benefits' pools, a page of the catalog: keys available and handed out.
pub async fn pools(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<PoolView>> {
    operator(ctx)?;
    let c = app.db.reader();
    let page =
        repo::benefits::list(c, Some(BenefitKind::Software.code()), None, cursor, limit).await?;
    let levels =
        repo::benefits::pool_levels(c, page.items.iter().map(|b| b.id.clone()).collect()).await?;
    let items = page
        .items
        .into_iter()
        .map(|b| {
            let (available, handed_out) = levels
                .iter()
                .find(|l| l.0 == b.id)
                .map(|l| (l.1, l.2))
                .unwrap_or((0, 0));
            PoolView {
                benefit_id: b.id,
                code: b.code,
                name_ja: b.name_ja,
                name_en: b.name_en,
                available,
                handed_out,
            }
        })
        .collect();
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}
