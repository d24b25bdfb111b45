//! The audit log (`audit_records`): append only; read newest first, filtered.

use super::*;

/// Which audit rows a caller may see.
#[derive(Debug, Clone)]
pub enum Visibility {
    /// Operator staff: every row.
    All,
    /// Rows an organization took part in: as actor, target or the one acted for.
    Org(String),
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub from: Option<Ts>,
    pub to: Option<Ts>,
    pub action: Option<String>,
    pub target_org_id: Option<String>,
}

pub async fn list(
    c: &impl ConnectionTrait,
    vis: &Visibility,
    f: &Filter,
    cursor: Option<&str>,
    limit: u64,
) -> Result<Page<audit_record::Model>, StoreError> {
    use audit_record::Column as C;
    let mut q = audit_record::Entity::find();
    if let Visibility::Org(org) = vis {
        q = q.filter(
            Condition::any()
                .add(C::ActorOrgId.eq(org.as_str()))
                .add(C::TargetOrgId.eq(org.as_str()))
                .add(C::OnBehalfOfOrgId.eq(org.as_str())),
        );
    }
    if let Some(from) = f.from {
        q = q.filter(C::OccurredAt.gte(from));
    }
    if let Some(to) = f.to {
        q = q.filter(C::OccurredAt.lt(to));
    }
    if let Some(a) = &f.action {
        q = q.filter(C::Action.eq(a.as_str()));
    }
    if let Some(t) = &f.target_org_id {
        q = q.filter(C::TargetOrgId.eq(t.as_str()));
    }
    keyset(c, q, C::Id, cursor, limit, Order::Desc, |r| r.id.clone()).await
}
