//! Who is asking: RBAC subjects (`User`, `Group`, `ServiceAccount`) as the command line names
//! them, and the identity (user name and groups) the API server would authenticate them as.

use std::fmt;
use std::str::FromStr;

/// The group every authenticated request is in.
pub const AUTHENTICATED: &str = "system:authenticated";
/// The group of anonymous requests.
pub const UNAUTHENTICATED: &str = "system:unauthenticated";
/// The user name of anonymous requests.
pub const ANONYMOUS: &str = "system:anonymous";
/// The group of every ServiceAccount.
pub const SERVICE_ACCOUNTS: &str = "system:serviceaccounts";
/// The prefix of ServiceAccount user names (`system:serviceaccount:<ns>:<name>`).
pub const SERVICE_ACCOUNT_USER_PREFIX: &str = "system:serviceaccount:";

/// A subject: what a binding's `subjects` entry names, and what a query asks about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Subject {
    /// A user name.
    User(String),
    /// A group name.
    Group(String),
    /// A ServiceAccount.
    ServiceAccount {
        /// Its namespace.
        namespace: String,
        /// Its name.
        name: String,
    },
}

/// Why a subject could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseSubjectError(pub String);

impl fmt::Display for ParseSubjectError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ParseSubjectError {}

impl Subject {
    /// `User`, `Group` or `ServiceAccount`.
    pub fn kind(&self) -> &'static str {
        match self {
            Subject::User(_) => "User",
            Subject::Group(_) => "Group",
            Subject::ServiceAccount { .. } => "ServiceAccount",
        }
    }

    /// The name (of the user, group or ServiceAccount).
    pub fn name(&self) -> &str {
        match self {
            Subject::User(n) | Subject::Group(n) => n,
            Subject::ServiceAccount { name, .. } => name,
        }
    }

    /// The namespace of a ServiceAccount.
    pub fn namespace(&self) -> Option<&str> {
        match self {
            Subject::ServiceAccount { namespace, .. } => Some(namespace),
            _ => None,
        }
    }

    /// Parses `user:NAME`, `group:NAME`, `serviceaccount:NS:NAME` (also `sa:NS:NAME`) and the
    /// ServiceAccount user name `system:serviceaccount:NS:NAME`. The prefixes are
    /// case-insensitive; names may contain colons (`user:system:kube-proxy`). A user whose
    /// name is a ServiceAccount user name is that ServiceAccount, as the API server treats it.
    pub fn parse(text: &str) -> Result<Subject, ParseSubjectError> {
        let text = text.trim();
        let (prefix, rest) = text.split_once(':').ok_or_else(|| {
            ParseSubjectError(format!(
                "invalid subject `{text}`: expected user:NAME, group:NAME or serviceaccount:NAMESPACE:NAME"
            ))
        })?;
        let nonempty = |what: &str, s: &str| {
            if s.is_empty() {
                Err(ParseSubjectError(format!(
                    "invalid subject `{text}`: the {what} is empty"
                )))
            } else {
                Ok(s.to_string())
            }
        };
        let service_account = |rest: &str| {
            let (ns, name) = rest.split_once(':').ok_or_else(|| {
                ParseSubjectError(format!(
                    "invalid subject `{text}`: expected serviceaccount:NAMESPACE:NAME"
                ))
            })?;
            Ok(Subject::ServiceAccount {
                namespace: nonempty("namespace", ns)?,
                name: nonempty("name", name)?,
            })
        };
        match prefix.to_ascii_lowercase().as_str() {
            "user" => {
                let name = nonempty("user name", rest)?;
                match name.strip_prefix(SERVICE_ACCOUNT_USER_PREFIX) {
                    Some(sa) => service_account(sa),
                    None => Ok(Subject::User(name)),
                }
            }
            "group" => Ok(Subject::Group(nonempty("group name", rest)?)),
            "serviceaccount" | "sa" => service_account(rest),
            "system" => match text.strip_prefix(SERVICE_ACCOUNT_USER_PREFIX) {
                Some(sa) => service_account(sa),
                None => Err(ParseSubjectError(format!(
                    "invalid subject `{text}`: write user:{text} for a user or group:{text} for a group"
                ))),
            },
            other => Err(ParseSubjectError(format!(
                "invalid subject `{text}`: unknown kind `{other}` (expected user, group or serviceaccount)"
            ))),
        }
    }

    /// The identity the API server authenticates this subject as: a ServiceAccount is user
    /// `system:serviceaccount:NS:NAME` in groups `system:serviceaccounts`,
    /// `system:serviceaccounts:NS` and `system:authenticated`; a user is in
    /// `system:authenticated` (`system:anonymous` in `system:unauthenticated` instead); a group
    /// stands for a member of that group only (no user name, no other group).
    pub fn identity(&self) -> Identity {
        match self {
            Subject::User(name) => Identity {
                user: Some(name.clone()),
                groups: vec![if name == ANONYMOUS {
                    UNAUTHENTICATED.to_string()
                } else {
                    AUTHENTICATED.to_string()
                }],
            },
            Subject::Group(name) => Identity {
                user: None,
                groups: vec![name.clone()],
            },
            Subject::ServiceAccount { namespace, name } => Identity {
                user: Some(service_account_user(namespace, name)),
                groups: vec![
                    SERVICE_ACCOUNTS.to_string(),
                    format!("{SERVICE_ACCOUNTS}:{namespace}"),
                    AUTHENTICATED.to_string(),
                ],
            },
        }
    }
}

