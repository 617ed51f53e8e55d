//! People mutations: record and edit researchers, inventors, founders and trainees.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::person;

use crate::graphql::{ids, person::Person, request};
use crate::{payload, service::people as service};

/// A new person.
#[derive(InputObject)]
pub struct CreatePersonInput {
    /// The person's institution; only a center admin may name another than their own.
    pub institution_id: Option<ID>,
    /// Full name, as the person writes it.
    pub full_name: String,
    /// E-mail address (only the person's own institution will see it).
    pub email: Option<String>,
    /// ORCID iD, e.g. `0000-0002-1825-0097`; the check digit is verified.
    pub orcid: Option<String>,
    /// Academic or professional title, e.g. `Professor`.
    pub title: Option<String>,
    /// Fields of expertise.
    #[graphql(default)]
    pub expertise: Vec<String>,
}

/// Changes to a person; omitted fields stay as they are, null clears.
#[derive(InputObject)]
pub struct UpdatePersonInput {
    /// The record to change.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// Full name.
    pub full_name: Option<String>,
    /// E-mail address; null clears it.
    pub email: MaybeUndefined<String>,
    /// ORCID iD (check digit verified); null clears it.
    pub orcid: MaybeUndefined<String>,
    /// Academic or professional title; null clears it.
    pub title: MaybeUndefined<String>,
    /// Replaces the expertise tags.
    pub expertise: Option<Vec<String>>,
}

payload!(
    /// Result of `createPerson`.
    CreatePersonPayload, person: Person, person::Entity
);
payload!(
    /// Result of `updatePerson`.
    UpdatePersonPayload, person: Person, person::Entity
);

#[derive(Default)]
pub struct PersonMutation;

#[Object]
impl PersonMutation {
    /// Records a person of the viewer's institution.
    async fn create_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreatePersonInput,
    ) -> Result<CreatePersonPayload> {
        let req = request(ctx);
        let institution = input
            .institution_id
            .as_ref()
            .map(|id| ids::decode_as("institutionId", "Institution", id))
            .transpose()?;
        let written = service::create(
            &req.db,
            &req.principal,
            service::NewPerson {
                institution,
                full_name: input.full_name,
                email: input.email,
                orcid: input.orcid,
                title: input.title,
                expertise: input.expertise,
            },
        )
        .await?;
        Ok(CreatePersonPayload::from(written))
    }

    /// Edits a person of the viewer's institution.
    async fn update_person(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdatePersonInput,
    ) -> Result<UpdatePersonPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Person", &input.id)?;
        let changes = service::PersonChanges {
            full_name: input.full_name,
            email: input.email.into(),
            orcid: input.orcid.into(),
            title: input.title.into(),
            expertise: input.expertise,
        };
        service::update(&req.db, &req.principal, id, input.expected_version, changes).await?;
        Ok(UpdatePersonPayload::of(id))
    }
}
