//! Accepting an invitation link of any kind, as the signed-in user's organization (R-PRT-2,
//! R-REL-2, R-REL-3, R-REL-8). One transaction finds the link by its token, refuses an expired,
//! revoked or used one, and hands the link to its kind, which applies its own rules and takes
//! a use of it ([`invitations::take`], guarded) before it changes anything. The kinds never read
//! the link again, and [`invitations`] knows nothing of them.

use crate::invitations;
use crate::{App, AppResult, Ctx, gdap, partnerships, relationships};
use keiro_domain::invitation::InvitationKind;

/// What accepting a link did, by kind.
#[derive(Debug, Clone)]
pub enum Accepted {
    /// A reseller approved an indirect provider (R-PRT-2).
    Partnership(partnerships::PartnerView),
    /// A customer accepted relationships with these partners (R-REL-2, R-REL-3).
    Relationships(Vec<relationships::PartnerContact>),
    /// A customer approved a GDAP relationship (R-REL-8).
    Gdap(Box<gdap::GdapView>),
}

/// Accepts a link of any kind; the kind's own rules apply. Unknown tokens are
/// `404 not_found`; expired, revoked and used links `409 invitation_*`.
pub async fn accept(app: &App, ctx: &Ctx, token: &str, confirmed: bool) -> AppResult<Accepted> {
    let tx = app.db.begin().await?;
    let link = invitations::find(&tx, token).await?;
    ctx.user()?;
    if let Some(e) = invitations::refusal(invitations::status_of(&link, app.now())?) {
        return Err(e);
    }
    let accepted = match invitations::kind_of(&link)? {
        InvitationKind::Partnership => partnerships::accept_link(&tx, app, ctx, &link, confirmed)
            .await
            .map(Accepted::Partnership)?,
        InvitationKind::ResellerRelationship
        | InvitationKind::ThreeWayRelationship
        | InvitationKind::DelegatedAdmin => {
            relationships::accept_link(&tx, app, ctx, &link, confirmed)
                .await
                .map(Accepted::Relationships)?
        }
        InvitationKind::GdapApproval => gdap::approve_link(&tx, app, ctx, &link, confirmed)
            .await
            .map(|v| Accepted::Gdap(Box::new(v)))?,
        // A trial starts, and a purchase offer is bought, from its own page, with the
        // customer's choices (delegated admin; the counts).
        InvitationKind::TrialInvitation => {
            return Err(crate::AppError::Conflict {
                code: "wrong_invitation_kind",
                message: "start this trial from its page (POST /v1/trialinvitations/start)".into(),
            });
        }
        InvitationKind::PurchaseOffer => {
            return Err(crate::AppError::Conflict {
                code: "wrong_invitation_kind",
                message: "buy from this purchase offer's page (POST /v1/purchaseoffers/buy)".into(),
            });
        }
    };
    tx.commit().await?;
    Ok(accepted)
}
