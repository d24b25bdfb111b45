//! One set of migrations for both backends, written with the portable schema builder. Where a
//! backend needs its own SQL (triggers), the migration branches on the backend in one place.

use sea_orm_migration::prelude::*;

mod cols;
mod m0001_foundation;
mod m0002_enrollment;
mod m0003_mfa;
mod m0004_partnerships;
mod m0005_gdap;
mod m0006_service_requests;
mod m0007_customer_list;
mod m0008_org_search;
mod m0009_commerce;
mod m0010_rate_counters;
mod m0011_jobs;
mod m0012_search_text;
mod m0013_user_time_zone;
mod m0014_relationship_search;
mod m0015_partner_of_record;
mod m0016_invitation_uses;
mod m0017_product_keys;
mod m0018_link_opens;
mod m0019_benefits;
mod m0020_benefit_activation;
mod m0021_benefit_assignments;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m0001_foundation::Migration),
            Box::new(m0002_enrollment::Migration),
            Box::new(m0003_mfa::Migration),
            Box::new(m0004_partnerships::Migration),
            Box::new(m0005_gdap::Migration),
            Box::new(m0006_service_requests::Migration),
            Box::new(m0007_customer_list::Migration),
            Box::new(m0008_org_search::Migration),
            Box::new(m0009_commerce::Migration),
            Box::new(m0010_rate_counters::Migration),
            Box::new(m0011_jobs::Migration),
            Box::new(m0012_search_text::Migration),
            Box::new(m0013_user_time_zone::Migration),
            Box::new(m0014_relationship_search::Migration),
            Box::new(m0015_partner_of_record::Migration),
            Box::new(m0016_invitation_uses::Migration),
            Box::new(m0017_product_keys::Migration),
            Box::new(m0018_link_opens::Migration),
            Box::new(m0019_benefits::Migration),
            Box::new(m0020_benefit_activation::Migration),
            Box::new(m0021_benefit_assignments::Migration),
        ]
    }
}
