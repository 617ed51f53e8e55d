//! `/graphql` per the GraphQL-over-HTTP spec: JSON POST, GET for queries only, media type
//! negotiated from `Accept`, 400 without `data` for requests that fail before execution
//! (with `application/graphql-response+json`) and GraphiQL for browsers.

use async_graphql::{
    ErrorExtensionValues, ServerError, Variables,
    parser::types::{ExecutableDocument, OperationType},
};
use std::net::SocketAddr;

use axum::{
    body::Bytes,
    extract::{ConnectInfo, FromRequestParts, RawQuery, State},
    http::{HeaderMap, HeaderName, HeaderValue, StatusCode, header, request::Parts},
    response::{IntoResponse, Response},
};
use serde::Deserialize;
use serde_json::{Map, Value};

mod idempotency;

use super::AppState;
use crate::{
    auth::{Principal, client_address::ClientAddress},
    error::AppError,
    graphql::{Executed, RequestCtx, rate_limit::ChargeOutcome},
    rate_limit::cost::Charge,
    service::language::Preferences,
};

const GRAPHQL_RESPONSE: &str = "application/graphql-response+json";
const JSON: &str = "application/json";

/// The response media type the client accepts.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(super) enum Media {
    GraphqlResponse,
    Json,
}

impl Media {
    fn content_type(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Media::GraphqlResponse => "application/graphql-response+json; charset=utf-8",
            Media::Json => "application/json; charset=utf-8",
        })
    }
}

/// Picks the response media type from `Accept`; `None` when nothing we produce is acceptable.
fn negotiate(headers: &HeaderMap) -> Option<Media> {
    let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
        return Some(Media::Json);
    };
    let mut best: Option<(f32, Media)> = None;
    for range in accept.split(',') {
        let mut parts = range.split(';').map(str::trim);
        let media = parts.next().unwrap_or("").to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.strip_prefix("q="))
            .find_map(|q| q.parse::<f32>().ok())
            .unwrap_or(1.0);
        let candidate = match media.as_str() {
            GRAPHQL_RESPONSE => Media::GraphqlResponse,
            JSON | "application/*" | "*/*" => Media::Json,
            _ => continue,
        };
        // Prefer the higher q; on a tie prefer the explicit new media type.
        let better = match best {
            None => true,
            Some((bq, bm)) => {
                q > bq || (q == bq && candidate == Media::GraphqlResponse && bm != candidate)
            }
        };
        if q > 0.0 && better {
            best = Some((q, candidate));
        }
    }
    best.map(|(_, m)| m)
}

fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/html"))
}

/// The parameters of a GraphQL-over-HTTP request.
#[derive(Debug, Default)]
struct Params {
    query: String,
    operation_name: Option<String>,
    variables: Option<Map<String, Value>>,
    /// The reader's languages (`Accept-Language`), for texts served in them.
    languages: Preferences,
}

fn errors_body(media: Media, status: StatusCode, errors: Vec<ServerError>) -> Response {
    finish(media, errors_answer(status, errors))
}

/// A GraphQL answer before it becomes an HTTP response (so that it can be stored and replayed).
struct Answer {
    status: StatusCode,
    body: String,
    /// Nothing lasting happened, or the outcome is unknown (the database was unavailable, an
    /// internal error): a retry should run again rather than be given this answer.
    transient: bool,
    /// What the request cost against the caller's rate limit (`Err` when it was refused);
    /// not stored with an idempotency key: a replay is not charged.
    charge: Option<Result<Charge, Charge>>,
}

fn errors_answer(status: StatusCode, errors: Vec<ServerError>) -> Answer {
    Answer {
        status,
        body: serde_json::json!({ "errors": errors }).to_string(),
        transient: true,
        charge: None,
    }
}

fn finish(media: Media, answer: Answer) -> Response {
    let mut res = with_retry_after(respond(media, answer.status, answer.body));
    rate_limit_headers(&mut res, answer.charge);
    res
}

