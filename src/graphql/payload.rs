//! Mutation payloads. A payload carries the id of what changed and resolves it through the
//! access policy, so it shows exactly what a query would (null when the viewer may not see it).
//!
//! A create's payload carries the new row as well, read through the policy inside the
//! transaction that wrote it (`service::txn::Written`): once the commit has succeeded, the answer
//! needs the database no more, so a committed create is never reported as a failure (which
//! would make a retrying client create it twice).

/// Declares a payload type whose one field loads a `$entity` row by id through the policy.
#[macro_export]
macro_rules! payload {
    ($(#[$doc:meta])* $name:ident, $field:ident: $ty:ty, $entity:ty) => {
        $(#[$doc])*
        pub struct $name {
            pub id: uuid::Uuid,
            /// The row as read before the commit, when the mutation read it there.
            written: Option<Option<<$entity as sea_orm::EntityTrait>::Model>>,
        }

        impl $name {
            /// A payload that loads the record after the change.
            pub fn of(id: uuid::Uuid) -> Self {
                $name { id, written: None }
            }
        }

        impl From<$crate::service::txn::Written<<$entity as sea_orm::EntityTrait>::Model>> for $name {
            fn from(w: $crate::service::txn::Written<<$entity as sea_orm::EntityTrait>::Model>) -> Self {
                $name { id: w.id, written: Some(w.row) }
            }
        }

        $(#[$doc])*
        #[async_graphql::Object]
        impl $name {
            /// The record as the viewer sees it after the change.
            async fn $field(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Option<$ty>> {
                if let Some(row) = &self.written {
                    return Ok(row.clone().map(<$ty>::from));
                }
                Ok($crate::graphql::request(ctx).loaders.one::<$entity>(self.id).await?.map(<$ty>::from))
            }
        }
    };
}
