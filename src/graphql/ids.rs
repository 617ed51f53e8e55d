//! Opaque global ids for the `Node` interface: base64url of `Type:uuid`.

use async_graphql::ID;
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use uuid::Uuid;

use crate::error::{AppError, AppResult};

pub fn encode(type_name: &str, id: Uuid) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}")))
}

/// The type name and UUID inside a global id, if it is one.
pub fn decode(id: &str) -> Option<(String, Uuid)> {
    let raw = String::from_utf8(URL_SAFE_NO_PAD.decode(id).ok()?).ok()?;
    let (ty, uuid) = raw.split_once(':')?;
    Some((ty.to_owned(), Uuid::parse_str(uuid).ok()?))
}

/// The UUID of a global id that must name a `type_name`; `field` is reported on error.
pub fn decode_as(field: &str, type_name: &str, id: &ID) -> AppResult<Uuid> {
    match decode(id) {
        Some((ty, uuid)) if ty == type_name => Ok(uuid),
        _ => Err(AppError::bad_input(
            field,
            format!("not the id of a {type_name}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_type_check() {
        let uuid = Uuid::now_v7();
        let id = encode("Technology", uuid);
        assert_eq!(decode(&id), Some(("Technology".to_owned(), uuid)));
        assert_eq!(decode_as("id", "Technology", &id).unwrap(), uuid);
        assert!(decode_as("id", "Institution", &id).is_err());
        assert!(decode("%%%").is_none());
    }
}
