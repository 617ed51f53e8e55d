//! People: researchers, inventors, founders and trainees.

use async_graphql::{Context, ID, Object, Result};
use chrono::{DateTime, Utc};
use entity::{institution, person};

use super::{ids, institution::Institution, request, scalars::string_list};
use crate::policy;

/// A researcher, inventor, founder or trainee at a partner institution.
pub struct Person(pub person::Model);

impl From<person::Model> for Person {
    fn from(m: person::Model) -> Self {
        Person(m)
    }
}

#[Object]
impl Person {
    /// Global id (`Node`).
    pub async fn id(&self) -> ID {
        ids::encode("Person", self.0.id)
    }
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
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
    /// Optimistic-concurrency version; pass it back as `expectedVersion` when updating.
    async fn version(&self) -> i32 {
        self.0.version
    }
}
