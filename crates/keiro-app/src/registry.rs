//! The membership registry (R-ENR-2): operator staff create, import (CSV) and edit records.
//! Each record has a claim secret its holder uses to prove control during enrollment; the
//! secret is shown once (on creation, import or regeneration) and only its hash is kept.

use crate::audit::{self, Event};
use crate::idempotency::{self, Key, Outcome};
use crate::secrets::{new_token, sha256_hex};
use crate::{App, AppError, AppResult, Ctx};
use keiro_domain::enrollment::{MembershipLevel, MembershipStatus, parse_partner_id};
use keiro_domain::{Action, ValidationError};
use keiro_store::entities::membership_record;
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::DatabaseTransaction;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::Date;
use uuid::Uuid;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordInput {
    pub partner_id: String,
    pub organization_name: String,
    pub country: String,
    pub level: String,
    pub status: String,
    /// YYYY-MM-DD.
    pub expires_on: Option<String>,
}

/// A validated record's data.
#[derive(Debug, Clone)]
struct Valid {
    partner_id: String,
    organization_name: String,
    country: String,
    level: MembershipLevel,
    status: MembershipStatus,
    expires_on: Option<Date>,
}

fn validate(i: &RecordInput) -> Result<Valid, ValidationError> {
    let partner_id = parse_partner_id(&i.partner_id)?;
    let name = i.organization_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ValidationError::new(
            "organization_name",
            "invalid_legal_name",
            "an organization name of 1 to 200 characters is required",
        ));
    }
    let country = i.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(ValidationError::new(
            "country",
            "invalid_country",
            "country must be a two-letter ISO code such as JP",
        ));
    }
    let level = MembershipLevel::parse(&i.level).ok_or_else(|| {
        ValidationError::new(
            "level",
            "invalid_level",
            "level is none, action_pack, silver or gold",
        )
    })?;
    let status = MembershipStatus::parse(&i.status).ok_or_else(|| {
        ValidationError::new(
            "status",
            "invalid_status",
            "status is active, inactive or suspended",
        )
    })?;
    let expires_on = match i
        .expires_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        None => None,
        Some(d) => Some(
            Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).map_err(
                |_| {
                    ValidationError::new(
                        "expires_on",
                        "invalid_date",
                        "expires_on is a date such as 2027-03-31",
                    )
                },
            )?,
        ),
    };
    Ok(Valid {
        partner_id,
        organization_name: name.to_string(),
        country,
        level,
        status,
        expires_on,
    })
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RecordView {
    pub id: String,
    pub partner_id: String,
    pub organization_name: String,
    pub country: String,
    pub level: String,
    pub status: String,
    pub expires_on: Option<String>,
    pub claimed: bool,
    pub version: i64,
}

impl RecordView {
    /// The record's data as the input of an edit form.
    pub fn as_input(&self) -> RecordInput {
        RecordInput {
            partner_id: self.partner_id.clone(),
            organization_name: self.organization_name.clone(),
            country: self.country.clone(),
            level: self.level.clone(),
            status: self.status.clone(),
            expires_on: self.expires_on.clone(),
        }
    }
}

pub fn view(m: &membership_record::Model) -> RecordView {
    RecordView {
        id: m.id.clone(),
        partner_id: m.partner_id.clone(),
        organization_name: m.organization_name.clone(),
        country: m.country.clone(),
        level: m.level.clone(),
        status: m.status.clone(),
        expires_on: m.expires_on.map(|d| d.to_string()),
        claimed: m.claimed_by_org_id.is_some(),
        version: m.version,
    }
}

fn require(ctx: &Ctx) -> AppResult<&crate::CurrentUser> {
    let me = ctx.user()?;
    me.require(Action::ManageMembershipRegistry, "membership registry")?;
    Ok(me)
}

fn new_model(
    v: &Valid,
    secret_hash: String,
    now: time::OffsetDateTime,
) -> membership_record::Model {
    membership_record::Model {
        search_text: String::new(),
        id: Uuid::now_v7().to_string(),
        partner_id: v.partner_id.clone(),
        organization_name: v.organization_name.clone(),
        country: v.country.clone(),
        level: v.level.code().into(),
        status: v.status.code().into(),
        expires_on: v.expires_on,
        claim_secret_hash: secret_hash,
        claimed_by_org_id: None,
        version: 1,
        created_at: now,
        updated_at: now,
    }
}

