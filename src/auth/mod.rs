//! Who is asking: the [`Principal`] of a request, and how it is established from the
//! `Authorization` header (access JWTs; API tokens).

pub mod api_token;
mod authenticator;
pub mod jwt;
pub mod password;
mod principal;
pub mod scope;
pub mod throttle;

pub use authenticator::{Authenticated, Authenticator, Lookup, bearer_from_headers, parse_bearer};
pub use principal::{Principal, PrincipalInstitution, PrincipalKind};
