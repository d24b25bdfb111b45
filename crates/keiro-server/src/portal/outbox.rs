//! `/operator/outbox`: operator staff see the emails (app `outbox`) and their delivery state;
//! `?kind=event` shows the events kept for webhooks, each under its organization's name.

use super::{Base, PageResult, Portal, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

pub struct OutboxRow {
    pub id: String,
    /// For an event: the organization's name (its recipient is the organization).
    pub created: String,
    pub recipient: String,
    pub subject: String,
    pub state: String,
    pub state_code: String,
    pub attempts: i32,
    pub last_error: String,
}

fn outbox_row(p: &Portal, m: keiro_app::outbox::Message) -> OutboxRow {
    let lang = p.lang;
    OutboxRow {
        created: p.time(m.created_at),
        state: t(lang, &format!("state-{}", m.state)),
        state_code: m.state,
        id: m.id,
        recipient: m.recipient,
        subject: m.subject,
        attempts: m.attempts,
        last_error: m.last_error.unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "outbox/list.html")]
pub struct OutboxPage {
    pub b: Base,
    /// "email" or "event".
    pub kind: String,
    pub states: Vec<&'static str>,
    pub state: String,
    pub rows: Vec<OutboxRow>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    kind: Option<String>,
    state: Option<String>,
    cursor: Option<String>,
}

pub async fn outbox(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<OutboxQuery>,
) -> PageResult {
    p.user()?;
    let kind = match q.kind.as_deref() {
        Some("event") => "event",
        _ => "email",
    };
    let state = q.state.clone().filter(|x| !x.is_empty());
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let filter = (Some(kind), state.as_deref());
    let page = keiro_app::outbox::list(&s.app, &p.ctx(), filter, cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let next = page.next_cursor.map(|c| {
        format!(
            "/operator/outbox?kind={kind}&state={}&cursor={c}",
            state.clone().unwrap_or_default()
        )
    });
    let mut rows: Vec<OutboxRow> = page.items.into_iter().map(|m| outbox_row(&p, m)).collect();
    if kind == "event" {
        let ids: Vec<String> = rows.iter().map(|r| r.recipient.clone()).collect();
        let names = keiro_app::outbox::org_names(&s.app, &p.ctx(), &ids)
            .await
            .map_err(|e| p.app_error(e))?;
        for r in &mut rows {
            if let Some(n) = names.get(&r.recipient) {
                r.recipient = n.clone();
            }
        }
    }
    Ok(render(&OutboxPage {
        b: p.base("outbox-title"),
        kind: kind.into(),
        states: if kind == "event" {
            vec!["held"]
        } else {
            vec!["pending", "sending", "sent", "failed"]
        },
        state: state.unwrap_or_default(),
        rows,
        next,
    }))
}

#[derive(Template)]
#[template(path = "outbox/message.html")]
pub struct OutboxMessagePage {
    pub b: Base,
    pub m: OutboxRow,
    pub body: String,
}

pub async fn outbox_message(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    p.user()?;
    let m = keiro_app::outbox::get(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let body = m.body_text.clone();
    Ok(render(&OutboxMessagePage {
        b: p.base("outbox-title"),
        m: outbox_row(&p, m),
        body,
    }))
}
