//! The story of issue 4, end to end through GraphQL over HTTP, as three partners live it:
//! `sumhs` discloses a confidential technology, names its inventors, files a CN application and
//! a PCT application co-owned with `unibl`; `unibl` sees the published PCT application and its
//! national-phase deadlines, but not the unpublished CN filing; a licence to `unibl` goes from
//! LEAD to ACTIVE; `unibl` reports royalties, `sumhs` accepts the report and records the income,
//! whose distribution adds up to the cent. After every step a `bg` member — a consortium member
//! with no part in any of it — finds none of the confidential parts on any path.
//!
//! Dates are relative to today, so the deadlines stay upcoming whenever the test runs.
//!
//! [`centre`] tells the center's fuller story of issue 7 with the same partners, a co-inventor
//! at Banja Luka and a Serbian licensee watching after every step.

mod centre;

use chrono::{Datelike, Days, NaiveDate, Utc};
use serde_json::{Value, json};

use crate::support::TestApp;

const REFERENCE: &str = "SUMHS-2026-042";
const TITLE: &str = "Nanobody panel against carbapenemase-producing Klebsiella";
/// The window of `upcomingDeadlines` used throughout: the PCT's national phases fall in it.
const WITHIN_DAYS: i64 = 400;

const DISCLOSE: &str = "mutation($i: CreateTechnologyInput!) { createTechnology(input: $i) { technology { id reference visibility stage owner { slug } } } }";
const PERSON: &str =
    "mutation($i: CreatePersonInput!) { createPerson(input: $i) { person { id fullName } } }";
const INVENTORS: &str = "mutation($i: SetTechnologyInventorsInput!) { setTechnologyInventors(input: $i) { technology { inventors { totalCount edges { node { shareBasisPoints person { fullName } } } } } } }";
const IP_FIELDS: &str = "id kind jurisdiction status version priorityDate filingDate publicationDate targetJurisdictions owners { edges { node { shareBasisPoints institution { slug } } } }";
const DEAL: &str = "mutation($i: CreateDealInput!) { createDeal(input: $i) { deal { id stage version crossBorder recipient { ... on Institution { slug } } } } }";
const MOVE_DEAL: &str = "mutation($i: TransitionDealInput!) { transitionDeal(input: $i) { deal { stage version signedOn } } }";
const HISTORY: &str = "query($id: ID!) { node(id: $id) { ... on Deal { stage events(first: 10) { totalCount edges { node { fromStage toStage } } } } } }";
const REPORT: &str = "mutation($i: SubmitRoyaltyReportInput!) { submitRoyaltyReport(input: $i) { royaltyReport { id status royaltyDue { amount currency } } } }";
const DECIDE: &str = "mutation($i: DecideRoyaltyReportInput!) { decideRoyaltyReport(input: $i) { royaltyReport { status decidedAt } } }";
const INCOME: &str = "mutation($i: RecordIncomeInput!) { recordIncome(input: $i) { income { id kind amount { amount currency } distribution {
  inventorShareBasisPoints
  inventors { shareBasisPoints amount { amount currency } person { fullName } }
  institutions { shareBasisPoints amount { amount currency } institution { slug } }
} } } }";
/// A partner's view of the technology: its IP assets with their deadlines, and the upcoming
/// deadlines of its assets.
const VIEW: &str = "query($r: String!, $t: ID!, $d: Int!) {
  technology(reference: $r) { id title ipAssets { totalCount edges { node {
    id status deadlines { edges { node { kind jurisdiction dueOn ipAsset { id } } } }
  } } } }
  ipAssets(filter: { technology: $t }) { totalCount }
  upcomingDeadlines(withinDays: $d, filter: { ipAsset: { technology: $t } }) {
    totalCount edges { node { kind jurisdiction dueOn ipAsset { id } } }
  }
}";
/// What a viewer can count of technologies, IP assets, deals and deadlines — at the root and
/// under the two partners — and what a search for the story's title finds.
const TOTALS: &str = "query($d: Int!, $title: String!) {
  technologies { totalCount }
  ipAssets { totalCount }
  deals { totalCount }
  upcomingDeadlines(withinDays: $d) { totalCount }
  found: technologies(filter: { search: $title }) { totalCount }
  sumhs: institution(slug: \"sumhs\") { technologies { totalCount } deals { totalCount } }
  unibl: institution(slug: \"unibl\") { technologies { totalCount } deals { totalCount } }
}";

/// Lists filtered by a technology's global id.
const BY_TECHNOLOGY: &str = "query($t: ID!, $d: Int!) {
  ipAssets(filter: { technology: $t }) { totalCount }
  deals(filter: { technology: $t }) { totalCount }
  upcomingDeadlines(withinDays: $d, filter: { ipAsset: { technology: $t } }) { totalCount }
}";

