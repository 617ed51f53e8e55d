//! Patent costs over HTTP: costs and reimbursements of an IP asset, read by its co-owners only
//! and recorded by their institution admins; official fees of deadlines marked done counted
//! once; totals per currency; and the income distribution net of unreimbursed costs, carried
//! forward until recovered.

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde_json::{Value, json};

use crate::{ip::demo, support::TestApp};

const TECH: &str = "query($r: String!) { technology(reference: $r) { id ipAssets { edges { node { id kind jurisdiction } } } deals { edges { node { id stage incomes { edges { node { id } } } } } } } }";
const COSTS: &str = "query($id: ID!) { node(id: $id) { ... on IpAsset { id
    costs(first: 100) { totalCount edges { node { id kind amount { amount currency } incurredOn note paidBy { slug } deadlineId ipAsset { id } } } }
    reimbursements { totalCount edges { node { id amount { amount currency } receivedOn deal { id } } } }
    costTotals { currency costs { amount } reimbursed { amount } unreimbursed { amount } } } } }";
const RECORD: &str = "mutation($i: RecordIpCostInput!) { recordIpCost(input: $i) { ipCost { id kind amount { amount currency } paidBy { slug } } } }";
const DELETE: &str = "mutation($i: DeleteIpCostInput!) { deleteIpCost(input: $i) { deletedId } }";
const REIMBURSE: &str = "mutation($i: RecordIpReimbursementInput!) { recordIpReimbursement(input: $i) { ipReimbursement { id amount { amount currency } deal { id } } } }";
const POLICY: &str = "mutation($i: SetDistributionPolicyInput!) { setDistributionPolicy(input: $i) { institution { slug distributionPolicy { policy equityAsShares } } } }";
const DISTRIBUTION: &str = "query($id: ID!) { node(id: $id) { ... on Deal { incomes(first: 100) { edges { node { id kind amount { amount }
    distribution { policy form costsDeducted { amount currency } distributedAmount { amount } unrecoveredCostsAfter { amount }
      inventors { amount { amount } } institutions { amount { amount } institution { slug } } } } } } } } }";
const DONE: &str = "mutation($i: MarkDeadlineDoneInput!) { markDeadlineDone(input: $i) { deadline { id status } } }";
const SCHEDULE: &str = "query($id: ID!) { node(id: $id) { ... on IpAsset { deadlines(first: 100, includePast: true) { edges { node { id kind jurisdiction } } } } } }";

fn edges(v: &Value) -> Vec<Value> {
    v["edges"]
        .as_array()
        .map(|e| e.iter().map(|x| x["node"].clone()).collect())
        .unwrap_or_default()
}

fn absent(type_name: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{}", uuid::Uuid::now_v7()))
}

fn cost(asset: &str, kind: &str, amount: &str, currency: &str, on: &str) -> Value {
    json!({ "i": { "ipAssetId": asset, "kind": kind, "amount": { "amount": amount, "currency": currency },
                   "incurredOn": on, "note": "invoice" } })
}

/// The demo licence's technology: its CN patent, its deal and the deal's two incomes (EUR
/// 15,000.00 upfront on 2025-08-05, a EUR 2,961.00 royalty on 2026-02-27).
struct Licence {
    patent: String,
    deal: String,
}

async fn licence(app: &TestApp) -> Licence {
    let admin = app.token("center", "CENTER_ADMIN").await;
    let r = app
        .gql(Some(&admin), TECH, json!({ "r": "SUMHS-2025-001" }))
        .await;
    let t = &r.data()["technology"];
    let patent = edges(&t["ipAssets"])
        .into_iter()
        .find(|a| a["jurisdiction"] == "CN" && a["kind"] == "INVENTION_PATENT")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let deal = edges(&t["deals"])
        .into_iter()
        .find(|d| edges(&d["incomes"]).len() == 2)
        .unwrap_or_else(|| panic!("no licence with incomes: {t}"))["id"]
        .as_str()
        .unwrap()
        .to_owned();
    Licence { patent, deal }
}

