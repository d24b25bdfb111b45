//! The page that shows a new invitation link and its draft email, once (no-store): the link in
//! its own field, an editable text, mailto:, copy, or send through Keiro (R-PRT-1, R-REL-2).
//! Every kind of link (partnership, customer relationship, delegated admin, GDAP) shows it.

use super::{Base, PageResult, Portal, no_store, render, t};
use askama::Template;
use keiro_app::AppError;

#[derive(Template)]
#[template(path = "draft.html")]
pub struct DraftPage {
    pub b: Base,
    /// Where "Done" and a sent email lead back to.
    pub back: String,
    pub intro: String,
    pub url: String,
    pub token: String,
    pub subject: String,
    pub body: String,
    pub mailto: String,
    pub expires: String,
}

/// The page showing a new link and its draft email, once (no-store): the link in its own field,
/// an editable text, mailto:, copy, or send through Keiro (R-PRT-1, R-REL-2).
pub fn draft_page(
    p: &Portal,
    r: Result<keiro_app::invitations::Issued, AppError>,
    title: &str,
    intro: &str,
    back: &str,
) -> PageResult {
    let r = r.map_err(|e| p.app_error(e))?;
    let (Some(url), Some(draft), Some(token)) = (r.url, r.draft, r.token) else {
        return Err(p.app_error(AppError::Internal("a new link without its URL".into())));
    };
    Ok(no_store(render(&DraftPage {
        b: p.base(title),
        back: back.to_string(),
        intro: t(p.lang, intro),
        url,
        token,
        subject: draft.subject,
        body: draft.body,
        mailto: draft.mailto,
        expires: p.time(r.link.expires_at),
    })))
}