/// A deadline as (kind, jurisdiction, due on, IP asset id).
type Deadline = (String, String, String, String);

/// The partners of the story, logged in as members, and what the outsider must never see.
struct Story {
    app: TestApp,
    sumhs: String,
    unibl: String,
    bg: String,
    /// The outsider's counts before the story began.
    bg_before: Value,
    /// Every confidential object created so far (global ids).
    secrets: Vec<String>,
    /// The inventors: consortium members see their names, never their confidential inventions.
    inventors: Vec<String>,
}

impl Story {
    async fn begin() -> Story {
        let app = TestApp::new().await;
        let sumhs = app.user_token("member@sumhs.example").await;
        let unibl = app.user_token("member@unibl.example").await;
        let bg = app.user_token("member@bg.example").await;
        let mut story = Story {
            app,
            sumhs,
            unibl,
            bg,
            bg_before: Value::Null,
            secrets: Vec::new(),
            inventors: Vec::new(),
        };
        story.bg_before = story.totals_of(&story.bg).await;
        assert_eq!(story.bg_before["found"]["totalCount"], 0);
        story
    }

    /// `data` of a request as `token`; panics with the errors.
    async fn ask(&self, token: &str, query: &str, vars: Value) -> Value {
        self.app.gql(Some(token), query, vars).await.data().clone()
    }

    async fn as_sumhs(&self, query: &str, vars: Value) -> Value {
        self.ask(&self.sumhs, query, vars).await
    }

    async fn as_unibl(&self, query: &str, vars: Value) -> Value {
        self.ask(&self.unibl, query, vars).await
    }

    /// Remembers a confidential object's id and hands it back.
    fn secret(&mut self, id: &Value) -> String {
        let id = id
            .as_str()
            .unwrap_or_else(|| panic!("no id: {id}"))
            .to_owned();
        self.secrets.push(id.clone());
        id
    }

    async fn totals_of(&self, token: &str) -> Value {
        let vars = json!({ "d": WITHIN_DAYS, "title": TITLE });
        self.ask(token, TOTALS, vars).await
    }

    async fn institution_gid(&self, slug: &str) -> String {
        biobridge::graphql::ids::encode("Institution", self.app.institution_id(slug).await).0
    }

