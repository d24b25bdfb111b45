//! The demo world's subscription advisor (issue 16 point 9). Fuji Reseller GK is authorized as
//! a subscription advisor and for delegated admin. It has sent a trial invitation with a
//! delegated admin offer, and Adatum Clinic started that trial without accepting delegated
//! admin. Fuji is now the partner of record of Adatum's trial, so the overview page, the
//! invitation list and the POR list all have something to show. Both steps go through the use
//! cases a browser calls. Idempotent: once Fuji has a trial invitation, nothing more is done.

use crate::invitations;
use crate::trial_invitations::{self, TrialInput};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::Language;
use keiro_domain::invitation::InvitationKind;
use keiro_store::repo;

const ADVISOR: &str = "admin@fuji-reseller.example";
const CUSTOMER: &str = "admin@adatum.example";

/// The demo user with this email, acting.
async fn acting(app: &App, email: &str) -> AppResult<Ctx> {
    let u = repo::users::find_by_email(app.db.reader(), email)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    let me = CurrentUser::load(app.db.reader(), &u.id)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    Ok(Ctx {
        user: Some(me),
        ..Ctx::anonymous(None, "demo")
    })
}

pub(super) async fn seed(app: &App) -> AppResult<()> {
    let advisor = acting(app, ADVISOR).await?;
    let sent = invitations::list(
        app,
        &advisor,
        InvitationKind::TrialInvitation,
        None,
        None,
        1,
    )
    .await?;
    if !sent.items.is_empty() {
        return Ok(());
    }
    let Some(offer) = trial_invitations::trial_offers(app, &advisor, "JP")
        .await?
        .into_iter()
        .next()
    else {
        return Ok(());
    };
    let issued = trial_invitations::create(
        app,
        &advisor,
        TrialInput {
            offer_id: offer.id,
            country: "JP".into(),
            delegated_admin: true,
            expires_in_days: Some(90),
        },
        Some(Language::Ja),
        None,
        None,
    )
    .await?;
    let token = issued
        .token
        .ok_or(AppError::Internal("a new link without its token".into()))?;
    let customer = acting(app, CUSTOMER).await?;
    trial_invitations::start(app, &customer, &token, None, false, None).await?;
    Ok(())
}
