//! Who is asking: the [`Principal`] of a request, and how it is established from the
//! `Authorization` header (access JWTs; API tokens).

pub mod api_token;
mod authenticator;
pub mod client_address;
pub mod jwt;
pub mod login_limits;
pub mod password;
pub mod password_slots;
mod principal;
pub mod scope;
pub mod state_cache;
pub mod throttle;

pub use authenticator::{Authenticated, Authenticator, Lookup, bearer_from_headers, parse_bearer};
pub use principal::{Principal, PrincipalInstitution, PrincipalKind};
