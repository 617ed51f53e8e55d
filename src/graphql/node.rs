//! The `Node` interface and the root `node`/`nodes` fields: any object by its global id.

use async_graphql::{Context, ID, Interface, Object, Result};
use entity::{
    agreement, api_token, audit_event, deal, enrollment, external_organization, income,
    institution, ip_asset, ip_change, person, royalty_report, technology, training_program, user,
    venture, webhook,
};
use futures_util::future::try_join_all;

use crate::error::AppResult;
use crate::graphql::{
    account::audit::AuditEvent,
    account::token::ApiToken,
    account::user::User,
    agreement::Agreement,
    deal::Deal,
    deal::royalty::{Income, RoyaltyReport},
    ids,
    institution::Institution,
    ip::{IpAsset, change::IpChange},
    licensee::Licensee,
    person::Person,
    request,
    technology::Technology,
    training::{Enrollment, TrainingProgram},
    venture::Venture,
    webhook::Webhook,
};

/// An object with a global id.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id, opaque to clients."))]
pub enum Node {
    Agreement(Agreement),
    ApiToken(ApiToken),
    AuditEvent(AuditEvent),
    Deal(Deal),
    Enrollment(Enrollment),
    Institution(Institution),
    Income(Income),
    IpAsset(IpAsset),
    Licensee(Licensee),
    IpChange(IpChange),
    Person(Person),
    RoyaltyReport(RoyaltyReport),
    Technology(Technology),
    TrainingProgram(TrainingProgram),
    User(User),
    Venture(Venture),
    Webhook(Webhook),
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
        "Agreement" => loaders
            .one::<agreement::Entity>(uuid)
            .await?
            .map(|m| Node::Agreement(m.into())),
        "Deal" => loaders
            .one::<deal::Entity>(uuid)
            .await?
            .map(|m| Node::Deal(m.into())),
        "Enrollment" => loaders
            .one::<enrollment::Entity>(uuid)
            .await?
            .map(|m| Node::Enrollment(m.into())),
        "Income" => loaders
            .one::<income::Entity>(uuid)
            .await?
            .map(|m| Node::Income(m.into())),
        "RoyaltyReport" => loaders
            .one::<royalty_report::Entity>(uuid)
            .await?
            .map(|m| Node::RoyaltyReport(m.into())),
        "IpAsset" => loaders
            .one::<ip_asset::Entity>(uuid)
            .await?
            .map(|m| Node::IpAsset(m.into())),
        "IpChange" => loaders
            .one::<ip_change::Entity>(uuid)
            .await?
            .map(|m| Node::IpChange(m.into())),
        "TrainingProgram" => loaders
            .one::<training_program::Entity>(uuid)
            .await?
            .map(|m| Node::TrainingProgram(m.into())),
        "Venture" => loaders
            .one::<venture::Entity>(uuid)
            .await?
            .map(|m| Node::Venture(m.into())),
        "Person" => loaders
            .one::<person::Entity>(uuid)
            .await?
            .map(|m| Node::Person(m.into())),
        "User" => loaders
            .one::<user::Entity>(uuid)
            .await?
            .map(|m| Node::User(m.into())),
        "ApiToken" => loaders
            .one::<api_token::Entity>(uuid)
            .await?
            .map(|m| Node::ApiToken(m.into())),
        "Licensee" => loaders
            .one::<external_organization::Entity>(uuid)
            .await?
            .map(|m| Node::Licensee(m.into())),
        "AuditEvent" => loaders
            .one::<audit_event::Entity>(uuid)
            .await?
            .map(|m| Node::AuditEvent(m.into())),
        "Webhook" => loaders
            .one::<webhook::Entity>(uuid)
            .await?
            .map(|m| Node::Webhook(m.into())),
        _ => None,
    })
}

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Any object by its global id; null when it does not exist or the viewer may not see it.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The object's global id.")] id: ID,
    ) -> Result<Option<Node>> {
        Ok(load(ctx, &id).await?)
    }

    /// Objects by global ids, in the order given; null for each one the viewer may not see.
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(validator(max_items = 100), desc = "Up to 100 global ids.")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        Ok(try_join_all(ids.iter().map(|id| load(ctx, id))).await?)
    }
}