/// A new record from checked input, with its secret's hash (the demo world seeds through it).
pub(crate) fn record_for(
    input: &RecordInput,
    secret_hash: String,
    now: time::OffsetDateTime,
) -> AppResult<membership_record::Model> {
    Ok(new_model(&validate(input)?, secret_hash, now))
}

/// Creates a record; returns it with its claim secret (shown once).
pub async fn create(
    app: &App,
    ctx: &Ctx,
    input: RecordInput,
    idem: Option<&str>,
) -> AppResult<Outcome<(RecordView, Option<String>)>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "membership_records",
        me,
        idem,
        &json!({ "op": "create", "input": format!("{input:?}") }),
    )?;
    idempotency::once_with_secret(app, key, async |key| {
        create_once(app, ctx, input, key).await
    })
    .await
}

async fn create_once(
    app: &App,
    ctx: &Ctx,
    input: RecordInput,
    key: Option<&Key>,
) -> AppResult<(RecordView, String)> {
    let me = require(ctx)?;
    let v = validate(&input)?;
    let secret = new_token("kc_");
    let now = app.now();
    let m = new_model(&v, sha256_hex(&secret), now);
    let tx = app.db.begin().await?;
    repo::insert(&tx, m.clone()).await.map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: "partner_id_taken",
            message: "a record with this partner ID exists".into(),
        },
        other => other.into(),
    })?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("membership_record.created", "membership_record", &m.id)
            .in_org(&me.org.id)
            .details(json!({ "partner_id": m.partner_id })),
    )
    .await?;
    idempotency::keep(&tx, key, 201, &view(&m), app.now()).await?;
    tx.commit().await?;
    Ok((view(&m), secret))
}

