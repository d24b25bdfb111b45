//! The page that shows a new invitation link and its draft email, once (no-store): the link in
//! its own field, an editable text, mailto:, copy, or send through Keiro (R-PRT-1, R-REL-2).
//! Every kind of link (partnership, customer relationship, delegated admin, GDAP) shows it.

use super::{Base, PageResult, Portal, no_store, render, t, t_args};
use askama::Template;
use keiro_app::AppError;
use keiro_domain::invitation::Usage;

#[derive(Template)]
#[template(path = "draft.html")]
pub struct DraftPage {
    pub b: Base,
    /// Where "Done" and a sent email lead back to.
    pub back: String,
    pub intro: String,
    /// The link's own words: its kind's name, who it goes to, once or many times.
    pub link_label: String,
    pub link_note: String,
    pub send_to: String,
    pub url: String,
    pub token: String,
    pub subject: String,
    pub body: String,
    pub mailto: String,
}

/// The page showing a new link and its draft email, once (no-store): the link in its own field,
/// an editable text, mailto:, copy, or send through Keiro (R-PRT-1, R-REL-2).
/// Its words follow the link's kind (issue 14): a customer's link never speaks of a reseller or
/// a partnership, and a multi-use link never says it works once.
pub fn draft_page(
    p: &Portal,
    r: Result<keiro_app::invitations::Issued, AppError>,
    back: &str,
) -> PageResult {
    let r = r.map_err(|e| p.app_error(e))?;
    let (Some(url), Some(draft), Some(token)) = (r.url, r.draft, r.token) else {
        return Err(p.app_error(AppError::Internal("a new link without its URL".into())));
    };
    let kind = r.link.kind;
    let expires = p.time(r.link.expires_at);
    let note = match kind.usage() {
        Usage::SingleUse => "draft-link-note-single",
        Usage::MultiUse => "draft-link-note-multi",
    };
    Ok(no_store(render(&DraftPage {
        b: p.base(&format!("draft-title-{}", kind.code())),
        back: back.to_string(),
        intro: t(p.lang, &format!("draft-intro-{}", kind.code())),
        link_label: t(p.lang, &format!("draft-link-{}", kind.code())),
        link_note: t_args(p.lang, note, &[("expires", expires)]),
        send_to: t(p.lang, &format!("draft-send-to-{}", kind.code())),
        url,
        token,
        subject: draft.subject,
        body: draft.body,
        mailto: draft.mailto,
    })))
}
