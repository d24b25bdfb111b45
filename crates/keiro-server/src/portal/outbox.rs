//! `/operator/outbox`: operator staff see every email and held event (app `outbox`) and its
//! delivery state.

use super::{Base, PageResult, Portal, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use serde::Deserialize;

pub struct OutboxRow {
    pub id: String,
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
    pub state: String,
    pub rows: Vec<OutboxRow>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct OutboxQuery {
    state: Option<String>,
    cursor: Option<String>,
}

pub async fn outbox(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<OutboxQuery>,
) -> PageResult {
    p.user()?;
    let state = q.state.clone().filter(|x| !x.is_empty());
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = keiro_app::outbox::list(&s.app, &p.ctx(), state.as_deref(), cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let next = page.next_cursor.map(|c| {
        format!(
            "/operator/outbox?state={}&cursor={c}",
            state.clone().unwrap_or_default()
        )
    });
    Ok(render(&OutboxPage {
        b: p.base("outbox-title"),
        state: state.unwrap_or_default(),
        rows: page.items.into_iter().map(|m| outbox_row(&p, m)).collect(),
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
