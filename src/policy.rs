//! The access policy: the one place that decides who sees which rows.
//!
//! A [`Principal`] becomes a row filter (a sea-query [`Condition`]) per entity through the
//! [`Policy`] trait. Every read starts from [`visible`], which applies it — root lists, `node`,
//! nested relations through DataLoaders, counts and searches alike — so a row the viewer may not
//! see is simply absent, and its existence does not leak. Rows that belong to a parent (an IP
//! asset's owners, a deal's events, …) are visible exactly when their parent is: their filter is
//! "parent id is among the visible parents", built from the parent's own rule.
//!
//! API tokens are further limited to their read scopes: without `ip:read`, say, no IP asset is
//! visible on any path.
//!
//! A licensee's account or API token (role `LICENSEE`, bound to an external organisation, no
//! institution) sees what an anonymous caller sees, plus the deals its organisation receives
//! (with their history, milestones, royalty reports and incomes), the technologies those deals
//! license, and its organisation. The rules below get that by construction: every clause that
//! widens visibility needs an institution, a consortium membership or a role the licensee does
//! not have, except the licensee clauses of deals, technologies and organisations.

use entity::{
    agreement, agreement_party, api_token, audit_event, calendar_feed_token, deadline_record,
    deadline_reminder, deadline_reopening, deal, deal_event, deal_milestone, enrollment,
    enums::{AgreementStatus, DealStage, EnrollmentStatus, IpStatus, Membership, Role, Visibility},
    external_organization, income, institution, institution_email_domain, ip_asset, ip_ownership,
    person, royalty_report, technology, technology_inventor, technology_reader,
    technology_translation, training_program, user, venture, venture_equity_change,
    venture_founder, venture_milestone,
};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, QueryFilter, Select,
    sea_query::{Expr, ExprTrait, Query, QueryStatementBuilder, SelectStatement},
};
use uuid::Uuid;

mod ip_changes;
mod ip_costs;
pub mod statistics;
pub mod webhook;

pub use ip_costs::{ensure_cost_admin, may_see_costs};

use crate::{
    auth::{Principal, PrincipalKind, scope},
    error::{AppError, AppResult},
};

/// An entity whose rows are filtered per principal.
pub trait Policy: EntityTrait {
    /// Rows of this entity the principal may read, the clauses that link a row to lists of
    /// other rows written in `form` (see [`Form`]).
    fn rule(principal: &Principal, form: Form) -> Condition;

    /// Rows of this entity the principal may read, for a statement that scans them.
    fn row_filter(principal: &Principal) -> Condition {
        Self::rule(principal, Form::List)
    }

    /// The same rule for a statement that tests a few rows it already picked by id or foreign
    /// key (a DataLoader's batch, a parent behind [`child_of`]).
    fn probe_filter(principal: &Principal) -> Condition {
        Self::rule(principal, Form::Probe)
    }
}

/// How a clause that links a row to a list of rows is written. One rule, two renderings,
/// because the databases' best plans differ with the number of rows tested: for a page of a
/// thousand technologies SQLite builds each list once and PostgreSQL hashes it; for the twenty
/// technologies of a batch both probe indexes per row, where a list would be built in full.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Form {
    /// `column IN (SELECT …)`: the list, built once per statement.
    List,
    /// `EXISTS (SELECT … WHERE … = column)`: a probe per row tested.
    Probe,
}

/// The starting point of every read: `E::find()` restricted to what `principal` may see.
pub fn visible<E: Policy>(principal: &Principal) -> Select<E> {
    E::find().filter(E::row_filter(principal))
}

/// [`visible`] for a statement that also restricts the rows by id or foreign key to a few
/// (a DataLoader's batch): the rule as [`Policy::probe_filter`] writes it.
pub fn visible_among<E: Policy>(principal: &Principal) -> Select<E> {
    E::find().filter(E::probe_filter(principal))
}

/// Ids of the rows of `E` that `principal` may see, as a subquery.
pub fn visible_ids<E: Policy>(principal: &Principal) -> SelectStatement {
    let id = crate::db::id_column::<E>();
    Query::select()
        .expr(Expr::col((E::default(), id)))
        .from(E::default())
        .cond_where(E::row_filter(principal))
        .to_owned()
}

fn everything() -> Condition {
    Condition::all()
}

fn nothing() -> Condition {
    Condition::all().add(Expr::val(1).eq(0))
}

/// `cond`, for API tokens only when they hold `scope`.
fn scoped(p: &Principal, scope: &str, cond: impl FnOnce() -> Condition) -> Condition {
    if p.has_scope(scope) {
        cond()
    } else {
        nothing()
    }
}

/// Rows whose `column` points at a visible `Parent`. As a list, `column IN (SELECT id FROM
/// parent WHERE <parent's rule>)`; as a probe, `EXISTS (SELECT 1 FROM parent WHERE parent.id =
/// column AND <parent's rule, probing>)` — both databases then test only the parents the
/// statement reaches (an index probe each) instead of working out every visible parent.
fn child_of<Parent: Policy>(p: &Principal, form: Form, column: impl ColumnTrait) -> Condition {
    match form {
        Form::List => Condition::all().add(column.in_subquery(visible_ids::<Parent>(p))),
        Form::Probe => {
            let id = crate::db::id_column::<Parent>();
            exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from(Parent::default())
                    .and_where(Expr::col((Parent::default(), id)).equals(column.as_column_ref()))
                    .cond_where(Parent::probe_filter(p))
                    .to_owned(),
            )
        }
    }
}

