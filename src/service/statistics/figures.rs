//! From aggregate rows to the figures of a breakdown, with small-cell protection: a money
//! figure built from fewer than `min_cell` records of institutions other than the viewer's own
//! is withheld (its count stays), and so is what would give it away by subtraction (see
//! [`super::disclosure`]). Pure; no I/O.

use std::collections::{BTreeMap, BTreeSet};

use super::{
    disclosure::{self, Group},
    query::{CellKey, CountRow, Dim, MoneyRow},
};

/// The sum of one currency in one cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoneyFigure {
    pub currency: String,
    /// Minor units; meaningless when `suppressed` (callers must not show it).
    pub amount: i64,
    /// How many records (deals, incomes) the sum is built from.
    pub records: i64,
    /// How many of them are not the viewer's own.
    pub foreign: i64,
    pub suppressed: bool,
}

/// One cell: up to three counts (their meaning is the metric's) and money per currency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figure {
    pub counts: [i64; 3],
    pub money: Vec<MoneyFigure>,
}

/// A metric: its total and its breakdowns.
#[derive(Debug, Clone, Default)]
pub struct Breakdown {
    pub total: Figure,
    pub by_year: Vec<(i32, Figure)>,
    /// By institution slug.
    pub by_institution: Vec<(String, Figure)>,
    /// By region (its stored name).
    pub by_region: Vec<(String, Figure)>,
    /// By the metric's key (field, office, kind).
    pub by_key: Vec<(String, Figure)>,
}

/// Whether a money figure must be withheld.
pub fn suppressed(foreign: i64, min_cell: i64) -> bool {
    foreign > 0 && foreign < min_cell
}

/// Puts counts and money rows together into breakdowns. `protect`: whether small-cell
/// protection applies to this viewer.
pub fn assemble(
    counts: Vec<(Dim, Vec<CountRow>)>,
    money: Vec<(Dim, Vec<MoneyRow>)>,
    min_cell: i64,
    protect: bool,
) -> Breakdown {
    let mut cells: BTreeMap<(u8, CellKey), Figure> = BTreeMap::new();
    let slot = |dim: Dim| dim as u8;
    for (dim, rows) in counts {
        for row in rows {
            cells.entry((slot(dim), row.cell)).or_default().counts = row.counts;
        }
    }
    let mut sums: BTreeMap<(u8, CellKey, String), MoneyFigure> = BTreeMap::new();
    let mut region_of: BTreeMap<String, String> = BTreeMap::new();
    for (dim, rows) in money {
        for row in rows {
            if let (CellKey::Text(slug), Some(region)) = (&row.cell, &row.region) {
                region_of.insert(slug.clone(), region.clone());
            }
            let m = sums
                .entry((slot(dim), row.cell, row.currency.clone()))
                .or_insert_with(|| MoneyFigure {
                    currency: row.currency.clone(),
                    amount: 0,
                    records: 0,
                    foreign: 0,
                    suppressed: false,
                });
            m.amount += row.amount;
            m.records += row.records;
            m.foreign += row.foreign;
        }
    }
    for m in sums.values_mut() {
        m.suppressed = protect && suppressed(m.foreign, min_cell);
    }
    if protect {
        withhold_complements(&mut sums, &region_of, min_cell);
    }
    for ((dim, cell, _), m) in sums {
        cells.entry((dim, cell)).or_default().money.push(m);
    }
    let mut out = Breakdown::default();
    for ((dim, cell), figure) in cells {
        match (dim, cell) {
            (d, CellKey::Total) if d == Dim::Total as u8 => out.total = figure,
            (_, CellKey::Year(y)) => out.by_year.push((y, figure)),
            (d, CellKey::Text(t)) if d == Dim::Institution as u8 => {
                out.by_institution.push((t, figure))
            }
            (d, CellKey::Text(t)) if d == Dim::Region as u8 => out.by_region.push((t, figure)),
            (_, CellKey::Text(t)) => out.by_key.push((t, figure)),
            _ => {}
        }
    }
    out
}

