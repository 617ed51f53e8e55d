//! Who sees which statistics, and which of their money figures are suppressed.
//!
//! Statistics count confidential records — that is their point — so they are not filtered by
//! the row rules of each entity. Instead a viewer gets a [`StatisticsScope`]: analysts and
//! center admins every institution, anyone else its own institution's records (what it owns,
//! co-owns, is party to, hosts or leads). The statistics service turns the scope into one
//! condition per source through the functions below, so the rule lives here and only here.

use sea_orm::{
    Condition,
    sea_query::{Expr, ExprTrait, Query, SimpleExpr},
};
use uuid::Uuid;

use entity::{
    agreement_party, deal, ip_asset, ip_ownership, person, technology, training_program, venture,
    venture_founder,
};

use crate::{
    auth::{Principal, PrincipalKind, scope},
    error::{AppError, AppResult},
};

/// Whose records a viewer's statistics are built from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatisticsScope {
    /// Every institution (analysts, center admins).
    Everything,
    /// The records the institution owns, co-owns, is party to, hosts or leads.
    Institution(Uuid),
}

/// The viewer's statistics scope: anonymous callers are UNAUTHENTICATED, API tokens need the
/// `stats:read` scope.
pub fn statistics_scope(p: &Principal) -> AppResult<StatisticsScope> {
    if p.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated(
            "log in to read statistics".into(),
        ));
    }
    p.require_scope(scope::STATS_READ)?;
    if (p.is_analyst() || p.is_center_admin()) && p.api_token_id.is_none() {
        return Ok(StatisticsScope::Everything);
    }
    match p.institution_id() {
        Some(inst) => Ok(StatisticsScope::Institution(inst)),
        None => Err(AppError::Forbidden(
            "statistics need an institution or the ANALYST role".into(),
        )),
    }
}

/// The institution whose own deals and incomes are never suppressed for the viewer: its
/// parties may read them anyway. Analysts have none (they never read deals as rows).
pub fn own_institution_for_suppression(p: &Principal) -> Option<Uuid> {
    p.confidential_reader_of()
}

/// Whether small-cell protection applies at all: center admins may read every deal as a row,
/// so suppressing their aggregates would protect nothing.
pub fn suppression_applies(p: &Principal) -> bool {
    !(p.is_center_admin() && p.api_token_id.is_none())
}

fn all_or(scope: StatisticsScope, f: impl FnOnce(Uuid) -> Condition) -> Condition {
    match scope {
        StatisticsScope::Everything => Condition::all(),
        StatisticsScope::Institution(inst) => f(inst),
    }
}

/// Technologies: owned by the institution, or one of whose IP assets it co-owns.
pub fn technologies(scope: StatisticsScope) -> Condition {
    all_or(scope, |inst| {
        let co_owned = Query::select()
            .column((ip_asset::Entity, ip_asset::Column::TechnologyId))
            .from(ip_asset::Entity)
            .inner_join(
                ip_ownership::Entity,
                Expr::col((ip_ownership::Entity, ip_ownership::Column::IpAssetId))
                    .equals((ip_asset::Entity, ip_asset::Column::Id)),
            )
            .and_where(
                Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId)).eq(inst),
            )
            .to_owned();
        Condition::any()
            .add(Expr::col((technology::Entity, technology::Column::OwnerId)).eq(inst))
            .add(Expr::col((technology::Entity, technology::Column::Id)).in_subquery(co_owned))
    })
}

/// IP assets: those the institution (co-)owns, and those of its own technologies.
pub fn ip_assets(scope: StatisticsScope) -> Condition {
    all_or(scope, |inst| {
        let owned = Query::select()
            .column(ip_ownership::Column::IpAssetId)
            .from(ip_ownership::Entity)
            .and_where(
                Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId)).eq(inst),
            )
            .to_owned();
        let own_technologies = Query::select()
            .column(technology::Column::Id)
            .from(technology::Entity)
            .and_where(Expr::col((technology::Entity, technology::Column::OwnerId)).eq(inst))
            .to_owned();
        Condition::any()
            .add(Expr::col((ip_asset::Entity, ip_asset::Column::Id)).in_subquery(owned))
            .add(
                Expr::col((ip_asset::Entity, ip_asset::Column::TechnologyId))
                    .in_subquery(own_technologies),
            )
    })
}

/// Deals (and their incomes): those the institution is a party to.
pub fn deals(scope: StatisticsScope) -> Condition {
    all_or(scope, deal_party)
}

