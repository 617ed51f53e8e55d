//! Complementary disclosure, from the analyst's side: a withheld money cell must not be
//! recoverable as its margin minus the cells shown beside it — the total minus the other
//! years, institutions, regions or kinds; a region minus its other institutions; a
//! region-to-region flow minus its institution-to-institution flows. On both databases.

use serde_json::{Value, json};

use crate::support::TestApp;

const MONEY: &str = "count money { currency amount suppressed }";

fn query() -> String {
    let b = format!(
        "{{ total {{ {MONEY} }} byYear {{ year {MONEY} }} byInstitution {{ institution {{ slug region }} {MONEY} }} byRegion {{ region {MONEY} }} byKind {{ kind {MONEY} }} }}"
    );
    let flow = "fromRegion toRegion from { slug } to { slug } deals incomes dealValue { currency amount suppressed } licenseIncome { currency amount suppressed }";
    format!(
        "query($filter: StatisticsFilter) {{ statistics(filter: $filter) {{ \
         licensesExecuted {b} licenseIncome {b} rewardsToIndividuals {b} \
         crossBorder {{ regions {{ {flow} }} institutions {{ {flow} }} }} }} }}"
    )
}

fn period() -> Value {
    json!({ "filter": { "from": "2025-01-01", "to": "2026-12-31" } })
}

/// Minor units of a decimal amount with two decimals ("15000.00").
fn minor(amount: &str) -> i64 {
    let (whole, frac) = amount.split_once('.').unwrap_or((amount, "0"));
    whole.parse::<i64>().unwrap() * 100 + format!("{frac:0<2}").parse::<i64>().unwrap()
}

/// The money of `cell` in `currency`: Some(Some(amount)) shown, Some(None) withheld, None
/// when the cell has none of that currency.
fn amount(cell: &Value, field: &str, currency: &str) -> Option<Option<i64>> {
    cell[field]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["currency"] == currency)
        .map(|m| m["amount"].as_str().map(minor))
}

/// One relation a viewer may subtract along: a margin and the cells that add up to it.
struct Relation<'a> {
    name: String,
    margin: &'a Value,
    parts: Vec<&'a Value>,
}

/// What the analyst computes — the margin minus the shown cells — must not be one withheld
/// cell's amount (read from the admin's answer, who sees them all), nor, when every cell is
/// shown, the part no cell lists (deals with organisations outside the consortium) unless that
/// part rests on at least three records (`count` says how many). Returns how many relations
/// had a withheld cell beside a shown margin.
fn check(
    analyst: &[Relation],
    admin: &[Relation],
    field: &str,
    count: &str,
    currencies: &[&str],
) -> usize {
    let key = cell_key;
    let mut exercised = 0;
    for (a, t) in analyst.iter().zip(admin) {
        assert_eq!(a.name, t.name);
        if a.parts.is_empty() {
            // A breakdown the metric does not have.
            continue;
        }
        for currency in currencies {
            let Some(Some(margin)) = amount(a.margin, field, currency) else {
                continue;
            };
            let mut residual = margin;
            let mut withheld = Vec::new();
            for part in &a.parts {
                match amount(part, field, currency) {
                    Some(Some(x)) => residual -= x,
                    Some(None) => withheld.push(key(part)),
                    None => {}
                }
            }
            let truth = |k: &str| {
                let part = t.parts.iter().find(|p| key(p) == k).unwrap();
                amount(part, field, currency).unwrap().unwrap()
            };
            match withheld.as_slice() {
                [] if residual != 0 => {
                    let unlisted = a.margin[count].as_i64().unwrap()
                        - a.parts
                            .iter()
                            .map(|p| p[count].as_i64().unwrap())
                            .sum::<i64>();
                    assert!(
                        unlisted >= 3,
                        "{} {field} {currency}: the margin minus every cell shown reveals {residual}, from {unlisted} records",
                        a.name
                    );
                }
                [one] => assert_ne!(
                    residual,
                    truth(one),
                    "{} {field} {currency}: the margin minus the shown cells is the withheld {one}",
                    a.name
                ),
                _ => {}
            }
            exercised += usize::from(!withheld.is_empty());
        }
    }
    exercised
}

fn list(v: &Value) -> Vec<&Value> {
    v.as_array().unwrap().iter().collect()
}