/// `EXISTS (select)`.
fn exists(select: SelectStatement) -> Condition {
    Condition::all().add(Expr::exists(select))
}

/// Whether `outer` is among the values of `column` in `select`: `outer IN (SELECT column …)`,
/// or as a probe `(SELECT 1 … AND column = outer LIMIT 1) IS NOT NULL`. For the probe, the
/// tables in `select` must differ from `outer`'s, or its name would bind to them.
///
/// The probe is a scalar subquery rather than `EXISTS`, because these clauses sit under an `OR`
/// (one of a rule's alternatives), where PostgreSQL plans an `EXISTS` as an "alternative
/// subplan" and mostly picks the hashed one: it builds the whole list — all 286 IP assets an
/// institution co-owns — to test the eleven deals of a batch, 0.31 ms where the probes take
/// 0.06. A scalar subquery is never hashed: it is evaluated for each row that reaches it, one
/// index probe, which is what a batch's statement wants. SQLite evaluates both forms per row.
fn among(
    form: Form,
    mut select: SelectStatement,
    column: impl ColumnTrait,
    outer: impl ColumnTrait,
) -> Condition {
    match form {
        Form::List => {
            select.clear_selects().column(column.as_column_ref());
            Condition::all().add(Expr::col(outer.as_column_ref()).in_subquery(select))
        }
        Form::Probe => {
            select
                .clear_selects()
                .expr(Expr::cust("1"))
                .and_where(Expr::col(column.as_column_ref()).equals(outer.as_column_ref()))
                .limit(1);
            let probe = Expr::SubQuery(None, Box::new(select.into_sub_query_statement()));
            Condition::all().add(probe.is_not_null())
        }
    }
}

fn any_of(conds: impl IntoIterator<Item = Condition>) -> Condition {
    conds.into_iter().fold(Condition::any(), Condition::add)
}

/// Whether the viewer may read records shared with the whole consortium.
fn consortium_reader(p: &Principal) -> bool {
    p.is_consortium_member() || p.is_analyst()
}

/// Institutions are public: the directory of the consortium.
impl Policy for institution::Entity {
    fn rule(_: &Principal, _: Form) -> Condition {
        everything()
    }
}

/// Users: themselves; their institution's admins; center admins.
impl Policy for user::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.is_center_admin() {
            return everything();
        }
        let mut any = Vec::new();
        if let Some(me) = p.user_id {
            any.push(Condition::all().add(user::Column::Id.eq(me)));
        }
        if let Some(inst) = admin_of(p) {
            any.push(Condition::all().add(user::Column::InstitutionId.eq(inst)));
            // The licensee accounts of the organisations it registered, which it manages.
            any.push(
                Condition::all().add(user::Column::OrganizationId.in_subquery(registered_by(inst))),
            );
        }
        if any.is_empty() {
            nothing()
        } else {
            any_of(any)
        }
    }
}

/// An institution's e-mail domains: its own users (the admins who invite people need them) and
/// center admins; not API tokens, not other institutions. See [`may_see_email_domains`].
impl Policy for institution_email_domain::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.kind != PrincipalKind::User {
            return nothing();
        }
        if p.is_center_admin() {
            return everything();
        }
        match p.institution_id() {
            Some(inst) => {
                Condition::all().add(institution_email_domain::Column::InstitutionId.eq(inst))
            }
            None => nothing(),
        }
    }
}

/// Whether `p` may read the e-mail domains of `institution` (`Institution.emailDomains` is null
/// otherwise, rather than an empty list that would read as "none registered").
pub fn may_see_email_domains(p: &Principal, institution: Uuid) -> bool {
    p.kind == PrincipalKind::User
        && (p.is_center_admin() || p.institution_id() == Some(institution))
}

/// The institution whose users, tokens and audit trail `p` administers.
pub fn admin_of(p: &Principal) -> Option<Uuid> {
    if p.role == Some(Role::InstitutionAdmin) && p.api_token_id.is_none() {
        p.institution_id()
    } else {
        None
    }
}

/// API tokens: their institution's admins and center admins; a licensee's tokens, its users.
impl Policy for api_token::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.is_center_admin() && p.api_token_id.is_none() {
            return everything();
        }
        if let Some(org) = licensee_user_of(p) {
            return Condition::all().add(api_token::Column::OrganizationId.eq(org));
        }
        match admin_of(p) {
            Some(inst) => Condition::all().add(api_token::Column::InstitutionId.eq(inst)),
            None => nothing(),
        }
    }
}

/// Calendar feed tokens: their own user only (as a user, not through an API token). Nobody
/// else lists them — not even admins: a feed shows its user's view, which only they should hold.
impl Policy for calendar_feed_token::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        match p.user_id {
            Some(user) if p.kind == PrincipalKind::User => {
                Condition::all().add(calendar_feed_token::Column::UserId.eq(user))
            }
            _ => nothing(),
        }
    }
}

/// The organisation whose API tokens `p` manages: a licensee's users (not its tokens) manage
/// their organisation's tokens.
pub fn licensee_user_of(p: &Principal) -> Option<Uuid> {
    if p.kind == PrincipalKind::User {
        p.licensee()
    } else {
        None
    }
}

