//! The catalog (R-ORD-1): products and offers, with the countries where each offer is sold.

use super::*;
use std::collections::HashMap;

pub mod products {
    use super::*;
    use product::Column as C;

    pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<product::Model> {
        row_by_id::<product::Entity>(c, id).await
    }

    pub async fn by_code(
        c: &impl ConnectionTrait,
        code: &str,
    ) -> Result<Option<product::Model>, StoreError> {
        unique(c, product::Entity::find().filter(C::Code.eq(code))).await
    }

    pub async fn by_ids(
        c: &impl ConnectionTrait,
        ids: Vec<String>,
    ) -> Result<Vec<product::Model>, StoreError> {
        Ok(product::Entity::find()
            .filter(C::Id.is_in(ids))
            .all(c)
            .await?)
    }

    /// Products oldest first, searched by code or name.
    pub async fn list(
        c: &impl ConnectionTrait,
        q: Option<&str>,
        cursor: Option<&str>,
        limit: u64,
    ) -> Result<Page<product::Model>, StoreError> {
        let mut sel = product::Entity::find();
        if let Some(q) = q.map(str::trim).filter(|q| !q.is_empty()) {
            sel = sel.filter(search(C::SearchText, q));
        }
        keyset(c, sel, C::Id, cursor, limit, Order::Asc, |r| r.id.clone()).await
    }

    /// Writes the product's editable fields if its version is still `version`.
    pub async fn update(
        c: &impl ConnectionTrait,
        m: &product::Model,
        version: i64,
    ) -> Result<bool, StoreError> {
        let changed = at_version(
            c,
            product::Entity::update_many()
                .col_expr(C::NameEn, Expr::value(m.name_en.clone()))
                .col_expr(C::NameJa, Expr::value(m.name_ja.clone()))
                .col_expr(C::DescriptionEn, Expr::value(m.description_en.clone()))
                .col_expr(C::DescriptionJa, Expr::value(m.description_ja.clone()))
                .col_expr(C::UpdatedAt, Expr::value(m.updated_at)),
            (C::Id, &m.id),
            (C::Version, version),
        )
        .await?;
        if changed {
            reindex::<product::Entity>(c, &m.id).await?;
        }
        Ok(changed)
    }
}

pub mod offers {
    use super::*;
    use offer::Column as C;

    pub async fn insert(
        c: &impl ConnectionTrait,
        m: offer::Model,
        countries: &[String],
    ) -> Result<(), StoreError> {
        let id = m.id.clone();
        super::insert(c, m).await?;
        set_countries(c, &id, countries).await
    }

    async fn set_countries(
        c: &impl ConnectionTrait,
        id: &str,
        countries: &[String],
    ) -> Result<(), StoreError> {
        offer_country::Entity::delete_many()
            .filter(offer_country::Column::OfferId.eq(id))
            .exec(c)
            .await?;
        if countries.is_empty() {
            return Ok(());
        }
        offer_country::Entity::insert_many(countries.iter().map(|k| {
            offer_country::ActiveModel::from(offer_country::Model {
                offer_id: id.to_string(),
                country: k.clone(),
            })
        }))
        .exec_without_returning(c)
        .await?;
        Ok(())
    }

    pub async fn get(c: &impl ConnectionTrait, id: &str) -> Found<offer::Model> {
        row_by_id::<offer::Entity>(c, id).await
    }

    pub async fn by_sku(
        c: &impl ConnectionTrait,
        sku: &str,
    ) -> Result<Option<offer::Model>, StoreError> {
        unique(c, offer::Entity::find().filter(C::Sku.eq(sku))).await
    }

    pub async fn by_ids(
        c: &impl ConnectionTrait,
        ids: Vec<String>,
    ) -> Result<Vec<offer::Model>, StoreError> {
        Ok(offer::Entity::find()
            .filter(C::Id.is_in(ids))
            .all(c)
            .await?)
    }

    /// These offers, each with its countries (sorted), in one statement (an order's lines).
    pub async fn by_ids_with_countries(
        c: &impl ConnectionTrait,
        ids: Vec<String>,
    ) -> Result<(Vec<offer::Model>, HashMap<String, Vec<String>>), StoreError> {
        let backend = c.get_database_backend();
        let agg = if backend == sea_orm::DbBackend::Sqlite {
            "group_concat"
        } else {
            "string_agg"
        };
        // Country codes never hold a comma.
        let sel = offer::Entity::find().filter(C::Id.is_in(ids)).expr_as(
            Expr::cust(format!(
                "(SELECT {agg}(oc.\"country\", ',') FROM \"offer_countries\" oc \
                 WHERE oc.\"offer_id\" = \"offers\".\"id\")"
            )),
            "k_countries",
        );
        let rows = c
            .query_all_raw(sea_orm::QueryTrait::build(&sel, backend))
            .await?;
        let mut offers = Vec::with_capacity(rows.len());
        let mut countries = HashMap::with_capacity(rows.len());
        for row in rows {
            let o = <offer::Model as sea_orm::FromQueryResult>::from_query_result(&row, "")?;
            let joined: Option<String> = row.try_get("", "k_countries")?;
            countries.insert(o.id.clone(), crate::repo::aggregated(joined.as_deref()));
            offers.push(o);
        }
        Ok((offers, countries))
    }