fn deal_party(inst: Uuid) -> Condition {
    Condition::any()
        .add(Expr::col((deal::Entity, deal::Column::ProviderId)).eq(inst))
        .add(Expr::col((deal::Entity, deal::Column::RecipientInstitutionId)).eq(inst))
}

/// True for a deal that is not the viewer's own (`deals` must be in the query): the records a
/// money figure may only be shown for when there are enough of them. Spelled without `NOT`, so
/// a deal with an external recipient (NULL institution) is foreign, not unknown.
pub fn foreign_deal(own: Option<Uuid>) -> Condition {
    match own {
        None => Condition::all().add(Expr::val(1).eq(1)),
        Some(inst) => {
            let recipient = Expr::col((deal::Entity, deal::Column::RecipientInstitutionId));
            Condition::all()
                .add(Expr::col((deal::Entity, deal::Column::ProviderId)).ne(inst))
                .add(
                    Condition::any()
                        .add(recipient.clone().is_null())
                        .add(recipient.ne(inst)),
                )
        }
    }
}

/// Ventures: those it leads, or one of whose founders it employs.
pub fn ventures(scope: StatisticsScope) -> Condition {
    all_or(scope, |inst| {
        let founded = Query::select()
            .column((venture_founder::Entity, venture_founder::Column::VentureId))
            .from(venture_founder::Entity)
            .inner_join(
                person::Entity,
                Expr::col((person::Entity, person::Column::Id))
                    .equals((venture_founder::Entity, venture_founder::Column::PersonId)),
            )
            .and_where(Expr::col((person::Entity, person::Column::InstitutionId)).eq(inst))
            .to_owned();
        Condition::any()
            .add(Expr::col((venture::Entity, venture::Column::LeadInstitutionId)).eq(inst))
            .add(Expr::col((venture::Entity, venture::Column::Id)).in_subquery(founded))
    })
}

/// Training programs: those it hosts.
pub fn training_programs(scope: StatisticsScope) -> Condition {
    all_or(scope, |inst| {
        Condition::all().add(
            Expr::col((
                training_program::Entity,
                training_program::Column::HostInstitutionId,
            ))
            .eq(inst),
        )
    })
}

/// Enrollments: in programs it hosts, or of its own people (`person` must be in the query).
pub fn enrollments(scope: StatisticsScope) -> Condition {
    all_or(scope, |inst| {
        Condition::any()
            .add(
                Expr::col((
                    training_program::Entity,
                    training_program::Column::HostInstitutionId,
                ))
                .eq(inst),
            )
            .add(Expr::col((person::Entity, person::Column::InstitutionId)).eq(inst))
    })
}

/// Cooperation agreements: those it is a party to (`agreement_party` must be in the query, one
/// row per party; the condition keeps the agreement when the viewer is among its parties).
pub fn agreements(scope: StatisticsScope, agreement_id: SimpleExpr) -> Condition {
    all_or(scope, |inst| {
        let party_to = Query::select()
            .column(agreement_party::Column::AgreementId)
            .from(agreement_party::Entity)
            .and_where(
                Expr::col((
                    agreement_party::Entity,
                    agreement_party::Column::InstitutionId,
                ))
                .eq(inst),
            )
            .to_owned();
        Condition::all().add(agreement_id.in_subquery(party_to))
    })
}

/// For cross-border cells between two institutions: the viewer sees the cells it takes part
/// in — one of the two sides is its institution.
pub fn cross_border_pair(scope: StatisticsScope, a: SimpleExpr, b: SimpleExpr) -> Condition {
    all_or(scope, |inst| {
        Condition::any().add(a.eq(inst)).add(b.eq(inst))
    })
}

/// Exchange rates are read by whoever may read statistics (they say which conversions
/// `statistics(reportingCurrency:)` can make; yearly averages are no secret, but they are the
/// statistics' configuration): anonymous callers are UNAUTHENTICATED, API tokens need
/// `stats:read`. Every rate is visible to those.
pub fn exchange_rates(p: &Principal) -> AppResult<Condition> {
    statistics_scope(p)?;
    Ok(Condition::all())
}

/// Exchange rates for converted statistics are the center's: its admins (as users) set them.
pub fn ensure_can_set_exchange_rates(p: &Principal) -> AppResult<()> {
    if p.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated("log in to make changes".into()));
    }
    if p.is_center_admin() && p.api_token_id.is_none() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the center's administrators set exchange rates".into(),
        ))
    }
}
