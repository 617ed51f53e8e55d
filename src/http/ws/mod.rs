//! `GET /graphql/ws`: GraphQL over WebSocket (`graphql-transport-ws`, and the older
//! `graphql-ws`). The socket's credential is held by a [`session::Session`]; this module runs
//! the connection: every message within the request-size limit, the same limits as HTTP on
//! every operation (depth, complexity, aliases, and the cost rate limit, charged to the same
//! payer as the principal's HTTP requests — anonymous sockets by client address, trusted
//! proxies' `X-Forwarded-For` included), a credential check before each operation and on a
//! timer, and a close frame (4401/4403, 1009, 1013) that drops every operation in flight.

mod session;

use std::sync::Arc;

use std::str::FromStr;

use async_graphql::{
    Data, Executor, Request, Response,
    http::{WebSocketProtocols, WsMessage},
};
use axum::{
    extract::{
        State, WebSocketUpgrade,
        ws::{CloseFrame, Message, WebSocket},
    },
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response as HttpResponse},
};
use futures_util::{SinkExt, StreamExt, future, stream::BoxStream};

use super::{
    AppState,
    graphql::{Client, Media, ensure_code, unauthenticated, with_request_data},
};
use crate::{
    auth::{Lookup, bearer_from_headers, client_address::ClientAddress},
    graphql::rate_limit::ChargeOutcome,
    service::language::Preferences,
};
use session::Session;

/// Close code for a message over the size limit.
const TOO_BIG: u16 = 1009;

pub async fn subscriptions(
    State(state): State<AppState>,
    Client(client): Client,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> HttpResponse {
    let Some(protocol) = protocol_of(&headers) else {
        return (
            StatusCode::BAD_REQUEST,
            "ask for the graphql-transport-ws (or graphql-ws) subprotocol",
        )
            .into_response();
    };
    // A bad header is refused before the upgrade, as on `/graphql`.
    let header_token = match bearer_from_headers(&headers) {
        Ok(token) => token.map(str::to_owned),
        Err(err) => return unauthenticated(Media::Json, err),
    };
    if let Some(token) = &header_token
        && let Err(err) = state.auth.authenticate(token, Lookup::Cached).await
    {
        return unauthenticated(Media::Json, err);
    }
    let limit = state.config.max_body_bytes;
    // Browsers send their languages with the upgrade request, as with any other.
    let languages = super::graphql::languages_of(&headers);
    upgrade
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(limit)
        .max_frame_size(limit)
        .on_upgrade(move |socket| serve(state, client, socket, protocol, header_token, languages))
}

async fn serve(
    state: AppState,
    client: ClientAddress,
    socket: WebSocket,
    protocol: WebSocketProtocols,
    header_token: Option<String>,
    languages: Preferences,
) {
    let session = Session::new(state.clone(), header_token, languages);
    let hangup = session.hangup.clone();
    let mut hung_up = hangup.watch();
    let (mut sink, incoming) = socket.split();
    let too_big = hangup.clone();
    let input = incoming
        .take_while(move |msg| {
            if msg.is_err() {
                // Over the size limit, or not WebSocket at all.
                too_big.close(TOO_BIG, "message too big or malformed");
            }
            future::ready(msg.is_ok())
        })
        .filter_map(|msg| {
            future::ready(match msg {
                Ok(msg @ (Message::Text(_) | Message::Binary(_))) => Some(msg.into_data()),
                _ => None,
            })
        });
    let executor = Guarded {
        state: state.clone(),
        client,
        session: session.clone(),
    };
    let init = session.clone();
    let mut frames = async_graphql::http::WebSocket::new(executor, input, protocol)
        .on_connection_init(move |payload| async move { init.init(payload).await });
    // The timer runs from one check to the next whatever the socket carries: traffic (events,
    // pings) must not postpone it, or a busy socket would outlive its credential.
    let mut regular_check = session.after_interval();
    loop {
        let next_check = tokio::time::sleep_until(session.next_check(regular_check).await);
        tokio::select! {
            // A requested close wins over whatever the protocol would send next.
            biased;
            _ = hung_up.changed() => break,
            _ = next_check => {
                session.recheck().await;
                regular_check = session.after_interval();
            }
            frame = frames.next() => match frame {
                Some(WsMessage::Text(text)) => {
                    // A client that stops reading fills the socket's buffers and would hold
                    // this task (and the credential checks it makes) forever: one that does
                    // not take a message within the recheck interval is cut off.
                    let sent = tokio::time::timeout(
                        session.recheck_every(),
                        sink.send(Message::Text(text.into())),
                    )
                    .await;
                    if !matches!(sent, Ok(Ok(()))) {
                        if sent.is_err() {
                            tracing::info!("closing a WebSocket whose client stopped reading");
                        }
                        return;
                    }
                }
                Some(WsMessage::Close(code, reason)) => {
                    // A refused `connection_init` asked for its own code (4401) just before.
                    let (code, reason) = hangup.requested().unwrap_or((code, reason));
                    let _ = sink.send(close(code, reason)).await;
                    return;
                }
                None => break,
            },
        }
    }
    // Dropping `frames` stops every operation in flight.
    drop(frames);
    if let Some((code, reason)) = hangup.requested() {
        let _ = sink.send(close(code, reason)).await;
    }
}

/// The first GraphQL subprotocol the client offers.
fn protocol_of(headers: &HeaderMap) -> Option<WebSocketProtocols> {
    headers
        .get(header::SEC_WEBSOCKET_PROTOCOL)?
        .to_str()
        .ok()?
        .split(',')
        .find_map(|p| WebSocketProtocols::from_str(p.trim()).ok())
}

fn close(code: u16, reason: String) -> Message {
    Message::Close(Some(CloseFrame {
        code,
        reason: reason.into(),
    }))
}

/// The schema, behind a credential check before every operation; each operation carries what
/// an HTTP request does (the client's address, the cost budget it is charged to, …), so the
/// rate limit charges a socket's operations to the same payer as its HTTP requests.
#[derive(Clone)]
struct Guarded {
    state: AppState,
    client: ClientAddress,
    session: Arc<Session>,
}

impl Guarded {
    fn prepare(&self, request: Request) -> Request {
        with_request_data(&self.state, self.client, request).data(ChargeOutcome::default())
    }
}

impl Executor for Guarded {
    async fn execute(&self, request: Request) -> Response {
        // The WebSocket protocol runs every operation as a stream; this is for completeness.
        self.execute_stream(request, None)
            .next()
            .await
            .unwrap_or_default()
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let (schema, session) = (self.state.schema.clone(), self.session.clone());
        let mut pending = Some((self.prepare(request), session_data));
        futures_util::stream::once(async move { session.recheck().await })
            .flat_map(move |valid| match pending.take() {
                Some((request, session_data)) if valid => {
                    Executor::execute_stream(&schema, request, session_data)
                }
                _ => {
                    // The socket is closing (4401/4403); the operation does not run.
                    futures_util::stream::empty().boxed()
                }
            })
            .map(|mut response| {
                for err in &mut response.errors {
                    ensure_code(err);
                }
                response
            })
            .boxed()
    }
}