#[tokio::test]
async fn co_owners_read_costs_their_admins_record_them_and_docket_fees_count_once() {
    let app = TestApp::new().await;
    let d = demo(&app).await; // the PCT co-owned by sumhs (70%) and unibl (30%)
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl_admin = app.user_token("manager@unibl.example").await;
    let unibl = app.user_token("member@unibl.example").await;
    let zju_admin = app.token("zju", "INSTITUTION_ADMIN").await;

    // An admin of an owner records; a member may not; an outsider is told what an absent
    // asset tells it.
    let r = app
        .gql(
            Some(&sumhs_admin),
            RECORD,
            cost(&d.pct, "ATTORNEY_FEE", "12000.00", "CNY", "2026-03-10"),
        )
        .await;
    let recorded = &r.data()["recordIpCost"]["ipCost"];
    assert_eq!(recorded["paidBy"]["slug"], "sumhs");
    assert_eq!(
        recorded["amount"],
        json!({ "amount": "12000.00", "currency": "CNY" })
    );
    let attorney = recorded["id"].as_str().unwrap().to_owned();
    let r = app
        .gql(
            Some(&unibl_admin),
            RECORD,
            cost(&d.pct, "OTHER", "800.55", "EUR", "2026-03-20"),
        )
        .await;
    assert_eq!(
        r.data()["recordIpCost"]["ipCost"]["paidBy"]["slug"],
        "unibl"
    );
    let r = app
        .gql(
            Some(&sumhs),
            RECORD,
            cost(&d.pct, "OTHER", "1.00", "EUR", "2026-03-20"),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN", "{}", r.body);
    let hidden = app
        .gql(
            Some(&zju_admin),
            RECORD,
            cost(&d.pct, "OTHER", "1.00", "EUR", "2026-03-20"),
        )
        .await;
    let missing = app
        .gql(
            Some(&zju_admin),
            RECORD,
            cost(&absent("IpAsset"), "OTHER", "1.00", "EUR", "2026-03-20"),
        )
        .await;
    assert_eq!(hidden.code(), "NOT_FOUND");
    assert_eq!(
        hidden.body["errors"][0]["message"],
        missing.body["errors"][0]["message"]
    );
    // Validation comes after the access checks.
    let r = app
        .gql(
            Some(&sumhs_admin),
            RECORD,
            cost(&d.pct, "OTHER", "0.00", "EUR", "2026-03-20"),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "amount");
    let r = app
        .gql(
            Some(&sumhs_admin),
            RECORD,
            cost(&d.pct, "OTHER", "1.00", "EUR", "2999-01-01"),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "incurredOn");

    // The official fee paid on a deadline marked done is a cost, recorded once.
    let r = app
        .gql(Some(&sumhs), SCHEDULE, json!({ "id": d.pct }))
        .await;
    let priority = edges(&r.data()["node"]["deadlines"])
        .into_iter()
        .find(|x| x["kind"] == "PRIORITY_CLAIM")
        .unwrap();
    let r = app
        .gql(
            Some(&sumhs),
            DONE,
            json!({ "i": { "deadlineId": priority["id"], "doneOn": "2026-03-13",
                           "officialFee": { "amount": "8230.00", "currency": "CNY" } } }),
        )
        .await;
    assert_eq!(r.data()["markDeadlineDone"]["deadline"]["status"], "DONE");

    for token in [&sumhs, &unibl] {
        let r = app.gql(Some(token), COSTS, json!({ "id": d.pct })).await;
        let node = &r.data()["node"];
        let costs = edges(&node["costs"]);
        assert_eq!(node["costs"]["totalCount"], 3, "{}", r.body);
        let kinds: Vec<_> = costs.iter().map(|c| c["kind"].as_str().unwrap()).collect();
        assert_eq!(
            kinds,
            ["ATTORNEY_FEE", "OFFICIAL_FEE", "OTHER"],
            "by date paid"
        );
        assert_eq!(costs[1]["deadlineId"], priority["id"]);
        assert_eq!(costs[1]["paidBy"], Value::Null);
        assert_eq!(costs[0]["deadlineId"], Value::Null);
        assert_eq!(
            node["costTotals"],
            json!([
                { "currency": "CNY", "costs": { "amount": "20230.00" }, "reimbursed": { "amount": "0.00" }, "unreimbursed": { "amount": "20230.00" } },
                { "currency": "EUR", "costs": { "amount": "800.55" }, "reimbursed": { "amount": "0.00" }, "unreimbursed": { "amount": "800.55" } },
            ])
        );
        // The docket fee cannot be deleted as a cost: it changes with its deadline.
        let r = app
            .gql(
                Some(&sumhs_admin),
                DELETE,
                json!({ "i": { "id": costs[1]["id"] } }),
            )
            .await;
        assert_eq!(r.code(), "BAD_USER_INPUT");
    }

    // An outsider sees neither the costs nor their ids.
    let r = app
        .gql(Some(&zju_admin), COSTS, json!({ "id": d.pct }))
        .await;
    assert_eq!(r.data()["node"], Value::Null);
    let r = app
        .gql(Some(&zju_admin), DELETE, json!({ "i": { "id": attorney } }))
        .await;
    let missing = app
        .gql(
            Some(&zju_admin),
            DELETE,
            json!({ "i": { "id": absent("IpCost") } }),
        )
        .await;
    assert_eq!((r.code(), missing.code()), ("NOT_FOUND", "NOT_FOUND"));
    assert_eq!(
        r.body["errors"][0]["message"],
        missing.body["errors"][0]["message"]
    );
    // A member may not delete; an admin of an owner may.
    let r = app
        .gql(Some(&sumhs), DELETE, json!({ "i": { "id": attorney } }))
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app
        .gql(
            Some(&sumhs_admin),
            DELETE,
            json!({ "i": { "id": attorney } }),
        )
        .await;
    assert_eq!(r.data()["deleteIpCost"]["deletedId"], attorney.as_str());
    let r = app.gql(Some(&unibl), COSTS, json!({ "id": d.pct })).await;
    assert_eq!(r.data()["node"]["costs"]["totalCount"], 2);
}

#[tokio::test]
async fn costs_of_a_public_asset_stay_with_its_owners() {
    let app = TestApp::new().await;
    let l = licence(&app).await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs_admin),
            RECORD,
            cost(&l.patent, "ATTORNEY_FEE", "100.00", "EUR", "2025-03-01"),
        )
        .await;
    r.data();
    // The licensee (unibl) and a stranger (zju) see the published patent, not its costs.
    for token in [
        app.user_token("member@unibl.example").await,
        app.token("zju", "MEMBER").await,
        app.token("zju", "ANALYST").await,
    ] {
        let r = app
            .gql(Some(&token), COSTS, json!({ "id": l.patent }))
            .await;
        let node = &r.data()["node"];
        assert_eq!(node["id"], l.patent.as_str(), "the asset itself is visible");
        assert_eq!(
            (&node["costs"], &node["reimbursements"], &node["costTotals"]),
            (&Value::Null, &Value::Null, &Value::Null)
        );
        // …nor may it write them.
        let r = app
            .gql(
                Some(&token),
                RECORD,
                cost(&l.patent, "OTHER", "1.00", "EUR", "2025-03-01"),
            )
            .await;
        assert_eq!(r.code(), "FORBIDDEN");
    }
    let r = app.gql(None, COSTS, json!({ "id": l.patent })).await;
    assert_eq!(r.data()["node"]["costs"], Value::Null);
}

