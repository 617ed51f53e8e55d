//! People: researchers, inventors, founders and trainees.

pub mod mutation;
pub mod query;

use async_graphql::{Context, ID, Object, Result};
use entity::{institution, person, technology_inventor, venture};

use crate::graphql::{
    connection::{self, Ordering, Page, PageArgs},
    ids,
    institution::Institution,
    request,
    scalars::{Timestamp, string_list},
    technology::TechnologyInventor,
    training::{Enrollment, EnrollmentsOfPerson},
    venture::{FoundedBy, Venture},
};
use crate::{has_many, policy};

has_many!(PeopleOf, person::Entity, person::Column::InstitutionId);
has_many!(
    InventionsOf,
    technology_inventor::Entity,
    technology_inventor::Column::PersonId
);

/// A researcher, inventor, founder or trainee at a partner institution.
pub struct Person(pub person::Model);

impl From<person::Model> for Person {
    fn from(m: person::Model) -> Self {
        Person(m)
    }
}

/// A researcher, inventor, founder or trainee at a partner institution. Names and institutions
/// are visible to member institutions; e-mail addresses to the person's own institution only.
#[Object]
impl Person {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id)
    }
    /// Full name, as the person writes it.
    async fn full_name(&self) -> &str {
        &self.0.full_name
    }
    /// Academic or professional title, e.g. `Professor`.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// E-mail address; only the person's own institution sees it.
    async fn email(&self, ctx: &Context<'_>) -> Option<&str> {
        if policy::may_see_person_email(&request(ctx).principal, &self.0) {
            self.0.email.as_deref()
        } else {
            None
        }
    }
    /// ORCID iD, e.g. `0000-0002-1825-0097`.
    async fn orcid(&self) -> Option<&str> {
        self.0.orcid.as_deref()
    }
    /// Fields of expertise.
    async fn expertise(&self) -> Vec<String> {
        string_list(&self.0.expertise)
    }
    /// The person's institution.
    async fn institution(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.institution_id)
            .await?
            .map(Institution))
    }
    /// The technologies this person is an inventor of (that the viewer may see), with shares.
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn inventions(
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
    ) -> Result<Page<TechnologyInventor>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<InventionsOf, _>(ctx, self.0.id, args).await?)
    }
    /// The person's enrollments in training programs (their institution and the host see them).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn enrollments(
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
    ) -> Result<Page<Enrollment>> {
        let args = PageArgs::new(first, after, last, before);
        Ok(connection::children_page::<EnrollmentsOfPerson, _>(ctx, self.0.id, args).await?)
    }
    /// The ventures this person founded (that the viewer may see).
    #[graphql(complexity = "connection::complexity(first, last, child_complexity)")]
    async fn ventures(
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
    ) -> Result<Page<Venture>> {
        let loaders = &request(ctx).loaders;
        let founded = loaders.children::<FoundedBy>(self.0.id).await?;
        let ids: Vec<_> = founded.iter().map(|f| f.venture_id).collect();
        let ventures = loaders.many::<venture::Entity>(&ids).await?;
        Ok(connection::paginate_loaded(
            ventures,
            Ordering::<venture::Entity>::by_id(),
            &PageArgs::new(first, after, last, before),
        )?)
    }
    /// When the person was recorded.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// When the person was last changed.
    async fn updated_at(&self) -> Timestamp {
        Timestamp(self.0.updated_at)
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
