//! The metrics of the partners' annual surveys (AUTM, ASTP, China's annual report on
//! technology transfer), each as a SQL source: what is counted, when, attributed to which
//! institution, broken down by which key.

use sea_orm::{
    Condition,
    sea_query::{Alias, Expr, ExprTrait, JoinType, Query, SelectStatement, SimpleExpr},
};

use entity::{
    agreement, agreement_party, deal, deal_event, enrollment, income, institution, ip_asset,
    ip_ownership, person, technology, technology_inventor, training_program, venture,
};

use super::{
    Scope,
    query::{Counted, Dim, INST, Priced, inst_col},
};
use crate::policy::statistics as rule;

/// Every metric the statistics answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    Disclosures,
    PatentApplications,
    PatentsGranted,
    LicensesExecuted,
    ActiveLicenses,
    LicensesYieldingIncome,
    LicenseIncome,
    Rewards,
    Ventures,
    TrainingPrograms,
    TrainingParticipants,
    AgreementsSigned,
    AgreementsInForce,
}

/// Licences, options, assignments and equity contributions: "licences and options executed".
pub const EXECUTED_KINDS: [&str; 5] = [
    "EXCLUSIVE_LICENSE",
    "NON_EXCLUSIVE_LICENSE",
    "OPTION",
    "ASSIGNMENT",
    "EQUITY_CONTRIBUTION",
];
/// Licences and options: what can be "active" and "yield income".
const LICENSE_KINDS: [&str; 3] = ["EXCLUSIVE_LICENSE", "NON_EXCLUSIVE_LICENSE", "OPTION"];
/// Patent rights (not trademarks, software copyrights or trade secrets).
const PATENT_KINDS: [&str; 4] = [
    "INVENTION_PATENT",
    "UTILITY_MODEL",
    "DESIGN",
    "PCT_APPLICATION",
];

fn col<T: sea_orm::sea_query::IntoIden, C: sea_orm::sea_query::IntoIden>(t: T, c: C) -> SimpleExpr {
    Expr::col((t, c))
}

/// `FROM table JOIN institutions AS stat_inst ON stat_inst.id = <attributed_to>`, restricted
/// to the institutions and regions of the filter.
fn from_attributed<T: sea_orm::sea_query::IntoIden>(
    s: &Scope,
    table: T,
    attributed_to: SimpleExpr,
) -> SelectStatement {
    from_attributed_via(s, table, |_| {}, attributed_to)
}

/// As [`from_attributed`], with the joins `pre` adds before the institution's (the table that
/// names the institution, e.g. the owners of an IP asset).
fn from_attributed_via<T: sea_orm::sea_query::IntoIden>(
    s: &Scope,
    table: T,
    pre: impl FnOnce(&mut SelectStatement),
    attributed_to: SimpleExpr,
) -> SelectStatement {
    let mut q = Query::select();
    q.from(table);
    pre(&mut q);
    q.join_as(
        JoinType::InnerJoin,
        institution::Entity,
        Alias::new(INST),
        inst_col("id").eq(attributed_to),
    );
    if !s.filter.regions.is_empty() {
        q.and_where(
            inst_col("region").is_in(s.filter.regions.iter().map(sea_orm::ActiveEnum::to_value)),
        );
    }
    if !s.filter.institution_ids.is_empty() {
        q.and_where(inst_col("id").is_in(s.filter.institution_ids.iter().copied()));
    }
    q
}

fn field_filter(s: &Scope, field: SimpleExpr) -> Condition {
    if s.filter.fields.is_empty() {
        Condition::all()
    } else {
        Condition::all().add(field.is_in(s.filter.fields.iter().map(sea_orm::ActiveEnum::to_value)))
    }
}

fn join(q: &mut SelectStatement, table: impl sea_orm::sea_query::IntoIden, on: SimpleExpr) {
    q.join(JoinType::InnerJoin, table, on);
}