    /// The countries of each of these offers, sorted.
    pub async fn countries(
        c: &impl ConnectionTrait,
        ids: Vec<String>,
    ) -> Result<HashMap<String, Vec<String>>, StoreError> {
        let rows = offer_country::Entity::find()
            .filter(offer_country::Column::OfferId.is_in(ids))
            .order_by_asc(offer_country::Column::Country)
            .all(c)
            .await?;
        let mut m: HashMap<String, Vec<String>> = HashMap::new();
        for r in rows {
            m.entry(r.offer_id).or_default().push(r.country);
        }
        Ok(m)
    }

    /// Which offers to list.
    #[derive(Debug, Clone, Default)]
    pub struct OfferQuery<'a> {
        /// Part of the SKU or a name, case-insensitive.
        pub q: Option<&'a str>,
        /// Only offers sold in this country.
        pub country: Option<&'a str>,
        /// Only offers in this state (available, retired).
        pub state: Option<&'a str>,
        pub product: Option<&'a str>,
        pub cursor: Option<&'a str>,
        pub limit: u64,
    }

    /// Offers oldest first, searched and filtered in one query.
    pub async fn list(
        c: &impl ConnectionTrait,
        f: &OfferQuery<'_>,
    ) -> Result<Page<offer::Model>, StoreError> {
        let mut sel = offer::Entity::find();
        if let Some(q) = f.q.map(str::trim).filter(|q| !q.is_empty()) {
            sel = sel.filter(search(C::SearchText, q));
        }
        if let Some(country) = f.country {
            let sold_in = sea_orm::sea_query::Query::select()
                .column(offer_country::Column::OfferId)
                .from(offer_country::Entity)
                .and_where(Expr::col(offer_country::Column::Country).eq(country))
                .to_owned();
            sel = sel.filter(Expr::col(C::Id).in_subquery(sold_in));
        }
        if let Some(s) = f.state {
            sel = sel.filter(C::State.eq(s));
        }
        if let Some(p) = f.product {
            sel = sel.filter(C::ProductId.eq(p));
        }
        keyset(c, sel, C::Id, f.cursor, f.limit, Order::Asc, |r| {
            r.id.clone()
        })
        .await
    }

    /// Writes every editable field (and the countries) if the version is still `version`.
    pub async fn update(
        c: &impl ConnectionTrait,
        m: &offer::Model,
        version: i64,
        countries: &[String],
    ) -> Result<bool, StoreError> {
        let changed = offer::Entity::update_many()
            .col_expr(C::ProductId, Expr::value(m.product_id.clone()))
            .col_expr(C::NameEn, Expr::value(m.name_en.clone()))
            .col_expr(C::NameJa, Expr::value(m.name_ja.clone()))
            .col_expr(C::DescriptionEn, Expr::value(m.description_en.clone()))
            .col_expr(C::DescriptionJa, Expr::value(m.description_ja.clone()))
            .col_expr(C::BillingCycle, Expr::value(m.billing_cycle.clone()))
            .col_expr(C::TermMonths, Expr::value(m.term_months))
            .col_expr(C::UnitPriceMinor, Expr::value(m.unit_price_minor))
            .col_expr(C::Currency, Expr::value(m.currency.clone()))
            .col_expr(C::MinQuantity, Expr::value(m.min_quantity))
            .col_expr(C::MaxQuantity, Expr::value(m.max_quantity))
            .col_expr(C::TrialDays, Expr::value(m.trial_days))
            .col_expr(
                C::PrerequisiteOfferId,
                Expr::value(m.prerequisite_offer_id.clone()),
            )
            .col_expr(C::State, Expr::value(m.state.clone()))
            .col_expr(C::UpdatedAt, Expr::value(m.updated_at))
            .incr(C::Version)
            .filter(C::Id.eq(m.id.clone()))
            .filter(C::Version.eq(version))
            .changed_one(c)
            .await?;
        if !changed {
            return Ok(false);
        }
        reindex::<offer::Entity>(c, &m.id).await?;
        set_countries(c, &m.id, countries).await?;
        Ok(true)
    }
}
