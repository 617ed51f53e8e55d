//! Deal mutations: open a deal, move it along its stage machine, report and decide royalties,
//! record income. Resolvers translate; the rules live in `service::deal` / `service::royalty`.

use async_graphql::{Context, Enum, ID, InputObject, Object, Result};
use entity::{
    deal,
    enums::{DealKind, DealStage, IncomeKind, RoyaltyReportStatus},
    income, royalty_report,
};

use crate::graphql::{
    deal::Deal,
    deal::royalty::{Income, RoyaltyReport},
    ids,
    money::MoneyInput,
    request,
    scalars::Date,
};
use crate::{
    error::AppError,
    payload,
    service::{deal as deals, royalty},
};

/// An organisation outside the center, as a deal's recipient.
#[derive(InputObject)]
pub struct ExternalOrganizationInput {
    /// The organisation's name.
    pub name: String,
    /// ISO 3166-1 alpha-2 country code.
    pub country: String,
}

/// A new deal on a technology the viewer's institution owns; it starts as a `LEAD`.
#[derive(InputObject)]
pub struct CreateDealInput {
    /// The technology offered.
    pub technology_id: ID,
    /// What kind of agreement it is.
    pub kind: DealKind,
    /// The providing institution (the technology's owner); only a center admin names it.
    pub provider_id: Option<ID>,
    /// The recipient when it is a partner institution; give this or `recipientExternal`.
    pub recipient_institution_id: Option<ID>,
    /// The recipient when it is an external organisation; give this or
    /// `recipientInstitutionId`.
    pub recipient_external: Option<ExternalOrganizationInput>,
    /// The recipient when it is a venture of the incubator (a startup licence); instead of the
    /// other two.
    pub recipient_venture_id: Option<ID>,
    /// Where the rights apply, e.g. `Western Balkans`.
    pub territory: Option<String>,
    /// The upfront fee, in `currency`.
    pub upfront: Option<MoneyInput>,
    /// Running royalty in basis points, 0–10000 (350 = 3.5%).
    pub royalty_basis_points: Option<i32>,
    /// The total amount agreed in the contract, in `currency` (China's annual report counts
    /// contract values).
    pub contract_value: Option<MoneyInput>,
    /// ISO 4217 currency of every amount under the deal.
    pub currency: String,
    /// A note for the first history entry.
    pub note: Option<String>,
    /// The licence's terms.
    pub terms: Option<crate::graphql::deal::terms::LicenceTermsInput>,
}

/// Moves a deal to another stage, appending to its history.
#[derive(InputObject)]
pub struct TransitionDealInput {
    /// The deal's global id.
    pub id: ID,
    /// The target stage.
    pub to: DealStage,
    /// Why; kept in the deal's history.
    pub note: Option<String>,
    /// The `version` the move is based on.
    pub expected_version: i32,
    /// The signing date when moving to `SIGNED` (default: today).
    pub signed_on: Option<Date>,
}

/// A royalty report for a period, by the deal's recipient.
#[derive(InputObject)]
pub struct SubmitRoyaltyReportInput {
    /// The deal's global id.
    pub deal_id: ID,
    /// First day of the period.
    pub period_start: Date,
    /// Last day of the period (inclusive).
    pub period_end: Date,
    /// Net sales in the period, in the deal's currency.
    pub net_sales: MoneyInput,
    /// Royalty owed for the period, in the deal's currency.
    pub royalty_due: MoneyInput,
}

/// The provider's decision on a submitted royalty report.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum RoyaltyReportDecision {
    /// The report is correct.
    Accepted,
    /// The report is contested; the licensee may submit a corrected one for the period.
    Disputed,
}

/// Accepts or disputes a submitted royalty report.
#[derive(InputObject)]
pub struct DecideRoyaltyReportInput {
    /// The report's id.
    pub id: ID,
    /// The decision.
    pub status: RoyaltyReportDecision,
    /// Why the report is disputed: required with `DISPUTED`, refused with `ACCEPTED`.
    pub reason: Option<String>,
}

/// Money received under a signed deal.
#[derive(InputObject)]
pub struct RecordIncomeInput {
    /// The deal's global id.
    pub deal_id: ID,
    /// What the payment was for.
    pub kind: IncomeKind,
    /// The amount, in the deal's currency.
    pub amount: MoneyInput,
    /// When it was received (default: today).
    pub received_on: Option<Date>,
}

payload!(
    /// Result of `createDeal`.
    CreateDealPayload, deal: Deal, deal::Entity
);
payload!(
    /// Result of `transitionDeal`.
    TransitionDealPayload, deal: Deal, deal::Entity
);
payload!(
    /// Result of `submitRoyaltyReport`.
    SubmitRoyaltyReportPayload, royalty_report: RoyaltyReport, royalty_report::Entity
);
payload!(
    /// Result of `decideRoyaltyReport`.
    DecideRoyaltyReportPayload, royalty_report: RoyaltyReport, royalty_report::Entity
);
payload!(
    /// Result of `recordIncome`.
    RecordIncomePayload, income: Income, income::Entity
);

