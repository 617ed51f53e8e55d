//! Slow and idle clients cannot hold the server: the real accept loop on port 0, spoken to over
//! raw TCP. Each test waits for the server to close a connection, with a generous guard so a
//! server that never does fails instead of hanging.

use std::time::Duration;

use biobridge::http::{ConnectionLimits, serve_until};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::{TcpListener, TcpStream},
    sync::oneshot,
};

use crate::support::TestApp;

/// Far longer than any timeout configured below.
const GUARD: Duration = Duration::from_secs(30);

struct Server {
    addr: std::net::SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    _app: TestApp,
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

async fn start(limits: ConnectionLimits, request_timeout_secs: u64) -> Server {
    let app = TestApp::with_config(|c| c.request_timeout_secs = request_timeout_secs).await;
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(serve_until(
        listener,
        app.router.clone(),
        limits,
        async move {
            let _ = stopped.await;
        },
    ));
    Server {
        addr,
        stop: Some(stop),
        _app: app,
    }
}

fn limits(max_connections: usize, header_read_secs: u64, keep_alive_secs: u64) -> ConnectionLimits {
    ConnectionLimits {
        max_connections,
        header_read_timeout: Duration::from_secs(header_read_secs),
        keep_alive_timeout: Duration::from_secs(keep_alive_secs),
    }
}

const REQUEST: &[u8] = b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 26\r\n\r\n{\"query\":\"{ __typename }\"}";

/// Reads until the server closes the connection (or the guard fires); what was read.
async fn read_until_closed(stream: &mut TcpStream) -> Option<String> {
    let mut seen = Vec::new();
    let closed = tokio::time::timeout(GUARD, async {
        let mut buf = [0u8; 4096];
        loop {
            match stream.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    closed
        .ok()
        .map(|()| String::from_utf8_lossy(&seen).into_owned())
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let server = start(limits(16, 1, 60), 60).await;
    let stream = TcpStream::connect(server.addr).await.unwrap();
    let (mut read, mut write) = stream.into_split();
    // One byte of a header that never ends, every 100 ms.
    let trickle = tokio::spawn(async move {
        let _ = write.write_all(b"POST /graphql HTTP/1.1\r\nX-Slow: ").await;
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if write.write_all(b"a").await.is_err() {
                return;
            }
        }
    });
    let closed = tokio::time::timeout(GUARD, async {
        let mut buf = [0u8; 1024];
        while let Ok(n) = read.read(&mut buf).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
    trickle.abort();
    assert!(
        closed.is_ok(),
        "the trickling client was never disconnected"
    );
}

#[tokio::test]
async fn a_trickled_body_times_out() {
    let server = start(limits(16, 60, 60), 1).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n{")
        .await
        .unwrap();
    let seen = read_until_closed(&mut stream)
        .await
        .expect("the request never timed out");
    assert!(seen.starts_with("HTTP/1.1 408"), "{seen}");
}

#[tokio::test]
async fn an_idle_keep_alive_connection_is_closed() {
    let server = start(limits(16, 60, 1), 60).await;
    let mut stream = TcpStream::connect(server.addr).await.unwrap();
    stream.write_all(REQUEST).await.unwrap();
    let seen = read_until_closed(&mut stream)
        .await
        .expect("the idle connection stayed open");
    assert!(seen.starts_with("HTTP/1.1 200"), "{seen}");
    assert!(seen.contains("__typename"), "{seen}");
}

#[tokio::test]
async fn connections_beyond_the_bound_wait_for_a_free_one() {
    let server = start(limits(1, 60, 60), 60).await;
    let mut first = TcpStream::connect(server.addr).await.unwrap();
    first.write_all(REQUEST).await.unwrap();
    let mut buf = [0u8; 4096];
    let n = first.read(&mut buf).await.unwrap();
    assert!(buf[..n].starts_with(b"HTTP/1.1 200"));

    // The kernel takes the second connection, but the server does not serve it...
    let mut second = TcpStream::connect(server.addr).await.unwrap();
    second.write_all(REQUEST).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        matches!(second.try_read(&mut buf), Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
        "a connection beyond the bound was served"
    );
    // ... until the first one closes.
    drop(first);
    let answer = tokio::time::timeout(GUARD, second.read(&mut buf))
        .await
        .expect("the waiting connection was never served")
        .unwrap();
    assert!(buf[..answer].starts_with(b"HTTP/1.1 200"));
}
