//! Net income: how much of each income goes to recover the technology's IP costs before it is
//! distributed, under the `NET_OF_UNREIMBURSED_COSTS` policy. Pure arithmetic in minor units of
//! one currency, no I/O.
//!
//! The incomes of a technology are taken in the order they were received (ties: the order they
//! were recorded). Each one deducts what is still unrecovered on its date — the costs incurred
//! up to that day, minus the licensees' reimbursements received up to that day, minus what the
//! earlier incomes deducted already — but never more than itself. What it cannot cover is
//! carried forward to the next income; nothing is ever deducted twice, and a cost recorded
//! later does not reach back into incomes received before it was incurred.
//!
//! Reimbursements beyond the costs leave a credit: later costs are covered by it first, and no
//! income deducts anything while it lasts.
//!
//! Costs and reimbursements in a currency other than the income's are not converted (an
//! exchange rate chosen after the fact would make a past distribution change): they are
//! recovered from the incomes in their own currency. The caller passes one currency at a time.

use chrono::NaiveDate;
use uuid::Uuid;

/// An income to deduct from: its id, date received and amount (minor units, > 0).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IncomeEntry {
    pub id: Uuid,
    pub received_on: NaiveDate,
    pub amount: i64,
}

/// What one income deducted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Deduction {
    pub income: Uuid,
    /// Deducted from the income before it is distributed: 0 ≤ deducted ≤ amount.
    pub deducted: i64,
    /// Costs still unrecovered after this income, carried forward to the next (≥ 0).
    pub carried_forward: i64,
}

