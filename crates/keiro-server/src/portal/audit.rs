//! `/audit`: the audit log (app `audit`), filtered by action, actor and time, newest first.

use super::{Base, PageResult, Portal, render};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use keiro_app::AppError;
use keiro_app::audit::Filter;
use serde::Deserialize;

pub struct AuditRow {
    pub time: String,
    pub actor: String,
    pub behalf: String,
    pub action: String,
    pub target: String,
    pub details: String,
}

#[derive(Template)]
#[template(path = "audit/log.html")]
pub struct AuditPage {
    pub b: Base,
    pub from: String,
    pub to: String,
    pub action: String,
    pub rows: Vec<AuditRow>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct AuditQuery {
    from: Option<String>,
    to: Option<String>,
    action: Option<String>,
    cursor: Option<String>,
}

fn parse_input_time(
    s: Option<&str>,
    zone: keiro_domain::display::Zone,
) -> Result<Option<time::OffsetDateTime>, AppError> {
    match s.map(str::trim) {
        None | Some("") => Ok(None),
        Some(v) => {
            // Accept both RFC 3339 and the `datetime-local` format browsers send (read in the
            // reader's time zone, as the page shows times).
            let rfc = time::format_description::well_known::Rfc3339;
            if let Ok(t) = time::OffsetDateTime::parse(v, &rfc) {
                return Ok(Some(t));
            }
            let local = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]");
            time::PrimitiveDateTime::parse(v, &local)
                .map(|p| Some(zone.moment(p)))
                .map_err(|_| AppError::validation("from", "invalid_time", "not a time"))
        }
    }
}

pub async fn audit(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<AuditQuery>,
) -> PageResult {
    p.user()?;
    let bad = |e: AppError| -> Response { p.app_error(e) };
    let filter = Filter {
        from: parse_input_time(q.from.as_deref(), p.zone).map_err(bad)?,
        to: parse_input_time(q.to.as_deref(), p.zone).map_err(bad)?,
        action: q.action.clone().filter(|a| !a.trim().is_empty()),
        target_org_id: None,
    };
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = keiro_app::audit::list(&s.app, &p.ctx(), &filter, cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let rows = page
        .items
        .into_iter()
        .map(|r: keiro_app::audit::Record| AuditRow {
            time: p.time(r.occurred_at),
            actor: r.actor_user_id.unwrap_or_else(|| "system".into()),
            behalf: r.on_behalf_of_org_id.unwrap_or_default(),
            action: r.action,
            target: format!("{} {}", r.target_type, r.target_id),
            details: r.details,
        });
    let next = page.next_cursor.map(|c| {
        let mut qs = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("from", &q.from), ("to", &q.to), ("action", &q.action)] {
            if let Some(v) = v {
                qs.append_pair(k, v);
            }
        }
        qs.append_pair("cursor", &c);
        format!("/audit?{}", qs.finish())
    });
    Ok(render(&AuditPage {
        b: p.base("audit-title"),
        from: q.from.unwrap_or_default(),
        to: q.to.unwrap_or_default(),
        action: q.action.unwrap_or_default(),
        rows: rows.collect(),
        next,
    }))
}
