//! `/customers/{id}`: the customer record (app `relationships::record`), which always opens for
//! a customer in the partner's list. It shows the account, the partner's relationships with it
//! (delegated admin, GDAP with end dates), its subscriptions and service requests, and each
//! action. An action the partner may not take shows why, and what would grant it.

use super::super::{Base, PageResult, Portal, format, no_store, render, t, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use keiro_app::relationships::{Closed, Part};

/// One action of the record: where it leads, or why it is closed.
pub struct ActionLink {
    pub id: &'static str,
    pub label: String,
    pub href: String,
    /// Shown instead of the link when the action is closed.
    pub reason: Option<String>,
}

pub struct GdapLine {
    pub id: String,
    pub name: String,
    pub state: String,
    pub ends: String,
}

pub struct SubLine {
    pub id: String,
    pub offer: String,
    pub quantity: i64,
    pub state: String,
}

#[derive(Template)]
#[template(path = "relationships/record.html")]
pub struct RecordPage {
    pub b: Base,
    pub facts: Vec<(String, String)>,
    pub actions: Vec<ActionLink>,
    pub gdap: Result<Vec<GdapLine>, String>,
    pub subscriptions: Result<Vec<SubLine>, String>,
    pub sub_summary: Option<String>,
}

fn reason(p: &Portal, c: &Closed) -> String {
    match c {
        Closed::NeedsAdminRights => t(p.lang, "record-needs-admin-rights"),
        Closed::Refused(e) => p.message_for(e),
    }
}

fn link<T>(
    p: &Portal,
    id: &'static str,
    label: String,
    href: String,
    part: &Part<T>,
) -> ActionLink {
    ActionLink {
        id,
        label,
        href,
        reason: part.as_ref().err().map(|c| reason(p, c)),
    }
}

pub async fn record(State(s): State<AppState>, p: Portal, Path(id): Path<String>) -> PageResult {
    p.user()?;
    let r = keiro_app::relationships::record(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let lang = p.lang;
    let a = &r.account;
    let yes_no = |b: bool| {
        t(
            lang,
            if b {
                "partners-access-yes"
            } else {
                "partners-access-no"
            },
        )
    };
    let mut facts = vec![
        (t(lang, "profile-legal-name"), a.view.legal_name.clone()),
        (t(lang, "customers-domain"), a.view.primary_domain.clone()),
        (
            t(lang, "record-address"),
            format::address(
                lang,
                &a.view.country,
                &a.postal_code,
                &a.region,
                &a.city,
                &a.address_line1,
                &a.address_line2,
            ),
        ),
        (t(lang, "profile-phone"), a.phone.clone()),
        (t(lang, "profile-email"), a.email.clone()),
        (t(lang, "partners-since"), p.time(a.view.since)),
        (t(lang, "customers-dap"), yes_no(a.view.delegated_admin)),
    ];
    facts.retain(|(_, v)| !v.trim().is_empty());
    let base = format!("/customers/{id}");
    let sr_label = match &r.service_requests {
        Ok((open, all)) => t_args(
            lang,
            "record-service-requests",
            &[("open", open.to_string()), ("all", all.to_string())],
        ),
        Err(_) => t(lang, "sr-title"),
    };
    let actions = vec![
        link(
            &p,
            "record-users",
            t(lang, "record-users"),
            format!("{base}/users"),
            &r.users,
        ),
        link(
            &p,
            "record-subscriptions",
            t(lang, "customers-subscriptions"),
            format!("{base}/subscriptions"),
            &r.subscriptions,
        ),
        link(
            &p,
            "record-service-requests",
            sr_label,
            format!("{base}/servicerequests"),
            &r.service_requests,
        ),
        // A partner enters a product key for a customer it holds delegated admin in (R-ADV-4).
        ActionLink {
            id: "record-product-key",
            label: t(lang, "keys-redeem-link"),
            href: format!("/productkeys?customer={id}"),
            reason: (!a.view.delegated_admin).then(|| t(lang, "record-needs-admin-rights")),
        },
        link(
            &p,
            "record-remove",
            t(lang, "customers-remove"),
            format!("{base}/remove"),
            &r.remove,
        ),
    ];
    let gdap = match &r.gdap {
        Ok(list) => Ok(list
            .iter()
            .map(|g| GdapLine {
                id: g.id.clone(),
                name: g.display_name.clone(),
                state: t(lang, &format!("gdap-state-{}", g.state)),
                ends: g.ends_at.map(|t| p.time(t)).unwrap_or_default(),
            })
            .collect()),
        Err(c) => Err(reason(&p, c)),
    };
    let (subscriptions, sub_summary) = match &r.subscriptions {
        Ok(list) => {
            let licenses: i64 = list.iter().map(|s| s.quantity).sum();
            let summary = t_args(
                lang,
                "record-subscription-count",
                &[
                    ("count", list.len().to_string()),
                    ("licenses", licenses.to_string()),
                ],
            );
            let lines = list
                .iter()
                .map(|s| SubLine {
                    id: s.id.clone(),
                    offer: match lang {
                        keiro_domain::Language::Ja => s.offer_name_ja.clone(),
                        keiro_domain::Language::En => s.offer_name_en.clone(),
                    },
                    quantity: s.quantity,
                    state: t(lang, &format!("sub-state-{}", s.state)),
                })
                .collect();
            (Ok(lines), Some(summary))
        }
        Err(c) => (Err(reason(&p, c)), None),
    };
    let mut b = p.base("record-title");
    b.title = a.view.legal_name.clone();
    let page = RecordPage {
        b,
        facts,
        actions,
        gdap,
        subscriptions,
        sub_summary,
    };
    Ok(no_store(render(&page)))
}
