//! `GET /graphql/ws`: GraphQL over WebSocket (`graphql-transport-ws`, and the older
//! `graphql-ws`). The socket's credential is held by a [`session::Session`]; this module runs
//! the connection: every message within the request-size limit, the same schema limits as HTTP
//! (depth, complexity, aliases), a credential check before each operation and on a timer, and a
//! close frame (4401/4403, 1009, 1013) that drops every operation in flight.

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
    graphql::{Media, ensure_code, unauthenticated},
};
use crate::{
    auth::{Lookup, bearer_from_headers},
    graphql::AppSchema,
    service::language::Preferences,
};
use session::Session;

/// Close code for a message over the size limit.
const TOO_BIG: u16 = 1009;

pub async fn subscriptions(
    State(state): State<AppState>,
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
        .on_upgrade(move |socket| serve(state, socket, protocol, header_token, languages))
}

async fn serve(
    state: AppState,
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
        schema: state.schema.clone(),
        session: session.clone(),
    };
    let init = session.clone();
    let mut frames = async_graphql::http::WebSocket::new(executor, input, protocol)
        .on_connection_init(move |payload| async move { init.init(payload).await });
    loop {
        let next_check = tokio::time::sleep_until(session.next_check().await);
        tokio::select! {
            // A requested close wins over whatever the protocol would send next.
            biased;
            _ = hung_up.changed() => break,
            _ = next_check => {
                session.recheck().await;
            }
            frame = frames.next() => match frame {
                Some(WsMessage::Text(text)) => {
                    if sink.send(Message::Text(text.into())).await.is_err() {
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

/// The schema, behind a credential check before every operation.
#[derive(Clone)]
struct Guarded {
    schema: AppSchema,
    session: Arc<Session>,
}

impl Executor for Guarded {
    async fn execute(&self, request: Request) -> Response {
        self.schema.execute(request).await
    }

    fn execute_stream(
        &self,
        request: Request,
        session_data: Option<Arc<Data>>,
    ) -> BoxStream<'static, Response> {
        let (schema, session) = (self.schema.clone(), self.session.clone());
        let mut pending = Some((request, session_data));
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
