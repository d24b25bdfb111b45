//! `docs/ROLES.md`: the role × action table, generated from [`crate::policy::role_allows`] so
//! that the documentation cannot drift from the code. A test compares the file with this
//! output; `KEIRO_UPDATE_DOCS=1 cargo test -p keiro-domain` rewrites it.

use crate::{Action, OrgKind, Role, policy::role_allows};

pub fn markdown() -> String {
    let mut s = String::from(
        "# Roles and what they allow\n\n\
         Generated from `keiro-domain/src/policy.rs` by `roles_doc.rs`; do not edit by hand\n\
         (`KEIRO_UPDATE_DOCS=1 cargo test -p keiro-domain` regenerates it, and a test fails when it is stale).\n\n\
         Each table is a role's rights inside its own organization. Across organizations a partner user\n\
         acts only through rights rows the other organization granted (delegated admin: full = that\n\
         customer's global admin, limited = its password admin; GDAP: the roles assigned to the user's\n\
         security groups); operator staff never act as a customer admin. A refusal inside one's own\n\
         organization is 403 with the roles that would allow it; another organization's resource is 404.\n\n\
         Acting on another user adds one rule (`may_act_on_user`): only a global admin acts on a global\n\
         admin or grants that role; a user management admin manages every other user; a password admin\n\
         resets passwords only of users without an admin role. The last active global admin of an\n\
         organization cannot be demoted, deactivated or deleted.\n",
    );
    for kind in [OrgKind::Partner, OrgKind::Customer, OrgKind::Operator] {
        let roles = Role::catalog(kind);
        s.push_str(&format!("\n## {} organizations\n\n| action |", kind.code()));
        for r in roles {
            s.push_str(&format!(" {} |", r.code()));
        }
        s.push_str("\n|---|");
        for _ in roles {
            s.push_str("---|");
        }
        s.push('\n');
        for a in Action::ALL {
            s.push_str(&format!("| {} |", a.code()));
            for r in roles {
                s.push_str(if role_allows(kind, *r, a) {
                    " ✓ |"
                } else {
                    " |"
                });
            }
            s.push('\n');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    #[test]
    fn r_usr_3_roles_doc_is_current() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/ROLES.md");
        let want = super::markdown();
        if std::env::var("KEIRO_UPDATE_DOCS").is_ok() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            have == want,
            "docs/ROLES.md is stale: run KEIRO_UPDATE_DOCS=1 cargo test -p keiro-domain"
        );
    }
}
