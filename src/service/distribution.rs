//! Income distribution: how a payment received under a deal is split between the technology's
//! inventors and the institutions that own it. Pure arithmetic in minor units, no I/O.
//!
//! The rule (DESIGN.md, after China's 2015 technology-transfer law, art. 45): the owner
//! institution's `inventor_share` (default 50%) goes to the inventors, split by their shares;
//! the rest goes to the institutions that own the technology's IP, split by ownership.
//!
//! **Several IP assets.** A technology often has several rights (a CN filing, a PCT application,
//! a utility model) with different co-owners. Only *live* assets count — an abandoned, refused,
//! lapsed or expired right earns nothing — and each live asset weighs the same: an institution's
//! weight is the sum of its shares over the live assets. An asset without recorded owners counts
//! as wholly the technology owner's; with no live asset at all, the owner institution takes the
//! whole institutional part.
//!
//! **Rounding.** Every part is apportioned in one pass with the largest-remainder (Hamilton)
//! method over exact integer fractions: each part is its exact value rounded down, and the units
//! left over go to the largest remainders (ties: the larger weight, then the earlier part —
//! inventors before institutions, each group ordered by share, descending, then id). The parts
//! therefore add up exactly to the amount, and each is within one minor unit of its exact value.

use std::collections::BTreeMap;

use entity::enums::IpStatus;
use uuid::Uuid;

/// Basis points in a whole.
const WHOLE_BP: u128 = 10_000;

/// An IP asset as the distribution sees it: whether it still stands, and who owns it.
#[derive(Clone, Debug)]
pub struct AssetOwners {
    pub status: IpStatus,
    /// (institution, share in basis points).
    pub owners: Vec<(Uuid, i32)>,
}

/// Whether an IP asset still counts for income (it is pending or in force).
pub fn is_live(status: IpStatus) -> bool {
    !matches!(
        status,
        IpStatus::Refused | IpStatus::Abandoned | IpStatus::Lapsed | IpStatus::Expired
    )
}

/// What an income is split by: the owner institution's inventor share, the inventors' shares
/// and the institutions' (aggregated) ownership weights.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Basis {
    /// The inventors' part in basis points (0..=10000).
    pub inventor_share_bp: i32,
    /// (person, share in basis points); may be empty.
    pub inventors: Vec<(Uuid, i32)>,
    /// (institution, weight); never empty, weights positive.
    pub institutions: Vec<(Uuid, u64)>,
}

impl Basis {
    /// The basis of a technology owned by `owner`, whose `inventor_share_bp` applies, with its
    /// inventors and IP assets (see the module docs for how several assets combine).
    pub fn new(
        owner: Uuid,
        inventor_share_bp: i32,
        inventors: Vec<(Uuid, i32)>,
        assets: &[AssetOwners],
    ) -> Basis {
        Basis {
            inventor_share_bp,
            inventors,
            institutions: institution_weights(owner, assets),
        }
    }
}

/// Aggregated ownership of a technology's live IP assets, each asset weighing the same.
pub fn institution_weights(owner: Uuid, assets: &[AssetOwners]) -> Vec<(Uuid, u64)> {
    let mut weights: BTreeMap<Uuid, u64> = BTreeMap::new();
    for asset in assets.iter().filter(|a| is_live(a.status)) {
        let owners: Vec<_> = asset.owners.iter().filter(|(_, bp)| *bp > 0).collect();
        if owners.is_empty() {
            *weights.entry(owner).or_default() += WHOLE_BP as u64;
        }
        for (inst, bp) in owners {
            *weights.entry(*inst).or_default() += *bp as u64;
        }
    }
    if weights.is_empty() {
        weights.insert(owner, WHOLE_BP as u64);
    }
    weights.into_iter().collect()
}

/// One party's part of an income.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Part {
    /// The person (inventors) or institution.
    pub party: Uuid,
    /// Inventors: the inventor's share among the inventors. Institutions: the institution's
    /// share of the institutional part, rounded to basis points (these also add up to 10000).
    pub share_bp: i32,
    /// Minor units.
    pub amount: i64,
}

/// An income split into parts that add up exactly to it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Distribution {
    /// The inventors' part in basis points that was applied (0 when there are no inventors).
    pub inventor_share_bp: i32,
    pub inventors: Vec<Part>,
    pub institutions: Vec<Part>,
}

