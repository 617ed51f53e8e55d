//! `Institution.emailDomains`: users are created only with an address in one of their
//! institution's registered domains, a domain belongs to one institution, center admins manage
//! them (audited), and only the institution's own users and center admins read them — so an
//! e-mail uniqueness conflict can only ever concern the caller's own people.

use serde_json::{Value, json};

use crate::{
    accounts::{CREATE_USER, new_user},
    support::{Reply, TestApp},
};

const SET_DOMAINS: &str = "mutation($input: SetInstitutionEmailDomainsInput!) { setInstitutionEmailDomains(input: $input) { institution { slug emailDomains version } } }";
const DOMAINS_OF: &str = "query($slug: String!) { institution(slug: $slug) { slug emailDomains } }";

/// Code, field and message of the first error, and whether any data came back.
fn answer(r: &Reply) -> Value {
    let e = &r.body["errors"][0];
    json!({
        "code": e["extensions"]["code"],
        "field": e["extensions"]["field"],
        "message": e["message"],
        "data": r.body["data"],
    })
}

async fn gid(app: &TestApp, slug: &str) -> String {
    biobridge::graphql::ids::encode("Institution", app.institution_id(slug).await).0
}

#[tokio::test]
async fn users_are_created_only_in_their_institution_s_domains() {
    let app = TestApp::new().await;
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    // Another institution's domain: refused, naming the institution's own domains.
    let r = app
        .gql(
            Some(&sumhs_admin),
            CREATE_USER,
            json!({ "input": new_user("ana@unibl.example", "MEMBER") }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "email");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("sumhs.example"),
        "{}",
        r.body
    );
    assert!(r.body["data"]["createUser"].is_null());
    // A subdomain is a domain of its own.
    let r = app
        .gql(
            Some(&sumhs_admin),
            CREATE_USER,
            json!({ "input": new_user("ana@med.sumhs.example", "MEMBER") }),
        )
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");

    // bg's admin probing sumhs's accounts: a taken address and a free one get the same
    // answer, and it is not CONFLICT.
    let bg_admin = app.token("bg", "INSTITUTION_ADMIN").await;
    let taken = app
        .gql(
            Some(&bg_admin),
            CREATE_USER,
            json!({ "input": new_user("member@sumhs.example", "MEMBER") }),
        )
        .await;
    let free = app
        .gql(
            Some(&bg_admin),
            CREATE_USER,
            json!({ "input": new_user("nobody-here@sumhs.example", "MEMBER") }),
        )
        .await;
    assert_eq!(taken.code(), "BAD_USER_INPUT", "{}", taken.body);
    assert_eq!(answer(&taken), answer(&free));
    let message = taken.body["errors"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("bg.example") && !message.contains("sumhs"),
        "the answer names bg's own domains only: {message}"
    );
    // In its own domain, a conflict is about its own people only.
    let r = app
        .gql(
            Some(&bg_admin),
            CREATE_USER,
            json!({ "input": new_user("member@bg.example", "MEMBER") }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "email");
    let r = app
        .gql(
            Some(&bg_admin),
            CREATE_USER,
            json!({ "input": new_user("Dragan.Jovanovic@BG.example", "MEMBER") }),
        )
        .await;
    assert_eq!(
        r.data()["createUser"]["user"]["email"],
        "dragan.jovanovic@bg.example"
    );
}

#[tokio::test]
async fn an_institution_without_domains_gets_no_users_until_some_are_registered() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let r = app
        .gql(
            Some(&admin),
            "mutation { createInstitution(input: { slug: \"ucg\", name: \"University of Montenegro\", country: \"ME\", region: BALKAN_PENINSULA, kind: UNIVERSITY }) { institution { id version emailDomains } } }",
            json!({}),
        )
        .await;
    let inst = r.data()["createInstitution"]["institution"].clone();
    assert_eq!(inst["emailDomains"], json!([]));
    let mut input = new_user("rektor@ucg.example", "INSTITUTION_ADMIN");
    input["institutionId"] = inst["id"].clone();
    let r = app
        .gql(Some(&admin), CREATE_USER, json!({ "input": input.clone() }))
        .await;
    assert_eq!(r.code(), "BAD_USER_INPUT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "email");
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("no e-mail domains"),
        "{}",
        r.body
    );
    // Registered (lower-cased, duplicates dropped), the address is accepted.
    let r = app
        .gql(
            Some(&admin),
            SET_DOMAINS,
            json!({ "input": { "institutionId": inst["id"], "emailDomains": ["UCG.example", "ucg.example", "ucg.ac.me"], "expectedVersion": inst["version"] } }),
        )
        .await;
    let set = &r.data()["setInstitutionEmailDomains"]["institution"];
    assert_eq!(set["emailDomains"], json!(["ucg.ac.me", "ucg.example"]));
    let r = app
        .gql(Some(&admin), CREATE_USER, json!({ "input": input }))
        .await;
    assert_eq!(r.data()["createUser"]["user"]["institution"]["slug"], "ucg");
    // Domains can be given at admission too.
    let r = app
        .gql(
            Some(&admin),
            "mutation { createInstitution(input: { slug: \"ukim\", name: \"Ss. Cyril and Methodius University\", country: \"MK\", region: BALKAN_PENINSULA, kind: UNIVERSITY, emailDomains: [\"ukim.example\"] }) { institution { emailDomains } } }",
            json!({}),
        )
        .await;
    assert_eq!(
        r.data()["createInstitution"]["institution"]["emailDomains"],
        json!(["ukim.example"])
    );
    // …but not one that is another institution's.
    let r = app
        .gql(
            Some(&admin),
            "mutation { createInstitution(input: { slug: \"ukim2\", name: \"Another\", country: \"MK\", region: BALKAN_PENINSULA, kind: UNIVERSITY, emailDomains: [\"unibl.example\"] }) { institution { id } } }",
            json!({}),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "emailDomains");
    let r = app
        .gql(Some(&admin), DOMAINS_OF, json!({ "slug": "ukim2" }))
        .await;
    assert!(
        r.data()["institution"].is_null(),
        "no half-admitted institution"
    );
}