/// Secondary suppression, per currency, over the relations between a metric's cells: the total
/// is the sum of the years, of the institutions, of the regions and of the keys; a region is
/// the sum of its institutions. Expects the money of every breakdown (a breakdown's cells are
/// withheld alike whichever of them a request shows).
fn withhold_complements(
    sums: &mut BTreeMap<(u8, CellKey, String), MoneyFigure>,
    region_of: &BTreeMap<String, String>,
    min_cell: i64,
) {
    let currencies: BTreeSet<String> = sums.keys().map(|(_, _, c)| c.clone()).collect();
    for currency in currencies {
        let keys: Vec<(u8, CellKey, String)> = sums
            .keys()
            .filter(|(_, _, c)| *c == currency)
            .cloned()
            .collect();
        let mut cells: Vec<disclosure::Cell> = keys
            .iter()
            .filter_map(|k| sums.get(k))
            .map(|m| disclosure::Cell {
                amount: m.amount,
                foreign: m.foreign,
                hidden: m.suppressed,
            })
            .collect();
        let of_dim = |dim: Dim| -> Vec<usize> {
            (0..keys.len())
                .filter(|&i| keys[i].0 == dim as u8)
                .collect()
        };
        let mut groups = Vec::new();
        if let Some(&total) = of_dim(Dim::Total).first() {
            for dim in [Dim::Year, Dim::Institution, Dim::Region, Dim::Key] {
                let parts = of_dim(dim);
                if !parts.is_empty() {
                    groups.push(Group {
                        margin: total,
                        parts,
                    });
                }
            }
        }
        for r in of_dim(Dim::Region) {
            let CellKey::Text(region) = &keys[r].1 else {
                continue;
            };
            let parts = of_dim(Dim::Institution)
                .into_iter()
                .filter(|&i| {
                    matches!(&keys[i].1, CellKey::Text(slug) if region_of.get(slug) == Some(region))
                })
                .collect();
            groups.push(Group { margin: r, parts });
        }
        disclosure::protect(&mut cells, &groups, min_cell);
        for (key, cell) in keys.iter().zip(cells) {
            if let Some(m) = sums.get_mut(key) {
                m.suppressed = cell.hidden;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money_row(dim_cell: CellKey, currency: &str, amount: i64, foreign: i64) -> MoneyRow {
        MoneyRow {
            cell: dim_cell,
            region: None,
            currency: currency.into(),
            amount,
            records: foreign.max(1),
            foreign,
        }
    }

    #[test]
    fn small_cells_of_others_are_withheld_and_own_records_are_not() {
        assert!(suppressed(1, 3));
        assert!(suppressed(2, 3));
        assert!(!suppressed(3, 3));
        assert!(
            !suppressed(0, 3),
            "only the viewer's own records: nothing to protect"
        );
    }

    #[test]
    fn money_is_summed_per_currency_across_years_never_across_currencies() {
        let b = assemble(
            vec![(
                Dim::Total,
                vec![CountRow {
                    cell: CellKey::Total,
                    counts: [4, 0, 0],
                }],
            )],
            vec![(
                Dim::Total,
                vec![
                    money_row(CellKey::Total, "EUR", 100, 1),
                    money_row(CellKey::Total, "EUR", 50, 2),
                    money_row(CellKey::Total, "CNY", 7, 1),
                ],
            )],
            3,
            true,
        );
        assert_eq!(b.total.counts[0], 4);
        let eur = b.total.money.iter().find(|m| m.currency == "EUR").unwrap();
        assert_eq!((eur.amount, eur.foreign, eur.suppressed), (150, 3, false));
        let cny = b.total.money.iter().find(|m| m.currency == "CNY").unwrap();
        assert!(cny.suppressed);
        let unprotected = assemble(
            Vec::new(),
            vec![(Dim::Year, vec![money_row(CellKey::Year(2026), "CNY", 7, 1)])],
            3,
            false,
        );
        assert!(!unprotected.by_year[0].1.money[0].suppressed);
    }
}
