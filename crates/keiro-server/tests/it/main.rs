//! keiro-server's integration tests: one binary, the real router on a real port, SQLite and
//! PostgreSQL (set KEIRO_TEST_POSTGRES_URL), a real SMTP server and a real headless Chromium.

mod api;
mod boundaries;
mod browser;
mod browser_orders;
mod browser_partnerships;
mod browser_tour;
mod catalog;
mod contract;
mod dashboard;
mod display;
mod enrollment;
mod gdap;
mod helpers;
mod isolation;
mod jobs;
mod mfa;
mod orders;
mod partnerships;
mod portal;
mod portal_enrollment;
mod portal_orders;
mod portal_partners;
mod portal_texts;
mod preconditions;
mod proxy;
mod relationships;
mod replays;
mod resources;
mod search;
mod smtp;
mod storage;
mod subscriptions;
mod throttle;
mod users;
mod walk;
