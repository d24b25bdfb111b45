//! The directory of authorized indirect providers (R-PRT-7): operator staff maintain one entry
//! per approved provider; partners search it by country. A provider cannot edit its own entry:
//! editing is an operator task in the policy.

use crate::audit::{self, Event};
use crate::orgs::partner_facts;
use crate::{App, AppError, AppResult, Ctx};
use keiro_domain::Action;
use keiro_domain::directory::{DirectoryEntry, parse_country};
use keiro_domain::partnership::{self, Refusal};
use keiro_store::entities::{directory_entry, organization};
use keiro_store::repo::{self, Page};
use keiro_store::sea_orm::ConnectionTrait;
use serde::{Deserialize, Serialize};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

/// An entry as partners see it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EntryView {
    pub provider_id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub regions: Vec<String>,
    pub countries: Vec<String>,
    pub description: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub website: String,
    pub updated_at: OffsetDateTime,
    pub version: i64,
}

async fn view(
    c: &impl ConnectionTrait,
    e: directory_entry::Model,
    o: &organization::Model,
) -> AppResult<EntryView> {
    let countries = repo::directory::countries(c, &e.id).await?;
    Ok(EntryView {
        provider_id: o.id.clone(),
        legal_name: o.legal_name.clone(),
        partner_id: o.partner_id.clone(),
        regions: serde_json::from_str(&e.regions).unwrap_or_default(),
        countries,
        description: e.description,
        contact_email: e.contact_email,
        contact_phone: e.contact_phone,
        website: e.website,
        updated_at: e.updated_at,
        version: e.version,
    })
}

