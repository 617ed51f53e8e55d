//! An institution's income-distribution policy (see `service::ip_costs` and
//! `service::net_income`): public, like its inventor share; set by its institution admins.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject, dataloader::Loader};
use entity::{enums::DistributionPolicy, institution};
use uuid::Uuid;

use crate::graphql::{
    ids,
    institution::Institution,
    loaders::{LoaderContext, NewLoader},
    request,
};
use crate::{error::AppError, payload, service::ip_costs as service};

/// How an institution distributes the income of its technologies.
#[derive(SimpleObject)]
pub struct IncomeDistributionPolicy {
    /// `GROSS` (the default): the whole income is distributed. `NET_OF_UNREIMBURSED_COSTS`: the
    /// technology's unreimbursed IP costs in the income's currency are recovered first, carried
    /// forward until they are.
    pub policy: DistributionPolicy,
    /// Whether `EQUITY` income is distributed as shares of the equity received (no costs are
    /// recovered from it) rather than as cash.
    pub equity_as_shares: bool,
}

impl From<service::Policy> for IncomeDistributionPolicy {
    fn from(p: service::Policy) -> Self {
        IncomeDistributionPolicy {
            policy: p.policy,
            equity_as_shares: p.equity_as_shares,
        }
    }
}

/// Distribution policies by institution id, batched across a request.
pub struct DistributionPolicies(LoaderContext);

impl NewLoader for DistributionPolicies {
    fn new(ctx: &LoaderContext) -> Self {
        DistributionPolicies(ctx.clone())
    }
}

impl Loader<Uuid> for DistributionPolicies {
    type Value = service::Policy;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, Self::Value>, Self::Error> {
        let found = service::policies(&self.0.db, keys.iter().copied())
            .await
            .map_err(Arc::new)?;
        Ok(keys
            .iter()
            .map(|k| (*k, found.get(k).copied().unwrap_or_default()))
            .collect())
    }
}

/// `Institution.distributionPolicy`.
pub async fn of(ctx: &Context<'_>, institution: Uuid) -> Result<IncomeDistributionPolicy> {
    Ok(request(ctx)
        .loaders
        .get::<DistributionPolicies>()
        .load_one(institution)
        .await
        .map_err(|e| AppError::from_shared(&e))?
        .unwrap_or_default()
        .into())
}

/// Sets how an institution distributes income.
#[derive(InputObject)]
pub struct SetDistributionPolicyInput {
    /// The institution (the viewer's own unless a center admin names another).
    pub institution_id: Option<ID>,
    /// `GROSS` or `NET_OF_UNREIMBURSED_COSTS`.
    pub policy: DistributionPolicy,
    /// Distribute `EQUITY` income as shares of the equity received, not as cash.
    #[graphql(default)]
    pub equity_as_shares: bool,
}

payload!(
    /// Result of `setDistributionPolicy`.
    SetDistributionPolicyPayload, institution: Institution, institution::Entity
);

#[derive(Default)]
pub struct DistributionPolicyMutation;

#[Object]
impl DistributionPolicyMutation {
    /// Sets an institution's income-distribution policy: its institution admins and center
    /// admins. Every income distribution of its technologies follows the policy in force (like
    /// its inventor share, it is not frozen per income).
    async fn set_distribution_policy(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetDistributionPolicyInput,
    ) -> Result<SetDistributionPolicyPayload> {
        let req = request(ctx);
        let institution = match &input.institution_id {
            Some(id) => ids::decode_as("institutionId", "Institution", id)?,
            None => req
                .principal
                .institution_id()
                .ok_or_else(|| AppError::bad_input("institutionId", "name the institution"))?,
        };
        service::set_policy(
            &req.db,
            &req.principal,
            institution,
            service::Policy {
                policy: input.policy,
                equity_as_shares: input.equity_as_shares,
            },
        )
        .await?;
        Ok(SetDistributionPolicyPayload::of(institution))
    }
}
