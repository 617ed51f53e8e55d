//! `statistics` against figures computed by hand from the demo data (src/seed/), on both
//! databases: every metric, the cross-border matrix, scoping and small-cell protection seen
//! from outside.

use serde_json::{Value, json};

use crate::support::TestApp;

const CELL: &str = "year institution { slug } region field office kind count families newFilings graduated discontinued completed crossBorder money { currency amount suppressed }";

fn breakdown() -> String {
    format!(
        "{{ total {{ {CELL} }} byYear {{ {CELL} }} byInstitution {{ {CELL} }} byRegion {{ {CELL} }} byField {{ {CELL} }} byOffice {{ {CELL} }} byKind {{ {CELL} }} }}"
    )
}

const FLOW: &str = "fromRegion toRegion from { slug } to { slug } deals dealValue { currency amount suppressed } incomes licenseIncome { currency amount suppressed } coOwnedIpAssets coInventedTechnologies trainingParticipants jointVentures";

pub fn full_query() -> String {
    let b = breakdown();
    format!(
        "query($filter: StatisticsFilter) {{ statistics(filter: $filter) {{ from to allInstitutions \
         inventionDisclosures {b} patentApplications {b} patentsGranted {b} licensesExecuted {b} \
         activeLicenses {b} licensesYieldingIncome {b} licenseIncome {b} rewardsToIndividuals {b} \
         ventures {b} trainingPrograms {b} trainingParticipants {b} agreementsSigned {b} \
         agreementsInForce {b} crossBorder {{ regions {{ {FLOW} }} institutions {{ {FLOW} }} }} }} }}"
    )
}

/// bg's EP application of the docket's demo is filed 26 months before the day the demo is
/// seeded (so that its 3rd-year renewal fee is in grace today, src/seed/ip.rs): the figures
/// that count filings count it in the year it falls in.
fn demo_ep_filing() -> chrono::NaiveDate {
    chrono::Utc::now()
        .date_naive()
        .checked_sub_months(chrono::Months::new(26))
        .unwrap()
}

/// 1 if the demo's EP application was filed in `from..=to`, else 0.
fn demo_ep_in(from: &str, to: &str) -> i64 {
    let day = demo_ep_filing();
    i64::from(from.parse::<chrono::NaiveDate>().unwrap() <= day && day <= to.parse().unwrap())
}

fn period(from: &str, to: &str) -> Value {
    json!({ "filter": { "from": from, "to": to } })
}

async fn stats(app: &TestApp, token: Option<&str>, vars: Value) -> Value {
    let r = app.gql(token, &full_query(), vars).await;
    r.data()["statistics"].clone()
}

/// The cell of `list` whose `key` (a JSON pointer) equals `value`.
fn cell<'a>(list: &'a Value, key: &str, value: &str) -> &'a Value {
    list.as_array()
        .unwrap_or_else(|| panic!("not a list: {list}"))
        .iter()
        .find(|c| c.pointer(key).and_then(Value::as_str) == Some(value))
        .unwrap_or_else(|| panic!("no cell {key} = {value} in {list}"))
}

fn year(list: &Value, y: i64) -> &Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| c["year"] == y)
        .unwrap_or_else(|| panic!("no year {y} in {list}"))
}

/// (currency, amount or null, suppressed) of a money list, sorted by currency.
fn money(m: &Value) -> Vec<(String, Option<String>, bool)> {
    let mut v: Vec<_> = m
        .as_array()
        .unwrap()
        .iter()
        .map(|x| {
            (
                x["currency"].as_str().unwrap().to_owned(),
                x["amount"].as_str().map(str::to_owned),
                x["suppressed"].as_bool().unwrap(),
            )
        })
        .collect();
    v.sort();
    v
}

fn shown(c: &str, a: &str) -> (String, Option<String>, bool) {
    (c.to_owned(), Some(a.to_owned()), false)
}

