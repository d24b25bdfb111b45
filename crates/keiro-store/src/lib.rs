//! Storage: SeaORM entities and migrations that run on SQLite and PostgreSQL, the connection
//! handle ([`Db`]) and tenant-scoped repository functions. No business rules live here; see
//! keiro-app. Where the two backends differ, the difference is hidden behind one function here.

pub mod db;
pub mod entities;
pub mod error;
pub mod migration;
pub mod repo;

pub use db::{Backend, Db, DbOptions};
pub use error::StoreError;
pub use sea_orm;
