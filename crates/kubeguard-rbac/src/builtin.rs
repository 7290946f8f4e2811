//! Kubernetes' bootstrap roles (the ClusterRoles `cluster-admin`, `admin`, `edit`, `view`,
//! `system:*`, and the Roles of kube-system and kube-public), which every cluster has without
//! any manifest creating them.

use std::sync::LazyLock;

use kubeguard_model::Object;

/// The display path of the built-in roles' text (locations of built-in rules point into it).
pub const BUILTIN_PATH: &str = "<kubernetes bootstrap roles>";

/// The text of the built-in roles.
pub const BUILTIN_ROLES_YAML: &str = include_str!("../builtin/bootstrap-roles.yaml");

static BUILTIN: LazyLock<Vec<Object>> =
    LazyLock::new(|| Object::parse_all(BUILTIN_PATH, BUILTIN_ROLES_YAML).0);

/// The built-in roles, parsed once.
pub fn builtin_roles() -> &'static [Object] {
    &BUILTIN
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn built_in_roles_parse() {
        let (objects, errors) = Object::parse_all(BUILTIN_PATH, BUILTIN_ROLES_YAML);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(objects.len(), builtin_roles().len());
        assert!(
            objects
                .iter()
                .all(|o| o.kind == "ClusterRole" || o.namespace.is_some())
        );
        for name in [
            "cluster-admin",
            "admin",
            "edit",
            "view",
            "system:basic-user",
            "extension-apiserver-authentication-reader",
        ] {
            assert!(objects.iter().any(|o| o.name == name), "{name}");
        }
    }
}
