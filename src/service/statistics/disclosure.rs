//! Complementary disclosure control (secondary suppression). Small-cell protection withholds a
//! money figure built from fewer than `min_cell` records of other institutions; but a withheld
//! cell is one subtraction away when its margin and its siblings are shown: the total minus the
//! other years is the withheld year, a region minus its other institutions is the withheld
//! institution, a region-to-region flow minus its institution-to-institution flows is the part
//! that went to organisations outside the consortium.
//!
//! Each such relation is a [`Group`]: a margin that is the sum of its parts, and of an unlisted
//! remainder (what the parts do not cover, never shown on its own). Per group, what a viewer
//! learns by subtraction is the sum of the hidden parts (and the remainder); that sum is safe
//! when it rests on no record of another institution, or on at least `min_cell` of them — the
//! rule a cell itself must meet. When it is not safe, the next smallest shown part built on
//! others' records is withheld too (the standard heuristic: least information lost), until it
//! is. A withheld margin whose parts are all shown would be their sum: one of its parts is
//! withheld as well. Withholding only ever grows, so this ends. Pure; no I/O.

/// One money figure of one currency: its sum and how many of its records are others'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cell {
    pub amount: i64,
    /// Records of institutions other than the viewer's own.
    pub foreign: i64,
    pub hidden: bool,
}

impl Cell {
    /// A cell withheld by the primary rule when `protect`.
    pub fn new(amount: i64, foreign: i64, min_cell: i64, protect: bool) -> Cell {
        Cell {
            amount,
            foreign,
            hidden: protect && primary(foreign, min_cell),
        }
    }
}

/// The primary rule: a figure resting on some, but fewer than `min_cell`, records of others.
pub fn primary(foreign: i64, min_cell: i64) -> bool {
    foreign > 0 && foreign < min_cell
}

/// `cells[margin]` is the sum of `cells[parts]` and of a remainder that is never shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub margin: usize,
    pub parts: Vec<usize>,
}

/// Withholds, in addition to the cells already hidden, what keeps every group from revealing
/// a hidden cell (or the remainder) by subtraction.
pub fn protect(cells: &mut [Cell], groups: &[Group], min_cell: i64) {
    loop {
        let mut changed = false;
        for g in groups {
            if let Some(i) = next_to_hide(cells, g, min_cell) {
                cells[i].hidden = true;
                changed = true;
            }
        }
        if !changed {
            return;
        }
    }
}

