//! Storage: the one schema of Keiro on SQLite and PostgreSQL, and the functions that read and
//! write it. No business rules live here (see keiro-app); where the two backends differ, the
//! difference is hidden behind one function here, and both are tested.
//!
//! # The storage contract
//!
//! What every function of [`repo`] keeps, whichever backend runs it:
//!
//! - **Scoped reads.** A read of tenant data takes the organization it is scoped to
//!   (`get_in_org`, `get_in_customer`, `for_org`…) and answers `None` for another
//!   organization's row, so a caller cannot reach it by id.
//! - **Guarded writes.** A state change is one `UPDATE … WHERE id = ? AND version = ?` (or `AND
//!   state = ?`, `AND used_at IS NULL`…) and returns whether it changed a row; the caller decides
//!   what a lost race means. Two nodes never both apply one change.
//! - **Keyset pages.** Lists return a [`repo::Page`] keyed on the id (UUIDv7, so id order is
//!   creation order); `limit + 1` rows are read to know whether another page follows.
//! - **Text search** compares search forms: a searched table keeps `search_text`, the NFKC,
//!   lower-cased form of its searched fields (`keiro_domain::text::search_text`), written with
//!   the row (the entity's `before_save`, which `repo::insert` runs) and after an update
//!   (`repo::reindex`). A query is searched in the same form, with `%`, `_` and `\` taken
//!   literally (`repo::search`), so ｺﾝﾄｿ finds コントソ on both backends.
//! - **Transactions** belong to the caller: every function takes `&impl ConnectionTrait`, so a
//!   use case composes several of them, its audit row and its outbox rows in one transaction.
//! - **Times** are UTC; ids are UUIDv7 text; secrets are stored only as SHA-256.
//!
//! # The capabilities, one file each in `repo/` (with its tables in `entities/`)
//!
//! | file | tables | what it guarantees besides the above |
//! |---|---|---|
//! | `orgs` | organizations (org_search) | `lock` takes the organization's row lock, for invariants over several rows (one active global admin); `merge_search_index` merges SQLite's full-text index in bounded steps |
//! | `users` | users, user_roles | an email belongs to one user of the deployment; roles replaced as a set; `count_active_with_role` under the org lock |
//! | `sessions`, `tokens` | sessions, api_tokens | found only by hash, only while live (not ended, not expired, not revoked) |
//! | `caller` | (api_tokens, sessions, users, organizations, user_roles, security_group_members) | who calls, in ONE statement per request: the token's or live session's row with its user, organization, roles and groups, decoded by position; nothing cached, so a change counts from the next request on every node (ADR 0009) |
//! | `mfa` | (users), mfa_recovery_codes | a TOTP step accepted once (`accept_step` guarded on the last step); a recovery code used once |
//! | `audit` | audit_records | append only: database triggers refuse UPDATE and DELETE on both backends |
//! | `outbox` | outbox_messages | `claim_due` is one guarded UPDATE per row: two nodes never send a message twice |
//! | `idempotency` | idempotency_records | one answer per `(scope, key)` (unique index): of two concurrent creates one commits |
//! | `registry` | membership_records | a record is claimed by one organization (`claim` guarded) |
//! | `enrollments`, `verifications` | enrollments, email_verifications | one application per organization; `save` guarded on the state it read; a verification link used once |
//! | `invitations` | invitations | `use_once` takes a single-use link once (`state = 'open' AND expires_at > now`); `use_again` counts |
//! | `partnerships` | partnerships | one active partnership per provider and reseller (partial unique index) |
//! | `rights` | delegated_rights | one live right per owner, grantee and kind; `live` reads them with the request |
//! | `relationships` | customer_relationships | one active relationship per partner and customer; the Customers page is one keyset query, its short searches a walk of one covering index over the relationships' copy of the search text (kept by triggers) |
//! | `directory` | provider_directory_entries, provider_directory_countries | one entry per provider |
//! | `gdap`, `groups` | gdap_relationships, gdap_assignments, security_groups, security_group_members | names unique per partner; `live_assignments` grants nothing past `ends_at`, whether or not the scheduler ran; transitions guarded on the state |
//! | `service_requests` | service_requests, service_request_notes | read only within the customer they concern |
//! | `catalog` | products, offers, offer_countries | codes and SKUs unique; `update` guarded on the version |
//! | `throttle` | rate_counters | a counter moves by a guarded write on the values it was read with: two nodes counting one key never lose an event |
//! | `subscriptions` | orders, subscriptions, subscription_history | `save` guarded on the version; `due` lists what the scheduler must move; history append only |
//! | `product_keys` | product_key_orders, product_keys | found by hash; `redeem` takes an unused, unexpired key once (guarded), whoever enters it at once |
//! | `benefits` | benefits, benefit_levels, benefit_downloads, benefit_packages, benefit_allocations, benefit_keys, benefit_requests | `use_units` is the ledger's one guarded write (`used + n <= quantity`, active, running); `claim_key` hands each pool key to one caller; `(org_id, seq)` unique per partner's packages; one open request per package and kind (partial unique index) |
//! | `jobs` | jobs, job_lines | `claim` is one guarded UPDATE per candidate (queued, or running past its lease); `beat`, `finish`, `fail` are guarded on the claim (node and attempt); `take_secrets` clears once |
//!
//! [`db::Db`] is the connection handle (SQLite: one writer and a reader pool, WAL, IMMEDIATE
//! write transactions; PostgreSQL: one pool); [`migration`] is the one migration set.

pub mod db;
pub mod entities;
pub mod error;
pub mod migration;
pub mod repo;

pub use db::{Backend, Db, DbOptions};
pub use error::StoreError;
pub use sea_orm;