    /// Closes a paragraph of the story: `bg` finds nothing confidential, on any path.
    async fn step(&self, done: &str) {
        eprintln!("story: {done}");
        let bg = &self.bg;
        let r = self
            .ask(
                bg,
                "query($r: String!) { technology(reference: $r) { id } }",
                json!({ "r": REFERENCE }),
            )
            .await;
        assert_eq!(
            r["technology"],
            Value::Null,
            "{done}: technology by reference"
        );
        for id in &self.secrets {
            let q = "query($id: ID!) { node(id: $id) { id } }";
            let r = self.ask(bg, q, json!({ "id": id })).await;
            assert_eq!(r["node"], Value::Null, "{done}: node({id})");
        }
        let q = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }";
        let r = self.ask(bg, q, json!({ "ids": self.secrets })).await;
        assert!(
            r["nodes"].as_array().unwrap().iter().all(Value::is_null),
            "{done}: nodes {r}"
        );
        // The inventors are consortium-visible people; what they invented here is not.
        for id in &self.inventors {
            let q = "query($id: ID!) { node(id: $id) { ... on Person { fullName email inventions { totalCount edges { node { shareBasisPoints } } } } } }";
            let r = self.ask(bg, q, json!({ "id": id })).await;
            let person = &r["node"];
            assert!(person["fullName"].is_string(), "{done}: {r}");
            assert_eq!(person["email"], Value::Null, "{done}: e-mail of {id}");
            assert_eq!(
                person["inventions"],
                json!({ "totalCount": 0, "edges": [] }),
                "{done}"
            );
        }
        assert_eq!(
            self.totals_of(bg).await,
            self.bg_before,
            "{done}: bg's counts changed"
        );
        // Filtering by the technology's id (which bg might have learnt) finds nothing either.
        let vars = json!({ "t": self.secrets[0], "d": WITHIN_DAYS });
        assert_eq!(
            self.ask(bg, BY_TECHNOLOGY, vars).await,
            json!({
                "ipAssets": { "totalCount": 0 },
                "deals": { "totalCount": 0 },
                "upcomingDeadlines": { "totalCount": 0 },
            }),
            "{done}: filtered by technology"
        );
    }

    // — sumhs's moves —

    async fn disclose(&mut self) -> String {
        let input = json!({
            "reference": REFERENCE, "title": TITLE,
            "summary": "Camelid single-domain antibodies that detect KPC and NDM carbapenemases in a 20-minute lateral-flow test.",
            "field": "DIAGNOSTICS", "trl": 3, "visibility": "CONFIDENTIAL",
            "keywords": ["antimicrobial resistance", "nanobody"]
        });
        let d = self.as_sumhs(DISCLOSE, json!({ "i": input })).await;
        let t = &d["createTechnology"]["technology"];
        assert_eq!(
            (
                &t["reference"],
                &t["visibility"],
                &t["stage"],
                &t["owner"]["slug"]
            ),
            (
                &json!(REFERENCE),
                &json!("CONFIDENTIAL"),
                &json!("DISCLOSED"),
                &json!("sumhs")
            )
        );
        self.secret(&t["id"])
    }

    async fn new_inventor(&mut self, name: &str, email: &str) -> String {
        let input = json!({ "fullName": name, "email": email, "expertise": ["immunology"] });
        let d = self.as_sumhs(PERSON, json!({ "i": input })).await;
        let id = d["createPerson"]["person"]["id"]
            .as_str()
            .unwrap()
            .to_owned();
        self.inventors.push(id.clone());
        id
    }

    /// Names the inventors with their shares; returns (name, share) as the payload shows them.
    async fn name_inventors(&self, technology: &str, shares: &[(&str, i64)]) -> Vec<(String, i64)> {
        let inventors: Vec<Value> = shares
            .iter()
            .map(|(person, bp)| json!({ "personId": person, "shareBasisPoints": bp }))
            .collect();
        let input = json!({ "technologyId": technology, "inventors": inventors });
        let d = self.as_sumhs(INVENTORS, json!({ "i": input })).await;
        d["setTechnologyInventors"]["technology"]["inventors"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let n = &e["node"];
                (
                    n["person"]["fullName"].as_str().unwrap().to_owned(),
                    n["shareBasisPoints"].as_i64().unwrap(),
                )
            })
            .collect()
    }

    /// A new IP asset (DRAFTING) of `kind` in `jurisdiction`; `more` adds dates and targets.
    async fn draft_ip(
        &mut self,
        technology: &str,
        kind: &str,
        jurisdiction: &str,
        more: Value,
    ) -> Value {
        let mut input =
            json!({ "technologyId": technology, "kind": kind, "jurisdiction": jurisdiction });
        input
            .as_object_mut()
            .unwrap()
            .extend(more.as_object().unwrap().clone());
        let q = format!(
            "mutation($i: CreateIpAssetInput!) {{ createIpAsset(input: $i) {{ ipAsset {{ {IP_FIELDS} }} }} }}"
        );
        let d = self.as_sumhs(&q, json!({ "i": input })).await;
        let asset = d["createIpAsset"]["ipAsset"].clone();
        assert_eq!(asset["status"], "DRAFTING");
        self.secret(&asset["id"]);
        asset
    }

    /// Records CNIPA's security review of `technology` on `on`: an invention made in China is
    /// filed abroad (here: as a PCT application) only after it (Patent Law art. 19).
    async fn review_for_filing_abroad(&self, technology: &str, on: NaiveDate) {
        let d = self
            .as_sumhs(
                "mutation($i: RecordSecurityReviewInput!) { recordSecurityReview(input: $i) { technology { securityReview { reviewedOn } } } }",
                json!({ "i": { "technologyId": technology, "reviewedOn": on.to_string() } }),
            )
            .await;
        assert_eq!(
            d["recordSecurityReview"]["technology"]["securityReview"]["reviewedOn"],
            on.to_string()
        );
    }

    /// Moves an IP asset to `to` on `date`, from the version it had.
    async fn move_ip(&self, asset: &Value, to: &str, date: NaiveDate) -> Value {
        let q = format!(
            "mutation($i: TransitionIpAssetInput!) {{ transitionIpAsset(input: $i) {{ ipAsset {{ {IP_FIELDS} }} }} }}"
        );
        let input = json!({ "id": asset["id"], "to": to, "expectedVersion": asset["version"], "date": date.to_string() });
        let d = self.as_sumhs(&q, json!({ "i": input })).await;
        let moved = d["transitionIpAsset"]["ipAsset"].clone();
        assert_eq!(moved["status"], to);
        moved
    }

    /// Sets the asset's owners; returns (slug, share) as the payload shows them.
    async fn co_own(&self, asset: &Value, owners: &[(&str, i64)]) -> Vec<(String, i64)> {
        let mut shares = Vec::new();
        for (slug, bp) in owners {
            let id = self.institution_gid(slug).await;
            shares.push(json!({ "institutionId": id, "shareBasisPoints": bp }));
        }
        let q = format!(
            "mutation($i: SetIpOwnershipInput!) {{ setIpOwnership(input: $i) {{ ipAsset {{ {IP_FIELDS} }} }} }}"
        );
        let input = json!({ "ipAssetId": asset["id"], "owners": shares });
        let d = self.as_sumhs(&q, json!({ "i": input })).await;
        d["setIpOwnership"]["ipAsset"]["owners"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let n = &e["node"];
                (
                    n["institution"]["slug"].as_str().unwrap().to_owned(),
                    n["shareBasisPoints"].as_i64().unwrap(),
                )
            })
            .collect()
    }

    /// An exclusive EUR licence to unibl: 20 000 upfront, 3.5% royalty.
    async fn license_to_unibl(&mut self, technology: &str) -> Value {
        let input = json!({
            "technologyId": technology, "kind": "EXCLUSIVE_LICENSE",
            "recipientInstitutionId": self.institution_gid("unibl").await,
            "territory": "Western Balkans", "upfront": { "amount": "20000.00", "currency": "EUR" },
            "royaltyBasisPoints": 350, "currency": "EUR",
            "note": "Introduced at the Shanghai partnering week."
        });
        let deal = self.as_sumhs(DEAL, json!({ "i": input })).await["createDeal"]["deal"].clone();
        self.secret(&deal["id"]);
        deal
    }

    /// Moves the deal along `stages`, each time as of the version the last move returned.
    async fn move_deal(&self, deal: &Value, stages: &[(&str, Value)]) -> Value {
        let mut current = deal.clone();
        for (to, extra) in stages {
            let mut input =
                json!({ "id": deal["id"], "to": to, "expectedVersion": current["version"] });
            input
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            let d = self.as_sumhs(MOVE_DEAL, json!({ "i": input })).await;
            current = d["transitionDeal"]["deal"].clone();
            assert_eq!(current["stage"], *to);
        }
        current
    }

    async fn decide(&self, report: &str, status: &str) -> Value {
        let input = json!({ "id": report, "status": status });
        self.as_sumhs(DECIDE, json!({ "i": input })).await["decideRoyaltyReport"]["royaltyReport"]
            .clone()
    }

    async fn record_royalty(&mut self, deal: &str, amount: &Value) -> Value {
        let input = json!({ "dealId": deal, "kind": "ROYALTY", "amount": amount, "receivedOn": today().to_string() });
        let income =
            self.as_sumhs(INCOME, json!({ "i": input })).await["recordIncome"]["income"].clone();
        self.secret(&income["id"]);
        income
    }

    // — what the partners see and do —

    async fn view_of(&self, token: &str, technology: &str) -> Value {
        let vars = json!({ "r": REFERENCE, "t": technology, "d": WITHIN_DAYS });
        self.ask(token, VIEW, vars).await
    }

    /// The deal's stage, its number of events and each event as `FROM→TO`, as unibl sees them.
    async fn history(&self, deal: &str) -> (Value, u64, Vec<String>) {
        let d = self.as_unibl(HISTORY, json!({ "id": deal })).await;
        let events = &d["node"]["events"];
        let steps = events["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let stage = |k: &str| e["node"][k].as_str().unwrap_or_default().to_owned();
                format!("{}→{}", stage("fromStage"), stage("toStage"))
            })
            .collect();
        (
            d["node"]["stage"].clone(),
            events["totalCount"].as_u64().unwrap(),
            steps,
        )
    }

    async fn report_royalties(
        &mut self,
        deal: &str,
        start: NaiveDate,
        end: NaiveDate,
        net_sales: &str,
        due: &str,
    ) -> Value {
        let input = json!({
            "dealId": deal, "periodStart": start.to_string(), "periodEnd": end.to_string(),
            "netSales": { "amount": net_sales, "currency": "EUR" },
            "royaltyDue": { "amount": due, "currency": "EUR" }
        });
        let d = self.as_unibl(REPORT, json!({ "i": input })).await;
        let report = d["submitRoyaltyReport"]["royaltyReport"].clone();
        self.secret(&report["id"]);
        report
    }
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// `date` + `months`, clamped to the end of the month (31 March + 30 months = 30 September),
/// worked out by hand, independently of the server's calendar code.
fn plus_months(date: NaiveDate, months: u32) -> NaiveDate {
    let m0 = date.year() * 12 + date.month0() as i32 + months as i32;
    let (y, m) = (m0.div_euclid(12), m0.rem_euclid(12) as u32 + 1);
    let mut day = date.day();
    loop {
        if let Some(d) = NaiveDate::from_ymd_opt(y, m, day) {
            return d;
        }
        day -= 1;
    }
}

