//! A graphql-transport-ws client, as a browser's `graphql-ws` library speaks it: the credential
//! in `connection_init`'s payload (`connectionParams`), then `subscribe` / `next` / `complete`.

use std::{net::SocketAddr, time::Duration};

use futures_util::{SinkExt, StreamExt};
use serde_json::{Value, json};
use tokio_tungstenite::{
    MaybeTlsStream, WebSocketStream, connect_async,
    tungstenite::{Message, client::IntoClientRequest, http::HeaderValue},
};

/// How long a test waits for a frame before it fails (a guard against hanging, not a measurement).
pub const PATIENCE: Duration = Duration::from_secs(30);

/// What the server sent next.
#[derive(Debug)]
pub enum Frame {
    Json(Value),
    /// The close code, and the reason (shown when an assertion fails).
    Closed(u16, #[allow(dead_code)] String),
}

pub struct WsClient {
    socket: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
}

impl WsClient {
    /// Opens `/graphql/ws` with `graphql-transport-ws`, without saying anything yet.
    pub async fn open(addr: SocketAddr) -> WsClient {
        Self::open_with(addr, &[]).await
    }

    /// [`WsClient::open`], with extra headers on the upgrade request (as a proxy adds them).
    pub async fn open_with(addr: SocketAddr, headers: &[(&'static str, &str)]) -> WsClient {
        let mut request = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        for (name, value) in headers {
            request
                .headers_mut()
                .insert(*name, HeaderValue::from_str(value).unwrap());
        }
        let (socket, _) = connect_async(request).await.expect("WebSocket upgrade");
        WsClient { socket }
    }

    /// Opens and initialises over `stream`, a TCP connection the test set up itself (say,
    /// with a small receive buffer); panics unless acknowledged.
    pub async fn connect_over(
        stream: tokio::net::TcpStream,
        addr: SocketAddr,
        token: Option<&str>,
    ) -> WsClient {
        let mut request = format!("ws://{addr}/graphql/ws")
            .into_client_request()
            .unwrap();
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_static("graphql-transport-ws"),
        );
        let (socket, _) = tokio_tungstenite::client_async(request, MaybeTlsStream::Plain(stream))
            .await
            .expect("WebSocket upgrade");
        let mut client = WsClient { socket };
        let ack = client.init(token).await;
        assert!(
            matches!(&ack, Frame::Json(v) if v["type"] == "connection_ack"),
            "expected connection_ack, got {ack:?}"
        );
        client
    }

    /// The next frame if one comes within `wait`.
    pub async fn next_within(&mut self, wait: Duration) -> Option<Frame> {
        tokio::time::timeout(wait, self.next()).await.ok()
    }

    /// Opens and initialises with `connectionParams`; panics unless acknowledged.
    pub async fn connect(addr: SocketAddr, token: Option<&str>) -> WsClient {
        let mut client = Self::open(addr).await;
        let ack = client.init(token).await;
        assert!(
            matches!(&ack, Frame::Json(v) if v["type"] == "connection_ack"),
            "expected connection_ack, got {ack:?}"
        );
        client
    }

    /// Sends `connection_init` and returns the answer.
    pub async fn init(&mut self, token: Option<&str>) -> Frame {
        let payload = match token {
            Some(t) => json!({ "Authorization": format!("Bearer {t}") }),
            None => json!({}),
        };
        self.send(json!({ "type": "connection_init", "payload": payload }))
            .await;
        self.next().await
    }

    pub async fn send(&mut self, message: Value) {
        self.send_text(message.to_string()).await;
    }

    pub async fn send_text(&mut self, text: String) {
        // The server may already have closed; what it said is read with `next`.
        let _ = self.socket.send(Message::Text(text.into())).await;
    }

    pub async fn subscribe(&mut self, id: &str, query: &str, variables: Value) {
        self.send(json!({
            "id": id, "type": "subscribe",
            "payload": { "query": query, "variables": variables }
        }))
        .await;
    }

    /// The next JSON message or the close frame (pings are answered, other frames skipped).
    pub async fn next(&mut self) -> Frame {
        loop {
            let msg = tokio::time::timeout(PATIENCE, self.socket.next())
                .await
                .expect("the server answers in time");
            match msg {
                Some(Ok(Message::Text(text))) => {
                    let value: Value = serde_json::from_str(&text).unwrap();
                    if value["type"] == "ping" {
                        self.send(json!({ "type": "pong" })).await;
                        continue;
                    }
                    return Frame::Json(value);
                }
                Some(Ok(Message::Close(frame))) => {
                    return match frame {
                        Some(f) => Frame::Closed(f.code.into(), f.reason.to_string()),
                        None => Frame::Closed(1005, String::new()),
                    };
                }
                Some(Ok(_)) => continue,
                // The connection dropped without a close frame.
                Some(Err(_)) | None => return Frame::Closed(1006, String::new()),
            }
        }
    }

    /// The payload of the next `next` message; panics on anything else.
    pub async fn next_payload(&mut self) -> (String, Value) {
        match self.next().await {
            Frame::Json(v) if v["type"] == "next" => {
                (v["id"].as_str().unwrap().to_owned(), v["payload"].clone())
            }
            other => panic!("expected a `next` message, got {other:?}"),
        }
    }

    /// The close code the server ends with, skipping messages before it.
    pub async fn close_code(&mut self) -> u16 {
        loop {
            if let Frame::Closed(code, _) = self.next().await {
                return code;
            }
        }
    }
}

/// Waits until `events` has `count` subscriptions listening, so a change made next reaches them.
pub async fn listening(events: &biobridge::service::events::EventBus, count: usize) {
    tokio::time::timeout(PATIENCE, async {
        while !(events.is_ready() && events.subscriber_count() >= count) {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .expect("the subscriptions listen in time");
}