/// The HTTP status for an error that ends a request before GraphQL runs.
fn status_of(err: &AppError) -> StatusCode {
    match err {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadUserInput { .. } => StatusCode::UNPROCESSABLE_ENTITY,
        AppError::Conflict { .. } => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// An error that ends a request before GraphQL runs, as a response.
fn refuse(media: Media, err: AppError) -> Response {
    let status = status_of(&err);
    let error = err.into_graphql().into_server_error(Default::default());
    errors_body(media, status, vec![error])
}

fn respond(media: Media, status: StatusCode, body: String) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(header::CONTENT_TYPE, media.content_type());
    res
}

fn coded(message: impl Into<String>, code: &str) -> ServerError {
    let mut err = ServerError::new(message, None);
    let mut ext = ErrorExtensionValues::default();
    ext.set("code", code);
    err.extensions = Some(ext);
    err
}

fn bad_request(media: Media, message: impl Into<String>) -> Response {
    errors_body(
        media,
        StatusCode::BAD_REQUEST,
        vec![coded(message, "BAD_USER_INPUT")],
    )
}

fn not_acceptable() -> Response {
    errors_body(
        Media::Json,
        StatusCode::NOT_ACCEPTABLE,
        vec![coded(
            "this endpoint answers application/graphql-response+json or application/json",
            "BAD_USER_INPUT",
        )],
    )
}

pub(super) fn unauthenticated(media: Media, err: AppError) -> Response {
    let mut res = errors_body(
        media,
        StatusCode::UNAUTHORIZED,
        vec![coded(err.message(), err.code())],
    );
    res.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static(r#"Bearer error="invalid_token""#),
    );
    res
}

/// The client address of a request: the TCP peer, or what trusted proxies say it is.
pub struct Client(pub ClientAddress);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|info| info.0);
        Ok(Client(ClientAddress::resolve(
            peer,
            &parts.headers,
            &state.trusted_proxies,
        )))
    }
}

/// `GET /graphql`: GraphiQL for browsers, otherwise a query in the URL.
pub async fn get(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs: Vec<(String, String)> = raw
        .as_deref()
        .map(|q| serde_urlencoded::from_str(q).unwrap_or_default())
        .unwrap_or_default();
    let param = |name: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    if param("query").is_none() && wants_html(&headers) {
        if state.config.graphiql() {
            return super::graphiql::page();
        }
        return (
            StatusCode::NOT_FOUND,
            "GraphiQL is turned off on this server (BIOBRIDGE_GRAPHIQL); send GraphQL requests to this URL",
        )
            .into_response();
    }
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    let Some(query) = param("query") else {
        return bad_request(media, "missing `query` parameter");
    };
    let variables = match param("variables").filter(|v| !v.is_empty()) {
        None => None,
        Some(raw) => match serde_json::from_str::<Value>(&raw) {
            Ok(Value::Object(map)) => Some(map),
            Ok(Value::Null) => None,
            _ => return bad_request(media, "`variables` must be a JSON object"),
        },
    };
    let params = Params {
        query,
        operation_name: param("operationName"),
        variables,
        ..Params::default()
    };
    if let Some(kind) = operation_type(&state, &params)
        && kind != OperationType::Query
    {
        let mut res = errors_body(
            media,
            StatusCode::METHOD_NOT_ALLOWED,
            vec![coded(
                "only queries may be sent with GET; send mutations with POST",
                "BAD_USER_INPUT",
            )],
        );
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return res;
    }
    execute(state, client, &headers, media, params).await
}

/// `POST /graphql` with a JSON body.
pub async fn post(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let Some(media) = negotiate(&headers) else {
        return not_acceptable();
    };
    if !is_json_content_type(&headers) {
        return errors_body(
            media,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            vec![coded(
                "send the request as Content-Type: application/json",
                "BAD_USER_INPUT",
            )],
        );
    }
    let params = match parse_body(&body) {
        Ok(p) => p,
        Err(msg) => return bad_request(media, msg),
    };
    execute(state, client, &headers, media, params).await
}