/// The last day of the month `months` months before `date`'s month.
fn end_of_month_before(date: NaiveDate, months: u32) -> NaiveDate {
    let first = NaiveDate::from_ymd_opt(date.year(), date.month(), 1).unwrap();
    first
        .checked_sub_months(chrono::Months::new(months - 1))
        .unwrap()
        - Days::new(1)
}

/// The deadlines of a connection, sorted.
fn deadlines(connection: &Value) -> Vec<Deadline> {
    let mut all: Vec<Deadline> = connection["edges"]
        .as_array()
        .unwrap_or_else(|| panic!("not a connection: {connection}"))
        .iter()
        .map(|e| {
            let n = &e["node"];
            let s = |v: &Value| v.as_str().unwrap().to_owned();
            (
                s(&n["kind"]),
                s(&n["jurisdiction"]),
                s(&n["dueOn"]),
                s(&n["ipAsset"]["id"]),
            )
        })
        .collect();
    all.sort();
    all
}

/// The national phases of a PCT application claiming `priority` for CN, EP and US:
/// 30 months from priority, 31 for EP.
fn national_phases(pct: &str, priority: NaiveDate) -> Vec<Deadline> {
    let phase = |j: &str, months| {
        (
            "PCT_NATIONAL_PHASE".into(),
            j.into(),
            plus_months(priority, months).to_string(),
            pct.into(),
        )
    };
    vec![phase("CN", 30), phase("EP", 31), phase("US", 30)]
}

