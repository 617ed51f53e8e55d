//! The response keeps the query's field order (GraphQL spec, "Serialized Map Ordering"): keys
//! come in the order of the selection set, at the root and in every nested object, whichever
//! field happens to resolve first (`vendor/async-graphql/PATCHED.md`).

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::json;

use crate::support::TestApp;

/// A JSON value that remembers the order of its objects' keys (the tests' `serde_json` does
/// not: its maps are sorted).
#[derive(Debug)]
enum Ordered {
    Object(Vec<(String, Ordered)>),
    Array(Vec<Ordered>),
    Scalar,
}

impl<'de> Deserialize<'de> for Ordered {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Ordered;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("JSON")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Ordered, A::Error> {
                let mut entries = Vec::new();
                while let Some((k, v)) = map.next_entry::<String, Ordered>()? {
                    entries.push((k, v));
                }
                Ok(Ordered::Object(entries))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Ordered, A::Error> {
                let mut items = Vec::new();
                while let Some(v) = seq.next_element::<Ordered>()? {
                    items.push(v);
                }
                Ok(Ordered::Array(items))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_i64<E>(self, _: i64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_u64<E>(self, _: u64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_f64<E>(self, _: f64) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_str<E>(self, _: &str) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
            fn visit_unit<E>(self) -> Result<Ordered, E> {
                Ok(Ordered::Scalar)
            }
        }
        d.deserialize_any(V)
    }
}

impl Ordered {
    fn get(&self, key: &str) -> &Ordered {
        match self {
            Ordered::Object(entries) => entries
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v)
                .unwrap_or_else(|| panic!("no {key} in {self:?}")),
            _ => panic!("not an object: {self:?}"),
        }
    }

    fn keys(&self) -> Vec<&str> {
        match self {
            Ordered::Object(entries) => entries.iter().map(|(k, _)| k.as_str()).collect(),
            _ => panic!("not an object: {self:?}"),
        }
    }

    fn items(&self) -> &[Ordered] {
        match self {
            Ordered::Array(items) => items,
            _ => panic!("not an array: {self:?}"),
        }
    }
}

/// `data` of the response to `query`, in the order the server wrote it.
async fn data(app: &TestApp, token: &str, query: &str) -> Ordered {
    let r = app.gql(Some(token), query, json!({})).await;
    r.data();
    let body: Ordered = serde_json::from_str(&r.text).expect("JSON");
    match body {
        Ordered::Object(entries) => entries
            .into_iter()
            .find(|(k, _)| k == "data")
            .map(|(_, v)| v)
            .expect("data"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn root_fields_come_in_query_order() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    for fields in [
        ["technologies", "institutions", "me"],
        ["me", "institutions", "technologies"],
        ["institutions", "me", "technologies"],
    ] {
        let query = format!(
            "{{ {} }}",
            fields
                .iter()
                .map(|f| match *f {
                    "me" => "me { kind role }",
                    "technologies" => "technologies(first: 3) { totalCount }",
                    _ => "institutions(first: 3) { edges { node { slug } } }",
                })
                .collect::<Vec<_>>()
                .join(" ")
        );
        // Several times: the order must not depend on which field finishes first.
        for _ in 0..3 {
            assert_eq!(data(&app, &member, &query).await.keys(), fields, "{query}");
        }
    }
}

#[tokio::test]
async fn nested_fields_come_in_query_order_whatever_resolves_first() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    // `owner` and `inventors` wait for their loaders' batches; `title` and `id` are at hand.
    let d = data(
        &app,
        &member,
        "{ technologies(first: 5) { edges { node { inventors(first: 2) { totalCount } title owner { slug name } id reference } } totalCount } }",
    )
    .await;
    let conn = d.get("technologies");
    assert_eq!(conn.keys(), ["edges", "totalCount"]);
    for edge in conn.get("edges").items() {
        let node = edge.get("node");
        assert_eq!(
            node.keys(),
            ["inventors", "title", "owner", "id", "reference"]
        );
        assert_eq!(node.get("owner").keys(), ["slug", "name"]);
    }
}

#[tokio::test]
async fn aliases_fragments_and_abstract_types_keep_their_order() {
    let app = TestApp::new().await;
    let member = app.user_token("member@sumhs.example").await;
    let r = app
        .gql(
            Some(&member),
            r#"{ technology(reference: "SUMHS-2025-001") { id } }"#,
            json!({}),
        )
        .await;
    let id = r.data()["technology"]["id"].as_str().unwrap().to_owned();
    let query = format!(
        r#"{{ b: me {{ kind }} ...Techs a: institutions(first: 1) {{ totalCount }}
             node(id: "{id}") {{ ... on Technology {{ owner {{ slug }} title }} id __typename }} }}
           fragment Techs on Query {{ technologies(first: 1) {{ totalCount }} }}"#
    );
    let d = data(&app, &member, &query).await;
    assert_eq!(d.keys(), ["b", "technologies", "a", "node"]);
    assert_eq!(d.get("node").keys(), ["owner", "title", "id", "__typename"]);
}
