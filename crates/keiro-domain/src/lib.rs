//! Keiro's pure rules: identifiers and value types, the organization and role catalog, and the
//! authorization policy. Nothing here does I/O or knows about HTTP or SQL, so every rule can be
//! unit- and property-tested in isolation.

pub mod advisor;
pub mod benefit;
pub mod catalog;
pub mod code;
pub mod country;
pub mod directory;
pub mod display;
pub mod email;
pub mod enrollment;
pub mod error;
pub mod gdap;
pub mod ids;
pub mod invitation;
pub mod job;
pub mod lang;
pub mod org;
pub mod partnership;
pub mod password;
pub mod policy;
pub mod product_key;
pub mod relationship;
pub mod roles;
pub mod roles_doc;
pub mod service_request;
pub mod subscription;
pub mod text;

pub use email::Email;
pub use error::ValidationError;
pub use ids::{OrgId, UserId};
pub use lang::Language;
pub use org::{AuthorizationChange, CompanyProfile, OrgKind, PartnerAuthorization, ProgramRole};
pub use policy::{
    Action, Actor, Decision, DelegatedAccess, DenyReason, Grant, Target, decide, may_act_on_user,
};
pub use roles::Role;