/// A decimal money string in minor units (two decimals: EUR).
fn cents(amount: &Value) -> i128 {
    let s = amount
        .as_str()
        .unwrap_or_else(|| panic!("not an amount: {amount}"));
    let (whole, frac) = s.split_once('.').unwrap_or((s, "00"));
    assert_eq!(frac.len(), 2, "EUR has two decimals: {s}");
    whole.parse::<i128>().unwrap() * 100 + frac.parse::<i128>().unwrap()
}

/// The parts of a distribution (`inventors` or `institutions`) as (who, share, cents).
fn parts(distribution: &Value, key: &str) -> Vec<(String, i64, i128)> {
    distribution[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            assert_eq!(p["amount"]["currency"], "EUR");
            let who = p["person"]["fullName"]
                .as_str()
                .or(p["institution"]["slug"].as_str());
            (
                who.unwrap().to_owned(),
                p["shareBasisPoints"].as_i64().unwrap(),
                cents(&p["amount"]["amount"]),
            )
        })
        .collect()
}

/// Checks an income's distribution: the parts add up exactly to the amount; the inventors get
/// `inventor_bp` of it split by their shares, the institutions the rest split by `weights`;
/// each part within a cent of its exact value.
fn assert_distribution(
    income: &Value,
    inventor_bp: i64,
    inventors: &[(&str, i64)],
    weights: &[(&str, i64)],
) {
    let total = cents(&income["amount"]["amount"]);
    let d = &income["distribution"];
    assert_eq!(d["inventorShareBasisPoints"], inventor_bp);
    let people = parts(d, "inventors");
    let institutions = parts(d, "institutions");
    let sum: i128 = people.iter().chain(&institutions).map(|p| p.2).sum();
    assert_eq!(sum, total, "the parts add up to exactly the amount: {d}");

    let within_a_cent = |part: i128, num: i128, den: i128, who: &str| {
        let off = (part * den - num).abs();
        assert!(
            off < den,
            "{who}: {part} cents, exactly {}",
            num as f64 / den as f64
        );
    };
    assert_eq!(people.len(), inventors.len(), "{d}");
    for ((name, share, part), (want, want_share)) in people.iter().zip(inventors) {
        assert_eq!((name.as_str(), *share), (*want, *want_share));
        let exact = total * inventor_bp as i128 * *share as i128;
        within_a_cent(*part, exact, 10_000 * 10_000, name);
    }
    let all: i128 = weights.iter().map(|(_, w)| *w as i128).sum();
    assert_eq!(institutions.len(), weights.len(), "{d}");
    for ((slug, share, part), (want, weight)) in institutions.iter().zip(weights) {
        assert_eq!(slug, want);
        assert_eq!(
            *share as i128,
            *weight as i128 * 10_000 / all,
            "{slug}'s share"
        );
        let exact = total * (10_000 - inventor_bp as i128) * *weight as i128;
        within_a_cent(*part, exact, 10_000 * all, slug);
    }
}