/// The deductions of `incomes` (one currency) given the `costs` and `reimbursements` (date,
/// amount) of the technology's IP in that currency. Incomes are taken by `received_on`, then in
/// the order given (the caller passes them in recording order); the result lists them in the
/// order they were taken.
pub fn deductions(
    costs: &[(NaiveDate, i64)],
    reimbursements: &[(NaiveDate, i64)],
    incomes: &[IncomeEntry],
) -> Vec<Deduction> {
    let mut order: Vec<usize> = (0..incomes.len()).collect();
    // A stable sort keeps the recording order among incomes of one day.
    order.sort_by_key(|&i| incomes[i].received_on);
    let sum_to = |entries: &[(NaiveDate, i64)], day: NaiveDate| -> i128 {
        entries
            .iter()
            .filter(|(on, _)| *on <= day)
            .map(|(_, amount)| i128::from(*amount))
            .sum()
    };
    let mut deducted_so_far: i128 = 0;
    let mut out = Vec::with_capacity(incomes.len());
    for i in order {
        let income = incomes[i];
        let outstanding = sum_to(costs, income.received_on)
            - sum_to(reimbursements, income.received_on)
            - deducted_so_far;
        let deducted = outstanding.clamp(0, i128::from(income.amount.max(0)));
        deducted_so_far += deducted;
        out.push(Deduction {
            income: income.id,
            // Both fit: 0 ≤ deducted ≤ amount, and the rest is bounded by the costs' sum,
            // clamped to i64 for a ledger no real office has.
            deducted: i64::try_from(deducted).unwrap_or(i64::MAX),
            carried_forward: i64::try_from((outstanding - deducted).max(0)).unwrap_or(i64::MAX),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::service::distribution::{self, Basis};
    use proptest::prelude::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Days::new(d.into())
    }

    fn id(n: u8) -> Uuid {
        Uuid::from_bytes([n; 16])
    }

    fn income(n: u8, on: u32, amount: i64) -> IncomeEntry {
        IncomeEntry {
            id: id(n),
            received_on: day(on),
            amount,
        }
    }

    #[test]
    fn costs_are_recovered_first_and_carried_forward() {
        // 1,000.00 of costs; incomes of 300.00 then 1,000.00.
        let d = deductions(
            &[(day(0), 100_000)],
            &[],
            &[income(1, 10, 30_000), income(2, 20, 100_000)],
        );
        assert_eq!(d[0].deducted, 30_000);
        assert_eq!(d[0].carried_forward, 70_000);
        assert_eq!(d[1].deducted, 70_000);
        assert_eq!(d[1].carried_forward, 0);
    }

    #[test]
    fn reimbursements_reduce_what_is_unrecovered() {
        let d = deductions(
            &[(day(0), 100_000), (day(1), 50_001)],
            &[(day(2), 100_000)],
            &[income(1, 3, 1_000_000)],
        );
        assert_eq!(d[0].deducted, 50_001);
    }

    #[test]
    fn a_later_cost_does_not_reach_back() {
        let d = deductions(
            &[(day(30), 100_000)],
            &[],
            &[income(1, 10, 50_000), income(2, 40, 50_000)],
        );
        assert_eq!((d[0].deducted, d[1].deducted), (0, 50_000));
        assert_eq!(d[1].carried_forward, 50_000);
    }

    #[test]
    fn an_excess_reimbursement_is_a_credit_for_later_costs() {
        let d = deductions(
            &[(day(0), 10_000), (day(5), 30_000)],
            &[(day(1), 25_000)],
            &[income(1, 2, 1_000), income(2, 6, 100_000)],
        );
        // Day 2: 10,000 − 25,000 < 0: nothing. Day 6: 40,000 − 25,000 = 15,000.
        assert_eq!((d[0].deducted, d[1].deducted), (0, 15_000));
    }

    #[test]
    fn incomes_are_taken_by_date_then_as_recorded() {
        let d = deductions(
            &[(day(0), 100)],
            &[],
            &[income(1, 9, 80), income(2, 5, 50), income(3, 9, 80)],
        );
        let by_income: Vec<_> = d.iter().map(|x| (x.income, x.deducted)).collect();
        assert_eq!(by_income, vec![(id(2), 50), (id(1), 50), (id(3), 0)]);
    }

    /// Costs, reimbursements and incomes of one currency.
    type Ledger = (
        Vec<(NaiveDate, i64)>,
        Vec<(NaiveDate, i64)>,
        Vec<IncomeEntry>,
    );

    fn ledger() -> impl Strategy<Value = Ledger> {
        let amount = prop_oneof![1i64..1_000, 1i64..1_000_000_000_000, Just(1i64)];
        let entry = (0u32..400, amount.clone());
        (
            prop::collection::vec(entry.clone(), 0..8),
            prop::collection::vec(entry, 0..4),
            prop::collection::vec((0u32..400, amount), 0..8),
        )
            .prop_map(|(costs, reimbursements, incomes)| {
                let on = |v: Vec<(u32, i64)>| v.into_iter().map(|(d, a)| (day(d), a)).collect();
                let incomes = incomes
                    .into_iter()
                    .enumerate()
                    .map(|(i, (d, a))| income(i as u8, d, a))
                    .collect();
                (on(costs), on(reimbursements), incomes)
            })
    }

    proptest! {
        #[test]
        fn deductions_stay_within_the_income_and_lose_no_cost(
            (costs, reimbursements, incomes) in ledger(),
        ) {
            let d = deductions(&costs, &reimbursements, &incomes);
            prop_assert_eq!(d.len(), incomes.len());
            let total = |v: &[(NaiveDate, i64)]| v.iter().map(|(_, a)| i128::from(*a)).sum::<i128>();
            let mut deducted_total: i128 = 0;
            for x in &d {
                let inc = incomes.iter().find(|i| i.id == x.income).unwrap();
                prop_assert!(x.deducted >= 0 && x.deducted <= inc.amount);
                prop_assert!(x.carried_forward >= 0);
                // Something is carried forward only when the income was used up.
                prop_assert!(x.carried_forward == 0 || x.deducted == inc.amount);
                deducted_total += i128::from(x.deducted);
                // Never more than the costs net of reimbursements up to that income.
                let upto = |v: &[(NaiveDate, i64)]| v.iter()
                    .filter(|(on, _)| *on <= inc.received_on)
                    .map(|(_, a)| i128::from(*a)).sum::<i128>();
                prop_assert!(deducted_total <= (upto(&costs) - upto(&reimbursements)).max(0)
                    || x.deducted == 0);
                // What is carried forward plus what was deducted is what was unrecovered.
                prop_assert!(deducted_total + i128::from(x.carried_forward)
                    >= upto(&costs) - upto(&reimbursements));
            }
            prop_assert!(deducted_total <= total(&costs));
            // When every cost comes before every income and nothing is reimbursed, the
            // incomes recover exactly min(costs, incomes): no cost is lost on the way.
            if reimbursements.is_empty() {
                let last_cost = costs.iter().map(|(on, _)| *on).max();
                let first_income = incomes.iter().map(|i| i.received_on).min();
                if last_cost.zip(first_income).is_none_or(|(c, i)| c <= i) {
                    let incomes_total: i128 = incomes.iter().map(|i| i128::from(i.amount)).sum();
                    prop_assert_eq!(deducted_total, total(&costs).min(incomes_total));
                    let last = d.last().map(|x| i128::from(x.carried_forward)).unwrap_or(0);
                    if !d.is_empty() {
                        prop_assert_eq!(deducted_total + last, total(&costs).max(deducted_total));
                    }
                }
            }
        }

        #[test]
        fn the_net_split_and_the_deduction_add_up_to_the_income(
            amount in prop_oneof![1i64..1_000, 1i64..=i64::MAX / 2],
            cost in 0i64..2_000_000,
            inventor_share in 0i32..=10_000,
            shares in prop::collection::vec(1i32..=10_000, 0..5),
        ) {
            let d = deductions(&[(day(0), cost)], &[], &[income(1, 1, amount)])[0];
            let net = amount - d.deducted;
            prop_assert!(net >= 0);
            let basis = Basis::new(
                id(100),
                inventor_share,
                shares.iter().enumerate().map(|(i, s)| (id(i as u8), *s)).collect(),
                &[],
            );
            let split = distribution::split(net, &basis).unwrap();
            prop_assert_eq!(split.total() + d.deducted, amount);
            prop_assert!(split.inventors.iter().chain(&split.institutions).all(|p| p.amount >= 0));
        }
    }
}
