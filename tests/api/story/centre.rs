//! The center's own story (issue 7), end to end over HTTP: sumhs discloses a technology with a
//! Banja Luka co-inventor, files a CN and a PCT application co-owned with unibl, licenses it to
//! a Serbian company (Galenika a.d., a licensee outside the consortium with accounts of its
//! own), receives its royalties, a venture spins out, and Banja Luka teachers train in
//! Shanghai. After every step a bg member finds none of the confidential parts, and the
//! Serbian licensee's account sees exactly what it may: its licences (and what they license),
//! nothing of the rest.

use serde_json::{Value, json};

use super::{
    REFERENCE, Story, TITLE, assert_distribution, end_of_month_before, plus_months, today,
};

const PASSWORD: &str = "galenika-licensing-2026";
const DEAL: &str =
    "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id stage version } } }";
const INVITE: &str = "mutation($i: InviteLicenseeInput!) { inviteLicensee(input: $i) { invitationToken licensee { id name } } }";
const ACCEPT: &str = "mutation($i: AcceptLicenseeInvitationInput!) { acceptLicenseeInvitation(input: $i) { accessToken } }";
/// What the licensee can count across the registry.
const TOTALS: &str = "{
  technologies { totalCount } ipAssets { totalCount } deals { totalCount }
  people { totalCount } ventures { totalCount } trainingPrograms { totalCount }
  agreements { totalCount }
}";

/// The story, with the Serbian licensee watching.
struct Centre {
    s: Story,
    /// Galenika's licensing manager (a licensee account).
    galenika: String,
    /// The licensee organisation's id.
    licensee: Value,
    /// Its counts before the story began (it already had one deal: an MTA).
    before: Value,
    /// What its counts should be now.
    expected: Value,
    /// The secrets (global ids) the licensee may see.
    its_own: Vec<String>,
}