/// The cell `g` needs withheld next, if any.
fn next_to_hide(cells: &[Cell], g: &Group, min_cell: i64) -> Option<usize> {
    let margin = cells[g.margin];
    let parts_foreign: i64 = g.parts.iter().map(|&p| cells[p].foreign).sum();
    let remainder = (margin.foreign - parts_foreign).max(0);
    let hidden_foreign: i64 = g
        .parts
        .iter()
        .filter(|&&p| cells[p].hidden)
        .map(|&p| cells[p].foreign)
        .sum::<i64>()
        + remainder;
    // The smallest shown part that rests on others' records (ties: the first listed).
    let smallest = g
        .parts
        .iter()
        .copied()
        .filter(|&p| !cells[p].hidden && cells[p].foreign > 0)
        .min_by_key(|&p| cells[p].amount);
    if margin.hidden {
        // The margin is only safe while something it is made of is unknown.
        if hidden_foreign == 0 && margin.foreign > 0 {
            return smallest;
        }
        return None;
    }
    if primary(hidden_foreign, min_cell) {
        // With nothing left to withhold among the parts, the margin goes (cannot happen while
        // the counts add up; an inconsistency withholds rather than reveals).
        return Some(smallest.unwrap_or(g.margin));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIN: i64 = 3;

    fn cells(list: &[(i64, i64)]) -> Vec<Cell> {
        list.iter()
            .map(|&(amount, foreign)| Cell::new(amount, foreign, MIN, true))
            .collect()
    }

    fn hidden(cells: &[Cell]) -> Vec<usize> {
        (0..cells.len()).filter(|&i| cells[i].hidden).collect()
    }

    /// What subtraction reveals in `g`: the hidden parts and the remainder, as (amount,
    /// foreign), when the margin is shown.
    fn revealed(cells: &[Cell], g: &Group) -> Option<(i64, i64)> {
        let m = cells[g.margin];
        if m.hidden {
            return None;
        }
        let shown: (i64, i64) = g
            .parts
            .iter()
            .filter(|&&p| !cells[p].hidden)
            .fold((0, 0), |(a, f), &p| {
                (a + cells[p].amount, f + cells[p].foreign)
            });
        Some((m.amount - shown.0, m.foreign - shown.1))
    }

    fn total_of(parts: &[(i64, i64)]) -> (i64, i64) {
        parts.iter().fold((0, 0), |(a, f), &(x, y)| (a + x, f + y))
    }

    #[test]
    fn one_withheld_year_takes_the_next_smallest_year_with_it() {
        // total; 2024 (one deal of others: withheld); 2025, 2026 (enough deals each).
        let years = [(900, 1), (5_000, 3), (4_000, 4)];
        let mut c = cells(&[&[total_of(&years)][..], &years[..]].concat());
        let g = Group {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        assert_eq!(hidden(&c), vec![1]);
        assert_eq!(revealed(&c, &g), Some((900, 1)), "the leak this prevents");
        protect(&mut c, std::slice::from_ref(&g), MIN);
        // 2026 is the smaller of the other two: withheld with 2024.
        assert_eq!(hidden(&c), vec![1, 3]);
        assert_eq!(revealed(&c, &g), Some((4_900, 5)));
    }

    #[test]
    fn two_withheld_cells_that_together_rest_on_too_few_deals_take_a_third() {
        let parts = [(100, 1), (200, 1), (300, 3), (50, 4)];
        let mut c = cells(&[&[total_of(&parts)][..], &parts[..]].concat());
        let g = Group {
            margin: 0,
            parts: vec![1, 2, 3, 4],
        };
        protect(&mut c, std::slice::from_ref(&g), MIN);
        // 1 + 1 deals are still fewer than 3: the smallest other cell (50) goes too.
        assert_eq!(hidden(&c), vec![1, 2, 4]);
        let (_, foreign) = revealed(&c, &g).unwrap();
        assert!(foreign >= MIN);
    }

    #[test]
    fn cells_of_the_viewer_s_own_records_protect_nothing_and_stay_shown() {
        // The viewer knows its own figures: withholding them would hide nothing from it.
        let parts = [(10, 1), (1, 0), (500, 5)];
        let mut c = cells(&[&[total_of(&parts)][..], &parts[..]].concat());
        let g = Group {
            margin: 0,
            parts: vec![1, 2, 3],
        };
        protect(&mut c, std::slice::from_ref(&g), MIN);
        assert_eq!(hidden(&c), vec![1, 3]);
    }

    #[test]
    fn enough_withheld_deals_together_need_nothing_more() {
        let parts = [(10, 1), (20, 2), (500, 5)];
        let mut c = cells(&[&[total_of(&parts)][..], &parts[..]].concat());
        let before = c.clone();
        protect(
            &mut c,
            &[Group {
                margin: 0,
                parts: vec![1, 2, 3],
            }],
            MIN,
        );
        assert_eq!(c, before);
    }

    #[test]
    fn a_region_minus_its_shown_institutions_reveals_nothing() {
        // 0 total, 1–2 regions, 3–5 institutions (3, 4 in region 1; 5 in region 2).
        let insts = [(70, 1), (400, 3), (800, 6)];
        let regions = [total_of(&insts[..2]), insts[2]];
        let mut c = cells(&[&[total_of(&insts)][..], &regions[..], &insts[..]].concat());
        let groups = [
            Group {
                margin: 0,
                parts: vec![1, 2],
            },
            Group {
                margin: 0,
                parts: vec![3, 4, 5],
            },
            Group {
                margin: 1,
                parts: vec![3, 4],
            },
        ];
        protect(&mut c, &groups, MIN);
        for g in &groups {
            if let Some((_, foreign)) = revealed(&c, g) {
                assert!(foreign == 0 || foreign >= MIN, "{g:?}: {c:?}");
            }
        }
        // Institution 3's only sibling in its region is withheld with it.
        assert!(c[3].hidden && c[4].hidden);
    }

    #[test]
    fn a_margin_withheld_for_its_siblings_keeps_one_of_its_parts_withheld() {
        // Region 2 is withheld (the smaller region, to protect region 1's single deal); its
        // one institution, shown, would be region 2 itself.
        let insts = [(70, 1), (400, 4)];
        let mut c = cells(&[total_of(&insts), insts[0], insts[1], insts[0], insts[1]]);
        let groups = [
            Group {
                margin: 0,
                parts: vec![1, 2],
            },
            Group {
                margin: 1,
                parts: vec![3],
            },
            Group {
                margin: 2,
                parts: vec![4],
            },
        ];
        protect(&mut c, &groups, MIN);
        assert_eq!(hidden(&c), vec![1, 2, 3, 4]);
    }

    #[test]
    fn a_remainder_the_parts_do_not_list_is_protected_like_a_withheld_part() {
        // A region-to-region flow: two institution pairs (shown on their own) and one deal
        // with an organisation outside the consortium, which no pair lists.
        let pairs = [(1_000, 3), (2_000, 4)];
        let region = (3_500, 8);
        let mut c = cells(&[region, pairs[0], pairs[1]]);
        let g = Group {
            margin: 0,
            parts: vec![1, 2],
        };
        assert_eq!(revealed(&c, &g), Some((500, 1)), "the outsider's deal");
        protect(&mut c, std::slice::from_ref(&g), MIN);
        assert_eq!(hidden(&c), vec![1]);
        assert_eq!(revealed(&c, &g), Some((1_500, 4)));
    }

    #[test]
    fn every_small_two_level_configuration_ends_safe() {
        // A total, two regions, two institutions in each, every institution with 0–3 records
        // of others: after protection no relation reveals a sum resting on 1 or 2 records of
        // others, a withheld margin keeps a withheld part, and the primary rule still holds.
        let groups = [
            Group {
                margin: 0,
                parts: vec![1, 2],
            },
            Group {
                margin: 0,
                parts: vec![3, 4, 5, 6],
            },
            Group {
                margin: 1,
                parts: vec![3, 4],
            },
            Group {
                margin: 2,
                parts: vec![5, 6],
            },
        ];
        for n in 0..4i64.pow(4) {
            let f: Vec<i64> = (0..4).map(|k| n / 4i64.pow(k) % 4).collect();
            let insts: Vec<(i64, i64)> = f
                .iter()
                .enumerate()
                .map(|(k, &f)| (10 * (k as i64 + 1) + f, f))
                .collect();
            let regions = [total_of(&insts[..2]), total_of(&insts[2..])];
            let mut c = cells(&[&[total_of(&insts)][..], &regions[..], &insts[..]].concat());
            let primary_hidden = hidden(&c);
            protect(&mut c, &groups, MIN);
            for g in &groups {
                match revealed(&c, g) {
                    Some((_, f)) => assert!(f == 0 || f >= MIN, "{insts:?}: {g:?} {c:?}"),
                    None => assert!(
                        c[g.margin].foreign == 0
                            || g.parts.iter().any(|&p| c[p].hidden && c[p].foreign > 0),
                        "{insts:?}: {g:?} {c:?}"
                    ),
                }
            }
            assert!(primary_hidden.iter().all(|&i| c[i].hidden));
        }
    }
}