fn withheld(c: &str) -> (String, Option<String>, bool) {
    (c.to_owned(), None, true)
}

fn flow<'a>(list: &'a Value, from: &str, to: &str) -> &'a Value {
    list.as_array()
        .unwrap()
        .iter()
        .find(|c| {
            (c["from"]["slug"] == from && c["to"]["slug"] == to)
                || (c["fromRegion"] == from && c["toRegion"] == to && c["from"].is_null())
        })
        .unwrap_or_else(|| panic!("no flow {from} → {to} in {list}"))
}

#[tokio::test]
async fn an_analyst_reads_every_metric_of_2026() {
    let app = TestApp::new().await;
    let analyst = app.user_token("analyst@center.example").await;
    let s = stats(&app, Some(&analyst), period("2026-01-01", "2026-12-31")).await;
    assert_eq!(s["allInstitutions"], true);

    // SUMHS-2026-001, UNIBL-2026-001, ZJU-2026-001.
    let d = &s["inventionDisclosures"];
    assert_eq!(d["total"]["count"], 3);
    assert_eq!(cell(&d["byField"], "/field", "DIAGNOSTICS")["count"], 2);
    assert_eq!(cell(&d["byField"], "/field", "BIOMATERIALS")["count"], 1);
    assert_eq!(
        cell(&d["byRegion"], "/region", "YANGTZE_RIVER_DELTA")["count"],
        2
    );
    assert_eq!(
        cell(&d["byRegion"], "/region", "BALKAN_PENINSULA")["count"],
        1
    );
    assert_eq!(
        cell(&d["byInstitution"], "/institution/slug", "unibl")["count"],
        1
    );

    // The sumhs/unibl PCT (priority 2025: not a first filing), and two CN first filings.
    let p = &s["patentApplications"];
    assert_eq!(p["total"]["count"], 3);
    assert_eq!(p["total"]["families"], 3);
    assert_eq!(p["total"]["newFilings"], 2);
    assert_eq!(cell(&p["byOffice"], "/office", "CN")["count"], 2);
    assert_eq!(cell(&p["byOffice"], "/office", "WO")["newFilings"], 0);
    // The co-owned PCT counts for both owners, once in the total.
    assert_eq!(
        cell(&p["byInstitution"], "/institution/slug", "sumhs")["count"],
        2
    );
    assert_eq!(
        cell(&p["byInstitution"], "/institution/slug", "unibl")["count"],
        1
    );
    assert_eq!(
        cell(&p["byRegion"], "/region", "YANGTZE_RIVER_DELTA")["count"],
        3
    );
    assert_eq!(s["patentsGranted"]["total"]["count"], 1);
    assert_eq!(
        cell(
            &s["patentsGranted"]["byInstitution"],
            "/institution/slug",
            "zju"
        )["count"],
        1
    );

    // zju → Bosnalijek (BAM 40,000) and fudan → unizg (EUR 80,000): one deal per currency,
    // so both prices are withheld from the analyst; the count stays.
    let l = &s["licensesExecuted"];
    assert_eq!(l["total"]["count"], 2);
    assert_eq!(
        money(&l["total"]["money"]),
        vec![withheld("BAM"), withheld("EUR")]
    );
    assert_eq!(cell(&l["byKind"], "/kind", "EXCLUSIVE_LICENSE")["count"], 1);
    assert_eq!(
        cell(&l["byKind"], "/kind", "NON_EXCLUSIVE_LICENSE")["count"],
        1
    );
    assert_eq!(s["activeLicenses"]["total"]["count"], 4);
    assert!(s["activeLicenses"]["byYear"].as_array().unwrap().is_empty());
    assert_eq!(s["licensesYieldingIncome"]["total"]["count"], 4);

    // Income: EUR 2,961 + 20,000 (two incomes: withheld), BAM 10,000 + 3,250.50 (two:
    // withheld), CNY 85,000 + 92,500 + 101,250 (three royalties: shown). Never summed.
    let i = &s["licenseIncome"];
    assert_eq!(i["total"]["count"], 7);
    assert_eq!(
        money(&i["total"]["money"]),
        vec![withheld("BAM"), shown("CNY", "278750.00"), withheld("EUR")]
    );
    assert_eq!(cell(&i["byKind"], "/kind", "ROYALTY")["count"], 5);
    assert_eq!(cell(&i["byKind"], "/kind", "UPFRONT")["count"], 2);
    assert_eq!(
        money(&cell(&i["byInstitution"], "/institution/slug", "fudan")["money"]),
        vec![shown("CNY", "278750.00"), withheld("EUR")]
    );

    // Rewards: fudan's inventor share (50%) of the CNY royalties; seven inventors rewarded.
    let r = &s["rewardsToIndividuals"];
    assert_eq!(r["total"]["count"], 7);
    assert_eq!(
        money(&r["total"]["money"]),
        vec![withheld("BAM"), shown("CNY", "139375.00"), withheld("EUR")]
    );

    // Kozara Phyto, founded 2026 (funding is not a deal price: never withheld).
    let v = &s["ventures"];
    assert_eq!(v["total"]["count"], 1);
    assert_eq!(money(&v["total"]["money"]), vec![shown("BAM", "150000.00")]);

    // The sumhs teacher training and the unibl workshop.
    assert_eq!(s["trainingPrograms"]["total"]["count"], 2);
    let t = &s["trainingParticipants"];
    assert_eq!(t["total"]["count"], 5);
    assert_eq!(t["total"]["completed"], 3);
    assert_eq!(t["total"]["crossBorder"], 4);
    assert_eq!(cell(&t["byKind"], "/kind", "TEACHER_TRAINING")["count"], 2);

    assert_eq!(s["agreementsSigned"]["total"]["count"], 0);
    assert_eq!(s["agreementsInForce"]["total"]["count"], 2);
}

