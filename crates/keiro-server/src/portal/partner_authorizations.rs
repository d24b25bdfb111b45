//! Portal pages for program authorizations (operator staff): approved partners with what they
//! hold, searched and filtered; one partner's authorizations, changed with a reason, and the
//! history of its changes.

use super::{Base, PageResult, Portal, SignedForm, no_store, render, t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use keiro_app::AppError;
use keiro_app::partner_authorizations::{self as app, PartnerView};
use keiro_domain::{Action, PartnerAuthorization};
use serde::Deserialize;

fn require(p: &Portal) -> Result<(), Response> {
    p.user()?
        .require(Action::ManagePartnerAuthorizations, "page")
        .map_err(|e| p.app_error(e))
}

/// A partner as a row: its authorizations by name.
pub struct Row {
    pub v: PartnerView,
    pub names: String,
}

fn names(p: &Portal, held: &[PartnerAuthorization]) -> String {
    if held.is_empty() {
        return t(p.lang, "authz-none");
    }
    held.iter()
        .map(|a| t(p.lang, &format!("auth-{}", a.code())))
        .collect::<Vec<_>>()
        .join(&t(p.lang, "list-separator"))
}

#[derive(Template)]
#[template(path = "partner_authorizations/list.html")]
pub struct ListPage {
    pub b: Base,
    pub q: String,
    /// The filter's code, or empty for all.
    pub holding: String,
    pub choices: Vec<(&'static str, String)>,
    pub rows: Vec<Row>,
    pub next: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    q: Option<String>,
    authorization: Option<String>,
    cursor: Option<String>,
}

pub async fn list(State(s): State<AppState>, p: Portal, Query(q): Query<ListQuery>) -> PageResult {
    require(&p)?;
    let search = q.q.filter(|x| !x.trim().is_empty());
    let holding = q
        .authorization
        .as_deref()
        .and_then(PartnerAuthorization::parse);
    let cursor = q
        .cursor
        .as_deref()
        .filter(|c| uuid::Uuid::parse_str(c).is_ok());
    let page = app::list(&s.app, &p.ctx(), search.as_deref(), holding, cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let query = search.unwrap_or_default();
    let holding = holding.map(|a| a.code()).unwrap_or_default();
    let next = page.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &query)
            .append_pair("authorization", holding)
            .append_pair("cursor", &c)
            .finish();
        format!("/operator/authorizations?{qs}")
    });
    let rows = page
        .items
        .into_iter()
        .map(|v| Row {
            names: names(&p, &v.authorizations),
            v,
        })
        .collect();
    let choices = PartnerAuthorization::ALL
        .into_iter()
        .map(|a| (a.code(), t(p.lang, &format!("auth-{}", a.code()))))
        .collect();
    let b = p.base("authz-title");
    Ok(no_store(
        render(&ListPage {
            b,
            q: query,
            holding: holding.to_string(),
            choices,
            rows,
            next,
        })
        .into_response(),
    ))
}

/// One past change as the page shows it.
pub struct ChangeRow {
    pub at: String,
    pub by: String,
    pub granted: String,
    pub revoked: String,
    pub reason: String,
}

#[derive(Template)]
#[template(path = "partner_authorizations/one.html")]
pub struct OnePage {
    pub b: Base,
    pub v: PartnerView,
    /// Each authorization: code, name, what it allows, held (or ticked in the failed form).
    pub boxes: Vec<(&'static str, String, String, bool)>,
    pub reason: String,
    pub history: Vec<ChangeRow>,
}

async fn one_page(
    s: &AppState,
    p: &Portal,
    id: &str,
    form: Option<(&[PartnerAuthorization], &str)>,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> PageResult {
    require(p)?;
    let ctx = p.ctx();
    let v = app::get(&s.app, &ctx, id)
        .await
        .map_err(|e| p.app_error(e))?;
    let history = app::history(&s.app, &ctx, id, None, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let list = |codes: &[String]| {
        let held: Vec<PartnerAuthorization> = codes
            .iter()
            .filter_map(|c| PartnerAuthorization::parse(c))
            .collect();
        if held.is_empty() {
            String::new()
        } else {
            names(p, &held)
        }
    };
    let history = history
        .items
        .into_iter()
        .map(|c| ChangeRow {
            at: p.time(c.at),
            by: c.by.unwrap_or_default(),
            granted: list(&c.granted),
            revoked: list(&c.revoked),
            reason: c.reason,
        })
        .collect();
    let (ticked, reason) = match form {
        Some((w, r)) => (w.to_vec(), r.to_string()),
        None => (v.authorizations.clone(), String::new()),
    };
    let boxes = PartnerAuthorization::ALL
        .into_iter()
        .map(|a| {
            (
                a.code(),
                t(p.lang, &format!("auth-{}", a.code())),
                t(p.lang, &format!("authz-what-{}", a.code())),
                ticked.contains(&a),
            )
        })
        .collect();
    let mut b = p.base("authz-title");
    b.title = format!("{} · {}", v.name, b.title);
    b.notice = notice;
    let status = error.as_ref().map(|x| x.0).unwrap_or(StatusCode::OK);
    b.error = error.map(|x| x.1);
    Ok(no_store(
        (
            status,
            render(&OnePage {
                b,
                v,
                boxes,
                reason,
                history,
            }),
        )
            .into_response(),
    ))
}

#[derive(Deserialize)]
pub struct DoneQuery {
    done: Option<String>,
}

pub async fn one(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
    Query(q): Query<DoneQuery>,
) -> PageResult {
    let notice = q.done.is_some().then(|| t(p.lang, "authz-saved"));
    one_page(&s, &p, &id, None, notice, None).await
}

#[derive(Deserialize)]
pub struct SetForm {
    /// The ticked boxes (each an authorization's code; none ticked: none sent).
    #[serde(default)]
    authorization: Vec<String>,
    #[serde(default)]
    reason: String,
    version: Option<i64>,
}

pub async fn set(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<SetForm>,
) -> PageResult {
    require(&p)?;
    let wanted = match app::parse_wanted(&f.authorization) {
        Ok(w) => w,
        Err(e) => return Err(p.app_error(e)),
    };
    match app::set(&s.app, &p.ctx(), &id, wanted.clone(), &f.reason, f.version).await {
        Ok(_) => Ok(Redirect::to(&format!("/operator/authorizations/{id}?done=1")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::PreconditionFailed)) => {
            let msg = p.message_for(&e);
            let status = crate::problem::status_of(&e);
            one_page(
                &s,
                &p,
                &id,
                Some((&wanted, &f.reason)),
                None,
                Some((status, msg)),
            )
            .await
        }
        Err(e) => Err(p.app_error(e)),
    }
}