/// The relations of one metric's breakdowns.
fn relations<'a>(metric: &'a Value, name: &str) -> Vec<Relation<'a>> {
    let mut out = vec![
        Relation {
            name: format!("{name}.byYear"),
            margin: &metric["total"],
            parts: list(&metric["byYear"]),
        },
        Relation {
            name: format!("{name}.byInstitution"),
            margin: &metric["total"],
            parts: list(&metric["byInstitution"]),
        },
        Relation {
            name: format!("{name}.byRegion"),
            margin: &metric["total"],
            parts: list(&metric["byRegion"]),
        },
        Relation {
            name: format!("{name}.byKind"),
            margin: &metric["total"],
            parts: list(&metric["byKind"]),
        },
    ];
    for region in list(&metric["byRegion"]) {
        out.push(Relation {
            name: format!("{name}.{}", region["region"]),
            margin: region,
            parts: list(&metric["byInstitution"])
                .into_iter()
                .filter(|i| i["institution"]["region"] == region["region"])
                .collect(),
        });
    }
    out
}

fn cell_key(c: &Value) -> String {
    for k in ["year", "kind", "region"] {
        if !c[k].is_null() {
            return c[k].to_string();
        }
    }
    if !c["institution"].is_null() {
        return c["institution"]["slug"].to_string();
    }
    format!("{}→{}", c["from"]["slug"], c["to"]["slug"])
}

/// The region-to-region flows and the institution-to-institution flows they are made of.
fn flow_relations(flows: &Value) -> Vec<Relation<'_>> {
    list(&flows["regions"])
        .into_iter()
        .map(|r| Relation {
            name: format!("crossBorder {}→{}", r["fromRegion"], r["toRegion"]),
            margin: r,
            parts: list(&flows["institutions"])
                .into_iter()
                .filter(|i| i["fromRegion"] == r["fromRegion"] && i["toRegion"] == r["toRegion"])
                .collect(),
        })
        .collect()
}

async fn record_income(app: &TestApp, token: &str, deal: &Value, kind: &str, on: &str, eur: &str) {
    let r = app
        .gql(
            Some(token),
            "mutation($i: RecordIncomeInput!) { recordIncome(input: $i) { income { id } } }",
            json!({ "i": { "dealId": deal, "kind": kind, "receivedOn": on,
                           "amount": { "amount": eur, "currency": "EUR" } } }),
        )
        .await;
    r.data();
}

/// The id of the deal `provider_token` sees with `recipient` (an institution's slug or an
/// external organisation's name), and its version.
async fn deal(app: &TestApp, token: &str, recipient: &str) -> (Value, i64) {
    let r = app
        .gql(
            Some(token),
            "{ deals(first: 100) { edges { node { id version recipient { ... on Institution { slug } ... on ExternalOrganization { name } } } } } }",
            json!({}),
        )
        .await;
    let d = r.data()["deals"]["edges"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| &e["node"])
        .find(|d| d["recipient"]["slug"] == recipient || d["recipient"]["name"] == recipient)
        .unwrap_or_else(|| panic!("no deal with {recipient}"))
        .clone();
    (d["id"].clone(), d["version"].as_i64().unwrap())
}

/// EUR income of 2025–2026 in the demo: sumhs → unibl 15,000.00 (2025) and 2,961.00 (2026),
/// fudan → unizg 20,000.00 (2026). Added here: two more sumhs → unibl royalties (2026), and
/// unibl signs its Hemofarm deal and receives one royalty. So one institution (sumhs) and one
/// region (the delta) rest on enough incomes to be shown on their own, and beside each a
/// cell of one income: fudan's, unibl's, the Balkans', 2025's.
async fn enough_income_beside_single_ones(app: &TestApp) {
    let sumhs = app.user_token("manager@sumhs.example").await;
    let (licence, _) = deal(app, &sumhs, "unibl").await;
    record_income(app, &sumhs, &licence, "ROYALTY", "2026-04-30", "1000.00").await;
    record_income(app, &sumhs, &licence, "ROYALTY", "2026-07-31", "1100.00").await;

    let unibl = app.user_token("member@unibl.example").await;
    let (hemofarm, mut version) = deal(app, &unibl, "Hemofarm a.d.").await;
    for (to, extra) in [
        ("TERM_SHEET", json!({})),
        ("SIGNED", json!({ "signedOn": "2026-02-01" })),
    ] {
        let mut input = json!({ "id": hemofarm, "to": to, "expectedVersion": version });
        input
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        let r = app
            .gql(
                Some(&unibl),
                "mutation($i: TransitionDealInput!) { transitionDeal(input: $i) { deal { version } } }",
                json!({ "i": input }),
            )
            .await;
        version = r.data()["transitionDeal"]["deal"]["version"]
            .as_i64()
            .unwrap();
    }
    record_income(app, &unibl, &hemofarm, "ROYALTY", "2026-05-15", "500.00").await;
}

