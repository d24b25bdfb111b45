//! The catalog's CSV import (R-ORD-1): products and offers upserted by code and SKU in one
//! transaction, errors reported per line.

use super::*;

/// Columns of a catalog CSV import; the first nine are required.
pub const CSV_COLUMNS: [&str; 18] = [
    "product_code",
    "sku",
    "name_en",
    "name_ja",
    "billing_cycle",
    "term_months",
    "unit_price_minor",
    "currency",
    "countries",
    "product_name_en",
    "product_name_ja",
    "description_en",
    "description_ja",
    "min_quantity",
    "max_quantity",
    "trial_days",
    "prerequisite_sku",
    "state",
];

#[derive(Debug, Clone, Serialize)]
pub struct CatalogImportReport {
    pub rows: usize,
    pub products_created: usize,
    pub offers_created: usize,
    pub offers_updated: usize,
    pub errors: Vec<RowError>,
}

fn row_error(line: usize, e: keiro_domain::ValidationError) -> RowError {
    RowError {
        line,
        field: e.field.into(),
        code: e.code.into(),
        message: e.message,
    }
}

fn number<T: std::str::FromStr>(
    field: &'static str,
    v: &str,
    default: Option<T>,
) -> Result<T, keiro_domain::ValidationError> {
    let v = v.trim();
    if v.is_empty()
        && let Some(d) = default
    {
        return Ok(d);
    }
    v.parse().map_err(|_| {
        keiro_domain::ValidationError::new(
            field,
            "invalid_number",
            format!("{field} is a whole number"),
        )
    })
}

/// Imports products and offers from CSV ([`CSV_COLUMNS`], any order; countries separated by
/// spaces or semicolons). Offers are created or updated by SKU and products by code, in one
/// transaction, so a repeated import creates nothing twice; rows with errors are reported by
/// line and skipped. A prerequisite is named by SKU and may be an offer earlier in the file.
pub async fn import_csv(
    app: &App,
    ctx: &Ctx,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<CatalogImportReport> {
    let tx = app.db.begin().await?;
    let report = import_in(app, ctx, &tx, csv, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// Who may import: operator staff who keep the catalog (checked when the job is queued and
/// again when it runs).
pub fn may_import(ctx: &Ctx) -> AppResult<()> {
    operator(ctx).map(|_| ())
}

/// [`import_csv`] inside the caller's transaction (a background job commits it together with
/// the job's outcome).
pub async fn import_in(
    app: &App,
    ctx: &Ctx,
    tx: &keiro_store::sea_orm::DatabaseTransaction,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<CatalogImportReport> {
    let me = operator(ctx)?;
    let table = read_table(csv, &CSV_COLUMNS[..9], &CSV_COLUMNS)?;
    let mut report = CatalogImportReport {
        rows: table.body.len(),
        products_created: 0,
        offers_created: 0,
        offers_updated: 0,
        errors: vec![],
    };
    let now = app.now();
    let mut seen = std::collections::HashSet::new();
    for (n, (line, fields)) in table.body.iter().enumerate() {
        progress(n, table.body.len());
        let get = |name: &str| table.field(fields, name);
        let parsed = (|| {
            let cycle = BillingCycle::parse(get("billing_cycle").trim())?;
            let trial = get("trial_days");
            let spec = OfferSpec {
                sku: get("sku"),
                name_en: get("name_en"),
                name_ja: get("name_ja"),
                description_en: get("description_en"),
                description_ja: get("description_ja"),
                billing_cycle: cycle,
                term_months: number("term_months", &get("term_months"), None)?,
                unit_price_minor: number("unit_price_minor", &get("unit_price_minor"), None)?,
                currency: get("currency"),
                min_quantity: number("min_quantity", &get("min_quantity"), Some(1))?,
                max_quantity: number(
                    "max_quantity",
                    &get("max_quantity"),
                    Some(catalog::MAX_QUANTITY),
                )?,
                trial_days: if trial.trim().is_empty() {
                    None
                } else {
                    Some(number("trial_days", &trial, None)?)
                },
                prerequisite_offer_id: None,
                countries: get("countries")
                    .split([' ', ';', '|'])
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            };
            let spec = OfferSpec::parse(spec)?;
            let state = match get("state").trim() {
                "" | AVAILABLE => AVAILABLE,
                RETIRED => RETIRED,
                _ => {
                    return Err(keiro_domain::ValidationError::new(
                        "state",
                        "invalid_state",
                        "state is available or retired",
                    ));
                }
            };
            let product = ProductSpec::parse(ProductSpec {
                code: get("product_code"),
                name_en: Some(get("product_name_en"))
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| get("product_code")),
                name_ja: Some(get("product_name_ja"))
                    .filter(|s| !s.trim().is_empty())
                    .unwrap_or_else(|| get("product_code")),
                description_en: String::new(),
                description_ja: String::new(),
            })?;
            Ok((spec, state, product))
        })();
        let (mut spec, state, product) = match parsed {
            Ok(v) => v,
            Err(e) => {
                report.errors.push(row_error(*line, e));
                continue;
            }
        };
        if !seen.insert(spec.sku.clone()) {
            report.errors.push(RowError {
                line: *line,
                field: "sku".into(),
                code: "duplicate_sku_in_file".into(),
                message: "this SKU appears earlier in the file".into(),
            });
            continue;
        }
        let prereq = get("prerequisite_sku").trim().to_ascii_uppercase();
        if !prereq.is_empty() {
            match offers::by_sku(tx, &prereq).await? {
                Some(p) if p.sku != spec.sku => spec.prerequisite_offer_id = Some(p.id),
                _ => {
                    report.errors.push(RowError {
                        line: *line,
                        field: "prerequisite_sku".into(),
                        code: "unknown_prerequisite".into(),
                        message: "no other offer has this SKU (list prerequisites first)".into(),
                    });
                    continue;
                }
            }
        }
        let product_id = match products::by_code(tx, &product.code).await? {
            Some(p) => p.id,
            None => {
                let id = Uuid::now_v7().to_string();
                repo::insert(
                    tx,
                    product::Model {
                        search_text: String::new(),
                        id: id.clone(),
                        code: product.code,
                        name_en: product.name_en,
                        name_ja: product.name_ja,
                        description_en: String::new(),
                        description_ja: String::new(),
                        version: 1,
                        created_at: now,
                        updated_at: now,
                    },
                )
                .await?;
                report.products_created += 1;
                id
            }
        };
        let countries = spec.countries.clone();
        let input = OfferInput { product_id, spec };
        match offers::by_sku(tx, &input.spec.sku).await? {
            Some(old) => {
                let mut m = offer_model(old.id.clone(), input, state, now);
                m.created_at = old.created_at;
                offers::update(tx, &m, old.version, &countries).await?;
                report.offers_updated += 1;
            }
            None => {
                let m = offer_model(Uuid::now_v7().to_string(), input, state, now);
                offers::insert(tx, m, &countries).await?;
                report.offers_created += 1;
            }
        }
    }
    progress(table.body.len(), table.body.len());
    audit::record(
        tx,
        ctx,
        now,
        Event::new("catalog.imported", "catalog", "csv")
            .in_org(&me.org.id)
            .details(json!({
                "rows": report.rows,
                "products_created": report.products_created,
                "offers_created": report.offers_created,
                "offers_updated": report.offers_updated,
                "errors": report.errors.len(),
            })),
    )
    .await?;
    Ok(report)
}
