//! Telling partners that benefits expire (issue 17 point 8): 30 days before an active
//! allocation's last day, its partner is emailed once (ja/en) with the benefits that expire.
//! Several nodes may run the scheduler: each allocation is marked told by one guarded write,
//! and only the node that marked it sends.

use super::catalog;
use crate::{App, AppResult, mail, outbox};
use keiro_store::repo;
use std::collections::BTreeMap;
use time::Duration;

/// How long before an allocation's last day its partner is told.
pub const NOTICE_DAYS: i64 = 30;

/// Emails the partners whose benefits expire within [`NOTICE_DAYS`]: how many partners.
pub async fn tick(app: &App) -> AppResult<usize> {
    let now = app.now();
    let due =
        repo::benefits::expiring(app.db.reader(), now, now + Duration::days(NOTICE_DAYS)).await?;
    if due.is_empty() {
        return Ok(0);
    }
    let mut by_org: BTreeMap<String, Vec<_>> = BTreeMap::new();
    for a in due {
        by_org.entry(a.org_id.clone()).or_default().push(a);
    }
    let mut told = 0;
    for (org_id, list) in by_org {
        let tx = app.db.begin().await?;
        let mut mine = Vec::new();
        for a in list {
            if repo::benefits::mark_expiry_notified(&tx, &a.id).await? {
                mine.push(a);
            }
        }
        let org = repo::orgs::get(&tx, &org_id).await?;
        if let (false, Some(org)) = (mine.is_empty(), org)
            && let Some(to) = crate::orgs::contact(&tx, &org).await?
        {
            let benefits = catalog::views(
                &tx,
                repo::benefits::by_ids(&tx, mine.iter().map(|a| a.benefit_id.clone()).collect())
                    .await?,
            )
            .await?;
            let names: Vec<String> = benefits
                .iter()
                .map(|b| format!("・{}", b.name(to.lang)))
                .collect();
            let first = mine.iter().map(|a| a.expires_at).min().unwrap_or(now);
            outbox::enqueue_email(
                &tx,
                app,
                Some(&org.id),
                "benefits-expiring",
                &to.email,
                to.lang,
                &[
                    ("name", to.name.clone()),
                    ("company", org.legal_name.clone()),
                    ("expires", mail::date(app, first, to.lang)),
                    ("benefits", names.join("\n")),
                ],
            )
            .await?;
            told += 1;
        }
        tx.commit().await?;
    }
    Ok(told)
}
