//! The demo world's subscription advisor (issue 16 point 9). Fuji Reseller GK is authorized as
//! a subscription advisor and for delegated admin. It has sent a trial invitation with a
//! delegated admin offer, and Adatum Clinic started that trial without accepting delegated
//! admin. Fuji is now the partner of record of Adatum's trial, so the overview page, the
//! invitation list and the POR list all have something to show. Fuji also has a purchase
//! offer of two offers, and three product keys of which Adatum redeemed one (so Fuji is POR of
//! that subscription too). Every step goes through the use cases a browser calls. Idempotent:
//! each piece is made only if Fuji has none of its kind yet.

use crate::invitations;
use crate::product_keys::{self, OrderInput};
use crate::purchase_offers::{self, OfferLine, PurchaseInput};
use crate::trial_invitations::{self, TrialInput};
use crate::{App, AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::Language;
use keiro_domain::invitation::InvitationKind;
use keiro_store::repo;

const ADVISOR: &str = "admin@fuji-reseller.example";
const CUSTOMER: &str = "admin@adatum.example";

/// The demo user with this email, acting.
pub(super) async fn acting(app: &App, email: &str) -> AppResult<Ctx> {
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
    trial(app).await?;
    purchase_offer(app).await?;
    keys(app).await
}

/// Offers sold in Japan that need no other offer, other than the trial's.
async fn plain_offers(
    app: &App,
    advisor: &Ctx,
) -> AppResult<Vec<keiro_store::entities::offer::Model>> {
    Ok(crate::advisor_sales::offerable(app, advisor, "JP", None)
        .await?
        .into_iter()
        .filter(|o| o.prerequisite_offer_id.is_none() && o.trial_days.is_none())
        .collect())
}

async fn purchase_offer(app: &App) -> AppResult<()> {
    let advisor = acting(app, ADVISOR).await?;
    let sent =
        invitations::list(app, &advisor, InvitationKind::PurchaseOffer, None, None, 1).await?;
    if !sent.items.is_empty() {
        return Ok(());
    }
    let lines: Vec<OfferLine> = plain_offers(app, &advisor)
        .await?
        .into_iter()
        .take(2)
        .map(|o| OfferLine {
            quantity: (o.min_quantity.max(1) + 9).min(o.max_quantity),
            offer_id: o.id,
        })
        .collect();
    if lines.is_empty() {
        return Ok(());
    }
    purchase_offers::create(
        app,
        &advisor,
        PurchaseInput {
            lines,
            country: "JP".into(),
            delegated_admin: true,
            expires_in_days: Some(60),
        },
        Some(Language::Ja),
        None,
        None,
    )
    .await?;
    Ok(())
}

async fn keys(app: &App) -> AppResult<()> {
    let advisor = acting(app, ADVISOR).await?;
    if !product_keys::list(app, &advisor, None, None, None, 1)
        .await?
        .items
        .is_empty()
    {
        return Ok(());
    }
    let Some(offer) = plain_offers(app, &advisor).await?.into_iter().next() else {
        return Ok(());
    };
    let order = product_keys::order(
        app,
        &advisor,
        OrderInput {
            licenses: Some(offer.min_quantity.max(1)),
            offer_id: offer.id,
            country: "JP".into(),
            quantity: 3,
            delegated_admin: false,
            expires_in_days: None,
        },
        None,
    )
    .await?;
    let customer = acting(app, CUSTOMER).await?;
    let adatum = customer.user()?.org.id.clone();
    if let Some(k) = order.value.keys.first() {
        product_keys::redeem(app, &customer, &adatum, k, false, None).await?;
    }
    Ok(())
}

async fn trial(app: &App) -> AppResult<()> {
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