impl fmt::Display for Subject {
    /// `User alice`, `Group dev`, `ServiceAccount ns/name`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Subject::User(n) => write!(f, "User {n}"),
            Subject::Group(n) => write!(f, "Group {n}"),
            Subject::ServiceAccount { namespace, name } => {
                write!(f, "ServiceAccount {namespace}/{name}")
            }
        }
    }
}

impl FromStr for Subject {
    type Err = ParseSubjectError;
    fn from_str(s: &str) -> Result<Subject, ParseSubjectError> {
        Subject::parse(s)
    }
}

/// The user name of a ServiceAccount: `system:serviceaccount:<ns>:<name>`.
pub fn service_account_user(namespace: &str, name: &str) -> String {
    format!("{SERVICE_ACCOUNT_USER_PREFIX}{namespace}:{name}")
}

/// An authenticated identity as the RBAC authorizer sees it: a user name (none for a bare group
/// query) and groups.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Identity {
    /// The user name.
    pub user: Option<String>,
    /// The groups, implicit ones included.
    pub groups: Vec<String>,
}

impl Identity {
    /// Whether the identity is in `group`.
    pub fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    /// The identity with more groups (duplicates are not added).
    pub fn with_groups<I, S>(mut self, groups: I) -> Identity
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        for g in groups {
            let g = g.into();
            if !self.in_group(&g) {
                self.groups.push(g);
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sa(ns: &str, name: &str) -> Subject {
        Subject::ServiceAccount {
            namespace: ns.into(),
            name: name.into(),
        }
    }

    #[test]
    fn parses_every_form() {
        assert_eq!(
            Subject::parse("user:alice"),
            Ok(Subject::User("alice".into()))
        );
        assert_eq!(
            Subject::parse("User:system:kube-proxy"),
            Ok(Subject::User("system:kube-proxy".into()))
        );
        assert_eq!(
            Subject::parse("group:dev"),
            Ok(Subject::Group("dev".into()))
        );
        assert_eq!(
            Subject::parse("group:system:serviceaccounts:shop"),
            Ok(Subject::Group("system:serviceaccounts:shop".into()))
        );
        assert_eq!(
            Subject::parse("serviceaccount:shop:web"),
            Ok(sa("shop", "web"))
        );
        assert_eq!(Subject::parse("sa:shop:web"), Ok(sa("shop", "web")));
        assert_eq!(
            Subject::parse("system:serviceaccount:shop:web"),
            Ok(sa("shop", "web"))
        );
        assert_eq!(
            Subject::parse("user:system:serviceaccount:shop:web"),
            Ok(sa("shop", "web"))
        );
        for bad in [
            "alice",
            "user:",
            "group:",
            "serviceaccount:shop",
            "serviceaccount::web",
            "serviceaccount:shop:",
            "robot:x",
            "system:masters",
        ] {
            assert!(Subject::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(sa("shop", "web").to_string(), "ServiceAccount shop/web");
        assert_eq!(
            "group:dev".parse::<Subject>().map(|s| s.to_string()),
            Ok("Group dev".into())
        );
    }

    #[test]
    fn implicit_groups() {
        let id = sa("shop", "web").identity();
        assert_eq!(id.user.as_deref(), Some("system:serviceaccount:shop:web"));
        assert_eq!(
            id.groups,
            [
                "system:serviceaccounts",
                "system:serviceaccounts:shop",
                "system:authenticated"
            ]
        );
        let alice = Subject::User("alice".into()).identity();
        assert_eq!(alice.groups, ["system:authenticated"]);
        let anonymous = Subject::User(ANONYMOUS.into()).identity();
        assert_eq!(anonymous.groups, ["system:unauthenticated"]);
        let dev = Subject::Group("dev".into()).identity();
        assert_eq!((dev.user, dev.groups), (None, vec!["dev".to_string()]));
        let more = alice.with_groups(["dev", "system:authenticated"]);
        assert_eq!(more.groups, ["system:authenticated", "dev"]);
        assert!(more.in_group("dev"));
    }
}