/// External organisations registered by `inst`.
fn registered_by(inst: Uuid) -> SelectStatement {
    Query::select()
        .column(external_organization::Column::Id)
        .from(external_organization::Entity)
        .and_where(
            Expr::col((
                external_organization::Entity,
                external_organization::Column::RegisteredBy,
            ))
            .eq(inst),
        )
        .to_owned()
}

/// Licensee organisations: the institution that registered one, the providers of the deals it
/// receives, and its own accounts (analysts see none: they read deals as aggregates only).
impl Policy for external_organization::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        scoped(p, scope::DEAL_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            if let Some(org) = p.licensee() {
                return Condition::all().add(external_organization::Column::Id.eq(org));
            }
            match p.confidential_reader_of() {
                Some(inst) => {
                    let provided = Query::select()
                        .column(deal::Column::RecipientOrganizationId)
                        .from(deal::Entity)
                        .and_where(Expr::col((deal::Entity, deal::Column::ProviderId)).eq(inst))
                        .and_where(
                            Expr::col((deal::Entity, deal::Column::RecipientOrganizationId))
                                .is_not_null(),
                        )
                        .to_owned();
                    Condition::any()
                        .add(external_organization::Column::RegisteredBy.eq(inst))
                        .add(external_organization::Column::Id.in_subquery(provided))
                }
                None => nothing(),
            }
        })
    }
}

/// People (names and institutions): any member institution, their own institution, and the
/// co-inventors of its own people. Their e-mail addresses are narrower: see
/// [`may_see_person_email`].
impl Policy for person::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.is_center_admin() || consortium_reader(p) {
            return everything();
        }
        match p.institution_id() {
            Some(inst) => Condition::any()
                .add(person::Column::InstitutionId.eq(inst))
                .add(person::Column::Id.in_subquery(co_inventors_of(inst))),
            None => nothing(),
        }
    }
}

/// A person's e-mail address: their own institution and center admins.
pub fn may_see_person_email(p: &Principal, person: &person::Model) -> bool {
    p.is_center_admin() || p.institution_id() == Some(person.institution_id)
}

/// Technologies: PUBLIC to everyone; CONSORTIUM to member institutions (and analysts);
/// CONFIDENTIAL to the owner, co-owners of one of its IP assets, parties to one of its deals and
/// the institutions that employ one of its inventors (a co-inventor's institution sees the
/// disclosure that names its researcher). Those relations are read from `technology_readers`,
/// which database triggers keep from the tables they come from (see its migration).
impl Policy for technology::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        scoped(p, scope::TECHNOLOGY_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            let mut any =
                vec![Condition::all().add(technology::Column::Visibility.eq(Visibility::Public))];
            if consortium_reader(p) {
                any.push(
                    Condition::all().add(technology::Column::Visibility.eq(Visibility::Consortium)),
                );
            }
            let id = technology::Column::Id;
            if let Some(inst) = p.confidential_reader_of() {
                // Its relations to the technology, kept on write by the database (see
                // `technology_reader`): one index range instead of four subqueries over IP
                // assets, ownerships, deals and inventors for every technology tested.
                let related = Query::select()
                    .column((
                        technology_reader::Entity,
                        technology_reader::Column::TechnologyId,
                    ))
                    .from(technology_reader::Entity)
                    .and_where(
                        Expr::col((
                            technology_reader::Entity,
                            technology_reader::Column::InstitutionId,
                        ))
                        .eq(inst),
                    )
                    .to_owned();
                any.push(among(
                    form,
                    related,
                    technology_reader::Column::TechnologyId,
                    id,
                ));
            }
            if let Some(org) = p.licensee() {
                // A licensee knows what it licensed: the technology of each of its deals (its
                // inventors are people, which it does not see; its IP assets only as published).
                let licensed = Query::select()
                    .column((deal::Entity, deal::Column::TechnologyId))
                    .from(deal::Entity)
                    .cond_where(licensee_deals(org))
                    .to_owned();
                any.push(among(form, licensed, deal::Column::TechnologyId, id));
            }
            any_of(any)
        })
    }
}

fn technologies_co_owned_by(inst: Uuid) -> SelectStatement {
    Query::select()
        .column((ip_asset::Entity, ip_asset::Column::TechnologyId))
        .from(ip_asset::Entity)
        .inner_join(
            ip_ownership::Entity,
            Expr::col((ip_ownership::Entity, ip_ownership::Column::IpAssetId))
                .equals((ip_asset::Entity, ip_asset::Column::Id)),
        )
        .and_where(Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId)).eq(inst))
        .to_owned()
}

/// Technologies naming one of `inst`'s people as an inventor.
fn technologies_invented_at(inst: Uuid) -> SelectStatement {
    Query::select()
        .column((
            technology_inventor::Entity,
            technology_inventor::Column::TechnologyId,
        ))
        .from(technology_inventor::Entity)
        .inner_join(
            person::Entity,
            Expr::col((person::Entity, person::Column::Id)).equals((
                technology_inventor::Entity,
                technology_inventor::Column::PersonId,
            )),
        )
        .and_where(Expr::col((person::Entity, person::Column::InstitutionId)).eq(inst))
        .to_owned()
}

