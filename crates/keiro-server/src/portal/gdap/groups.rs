//! `/security-groups`: the partner's security groups and their members (app `gdap::groups`),
//! which GDAP access assignments name.

use super::*;

pub struct GroupRow {
    pub id: String,
    pub name: String,
    pub members: Vec<(String, String)>,
}

#[derive(Template)]
#[template(path = "gdap/groups.html")]
pub struct GroupsPage {
    pub b: Base,
    pub rows: Vec<GroupRow>,
    pub users: Vec<Choice>,
    pub manage_reason: Option<String>,
}

/// The partner's security groups and their members.
pub async fn groups(State(s): State<AppState>, p: Portal) -> PageResult {
    p.user()?;
    let ctx = p.ctx();
    let groups = keiro_app::gdap::groups(&s.app, &ctx, None, 200)
        .await
        .map_err(|e| p.app_error(e))?
        .items;
    let users = keiro_app::users::list(&s.app, &ctx, None, None, 200)
        .await
        .map(|p| p.items)
        .unwrap_or_default();
    let name_of = |id: &str| {
        users
            .iter()
            .find(|u| u.id == id)
            .map(|u| format!("{} <{}>", u.full_name, u.email))
            .unwrap_or_else(|| id.to_string())
    };
    Ok(render(&GroupsPage {
        rows: groups
            .iter()
            .map(|g| GroupRow {
                id: g.id.clone(),
                name: g.name.clone(),
                members: g.members.iter().map(|m| (m.clone(), name_of(m))).collect(),
            })
            .collect(),
        users: users
            .iter()
            .map(|u| Choice {
                code: u.id.clone(),
                label: format!("{} <{}>", u.full_name, u.email),
            })
            .collect(),
        manage_reason: p.reason(Action::ManageSecurityGroups),
        b: p.base("groups-title"),
    }))
}

#[derive(Deserialize)]
pub struct GroupForm {
    name: String,
}

pub async fn create_group(
    State(s): State<AppState>,
    SignedForm(p, f): SignedForm<GroupForm>,
) -> PageResult {
    keiro_app::gdap::create_group(&s.app, &p.ctx(), &f.name, None)
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to("/security-groups").into_response())
}

#[derive(Deserialize)]
pub struct MemberForm {
    user_id: String,
    remove: Option<String>,
}

pub async fn member(
    State(s): State<AppState>,
    Path(id): Path<String>,
    SignedForm(p, f): SignedForm<MemberForm>,
) -> PageResult {
    keiro_app::gdap::set_member(&s.app, &p.ctx(), &id, &f.user_id, f.remove.is_none())
        .await
        .map_err(|e| p.app_error(e))?;
    Ok(Redirect::to("/security-groups").into_response())
}
