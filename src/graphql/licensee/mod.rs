//! Licensee accounts: the `Licensee` type (an external organisation with accounts of its own),
//! `inviteLicensee`, `acceptLicenseeInvitation`, `suspendLicensee` and `reactivateLicensee`.

use crate::graphql::scalars::Timestamp;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};

use entity::{enums::Region, external_organization, institution};

use crate::graphql::{
    account::{LoginPayload, authenticator, user::User},
    ids,
    institution::Institution,
    request,
};
use crate::{payload, service::deal::region_of_country, service::licensee as licensee_service};

/// An organisation outside the consortium (a company, say) with accounts of its own: they see
/// the deals it receives and report royalties on them, nothing else.
pub struct Licensee(pub external_organization::Model);

impl From<external_organization::Model> for Licensee {
    fn from(m: external_organization::Model) -> Self {
        Licensee(m)
    }
}

/// An organisation outside the consortium (a company, say) with accounts of its own: they see
/// the deals it receives and report royalties on them, nothing else.
#[Object]
impl Licensee {
    /// Global id (`Node`); what `externalOrganizationId` arguments take.
    pub async fn id(&self) -> ID {
        ids::encode("Licensee", self.0.id)
    }
    /// The organisation's name.
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// Derived from the country, as for any external recipient.
    async fn region(&self) -> Region {
        region_of_country(Some(&self.0.country))
    }
    /// Where the organisation is registered, if recorded (company register number, LEI, …).
    async fn identifier(&self) -> Option<&str> {
        self.0.identifier.as_deref()
    }
    /// Since when its accounts and API tokens are refused; null while it is active.
    async fn suspended_at(&self) -> Option<Timestamp> {
        self.0.suspended_at.map(Timestamp)
    }
    /// The institution that registered it; its admins invite and suspend it.
    async fn registered_by(&self, ctx: &Context<'_>) -> Result<Option<Institution>> {
        Ok(request(ctx)
            .loaders
            .one::<institution::Entity>(self.0.registered_by)
            .await?
            .map(Institution))
    }
    /// When it was registered.
    async fn created_at(&self) -> Timestamp {
        Timestamp(self.0.created_at)
    }
    /// Incremented by every change; pass it back as `expectedVersion` where asked.
    async fn version(&self) -> i32 {
        self.0.version
    }
}

/// Whom to invite: a user of the licensee of a deal (or of a licensee organisation).
#[derive(InputObject)]
pub struct InviteLicenseeInput {
    /// The deal whose recipient (an external organisation) is invited. The first invitation
    /// registers the organisation from the deal's recipient; give this or
    /// `externalOrganizationId` (or both, to link the deal to an organisation already
    /// registered).
    pub deal_id: Option<ID>,
    /// A `Licensee`'s id.
    pub external_organization_id: Option<ID>,
    /// An identifier of the organisation (company register number, LEI, …), recorded when the
    /// organisation is registered by this invitation.
    pub identifier: Option<String>,
    /// The new account's login e-mail address.
    pub email: String,
    /// The new account's display name.
    pub display_name: String,
}

/// Result of `inviteLicensee`.
#[derive(SimpleObject)]
pub struct InviteLicenseePayload {
    /// Hand this to the invitee, once: it is not stored and never shown again. It works once,
    /// until `expiresAt`, with `acceptLicenseeInvitation`.
    pub invitation_token: String,
    /// When the invitation stops working (7 days after it was made).
    pub expires_at: Timestamp,
    /// The e-mail address the account will log in with.
    pub email: String,
    /// The licensee organisation the account will belong to.
    pub licensee: Option<Licensee>,
}

/// An invitation token and the new account's password.
#[derive(InputObject)]
pub struct AcceptLicenseeInvitationInput {
    /// The token `inviteLicensee` returned.
    pub token: String,
    /// At least 12 characters.
    pub password: String,
}

/// Which licensee to suspend or reactivate.
#[derive(InputObject)]
pub struct SuspendLicenseeInput {
    /// A `Licensee`'s id.
    pub external_organization_id: ID,
}

payload!(
    /// Result of `suspendLicensee` and `reactivateLicensee`.
    SuspendLicenseePayload, licensee: Licensee, external_organization::Entity
);

#[derive(Default)]
pub struct LicenseeMutation;

#[Object]
impl LicenseeMutation {
    /// Invites a user of a licensee outside the consortium (the providing institution's admins
    /// and center admins). Returns a one-time invitation token.
    async fn invite_licensee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: InviteLicenseeInput,
    ) -> Result<InviteLicenseePayload> {
        let req = request(ctx);
        let deal = input
            .deal_id
            .as_ref()
            .map(|id| ids::decode_as("dealId", "Deal", id))
            .transpose()?;
        let organization = input
            .external_organization_id
            .as_ref()
            .map(|id| ids::decode_as("externalOrganizationId", "Licensee", id))
            .transpose()?;
        let invited = licensee_service::invite(
            &req.db,
            &req.principal,
            licensee_service::Invite {
                deal,
                organization,
                identifier: input.identifier,
                email: input.email,
                display_name: input.display_name,
            },
        )
        .await?;
        let licensee = req
            .loaders
            .one::<external_organization::Entity>(invited.organization)
            .await?
            .map(Licensee);
        Ok(InviteLicenseePayload {
            invitation_token: invited.token,
            expires_at: Timestamp(invited.invitation.expires_at),
            email: invited.invitation.email,
            licensee,
        })
    }

    /// Creates a licensee's account from an invitation and logs it in. Needs no
    /// authentication: the one-time token is the credential.
    async fn accept_licensee_invitation(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: AcceptLicenseeInvitationInput,
    ) -> Result<LoginPayload> {
        let auth = authenticator(ctx)?;
        let done = licensee_service::accept(
            &request(ctx).db,
            &auth.jwt,
            &auth.logins,
            auth.login_ttl,
            &input.token,
            &input.password,
        )
        .await?;
        Ok(LoginPayload {
            access_token: done.access_token,
            expires_at: Timestamp(done.expires_at),
            user: User(done.user),
        })
    }

    /// Suspends a licensee: none of its accounts or API tokens works until it is reactivated
    /// (the admins of the institution that registered it, and center admins).
    async fn suspend_licensee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SuspendLicenseeInput,
    ) -> Result<SuspendLicenseePayload> {
        set_suspended(ctx, &input.external_organization_id, true).await
    }

    /// Reactivates a suspended licensee.
    async fn reactivate_licensee(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SuspendLicenseeInput,
    ) -> Result<SuspendLicenseePayload> {
        set_suspended(ctx, &input.external_organization_id, false).await
    }
}

async fn set_suspended(
    ctx: &Context<'_>,
    id: &ID,
    suspend: bool,
) -> Result<SuspendLicenseePayload> {
    let req = request(ctx);
    let id = ids::decode_as("externalOrganizationId", "Licensee", id)?;
    let org = licensee_service::set_suspended(&req.db, &req.principal, id, suspend).await?;
    authenticator(ctx)?.forget_organization(id);
    Ok(SuspendLicenseePayload::of(org.id))
}