#[tokio::test]
async fn a_confidential_invention_is_protected_licensed_and_pays_its_inventors() {
    let mut s = Story::begin().await;

    // sumhs discloses a new confidential technology. Its own search finds it; bg's does not.
    let tech = s.disclose().await;
    assert_eq!(s.totals_of(&s.sumhs).await["found"]["totalCount"], 1);
    s.step("sumhs disclosed a confidential technology").await;

    // Two of its researchers are named inventors, 60/40.
    let zhou = s.new_inventor("Zhou Min", "zhou.min@sumhs.example").await;
    let xu = s.new_inventor("Xu Jing", "xu.jing@sumhs.example").await;
    let named = s.name_inventors(&tech, &[(&zhou, 6000), (&xu, 4000)]).await;
    assert_eq!(named, [("Zhou Min".into(), 6000), ("Xu Jing".into(), 4000)]);
    s.step("sumhs named Zhou Min (60%) and Xu Jing (40%) inventors")
        .await;

    // sumhs files a CN invention patent two months ago; it stays unpublished (FILED).
    let cn = s
        .draft_ip(&tech, "INVENTION_PATENT", "CN", json!({ "title": TITLE }))
        .await;
    let cn = s.move_ip(&cn, "FILED", today() - Days::new(60)).await;
    let cn_id = cn["id"].as_str().unwrap().to_owned();
    s.step("sumhs filed a CN invention-patent application")
        .await;

    // …and a PCT application claiming a priority 20 months back, filed within the priority
    // year and published at 18 months, aiming at China, Europe and the United States.
    let priority = end_of_month_before(today(), 20);
    let more =
        json!({ "priorityDate": priority.to_string(), "targetJurisdictions": ["CN", "EP", "US"] });
    s.review_for_filing_abroad(&tech, plus_months(priority, 10))
        .await;
    let pct = s.draft_ip(&tech, "PCT_APPLICATION", "WO", more).await;
    let pct = s.move_ip(&pct, "FILED", plus_months(priority, 11)).await;
    let pct = s
        .move_ip(&pct, "PUBLISHED", plus_months(priority, 18))
        .await;
    let pct_id = pct["id"].as_str().unwrap().to_owned();
    // Until it co-owns something, unibl is an outsider too.
    assert_eq!(s.view_of(&s.unibl, &tech).await["technology"], Value::Null);
    s.step("sumhs filed and published a PCT application").await;

    // The PCT application becomes co-owned, 70% sumhs, 30% unibl.
    let owners = s.co_own(&pct, &[("sumhs", 7000), ("unibl", 3000)]).await;
    assert_eq!(owners, [("sumhs".into(), 7000), ("unibl".into(), 3000)]);
    s.step("sumhs made unibl a 30% co-owner of the PCT application")
        .await;

    // unibl now sees the technology and the published PCT application with its national
    // phases (30 months from priority, 31 for EP) — but not the unpublished CN filing, nor
    // its deadlines.
    let theirs = s.view_of(&s.unibl, &tech).await;
    assert_eq!(theirs["technology"]["title"], TITLE);
    let assets = &theirs["technology"]["ipAssets"];
    assert_eq!(assets["totalCount"], 1, "only the published PCT: {assets}");
    assert_eq!(theirs["ipAssets"]["totalCount"], 1);
    let pct_seen = &assets["edges"][0]["node"];
    assert_eq!(
        (&pct_seen["id"], &pct_seen["status"]),
        (&json!(pct_id), &json!("PUBLISHED"))
    );
    assert_eq!(
        deadlines(&pct_seen["deadlines"]),
        national_phases(&pct_id, priority)
    );
    assert_eq!(
        deadlines(&theirs["upcomingDeadlines"]),
        national_phases(&pct_id, priority)
    );
    assert_eq!(theirs["upcomingDeadlines"]["totalCount"], 3);
    let q = "query($id: ID!) { node(id: $id) { id } }";
    assert_eq!(
        s.as_unibl(q, json!({ "id": cn_id })).await["node"],
        Value::Null
    );
    // sumhs, owning both, also has the CN filing's priority year running.
    let ours = deadlines(&s.view_of(&s.sumhs, &tech).await["upcomingDeadlines"]);
    let cn_year = plus_months(today() - Days::new(60), 12).to_string();
    assert!(
        ours.contains(&("PRIORITY_CLAIM".into(), "CN".into(), cn_year, cn_id.clone())),
        "{ours:?}"
    );
    assert_eq!(ours.len(), 4, "{ours:?}");
    s.step("unibl saw the PCT application and its national phases, not the CN filing")
        .await;

    // sumhs opens an exclusive licence to unibl…
    let deal = s.license_to_unibl(&tech).await;
    assert_eq!(
        (
            &deal["stage"],
            &deal["crossBorder"],
            &deal["recipient"]["slug"]
        ),
        (&json!("LEAD"), &json!(true), &json!("unibl"))
    );
    let deal_id = deal["id"].as_str().unwrap().to_owned();
    s.step("sumhs opened an exclusive licence to unibl").await;

    // …and takes it from LEAD to ACTIVE, one version at a time; the history keeps every move.
    let signed_on = today() - Days::new(200);
    let active = s
        .move_deal(
            &deal,
            &[
                ("NEGOTIATION", json!({})),
                (
                    "TERM_SHEET",
                    json!({ "note": "3.5% running royalty, EUR 20,000 upfront" }),
                ),
                ("SIGNED", json!({ "signedOn": signed_on.to_string() })),
                ("ACTIVE", json!({})),
            ],
        )
        .await;
    assert_eq!(
        (&active["version"], &active["signedOn"]),
        (&json!(5), &json!(signed_on.to_string()))
    );
    let (stage, count, steps) = s.history(&deal_id).await;
    assert_eq!((stage, count), (json!("ACTIVE"), 5));
    assert_eq!(
        steps,
        [
            "→LEAD",
            "LEAD→NEGOTIATION",
            "NEGOTIATION→TERM_SHEET",
            "TERM_SHEET→SIGNED",
            "SIGNED→ACTIVE"
        ]
    );
    s.step("the licence went from LEAD to ACTIVE, five events in its history")
        .await;

    // unibl reports the sales since signing; the royalty is 3.5% of them.
    let last_month = today() - Days::new(20);
    let report = s
        .report_royalties(&deal_id, signed_on, last_month, "35273.43", "1234.57")
        .await;
    assert_eq!(report["status"], "SUBMITTED");
    let report_id = report["id"].as_str().unwrap().to_owned();
    s.step("unibl submitted a royalty report").await;

    // sumhs accepts it…
    assert_eq!(s.decide(&report_id, "ACCEPTED").await["status"], "ACCEPTED");
    s.step("sumhs accepted the report").await;

    // …and records the royalty received: 1234.57 EUR. Half goes to the inventors, 60/40; the
    // other half to the institutions owning the technology's live IP, each asset weighing the
    // same (src/service/distribution.rs): the CN filing (sumhs 100%) and the PCT application
    // (sumhs 70%, unibl 30%) make 17000 : 3000, i.e. 85/15. Every cent is accounted for.
    let income = s.record_royalty(&deal_id, &report["royaltyDue"]).await;
    assert_eq!(
        income["amount"],
        json!({ "amount": "1234.57", "currency": "EUR" })
    );
    assert_distribution(
        &income,
        5000,
        &[("Zhou Min", 6000), ("Xu Jing", 4000)],
        &[("sumhs", 10_000 + 7000), ("unibl", 3000)],
    );
    s.step("sumhs recorded 1234.57 EUR of royalties, split to the cent")
        .await;

    // The licensee sees its accepted report and the income under its deal.
    let q = "query($id: ID!) { node(id: $id) { ... on Deal { incomes { totalCount } royaltyReports { edges { node { status } } } } } }";
    let deal_seen = s.as_unibl(q, json!({ "id": deal_id })).await;
    assert_eq!(deal_seen["node"]["incomes"]["totalCount"], 1);
    assert_eq!(
        deal_seen["node"]["royaltyReports"]["edges"][0]["node"]["status"],
        "ACCEPTED"
    );
}