/// Deals (`from_incomes`: their incomes) with their technology joined when `technology` is
/// needed by the caller or the filter's fields ask for it. Without either the join is left out:
/// it keeps every row (`deals.technology_id` is NOT NULL and a foreign key) and costs a hash
/// join over every technology.
fn deals_of(
    s: &Scope,
    attributed_to: SimpleExpr,
    from_incomes: bool,
    technology: bool,
) -> SelectStatement {
    let technology = technology || !s.filter.fields.is_empty();
    // Deals (and technologies) are joined before the institution, whose ON names them.
    let pre = |q: &mut SelectStatement| {
        if from_incomes {
            join(
                q,
                deal::Entity,
                col(deal::Entity, deal::Column::Id).eq(col(income::Entity, income::Column::DealId)),
            );
        }
        if technology {
            join(
                q,
                technology::Entity,
                col(technology::Entity, technology::Column::Id)
                    .eq(col(deal::Entity, deal::Column::TechnologyId)),
            );
        }
    };
    let mut q = if from_incomes {
        from_attributed_via(s, income::Entity, pre, attributed_to)
    } else {
        from_attributed_via(s, deal::Entity, pre, attributed_to)
    };
    q.cond_where(rule::deals(s.scope));
    q.cond_where(field_filter(
        s,
        col(technology::Entity, technology::Column::Field),
    ));
    q
}

/// What a metric's counts mean, in order.
pub fn count_names(m: Metric) -> [&'static str; 3] {
    match m {
        Metric::PatentApplications => ["filings", "families", "newFilings"],
        Metric::PatentsGranted => ["grants", "families", ""],
        Metric::Rewards => ["people", "", ""],
        Metric::Ventures => ["formed", "graduated", "discontinued"],
        Metric::TrainingParticipants => ["participants", "completed", "crossBorder"],
        _ => ["count", "", ""],
    }
}

