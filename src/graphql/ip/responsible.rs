//! The person responsible for an IP asset's docket: `IpAsset.responsible` (batched) and
//! `setIpAssetResponsible`.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, InputObject, Object, Result, dataloader::Loader};
use entity::{institution, ip_asset};
use uuid::Uuid;

use crate::graphql::{
    ids,
    institution::Institution,
    ip::IpAsset,
    loaders::{LoaderContext, NewLoader},
    request,
};
use crate::{
    error::AppError,
    service::ip::responsible::{self as service, Responsible},
};

/// The responsible users of a batch of assets (three statements per batch). The resolver
/// decides who may see them.
pub struct ResponsibleLoader(LoaderContext);

impl NewLoader for ResponsibleLoader {
    fn new(ctx: &LoaderContext) -> Self {
        ResponsibleLoader(ctx.clone())
    }
}

impl Loader<Uuid> for ResponsibleLoader {
    type Value = Responsible;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Responsible>, Self::Error> {
        service::for_assets(&self.0.db, keys)
            .await
            .map_err(Arc::new)
    }
}

/// Loads the responsible person of `asset`.
pub async fn of(ctx: &Context<'_>, asset: Uuid) -> Result<Option<ResponsiblePerson>> {
    Ok(request(ctx)
        .loaders
        .get::<ResponsibleLoader>()
        .load_one(asset)
        .await
        .map_err(|e| AppError::from_shared(&e))?
        .map(ResponsiblePerson))
}

/// Who answers for an IP asset's deadlines (and receives its reminders).
pub struct ResponsiblePerson(Responsible);

/// Who answers for an IP asset's deadlines (and receives its reminders).
#[Object]
impl ResponsiblePerson {
    /// The user's name.
    async fn display_name(&self) -> &str {
        &self.0.user.display_name
    }
    /// The user's e-mail address.
    async fn email(&self) -> &str {
        &self.0.user.email
    }
    /// The user's institution.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        let Some(id) = self.0.user.institution_id else {
            return Ok(None);
        };
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(id)
            .await?
            .map(Institution))
    }
    /// True when someone chose this user (`setIpAssetResponsible`); false for the default, the
    /// IP administrator (oldest active INSTITUTION_ADMIN) of the asset's principal owner.
    async fn assigned(&self) -> bool {
        self.0.assigned
    }
}

/// Chooses who is responsible for an IP asset's docket.
#[derive(InputObject)]
pub struct SetIpAssetResponsibleInput {
    /// The asset.
    pub ip_asset_id: ID,
    /// An active user of one of the asset's co-owners; null returns to the default (the
    /// principal owner's IP administrator).
    pub user_id: Option<ID>,
}

crate::payload!(
    /// Result of `setIpAssetResponsible`.
    SetIpAssetResponsiblePayload, ip_asset: IpAsset, ip_asset::Entity
);

#[derive(Default)]
pub struct ResponsibleMutation;

#[Object]
impl ResponsibleMutation {
    /// Makes a user responsible for an IP asset's docket, or returns it to the default. The
    /// asset's co-owners (and center admins) only.
    async fn set_ip_asset_responsible(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetIpAssetResponsibleInput,
    ) -> Result<SetIpAssetResponsiblePayload> {
        let req = request(ctx);
        let asset = ids::decode_as("ipAssetId", "IpAsset", &input.ip_asset_id)?;
        let user = input
            .user_id
            .as_ref()
            .map(|u| ids::decode_as("userId", "User", u))
            .transpose()?;
        service::set_responsible(&req.db, &req.principal, asset, user).await?;
        Ok(SetIpAssetResponsiblePayload::of(asset))
    }
}