/// The reader's languages from `Accept-Language` (none when absent or unreadable).
pub fn languages_of(headers: &HeaderMap) -> Preferences {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .map(Preferences::from_accept_language)
        .unwrap_or_default()
}

fn is_json_content_type(headers: &HeaderMap) -> bool {
    let Some(ct) = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
    else {
        return false;
    };
    let mut parts = ct.split(';').map(str::trim);
    let essence = parts.next().unwrap_or("").to_ascii_lowercase();
    let charset_ok = parts
        .filter_map(|p| {
            p.to_ascii_lowercase()
                .strip_prefix("charset=")
                .map(|c| c.trim_matches('"').to_owned())
        })
        .all(|c| c == "utf-8");
    essence == JSON && charset_ok
}

fn parse_body(body: &[u8]) -> Result<Params, String> {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Body {
        query: Option<Value>,
        operation_name: Option<Value>,
        variables: Option<Value>,
        #[allow(dead_code)]
        extensions: Option<Value>,
    }
    let value: Value = serde_json::from_slice(body)
        .map_err(|_| "the request body is not valid JSON".to_owned())?;
    if value.is_array() {
        return Err("batched requests are not supported".into());
    }
    let body: Body = serde_json::from_value(value)
        .map_err(|_| "the request body must be a JSON object".to_owned())?;
    let query = match body.query {
        Some(Value::String(q)) => q,
        _ => return Err("`query` must be a string".into()),
    };
    let operation_name = match body.operation_name {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(s),
        _ => return Err("`operationName` must be a string".into()),
    };
    let variables = match body.variables {
        None | Some(Value::Null) => None,
        Some(Value::Object(map)) => Some(map),
        _ => return Err("`variables` must be an object".into()),
    };
    match body.extensions {
        None | Some(Value::Null) | Some(Value::Object(_)) => {}
        _ => return Err("`extensions` must be an object".into()),
    }
    Ok(Params {
        query,
        operation_name,
        variables,
        ..Params::default()
    })
}

/// The document of `query`, parsed once per text (see `document_cache`); `None` when it does
/// not parse, which the schema then reports.
fn parsed(state: &AppState, query: &str) -> Option<ExecutableDocument> {
    match state.documents.document(query) {
        Some(doc) => Some(doc),
        None => async_graphql::parser::parse_query(query)
            .ok()
            .inspect(|doc| state.documents.keep_document(query, doc)),
    }
}

/// The type of the operation the request would run, when the document parses.
fn operation_type(state: &AppState, params: &Params) -> Option<OperationType> {
    let doc = parsed(state, &params.query)?;
    operation_type_in(&doc, params.operation_name.as_deref())
}

/// The type of the operation named `name` (or the first) in `doc`.
fn operation_type_in(doc: &ExecutableDocument, name: Option<&str>) -> Option<OperationType> {
    let mut ops = doc.operations.iter();
    let found = match name {
        Some(name) => ops.find(|(n, _)| n.map(|n| n.as_str()) == Some(name)),
        None => ops.next(),
    };
    found.map(|(_, op)| op.node.ty)
}

async fn execute(
    state: AppState,
    client: ClientAddress,
    headers: &HeaderMap,
    media: Media,
    mut params: Params,
) -> Response {
    params.languages = languages_of(headers);
    let principal = match state.auth.principal(headers).await {
        Ok(p) => p,
        Err(err @ AppError::Unauthenticated(_)) => return unauthenticated(media, err),
        Err(err) => return refuse(media, err),
    };
    if let Some(key) = headers.get(idempotency::HEADER)
        && operation_type(&state, &params) == Some(OperationType::Mutation)
    {
        return idempotency::once(&state, client, media, principal, key, params).await;
    }
    finish(media, run(&state, client, media, principal, params).await)
}

