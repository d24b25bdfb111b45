//! `/audit`: the audit log (app `audit`), filtered by action, actor and time, newest first.

use super::{Base, PageResult, Portal, render, t, try_t};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use keiro_app::AppError;
use keiro_app::audit::Filter;
use serde::Deserialize;

pub struct AuditRow {
    pub time: String,
    /// The person, or "system"; their organization.
    pub actor: String,
    pub actor_org: String,
    pub behalf: String,
    /// The action's name in the reader's language, and its code.
    pub action: String,
    pub action_code: String,
    /// The target's kind and its name (or short id).
    pub target: String,
    pub details: Vec<(String, String)>,
}

/// An action's name in `lang`; its code when it has none (an action from a newer node).
pub fn action_label(lang: keiro_domain::Language, code: &str) -> String {
    try_t(lang, &format!("action-{}", code.replace('.', "-")), &[]).unwrap_or_else(|| code.into())
}

fn target_label(lang: keiro_domain::Language, kind: &str) -> String {
    try_t(lang, &format!("target-{kind}"), &[]).unwrap_or_else(|| kind.into())
}

/// An audit row's details as "what: value" pairs: strings as they are, lists joined, anything
/// nested as compact JSON.
pub fn readable_details(details: &str) -> Vec<(String, String)> {
    use serde_json::Value;
    let one = |v: &Value| match v {
        Value::String(s) => s.clone(),
        Value::Null => "—".into(),
        other => other.to_string(),
    };
    match serde_json::from_str::<Value>(details) {
        Ok(Value::Object(m)) => m
            .iter()
            .map(|(k, v)| {
                let text = match v {
                    Value::Array(a) => a.iter().map(one).collect::<Vec<_>>().join(", "),
                    v => one(v),
                };
                (k.replace('_', " "), text)
            })
            .collect(),
        Ok(Value::Null) => vec![],
        Ok(v) => vec![(String::new(), one(&v))],
        Err(_) => vec![(String::new(), details.to_string())],
    }
}

#[derive(Template)]
#[template(path = "audit/log.html")]
pub struct AuditPage {
    pub b: Base,
    pub from: String,
    pub to: String,
    pub action: String,
    /// Every action (code, name), by name, for the drop-down.
    pub actions: Vec<(String, String)>,
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
    let page = keiro_app::audit::list_named(&s.app, &p.ctx(), &filter, cursor, 50)
        .await
        .map_err(|e| p.app_error(e))?;
    let lang = p.lang;
    let rows = page.items.into_iter().map(|n| {
        let r = n.record;
        let short = r.target_id.chars().take(8).collect::<String>();
        AuditRow {
            time: p.time(r.occurred_at),
            actor: n.actor.unwrap_or_else(|| t(lang, "audit-system")),
            actor_org: n.actor_org.unwrap_or_default(),
            behalf: n.on_behalf_of.unwrap_or_default(),
            action: action_label(lang, &r.action),
            action_code: r.action,
            target: match n.target_name {
                Some(name) => format!("{}: {name}", target_label(lang, &r.target_type)),
                None => format!("{} {short}", target_label(lang, &r.target_type)),
            },
            details: readable_details(&r.details),
        }
    });
    let mut actions: Vec<(String, String)> = keiro_app::audit::ACTIONS
        .iter()
        .map(|a| (a.to_string(), action_label(lang, a)))
        .collect();
    if let Some(a) = q.action.as_deref().filter(|a| !a.is_empty())
        && !actions.iter().any(|(c, _)| c == a)
    {
        actions.push((a.to_string(), a.to_string()));
    }
    actions.sort_by(|x, y| x.1.cmp(&y.1));
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
        actions,
        rows: rows.collect(),
        next,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keiro_domain::Language;

    /// Issue 14: the audit log names every action it can record, in both languages.
    #[test]
    fn every_audited_action_has_a_name_in_both_languages() {
        for lang in [Language::Ja, Language::En] {
            for a in keiro_app::audit::ACTIONS {
                let key = format!("action-{}", a.replace('.', "-"));
                assert!(try_t(lang, &key, &[]).is_some(), "{key} in {lang:?}");
            }
        }
        assert_eq!(
            action_label(Language::Ja, "user.password_changed"),
            "パスワードを変更"
        );
        assert_eq!(action_label(Language::En, "x.unknown"), "x.unknown");
    }

    #[test]
    fn details_read_as_pairs() {
        let d = readable_details(
            r#"{"email":"a@b.example","roles":["global_admin","sales_agent"],"n":3,"x":null}"#,
        );
        assert_eq!(
            d,
            vec![
                ("email".to_string(), "a@b.example".to_string()),
                ("n".into(), "3".into()),
                ("roles".into(), "global_admin, sales_agent".into()),
                ("x".into(), "—".into()),
            ]
        );
        assert!(readable_details("{}").is_empty());
        assert_eq!(
            readable_details("not json"),
            vec![(String::new(), "not json".into())]
        );
    }
}
