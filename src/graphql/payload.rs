//! Mutation payloads. A payload carries the id of what changed and resolves it through the
//! access policy, so it shows exactly what a query would (null when the viewer may not see it).

/// Declares a payload type whose one field loads a `$entity` row by id through the policy.
#[macro_export]
macro_rules! payload {
    ($(#[$doc:meta])* $name:ident, $field:ident: $ty:ty, $entity:ty) => {
        $(#[$doc])*
        pub struct $name {
            pub id: uuid::Uuid,
        }

        $(#[$doc])*
        #[async_graphql::Object]
        impl $name {
            /// The record as the viewer sees it after the change.
            async fn $field(&self, ctx: &async_graphql::Context<'_>) -> async_graphql::Result<Option<$ty>> {
                Ok($crate::graphql::request(ctx).loaders.one::<$entity>(self.id).await?.map(<$ty>::from))
            }
        }
    };
}