pub async fn list(
    app: &App,
    ctx: &Ctx,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<RecordView>> {
    require(ctx)?;
    let p = repo::registry::list(app.db.reader(), q, cursor, limit).await?;
    Ok(Page {
        items: p.items.iter().map(view).collect(),
        next_cursor: p.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, id: &str) -> AppResult<RecordView> {
    require(ctx)?;
    repo::registry::get(app.db.reader(), id)
        .await?
        .map(|m| view(&m))
        .ok_or(AppError::NotFound("membership record"))
}

/// Edits a record's data (its partner ID is its identity and cannot change).
pub async fn update(
    app: &App,
    ctx: &Ctx,
    id: &str,
    input: RecordInput,
    if_version: Option<i64>,
) -> AppResult<RecordView> {
    let me = require(ctx)?;
    let tx = app.db.begin().await?;
    let mut m = repo::registry::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("membership record"))?;
    if if_version.is_some_and(|v| v != m.version) {
        return Err(AppError::PreconditionFailed);
    }
    let v = validate(&RecordInput {
        partner_id: m.partner_id.clone(),
        ..input
    })?;
    m.organization_name = v.organization_name;
    m.country = v.country;
    m.level = v.level.code().into();
    m.status = v.status.code().into();
    m.expires_on = v.expires_on;
    let now = app.now();
    repo::registry::update(&tx, &m, now).await?;
    audit::record(
        &tx,
        ctx,
        now,
        Event::new("membership_record.updated", "membership_record", id)
            .in_org(&me.org.id)
            .details(json!({ "level": m.level, "status": m.status, "country": m.country })),
    )
    .await?;
    let m = repo::registry::get(&tx, id)
        .await?
        .ok_or(AppError::NotFound("membership record"))?;
    tx.commit().await?;
    Ok(view(&m))
}

/// Replaces the claim secret (e.g. if the holder lost it); the old one stops working.
pub async fn new_secret(app: &App, ctx: &Ctx, id: &str) -> AppResult<String> {
    let me = require(ctx)?;
    let secret = new_token("kc_");
    let tx = app.db.begin().await?;
    if !repo::registry::set_secret(&tx, id, &sha256_hex(&secret), app.now()).await? {
        return Err(AppError::NotFound("membership record"));
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("membership_record.secret_replaced", "membership_record", id).in_org(&me.org.id),
    )
    .await?;
    tx.commit().await?;
    Ok(secret)
}

/// One CSV row that could not be imported.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub line: usize,
    pub field: String,
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub rows: usize,
    pub created: usize,
    pub updated: usize,
    pub errors: Vec<RowError>,
    /// Claim secrets of the records this import created, shown once.
    pub secrets: Vec<(String, String)>,
}

pub const CSV_COLUMNS: [&str; 6] = [
    "partner_id",
    "organization_name",
    "country",
    "level",
    "status",
    "expires_on",
];
pub const MAX_IMPORT_ROWS: usize = 10_000;

/// Imports records from CSV (header row with the columns of [`CSV_COLUMNS`], any order).
/// Every row is checked; rows with errors are reported and skipped, the others are created or
/// updated (by partner ID) in one transaction, so a repeated import creates no duplicates.
/// `progress(done, total)` is called as rows are processed.
pub async fn import_csv(
    app: &App,
    ctx: &Ctx,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<ImportReport> {
    let tx = app.db.begin().await?;
    let report = import_in(app, ctx, &tx, csv, progress).await?;
    tx.commit().await?;
    Ok(report)
}

/// Who may import: the registry's keepers (checked when the job is queued and again when it
/// runs, as that user is then).
pub fn may_import(ctx: &Ctx) -> AppResult<()> {
    require(ctx).map(|_| ())
}

/// [`import_csv`] inside the caller's transaction (a background job commits it together with
/// the job's outcome).
pub async fn import_in(
    app: &App,
    ctx: &Ctx,
    tx: &DatabaseTransaction,
    csv: &str,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> AppResult<ImportReport> {
    let me = require(ctx)?;
    let table = read_table(csv, &CSV_COLUMNS[..5], &CSV_COLUMNS)?;
    let body = &table.body;
    let mut report = ImportReport {
        rows: body.len(),
        created: 0,
        updated: 0,
        errors: vec![],
        secrets: vec![],
    };
    let now = app.now();
    let mut seen = std::collections::HashSet::new();
    for (n, (line, fields)) in body.iter().enumerate() {
        progress(n, body.len());
        let get = |name: &str| table.field(fields, name);
        let input = RecordInput {
            partner_id: get("partner_id"),
            organization_name: get("organization_name"),
            country: get("country"),
            level: get("level"),
            status: get("status"),
            expires_on: Some(get("expires_on")),
        };
        let v = match validate(&input) {
            Ok(v) => v,
            Err(e) => {
                report.errors.push(RowError {
                    line: *line,
                    field: e.field.into(),
                    code: e.code.into(),
                    message: e.message,
                });
                continue;
            }
        };
        if !seen.insert(v.partner_id.clone()) {
            report.errors.push(RowError {
                line: *line,
                field: "partner_id".into(),
                code: "duplicate_in_file".into(),
                message: "this partner ID appears earlier in the file".into(),
            });
            continue;
        }
        match repo::registry::by_partner_id(tx, &v.partner_id).await? {
            Some(mut m) => {
                m.organization_name = v.organization_name;
                m.country = v.country;
                m.level = v.level.code().into();
                m.status = v.status.code().into();
                m.expires_on = v.expires_on;
                repo::registry::update(tx, &m, now).await?;
                report.updated += 1;
            }
            None => {
                let secret = new_token("kc_");
                repo::insert(tx, new_model(&v, sha256_hex(&secret), now)).await?;
                report.secrets.push((v.partner_id.clone(), secret));
                report.created += 1;
            }
        }
    }
    progress(body.len(), body.len());
    audit::record(
        tx,
        ctx,
        now,
        Event::new("membership_records.imported", "membership_registry", "csv")
            .in_org(&me.org.id)
            .details(json!({ "rows": report.rows, "created": report.created, "updated": report.updated, "errors": report.errors.len() })),
    )
    .await?;
    Ok(report)
}

/// A CSV file with a header row: the lower-cased column names and the records under them.
pub struct CsvTable {
    pub cols: Vec<String>,
    pub body: Vec<CsvRow>,
}

impl CsvTable {
    /// The value of column `name` in a record (empty when the column or the field is absent).
    pub fn field(&self, fields: &[String], name: &str) -> String {
        self.cols
            .iter()
            .position(|c| c == name)
            .and_then(|i| fields.get(i))
            .cloned()
            .unwrap_or_default()
    }
}

/// Reads a CSV import: a header naming at least the `required` columns (any order, a UTF-8 BOM
/// tolerated), then at most [`MAX_IMPORT_ROWS`] records. `all` names every column in errors.
/// The text of an uploaded CSV file: UTF-8 (with or without a byte-order mark), or Shift_JIS
/// (Windows-31J), which Japanese spreadsheets save by default. Anything else, or a control
/// character in the text, is refused with a message that names the encodings taken.
pub fn decode_csv(bytes: &[u8]) -> AppResult<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => encoding_rs::SHIFT_JIS
            .decode_without_bom_handling_and_without_replacement(bytes)
            .map(|c| c.into_owned())
            .ok_or_else(|| {
                AppError::validation(
                    "csv",
                    "invalid_encoding",
                    "the file is neither UTF-8 nor Shift_JIS; save it as \"CSV UTF-8\" and try again",
                )
            })?,
    };
    if let Some(c) = keiro_domain::text::first_refused(&text) {
        return Err(AppError::validation(
            "csv",
            "control_character",
            format!("the file holds a control character (U+{:04X})", c as u32),
        ));
    }
    Ok(text)
}

pub fn read_table(csv: &str, required: &[&str], all: &[&str]) -> AppResult<CsvTable> {
    let mut rows = parse_csv(csv).map_err(|(line, m)| {
        AppError::validation("csv", "invalid_csv", format!("line {line}: {m}"))
    })?;
    if rows.is_empty() {
        return Err(AppError::validation(
            "csv",
            "invalid_csv",
            "the file is empty",
        ));
    }
    let header = rows.remove(0);
    let cols: Vec<String> = header
        .1
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_ascii_lowercase())
        .collect();
    for r in required {
        if !cols.iter().any(|c| c == r) {
            return Err(AppError::validation(
                "csv",
                "missing_column",
                format!("the header has no {r} column (expected: {})", all.join(",")),
            ));
        }
    }
    if rows.len() > MAX_IMPORT_ROWS {
        return Err(AppError::validation(
            "csv",
            "too_many_rows",
            format!("at most {MAX_IMPORT_ROWS} rows per import"),
        ));
    }
    Ok(CsvTable { cols, body: rows })
}