/// Runs the GraphQL request as `principal`, calling from `client`.
async fn run(
    state: &AppState,
    client: ClientAddress,
    media: Media,
    principal: Principal,
    params: Params,
) -> Answer {
    // At most `BIOBRIDGE_MAX_CONCURRENT_OPERATIONS` operations run at once; the others wait
    // here, in arrival order, holding only their request. (Nothing closes the semaphore; the
    // `else` arm answers rather than panics if something ever did.)
    let Ok(_permit) = state.operations.acquire().await else {
        return errors_answer(
            StatusCode::SERVICE_UNAVAILABLE,
            vec![coded("the server is shutting down", "UNAVAILABLE")],
        );
    };
    let executed = Executed::default();
    let charged = ChargeOutcome::default();
    // The schema executes the document parsed for this look.
    let doc = parsed(state, &params.query);
    let is_mutation = doc
        .as_ref()
        .and_then(|doc| operation_type_in(doc, params.operation_name.as_deref()))
        == Some(OperationType::Mutation);
    let mut request = with_request_data(state, client, async_graphql::Request::new(params.query))
        .data(executed.clone())
        .data(charged.clone());
    if let Some(doc) = doc {
        request.set_parsed_query(doc);
    }
    if let Some(name) = params.operation_name {
        request = request.operation_name(name);
    }
    if let Some(vars) = params.variables {
        request = request.variables(Variables::from_json(Value::Object(vars)));
    }
    request = request.data(params.languages);
    let mut response = RequestCtx::new(state.db.clone(), principal)
        .execute(&state.schema, request)
        .await;
    for err in &mut response.errors {
        ensure_code(err);
    }
    let charge = charged.get();
    if !executed.get() {
        // A request error: nothing ran, so there is no `data`.
        let status = if let Some(Err(_)) = charge {
            StatusCode::TOO_MANY_REQUESTS
        } else if media == Media::GraphqlResponse {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        let mut answer = errors_answer(status, response.errors);
        answer.charge = charge;
        return answer;
    }
    // An answer the database outage spoiled is a 503 whatever the media type, so that
    // clients, proxies and load balancers retry it rather than take it for a result. A
    // mutation whose root field succeeded did its work, whatever a nested field met after the
    // commit: that answer must not invite a retry, nor be forgotten by its idempotency key.
    let failed_at_root = |e: &ServerError| !is_mutation || e.path.len() <= 1;
    let status = if response
        .errors
        .iter()
        .any(|e| has_code(e, "UNAVAILABLE") && failed_at_root(e))
    {
        StatusCode::SERVICE_UNAVAILABLE
    } else {
        StatusCode::OK
    };
    let transient = response
        .errors
        .iter()
        .any(|e| (has_code(e, "UNAVAILABLE") || has_code(e, "INTERNAL")) && failed_at_root(e));
    match serde_json::to_string(&response) {
        Ok(body) => Answer {
            status,
            body,
            transient,
            charge,
        },
        Err(err) => {
            tracing::error!(error = %err, "cannot serialize a response");
            errors_answer(
                StatusCode::INTERNAL_SERVER_ERROR,
                vec![coded("internal error", "INTERNAL")],
            )
        }
    }
}

/// What every operation needs besides its principal, over HTTP and WebSocket alike: who may
/// authenticate, the statistics' smallest cell, the client's address and the cost budget it is
/// charged to (the caller adds a [`ChargeOutcome`] to learn what it was charged).
pub(super) fn with_request_data(
    state: &AppState,
    client: ClientAddress,
    request: async_graphql::Request,
) -> async_graphql::Request {
    request
        .data(state.auth.clone())
        .data(crate::graphql::statistics::MinCell(
            state.config.stats_min_cell,
        ))
        .data(client)
        .data(state.cost_limiter.clone())
        .data(state.webhooks.clone())
        .data(crate::graphql::ip::deadline::ReminderLeadDays(
            state.config.reminder_lead_days.clone(),
        ))
}

/// The caller's query-cost budget, as `Query.rateLimit` shows it: `X-RateLimit-Limit`,
/// `-Remaining`, `-Used`, `-Reset` (Unix seconds) and, when refused, `Retry-After`.
fn rate_limit_headers(res: &mut Response, charge: Option<Result<Charge, Charge>>) {
    let Some(outcome) = charge else {
        return;
    };
    let (charge, refused) = match outcome {
        Ok(c) => (c, false),
        Err(c) => (c, true),
    };
    let headers = res.headers_mut();
    let mut set = |name: &'static str, value: u64| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    };
    set("x-ratelimit-limit", charge.limit);
    set("x-ratelimit-remaining", charge.remaining());
    set("x-ratelimit-used", charge.used);
    set(
        "x-ratelimit-reset",
        u64::try_from(charge.reset_at.timestamp()).unwrap_or(0),
    );
    if refused {
        set("retry-after", charge.reset_in_secs);
    }
}

fn has_code(err: &ServerError, code: &str) -> bool {
    err.extensions
        .as_ref()
        .and_then(|ext| ext.get("code"))
        .is_some_and(|c| *c == async_graphql::Value::from(code))
}

/// Adds `Retry-After` to a 503.
fn with_retry_after(mut res: Response) -> Response {
    if res.status() == StatusCode::SERVICE_UNAVAILABLE {
        res.headers_mut().insert(
            header::RETRY_AFTER,
            HeaderValue::from(crate::error::UNAVAILABLE_RETRY_AFTER_SECS),
        );
    }
    res
}

/// Errors raised by the GraphQL layer itself (syntax, validation, input coercion, limits) carry
/// no code: they are all the client's input. Give them `BAD_USER_INPUT` and, when the message
/// names an argument, the field.
pub(super) fn ensure_code(err: &mut ServerError) {
    let ext = err
        .extensions
        .get_or_insert_with(ErrorExtensionValues::default);
    if ext.get("code").is_some() {
        return;
    }
    ext.set("code", "BAD_USER_INPUT");
    if let Some(field) = argument_in(&err.message) {
        ext.set("field", field);
    }
}

/// `Invalid value for argument "filter.trlMin", …` → `filter.trlMin`.
fn argument_in(message: &str) -> Option<String> {
    let rest = message.split_once("argument \"")?.1;
    Some(rest.split('"').next()?.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        h
    }

    #[test]
    fn negotiation_follows_the_spec() {
        assert_eq!(negotiate(&HeaderMap::new()), Some(Media::Json));
        assert_eq!(
            negotiate(&accept("application/graphql-response+json")),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(negotiate(&accept("application/json")), Some(Media::Json));
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(Media::GraphqlResponse)
        );
        assert_eq!(
            negotiate(&accept(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Media::Json)
        );
        assert_eq!(negotiate(&accept("*/*")), Some(Media::Json));
        assert_eq!(negotiate(&accept("text/plain")), None);
    }

    #[test]
    fn body_parameters_are_checked() {
        assert!(parse_body(br#"{"query":"{ me { kind } }"}"#).is_ok());
        assert!(
            parse_body(br#"{"query":"{ __typename }","variables":null,"extensions":null}"#).is_ok()
        );
        assert!(parse_body(br#"{"query":1}"#).is_err());
        assert!(parse_body(br#"{"query":"{ __typename }","variables":"x"}"#).is_err());
        assert!(parse_body(br#"[{"query":"{ __typename }"}]"#).is_err());
        assert!(parse_body(b"not json").is_err());
    }

    #[test]
    fn argument_names_are_extracted() {
        assert_eq!(
            argument_in(
                r#"Invalid value for argument "filter.trlMin", must be less than or equal to 9"#
            )
            .as_deref(),
            Some("filter.trlMin")
        );
    }
}