/// People named as inventors beside one of `inst`'s people: a co-inventor's institution sees
/// who its researcher invented with, member of the consortium or not.
fn co_inventors_of(inst: Uuid) -> SelectStatement {
    Query::select()
        .column((
            technology_inventor::Entity,
            technology_inventor::Column::PersonId,
        ))
        .from(technology_inventor::Entity)
        .and_where(
            Expr::col((
                technology_inventor::Entity,
                technology_inventor::Column::TechnologyId,
            ))
            .in_subquery(technologies_invented_at(inst)),
        )
        .to_owned()
}

/// The deals an external organisation receives.
fn licensee_deals(org: Uuid) -> Condition {
    Condition::all().add(Expr::col((deal::Entity, deal::Column::RecipientOrganizationId)).eq(org))
}

fn deal_party(inst: Uuid) -> Condition {
    Condition::any()
        .add(deal::Column::ProviderId.eq(inst))
        .add(deal::Column::RecipientInstitutionId.eq(inst))
}

/// Translations travel with their technology.
impl Policy for technology_translation::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<technology::Entity>(p, form, technology_translation::Column::TechnologyId)
    }
}

/// Inventors: with their technology, to viewers who may see people at all.
impl Policy for technology_inventor::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        if p.institution_id().is_none() && !p.is_center_admin() {
            return nothing();
        }
        child_of::<technology::Entity>(p, form, technology_inventor::Column::TechnologyId)
    }
}

/// IP assets: with their technology; unpublished ones (DRAFTING, FILED) only to their owners and
/// co-owners (and the technology's owner).
impl Policy for ip_asset::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        scoped(p, scope::IP_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            let published = Condition::all()
                .add(ip_asset::Column::Status.is_not_in([IpStatus::Drafting, IpStatus::Filed]));
            let mut any = vec![published];
            if let Some(inst) = p.confidential_reader_of() {
                let owned = Query::select()
                    .column((ip_ownership::Entity, ip_ownership::Column::IpAssetId))
                    .from(ip_ownership::Entity)
                    .and_where(
                        Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId))
                            .eq(inst),
                    )
                    .to_owned();
                let own_technologies = Query::select()
                    .column((technology::Entity, technology::Column::Id))
                    .from(technology::Entity)
                    .and_where(
                        Expr::col((technology::Entity, technology::Column::OwnerId)).eq(inst),
                    )
                    .to_owned();
                any.push(among(
                    form,
                    owned,
                    ip_ownership::Column::IpAssetId,
                    ip_asset::Column::Id,
                ));
                any.push(among(
                    form,
                    own_technologies,
                    technology::Column::Id,
                    ip_asset::Column::TechnologyId,
                ));
            }
            Condition::all()
                .add(any_of(any))
                .add(child_of::<technology::Entity>(
                    p,
                    form,
                    ip_asset::Column::TechnologyId,
                ))
        })
    }
}

/// Ownership shares travel with their IP asset.
impl Policy for ip_ownership::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<ip_asset::Entity>(p, form, ip_ownership::Column::IpAssetId)
    }
}

/// What was recorded about an asset's deadlines travels with the asset; the money and notes in
/// it only as far as [`may_see_docket_details`] allows.
impl Policy for deadline_record::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<ip_asset::Entity>(p, form, deadline_record::Column::IpAssetId)
    }
}

/// Reminders the docket sent: for the asset's co-owners (the responsible person's institution
/// among them) and center admins, while they may see the asset. Others who see the asset are
/// not reminded of its deadlines.
impl Policy for deadline_reminder::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        let visible = child_of::<ip_asset::Entity>(p, form, deadline_reminder::Column::IpAssetId);
        if p.is_center_admin() {
            return visible;
        }
        let Some(inst) = p.confidential_reader_of() else {
            return nothing();
        };
        let owned = Query::select()
            .column(ip_ownership::Column::IpAssetId)
            .from(ip_ownership::Entity)
            .and_where(
                Expr::col((ip_ownership::Entity, ip_ownership::Column::InstitutionId)).eq(inst),
            )
            .to_owned();
        visible.add(deadline_reminder::Column::IpAssetId.in_subquery(owned))
    }
}

/// Reopened records (the docket's history) travel with the asset, like the records.
impl Policy for deadline_reopening::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<ip_asset::Entity>(p, form, deadline_reopening::Column::IpAssetId)
    }
}

/// Whether `p` may read the fees paid and the notes of the docket of an asset co-owned by
/// `owners`: its co-owners and center admins. Others who see the asset learn only whether a
/// deadline is open, done or waived (as an office's register would tell them).
pub fn may_see_docket_details(p: &Principal, owners: &[Uuid]) -> bool {
    p.is_center_admin()
        || p.confidential_reader_of()
            .is_some_and(|inst| owners.contains(&inst))
}

/// Deals: their parties, and the IP co-owners of the deal's technology, who share in its income
/// (analysts see aggregates, never rows).
impl Policy for deal::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        scoped(p, scope::DEAL_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            if let Some(org) = p.licensee() {
                return licensee_deals(org);
            }
            match p.confidential_reader_of() {
                Some(inst) => deal_party(inst).add(among(
                    form,
                    technologies_co_owned_by(inst),
                    ip_asset::Column::TechnologyId,
                    deal::Column::TechnologyId,
                )),
                None => nothing(),
            }
        })
    }
}