/// A CSV record: the line it starts on, and its fields.
pub type CsvRow = (usize, Vec<String>);

/// A small RFC 4180 reader: quoted fields, doubled quotes, CRLF or LF, blank lines skipped.
/// Returns (line number, fields) per record.
pub fn parse_csv(s: &str) -> Result<Vec<CsvRow>, (usize, String)> {
    let mut out = Vec::new();
    let mut fields = Vec::new();
    let mut field = String::new();
    let (mut line, mut start_line) = (1usize, 1usize);
    let mut in_quotes = false;
    let mut chars = s.chars().peekable();
    let mut row_has_content = false;
    while let Some(c) = chars.next() {
        match (c, in_quotes) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            ('"', true) => in_quotes = false,
            ('"', false) if field.is_empty() => {
                in_quotes = true;
                row_has_content = true;
            }
            ('"', false) => return Err((line, "a quote inside an unquoted field".into())),
            (',', false) => {
                fields.push(std::mem::take(&mut field));
                row_has_content = true;
            }
            ('\r', false) if chars.peek() == Some(&'\n') => {}
            ('\n', false) => {
                if row_has_content || !field.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    out.push((start_line, std::mem::take(&mut fields)));
                }
                row_has_content = false;
                line += 1;
                start_line = line;
            }
            ('\n', true) => {
                field.push('\n');
                line += 1;
            }
            (c, _) => {
                field.push(c);
                row_has_content = true;
            }
        }
    }
    if in_quotes {
        return Err((start_line, "a quoted field is not closed".into()));
    }
    if row_has_content || !field.is_empty() {
        fields.push(field);
        out.push((start_line, fields));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::parse_csv;

    #[test]
    fn csv_quotes_newlines_and_blank_lines() {
        let rows =
            parse_csv("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\n\"multi\nline\",z\nlast,").unwrap();
        assert_eq!(rows[0], (1, vec!["a".into(), "b".into()]));
        assert_eq!(rows[1], (2, vec!["x, y".into(), "say \"hi\"".into()]));
        assert_eq!(rows[2], (4, vec!["multi\nline".into(), "z".into()]));
        assert_eq!(rows[3], (6, vec!["last".into(), "".into()]));
        assert!(parse_csv("\"open").is_err());
        assert!(parse_csv("a\"b").is_err());
    }
}