fn recipient(input: &CreateDealInput) -> Result<deals::Recipient, AppError> {
    if let Some(id) = &input.recipient_venture_id {
        if input.recipient_institution_id.is_some() || input.recipient_external.is_some() {
            return Err(AppError::bad_input(
                "recipientVentureId",
                "give one of recipientInstitutionId, recipientExternal and recipientVentureId",
            ));
        }
        return Ok(deals::Recipient::Venture(ids::decode_as(
            "recipientVentureId",
            "Venture",
            id,
        )?));
    }
    match (&input.recipient_institution_id, &input.recipient_external) {
        (Some(id), None) => Ok(deals::Recipient::Institution(ids::decode_as(
            "recipientInstitutionId",
            "Institution",
            id,
        )?)),
        (None, Some(ext)) => Ok(deals::Recipient::External {
            name: ext.name.clone(),
            country: ext.country.clone(),
        }),
        _ => Err(AppError::bad_input(
            "recipientInstitutionId",
            "give either recipientInstitutionId or recipientExternal",
        )),
    }
}

#[derive(Default)]
pub struct DealMutation;

#[Object]
impl DealMutation {
    /// Opens a deal (stage LEAD) on a technology the viewer's institution owns.
    async fn create_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: CreateDealInput,
    ) -> Result<CreateDealPayload> {
        let req = request(ctx);
        let new = deals::NewDeal {
            technology_id: ids::decode_as("technologyId", "Technology", &input.technology_id)?,
            kind: input.kind,
            provider: input
                .provider_id
                .as_ref()
                .map(|id| ids::decode_as("providerId", "Institution", id))
                .transpose()?,
            recipient: recipient(&input)?,
            territory: input.territory.clone(),
            upfront: input
                .upfront
                .as_ref()
                .map(|m| m.parse("upfront"))
                .transpose()?,
            royalty_bp: input.royalty_basis_points,
            contract_value: input
                .contract_value
                .as_ref()
                .map(|m| m.parse("contractValue"))
                .transpose()?,
            currency: input.currency.trim().to_owned(),
            note: input.note.clone(),
            terms: input
                .terms
                .as_ref()
                .map(|t| t.parse())
                .transpose()?
                .unwrap_or_default(),
        };
        let written = deals::create(&req.db, &req.principal, new).await?;
        Ok(CreateDealPayload::from(written))
    }

    /// Moves a deal along its stage machine: LEAD → NEGOTIATION → TERM_SHEET → SIGNED →
    /// ACTIVE → COMPLETED; any open stage → LOST (before signing) or TERMINATED (after).
    /// The provider moves it; the recipient may only withdraw (LOST).
    async fn transition_deal(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: TransitionDealInput,
    ) -> Result<TransitionDealPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Deal", &input.id)?;
        deals::transition(
            &req.db,
            &req.principal,
            id,
            deals::Transition {
                to: input.to,
                note: input.note,
                expected_version: input.expected_version,
                signed_on: input.signed_on.map(|d| d.0),
            },
        )
        .await?;
        Ok(TransitionDealPayload::of(id))
    }

    /// Submits a royalty report (the deal's recipient, on a SIGNED or ACTIVE deal).
    async fn submit_royalty_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SubmitRoyaltyReportInput,
    ) -> Result<SubmitRoyaltyReportPayload> {
        let req = request(ctx);
        let written = royalty::submit(
            &req.db,
            &req.principal,
            royalty::NewRoyaltyReport {
                deal_id: ids::decode_as("dealId", "Deal", &input.deal_id)?,
                period_start: input.period_start.0,
                period_end: input.period_end.0,
                net_sales: input.net_sales.parse("netSales")?,
                royalty_due: input.royalty_due.parse("royaltyDue")?,
            },
        )
        .await?;
        Ok(SubmitRoyaltyReportPayload::from(written))
    }

    /// Accepts or disputes a submitted royalty report (the deal's provider).
    async fn decide_royalty_report(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: DecideRoyaltyReportInput,
    ) -> Result<DecideRoyaltyReportPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "RoyaltyReport", &input.id)?;
        let status = match input.status {
            RoyaltyReportDecision::Accepted => RoyaltyReportStatus::Accepted,
            RoyaltyReportDecision::Disputed => RoyaltyReportStatus::Disputed,
        };
        royalty::decide(&req.db, &req.principal, id, status, input.reason).await?;
        Ok(DecideRoyaltyReportPayload::of(id))
    }

    /// Records money received under a signed deal (the deal's provider).
    async fn record_income(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RecordIncomeInput,
    ) -> Result<RecordIncomePayload> {
        let req = request(ctx);
        let written = royalty::record_income(
            &req.db,
            &req.principal,
            royalty::NewIncome {
                deal_id: ids::decode_as("dealId", "Deal", &input.deal_id)?,
                kind: input.kind,
                amount: input.amount.parse("amount")?,
                received_on: input
                    .received_on
                    .map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0),
            },
        )
        .await?;
        Ok(RecordIncomePayload::from(written))
    }
}
