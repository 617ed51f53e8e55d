//! Patent costs and reimbursements (`service::ip_costs`): the asset's co-owners' business. They
//! are read by its co-owners (and center admins) — while they may see the asset itself — and
//! written by the co-owners' institution admins. Everyone else learns nothing about them, not
//! even that there are any: a member who sees a published asset sees no costs.
//!
//! The security review of a technology made in China is its owner's business in the same way.

use entity::{ip_asset, ip_cost, ip_ownership, ip_reimbursement, security_review, technology};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Query, SelectStatement},
};
use uuid::Uuid;

use super::{Form, Policy, admin_of, child_of, ensure_writer, everything, nothing, scoped};
use crate::{
    auth::{Principal, scope},
    error::{AppError, AppResult},
};

fn co_owned_by(inst: Uuid) -> SelectStatement {
    Query::select()
        .column(ip_ownership::Column::IpAssetId)
        .from(ip_ownership::Entity)
        .and_where(Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId)).eq(inst))
        .to_owned()
}

/// Rows of an asset's money (`column` points at the asset): its co-owners, center admins.
fn co_owners_only(p: &Principal, form: Form, column: impl ColumnTrait + Copy) -> Condition {
    scoped(p, scope::IP_READ, || {
        let own = if p.is_center_admin() {
            everything()
        } else if let Some(inst) = p.confidential_reader_of() {
            Condition::all().add(column.in_subquery(co_owned_by(inst)))
        } else {
            nothing()
        };
        Condition::all()
            .add(own)
            .add(child_of::<ip_asset::Entity>(p, form, column))
    })
}

impl Policy for ip_cost::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        co_owners_only(p, form, ip_cost::Column::IpAssetId)
    }
}

impl Policy for ip_reimbursement::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        co_owners_only(p, form, ip_reimbursement::Column::IpAssetId)
    }
}

/// A technology's security review: its owner institution and center admins.
impl Policy for security_review::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        scoped(p, scope::TECHNOLOGY_READ, || {
            let own = if p.is_center_admin() {
                everything()
            } else if let Some(inst) = p.confidential_reader_of() {
                let owned = Query::select()
                    .column(technology::Column::Id)
                    .from(technology::Entity)
                    .and_where(
                        Expr::col((technology::Entity, technology::Column::OwnerId)).eq(inst),
                    )
                    .to_owned();
                Condition::all().add(security_review::Column::TechnologyId.in_subquery(owned))
            } else {
                nothing()
            };
            Condition::all()
                .add(own)
                .add(child_of::<technology::Entity>(
                    p,
                    form,
                    security_review::Column::TechnologyId,
                ))
        })
    }
}

/// May `p` record or delete the costs of an asset co-owned by `owners`? The co-owners'
/// institution admins (their IP administrators) and center admins; API tokens never (they act
/// as members). Callers load the asset through `visible` first, so an outsider gets NOT_FOUND.
pub fn ensure_cost_admin(p: &Principal, owners: &[Uuid]) -> AppResult<()> {
    ensure_writer(p, scope::IP_WRITE)?;
    if p.is_center_admin() || admin_of(p).is_some_and(|inst| owners.contains(&inst)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the institution admins of the asset's owners record its costs".into(),
        ))
    }
}

/// Whether `p` may read the costs of an asset co-owned by `owners` (those that do not come
/// through the row filters above: the official fees recorded on its deadlines).
pub fn may_see_costs(p: &Principal, owners: &[Uuid]) -> bool {
    super::may_see_docket_details(p, owners)
}