/// A deal's history travels with the deal.
impl Policy for deal_event::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<deal::Entity>(p, form, deal_event::Column::DealId)
    }
}

/// A licence's milestones travel with the deal.
impl Policy for deal_milestone::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<deal::Entity>(p, form, deal_milestone::Column::DealId)
    }
}

/// Royalty reports travel with the deal.
impl Policy for royalty_report::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<deal::Entity>(p, form, royalty_report::Column::DealId)
    }
}

/// Income travels with the deal.
impl Policy for income::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<deal::Entity>(p, form, income::Column::DealId)
    }
}

/// Ventures (DESIGN.md is silent; the incubator's cohort is shared with the consortium):
/// member institutions, analysts, and the lead institution.
impl Policy for venture::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        scoped(p, scope::VENTURE_READ, || {
            if p.is_center_admin() || consortium_reader(p) {
                return everything();
            }
            match p.institution_id() {
                Some(inst) => Condition::all().add(venture::Column::LeadInstitutionId.eq(inst)),
                None => nothing(),
            }
        })
    }
}

impl Policy for venture_milestone::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<venture::Entity>(p, form, venture_milestone::Column::VentureId)
    }
}

impl Policy for venture_equity_change::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<venture::Entity>(p, form, venture_equity_change::Column::VentureId)
    }
}

impl Policy for venture_founder::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<venture::Entity>(p, form, venture_founder::Column::VentureId)
    }
}

/// Training programs: by visibility, like technologies; CONFIDENTIAL ones to the host only.
impl Policy for training_program::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        scoped(p, scope::TRAINING_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            let mut any = vec![
                Condition::all().add(training_program::Column::Visibility.eq(Visibility::Public)),
            ];
            if consortium_reader(p) {
                any.push(
                    Condition::all()
                        .add(training_program::Column::Visibility.eq(Visibility::Consortium)),
                );
            }
            if let Some(inst) = p.confidential_reader_of() {
                any.push(
                    Condition::all().add(training_program::Column::HostInstitutionId.eq(inst)),
                );
            }
            any_of(any)
        })
    }
}

/// Enrollments: the enrolled person's institution and the program's host.
impl Policy for enrollment::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        scoped(p, scope::TRAINING_READ, || {
            if p.is_center_admin() {
                return everything();
            }
            let Some(inst) = p.confidential_reader_of() else {
                return nothing();
            };
            let own_people = Query::select()
                .column(person::Column::Id)
                .from(person::Entity)
                .and_where(Expr::col((person::Entity, person::Column::InstitutionId)).eq(inst))
                .to_owned();
            let hosted = Query::select()
                .column(training_program::Column::Id)
                .from(training_program::Entity)
                .and_where(
                    Expr::col((
                        training_program::Entity,
                        training_program::Column::HostInstitutionId,
                    ))
                    .eq(inst),
                )
                .to_owned();
            Condition::any()
                .add(enrollment::Column::PersonId.in_subquery(own_people))
                .add(enrollment::Column::ProgramId.in_subquery(hosted))
        })
    }
}

/// Agreements (DESIGN.md is silent): the consortium's cooperation agreements are known to its
/// members and analysts; drafts only to their parties.
impl Policy for agreement::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.is_center_admin() {
            return everything();
        }
        let mut any = Vec::new();
        if consortium_reader(p) {
            any.push(Condition::all().add(agreement::Column::Status.ne(AgreementStatus::Draft)));
        }
        if let Some(inst) = p.confidential_reader_of() {
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
            any.push(Condition::all().add(agreement::Column::Id.in_subquery(party_to)));
            // The initiator never loses sight of its own agreement (its partners may withdraw).
            any.push(Condition::all().add(agreement::Column::InitiatorId.eq(inst)));
        }
        if any.is_empty() {
            nothing()
        } else {
            any_of(any)
        }
    }
}

impl Policy for agreement_party::Entity {
    fn rule(p: &Principal, form: Form) -> Condition {
        child_of::<agreement::Entity>(p, form, agreement_party::Column::AgreementId)
    }
}

/// The audit trail: center admins all of it; institution admins their institution's.
impl Policy for audit_event::Entity {
    fn rule(p: &Principal, _: Form) -> Condition {
        if p.is_center_admin() && p.api_token_id.is_none() {
            return everything();
        }
        match admin_of(p) {
            Some(inst) => Condition::all().add(audit_event::Column::InstitutionId.eq(inst)),
            None => nothing(),
        }
    }
}

// ---- Writes -------------------------------------------------------------------------------
//
// Members write their own institution's records; center admins anyone's; analysts nothing.
// An API token writes as a member of its institution, within its `…:write` scopes. Callers load
// the target through `visible` first, so what the viewer cannot see is NOT_FOUND before it can
// be FORBIDDEN.

/// May `p` change records that belong to `owner`, under `scope`?
pub fn ensure_can_write(p: &Principal, owner: Uuid, scope: &str) -> AppResult<()> {
    ensure_writer(p, scope)?;
    if p.is_center_admin() || p.institution_id() == Some(owner) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the owning institution may change this record".into(),
        ))
    }
}

