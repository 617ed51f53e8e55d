//! A venture as a company: its legal form and the lead institution's equity stake over rounds.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::{venture, venture_equity_change};

use crate::graphql::{ids, request, scalars::Date, venture::Venture};
use crate::{has_many, payload, service::venture_equity as service};

has_many!(
    EquityChangesOf,
    venture_equity_change::Entity,
    venture_equity_change::Column::VentureId
);

/// A change of the lead institution's equity stake in a venture.
#[derive(SimpleObject)]
pub struct VentureEquityChange {
    /// What changed it, e.g. `founding`, `seed`, `Series A`.
    pub round: String,
    /// When.
    pub changed_on: Date,
    /// The lead institution's stake after the change, in basis points.
    pub equity_basis_points: i32,
    /// A note, e.g. the investors.
    pub note: Option<String>,
}

/// The equity changes of a venture, oldest first (by date, then as recorded).
pub async fn changes(ctx: &Context<'_>, venture: uuid::Uuid) -> Result<Vec<VentureEquityChange>> {
    let mut rows = request(ctx)
        .loaders
        .children::<EquityChangesOf>(venture)
        .await?;
    rows.sort_by(|a, b| a.changed_on.cmp(&b.changed_on).then(a.id.cmp(&b.id)));
    Ok(rows
        .into_iter()
        .map(|c| VentureEquityChange {
            round: c.round,
            changed_on: Date(c.changed_on),
            equity_basis_points: c.equity_bp,
            note: c.note,
        })
        .collect())
}

/// Records a change of the lead institution's equity stake.
#[derive(InputObject)]
pub struct RecordVentureEquityInput {
    /// The venture's global id.
    pub venture_id: ID,
    /// What changed it, e.g. `founding`, `seed`, `Series A`.
    pub round: String,
    /// When (default: today).
    pub changed_on: Option<Date>,
    /// The stake after the change, in basis points (0–10000).
    pub equity_basis_points: i32,
    /// A note, e.g. the investors.
    pub note: Option<String>,
}

/// Sets or clears a venture's legal form.
#[derive(InputObject)]
pub struct SetVentureLegalFormInput {
    /// The venture's global id.
    pub id: ID,
    /// The `version` the change is based on.
    pub expected_version: i32,
    /// The legal form, e.g. `d.o.o.` or `LLC`; null clears it.
    pub legal_form: Option<String>,
}

payload!(
    /// Result of `recordVentureEquity`.
    RecordVentureEquityPayload, venture: Venture, venture::Entity
);
payload!(
    /// Result of `setVentureLegalForm`.
    SetVentureLegalFormPayload, venture: Venture, venture::Entity
);

#[derive(Default)]
pub struct VentureEquityMutation;

#[Object]
impl VentureEquityMutation {
    /// Records a change of the lead institution's equity stake in a venture (a financing
    /// round, say); members of the lead institution.
    async fn record_venture_equity(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: RecordVentureEquityInput,
    ) -> Result<RecordVentureEquityPayload> {
        let req = request(ctx);
        let venture_id = ids::decode_as("ventureId", "Venture", &input.venture_id)?;
        service::record_equity(
            &req.db,
            &req.principal,
            service::EquityChange {
                venture_id,
                round: input.round,
                changed_on: input
                    .changed_on
                    .map_or_else(|| chrono::Utc::now().date_naive(), |d| d.0),
                equity_bp: input.equity_basis_points,
                note: input.note,
            },
        )
        .await?;
        Ok(RecordVentureEquityPayload::of(venture_id))
    }

    /// Sets or clears a venture's legal form; members of the lead institution.
    async fn set_venture_legal_form(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the mutation is to do; each field is described on the input type.")]
        input: SetVentureLegalFormInput,
    ) -> Result<SetVentureLegalFormPayload> {
        let req = request(ctx);
        let id = ids::decode_as("id", "Venture", &input.id)?;
        service::set_legal_form(
            &req.db,
            &req.principal,
            id,
            input.expected_version,
            input.legal_form,
        )
        .await?;
        Ok(SetVentureLegalFormPayload::of(id))
    }
}