#[tokio::test]
async fn center_admins_manage_domains_and_a_domain_is_one_institution_s() {
    let app = TestApp::new().await;
    let admin = app.user_token("admin@center.example").await;
    let (sumhs, unibl) = (gid(&app, "sumhs").await, gid(&app, "unibl").await);
    let set = |inst: &str, domains: Value| json!({ "input": { "institutionId": inst, "emailDomains": domains } });

    // Nobody else manages them — not the institution's own admin, not bg.
    let sumhs_admin = app.user_token("manager@sumhs.example").await;
    let bg = app.user_token("member@bg.example").await;
    for token in [&sumhs_admin, &bg] {
        let r = app
            .gql(
                Some(token),
                SET_DOMAINS,
                set(&sumhs, json!(["sumhs.example", "sumhs.edu.cn"])),
            )
            .await;
        assert_eq!(r.code(), "FORBIDDEN");
    }
    assert_eq!(
        app.gql(None, SET_DOMAINS, set(&sumhs, json!([])))
            .await
            .code(),
        "UNAUTHENTICATED"
    );

    let r = app
        .gql(
            Some(&admin),
            SET_DOMAINS,
            set(&sumhs, json!(["sumhs.example", "sumhs.edu.cn"])),
        )
        .await;
    assert_eq!(
        r.data()["setInstitutionEmailDomains"]["institution"]["emailDomains"],
        json!(["sumhs.edu.cn", "sumhs.example"])
    );
    // Audited, with what was added and removed.
    let r = app
        .gql(
            Some(&admin),
            "{ auditEvents(filter: { action: \"institution.setEmailDomains\" }) { edges { node { changes } } } }",
            json!({}),
        )
        .await;
    let changes = &r.data()["auditEvents"]["edges"][0]["node"]["changes"];
    assert_eq!(changes["added"], json!(["sumhs.edu.cn"]));
    assert_eq!(changes["removed"], json!([]));

    // One institution's domain cannot become another's.
    let r = app
        .gql(
            Some(&admin),
            SET_DOMAINS,
            set(&unibl, json!(["unibl.example", "sumhs.edu.cn"])),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(r.body["errors"][0]["extensions"]["field"], "emailDomains");
    // Nor can a domain where another institution's users have addresses, even once that
    // institution has dropped it.
    let mut input = new_user("guest@sumhs.edu.cn", "MEMBER");
    input["institutionId"] = json!(sumhs);
    app.gql(Some(&admin), CREATE_USER, json!({ "input": input }))
        .await
        .data();
    app.gql(
        Some(&admin),
        SET_DOMAINS,
        set(&sumhs, json!(["sumhs.example"])),
    )
    .await
    .data();
    let r = app
        .gql(
            Some(&admin),
            SET_DOMAINS,
            set(&unibl, json!(["unibl.example", "sumhs.edu.cn"])),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT", "{}", r.body);
    assert!(
        r.body["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("other institutions"),
        "{}",
        r.body
    );
    let r = app
        .gql(Some(&admin), DOMAINS_OF, json!({ "slug": "unibl" }))
        .await;
    assert_eq!(
        r.data()["institution"]["emailDomains"],
        json!(["unibl.example"]),
        "nothing of the refused change was written"
    );

    // Bad input names the field; a stale version conflicts.
    for bad in [
        json!(["not a domain"]),
        json!(["@unibl.example"]),
        json!(["localhost"]),
    ] {
        let r = app.gql(Some(&admin), SET_DOMAINS, set(&unibl, bad)).await;
        assert_eq!(r.code(), "BAD_USER_INPUT");
        assert_eq!(r.body["errors"][0]["extensions"]["field"], "emailDomains");
    }
    let r = app
        .gql(
            Some(&admin),
            SET_DOMAINS,
            json!({ "input": { "institutionId": unibl, "emailDomains": ["unibl.example"], "expectedVersion": 99 } }),
        )
        .await;
    assert_eq!(r.code(), "CONFLICT");
    assert_eq!(
        r.body["errors"][0]["extensions"]["field"],
        "expectedVersion"
    );
}

#[tokio::test]
async fn domains_are_read_by_the_institution_s_users_and_center_admins_only() {
    let app = TestApp::new().await;
    let query = "{ institutions(first: 100) { edges { node { slug emailDomains } } } }";
    let shown = |r: &Reply| -> Vec<(String, Value)> {
        r.data()["institutions"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["node"]["slug"].as_str().unwrap().to_owned(),
                    e["node"]["emailDomains"].clone(),
                )
            })
            .filter(|(_, d)| !d.is_null())
            .collect()
    };
    // bg sees its own domains and nobody else's.
    let bg = app.user_token("member@bg.example").await;
    let r = app.gql(Some(&bg), query, json!({})).await;
    assert_eq!(shown(&r), vec![("bg".to_owned(), json!(["bg.example"]))]);
    let r = app
        .gql(Some(&bg), DOMAINS_OF, json!({ "slug": "sumhs" }))
        .await;
    assert!(r.data()["institution"]["emailDomains"].is_null());
    // Anonymous callers and API tokens see none.
    assert!(shown(&app.gql(None, query, json!({})).await).is_empty());
    let manager = app.user_token("manager@sumhs.example").await;
    let r = app
        .gql(
            Some(&manager),
            "mutation { createApiToken(input: { name: \"d\", scopes: [\"technology:read\"] }) { token } }",
            json!({}),
        )
        .await;
    let token = r.data()["createApiToken"]["token"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(shown(&app.gql(Some(&token), query, json!({})).await).is_empty());
    // The analyst is a user of the center.
    let analyst = app.user_token("analyst@center.example").await;
    let r = app.gql(Some(&analyst), query, json!({})).await;
    assert_eq!(
        shown(&r),
        vec![("center".to_owned(), json!(["center.example"]))]
    );
    // Center admins see every institution's.
    let admin = app.user_token("admin@center.example").await;
    let r = app.gql(Some(&admin), query, json!({})).await;
    assert_eq!(shown(&r).len(), 8);
    assert!(shown(&r).contains(&("unibl".to_owned(), json!(["unibl.example"]))));
}