/// Entries serving `country` (any country when None), searched by provider name.
pub async fn search(
    app: &App,
    ctx: &Ctx,
    country: Option<&str>,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<EntryView>> {
    let me = ctx.user()?;
    me.require(Action::ViewProviderDirectory, "provider directory")?;
    let country = country
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .map(parse_country)
        .transpose()?;
    let c = app.db.reader();
    let page = repo::directory::search(c, country.as_deref(), q, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for (e, o) in page.items {
        items.push(view(c, e, &o).await?);
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

pub async fn get(app: &App, ctx: &Ctx, provider: &str) -> AppResult<EntryView> {
    let me = ctx.user()?;
    me.require(Action::ViewProviderDirectory, "directory entry")?;
    let c = app.db.reader();
    let e = repo::directory::get_for_provider(c, provider)
        .await?
        .ok_or(AppError::NotFound("directory entry"))?;
    let o = repo::orgs::get(c, provider)
        .await?
        .ok_or(AppError::NotFound("directory entry"))?;
    view(c, e, &o).await
}

/// Creates or replaces a provider's entry (operator staff). With `if_version`, only if the
/// entry is unchanged since read. The provider must be an approved indirect provider.
pub async fn put(
    app: &App,
    ctx: &Ctx,
    provider: &str,
    entry: DirectoryEntry,
    if_version: Option<i64>,
) -> AppResult<(EntryView, bool)> {
    let me = ctx.user()?;
    me.require(Action::ManageProviderDirectory, "provider directory")?;
    let entry = DirectoryEntry::parse(entry)?;
    let tx = app.db.begin().await?;
    let o = repo::orgs::get(&tx, provider)
        .await?
        .ok_or(AppError::NotFound("provider"))?;
    partnership::may_request(&partner_facts(&o)).map_err(|r: Refusal| {
        AppError::validation(
            "provider_id",
            r.code(),
            format!("{} is not an approved indirect provider", o.legal_name),
        )
    })?;
    let now = app.now();
    let regions = serde_json::to_string(&entry.regions).unwrap_or_else(|_| "[]".into());
    let existing = repo::directory::get_for_provider(&tx, provider).await?;
    let created = existing.is_none();
    match existing {
        Some(mut e) => {
            if if_version.is_some_and(|v| v != e.version) {
                return Err(AppError::PreconditionFailed);
            }
            e.regions = regions;
            e.description = entry.description.clone();
            e.contact_email = entry.contact_email.clone();
            e.contact_phone = entry.contact_phone.clone();
            e.website = entry.website.clone();
            e.updated_by = Some(me.user.id.clone());
            repo::directory::update(&tx, &e, &entry.countries, now).await?;
        }
        None => {
            if if_version.is_some() {
                return Err(AppError::PreconditionFailed);
            }
            repo::directory::insert(
                &tx,
                directory_entry::Model {
                    id: Uuid::now_v7().to_string(),
                    provider_org_id: provider.to_string(),
                    regions,
                    description: entry.description.clone(),
                    contact_email: entry.contact_email.clone(),
                    contact_phone: entry.contact_phone.clone(),
                    website: entry.website.clone(),
                    version: 1,
                    created_at: now,
                    updated_at: now,
                    updated_by: Some(me.user.id.clone()),
                },
                &entry.countries,
            )
            .await?;
        }
    }
    audit::record(
        &tx,
        ctx,
        now,
        Event::new(
            if created {
                "directory.entry_created"
            } else {
                "directory.entry_updated"
            },
            "directory_entry",
            provider,
        )
        .in_org(provider)
        .details(json!({ "countries": entry.countries, "regions": entry.regions })),
    )
    .await?;
    let e = repo::directory::get_for_provider(&tx, provider)
        .await?
        .ok_or(AppError::NotFound("directory entry"))?;
    let v = view(&tx, e, &o).await?;
    tx.commit().await?;
    Ok((v, created))
}

/// Takes a provider out of the directory (operator staff).
pub async fn delete(app: &App, ctx: &Ctx, provider: &str) -> AppResult<()> {
    let me = ctx.user()?;
    me.require(Action::ManageProviderDirectory, "provider directory")?;
    let tx = app.db.begin().await?;
    let e = repo::directory::get_for_provider(&tx, provider)
        .await?
        .ok_or(AppError::NotFound("directory entry"))?;
    repo::directory::delete(&tx, &e.id).await?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("directory.entry_deleted", "directory_entry", provider).in_org(provider),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// An approved provider and whether it has a directory entry (operator staff's list).
#[derive(Debug, Clone)]
pub struct ProviderRow {
    pub provider_id: String,
    pub legal_name: String,
    pub partner_id: Option<String>,
    pub country: String,
    pub listed: bool,
}

/// Approved indirect providers, for operator staff to add or edit their entries.
pub async fn providers(
    app: &App,
    ctx: &Ctx,
    q: Option<&str>,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<ProviderRow>> {
    let me = ctx.user()?;
    me.require(Action::ManageProviderDirectory, "provider directory")?;
    let c = app.db.reader();
    let page = repo::orgs::approved_providers(c, q, cursor, limit).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for o in page.items {
        let listed = repo::directory::get_for_provider(c, &o.id).await?.is_some();
        items.push(ProviderRow {
            provider_id: o.id,
            legal_name: o.legal_name,
            partner_id: o.partner_id,
            country: o.country,
            listed,
        });
    }
    Ok(Page {
        items,
        next_cursor: page.next_cursor,
    })
}

/// The entry of a provider for editing (operator staff), or None when it has none yet; with
/// the provider's name.
pub async fn for_editing(
    app: &App,
    ctx: &Ctx,
    provider: &str,
) -> AppResult<(String, Option<EntryView>)> {
    let me = ctx.user()?;
    me.require(Action::ManageProviderDirectory, "provider directory")?;
    let c = app.db.reader();
    let o = repo::orgs::get(c, provider)
        .await?
        .ok_or(AppError::NotFound("provider"))?;
    let e = match repo::directory::get_for_provider(c, provider).await? {
        Some(e) => Some(view(c, e, &o).await?),
        None => None,
    };
    Ok((o.legal_name, e))
}