/// The sources of `m`, and the breakdowns it has.
pub fn sources(s: &Scope, m: Metric) -> (Counted, Option<Priced>, Vec<Dim>) {
    let years = &s.years;
    let all = Dim::ALL.to_vec();
    let no_year = vec![Dim::Total, Dim::Institution, Dim::Region, Dim::Key];
    match m {
        Metric::Disclosures => {
            let date = col(technology::Entity, technology::Column::DisclosedOn);
            let mut q = from_attributed(
                s,
                technology::Entity,
                col(technology::Entity, technology::Column::OwnerId),
            );
            q.and_where(years.contains(date.clone()))
                .cond_where(rule::technologies(s.scope))
                .cond_where(field_filter(
                    s,
                    col(technology::Entity, technology::Column::Field),
                ));
            let counted = Counted {
                base: q,
                additive: true,
                date,
                key: Some(col(technology::Entity, technology::Column::Field)),
                counted: vec![col(technology::Entity, technology::Column::Id)],
            };
            (counted, None, all)
        }
        Metric::PatentApplications | Metric::PatentsGranted => {
            let date = if m == Metric::PatentApplications {
                col(ip_asset::Entity, ip_asset::Column::FilingDate)
            } else {
                col(ip_asset::Entity, ip_asset::Column::GrantDate)
            };
            // Attributed to each owner: a co-owned filing counts for every co-owner (and
            // once in the totals, which count distinct filings).
            let mut q = from_attributed_via(
                s,
                ip_asset::Entity,
                |q| {
                    join(
                        q,
                        ip_ownership::Entity,
                        col(ip_ownership::Entity, ip_ownership::Column::IpAssetId)
                            .eq(col(ip_asset::Entity, ip_asset::Column::Id)),
                    )
                },
                col(ip_ownership::Entity, ip_ownership::Column::InstitutionId),
            );
            if !s.filter.fields.is_empty() {
                join(
                    &mut q,
                    technology::Entity,
                    col(technology::Entity, technology::Column::Id)
                        .eq(col(ip_asset::Entity, ip_asset::Column::TechnologyId)),
                );
            }
            q.and_where(years.contains(date.clone()))
                .and_where(col(ip_asset::Entity, ip_asset::Column::Kind).is_in(PATENT_KINDS))
                .cond_where(rule::ip_assets(s.scope))
                .cond_where(field_filter(
                    s,
                    col(technology::Entity, technology::Column::Field),
                ));
            let id = col(ip_asset::Entity, ip_asset::Column::Id);
            let family = SimpleExpr::from(sea_orm::sea_query::Func::coalesce([
                col(ip_asset::Entity, ip_asset::Column::FamilyParentId),
                id.clone(),
            ]));
            let mut counted = vec![id.clone(), family];
            if m == Metric::PatentApplications {
                // A first filing: no family parent, filed on its (earliest) priority date.
                let first = Condition::all()
                    .add(col(ip_asset::Entity, ip_asset::Column::FamilyParentId).is_null())
                    .add(
                        Condition::any()
                            .add(col(ip_asset::Entity, ip_asset::Column::PriorityDate).is_null())
                            .add(
                                col(ip_asset::Entity, ip_asset::Column::PriorityDate)
                                    .eq(col(ip_asset::Entity, ip_asset::Column::FilingDate)),
                            ),
                    );
                counted.push(Expr::case(first, id).into());
            }
            let counted = Counted {
                base: q,
                additive: false,
                date,
                key: Some(col(ip_asset::Entity, ip_asset::Column::Jurisdiction)),
                counted,
            };
            (counted, None, all)
        }
        Metric::LicensesExecuted => {
            let date = col(deal::Entity, deal::Column::SignedOn);
            let mut q = deals_of(s, col(deal::Entity, deal::Column::ProviderId), false, false);
            q.and_where(years.contains(date.clone()))
                .and_where(col(deal::Entity, deal::Column::Kind).is_in(EXECUTED_KINDS));
            let key = Some(col(deal::Entity, deal::Column::Kind));
            let id = col(deal::Entity, deal::Column::Id);
            let priced = Priced {
                base: q.clone(),
                date: date.clone(),
                key: key.clone(),
                unit: id.clone(),
                currency: col(deal::Entity, deal::Column::Currency),
                amount: col(deal::Entity, deal::Column::ContractValue),
                foreign: rule::foreign_deal(s.own),
            };
            (
                Counted {
                    base: q,
                    additive: true,
                    date,
                    key,
                    counted: vec![id],
                },
                Some(priced),
                all,
            )
        }
        Metric::ActiveLicenses => {
            // Active at the end of the period: signed by then, and not completed or
            // terminated by then (the deal's history says when it ended).
            let date = col(deal::Entity, deal::Column::SignedOn);
            let end = s.years.to.and_hms_opt(23, 59, 59).map(|t| t.and_utc());
            let ended = Query::select()
                .column((deal_event::Entity, deal_event::Column::DealId))
                .from(deal_event::Entity)
                .and_where(
                    col(deal_event::Entity, deal_event::Column::ToStage)
                        .is_in(["COMPLETED", "TERMINATED"]),
                )
                .and_where(col(deal_event::Entity, deal_event::Column::At).lte(end))
                .to_owned();
            let mut q = deals_of(s, col(deal::Entity, deal::Column::ProviderId), false, false);
            q.and_where(date.clone().lte(s.years.to))
                .and_where(col(deal::Entity, deal::Column::Kind).is_in(LICENSE_KINDS))
                .and_where(col(deal::Entity, deal::Column::Stage).is_in([
                    "SIGNED",
                    "ACTIVE",
                    "COMPLETED",
                    "TERMINATED",
                ]))
                .and_where(col(deal::Entity, deal::Column::Id).not_in_subquery(ended));
            let counted = Counted {
                base: q,
                additive: true,
                date,
                key: Some(col(deal::Entity, deal::Column::Kind)),
                counted: vec![col(deal::Entity, deal::Column::Id)],
            };
            (counted, None, no_year)
        }
        Metric::LicensesYieldingIncome | Metric::LicenseIncome => {
            let date = col(income::Entity, income::Column::ReceivedOn);
            let mut q = deals_of(s, col(deal::Entity, deal::Column::ProviderId), true, false);
            q.and_where(years.contains(date.clone()));
            if m == Metric::LicensesYieldingIncome {
                q.and_where(col(deal::Entity, deal::Column::Kind).is_in(LICENSE_KINDS));
                let counted = Counted {
                    base: q,
                    additive: false,
                    date,
                    key: Some(col(deal::Entity, deal::Column::Kind)),
                    counted: vec![col(deal::Entity, deal::Column::Id)],
                };
                return (counted, None, all);
            }
            let key = Some(col(income::Entity, income::Column::Kind));
            let id = col(income::Entity, income::Column::Id);
            let priced = Priced {
                base: q.clone(),
                date: date.clone(),
                key: key.clone(),
                unit: id.clone(),
                currency: col(income::Entity, income::Column::Currency),
                amount: col(income::Entity, income::Column::Amount),
                foreign: rule::foreign_deal(s.own),
            };
            (
                Counted {
                    base: q,
                    additive: true,
                    date,
                    key,
                    counted: vec![id],
                },
                Some(priced),
                all,
            )
        }
        Metric::Rewards => {
            // The inventors' part of each income: the owner institution's inventor share
            // (rounded down per income), where the technology names inventors.
            let date = col(income::Entity, income::Column::ReceivedOn);
            let mut q = deals_of(
                s,
                col(technology::Entity, technology::Column::OwnerId),
                true,
                true,
            );
            q.and_where(years.contains(date.clone()));
            let with_inventors = Query::select()
                .column(technology_inventor::Column::TechnologyId)
                .from(technology_inventor::Entity)
                .to_owned();
            let mut priced_q = q.clone();
            priced_q.and_where(
                col(technology::Entity, technology::Column::Id).in_subquery(with_inventors),
            );
            let amount = col(income::Entity, income::Column::Amount)
                .mul(inst_col("inventor_share_bp"))
                .div(10_000);
            let priced = Priced {
                base: priced_q,
                date: date.clone(),
                key: None,
                unit: col(income::Entity, income::Column::Id),
                currency: col(income::Entity, income::Column::Currency),
                amount,
                foreign: rule::foreign_deal(s.own),
            };
            join(
                &mut q,
                technology_inventor::Entity,
                col(
                    technology_inventor::Entity,
                    technology_inventor::Column::TechnologyId,
                )
                .eq(col(technology::Entity, technology::Column::Id)),
            );
            let counted = Counted {
                base: q,
                additive: false,
                date,
                key: None,
                counted: vec![col(
                    technology_inventor::Entity,
                    technology_inventor::Column::PersonId,
                )],
            };
            (counted, Some(priced), all)
        }
        Metric::Ventures => {
            let date = col(venture::Entity, venture::Column::FoundedOn);
            let mut q = from_attributed(
                s,
                venture::Entity,
                col(venture::Entity, venture::Column::LeadInstitutionId),
            );
            q.and_where(years.contains(date.clone()))
                .cond_where(rule::ventures(s.scope));
            if !s.filter.fields.is_empty() {
                q.join(
                    JoinType::LeftJoin,
                    technology::Entity,
                    col(technology::Entity, technology::Column::Id)
                        .eq(col(venture::Entity, venture::Column::TechnologyId)),
                );
                q.cond_where(field_filter(
                    s,
                    col(technology::Entity, technology::Column::Field),
                ));
            }
            let id = col(venture::Entity, venture::Column::Id);
            let stage = col(venture::Entity, venture::Column::Stage);
            let key = Some(stage.clone());
            let priced = Priced {
                base: q.clone(),
                date: date.clone(),
                key: key.clone(),
                unit: id.clone(),
                currency: col(venture::Entity, venture::Column::FundingCurrency),
                amount: col(venture::Entity, venture::Column::FundingRaised),
                // Funding is not a deal's price: never withheld.
                foreign: Condition::all().add(Expr::val(1).eq(0)),
            };
            let counted = vec![
                id.clone(),
                Expr::case(stage.clone().eq("GRADUATED"), id.clone()).into(),
                Expr::case(stage.eq("DISCONTINUED"), id).into(),
            ];
            (
                Counted {
                    base: q,
                    additive: true,
                    date,
                    key,
                    counted,
                },
                Some(priced),
                all,
            )
        }
        Metric::TrainingPrograms | Metric::TrainingParticipants => {
            let date = col(training_program::Entity, training_program::Column::StartsOn);
            let host = col(
                training_program::Entity,
                training_program::Column::HostInstitutionId,
            );
            let key = Some(col(
                training_program::Entity,
                training_program::Column::Kind,
            ));
            if m == Metric::TrainingPrograms {
                let mut q = from_attributed(s, training_program::Entity, host);
                q.and_where(years.contains(date.clone()))
                    .cond_where(rule::training_programs(s.scope))
                    .cond_where(field_filter(
                        s,
                        col(training_program::Entity, training_program::Column::Field),
                    ));
                let counted = vec![col(training_program::Entity, training_program::Column::Id)];
                return (
                    Counted {
                        base: q,
                        additive: true,
                        date,
                        key,
                        counted,
                    },
                    None,
                    all,
                );
            }
            // The program and the participant's home institution come before the host.
            let pre = |q: &mut SelectStatement| {
                join(
                    q,
                    training_program::Entity,
                    col(training_program::Entity, training_program::Column::Id)
                        .eq(col(enrollment::Entity, enrollment::Column::ProgramId)),
                );
                join(
                    q,
                    person::Entity,
                    col(person::Entity, person::Column::Id)
                        .eq(col(enrollment::Entity, enrollment::Column::PersonId)),
                );
                q.join_as(
                    JoinType::InnerJoin,
                    institution::Entity,
                    Alias::new("home_inst"),
                    Expr::col((Alias::new("home_inst"), Alias::new("id")))
                        .eq(col(person::Entity, person::Column::InstitutionId)),
                );
            };
            let mut q = from_attributed_via(s, enrollment::Entity, pre, host);
            q.and_where(years.contains(date.clone()))
                .and_where(
                    col(enrollment::Entity, enrollment::Column::Status)
                        .is_in(["ACCEPTED", "COMPLETED"]),
                )
                .cond_where(rule::enrollments(s.scope))
                .cond_where(field_filter(
                    s,
                    col(training_program::Entity, training_program::Column::Field),
                ));
            let id = col(enrollment::Entity, enrollment::Column::Id);
            let counted = vec![
                id.clone(),
                Expr::case(
                    col(enrollment::Entity, enrollment::Column::Status).eq("COMPLETED"),
                    id.clone(),
                )
                .into(),
                Expr::case(
                    Expr::col((Alias::new("home_inst"), Alias::new("region")))
                        .ne(inst_col("region")),
                    id,
                )
                .into(),
            ];
            (
                Counted {
                    base: q,
                    additive: true,
                    date,
                    key,
                    counted,
                },
                None,
                all,
            )
        }
        Metric::AgreementsSigned | Metric::AgreementsInForce => {
            let date = col(agreement::Entity, agreement::Column::SignedOn);
            // Attributed to each party.
            let mut q = from_attributed_via(
                s,
                agreement::Entity,
                |q| {
                    join(
                        q,
                        agreement_party::Entity,
                        col(
                            agreement_party::Entity,
                            agreement_party::Column::AgreementId,
                        )
                        .eq(col(agreement::Entity, agreement::Column::Id)),
                    )
                },
                col(
                    agreement_party::Entity,
                    agreement_party::Column::InstitutionId,
                ),
            );
            q.and_where(col(agreement::Entity, agreement::Column::Status).ne("DRAFT"))
                .cond_where(rule::agreements(
                    s.scope,
                    col(agreement::Entity, agreement::Column::Id),
                ));
            let dims = if m == Metric::AgreementsSigned {
                q.and_where(years.contains(date.clone()));
                all
            } else {
                q.and_where(date.clone().lte(s.years.to))
                    .and_where(col(agreement::Entity, agreement::Column::Status).ne("TERMINATED"))
                    .cond_where(
                        Condition::any()
                            .add(col(agreement::Entity, agreement::Column::ExpiresOn).is_null())
                            .add(
                                col(agreement::Entity, agreement::Column::ExpiresOn)
                                    .gte(s.years.to),
                            ),
                    );
                no_year
            };
            let counted = Counted {
                base: q,
                additive: false,
                date,
                key: Some(col(agreement::Entity, agreement::Column::Kind)),
                counted: vec![col(agreement::Entity, agreement::Column::Id)],
            };
            (counted, None, dims)
        }
    }
}