/// May `p` change an IP asset co-owned by `owners`, under `scope`? A co-owned right belongs to
/// each co-owner, so any of them may prosecute it and change its ownership; center admins may
/// change any.
pub fn ensure_co_owner(p: &Principal, owners: &[Uuid], scope: &str) -> AppResult<()> {
    ensure_writer(p, scope)?;
    if p.is_center_admin() || p.institution_id().is_some_and(|i| owners.contains(&i)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only an owner of this IP asset may change it".into(),
        ))
    }
}

/// May `p` write at all, under `scope`?
pub fn ensure_writer(p: &Principal, scope: &str) -> AppResult<()> {
    if p.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated("log in to make changes".into()));
    }
    p.require_scope(scope)?;
    if p.is_analyst() {
        return Err(AppError::Forbidden("analysts have read-only access".into()));
    }
    if p.licensee().is_some() {
        return Err(AppError::Forbidden(
            "a licensee's account only submits royalty reports on its licences".into(),
        ));
    }
    if p.institution
        .as_ref()
        .is_some_and(|i| i.membership == Membership::Suspended)
        && !p.is_center_admin()
    {
        return Err(AppError::Forbidden(
            "your institution's membership is suspended".into(),
        ));
    }
    Ok(())
}

/// The institution a new record belongs to: the viewer's own, or — for center admins only —
/// the one the input names (`field` is reported when another one is refused).
pub fn owner_for_new(
    p: &Principal,
    requested: Option<Uuid>,
    scope: &str,
    field: &str,
) -> AppResult<Uuid> {
    ensure_writer(p, scope)?;
    let own = p.institution_id();
    match requested {
        Some(id) if Some(id) == own || p.is_center_admin() => Ok(id),
        Some(_) => Err(AppError::Forbidden(format!(
            "`{field}`: only a center admin may create records for another institution"
        ))),
        None => own.ok_or_else(|| {
            AppError::bad_input(field, "name the institution the record belongs to")
        }),
    }
}

/// May `p` manage the users and API tokens of `institution`? Its INSTITUTION_ADMINs and
/// CENTER_ADMINs may; API tokens never (they carry no scope for it).
pub fn ensure_account_admin(p: &Principal, institution: Uuid) -> AppResult<()> {
    if p.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated(
            "log in to manage accounts".into(),
        ));
    }
    p.forbid_api_token()?;
    if p.is_center_admin() {
        return Ok(());
    }
    let suspended = p
        .institution
        .as_ref()
        .is_some_and(|i| i.membership == Membership::Suspended);
    match admin_of(p) {
        Some(own) if own == institution && !suspended => Ok(()),
        Some(own) if own == institution => Err(AppError::Forbidden(
            "your institution's membership is suspended".into(),
        )),
        _ => Err(AppError::Forbidden(
            "only the institution's admins and center admins manage its users and API tokens"
                .into(),
        )),
    }
}

/// May `p` give `role` to a user, or manage a user holding it? Center-wide roles (CENTER_ADMIN,
/// ANALYST) are the center admins' to grant; institution admins manage their MEMBERs and
/// INSTITUTION_ADMINs (and the LICENSEE accounts of the organisations they registered).
pub fn ensure_may_grant_role(p: &Principal, role: Role) -> AppResult<()> {
    if p.is_center_admin() || matches!(role, Role::Member | Role::InstitutionAdmin | Role::Licensee)
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only a center admin manages CENTER_ADMIN and ANALYST users".into(),
        ))
    }
}

/// Loads the row `id` of `E` if `p` may see it, else NOT_FOUND naming `what`.
pub async fn find_visible<E>(
    db: &impl sea_orm::ConnectionTrait,
    p: &Principal,
    id: Uuid,
    what: &'static str,
) -> AppResult<E::Model>
where
    E: Policy,
{
    let id_col = crate::db::id_column::<E>();
    visible_among::<E>(p)
        .filter(id_col.eq(id))
        .one(db)
        .await?
        .ok_or(AppError::NotFound(what))
}

// ---- Deal parties ---------------------------------------------------------------------------
//
// A deal has two sides: the provider grants the rights, the recipient (licensee) takes them.
// Callers load the deal through `visible` first, so outsiders get NOT_FOUND before these rules
// can say FORBIDDEN. Center admins may act for either side (e.g. key in the paper royalty report
// of an external licensee, which has no account).

/// Whether `p` acts for the deal's provider.
pub fn is_deal_provider(p: &Principal, deal: &deal::Model) -> bool {
    p.institution_id() == Some(deal.provider_id)
}

/// Whether `p` acts for the deal's recipient: a partner institution, or an external
/// organisation through its licensee accounts.
pub fn is_deal_recipient(p: &Principal, deal: &deal::Model) -> bool {
    (deal.recipient_institution_id.is_some() && p.institution_id() == deal.recipient_institution_id)
        || (deal.recipient_organization_id.is_some()
            && p.licensee() == deal.recipient_organization_id)
}

/// Provider-only actions: moving the deal along, deciding royalty reports, recording income.
pub fn ensure_deal_provider(p: &Principal, deal: &deal::Model) -> AppResult<()> {
    ensure_writer(p, scope::DEAL_WRITE)?;
    if p.is_center_admin() || is_deal_provider(p, deal) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the providing institution may do this".into(),
        ))
    }
}

