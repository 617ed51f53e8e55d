//! Cooperation agreements between member institutions.

pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object, Result};
use entity::{
    agreement, agreement_party,
    enums::{AgreementKind, AgreementStatus},
    institution,
};
use uuid::Uuid;

use crate::graphql::{
    connection::{self, Ordering, Page, PageArgs},
    ids,
    institution::Institution,
    request,
    scalars::{Date, Timestamp},
};
use crate::{error::AppResult, has_many};

has_many!(
    PartiesOf,
    agreement_party::Entity,
    agreement_party::Column::AgreementId
);
has_many!(
    AgreementsOf,
    agreement_party::Entity,
    agreement_party::Column::InstitutionId
);

/// A cooperation agreement (MoU, framework, research collaboration, exchange).
pub struct Agreement(pub agreement::Model);

impl From<agreement::Model> for Agreement {
    fn from(m: agreement::Model) -> Self {
        Agreement(m)
    }
}

/// A cooperation agreement between institutions. Signed agreements are known to the
/// consortium's members; drafts to their parties only.
#[Object]
impl Agreement {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Agreement", self.0.id)
    }
    /// The agreement's title.
    async fn title(&self) -> &str {
        &self.0.title
    }
    /// MoU, framework, research collaboration or exchange.
    async fn kind(&self) -> AgreementKind {
        self.0.kind
    }
    /// DRAFT → ACTIVE | TERMINATED; ACTIVE → EXPIRED | TERMINATED.
    async fn status(&self) -> AgreementStatus {
        self.0.status
    }
    /// What the parties agreed on.
    async fn summary(&self) -> Option<&str> {
        self.0.summary.as_deref()
    }
    /// When it was signed (for a draft: when it is to be signed).
    async fn signed_on(&self) -> Option<Date> {
        self.0.signed_on.map(Date)
    }
    /// When it expires (null: open-ended).
    async fn expires_on(&self) -> Option<Date> {
        self.0.expires_on.map(Date)
    }
    /// The institutions party to the agreement.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn parties(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start (after `after`); at most 100, 20 when neither `first` nor `last` is given."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return the items after this cursor (an edge's `cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end (before `before`); at most 100."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return the items before this cursor (an edge's `cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
    ) -> Result<Page<Institution>> {
        let loaders = &request(ctx).loaders;
        let ids: Vec<Uuid> = loaders
            .children::<PartiesOf>(self.0.id)
            .await?
            .iter()
            .map(|p| p.institution_id)
            .collect();
        let parties = loaders.many::<institution::Entity>(&ids).await?;
        Ok(connection::paginate_loaded(
            parties,
            Ordering::<institution::Entity>::by_id(),
            &PageArgs::new(first, after, last, before),
        )?)
    }
    /// When the agreement was recorded.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the agreement was last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// The agreements `institution` is a party to that the viewer may see, batched.
pub async fn agreements_of(
    ctx: &Context<'_>,
    institution: Uuid,
    args: PageArgs,
) -> AppResult<Page<Agreement>> {
    let loaders = &request(ctx).loaders;
    let ids: Vec<Uuid> = loaders
        .children::<AgreementsOf>(institution)
        .await?
        .iter()
        .map(|p| p.agreement_id)
        .collect();
    let agreements = loaders.many::<agreement::Entity>(&ids).await?;
    connection::paginate_loaded(agreements, Ordering::<agreement::Entity>::by_id(), &args)
}
