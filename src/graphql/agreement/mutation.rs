//! Agreement mutations: record and edit cooperation agreements between institutions.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::{
    agreement,
    enums::{AgreementKind, AgreementStatus},
};
use uuid::Uuid;

use crate::graphql::{agreement::Agreement, ids, request, scalars::Date};
use crate::{error::AppResult, payload, service::agreement as service};

/// A new cooperation agreement.
#[derive(InputObject)]
pub struct CreateAgreementInput {
    /// The agreement's title.
    pub title: String,
    /// MoU, framework, research collaboration or exchange.
    pub kind: AgreementKind,
    /// DRAFT (the default) or ACTIVE.
    #[graphql(default_with = "AgreementStatus::Draft")]
    pub status: AgreementStatus,
    /// What the parties agree on.
    pub summary: Option<String>,
    /// When it was (for a draft: is to be) signed.
    pub signed_on: Date,
    /// When it expires (not before `signedOn`); omit for an open-ended agreement.
    pub expires_on: Option<Date>,
    /// At least two institutions; the viewer's own among them unless a center admin.
    pub party_ids: Vec<ID>,
}

/// Changes to an agreement; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateAgreementInput {
    /// The record to change.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// The agreement's title.
    pub title: Option<String>,
    /// The kind of agreement.
    pub kind: Option<AgreementKind>,
    /// DRAFT → ACTIVE | TERMINATED; ACTIVE → EXPIRED | TERMINATED.
    pub status: Option<AgreementStatus>,
    /// Null clears the summary.
    pub summary: MaybeUndefined<String>,
    /// When it was (for a draft: is to be) signed.
    pub signed_on: Option<Date>,
    /// Null makes the agreement open-ended.
    pub expires_on: MaybeUndefined<Date>,
    /// Replaces all parties.
    pub party_ids: Option<Vec<ID>>,
}

payload!(
    /// Result of `createAgreement`.
    CreateAgreementPayload, agreement: Agreement, agreement::Entity
);
payload!(
    /// Result of `updateAgreement`.
    UpdateAgreementPayload, agreement: Agreement, agreement::Entity
);

fn party_ids(ids: &[ID]) -> AppResult<Vec<Uuid>> {
    ids.iter()
        .map(|id| ids::decode_as("partyIds", "Institution", id))
        .collect()
}

#[derive(Default)]
pub struct AgreementMutation;

#[Object]
impl AgreementMutation {
    /// Records a cooperation agreement the viewer's institution is a party to.
    async fn create_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateAgreementInput,
    ) -> Result<CreateAgreementPayload> {
        let req = request(ctx);
        let written = service::create(
            &req.db,
            &req.principal,
            service::NewAgreement {
                title: input.title,
                kind: input.kind,
                status: input.status,
                summary: input.summary,
                signed_on: input.signed_on.0,
                expires_on: input.expires_on.map(|d| d.0),
                parties: party_ids(&input.party_ids)?,
            },
        )
        .await?;
        Ok(CreateAgreementPayload::from(written))
    }

    /// Edits an agreement the viewer's institution is a party to.
    async fn update_agreement(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateAgreementInput,
    ) -> Result<UpdateAgreementPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Agreement", &input.id)?;
        let expires_on: Option<Option<Date>> = input.expires_on.into();
        let changes = service::AgreementChanges {
            title: input.title,
            kind: input.kind,
            status: input.status,
            summary: input.summary.into(),
            signed_on: input.signed_on.map(|d| d.0),
            expires_on: expires_on.map(|e| e.map(|d| d.0)),
            parties: input.party_ids.as_deref().map(party_ids).transpose()?,
        };
        service::update(&req.db, &req.principal, id, input.expected_version, changes).await?;
        Ok(UpdateAgreementPayload::of(id))
    }
}
