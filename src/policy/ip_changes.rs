//! Proposed changes of jointly owned IP assets (co-owners' consent, `service::ip::consent`):
//! seen by the asset's co-owners, the institution that proposed the change and the institutions
//! asked to approve it — and only while they may see the asset itself. Nobody else learns that
//! a proposal exists: not a member who sees the published asset, not an analyst.

use entity::{ip_asset, ip_change, ip_change_approval, ip_ownership};
use sea_orm::{
    ColumnTrait, Condition,
    sea_query::{Expr, ExprTrait, Query},
};

use super::{Form, Policy, any_of, child_of, everything, nothing, scoped};
use crate::auth::{Principal, scope};

impl Policy for ip_change::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        scoped(p, scope::IP_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            let Some(inst) = p.confidential_reader_of() else {
                return nothing();
            };
            let co_owned = Query::select()
                .column(ip_ownership::Column::IpAssetId)
                .from(ip_ownership::Entity)
                .and_where(
                    Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId)).eq(inst),
                )
                .to_owned();
            let asked = Query::select()
                .column(ip_change_approval::Column::IpChangeId)
                .from(ip_change_approval::Entity)
                .and_where(
                    Expr::col((
                        ip_change_approval::Entity,
                        ip_change_approval::Column::InstitutionId,
                    ))
                    .eq(inst),
                )
                .to_owned();
            Condition::all()
                .add(any_of([
                    Condition::all().add(ip_change::Column::IpAssetId.in_subquery(co_owned)),
                    Condition::all().add(ip_change::Column::ProposedByInstitutionId.eq(inst)),
                    Condition::all().add(ip_change::Column::Id.in_subquery(asked)),
                ]))
                .add(child_of::<ip_asset::Entity>(
                    p,
                    form,
                    ip_change::Column::IpAssetId,
                ))
        })
    }
}

/// The answers to a proposal travel with it.
impl Policy for ip_change_approval::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<ip_change::Entity>(p, form, ip_change_approval::Column::IpChangeId)
    }
}