fn incomes(r: &Value) -> Vec<Value> {
    edges(&r["node"]["incomes"])
}

#[tokio::test]
async fn net_income_recovers_unreimbursed_costs_first_and_carries_the_rest_forward() {
    let app = TestApp::new().await;
    let l = licence(&app).await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let sumhs = app.user_token("member@sumhs.example").await;
    let unibl_admin = app.user_token("manager@unibl.example").await;

    // EUR 20,000.00 of attorney fees before the licence, and CNY costs that are not converted.
    for (kind, amount, currency, on) in [
        ("ATTORNEY_FEE", "12000.00", "EUR", "2025-02-20"),
        ("ATTORNEY_FEE", "8000.00", "EUR", "2025-06-30"),
        ("OFFICIAL_FEE", "5000.00", "CNY", "2025-02-18"),
    ] {
        let r = app
            .gql(
                Some(&sumhs_admin),
                RECORD,
                cost(&l.patent, kind, amount, currency, on),
            )
            .await;
        r.data();
    }

    // GROSS by default: nothing deducted, the whole income distributed.
    let r = app
        .gql(Some(&sumhs), DISTRIBUTION, json!({ "id": l.deal }))
        .await;
    let list = incomes(r.data());
    let upfront = list.iter().find(|i| i["kind"] == "UPFRONT").unwrap();
    assert_eq!(upfront["distribution"]["policy"], "GROSS");
    assert_eq!(upfront["distribution"]["form"], "CASH");
    assert_eq!(
        upfront["distribution"]["costsDeducted"],
        json!({ "amount": "0.00", "currency": "EUR" })
    );
    assert_eq!(
        upfront["distribution"]["distributedAmount"]["amount"],
        "15000.00"
    );

    // Only the institution's admins set the policy.
    let net = json!({ "i": { "policy": "NET_OF_UNREIMBURSED_COSTS" } });
    let r = app.gql(Some(&sumhs), POLICY, net.clone()).await;
    assert_eq!(r.code(), "FORBIDDEN");
    let sumhs_id = app.institution_id("sumhs").await;
    let r = app
        .gql(
            Some(&unibl_admin),
            POLICY,
            json!({ "i": { "institutionId": URL_SAFE_NO_PAD.encode(format!("Institution:{sumhs_id}")),
                           "policy": "GROSS" } }),
        )
        .await;
    assert_eq!(r.code(), "FORBIDDEN");
    let r = app.gql(Some(&sumhs_admin), POLICY, net).await;
    assert_eq!(
        r.data()["setDistributionPolicy"]["institution"]["distributionPolicy"],
        json!({ "policy": "NET_OF_UNREIMBURSED_COSTS", "equityAsShares": false })
    );

    // 20,000.00 unrecovered: the upfront (15,000.00) goes wholly to the costs, the royalty
    // (2,961.00) too, and 2,039.00 is carried forward.
    let check = |list: &[Value], kind: &str, deducted: &str, distributed: &str, after: &str| {
        let income = list.iter().find(|i| i["kind"] == kind).unwrap();
        let dist = &income["distribution"];
        assert_eq!(dist["policy"], "NET_OF_UNREIMBURSED_COSTS");
        assert_eq!(dist["costsDeducted"]["amount"], deducted, "{kind}: {dist}");
        assert_eq!(dist["distributedAmount"]["amount"], distributed, "{kind}");
        assert_eq!(dist["unrecoveredCostsAfter"]["amount"], after, "{kind}");
        // The parts add up to what is distributed, exactly.
        let cents = |v: &Value| -> i64 {
            v["amount"]["amount"]
                .as_str()
                .unwrap()
                .replace('.', "")
                .parse::<i64>()
                .unwrap()
        };
        let parts: i64 = dist["inventors"]
            .as_array()
            .unwrap()
            .iter()
            .chain(dist["institutions"].as_array().unwrap())
            .map(cents)
            .sum();
        assert_eq!(
            parts,
            distributed.replace('.', "").parse::<i64>().unwrap(),
            "{kind}"
        );
    };
    let r = app
        .gql(Some(&sumhs), DISTRIBUTION, json!({ "id": l.deal }))
        .await;
    let list = incomes(r.data());
    check(&list, "UPFRONT", "15000.00", "0.00", "5000.00");
    check(&list, "ROYALTY", "2961.00", "0.00", "2039.00");

    // The licensee reimburses EUR 3,000.00 before the upfront: 17,000.00 unrecovered then.
    let r = app
        .gql(
            Some(&sumhs_admin),
            REIMBURSE,
            json!({ "i": { "ipAssetId": l.patent, "dealId": l.deal,
                           "amount": { "amount": "3000.00", "currency": "EUR" }, "receivedOn": "2025-08-01" } }),
        )
        .await;
    assert_eq!(
        r.data()["recordIpReimbursement"]["ipReimbursement"]["deal"]["id"],
        l.deal.as_str()
    );
    let r = app
        .gql(Some(&sumhs), DISTRIBUTION, json!({ "id": l.deal }))
        .await;
    let list = incomes(r.data());
    check(&list, "UPFRONT", "15000.00", "0.00", "2000.00");
    check(&list, "ROYALTY", "2000.00", "961.00", "0.00");
    let r = app
        .gql(Some(&sumhs), COSTS, json!({ "id": l.patent }))
        .await;
    assert_eq!(
        r.data()["node"]["costTotals"],
        json!([
            { "currency": "CNY", "costs": { "amount": "5000.00" }, "reimbursed": { "amount": "0.00" }, "unreimbursed": { "amount": "5000.00" } },
            { "currency": "EUR", "costs": { "amount": "20000.00" }, "reimbursed": { "amount": "3000.00" }, "unreimbursed": { "amount": "17000.00" } },
        ])
    );
    // The licensee still sees no distribution (it would reveal the owner's filings).
    let unibl = app.user_token("member@unibl.example").await;
    let r = app
        .gql(Some(&unibl), DISTRIBUTION, json!({ "id": l.deal }))
        .await;
    assert!(
        incomes(r.data())
            .iter()
            .all(|i| i["distribution"].is_null())
    );

    // A reimbursement names a deal on the asset's own technology.
    let d = demo(&app).await;
    let r = app
        .gql(
            Some(&sumhs_admin),
            REIMBURSE,
            json!({ "i": { "ipAssetId": d.pct, "dealId": l.deal,
                           "amount": { "amount": "1.00", "currency": "EUR" }, "receivedOn": "2025-08-01" } }),
        )
        .await;
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "dealId");
}

