//! The `Node` interface and the root `node`/`nodes` fields: any object by its global id.

use async_graphql::{Context, ID, Interface, Object, Result};
use entity::{institution, person, technology, user};
use futures_util::future::try_join_all;

use super::{
    ids, institution::Institution, person::Person, request, technology::Technology, user::User,
};
use crate::error::AppResult;

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id, opaque to clients."))]
pub enum Node {
    Institution(Institution),
    Person(Person),
    Technology(Technology),
    User(User),
}

async fn load(ctx: &Context<'_>, id: &ID) -> AppResult<Option<Node>> {
    let Some((ty, uuid)) = ids::decode(id) else {
        return Ok(None);
    };
    let loaders = &request(ctx).loaders;
    Ok(match ty.as_str() {
        "Institution" => loaders
            .one::<institution::Entity>(uuid)
            .await?
            .map(|m| Node::Institution(m.into())),
        "Technology" => loaders
            .one::<technology::Entity>(uuid)
            .await?
            .map(|m| Node::Technology(m.into())),
        "Person" => loaders
            .one::<person::Entity>(uuid)
            .await?
            .map(|m| Node::Person(m.into())),
        "User" => loaders
            .one::<user::Entity>(uuid)
            .await?
            .map(|m| Node::User(m.into())),
        _ => None,
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when it does not exist or the viewer may not see it.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        Ok(load(ctx, &id).await?)
    }

    /// Objects by global ids, in the order given; null for each one the viewer may not see.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_items = 100))] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        Ok(try_join_all(ids.iter().map(|id| load(ctx, id))).await?)
    }
}