impl Centre {
    /// The story's partners, and Galenika, which already evaluates sumhs's wound dressing
    /// (SUMHS-2025-002) under a material transfer agreement and has an account for it.
    async fn begin() -> Centre {
        let s = Story::begin().await;
        let manager = s.app.user_token("manager@sumhs.example").await;
        let mta = s
            .as_sumhs(
                "query { technology(reference: \"SUMHS-2025-002\") { id } }",
                json!({}),
            )
            .await["technology"]["id"]
            .clone();
        let input = json!({ "technologyId": mta, "kind": "MATERIAL_TRANSFER",
                            "recipientExternal": { "name": "Galenika a.d.", "country": "RS" },
                            "currency": "EUR" });
        let deal =
            s.as_sumhs(DEAL, json!({ "i": input })).await["createDeal"]["deal"]["id"].clone();
        let invited = s
            .ask(
                &manager,
                INVITE,
                json!({ "i": { "dealId": deal, "identifier": "RS-07042701",
                               "email": "licensing@galenika.example", "displayName": "Galenika licensing" } }),
            )
            .await["inviteLicensee"]
            .clone();
        assert_eq!(invited["licensee"]["name"], "Galenika a.d.");
        let galenika = s
            .app
            .gql(
                None,
                ACCEPT,
                json!({ "i": { "token": invited["invitationToken"], "password": PASSWORD } }),
            )
            .await
            .data()["acceptLicenseeInvitation"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned();
        let before = s.ask(&galenika, TOTALS, json!({})).await;
        assert_eq!(before["deals"]["totalCount"], 1, "{before}");
        assert_eq!(before["people"]["totalCount"], 0, "{before}");
        Centre {
            s,
            galenika,
            licensee: invited["licensee"]["id"].clone(),
            expected: before.clone(),
            before,
            its_own: Vec::new(),
        }
    }

    /// Adds `n` to what the licensee counts of `what`.
    fn expect_more(&mut self, what: &str, n: i64) {
        let count = self.expected[what]["totalCount"].as_i64().unwrap() + n;
        self.expected[what]["totalCount"] = json!(count);
    }

    /// Closes a step: bg finds nothing (the issue-4 checks), and the licensee sees exactly the
    /// secrets that are its own, on `node`, `nodes` and in its counts.
    async fn step(&self, done: &str) {
        self.s.step(done).await;
        let g = &self.galenika;
        for id in &self.s.secrets {
            let r = self
                .s
                .ask(
                    g,
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            let mine = self.its_own.contains(id);
            assert_eq!(
                r["node"].is_object(),
                mine,
                "{done}: the licensee {} node({id})",
                if mine { "misses" } else { "sees" }
            );
        }
        let r = self
            .s
            .ask(
                g,
                "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
                json!({ "ids": self.s.secrets }),
            )
            .await;
        let seen: Vec<String> = r["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|n| n["id"].as_str().map(str::to_owned))
            .collect();
        let mut own = self.its_own.clone();
        own.sort();
        let mut seen_sorted = seen.clone();
        seen_sorted.sort();
        assert_eq!(seen_sorted, own, "{done}: the licensee's nodes");
        for id in &self.s.inventors {
            let r = self
                .s
                .ask(
                    g,
                    "query($id: ID!) { node(id: $id) { id } }",
                    json!({ "id": id }),
                )
                .await;
            assert_eq!(r["node"], Value::Null, "{done}: the licensee sees a person");
        }
        assert_eq!(
            self.s.ask(g, TOTALS, json!({})).await,
            self.expected,
            "{done}: the licensee's counts"
        );
    }

    fn own(&mut self, id: &Value) {
        self.its_own.push(id.as_str().unwrap().to_owned());
    }
}

#[tokio::test]
async fn the_centre_s_story_with_a_co_inventor_a_serbian_licensee_a_spin_out_and_training() {
    let mut c = Centre::begin().await;

    // sumhs discloses a confidential technology.
    let tech = c.s.disclose().await;
    c.step("sumhs disclosed a confidential technology").await;

    // Its inventors: Zhou Min of sumhs (60%) and Milana Šarić of Banja Luka (40%). unibl, her
    // institution, now sees the disclosure that names her.
    let zhou = c.s.new_inventor("Zhou Min", "zhou.min@sumhs.example").await;
    let milana =
        c.s.as_unibl(
            "{ people(first: 100) { edges { node { id fullName } } } }",
            json!({}),
        )
        .await["people"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["node"]["fullName"] == "Milana Šarić")
            .unwrap()["node"]["id"]
            .clone();
    let named =
        c.s.name_inventors(&tech, &[(&zhou, 6000), (milana.as_str().unwrap(), 4000)])
            .await;
    assert_eq!(
        named,
        [("Zhou Min".into(), 6000), ("Milana Šarić".into(), 4000)]
    );
    let theirs = c.s.view_of(&c.s.unibl, &tech).await;
    assert_eq!(theirs["technology"]["title"], TITLE);
    c.step("Zhou Min (sumhs) and Milana Šarić (unibl) are its inventors")
        .await;

    // A CN application, unpublished; a PCT application, published, co-owned 70/30 with unibl.
    let cn =
        c.s.draft_ip(&tech, "INVENTION_PATENT", "CN", json!({ "title": TITLE }))
            .await;
    let cn =
        c.s.move_ip(&cn, "FILED", today() - chrono::Days::new(60))
            .await;
    let priority = end_of_month_before(today(), 20);
    let more =
        json!({ "priorityDate": priority.to_string(), "targetJurisdictions": ["CN", "EP", "US"] });
    c.s.review_for_filing_abroad(&tech, plus_months(priority, 10))
        .await;
    let pct = c.s.draft_ip(&tech, "PCT_APPLICATION", "WO", more).await;
    let pct = c.s.move_ip(&pct, "FILED", plus_months(priority, 11)).await;
    let pct =
        c.s.move_ip(&pct, "PUBLISHED", plus_months(priority, 18))
            .await;
    // The co-inventor's institution sees the published PCT application, not the CN filing.
    let theirs = c.s.view_of(&c.s.unibl, &tech).await;
    assert_eq!(theirs["technology"]["ipAssets"]["totalCount"], 1);
    c.step("sumhs filed in China and under the PCT").await;
    let owners = c.s.co_own(&pct, &[("sumhs", 7000), ("unibl", 3000)]).await;
    assert_eq!(owners, [("sumhs".into(), 7000), ("unibl".into(), 3000)]);
    c.step("unibl co-owns 30% of the PCT application").await;

    // sumhs opens an exclusive licence for Serbia to Galenika, and links it to Galenika's
    // accounts: a second user, its finance officer, is invited for it.
    let input = json!({
        "technologyId": tech, "kind": "EXCLUSIVE_LICENSE",
        "recipientExternal": { "name": "Galenika a.d.", "country": "RS" },
        "upfront": { "amount": "15000.00", "currency": "EUR" },
        "royaltyBasisPoints": 350, "currency": "EUR",
    });
    let deal = c.s.as_sumhs(DEAL, json!({ "i": input })).await["createDeal"]["deal"].clone();
    let deal_id = c.s.secret(&deal["id"]);
    let manager = c.s.app.user_token("manager@sumhs.example").await;
    let invited = c
        .s
        .ask(
            &manager,
            INVITE,
            json!({ "i": { "dealId": deal_id, "externalOrganizationId": c.licensee,
                           "email": "finance@galenika.example", "displayName": "Galenika finance" } }),
        )
        .await["inviteLicensee"]
        .clone();
    assert_eq!(invited["licensee"]["id"], c.licensee);
    let finance =
        c.s.app
            .gql(
                None,
                ACCEPT,
                json!({ "i": { "token": invited["invitationToken"], "password": PASSWORD } }),
            )
            .await
            .data()["acceptLicenseeInvitation"]["accessToken"]
            .as_str()
            .unwrap()
            .to_owned();
    // The licensee sees its licence, the technology it licenses and its published PCT
    // application — not the CN filing, nor the inventors.
    c.own(&deal["id"]);
    c.own(&json!(tech));
    c.own(&pct["id"]);
    c.expect_more("deals", 1);
    c.expect_more("technologies", 1);
    c.expect_more("ipAssets", 1);
    let q = "query($r: String!) { technology(reference: $r) { title inventors { totalCount } ipAssets { totalCount } } }";
    let seen = c.s.ask(&finance, q, json!({ "r": REFERENCE })).await;
    assert_eq!(
        seen["technology"],
        json!({ "title": TITLE, "inventors": { "totalCount": 0 }, "ipAssets": { "totalCount": 1 } })
    );
    assert_ne!(cn["id"], pct["id"]);
    c.step("sumhs opened an exclusive licence to Galenika, a licensee outside the consortium")
        .await;

    // sumhs signs it: the technology becomes LICENSED, and the licence ACTIVE. (Linking the
    // licensee changed the deal: its version moved on.)
    let mut deal = deal;
    deal["version"] =
        c.s.as_sumhs(
            "query($id: ID!) { node(id: $id) { ... on Deal { version } } }",
            json!({ "id": deal_id }),
        )
        .await["node"]["version"]
            .clone();
    let signed_on = today() - chrono::Days::new(120);
    c.s.move_deal(
        &deal,
        &[
            ("NEGOTIATION", json!({})),
            ("TERM_SHEET", json!({})),
            ("SIGNED", json!({ "signedOn": signed_on.to_string() })),
            ("ACTIVE", json!({})),
        ],
    )
    .await;
    let stage = c
        .s
        .ask(
            &finance,
            "query($id: ID!) { node(id: $id) { ... on Deal { stage events { totalCount } technology { stage } } } }",
            json!({ "id": deal_id }),
        )
        .await;
    assert_eq!(
        stage["node"],
        json!({ "stage": "ACTIVE", "events": { "totalCount": 5 }, "technology": { "stage": "LICENSED" } })
    );
    c.step("the licence is signed and active; the technology is LICENSED")
        .await;

    // Galenika's ERP reports the royalties with an API token its finance officer made.
    let erp = c
        .s
        .ask(
            &finance,
            "mutation { createApiToken(input: { name: \"Galenika ERP\", scopes: [\"deal:read\", \"deal:write\"] }) { token } }",
            json!({}),
        )
        .await["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    let report = c
        .s
        .ask(
            &erp,
            "mutation($i: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $i) { royaltyReport { id status royaltyDue { amount currency } } } }",
            json!({ "i": { "dealId": deal_id, "periodStart": signed_on.to_string(),
                           "periodEnd": (today() - chrono::Days::new(10)).to_string(),
                           "netSales": { "amount": "35273.43", "currency": "EUR" },
                           "royaltyDue": { "amount": "1234.57", "currency": "EUR" } } }),
        )
        .await["submitRoyaltyReport"]["royaltyReport"]
        .clone();
    assert_eq!(report["status"], "SUBMITTED");
    let report_id = c.s.secret(&report["id"]);
    c.own(&report["id"]);
    c.step("Galenika's ERP reported its royalties").await;

    // sumhs accepts the report and records the royalty: half to the inventors (60/40, Banja
    // Luka's researcher included), half to the IP owners (CN 100% sumhs, PCT 70/30).
    assert_eq!(
        c.s.decide(&report_id, "ACCEPTED").await["status"],
        "ACCEPTED"
    );
    let income = c.s.record_royalty(&deal_id, &report["royaltyDue"]).await;
    assert_distribution(
        &income,
        5000,
        &[("Zhou Min", 6000), ("Milana Šarić", 4000)],
        &[("sumhs", 17_000), ("unibl", 3000)],
    );
    c.own(&income["id"]);
    // The licensee sees the income it paid, not how sumhs shares it out.
    let q = "query($id: ID!) { node(id: $id) { ... on Income { amount { amount } distribution { inventorShareBasisPoints } } } }";
    let seen = c.s.ask(&c.galenika, q, json!({ "id": income["id"] })).await;
    assert_eq!(
        seen["node"],
        json!({ "amount": { "amount": "1234.57" }, "distribution": null })
    );
    // unibl, co-owner and the co-inventor's employer, sees the inventors' lines and its own.
    let seen =
        c.s.as_unibl(INCOME_VIEW, json!({ "id": income["id"] }))
            .await;
    let lines: Vec<&str> = seen["node"]["distribution"]["institutions"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["institution"]["slug"].as_str())
        .collect();
    assert_eq!(lines, ["unibl"]);
    assert_eq!(
        seen["node"]["distribution"]["inventors"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    c.step("sumhs accepted the report and recorded 1234.57 EUR, split to the cent")
        .await;

    // A venture spins out on the technology: LICENSED → SPUN_OUT.
    let venture = c
        .s
        .as_sumhs(
            "mutation($t: ID!) { createVenture(input: { name: \"KlebsiDx d.o.o.\", cohort: \"2026-autumn\", technologyId: $t }) { venture { id } } }",
            json!({ "t": tech }),
        )
        .await["createVenture"]["venture"]["id"]
        .clone();
    let version =
        c.s.as_sumhs(
            "query($id: ID!) { node(id: $id) { ... on Technology { version } } }",
            json!({ "id": tech }),
        )
        .await["node"]["version"]
            .clone();
    let moved = c
        .s
        .as_sumhs(
            "mutation($i: TransitionTechnologyInput!) { transitionTechnology(input: $i) { technology { stage } } }",
            json!({ "i": { "id": tech, "to": "SPUN_OUT", "expectedVersion": version } }),
        )
        .await;
    assert_eq!(
        moved["transitionTechnology"]["technology"]["stage"],
        "SPUN_OUT"
    );
    // Ventures are the consortium's business, not a licensee's.
    let r =
        c.s.ask(
            &c.galenika,
            "query($id: ID!) { node(id: $id) { id } }",
            json!({ "id": venture }),
        )
        .await;
    assert_eq!(r["node"], Value::Null);
    c.step("a venture spun out; the technology is SPUN_OUT")
        .await;

    // Banja Luka's teachers train in Shanghai: sumhs hosts the program, unibl enrolls its
    // researcher, sumhs accepts her.
    let program = c
        .s
        .as_sumhs(
            "mutation($i: CreateTrainingProgramInput!) { createTrainingProgram(input: $i) { program { id } } }",
            json!({ "i": { "title": "Clinical diagnostics teacher training", "kind": "TEACHER_TRAINING",
                           "field": "DIAGNOSTICS", "language": "en", "startsOn": "2027-03-01",
                           "endsOn": "2027-03-26", "capacity": 12 } }),
        )
        .await["createTrainingProgram"]["program"]["id"]
        .clone();
    let enrollment = c
        .s
        .as_unibl(
            "mutation($i: ApplyToProgramInput!) { applyToProgram(input: $i) { enrollment { id } } }",
            json!({ "i": { "programId": program, "personId": milana } }),
        )
        .await["applyToProgram"]["enrollment"]["id"]
        .clone();
    let decided = c
        .s
        .as_sumhs(
            "mutation($i: DecideEnrollmentInput!) { decideEnrollment(input: $i) { enrollment { status } } }",
            json!({ "i": { "id": enrollment, "status": "ACCEPTED" } }),
        )
        .await;
    assert_eq!(
        decided["decideEnrollment"]["enrollment"]["status"],
        "ACCEPTED"
    );
    c.s.secret(&enrollment);
    c.step("Banja Luka's teacher was accepted for training in Shanghai")
        .await;

    // At the end, the licensee has its two deals and nothing else of the registry's.
    let end = c.s.ask(&c.galenika, TOTALS, json!({})).await;
    assert_eq!(end["deals"]["totalCount"], 2);
    assert_eq!(end["people"], c.before["people"]);
    assert_eq!(end["ventures"], c.before["ventures"]);
    assert_eq!(end["trainingPrograms"], c.before["trainingPrograms"]);
}

/// An income's distribution as a co-owner sees it.
const INCOME_VIEW: &str = "query($id: ID!) { node(id: $id) { ... on Income { distribution {
  inventors { person { fullName } }
  institutions { institution { slug } }
} } } }";
