//! A TCP proxy in front of a real `redis-server` that passes every byte
//! through unchanged and, when told to, sends one reply nobody asked for
//! (`+OK`) toward the client: what a broken server or a hostile one in the
//! middle would do. It counts the connections the client opens and closes, so
//! a test can see that a poisoned connection was dropped, not reused.
//! Plain threads and blocking sockets (`#[path]` includes this file).

// Test code: a panic is the failure report (clippy.toml allows unwrap in #[test] functions only).
#![allow(clippy::unwrap_used)]
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

/// The reply injected: what `SET ... NX` answers when it set the key.
pub const STRAY_REPLY: &[u8] = b"+OK\r\n";

pub struct StrayReplyProxy {
    port: u16,
    shared: Arc<Shared>,
}

struct Shared {
    upstream_port: u16,
    /// The client side of each connection still open, the write half shared
    /// by the forwarding thread and `inject_now`.
    clients: Mutex<Vec<Arc<Mutex<TcpStream>>>>,
    /// Every socket the proxy holds, to shut down on drop.
    sockets: Mutex<Vec<TcpStream>>,
    opened: AtomicUsize,
    closed_by_client: AtomicUsize,
    inject_before_next_reply: AtomicBool,
    stopping: AtomicBool,
}

impl StrayReplyProxy {
    /// A proxy on a free loopback port, forwarding to `127.0.0.1:upstream_port`.
    pub fn start(upstream_port: u16) -> StrayReplyProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("a free loopback port");
        let port = listener.local_addr().unwrap().port();
        let shared = Arc::new(Shared {
            upstream_port,
            clients: Mutex::new(Vec::new()),
            sockets: Mutex::new(Vec::new()),
            opened: AtomicUsize::new(0),
            closed_by_client: AtomicUsize::new(0),
            inject_before_next_reply: AtomicBool::new(false),
            stopping: AtomicBool::new(false),
        });
        let accepting = shared.clone();
        thread::spawn(move || {
            for client in listener.incoming() {
                if accepting.stopping.load(Ordering::SeqCst) {
                    return;
                }
                let Ok(client) = client else { continue };
                accepting.clone().serve(client);
            }
        });
        StrayReplyProxy { port, shared }
    }

    /// `redis://127.0.0.1:PORT` of the proxy.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    /// Writes one stray reply now into every connection the client holds
    /// open, and returns how many there were. Called while the client waits
    /// for nothing (its connection idle in a pool), the reply sits unread
    /// until the client's next command, ahead of that command's own reply.
    pub fn inject_now(&self) -> usize {
        let clients = self.shared.clients.lock().unwrap();
        for client in clients.iter() {
            client.lock().unwrap().write_all(STRAY_REPLY).expect("the stray reply is written");
        }
        clients.len()
    }

    /// Writes one stray reply to the client as soon as its next command
    /// arrives, before that command reaches Redis: it arrives while the
    /// command waits for its answer, ahead of it.
    pub fn inject_before_next_reply(&self) {
        self.shared.inject_before_next_reply.store(true, Ordering::SeqCst);
    }

    /// Whether the last `inject_before_next_reply` has been carried out.
    pub fn injection_pending(&self) -> bool {
        self.shared.inject_before_next_reply.load(Ordering::SeqCst)
    }

    /// Connections the client has opened through the proxy.
    pub fn opened(&self) -> usize {
        self.shared.opened.load(Ordering::SeqCst)
    }

    /// Connections the client has closed.
    pub fn closed_by_client(&self) -> usize {
        self.shared.closed_by_client.load(Ordering::SeqCst)
    }

    /// Waits (up to 10 s, then panics) until the client has closed `count`
    /// connections: closing is seen by the proxy's thread a moment after
    /// the client drops its socket.
    pub fn wait_until_closed_by_client(&self, count: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.closed_by_client() < count {
            assert!(
                Instant::now() < deadline,
                "the client closed {} connections, not {count}, within 10 s",
                self.closed_by_client()
            );
            thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Shared {
    fn serve(self: Arc<Self>, client: TcpStream) {
        let Ok(server) = TcpStream::connect(("127.0.0.1", self.upstream_port)) else {
            let _ = client.shutdown(Shutdown::Both);
            return;
        };
        let _ = client.set_nodelay(true);
        let _ = server.set_nodelay(true);
        self.opened.fetch_add(1, Ordering::SeqCst);
        let client_writer = Arc::new(Mutex::new(client.try_clone().unwrap()));
        // Set when Redis closed the connection, so that closing the client's
        // side after it is not counted as the client's doing.
        let server_closed = Arc::new(AtomicBool::new(false));
        self.clients.lock().unwrap().push(client_writer.clone());
        self.sockets.lock().unwrap().extend([client.try_clone().unwrap(), server.try_clone().unwrap()]);

        // Client to Redis: commands, with the stray reply first when asked.
        let shared = self.clone();
        let (mut from_client, mut to_server) = (client.try_clone().unwrap(), server.try_clone().unwrap());
        let writer = client_writer.clone();
        let closed = server_closed.clone();
        thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                let n = match from_client.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if shared.inject_before_next_reply.swap(false, Ordering::SeqCst) {
                    let _ = writer.lock().unwrap().write_all(STRAY_REPLY);
                }
                if to_server.write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            if !shared.stopping.load(Ordering::SeqCst) && !closed.load(Ordering::SeqCst) {
                shared.closed_by_client.fetch_add(1, Ordering::SeqCst);
            }
            shared.clients.lock().unwrap().retain(|c| !Arc::ptr_eq(c, &writer));
            let _ = to_server.shutdown(Shutdown::Both);
        });

        // Redis to client: every reply, unchanged.
        let mut from_server = server;
        thread::spawn(move || {
            let mut buf = [0u8; 16 * 1024];
            loop {
                let n = match from_server.read(&mut buf) {
                    Ok(0) | Err(_) => break,
                    Ok(n) => n,
                };
                if client_writer.lock().unwrap().write_all(&buf[..n]).is_err() {
                    break;
                }
            }
            server_closed.store(true, Ordering::SeqCst);
            let _ = client.shutdown(Shutdown::Both);
        });
    }
}

impl Drop for StrayReplyProxy {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accepting thread so that it sees `stopping` and returns.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        for socket in self.shared.sockets.lock().unwrap().iter() {
            let _ = socket.shutdown(Shutdown::Both);
        }
    }
}