#[tokio::test]
async fn history_across_years_counts_families_once() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let s = stats(&app, Some(&admin), period("2023-01-01", "2026-12-31")).await;
    let d = &s["inventionDisclosures"];
    assert_eq!(year(&d["byYear"], 2023)["count"], 1);
    assert_eq!(year(&d["byYear"], 2024)["count"], 2);
    assert_eq!(year(&d["byYear"], 2025)["count"], 11);
    assert_eq!(year(&d["byYear"], 2026)["count"], 3);
    assert_eq!(d["total"]["count"], 17);
    // fudan's CN first filing (2023) and its PCT application (2024): two filings, one family.
    let p = &s["patentApplications"];
    let fudan = cell(&p["byInstitution"], "/institution/slug", "fudan");
    assert_eq!(
        (fudan["count"].as_i64(), fudan["families"].as_i64()),
        (Some(3), Some(2))
    );
    use chrono::Datelike;
    assert_eq!(
        year(&p["byYear"], 2024)["newFilings"],
        2 + i64::from(demo_ep_filing().year() == 2024)
    );
    // Ventures: PulmoSino (discontinued), OsteoPrint (graduated), HealSkin, Kozara Phyto.
    let v = &s["ventures"]["total"];
    assert_eq!(
        (
            v["count"].as_i64(),
            v["graduated"].as_i64(),
            v["discontinued"].as_i64()
        ),
        (Some(4), Some(1), Some(1))
    );
    // A center admin reads every deal anyway: nothing is withheld from it.
    let l = &s["licensesExecuted"];
    assert_eq!(l["total"]["count"], 5);
    assert_eq!(
        money(&l["total"]["money"]),
        vec![
            shown("BAM", "40000.00"),
            shown("CNY", "4200000.00"),
            shown("EUR", "140000.00")
        ]
    );
    assert_eq!(
        cell(&l["byKind"], "/kind", "EQUITY_CONTRIBUTION")["count"],
        1
    );
}