#[tokio::test]
async fn equity_is_distributed_as_shares_where_the_policy_says_so() {
    let app = TestApp::new().await;
    let l = licence(&app).await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&sumhs_admin),
            RECORD,
            cost(&l.patent, "ATTORNEY_FEE", "50000.00", "EUR", "2025-02-20"),
        )
        .await;
    r.data();
    let r = app
        .gql(
            Some(&sumhs_admin),
            "mutation($i: RecordIncomeInput!) { recordIncome(input: $i) { income { id } } }",
            json!({ "i": { "dealId": l.deal, "kind": "EQUITY",
                           "amount": { "amount": "1000.01", "currency": "EUR" }, "receivedOn": "2026-03-01" } }),
        )
        .await;
    r.data();
    let r = app
        .gql(
            Some(&sumhs_admin),
            POLICY,
            json!({ "i": { "policy": "NET_OF_UNREIMBURSED_COSTS", "equityAsShares": true } }),
        )
        .await;
    r.data();
    let r = app
        .gql(Some(&sumhs_admin), DISTRIBUTION, json!({ "id": l.deal }))
        .await;
    let list = incomes(r.data());
    let equity = &list.iter().find(|i| i["kind"] == "EQUITY").unwrap()["distribution"];
    assert_eq!(equity["form"], "SHARES");
    assert_eq!(equity["costsDeducted"]["amount"], "0.00");
    assert_eq!(equity["distributedAmount"]["amount"], "1000.01");
    // The cash incomes recover the costs; the equity leaves them untouched.
    let royalty = &list.iter().find(|i| i["kind"] == "ROYALTY").unwrap()["distribution"];
    assert_eq!(royalty["form"], "CASH");
    assert_eq!(royalty["unrecoveredCostsAfter"]["amount"], "32039.00");
}
