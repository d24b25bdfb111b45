//! A partner's security groups and their members: the groups GDAP access assignments give
//! customer roles to (R-REL-8).

use super::*;

/// A security group with its members.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub members: Vec<String>,
}

async fn group_view(c: &impl ConnectionTrait, g: security_group::Model) -> AppResult<GroupView> {
    Ok(GroupView {
        members: repo::groups::members(c, &g.id).await?,
        id: g.id,
        name: g.name,
    })
}

pub async fn groups(
    app: &App,
    ctx: &Ctx,
    cursor: Option<&str>,
    limit: u64,
) -> AppResult<Page<GroupView>> {
    let me = ctx.user()?;
    if !me.may(Action::ViewGdap) {
        me.require(Action::ManageSecurityGroups, "security groups")?;
    }
    let c = app.db.reader();
    let p = repo::groups::list(c, &me.org.id, cursor, limit).await?;
    let mut items = Vec::with_capacity(p.items.len());
    for g in p.items {
        items.push(group_view(c, g).await?);
    }
    Ok(Page {
        items,
        next_cursor: p.next_cursor,
    })
}

pub async fn create_group(
    app: &App,
    ctx: &Ctx,
    name: &str,
    idem: Option<&str>,
) -> AppResult<Outcome<GroupView>> {
    let me = ctx.user()?;
    let key = Key::of_user(
        "security_groups",
        me,
        idem,
        &json!({ "op": "create_group", "name": name }),
    )?;
    idempotency::once(app, key, async |key| {
        create_group_once(app, ctx, name, key).await
    })
    .await
}

async fn create_group_once(
    app: &App,
    ctx: &Ctx,
    name: &str,
    key: Option<&Key>,
) -> AppResult<GroupView> {
    let me = ctx.user()?;
    me.require(Action::ManageSecurityGroups, "security groups")?;
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(AppError::validation(
            "name",
            "invalid_name",
            "a name of 1 to 100 characters is required",
        ));
    }
    let tx = app.db.begin().await?;
    let g = security_group::Model {
        id: Uuid::now_v7().to_string(),
        org_id: me.org.id.clone(),
        name: name.to_string(),
        name_key: name.to_lowercase(),
        created_at: app.now(),
    };
    repo::insert(&tx, g.clone()).await.map_err(|e| match e {
        keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
            code: "group_name_taken",
            message: "a security group with this name exists".into(),
        },
        other => other.into(),
    })?;
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new("security_group.created", "security_group", &g.id)
            .in_org(&me.org.id)
            .details(json!({ "name": g.name })),
    )
    .await?;
    let v = group_view(&tx, g).await?;
    idempotency::keep(&tx, key, 201, &v, app.now()).await?;
    tx.commit().await?;
    Ok(v)
}

/// Adds or removes a member (a user of the same organization).
pub async fn set_member(
    app: &App,
    ctx: &Ctx,
    group: &str,
    user: &str,
    member: bool,
) -> AppResult<GroupView> {
    let me = ctx.user()?;
    me.require(Action::ManageSecurityGroups, "security groups")?;
    let tx = app.db.begin().await?;
    let g = repo::groups::get_in_org(&tx, &me.org.id, group)
        .await?
        .ok_or(AppError::NotFound("security group"))?;
    repo::users::get_in_org(&tx, &me.org.id, user)
        .await?
        .ok_or(AppError::NotFound("user"))?;
    if member {
        repo::groups::add_member(&tx, group, user)
            .await
            .map_err(|e| match e {
                keiro_store::StoreError::Duplicate(_) => AppError::Conflict {
                    code: "already_member",
                    message: "the user is already a member".into(),
                },
                other => other.into(),
            })?;
    } else if !repo::groups::remove_member(&tx, group, user).await? {
        return Err(AppError::NotFound("member"));
    }
    audit::record(
        &tx,
        ctx,
        app.now(),
        Event::new(
            if member {
                "security_group.member_added"
            } else {
                "security_group.member_removed"
            },
            "security_group",
            group,
        )
        .in_org(&me.org.id)
        .details(json!({ "user": user })),
    )
    .await?;
    let v = group_view(&tx, g).await?;
    tx.commit().await?;
    Ok(v)
}