#[tokio::test]
async fn no_withheld_cell_is_its_margin_minus_the_shown_cells() {
    let app = TestApp::new().await;
    enough_income_beside_single_ones(&app).await;
    let analyst = app.user_token("analyst@center.example").await;
    let admin = app.user_token("admin@center.example").await;
    let a = app.gql(Some(&analyst), &query(), period()).await.data()["statistics"].clone();
    let t = app.gql(Some(&admin), &query(), period()).await.data()["statistics"].clone();

    let currencies = ["EUR", "CNY", "BAM"];
    let mut exercised = 0;
    for m in ["licensesExecuted", "licenseIncome", "rewardsToIndividuals"] {
        exercised += check(
            &relations(&a[m], m),
            &relations(&t[m], m),
            "money",
            "count",
            &currencies,
        );
    }
    for (field, count) in [("dealValue", "deals"), ("licenseIncome", "incomes")] {
        exercised += check(
            &flow_relations(&a["crossBorder"]),
            &flow_relations(&t["crossBorder"]),
            field,
            count,
            &currencies,
        );
    }
    assert!(
        exercised > 0,
        "no withheld cell beside a shown margin: nothing was checked"
    );

    // By hand: EUR income 2025–2026 is six incomes (shown), 40,561.00.
    let i = &a["licenseIncome"];
    assert_eq!(amount(&i["total"], "money", "EUR"), Some(Some(4_056_100)));
    let by = |list: &Value, key: &str, value: Value| -> Option<Option<i64>> {
        let c = list
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c.pointer(key) == Some(&value))
            .unwrap_or_else(|| panic!("no {key} = {value} in {list}"));
        amount(c, "money", "EUR")
    };
    // 2025 is one income (withheld); 2026 (five) would be the total minus it: withheld too.
    assert_eq!(by(&i["byYear"], "/year", json!(2025)), Some(None));
    assert_eq!(by(&i["byYear"], "/year", json!(2026)), Some(None));
    // The Balkans are unibl's one royalty; the delta (five) goes with it.
    assert_eq!(
        by(&i["byRegion"], "/region", json!("BALKAN_PENINSULA")),
        Some(None)
    );
    assert_eq!(
        by(&i["byRegion"], "/region", json!("YANGTZE_RIVER_DELTA")),
        Some(None)
    );
    // fudan and unibl have one income each (two together: still too few), so sumhs's four
    // are withheld as well.
    for slug in ["fudan", "unibl", "sumhs"] {
        assert_eq!(
            by(&i["byInstitution"], "/institution/slug", json!(slug)),
            Some(None),
            "{slug}"
        );
    }
    // Upfronts: 15,000 + 20,000 (two incomes); royalties: four — shown, they would give the
    // two upfronts' sum away.
    assert_eq!(by(&i["byKind"], "/kind", json!("UPFRONT")), Some(None));
    assert_eq!(by(&i["byKind"], "/kind", json!("ROYALTY")), Some(None));
    // The counts stay: six EUR, four CNY and two BAM incomes.
    assert_eq!(i["total"]["count"], 12);

    // The flow of the delta to the Balkans: sumhs → unibl's four incomes would be shown on
    // their own, and fudan → unizg's one income would be the flow minus them.
    let flows = &a["crossBorder"];
    let east_west = list(&flows["regions"])
        .into_iter()
        .find(|c| c["fromRegion"] == "YANGTZE_RIVER_DELTA" && c["toRegion"] == "BALKAN_PENINSULA")
        .unwrap();
    assert_eq!(
        amount(east_west, "licenseIncome", "EUR"),
        Some(Some(4_006_100))
    );
    let pair = |from: &str, to: &str| {
        let c = list(&flows["institutions"])
            .into_iter()
            .find(|c| c["from"]["slug"] == from && c["to"]["slug"] == to)
            .unwrap_or_else(|| panic!("no flow {from} → {to}"));
        amount(c, "licenseIncome", "EUR")
    };
    assert_eq!(pair("fudan", "unizg"), Some(None));
    assert_eq!(pair("sumhs", "unibl"), Some(None));

    // A party still reads its own figures: sumhs's member sees its four incomes' sum.
    let sumhs = app.user_token("member@sumhs.example").await;
    let s = app.gql(Some(&sumhs), &query(), period()).await.data()["statistics"].clone();
    assert_eq!(
        amount(&s["licenseIncome"]["total"], "money", "EUR"),
        Some(Some(1_500_000 + 296_100 + 100_000 + 110_000))
    );
}