impl Distribution {
    /// The sum of all parts (always the amount split).
    pub fn total(&self) -> i64 {
        self.inventors
            .iter()
            .chain(&self.institutions)
            .map(|p| p.amount)
            .sum()
    }
}

fn gcd(a: u128, b: u128) -> u128 {
    if b == 0 { a } else { gcd(b, a % b) }
}

/// Divides every weight by their greatest common divisor (keeps the products small).
fn reduced(weights: &[u128]) -> Vec<u128> {
    let g = weights.iter().copied().fold(0, gcd).max(1);
    weights.iter().map(|w| w / g).collect()
}

/// Splits `total` units in proportion to `weights` by the largest-remainder method.
/// Ties go to the larger weight, then to the earlier position. `None` when all weights are zero
/// (and `total` is not) or the arithmetic would overflow.
pub fn apportion(total: u64, weights: &[u128]) -> Option<Vec<u64>> {
    let den = weights
        .iter()
        .try_fold(0u128, |acc, w| acc.checked_add(*w))?;
    if den == 0 {
        return (total == 0).then(|| vec![0; weights.len()]);
    }
    let mut parts = Vec::with_capacity(weights.len());
    let mut remainders = Vec::with_capacity(weights.len());
    for (i, w) in weights.iter().enumerate() {
        let exact = u128::from(total).checked_mul(*w)?;
        parts.push(u64::try_from(exact / den).ok()?);
        remainders.push((exact % den, *w, i));
    }
    let given: u64 = parts.iter().sum();
    let left = total - given;
    // Largest remainder first; then larger weight; then earlier position.
    remainders.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    for &(_, _, i) in remainders.iter().take(left as usize) {
        parts[i] += 1;
    }
    Some(parts)
}

