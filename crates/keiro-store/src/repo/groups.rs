//! Security groups and their members, in the partner's organization.

use super::*;
use security_group::Column as C;

/// An organization's groups by name, `limit` after the cursor `after` ("name key<TAB>id").
pub async fn list(
    c: &impl ConnectionTrait,
    org: &str,
    after: Option<&str>,
    limit: u64,
) -> Result<Page<security_group::Model>, StoreError> {
    let mut q = security_group::Entity::find().filter(C::OrgId.eq(org));
    if let Some((key, id)) = after.and_then(|a| a.rsplit_once('\t')) {
        q = q.filter(
            Condition::any()
                .add(C::NameKey.gt(key))
                .add(Condition::all().add(C::NameKey.eq(key)).add(C::Id.gt(id))),
        );
    }
    let q = q.order_by_asc(C::NameKey).order_by_asc(C::Id);
    let rows = first_n(c, q, limit + 1).await?;
    Ok(page(rows, limit, |m| format!("{}\t{}", m.name_key, m.id)))
}

pub async fn get_in_org(
    c: &impl ConnectionTrait,
    org: &str,
    id: &str,
) -> Result<Option<security_group::Model>, StoreError> {
    row_in::<security_group::Entity>(c, id, (C::OrgId, org)).await
}

pub async fn members(c: &impl ConnectionTrait, group: &str) -> Result<Vec<String>, StoreError> {
    Ok(security_group_member::Entity::find()
        .filter(security_group_member::Column::GroupId.eq(group))
        .all(c)
        .await?
        .into_iter()
        .map(|m| m.user_id)
        .collect())
}

pub async fn add_member(
    c: &impl ConnectionTrait,
    group: &str,
    user: &str,
) -> Result<(), StoreError> {
    security_group_member::Entity::insert(security_group_member::ActiveModel {
        group_id: Set(group.to_string()),
        user_id: Set(user.to_string()),
    })
    .exec_without_returning(c)
    .await?;
    Ok(())
}

pub async fn remove_member(
    c: &impl ConnectionTrait,
    group: &str,
    user: &str,
) -> Result<bool, StoreError> {
    security_group_member::Entity::delete_many()
        .filter(security_group_member::Column::GroupId.eq(group))
        .filter(security_group_member::Column::UserId.eq(user))
        .changed_one(c)
        .await
}
