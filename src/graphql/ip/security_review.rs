//! China's security review of a technology before it is filed abroad (see
//! `service::security_review`): the record on the technology, the mutation that records it, and
//! the loader that tells the docket where the review is still due.

use std::{collections::HashMap, sync::Arc};

use async_graphql::{Context, ID, InputObject, Object, Result, dataloader::Loader};
use entity::{security_review, technology};
use uuid::Uuid;

use crate::graphql::{
    ids,
    loaders::{LoaderContext, NewLoader},
    request,
    scalars::Date,
    technology::Technology,
};
use crate::{error::AppError, has_many, payload, service::security_review as service};

has_many!(
    SecurityReviewsOf,
    security_review::Entity,
    security_review::Column::TechnologyId
);

/// CNIPA's confidentiality examination of an invention made in China, which must precede any
/// filing abroad or as a PCT application (Patent Law art. 19).
pub struct SecurityReview(pub security_review::Model);

/// CNIPA's confidentiality examination of an invention made in China, which must precede any
/// filing abroad or as a PCT application (Patent Law art. 19).
#[Object]
impl SecurityReview {
    /// When CNIPA cleared the invention for filing abroad.
    async fn reviewed_on(&self) -> Date {
        Date(self.0.reviewed_on)
    }
    /// CNIPA's reference for the request or its decision.
    async fn reference(&self) -> Option<&str> {
        self.0.reference.as_deref()
    }
    /// Optimistic-concurrency version.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The review of a technology as its owner (or a center admin) sees it; null for others and
/// while none is recorded.
pub async fn of(ctx: &Context<'_>, technology: Uuid) -> Result<Option<SecurityReview>> {
    Ok(request(ctx)
        .loaders
        .children::<SecurityReviewsOf>(technology)
        .await?
        .into_iter()
        .next()
        .map(SecurityReview))
}

/// Whether the review of each technology is due in the viewer's docket (see
/// `service::security_review::pending`), batched across a request.
pub struct SecurityReviewsDue(LoaderContext);

impl NewLoader for SecurityReviewsDue {
    fn new(ctx: &LoaderContext) -> Self {
        SecurityReviewsDue(ctx.clone())
    }
}

impl Loader<Uuid> for SecurityReviewsDue {
    type Value = bool;
    type Error = Arc<AppError>;

    async fn load(&self, keys: &[Uuid]) -> Result<HashMap<Uuid, bool>, Self::Error> {
        let due = service::pending(&self.0.db, &self.0.principal, keys)
            .await
            .map_err(Arc::new)?;
        Ok(keys.iter().map(|k| (*k, due.contains(k))).collect())
    }
}

/// Records CNIPA's security review of a technology.
#[derive(InputObject)]
pub struct RecordSecurityReviewInput {
    /// The technology reviewed.
    pub technology_id: ID,
    /// When CNIPA cleared it for filing abroad (not in the future).
    pub reviewed_on: Date,
    /// CNIPA's reference for the request or its decision (at most 100 characters).
    pub reference: Option<String>,
}

payload!(
    /// Result of `recordSecurityReview`.
    RecordSecurityReviewPayload, technology: Technology, technology::Entity
);

#[derive(Default)]
pub struct SecurityReviewMutation;

#[Object]
impl SecurityReviewMutation {
    /// Records (or corrects) CNIPA's security review of a technology made in China (Patent Law
    /// art. 19), which its PCT application and its filings abroad need. The technology's owner
    /// institution only (`ip:write`).
    async fn record_security_review(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RecordSecurityReviewInput,
    ) -> Result<RecordSecurityReviewPayload> {
        let req = request(ctx);
        let id = ids::decode_as("technologyId", "Technology", &input.technology_id)?;
        service::record(
            &req.db,
            &req.principal,
            id,
            input.reviewed_on.0,
            input.reference,
        )
        .await?;
        Ok(RecordSecurityReviewPayload::of(id))
    }
}