/// Which lines of an income's distribution a viewer sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistributionView {
    /// Every line: the provider's own accounting.
    All,
    /// The inventors' lines and this institution's own line: what concerns an IP co-owner
    /// (another co-owner's part is that co-owner's business).
    CoOwner(Uuid),
    /// None (the distribution is null).
    Hidden,
}

/// An income's distribution is the provider's accounting: it weighs every live IP asset of the
/// technology, unpublished filings and their co-owners included. The provider (and center
/// admins) see all of it; an IP co-owner of the technology (`co_owners`) sees the inventors'
/// lines and its own; anyone else — the licensee, say — nothing, since it would reveal filings
/// it may not see.
pub fn income_distribution_view(
    p: &Principal,
    deal: &deal::Model,
    co_owners: &[Uuid],
) -> DistributionView {
    if p.is_center_admin() || is_deal_provider(p, deal) {
        return DistributionView::All;
    }
    match p.confidential_reader_of() {
        Some(inst) if co_owners.contains(&inst) => DistributionView::CoOwner(inst),
        _ => DistributionView::Hidden,
    }
}

/// Recipient-only actions: submitting royalty reports (the provider may not report to itself).
/// The one write a licensee's account makes.
pub fn ensure_deal_recipient(p: &Principal, deal: &deal::Model) -> AppResult<()> {
    if p.licensee().is_some() {
        p.require_scope(scope::DEAL_WRITE)?;
        return if is_deal_recipient(p, deal) {
            Ok(())
        } else {
            Err(AppError::Forbidden(
                "only the recipient (the licensee) may do this".into(),
            ))
        };
    }
    ensure_writer(p, scope::DEAL_WRITE)?;
    if p.is_center_admin() || is_deal_recipient(p, deal) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the recipient institution (the licensee) may do this".into(),
        ))
    }
}

/// Who may move a deal to `to`: the provider any way the stage machine allows; the recipient
/// only to `LOST` — a prospective licensee may walk away before signing, but it cannot advance
/// or end the provider's deal.
pub fn ensure_may_move_deal(p: &Principal, deal: &deal::Model, to: DealStage) -> AppResult<()> {
    ensure_writer(p, scope::DEAL_WRITE)?;
    if p.is_center_admin() || is_deal_provider(p, deal) {
        return Ok(());
    }
    if is_deal_recipient(p, deal) && to == DealStage::Lost {
        return Ok(());
    }
    Err(AppError::Forbidden(if is_deal_recipient(p, deal) {
        "the recipient may only withdraw from a deal (move it to LOST)".into()
    } else {
        "only the providing institution may move this deal".into()
    }))
}

// ---- Write rules of particular areas --------------------------------------------------------

/// People are named by every area (inventors, founders, trainees), so an API token may write
/// them with the write scope of any of those areas. Returns the scope the write goes under.
pub fn people_write_scope(p: &Principal) -> &'static str {
    [
        scope::TECHNOLOGY_WRITE,
        scope::VENTURE_WRITE,
        scope::TRAINING_WRITE,
    ]
    .into_iter()
    .find(|s| p.has_scope(s))
    .unwrap_or(scope::TECHNOLOGY_WRITE)
}

/// Cooperation agreements are signed by people, not systems: users write them (the parties,
/// or center admins); API tokens do not, whatever their scopes.
pub fn ensure_agreement_writer(p: &Principal) -> AppResult<()> {
    if p.api_token_id.is_some() {
        return Err(AppError::Forbidden(
            "agreements are changed by users, not API tokens".into(),
        ));
    }
    ensure_writer(p, scope::TECHNOLOGY_WRITE)
}

/// May `p` change an agreement between `parties`? One of the parties, or a center admin.
pub fn ensure_agreement_party(p: &Principal, parties: &[Uuid]) -> AppResult<()> {
    ensure_agreement_writer(p)?;
    if p.is_center_admin() || p.institution_id().is_some_and(|i| parties.contains(&i)) {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only a party to the agreement may change it".into(),
        ))
    }
}

/// Only the institution that initiated an agreement (or a center admin) edits its parties; any
/// other party may only withdraw itself (`after` = `before` without it).
pub fn ensure_may_change_parties(
    p: &Principal,
    initiator: Option<Uuid>,
    before: &[Uuid],
    after: &[Uuid],
) -> AppResult<()> {
    ensure_agreement_writer(p)?;
    if p.is_center_admin() {
        return Ok(());
    }
    let own = p.institution_id();
    if own.is_some() && own == initiator {
        return Ok(());
    }
    let withdrawal = own.is_some_and(|own| {
        let mut rest: Vec<Uuid> = before.iter().copied().filter(|i| *i != own).collect();
        let mut after = after.to_vec();
        rest.sort();
        after.sort();
        before.contains(&own) && rest == after
    });
    if withdrawal {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the institution that initiated the agreement edits its parties; \
             another party may only withdraw itself"
                .into(),
        ))
    }
}

/// Institutions and their memberships (admission, suspension, observer status) are managed by
/// the center's staff: center admins signed in as users, never API tokens.
pub fn ensure_can_manage_institutions(p: &Principal) -> AppResult<()> {
    if p.kind == PrincipalKind::Anonymous {
        return Err(AppError::Unauthenticated("log in to make changes".into()));
    }
    if p.is_center_admin() && p.api_token_id.is_none() {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the center's administrators manage institutions and memberships".into(),
        ))
    }
}

