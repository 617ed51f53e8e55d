//! The `Idempotency-Key` request header on mutations: the same key from the same principal
//! within 24 hours gets the first answer again (with `Idempotent-Replayed: true`) instead of a
//! second execution. The rules and the storage are in `service::idempotency`; this is the HTTP
//! side. Mutations whose answer carries a secret shown only once (`login`, `createApiToken`)
//! refuse a key: keeping their answer would keep the secret.

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};
use axum::{
    http::{HeaderValue, StatusCode},
    response::Response,
};

use super::{Answer, Media, Params, finish, refuse, run};
use crate::auth::client_address::ClientAddress;
use crate::{auth::Principal, error::AppError, http::AppState, service::idempotency as service};

pub const HEADER: &str = "idempotency-key";

/// Mutations whose answer must never be stored.
const SECRET_ANSWERS: &[&str] = &["login", "createApiToken"];

/// Runs the mutation in `params` once per key.
pub async fn once(
    state: &AppState,
    client: ClientAddress,
    media: Media,
    principal: Principal,
    key: &HeaderValue,
    params: Params,
) -> Response {
    let key = match key.to_str() {
        Ok(k) => k.to_owned(),
        Err(_) => String::new(),
    };
    if let Err(err) = service::check_key(&key) {
        return refuse(media, err);
    }
    let Some(owner) = service::principal_key(&principal) else {
        return refuse(
            media,
            AppError::bad_input(
                "Idempotency-Key",
                "Idempotency-Key is for authenticated requests; log in first",
            ),
        );
    };
    if let Some(name) = root_fields(&params)
        .into_iter()
        .find(|f| SECRET_ANSWERS.contains(&f.as_str()))
    {
        return refuse(
            media,
            AppError::bad_input(
                "Idempotency-Key",
                format!(
                    "`{name}` answers with a secret that is never stored; send it without an Idempotency-Key"
                ),
            ),
        );
    }
    let canonical = serde_json::json!({
        "query": params.query,
        "operationName": params.operation_name,
        "variables": params.variables,
    })
    .to_string();
    let hash = service::request_hash(&canonical);
    let id = match service::claim(&state.db, &owner, &key, &hash).await {
        Ok(service::Claim::Fresh(id)) => id,
        Ok(service::Claim::Replay { status, body }) => {
            let answer = Answer {
                status: StatusCode::from_u16(status).unwrap_or(StatusCode::OK),
                body,
                transient: false,
                charge: None,
            };
            let mut res = finish(media, answer);
            res.headers_mut()
                .insert("idempotent-replayed", HeaderValue::from_static("true"));
            return res;
        }
        Err(err) => return refuse(media, err),
    };
    let answer = run(state, client, media, principal, params).await;
    if answer.transient {
        if service::release(&state.db, id).await.is_err() {
            // Typically the database is down: keep trying in the background, so that the
            // client's retry after the outage runs instead of waiting for the key to be
            // abandoned (`service::idempotency::ABANDONED_AFTER`).
            tokio::spawn(release_later(state.db.clone(), id));
        }
    } else if let Err(err) =
        service::complete(&state.db, id, answer.status.as_u16(), &answer.body).await
    {
        // The answer stands; the key stays "in progress" until it is abandoned, so a retry
        // meanwhile cannot run twice.
        tracing::warn!(error = ?err, "cannot record the outcome of an idempotent request");
    }
    finish(media, answer)
}

/// Retries [`service::release`] once a second until it succeeds or the key would be taken for
/// abandoned anyway.
async fn release_later(db: sea_orm::DatabaseConnection, id: uuid::Uuid) {
    let tries = service::ABANDONED_AFTER.num_seconds().max(1);
    for _ in 0..tries {
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        if service::release(&db, id).await.is_ok() {
            return;
        }
    }
}

/// The root fields the operation selects (directly, or through fragments).
fn root_fields(params: &Params) -> Vec<String> {
    let Ok(doc) = async_graphql::parser::parse_query(&params.query) else {
        return Vec::new();
    };
    let mut ops = doc.operations.iter();
    let op = match &params.operation_name {
        Some(name) => ops.find(|(n, _)| n.map(|n| n.as_str()) == Some(name.as_str())),
        None => ops.next(),
    };
    let mut names = Vec::new();
    if let Some((_, op)) = op {
        collect(&doc, &op.node.selection_set.node, &mut names, 0);
    }
    names
}

fn collect(doc: &ExecutableDocument, set: &SelectionSet, names: &mut Vec<String>, depth: u8) {
    if depth > 8 {
        return;
    }
    for item in &set.items {
        match &item.node {
            Selection::Field(f) => names.push(f.node.name.node.to_string()),
            Selection::InlineFragment(f) => {
                collect(doc, &f.node.selection_set.node, names, depth + 1)
            }
            Selection::FragmentSpread(s) => {
                if let Some(frag) = doc.fragments.get(&s.node.fragment_name.node) {
                    collect(doc, &frag.node.selection_set.node, names, depth + 1);
                }
            }
        }
    }
}
