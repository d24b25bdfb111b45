//! The benefit catalog's CSV import (R-BEN-2): benefits created or updated by code in one
//! transaction (a background job on any node, ADR 0008), errors reported per line, like the
//! offer catalog's.

use super::catalog::{BenefitInput, Download, LevelShare, check, write};
use super::operator;
use crate::audit::{self, Event};
use crate::registry::{RowError, read_table};
use crate::{App, AppError, AppResult, Ctx};
use keiro_store::repo;
use keiro_store::sea_orm::DatabaseTransaction;
use serde::Serialize;
use serde_json::json;

/// Columns of a benefit catalog CSV; the first five are required. `levels` is
/// `level|quantity[|unit[|amount_minor|currency]]` entries separated by `;` (`gold|10;silver|5`,
/// `gold|10|users|10000|USD`); `downloads` is `language|os|url[|label]` entries separated by `;`.
pub const CATALOG_CSV_COLUMNS: [&str; 14] = [
    "code",
    "kind",
    "name_ja",
    "name_en",
    "levels",
    "tier",
    "months",
    "offer_sku",
    "description_ja",
    "description_en",
    "instructions_ja",
    "instructions_en",
    "downloads",
    "state",
];

#[derive(Debug, Clone, Serialize)]
pub struct CatalogImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub errors: Vec<RowError>,
}

fn bad_levels(message: &str) -> AppError {
    AppError::validation("levels", "invalid_levels", message)
}

fn bad_downloads(message: &str) -> AppError {
    AppError::validation("downloads", "invalid_downloads", message)
}

fn levels(s: &str) -> AppResult<Vec<LevelShare>> {
    s.split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let p: Vec<&str> = e.split('|').map(str::trim).collect();
            let quantity = p.get(1).and_then(|q| q.parse().ok()).ok_or_else(|| {
                bad_levels(
                    "levels are level|quantity[|unit[|amount_minor|currency]] separated by ;",
                )
            })?;
            let amount_minor = match p.get(3) {
                Some(a) => Some(
                    a.parse()
                        .map_err(|_| bad_levels("an amount is a whole number of minor units"))?,
                ),
                None => None,
            };
            Ok(LevelShare {
                level: p[0].to_string(),
                quantity,
                unit: p.get(2).map(|u| u.to_string()).unwrap_or_default(),
                amount_minor,
                currency: p.get(4).map(|c| c.to_string()),
            })
        })
        .collect()
}

fn downloads(s: &str) -> AppResult<Vec<Download>> {
    s.split(';')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|e| {
            let p: Vec<&str> = e.splitn(4, '|').map(str::trim).collect();
            if p.len() < 3 {
                return Err(bad_downloads(
                    "downloads are language|os|url[|label] separated by ;",
                ));
            }
            Ok(Download {
                language: p[0].into(),
                os: p[1].into(),
                url: p[2].into(),
                label: p.get(3).map(|l| l.to_string()).unwrap_or_default(),
            })
        })
        .collect()
}

/// Imports the catalog from CSV in one transaction (the API's synchronous import).
pub async fn import_catalog(app: &App, ctx: &Ctx, csv: &str) -> AppResult<CatalogImportReport> {
    let tx = app.db.begin().await?;
    let r = import_catalog_in(app, ctx, &tx, csv, &|_, _| {}).await?;
    tx.commit().await?;
    Ok(r)
}

/// Who may import: operator staff (when the job is queued and when it runs).
pub fn may_import_catalog(ctx: &Ctx) -> AppResult<()> {
    operator(ctx).map(|_| ())
}

/// Imports benefits from CSV ([`CATALOG_CSV_COLUMNS`]) in the caller's transaction: each row
/// creates its benefit or replaces the one with its code; a row with errors is reported and
/// skipped.
pub async fn import_catalog_in(
    app: &App,
    ctx: &Ctx,
    tx: &DatabaseTransaction,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<CatalogImportReport> {
    let me = operator(ctx)?;
    let table = read_table(csv, &CATALOG_CSV_COLUMNS[..5], &CATALOG_CSV_COLUMNS)?;
    let now = app.now();
    let mut report = CatalogImportReport {
        rows: table.body.len(),
        created: 0,
        updated: 0,
        errors: vec![],
    };
    let mut seen = std::collections::HashSet::new();
    for (n, (line, fields)) in table.body.iter().enumerate() {
        progress(n, table.body.len());
        let get = |name: &str| table.field(fields, name);
        let row = async {
            let months = get("months");
            let input = BenefitInput {
                code: get("code"),
                kind: get("kind"),
                name_ja: get("name_ja"),
                name_en: get("name_en"),
                description_ja: get("description_ja"),
                description_en: get("description_en"),
                instructions_ja: get("instructions_ja"),
                instructions_en: get("instructions_en"),
                tier: get("tier"),
                months: if months.trim().is_empty() {
                    None
                } else {
                    Some(months.trim().parse().map_err(|_| {
                        AppError::validation("months", "invalid_months", "months is a whole number")
                    })?)
                },
                offer_sku: Some(get("offer_sku")).filter(|s| !s.trim().is_empty()),
                levels: levels(&get("levels"))?,
                downloads: downloads(&get("downloads"))?,
                state: get("state"),
            };
            let ch = check(tx, &input).await?;
            if !seen.insert(ch.code.clone()) {
                return Err(AppError::validation(
                    "code",
                    "duplicate_code_in_file",
                    "this code appears earlier in the file",
                ));
            }
            let old = repo::benefits::by_code(tx, &ch.code).await?;
            write(tx, &input, ch, old.as_ref(), now)
                .await
                .map(|(_, created)| created)
        };
        match row.await {
            Ok(true) => report.created += 1,
            Ok(false) => report.updated += 1,
            Err(AppError::Validation(e)) => report.errors.push(RowError {
                line: *line,
                field: e.field.into(),
                code: e.code.into(),
                message: e.message,
            }),
            Err(e) => return Err(e),
        }
    }
    progress(table.body.len(), table.body.len());
    audit::record(
        tx,
        ctx,
        now,
        Event::new("benefits.imported", "benefits", "csv")
            .in_org(&me.org.id)
            .details(json!({ "rows": report.rows, "created": report.created,
                "updated": report.updated, "errors": report.errors.len() })),
    )
    .await?;
    Ok(report)
}