#[tokio::test]
async fn the_cross_border_matrix_shows_the_sumhs_unibl_partnership() {
    let app = TestApp::new().await;
    let analyst = app.user_token("analyst@center.example").await;
    let s = stats(&app, Some(&analyst), period("2025-01-01", "2026-12-31")).await;
    let inst = &s["crossBorder"]["institutions"];
    // The licence sumhs → unibl (2025) and its two incomes; one deal: its value is withheld.
    let out = flow(inst, "sumhs", "unibl");
    assert_eq!(out["deals"], 1);
    assert_eq!(money(&out["dealValue"]), vec![withheld("EUR")]);
    assert_eq!(out["incomes"], 2);
    assert_eq!(money(&out["licenseIncome"]), vec![withheld("EUR")]);
    // The co-owned PCT; SUMHS-2025-003 and SUMHS-2026-001, co-invented with unibl.
    assert_eq!(out["coOwnedIpAssets"], 1);
    assert_eq!(out["coInventedTechnologies"], 2);
    // Two unibl teachers accepted in the sumhs teacher training.
    let back = flow(inst, "unibl", "sumhs");
    assert_eq!(back["trainingParticipants"], 2);
    assert_eq!(back["coOwnedIpAssets"], 1);
    assert_eq!(back["deals"], 0);
    // Kozara Phyto: unibl lead, a fudan co-founder.
    assert_eq!(flow(inst, "unibl", "fudan")["jointVentures"], 1);

    let regions = &s["crossBorder"]["regions"];
    let east_west = flow(regions, "YANGTZE_RIVER_DELTA", "BALKAN_PENINSULA");
    // sumhs → unibl (2025), fudan → unizg (2026), and zju → Bosnalijek d.d. (2026), an
    // external licensee placed by its country (BA); their 2 + 1 + 2 incomes.
    assert_eq!(east_west["deals"], 3);
    assert_eq!(east_west["incomes"], 5);
    assert_eq!(east_west["coInventedTechnologies"], 3);
    assert_eq!(east_west["trainingParticipants"], 2);
    let west_east = flow(regions, "BALKAN_PENINSULA", "YANGTZE_RIVER_DELTA");
    assert_eq!(west_east["trainingParticipants"], 4);
    assert_eq!(west_east["jointVentures"], 1);
    for c in regions.as_array().unwrap() {
        assert_ne!(c["fromRegion"], c["toRegion"], "only cross-border cells");
    }
}

#[tokio::test]
async fn a_deal_s_parties_see_its_price_where_the_analyst_sees_only_the_count() {
    let app = TestApp::new().await;
    let vars = period("2025-01-01", "2025-12-31");
    let analyst = app.user_token("analyst@center.example").await;
    let s = stats(&app, Some(&analyst), vars.clone()).await;
    let sumhs = cell(
        &s["licensesExecuted"]["byInstitution"],
        "/institution/slug",
        "sumhs",
    );
    assert_eq!(sumhs["count"], 1);
    assert_eq!(money(&sumhs["money"]), vec![withheld("EUR")]);

    for party in ["member@sumhs.example", "member@unibl.example"] {
        let token = app.user_token(party).await;
        let s = stats(&app, Some(&token), vars.clone()).await;
        assert_eq!(s["allInstitutions"], false, "{party}");
        let l = &s["licensesExecuted"];
        // Only its own deal: the licence sumhs → unibl, with its contract value.
        assert_eq!(l["total"]["count"], 1, "{party}");
        assert_eq!(
            money(&l["total"]["money"]),
            vec![shown("EUR", "60000.00")],
            "{party}"
        );
        let flows = &s["crossBorder"]["institutions"];
        assert_eq!(
            money(&flow(flows, "sumhs", "unibl")["dealValue"]),
            vec![shown("EUR", "60000.00")]
        );
        for c in flows.as_array().unwrap() {
            let sides = [c["from"]["slug"].as_str(), c["to"]["slug"].as_str()];
            let own = party.split(['@', '.']).nth(1);
            assert!(
                sides.contains(&own),
                "{party} sees a cell it takes no part in: {c}"
            );
        }
    }
}

