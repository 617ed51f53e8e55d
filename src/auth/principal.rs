use async_graphql::Enum;
use entity::enums::{Membership, Region, Role};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// How the request authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Enum)]
pub enum PrincipalKind {
    /// No credentials were sent.
    Anonymous,
    /// An access JWT (from `login`, an external identity provider or `biobridge token`).
    User,
    /// A partner system's API token.
    ApiToken,
}

/// The viewer's institution, as far as access decisions need it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PrincipalInstitution {
    pub id: Uuid,
    pub membership: Membership,
    pub region: Region,
}

/// The subject of a request. Access decisions are made from this alone (see `policy`), so two
/// equal principals see the same rows (the loaders' statement cache relies on it).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Principal {
    pub kind: PrincipalKind,
    /// The user behind the request, when the subject is a BioBridge user.
    pub user_id: Option<Uuid>,
    /// The API token behind the request.
    pub api_token_id: Option<Uuid>,
    pub institution: Option<PrincipalInstitution>,
    /// For a licensee's user or API token (role `LICENSEE`): the external organisation it acts
    /// for. Such a principal has no institution.
    pub licensee_of: Option<Uuid>,
    pub role: Option<Role>,
    /// For API tokens: what the token may do. Empty for users (their role decides).
    pub scopes: Vec<String>,
}

impl Principal {
    pub fn anonymous() -> Self {
        Principal {
            kind: PrincipalKind::Anonymous,
            user_id: None,
            api_token_id: None,
            institution: None,
            licensee_of: None,
            role: None,
            scopes: Vec::new(),
        }
    }

    pub fn is_center_admin(&self) -> bool {
        self.role == Some(Role::CenterAdmin)
    }

    pub fn is_analyst(&self) -> bool {
        self.role == Some(Role::Analyst)
    }

    /// The external organisation of a licensee's account or API token.
    pub fn licensee(&self) -> Option<Uuid> {
        if self.role == Some(Role::Licensee) {
            self.licensee_of
        } else {
            None
        }
    }

    pub fn institution_id(&self) -> Option<Uuid> {
        self.institution.as_ref().map(|i| i.id)
    }

    /// Whether the viewer's institution is a full member of the consortium (sees CONSORTIUM data).
    pub fn is_consortium_member(&self) -> bool {
        self.institution
            .as_ref()
            .is_some_and(|i| i.membership == Membership::Member)
    }

    /// The institution whose own confidential records the viewer may read. Analysts read
    /// aggregates and PUBLIC/CONSORTIUM records only, whatever their institution.
    pub fn confidential_reader_of(&self) -> Option<Uuid> {
        if self.is_analyst() {
            None
        } else {
            self.institution_id()
        }
    }

    /// API tokens are limited to their scopes; users are limited by their role only.
    pub fn has_scope(&self, scope: &str) -> bool {
        self.kind != PrincipalKind::ApiToken || self.scopes.iter().any(|s| s == scope)
    }

    /// Accounts, API tokens and the audit trail are for people: no API-token scope reaches them.
    pub fn forbid_api_token(&self) -> AppResult<()> {
        if self.kind == PrincipalKind::ApiToken {
            Err(AppError::Forbidden(
                "API tokens cannot use accounts, API tokens or the audit trail".into(),
            ))
        } else {
            Ok(())
        }
    }

    pub fn require_scope(&self, scope: &str) -> AppResult<()> {
        if self.has_scope(scope) {
            Ok(())
        } else {
            Err(AppError::Forbidden(format!(
                "this API token lacks the `{scope}` scope"
            )))
        }
    }
}
