//! Institution mutations: admission and administration of partners, by center admins.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use entity::{
    enums::{InstitutionKind, Membership, Region},
    institution,
};

use crate::graphql::{ids, institution::Institution, request, scalars::Date};
use crate::{
    payload,
    service::{email_domains, institution as service},
};

/// A new institution.
#[derive(InputObject)]
pub struct CreateInstitutionInput {
    /// Unique handle: 2–32 lower-case letters, digits and dashes.
    pub slug: String,
    /// Canonical (English) name.
    pub name: String,
    /// Name in the local language.
    pub local_name: Option<String>,
    /// ISO 3166-1 alpha-2 country code, e.g. `BA`.
    pub country: String,
    /// The region the center groups it in.
    pub region: Region,
    /// University, hospital, research institute, company or agency.
    pub kind: InstitutionKind,
    /// APPLICANT unless said otherwise.
    #[graphql(default_with = "Membership::Applicant")]
    pub membership: Membership,
    /// When it joined (default: today for a MEMBER).
    pub joined_on: Option<Date>,
    /// An http(s) address.
    pub website: Option<String>,
    /// ROR id (Research Organization Registry), e.g. `03vek6s52` or
    /// `https://ror.org/03vek6s52`; the check digits are verified.
    pub ror_id: Option<String>,
    /// The inventors' part of income, 0–10000 basis points.
    #[graphql(default = 5000)]
    pub inventor_share_basis_points: i32,
    /// The e-mail domains its users' addresses will lie in, e.g. `unibl.org` (no users can be
    /// created before at least one is registered). A domain belongs to one institution only.
    #[graphql(default)]
    pub email_domains: Vec<String>,
}

/// Changes to an institution; omitted fields stay as they are.
#[derive(InputObject)]
pub struct UpdateInstitutionInput {
    /// The record to change.
    pub id: ID,
    /// The `version` the changes are based on.
    pub expected_version: i32,
    /// Unique handle: 2–32 lower-case letters, digits and dashes.
    pub slug: Option<String>,
    /// Canonical (English) name.
    pub name: Option<String>,
    /// Null clears the local name.
    pub local_name: MaybeUndefined<String>,
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// The region the center groups it in.
    pub region: Option<Region>,
    /// What kind of organisation it is.
    pub kind: Option<InstitutionKind>,
    /// Admission, suspension or observer status (a MEMBER without `joinedOn` joins today).
    pub membership: Option<Membership>,
    /// When it joined; null clears the date.
    pub joined_on: MaybeUndefined<Date>,
    /// An http(s) address; null clears it.
    pub website: MaybeUndefined<String>,
    /// ROR id (check digits verified); null clears it.
    pub ror_id: MaybeUndefined<String>,
    /// The inventors' part of income, 0–10000 basis points.
    pub inventor_share_basis_points: Option<i32>,
}

/// The complete list of an institution's e-mail domains; replaces the current one.
#[derive(InputObject)]
pub struct SetInstitutionEmailDomainsInput {
    /// The institution.
    pub institution_id: ID,
    /// Domain names such as `unibl.org` (lower-cased, duplicates ignored, at most 20). Each
    /// matches exactly: `med.unibl.org` must be listed on its own. An empty list stops new
    /// users from being created; existing users keep their addresses.
    pub email_domains: Vec<String>,
    /// The institution's `version` the change is based on; a concurrent change is then a
    /// CONFLICT.
    pub expected_version: Option<i32>,
}

payload!(
    /// Result of `setInstitutionEmailDomains`.
    SetInstitutionEmailDomainsPayload, institution: Institution, institution::Entity
);
payload!(
    /// Result of `createInstitution`.
    CreateInstitutionPayload, institution: Institution, institution::Entity
);
payload!(
    /// Result of `updateInstitution`.
    UpdateInstitutionPayload, institution: Institution, institution::Entity
);

#[derive(Default)]
pub struct InstitutionMutation;

#[Object]
impl InstitutionMutation {
    /// Admits a new institution (center admins only).
    async fn create_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateInstitutionInput,
    ) -> Result<CreateInstitutionPayload> {
        let req = request(ctx);
        let written = service::create(
            &req.db,
            &req.principal,
            service::NewInstitution {
                slug: input.slug,
                name: input.name,
                local_name: input.local_name,
                country: input.country,
                region: input.region,
                kind: input.kind,
                membership: input.membership,
                joined_on: input.joined_on.map(|d| d.0),
                website: input.website,
                ror_id: input.ror_id,
                inventor_share_bp: input.inventor_share_basis_points,
                email_domains: input.email_domains,
            },
        )
        .await?;
        Ok(CreateInstitutionPayload::from(written))
    }

    /// Edits an institution, its membership included (center admins only).
    async fn update_institution(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: UpdateInstitutionInput,
    ) -> Result<UpdateInstitutionPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Institution", &input.id)?;
        let joined_on: Option<Option<Date>> = input.joined_on.into();
        let changes = service::InstitutionChanges {
            slug: input.slug,
            name: input.name,
            local_name: input.local_name.into(),
            country: input.country,
            region: input.region,
            kind: input.kind,
            membership: input.membership,
            joined_on: joined_on.map(|j| j.map(|d| d.0)),
            website: input.website.into(),
            ror_id: input.ror_id.into(),
            inventor_share_bp: input.inventor_share_basis_points,
        };
        service::update(&req.db, &req.principal, id, input.expected_version, changes).await?;
        // Its membership decides what its users' tokens may see.
        crate::graphql::account::authenticator(ctx)?.forget_institution(id);
        Ok(UpdateInstitutionPayload::of(id))
    }

    /// Replaces the e-mail domains of an institution (center admins only). A domain already
    /// registered to another institution, or holding addresses of another institution's users,
    /// is a CONFLICT on `emailDomains`.
    async fn set_institution_email_domains(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetInstitutionEmailDomainsInput,
    ) -> Result<SetInstitutionEmailDomainsPayload> {
        let req = request(ctx);
        let id = ids::decode_as("institutionId", "Institution", &input.institution_id)?;
        email_domains::set(
            &req.db,
            &req.principal,
            id,
            &input.email_domains,
            input.expected_version,
        )
        .await?;
        Ok(SetInstitutionEmailDomainsPayload::of(id))
    }
}
