//! The statistics as spreadsheet tables (for the CSV and XLSX exports): one table per metric
//! and two for the cross-border flows, each a header row and data rows of text. Money is one
//! column per currency, never summed across currencies; a withheld figure reads `suppressed`.

use std::collections::{BTreeSet, HashMap};

use entity::institution;
use sea_orm::ConnectionTrait;

use super::{Breakdown, Figure, Metric, Scope, cross_border, metrics::count_names, money_text};
use crate::error::{AppError, AppResult};

/// Every table, by the name the export URLs use, with its metric (none for the flows).
pub const TABLES: &[(&str, Option<Metric>)] = &[
    ("inventionDisclosures", Some(Metric::Disclosures)),
    ("patentApplications", Some(Metric::PatentApplications)),
    ("patentsGranted", Some(Metric::PatentsGranted)),
    ("licensesExecuted", Some(Metric::LicensesExecuted)),
    ("activeLicenses", Some(Metric::ActiveLicenses)),
    (
        "licensesYieldingIncome",
        Some(Metric::LicensesYieldingIncome),
    ),
    ("licenseIncome", Some(Metric::LicenseIncome)),
    ("rewardsToIndividuals", Some(Metric::Rewards)),
    ("ventures", Some(Metric::Ventures)),
    ("trainingPrograms", Some(Metric::TrainingPrograms)),
    ("trainingParticipants", Some(Metric::TrainingParticipants)),
    ("agreementsSigned", Some(Metric::AgreementsSigned)),
    ("agreementsInForce", Some(Metric::AgreementsInForce)),
    ("crossBorderRegions", None),
    ("crossBorderInstitutions", None),
];

/// A table: its name, header and rows.
pub struct Table {
    pub name: &'static str,
    pub rows: Vec<Vec<String>>,
}

/// The table named `name` (BAD_USER_INPUT on `table` for an unknown one).
pub fn lookup(name: &str) -> AppResult<(&'static str, Option<Metric>)> {
    TABLES
        .iter()
        .copied()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| {
            let names: Vec<&str> = TABLES.iter().map(|(n, _)| *n).collect();
            AppError::bad_input(
                "table",
                format!("no table {name:?}; one of: {}", names.join(", ")),
            )
        })
}

fn currencies<'a>(figures: impl Iterator<Item = &'a Figure>) -> Vec<String> {
    figures
        .flat_map(|f| f.money.iter().map(|m| m.currency.clone()))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

fn money_cells(f: &Figure, currencies: &[String]) -> Vec<String> {
    currencies
        .iter()
        .map(|c| match f.money.iter().find(|m| &m.currency == c) {
            Some(m) if m.suppressed => "suppressed".to_owned(),
            Some(m) => money_text(m.amount, &m.currency),
            None => String::new(),
        })
        .collect()
}

fn institution_label(slug: &str, institutions: &HashMap<String, institution::Model>) -> String {
    match institutions.get(slug) {
        Some(i) => match &i.local_name {
            Some(local) => format!("{} ({})", i.name, local),
            None => i.name.clone(),
        },
        None => slug.to_owned(),
    }
}

/// A metric's breakdown as rows: breakdown, key, label, counts, one column per currency.
pub fn metric_rows(
    m: Metric,
    b: &Breakdown,
    institutions: &HashMap<String, institution::Model>,
) -> Vec<Vec<String>> {
    let names: Vec<&str> = count_names(m)
        .into_iter()
        .filter(|n| !n.is_empty())
        .collect();
    let mut cells: Vec<(&str, String, String, &Figure)> =
        vec![("total", String::new(), String::new(), &b.total)];
    cells.extend(
        b.by_year
            .iter()
            .map(|(y, f)| ("year", y.to_string(), String::new(), f)),
    );
    cells.extend(b.by_institution.iter().map(|(s, f)| {
        (
            "institution",
            s.clone(),
            institution_label(s, institutions),
            f,
        )
    }));
    cells.extend(
        b.by_region
            .iter()
            .map(|(r, f)| ("region", r.clone(), String::new(), f)),
    );
    cells.extend(
        b.by_key
            .iter()
            .map(|(k, f)| ("key", k.clone(), String::new(), f)),
    );
    let currencies = currencies(cells.iter().map(|c| c.3));
    let mut header: Vec<String> = vec!["breakdown".into(), "key".into(), "name".into()];
    header.extend(names.iter().map(|n| n.to_string()));
    header.extend(currencies.iter().map(|c| format!("amount {c}")));
    let mut rows = vec![header];
    for (breakdown, key, label, f) in cells {
        let mut row = vec![breakdown.to_owned(), key, label];
        row.extend(f.counts.iter().take(names.len()).map(i64::to_string));
        row.extend(money_cells(f, &currencies));
        rows.push(row);
    }
    rows
}

/// Cross-border cells as rows: from, to, the flows, deal values and income per currency.
pub fn flow_rows(
    cells: &[cross_border::Cell],
    level: cross_border::Level,
    institutions: &HashMap<String, institution::Model>,
) -> Vec<Vec<String>> {
    let deal_currencies = currencies(cells.iter().map(|c| &c.deals));
    let income_currencies = currencies(cells.iter().map(|c| &c.income));
    let mut header: Vec<String> = [
        "from",
        "to",
        "deals",
        "incomes",
        "coOwnedIpAssets",
        "coInventedTechnologies",
        "trainingParticipants",
        "jointVentures",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    header.extend(deal_currencies.iter().map(|c| format!("deal value {c}")));
    header.extend(
        income_currencies
            .iter()
            .map(|c| format!("licence income {c}")),
    );
    let mut rows = vec![header];
    let side = |s: &str| match level {
        cross_border::Level::Region => s.to_owned(),
        cross_border::Level::Institution => institution_label(s, institutions),
    };
    for c in cells {
        let mut row = vec![
            side(&c.from),
            side(&c.to),
            c.deals.counts[0].to_string(),
            c.income.counts[0].to_string(),
            c.co_owned_ip_assets.to_string(),
            c.co_invented_technologies.to_string(),
            c.training_participants.to_string(),
            c.joint_ventures.to_string(),
        ];
        row.extend(money_cells(&c.deals, &deal_currencies));
        row.extend(money_cells(&c.income, &income_currencies));
        rows.push(row);
    }
    rows
}

/// Computes the table `name` (or every table when `None`).
pub async fn build(
    db: &impl ConnectionTrait,
    s: &Scope,
    name: Option<&str>,
    institutions: &HashMap<String, institution::Model>,
) -> AppResult<Vec<Table>> {
    let wanted: Vec<(&'static str, Option<Metric>)> = match name {
        Some(n) => vec![lookup(n)?],
        None => TABLES.to_vec(),
    };
    let mut out = Vec::new();
    for (name, metric) in wanted {
        let rows = match metric {
            Some(m) => metric_rows(
                m,
                &super::metric(db, s, m, &super::Wanted::everything()).await?,
                institutions,
            ),
            None => {
                let level = if name == "crossBorderRegions" {
                    cross_border::Level::Region
                } else {
                    cross_border::Level::Institution
                };
                flow_rows(
                    &super::cross_border(db, s, level).await?,
                    level,
                    institutions,
                )
            }
        };
        out.push(Table { name, rows });
    }
    Ok(out)
}
