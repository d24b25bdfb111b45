//! Membership benefits (メンバーシップ特典, R-BEN-1…10, seed 003, ADR 0011). Operator staff keep
//! the catalog (`catalog`) and the key pools (`software`); a partner buys its package for the
//! level its membership record says (`packages`: one year, its allocations granted in the same
//! transaction); software benefits hand out pool keys once per allocated key (`software`);
//! credits and Visual Studio subscriptions are assigned to users (`assignments`); technical
//! benefits and go-to-market offers are activated (`technical`, `marketing`); support and
//! advisory requests go to the operator (`support`, `requests`). Every kind spends its
//! allocation through one guarded write of the ledger.

use crate::{AppError, AppResult, Ctx, CurrentUser};
use keiro_domain::Action;

mod assignments;
mod cancellation;
mod catalog;
mod expiry;
mod import;
mod licenses;
mod marketing;
mod packages;
mod requests;
mod software;
mod support;
mod technical;

pub use assignments::*;
pub use cancellation::*;
pub use catalog::*;
pub use expiry::{NOTICE_DAYS, tick};
pub use import::*;
pub use licenses::*;
pub use marketing::*;
pub use packages::*;
pub use requests::*;
pub use software::*;
pub use support::*;
pub use technical::activate;

/// What a sealed pool key is sealed for (`SecretKey::seal`).
pub(crate) const SEAL_PURPOSE: &str = "benefit-key";

/// A partner user, who sees the benefits and may buy the package (R-BEN-1).
pub(crate) fn partner_user(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let me = ctx.user()?;
    me.require(Action::BuyBenefitPackage, "benefits")?;
    Ok(me)
}

/// Operator staff, who keep the catalog, the pools and the cancellation requests.
pub(crate) fn operator(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let me = ctx.user()?;
    me.require(Action::ManageBenefits, "benefit catalog")?;
    Ok(me)
}

/// Why `me` cannot do `action` to the partner's benefits, if so: the reason a greyed button
/// shows and the API's refusal (R-BEN-1).
pub fn why_not(me: &CurrentUser, action: Action) -> Option<AppError> {
    me.require(action, "benefits").err()
}

fn conflict(code: &'static str, message: &'static str) -> AppError {
    AppError::Conflict {
        code,
        message: message.into(),
    }
}
