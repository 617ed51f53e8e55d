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

/// An id for something that is not a row but is named within one: base64url of
/// `Type:uuid:key` (e.g. a computed deadline: its asset and its act).
pub fn encode_keyed(type_name: &str, id: Uuid, key: &str) -> ID {
    ID(URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}:{key}")))
}

/// The UUID and key inside an [`encode_keyed`] id that must name a `type_name`.
pub fn decode_keyed_as(field: &str, type_name: &str, id: &ID) -> AppResult<(Uuid, String)> {
    let bad = || AppError::bad_input(field, format!("not the id of a {type_name}"));
    let raw = URL_SAFE_NO_PAD
        .decode(id.as_str())
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .ok_or_else(bad)?;
    let mut parts = raw.splitn(3, ':');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(ty), Some(uuid), Some(key)) if ty == type_name && !key.is_empty() => {
            Ok((Uuid::parse_str(uuid).map_err(|_| bad())?, key.to_owned()))
        }
        _ => Err(bad()),
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

    #[test]
    fn keyed_ids_round_trip_and_check_their_type() {
        let uuid = Uuid::now_v7();
        let id = encode_keyed("IpDeadline", uuid, "ANNUITY.CN.5");
        assert_eq!(
            decode_keyed_as("deadlineId", "IpDeadline", &id).unwrap(),
            (uuid, "ANNUITY.CN.5".to_owned())
        );
        assert!(decode_keyed_as("deadlineId", "IpAsset", &id).is_err());
        assert!(decode_keyed_as("deadlineId", "IpDeadline", &encode("IpDeadline", uuid)).is_err());
        assert!(decode_keyed_as("deadlineId", "IpDeadline", &ID("%%%".into())).is_err());
    }
}