/// Who decides an enrollment: the host institution (any decision) and center admins; the
/// enrolled person's institution may only withdraw its own person.
pub fn ensure_can_decide_enrollment(
    p: &Principal,
    host: Uuid,
    person_institution: Uuid,
    to: EnrollmentStatus,
) -> AppResult<()> {
    ensure_writer(p, scope::TRAINING_WRITE)?;
    let own = p.institution_id();
    if p.is_center_admin()
        || own == Some(host)
        || (to == EnrollmentStatus::Withdrawn && own == Some(person_institution))
    {
        Ok(())
    } else {
        Err(AppError::Forbidden(
            "only the host institution decides enrollments; the participant's institution may withdraw"
                .into(),
        ))
    }
}

// Seats taken in a training program (its ACCEPTED and COMPLETED enrollments, counted whoever
// they are) are shown to everyone who may see the program, as `TrainingProgram.seatsLeft`:
// capacity use is not confidential and a number names no one. The enrollments themselves stay
// under their own rule above, in lists, `node` and `totalCount` alike.

#[cfg(test)]
mod tests {
    use entity::enums::Region;

    use super::*;
    use crate::auth::PrincipalInstitution;

    fn token(inst: Uuid, scopes: &[&str]) -> Principal {
        Principal {
            kind: PrincipalKind::ApiToken,
            user_id: None,
            api_token_id: Some(Uuid::now_v7()),
            institution: Some(PrincipalInstitution {
                id: inst,
                membership: Membership::Member,
                region: Region::BalkanPeninsula,
            }),
            licensee_of: None,
            role: Some(Role::Member),
            scopes: scopes.iter().map(|s| s.to_string()).collect(),
        }
    }

    /// A batch's rule probes per row where a relation is one of several alternatives: never an
    /// `EXISTS` under `OR`, which PostgreSQL answers by hashing the whole list (see [`among`]).
    #[test]
    fn a_batch_probes_the_relations_it_tests_and_a_scan_lists_them() {
        use sea_orm::sea_query::{PostgresQueryBuilder, SqliteQueryBuilder};
        let p = token(Uuid::now_v7(), scope::ALL);
        let render = |cond: Condition| {
            let select = Query::select()
                .column(deal::Column::Id)
                .from(deal::Entity)
                .cond_where(cond)
                .to_owned();
            [
                select.to_string(PostgresQueryBuilder),
                select.to_string(SqliteQueryBuilder),
            ]
        };
        for sql in render(deal::Entity::probe_filter(&p)) {
            assert!(!sql.contains("EXISTS"), "{sql}");
            assert!(
                sql.contains(
                    r#"OR (SELECT 1 FROM "ip_assets" INNER JOIN "ip_ownerships""#
                ) && sql.contains(r#""ip_assets"."technology_id" = "deals"."technology_id" LIMIT 1) IS NOT NULL"#),
                "{sql}"
            );
        }
        for sql in render(deal::Entity::row_filter(&p)) {
            assert!(
                sql.contains(
                    r#"OR "deals"."technology_id" IN (SELECT "ip_assets"."technology_id""#
                ),
                "{sql}"
            );
        }
    }

    #[test]
    fn tokens_write_people_under_any_area_s_write_scope() {
        let inst = Uuid::now_v7();
        for s in [
            scope::TECHNOLOGY_WRITE,
            scope::VENTURE_WRITE,
            scope::TRAINING_WRITE,
        ] {
            let p = token(inst, &[s]);
            assert!(ensure_writer(&p, people_write_scope(&p)).is_ok(), "{s}");
        }
        let reader = token(inst, &[scope::TRAINING_READ]);
        assert!(ensure_writer(&reader, people_write_scope(&reader)).is_err());
    }

    #[test]
    fn tokens_do_not_sign_agreements_or_manage_institutions() {
        let inst = Uuid::now_v7();
        let p = token(inst, scope::ALL);
        assert!(matches!(
            ensure_agreement_party(&p, &[inst, Uuid::now_v7()]),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            ensure_can_manage_institutions(&p),
            Err(AppError::Forbidden(_))
        ));
        assert!(matches!(
            ensure_can_manage_institutions(&Principal::anonymous()),
            Err(AppError::Unauthenticated(_))
        ));
    }

    #[test]
    fn the_host_decides_enrollments_and_the_participant_s_institution_withdraws() {
        let (host, other) = (Uuid::now_v7(), Uuid::now_v7());
        let as_host = token(host, &[scope::TRAINING_WRITE]);
        let as_other = token(other, &[scope::TRAINING_WRITE]);
        use EnrollmentStatus::*;
        assert!(ensure_can_decide_enrollment(&as_host, host, other, Accepted).is_ok());
        assert!(ensure_can_decide_enrollment(&as_other, host, other, Withdrawn).is_ok());
        assert!(ensure_can_decide_enrollment(&as_other, host, other, Accepted).is_err());
        assert!(ensure_can_decide_enrollment(&as_other, host, host, Withdrawn).is_err());
        let reader = token(host, &[scope::TRAINING_READ]);
        assert!(ensure_can_decide_enrollment(&reader, host, other, Accepted).is_err());
    }
}