/// Splits `amount` (minor units; a negative amount, a refund, splits the same way) by `basis`.
/// `None` only if the shares are too large for exact 128-bit arithmetic, which basis-point
/// shares over any realistic number of inventors and assets never are.
pub fn split(amount: i64, basis: &Basis) -> Option<Distribution> {
    let mut inventors: Vec<(Uuid, i32)> = basis
        .inventors
        .iter()
        .copied()
        .filter(|(_, bp)| *bp > 0)
        .collect();
    inventors.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let mut institutions: Vec<(Uuid, u64)> = basis
        .institutions
        .iter()
        .copied()
        .filter(|(_, w)| *w > 0)
        .collect();
    institutions.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    if institutions.is_empty() {
        return None;
    }

    let inv_shares = reduced(
        &inventors
            .iter()
            .map(|(_, bp)| *bp as u128)
            .collect::<Vec<_>>(),
    );
    let inst_weights = reduced(
        &institutions
            .iter()
            .map(|(_, w)| u128::from(*w))
            .collect::<Vec<_>>(),
    );
    let inv_total: u128 = inv_shares.iter().sum();
    let inst_total: u128 = inst_weights.iter().sum();
    let inventor_bp = if inventors.is_empty() {
        0
    } else {
        basis.inventor_share_bp.clamp(0, WHOLE_BP as i32)
    };
    let ib = inventor_bp as u128;

    // One common denominator: inventor i gets ib/10000 · s_i/S, institution j gets
    // (10000-ib)/10000 · w_j/W; scaled by 10000·S·W these are the integer weights below.
    let mut weights = Vec::with_capacity(inventors.len() + institutions.len());
    for s in &inv_shares {
        weights.push(ib.checked_mul(*s)?.checked_mul(inst_total)?);
    }
    for w in &inst_weights {
        let other = if inventors.is_empty() { 1 } else { inv_total };
        weights.push((WHOLE_BP - ib).checked_mul(*w)?.checked_mul(other)?);
    }

    let parts = apportion(amount.unsigned_abs(), &weights)?;
    let signed = |units: u64| -> Option<i64> {
        let v = i128::from(units);
        i64::try_from(if amount < 0 { -v } else { v }).ok()
    };
    let inst_bp = apportion(WHOLE_BP as u64, &inst_weights)?;
    let (inv_parts, inst_parts) = parts.split_at(inventors.len());
    Some(Distribution {
        inventor_share_bp: inventor_bp,
        inventors: inventors
            .iter()
            .zip(inv_parts)
            .map(|((party, bp), units)| {
                Some(Part {
                    party: *party,
                    share_bp: *bp,
                    amount: signed(*units)?,
                })
            })
            .collect::<Option<_>>()?,
        institutions: institutions
            .iter()
            .zip(inst_parts)
            .zip(inst_bp)
            .map(|(((party, _), units), bp)| {
                Some(Part {
                    party: *party,
                    share_bp: i32::try_from(bp).ok()?,
                    amount: signed(*units)?,
                })
            })
            .collect::<Option<_>>()?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn amounts(d: &Distribution) -> (Vec<i64>, Vec<i64>) {
        (
            d.inventors.iter().map(|p| p.amount).collect(),
            d.institutions.iter().map(|p| p.amount).collect(),
        )
    }

    #[test]
    fn the_demo_licence_upfront_splits_half_and_half() {
        // SUMHS-2025-001: inventors 60/40, sumhs owns the CN patent alone; EUR 15,000.00.
        let basis = Basis::new(
            id(1),
            5000,
            vec![(id(10), 6000), (id(11), 4000)],
            &[AssetOwners {
                status: IpStatus::UnderExamination,
                owners: vec![(id(1), 10_000)],
            }],
        );
        let d = split(1_500_000, &basis).unwrap();
        assert_eq!(amounts(&d), (vec![450_000, 300_000], vec![750_000]));
        assert_eq!(d.institutions[0].share_bp, 10_000);
        assert_eq!(d.inventor_share_bp, 5000);
    }

    #[test]
    fn a_leftover_unit_goes_to_the_largest_remainder() {
        // 1000.01: exact parts 300.003, 200.002 and 500.005 → the institution gets the cent.
        let basis = Basis::new(id(1), 5000, vec![(id(10), 6000), (id(11), 4000)], &[]);
        let d = split(100_001, &basis).unwrap();
        assert_eq!(amounts(&d), (vec![30_000, 20_000], vec![50_001]));
        assert_eq!(d.total(), 100_001);
    }

    #[test]
    fn ties_are_broken_deterministically() {
        // Three equal inventors share 1 unit... of 2: the two lowest ids get one each.
        let basis = Basis {
            inventor_share_bp: 10_000,
            inventors: vec![(id(12), 1), (id(10), 1), (id(11), 1)],
            institutions: vec![(id(1), 1)],
        };
        let d = split(2, &basis).unwrap();
        let got: Vec<_> = d.inventors.iter().map(|p| (p.party, p.amount)).collect();
        assert_eq!(got, vec![(id(10), 1), (id(11), 1), (id(12), 0)]);
        // Same answer whatever the input order.
        let mut shuffled = basis.clone();
        shuffled.inventors.reverse();
        assert_eq!(split(2, &shuffled).unwrap(), d);
    }

    #[test]
    fn without_inventors_everything_goes_to_the_institutions() {
        let basis = Basis::new(id(1), 5000, vec![], &[]);
        let d = split(12_345, &basis).unwrap();
        assert_eq!(d.inventor_share_bp, 0);
        assert_eq!(amounts(&d), (vec![], vec![12_345]));
    }

    #[test]
    fn without_ip_the_owner_takes_the_institutional_part() {
        assert_eq!(institution_weights(id(1), &[]), vec![(id(1), 10_000)]);
    }

    #[test]
    fn dead_assets_do_not_count_and_live_ones_weigh_the_same() {
        let (sumhs, unibl, zju) = (id(1), id(2), id(3));
        let assets = [
            // PCT co-owned 70/30.
            AssetOwners {
                status: IpStatus::Published,
                owners: vec![(sumhs, 7000), (unibl, 3000)],
            },
            // CN utility model, sumhs alone; no owners recorded counts as the owner's.
            AssetOwners {
                status: IpStatus::Drafting,
                owners: vec![],
            },
            // An abandoned filing co-owned with zju earns nothing.
            AssetOwners {
                status: IpStatus::Abandoned,
                owners: vec![(zju, 10_000)],
            },
        ];
        let mut w = institution_weights(sumhs, &assets);
        w.sort();
        assert_eq!(w, vec![(sumhs, 17_000), (unibl, 3000)]);
        let d = split(
            1_000_000,
            &Basis {
                inventor_share_bp: 5000,
                inventors: vec![(id(10), 10_000)],
                institutions: w,
            },
        )
        .unwrap();
        // Institutions: 85% / 15% of the half.
        assert_eq!(amounts(&d), (vec![500_000], vec![425_000, 75_000]));
        let bp: Vec<_> = d.institutions.iter().map(|p| p.share_bp).collect();
        assert_eq!(bp, vec![8500, 1500]);
        // Only dead assets: the owner takes it all.
        assert_eq!(
            institution_weights(sumhs, &assets[2..]),
            vec![(sumhs, 10_000)]
        );
    }

    #[test]
    fn refunds_split_like_payments() {
        let basis = Basis::new(id(1), 5000, vec![(id(10), 6000), (id(11), 4000)], &[]);
        let d = split(-100_001, &basis).unwrap();
        assert_eq!(amounts(&d), (vec![-30_000, -20_000], vec![-50_001]));
    }

    #[test]
    fn apportion_handles_edges() {
        assert_eq!(apportion(0, &[0, 0]), Some(vec![0, 0]));
        assert_eq!(apportion(5, &[0, 0]), None);
        assert_eq!(apportion(10, &[1, 1, 1]), Some(vec![4, 3, 3]));
        assert_eq!(apportion(u64::MAX, &[u128::MAX, 1]), None);
    }

    fn arb_basis() -> impl Strategy<Value = Basis> {
        let inventors = prop::collection::vec((0u8..20, 1i32..=10_000), 0..8);
        let assets = prop::collection::vec(
            (
                prop::sample::select(vec![
                    IpStatus::Drafting,
                    IpStatus::Filed,
                    IpStatus::Granted,
                    IpStatus::Abandoned,
                    IpStatus::Expired,
                ]),
                prop::collection::vec((100u8..106, 1i32..=10_000), 0..4),
            ),
            0..5,
        );
        (0i32..=10_000, inventors, assets).prop_map(|(ib, inventors, assets)| {
            let mut seen = std::collections::HashSet::new();
            let inventors = inventors
                .into_iter()
                .filter(|(n, _)| seen.insert(*n))
                .map(|(n, bp)| (id(n), bp))
                .collect();
            let assets: Vec<AssetOwners> = assets
                .into_iter()
                .map(|(status, owners)| {
                    let mut seen = std::collections::HashSet::new();
                    AssetOwners {
                        status,
                        owners: owners
                            .into_iter()
                            .filter(|(n, _)| seen.insert(*n))
                            .map(|(n, bp)| (id(n), bp))
                            .collect(),
                    }
                })
                .collect();
            Basis::new(id(100), ib, inventors, &assets)
        })
    }

    proptest! {
        #[test]
        fn parts_add_up_exactly_and_stay_within_a_unit(
            amount in prop_oneof![0i64..1_000, 0i64..=i64::MAX],
            basis in arb_basis(),
        ) {
            let d = split(amount, &basis).expect("realistic shares never overflow");
            prop_assert_eq!(d.total(), amount);
            prop_assert!(d.inventors.iter().chain(&d.institutions).all(|p| p.amount >= 0));
            prop_assert_eq!(d.institutions.iter().map(|p| p.share_bp).sum::<i32>(), 10_000);

            // Exact values as rationals: |part·den − amount·num| < den.
            let a = i128::from(amount);
            let s: i128 = basis.inventors.iter().map(|(_, bp)| i128::from(*bp)).sum();
            let w: i128 = basis.institutions.iter().map(|(_, w)| i128::from(*w)).sum();
            let ib = if basis.inventors.is_empty() { 0 } else { i128::from(basis.inventor_share_bp) };
            for p in &d.inventors {
                let share = basis.inventors.iter().find(|(id, _)| *id == p.party).unwrap().1;
                let den = 10_000 * s;
                let diff = i128::from(p.amount) * den - a * ib * i128::from(share);
                prop_assert!(diff.abs() < den, "inventor {:?}", p);
            }
            for p in &d.institutions {
                let weight = basis.institutions.iter().find(|(id, _)| *id == p.party).unwrap().1;
                let den = 10_000 * w;
                let diff = i128::from(p.amount) * den - a * (10_000 - ib) * i128::from(weight);
                prop_assert!(diff.abs() < den, "institution {:?}", p);
            }
        }

        #[test]
        fn apportion_always_gives_out_the_total(
            total in 0u64..=u64::MAX / 2,
            weights in prop::collection::vec(0u128..1_000_000, 1..10),
        ) {
            prop_assume!(weights.iter().any(|w| *w > 0));
            let parts = apportion(total, &weights).unwrap();
            prop_assert_eq!(parts.iter().map(|p| u128::from(*p)).sum::<u128>(), u128::from(total));
        }
    }
}
