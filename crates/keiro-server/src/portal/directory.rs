//! The provider directory (R-PRT-7): partners search it by country; operator staff edit the
//! entries.

use super::paging::SearchQuery;
use super::{Base, PageResult, Portal, SignedForm, paging, render, t_args};
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect};
use keiro_app::AppError;
use keiro_domain::Action;
use serde::Deserialize;

pub struct EntryRow {
    pub provider_id: String,
    pub name: String,
    pub partner_id: String,
    pub regions: String,
    pub countries: String,
    pub description: String,
    pub email: String,
    pub phone: String,
    pub website: String,
}

#[derive(Template)]
#[template(path = "directory/list.html")]
pub struct DirectoryPage {
    pub b: Base,
    pub country: String,
    pub q: String,
    pub rows: Vec<EntryRow>,
    pub next: Option<String>,
    pub can_manage: bool,
}

#[derive(Deserialize)]
pub struct DirectoryQuery {
    country: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
    done: Option<String>,
}

/// The directory of authorized indirect providers, searched by country (R-PRT-7).
pub async fn directory(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<DirectoryQuery>,
) -> PageResult {
    let u = p.user()?;
    let country = q.country.clone().unwrap_or_default();
    let query = q.q.clone().unwrap_or_default();
    let mut b = p.base("directory-title");
    if let Some(done) = q.done.as_deref() {
        b.notice = crate::portal::i18n::try_t(p.lang, &format!("directory-done-{done}"), &[]);
    }
    let found = match keiro_app::directory::search(
        &s.app,
        &p.ctx(),
        Some(country.as_str()),
        Some(query.as_str()),
        paging::valid_cursor(q.cursor.as_deref()),
        50,
    )
    .await
    {
        Ok(f) => f,
        Err(e @ AppError::Validation(_)) => {
            b.error = Some(p.message_for(&e));
            keiro_app::Page {
                items: vec![],
                next_cursor: None,
            }
        }
        Err(e) => return Err(p.app_error(e)),
    };
    let next = found.next_cursor.map(|c| {
        let qs = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("country", &country)
            .append_pair("q", &query)
            .append_pair("cursor", &c)
            .finish();
        format!("/provider-directory?{qs}")
    });
    Ok(render(&DirectoryPage {
        rows: found
            .items
            .into_iter()
            .map(|e| EntryRow {
                provider_id: e.provider_id,
                name: e.legal_name,
                partner_id: e.partner_id.unwrap_or_default(),
                regions: e.regions.join(", "),
                countries: e.countries.join(", "),
                description: e.description,
                email: e.contact_email,
                phone: e.contact_phone,
                website: e.website,
            })
            .collect(),
        can_manage: u.may(Action::ManageProviderDirectory),
        country,
        q: query,
        next,
        b,
    }))
}

pub struct ProviderChoice {
    pub id: String,
    pub name: String,
    pub partner_id: String,
    pub country: String,
    pub listed: bool,
}

#[derive(Template)]
#[template(path = "directory/admin.html")]
pub struct DirectoryAdminPage {
    pub b: Base,
    pub rows: Vec<ProviderChoice>,
    pub q: String,
    pub next: Option<String>,
}

/// Operator staff: approved providers, with or without an entry.
pub async fn directory_admin(
    State(s): State<AppState>,
    p: Portal,
    Query(q): Query<SearchQuery>,
) -> PageResult {
    p.user()?;
    let query = q.q.clone().unwrap_or_default();
    let found = keiro_app::directory::providers(
        &s.app,
        &p.ctx(),
        q.q.as_deref(),
        paging::valid_cursor(q.cursor.as_deref()),
        50,
    )
    .await
    .map_err(|e| p.app_error(e))?;
    Ok(render(&DirectoryAdminPage {
        rows: found
            .items
            .into_iter()
            .map(|r| ProviderChoice {
                id: r.provider_id,
                name: r.legal_name,
                partner_id: r.partner_id.unwrap_or_default(),
                country: r.country,
                listed: r.listed,
            })
            .collect(),
        next: paging::next_link("/operator/directory", &query, found.next_cursor),
        q: query,
        b: p.base("directory-admin-title"),
    }))
}

#[derive(Template)]
#[template(path = "directory/entry.html")]
pub struct EntryEditPage {
    pub b: Base,
    pub provider_id: String,
    pub exists: bool,
    pub version: i64,
    pub regions: String,
    pub countries: String,
    pub description: String,
    pub email: String,
    pub phone: String,
    pub website: String,
}

pub async fn directory_entry(
    State(s): State<AppState>,
    p: Portal,
    Path(id): Path<String>,
) -> PageResult {
    p.user()?;
    let (name, e) = keiro_app::directory::for_editing(&s.app, &p.ctx(), &id)
        .await
        .map_err(|e| p.app_error(e))?;
    let mut b = p.base("directory-entry-title");
    b.title = t_args(p.lang, "directory-entry-heading", &[("name", name)]);
    let page = match e {
        Some(e) => EntryEditPage {
            b,
            provider_id: id,
            exists: true,
            version: e.version,
            regions: e.regions.join(", "),
            countries: e.countries.join(", "),
            description: e.description,
            email: e.contact_email,
            phone: e.contact_phone,
            website: e.website,
        },
        None => EntryEditPage {
            b,
            provider_id: id,
            exists: false,
            version: 0,
            regions: String::new(),
            countries: String::new(),
            description: String::new(),
            email: String::new(),
            phone: String::new(),
            website: String::new(),
        },
    };
    Ok(render(&page))
}

#[derive(Deserialize)]
pub struct EntryForm {
    version: i64,
    #[serde(default)]
    regions: String,
    #[serde(default)]
    countries: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    website: String,
    delete: Option<String>,
}

fn split_list(s: &str) -> Vec<String> {
    s.split([',', '、', '\n'])
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
        .collect()
}

pub async fn save_directory_entry(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<EntryForm>,
) -> PageResult {
    let ctx = p.ctx();
    if f.delete.is_some() {
        keiro_app::directory::delete(&s.app, &ctx, &id)
            .await
            .map_err(|e| p.app_error(e))?;
        return Ok(Redirect::to("/provider-directory?done=deleted").into_response());
    }
    let entry = keiro_domain::directory::DirectoryEntry {
        regions: split_list(&f.regions),
        countries: split_list(&f.countries),
        description: f.description.clone(),
        contact_email: f.email.clone(),
        contact_phone: f.phone.clone(),
        website: f.website.clone(),
    };
    let version = (f.version > 0).then_some(f.version);
    match keiro_app::directory::put(&s.app, &ctx, &id, entry, version).await {
        Ok(_) => Ok(Redirect::to("/provider-directory?done=saved").into_response()),
        Err(e @ (AppError::Validation(_) | AppError::PreconditionFailed)) => {
            let (name, _) = keiro_app::directory::for_editing(&s.app, &ctx, &id)
                .await
                .map_err(|e| p.app_error(e))?;
            let mut b = p.base("directory-entry-title");
            b.title = t_args(p.lang, "directory-entry-heading", &[("name", name)]);
            b.error = Some(p.message_for(&e));
            let page = EntryEditPage {
                b,
                provider_id: id,
                exists: f.version > 0,
                version: f.version,
                regions: f.regions,
                countries: f.countries,
                description: f.description,
                email: f.email,
                phone: f.phone,
                website: f.website,
            };
            Err((crate::problem::status_of(&e), render(&page)).into_response())
        }
        Err(e) => Err(p.app_error(e)),
    }
}