#[tokio::test]
async fn an_outsider_sees_only_its_own_institution() {
    let app = TestApp::new().await;
    let bg = app.user_token("member@bg.example").await;
    let s = stats(&app, Some(&bg), period("2023-01-01", "2026-12-31")).await;
    // BG-2025-001 is bg's; nothing of sumhs or unibl is counted.
    assert_eq!(s["inventionDisclosures"]["total"]["count"], 1);
    // Its own filings only: the demo's EP application, when it falls in the period.
    let filings = &s["patentApplications"];
    assert_eq!(
        filings["total"]["count"],
        demo_ep_in("2023-01-01", "2026-12-31")
    );
    for c in filings["byInstitution"].as_array().unwrap() {
        assert_eq!(c["institution"]["slug"], "bg", "{c}");
    }
    for m in ["licensesExecuted", "licenseIncome", "rewardsToIndividuals"] {
        assert_eq!(s[m]["total"]["count"], 0, "{m}");
        assert!(s[m]["total"]["money"].as_array().unwrap().is_empty(), "{m}");
        assert!(s[m]["byInstitution"].as_array().unwrap().is_empty(), "{m}");
    }
    assert!(s["crossBorder"]["regions"].as_array().unwrap().is_empty());
    assert!(
        s["crossBorder"]["institutions"]
            .as_array()
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn anonymous_callers_and_tokens_without_stats_read_get_nothing() {
    let app = TestApp::new().await;
    let q = "{ statistics { from licensesExecuted { total { count } } } }";
    let r = app.gql(None, q, json!({})).await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
    assert!(r.body["data"].is_null() || r.body["data"]["statistics"].is_null());

    let manager = app.user_token("manager@sumhs.example").await;
    let create =
        "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }";
    let mut tokens = Vec::new();
    for scopes in [
        json!(["deal:read", "technology:read"]),
        json!(["stats:read"]),
    ] {
        let r = app
            .gql(
                Some(&manager),
                create,
                json!({ "input": { "name": "erp", "scopes": scopes } }),
            )
            .await;
        tokens.push(
            r.data()["createApiToken"]["token"]
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    let r = app.gql(Some(&tokens[0]), q, json!({})).await;
    assert_eq!(r.code(), "FORBIDDEN");
    let s = stats(&app, Some(&tokens[1]), period("2025-01-01", "2025-12-31")).await;
    // A token acts for its institution: sumhs's own licence, with its price.
    assert_eq!(s["allInstitutions"], false);
    assert_eq!(
        money(&s["licensesExecuted"]["total"]["money"]),
        vec![shown("EUR", "60000.00")]
    );
}

#[tokio::test]
async fn the_default_period_is_the_current_calendar_year_and_bad_periods_are_refused() {
    let app = TestApp::new().await;
    let analyst = app.user_token("analyst@center.example").await;
    let r = app
        .gql(Some(&analyst), "{ statistics { from to } }", json!({}))
        .await;
    let year = chrono::Utc::now().date_naive().format("%Y").to_string();
    assert_eq!(r.data()["statistics"]["from"], format!("{year}-01-01"));
    assert_eq!(r.data()["statistics"]["to"], format!("{year}-12-31"));
    let r = app
        .gql(
            Some(&analyst),
            "query($filter: StatisticsFilter) { statistics(filter: $filter) { from } }",
            period("2026-12-31", "2026-01-01"),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "filter.to");
}

#[tokio::test]
async fn filters_narrow_by_region_institution_and_field() {
    let app = TestApp::new().await;
    let analyst = app.user_token("analyst@center.example").await;
    let q = "query($filter: StatisticsFilter) { statistics(filter: $filter) { inventionDisclosures { total { count } } } }";
    let count = |r: crate::support::Reply| {
        r.data()["statistics"]["inventionDisclosures"]["total"]["count"].clone()
    };
    let f = json!({ "filter": { "from": "2026-01-01", "to": "2026-12-31", "regions": ["BALKAN_PENINSULA"] } });
    assert_eq!(count(app.gql(Some(&analyst), q, f).await), 1);
    let f = json!({ "filter": { "from": "2026-01-01", "to": "2026-12-31", "fields": ["DIAGNOSTICS"] } });
    assert_eq!(count(app.gql(Some(&analyst), q, f).await), 2);
    let zju = app
        .gql(None, r#"{ institution(slug: "zju") { id } }"#, json!({}))
        .await
        .data()["institution"]["id"]
        .clone();
    let f =
        json!({ "filter": { "from": "2026-01-01", "to": "2026-12-31", "institutionIds": [zju] } });
    assert_eq!(count(app.gql(Some(&analyst), q, f).await), 1);
}

#[tokio::test]
async fn converted_totals_name_their_rates_and_a_missing_rate_is_an_error() {
    let app = TestApp::new().await;
    let set = "mutation($input: SetExchangeRateInput!) { setExchangeRate(input: $input) { exchangeRate { currency reportingCurrency year rateToReporting version } } }";
    let analyst = app.user_token("analyst@center.example").await;
    let rate = json!({ "input": { "currency": "BAM", "reportingCurrency": "EUR", "year": 2026, "rateToReporting": "0.511292" } });
    assert_eq!(
        app.gql(Some(&analyst), set, rate.clone()).await.code(),
        "FORBIDDEN"
    );
    let admin = app.user_token("admin@center.example").await;
    let r = app.gql(Some(&admin), set, rate).await;
    assert_eq!(
        r.data()["setExchangeRate"]["exchangeRate"]["rateToReporting"],
        "0.511292"
    );

    let q = "query($filter: StatisticsFilter) { statistics(filter: $filter, reportingCurrency: \"EUR\") { \
             ventures { total { converted { amount { amount currency } suppressed rates { currency year rate } } } } } }";
    let r = app
        .gql(Some(&analyst), q, period("2026-01-01", "2026-12-31"))
        .await;
    // Kozara Phyto's BAM 150,000.00 at 0.511292.
    assert_eq!(
        r.data()["statistics"]["ventures"]["total"]["converted"],
        json!({
            "amount": { "amount": "76693.80", "currency": "EUR" },
            "suppressed": false,
            "rates": [{ "currency": "BAM", "year": 2026, "rate": "0.511292" }]
        })
    );
    // Over 2025–2026 the total converts each currency at the mean of its 2025 and 2026 rates:
    // BAM (first in order) has no 2025 rate, and the error names the currency and the year.
    let r = app
        .gql(Some(&analyst), q, period("2025-01-01", "2026-12-31"))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    let message = r.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("BAM") && message.contains("2025"),
        "{message}"
    );
}

#[tokio::test]
async fn a_multi_year_cell_converts_at_one_rate_per_currency_and_so_reveals_no_split_by_year() {
    // Converted year by year, a cell's converted and per-currency figures would be two
    // equations in its amounts per year. At one rate per currency (the mean of the period's
    // yearly rates) the converted figure follows from the per-currency ones shown beside it.
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let analyst = app.user_token("analyst@center.example").await;
    let vars = period("2025-01-01", "2026-12-31");
    let q = "query($filter: StatisticsFilter) { statistics(filter: $filter, reportingCurrency: \"EUR\") { \
             ventures { total { money { currency amount suppressed } \
             converted { amount { amount currency } suppressed rates { currency year rate } } } \
             byYear { year money { currency amount } converted { amount { amount } rates { year } } } } } }";
    let plain = stats(&app, Some(&analyst), vars.clone()).await;
    let currencies: Vec<String> = plain["ventures"]["total"]["money"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["currency"].as_str().unwrap().to_owned())
        .filter(|c| c != "EUR")
        .collect();
    assert!(
        currencies.len() >= 2,
        "the demo's ventures raise funds in several currencies: {currencies:?}"
    );
    // Very different rates per year: 0.200000 in 2025, 0.100000 in 2026.
    let set = "mutation($input: SetExchangeRateInput!) { setExchangeRate(input: $input) { exchangeRate { version } } }";
    for c in &currencies {
        for (year, rate) in [(2025, "0.200000"), (2026, "0.100000")] {
            let input = json!({ "input": { "currency": c, "reportingCurrency": "EUR", "year": year, "rateToReporting": rate } });
            app.gql(Some(&admin), set, input).await.data();
        }
    }
    let s = app.gql(Some(&analyst), q, vars).await.data()["statistics"]["ventures"].clone();
    // Minor units of a decimal amount (every currency here has two decimals).
    let cents = |a: &Value| -> i64 { a.as_str().unwrap().replace('.', "").parse().unwrap() };
    let total = &s["total"];
    let mut expected = 0;
    for m in total["money"].as_array().unwrap() {
        assert_eq!(m["suppressed"], false);
        let amount = cents(&m["amount"]);
        expected += if m["currency"] == "EUR" {
            amount
        } else {
            // · (0.2 + 0.1) / 2, rounded half up.
            (amount * 15 + 50) / 100
        };
    }
    assert_eq!(cents(&total["converted"]["amount"]["amount"]), expected);
    let rates = total["converted"]["rates"].as_array().unwrap();
    assert_eq!(rates.len(), 2 * currencies.len(), "{rates:?}");
    // A year's cell converts at its own year's rate.
    for y in s["byYear"].as_array().unwrap() {
        let rate = if y["year"] == 2025 { 20 } else { 10 };
        let expected: i64 = y["money"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let amount = cents(&m["amount"]);
                if m["currency"] == "EUR" {
                    amount
                } else {
                    (amount * rate + 50) / 100
                }
            })
            .sum();
        assert_eq!(cents(&y["converted"]["amount"]["amount"]), expected, "{y}");
        assert!(
            y["converted"]["rates"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["year"] == y["year"])
        );
    }
}

#[tokio::test]
async fn external_licensees_are_placed_in_the_region_matrix_by_their_country() {
    let app = TestApp::new().await;
    let vars = period("2026-01-01", "2026-12-31");
    // A center admin reads every deal: the amounts, hand-added from the demo data.
    let admin = app.user_token("admin@center.example").await;
    let s = stats(&app, Some(&admin), vars.clone()).await;
    let east_west = flow(
        &s["crossBorder"]["regions"],
        "YANGTZE_RIVER_DELTA",
        "BALKAN_PENINSULA",
    );
    // Signed in 2026: zju → Bosnalijek d.d. (BA, BAM 40,000.00) and fudan → unizg (EUR
    // 80,000.00). Shanghai Xinmai (CN) stays inside the delta: not cross-border.
    assert_eq!(east_west["deals"], 2);
    assert_eq!(
        money(&east_west["dealValue"]),
        vec![shown("BAM", "40000.00"), shown("EUR", "80000.00")]
    );
    // Received in 2026: Bosnalijek's 10,000.00 + 3,250.50 BAM; unibl's royalty 2,961.00 and
    // unizg's upfront 20,000.00 EUR.
    assert_eq!(east_west["incomes"], 4);
    assert_eq!(
        money(&east_west["licenseIncome"]),
        vec![shown("BAM", "13250.50"), shown("EUR", "22961.00")]
    );
    // The institution list pairs institutions only: Bosnalijek has no cell, zju none.
    for c in s["crossBorder"]["institutions"].as_array().unwrap() {
        assert_ne!(c["from"]["slug"], "zju", "{c}");
        assert!(!c["to"].is_null(), "{c}");
    }

    // The analyst sees the same counts; each currency rests on one or two deals (incomes) of
    // others, so the amounts are withheld.
    let analyst = app.user_token("analyst@center.example").await;
    let s = stats(&app, Some(&analyst), vars.clone()).await;
    let east_west = flow(
        &s["crossBorder"]["regions"],
        "YANGTZE_RIVER_DELTA",
        "BALKAN_PENINSULA",
    );
    assert_eq!(
        (east_west["deals"].as_i64(), east_west["incomes"].as_i64()),
        (Some(2), Some(4))
    );
    assert_eq!(
        money(&east_west["dealValue"]),
        vec![withheld("BAM"), withheld("EUR")]
    );

    // bg takes part in none of it.
    let bg = app.user_token("member@bg.example").await;
    let s = stats(&app, Some(&bg), vars).await;
    assert!(s["crossBorder"]["regions"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn exchange_rates_are_listed_to_whoever_reads_statistics() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let set = "mutation($input: SetExchangeRateInput!) { setExchangeRate(input: $input) { exchangeRate { year } } }";
    for (currency, year, rate) in [
        ("BAM", 2025, "0.511292"),
        ("BAM", 2026, "0.511292"),
        ("CNY", 2026, "0.128000"),
    ] {
        app.gql(
            Some(&admin),
            set,
            json!({ "input": { "currency": currency, "reportingCurrency": "EUR", "year": year, "rateToReporting": rate } }),
        )
        .await
        .data();
    }
    let q = "query($filter: ExchangeRateFilter, $first: Int, $after: String) { \
             exchangeRates(filter: $filter, first: $first, after: $after, orderBy: { field: YEAR, direction: DESC }) { \
             totalCount pageInfo { hasNextPage endCursor } \
             edges { node { currency reportingCurrency year rateToReporting version } } } }";
    let analyst = app.user_token("analyst@center.example").await;
    let r = app
        .gql(
            Some(&analyst),
            q,
            json!({ "filter": { "currency": "bam" } }),
        )
        .await;
    let list = &r.data()["exchangeRates"];
    assert_eq!(list["totalCount"], 2);
    assert_eq!(
        list["edges"][0]["node"],
        json!({ "currency": "BAM", "reportingCurrency": "EUR", "year": 2026, "rateToReporting": "0.511292", "version": 1 })
    );
    assert_eq!(list["edges"][1]["node"]["year"], 2025);

    // Paged like every list; a member (here bg's) reads them too: they are no one's secret.
    let bg = app.user_token("member@bg.example").await;
    let r = app
        .gql(
            Some(&bg),
            q,
            json!({ "filter": { "year": 2026 }, "first": 1 }),
        )
        .await;
    let page = &r.data()["exchangeRates"];
    assert_eq!(page["totalCount"], 2);
    assert_eq!(page["pageInfo"]["hasNextPage"], true);
    let after = page["pageInfo"]["endCursor"].clone();
    let r = app
        .gql(
            Some(&bg),
            q,
            json!({ "filter": { "year": 2026 }, "first": 1, "after": after }),
        )
        .await;
    assert_eq!(r.data()["exchangeRates"]["pageInfo"]["hasNextPage"], false);
    assert_eq!(
        r.data()["exchangeRates"]["edges"].as_array().unwrap().len(),
        1
    );

    // Anonymous callers and tokens without `stats:read`: refused as for `statistics`.
    let r = app.gql(None, q, json!({})).await;
    assert_eq!(r.code(), "UNAUTHENTICATED");
    let manager = app.user_token("manager@sumhs.example").await;
    let token = app
        .gql(
            Some(&manager),
            "mutation($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }",
            json!({ "input": { "name": "erp", "scopes": ["deal:read"] } }),
        )
        .await
        .data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        app.gql(Some(&token), q, json!({})).await.code(),
        "FORBIDDEN"
    );
}
