//! Webhooks: who manages them, who reads their deliveries, and what an institution's webhook
//! may be told. An endpoint hears of a change only if its institution may see the object at
//! the moment of delivery, judged by the same row filters as every read (see [`may_see_change`]).

use entity::{
    deadline_reminder, deal, enrollment, enums::Membership, enums::Role, income, institution,
    ip_asset, royalty_report, technology, webhook, webhook_attempt, webhook_delivery,
    webhook_event,
};
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, QueryFilter, sea_query::Query};
use uuid::Uuid;

use super::{Form, Policy, admin_of, child_of, everything, nothing, visible};
use crate::{
    auth::{Principal, PrincipalInstitution, PrincipalKind},
    error::{AppError, AppResult},
};

/// Webhooks: their institution's admins; center admins all (to read, not to manage).
impl Policy for webhook::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.is_center_admin() && p.api_token_id.is_none() {
            return everything();
        }
        match admin_of(p) {
            Some(inst) => Condition::all().add(webhook::Column::InstitutionId.eq(inst)),
            None => nothing(),
        }
    }
}

/// Deliveries: as their webhook.
impl Policy for webhook_delivery::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<webhook::Entity>(p, form, webhook_delivery::Column::WebhookId)
    }
}

/// Attempts: as their delivery.
impl Policy for webhook_attempt::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<webhook_delivery::Entity>(p, form, webhook_attempt::Column::DeliveryId)
    }
}

/// Outbox events: those delivered (or owed) to a webhook the viewer may read.
impl Policy for webhook_event::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        let owed = Query::select()
            .column(webhook_delivery::Column::EventId)
            .from(webhook_delivery::Entity)
            .cond_where(webhook_delivery::Entity::row_filter(p))
            .to_owned();
        Condition::all().add(webhook_event::Column::Id.in_subquery(owed))
    }
}

/// May `p` create, change, rotate, delete and replay the webhooks of `institution`? Only its
/// INSTITUTION_ADMINs, signed in as themselves (not API tokens), while the institution is not
/// suspended: the endpoint receives what the institution may see, signed with a secret only
/// they hold.
pub fn ensure_webhook_admin(p: &Principal, institution: Uuid) -> AppResult<()> {
    if p.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated(
            "log in to manage webhooks".into(),
        ));
    }
    p.forbid_api_token()?;
    if admin_of(p) != Some(institution) {
        return Err(AppError::Forbidden(
            "only the institution's admins manage its webhooks".into(),
        ));
    }
    if p.institution
        .as_ref()
        .is_some_and(|i| i.membership == Membership::Suspended)
    {
        return Err(AppError::Forbidden(
            "your institution's membership is suspended".into(),
        ));
    }
    Ok(())
}

/// Whom a webhook of `institution` reads as: a MEMBER of it, as it stands now (its current
/// membership decides whether it sees consortium records), with no user and no token scopes.
pub fn webhook_reader(institution: &institution::Model) -> Principal {
    Principal {
        kind: PrincipalKind::User,
        user_id: None,
        api_token_id: None,
        licensee_of: None,
        institution: Some(PrincipalInstitution {
            id: institution.id,
            membership: institution.membership,
            region: institution.region,
        }),
        role: Some(Role::Member),
        scopes: Vec::new(),
    }
}

async fn exists<E: Policy>(db: &impl ConnectionTrait, p: &Principal, id: Uuid) -> AppResult<bool> {
    Ok(visible::<E>(p)
        .filter(crate::db::id_column::<E>().eq(id))
        .one(db)
        .await?
        .is_some())
}

/// Whether `p` may see the changed row `id` of the audit trail's `entity_type` now. Kinds of
/// rows webhooks do not carry are never seen.
pub async fn may_see_change(
    db: &impl ConnectionTrait,
    p: &Principal,
    entity_type: &str,
    id: Uuid,
) -> AppResult<bool> {
    match entity_type {
        "Deal" => exists::<deal::Entity>(db, p, id).await,
        "RoyaltyReport" => exists::<royalty_report::Entity>(db, p, id).await,
        "Income" => exists::<income::Entity>(db, p, id).await,
        "Technology" => exists::<technology::Entity>(db, p, id).await,
        "IpAsset" => exists::<ip_asset::Entity>(db, p, id).await,
        "Enrollment" => exists::<enrollment::Entity>(db, p, id).await,
        "DeadlineReminder" => exists::<deadline_reminder::Entity>(db, p, id).await,
        _ => Ok(false),
    }
}
