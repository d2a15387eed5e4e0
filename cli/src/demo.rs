//! `userhash demo` (SPEC §7): one process on the loopback interface serving
//! two pages. `/` is a customer's site: its server signs the logged-in user
//! and embeds the support widget with the signed URL. `/widget` is the
//! widget's page: it verifies the parameters (an in-memory nonce store, or
//! Redis with `--redis URL`) and shows
//! "verified as …" or the rejection's variant and message.
//!
//! tiny_http does the HTTP; this file only renders pages, and escapes every
//! value it puts in them. It answers only requests addressed to its own
//! address or `localhost` (the Host header): a page of another origin whose
//! DNS name was made to resolve to 127.0.0.1 (DNS rebinding) gets nothing.

use std::fmt::Write as _;
use std::io::Write as _;
use std::net::{IpAddr, SocketAddr};

use tiny_http::{Header, Method, Request, Response, Server};
use userhash::{widget_url, IdentitySigner, Secret, VerifiedIdentity, Verifier};

use crate::output::{describe, Failure};
use crate::secrets;

/// The demo's organization and its fake logged-in user. The `+` in the email
/// is on purpose: it is what breaks hand-built widget URLs.
const ORG_ID: &str = "org_demo";
const USER_EMAIL: &str = "alice+support@example.com";
const USER_NAME: &str = "Alice Martin";

/// `store` gives the widget's verifier its nonce store (memory unless
/// `--redis`).
pub fn run(
    addr: SocketAddr,
    configured: Option<Vec<Secret>>,
    store: impl FnOnce(Verifier) -> Result<Verifier, Failure>,
) -> Result<(), Failure> {
    if !addr.ip().is_loopback() {
        return Err(Failure::usage(format!(
            "the demo serves on the loopback interface only (127.0.0.1 or ::1), not {}",
            addr.ip()
        )));
    }
    let (secrets, source) = match configured {
        Some(secrets) => (secrets, "the configured secret (USERHASH_SECRET or --secret-file)"),
        None => (vec![secrets::generate()?], "a random secret made for this run (set USERHASH_SECRET to use yours)"),
    };
    let signer = IdentitySigner::new(secrets[0].clone(), ORG_ID).map_err(Failure::input)?;
    let verifier = store(Verifier::new(secrets, ORG_ID).map_err(Failure::input)?)?;
    let server = Server::http(addr).map_err(|e| Failure::usage(format!("cannot listen on {addr}: {e}")))?;
    let bound = server.server_addr().to_ip().unwrap_or(addr);
    let origin = format!("http://{bound}");
    log(&format!("userhash demo: listening on {origin}"));
    log(&format!("  customer page: {origin}/   (signs {USER_EMAIL} and embeds the widget)"));
    log(&format!("  widget page:   {origin}/widget?…   (verifies; reload a URL to see Replayed)"));
    log(&format!("  signing with {source}; Ctrl-C stops"));

    let demo = Demo { signer, verifier, hosts: allowed_hosts(bound) };
    for request in server.incoming_requests() {
        let response = demo.handle(&request);
        // A browser that went away mid-answer is no reason to stop serving.
        let _ = request.respond(response);
    }
    Ok(())
}

/// A line on stdout. A closed stdout (`userhash demo | head -1`) does not
/// stop the server, where `println!` would panic on the next request.
fn log(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

/// The Host header values the demo answers to: its own address and
/// `localhost`, with the port (and without it on port 80).
fn allowed_hosts(bound: SocketAddr) -> Vec<String> {
    let ip = match bound.ip() {
        IpAddr::V6(ip) => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let port = bound.port();
    let mut hosts = vec![format!("{ip}:{port}"), format!("localhost:{port}")];
    if port == 80 {
        hosts.extend([ip, "localhost".to_owned()]);
    }
    hosts
}

struct Demo {
    signer: IdentitySigner,
    verifier: Verifier,
    /// What the Host header may say; see [`allowed_hosts`].
    hosts: Vec<String>,
}

type Page = Response<std::io::Cursor<Vec<u8>>>;

impl Demo {
    fn handle(&self, request: &Request) -> Page {
        // GET only: a HEAD from a link checker would use up a widget URL's nonce.
        if *request.method() != Method::Get {
            return page(405, "Method not allowed", "<p>The demo answers GET only.</p>");
        }
        // DNS rebinding: a page at http://attacker.example:8080/ whose name now
        // resolves to 127.0.0.1 is same-origin with what it loads from here, and
        // could read a signed identity. Its requests carry its own Host.
        let Some(host) = self.host_of(request) else {
            return page(
                421,
                "Misdirected request",
                "<p>The demo answers only at its own address (127.0.0.1 or localhost, with its port).</p>",
            );
        };
        let url = request.url();
        let path = url.split(['?', '#']).next().unwrap_or("");
        match path {
            "/" => self.customer_page(&format!("http://{host}/widget")),
            // A prefetch or prerender would use up the nonce before the page is
            // shown; a non-2xx answer makes the browser fetch it again for real.
            "/widget" if is_prefetch(request) => {
                page(503, "Support widget", "<p>Not verified on a prefetch: the signed URL is good for one load.</p>")
            }
            "/widget" => self.widget_page(url),
            _ => page(404, "Not found", "<p>Nothing here: the demo has <a href=\"/\">the customer page</a>.</p>"),
        }
    }

    /// The request's Host header, lower case, when it is one of the demo's own.
    fn host_of(&self, request: &Request) -> Option<String> {
        let header = request.headers().iter().find(|h| h.field.equiv("Host"))?;
        let host = header.value.as_str().to_ascii_lowercase();
        self.hosts.contains(&host).then_some(host)
    }

    /// The customer's site: signs its logged-in user on the server, now, with a
    /// fresh nonce, and embeds the widget with the signed URL. The widget is on
    /// the page's own origin (the host it was asked for), as the CSP's
    /// `frame-src 'self'` wants: 127.0.0.1 and localhost are two origins.
    fn customer_page(&self, widget_base: &str) -> Page {
        let signed = self
            .signer
            .sign(USER_EMAIL)
            .and_then(|identity| widget_url(widget_base, &identity, Some(USER_NAME), [("theme", "light")]));
        let url = match signed {
            Ok(url) => url,
            Err(e) => return page(500, "Signing failed", &format!("<p>{}</p>", escape(&describe(&e)))),
        };
        let u = escape(&url);
        let body = format!(
            r#"<header class="bar"><span class="brand">Acme Cloud</span><span>Signed in as <b>{name}</b> ({email})</span></header>
<main>
<h1>Your account</h1>
<p>This page stands for a customer's site. Its server signed the logged-in user just now
(<code>email|timestamp|orgId|nonce</code>, HMAC-SHA256) and embedded the support widget with the signed URL:</p>
<p class="url"><a id="widget-url" href="{u}">{u}</a></p>
<iframe id="widget" title="Support widget" src="{u}"></iframe>
<h2>Try it</h2>
<ul>
<li>Reload this page: a new timestamp and nonce, verified again.</li>
<li>Open the signed URL above by itself: <code>Replayed</code>, because the frame already used its nonce.</li>
<li>Change the email in that URL: <code>Mismatch</code>.</li>
</ul>
</main>"#,
            name = escape(USER_NAME),
            email = escape(USER_EMAIL),
        );
        page(200, "Acme Cloud: your account", &body)
    }

    /// The widget's server: verify before showing anything of the user.
    fn widget_page(&self, url: &str) -> Page {
        match self.verifier.verify_url(url) {
            Ok(identity) => {
                log(&format!("widget: verified as {} (key {})", identity.email, identity.key_index));
                page(200, "Support widget", &verified_body(&identity))
            }
            Err(e) => {
                log(&format!("widget: rejected, {}", e.variant_name()));
                let body = format!(
                    r#"{WIDGET_BAR}
<div id="status" class="rejected" data-result="rejected">
<p class="label">Rejected</p>
<p><strong id="variant">{variant}</strong></p>
<p id="message">{message}</p>
</div>"#,
                    variant = escape(e.variant_name()),
                    message = escape(&e.to_string()),
                );
                page(403, "Support widget", &body)
            }
        }
    }
}

fn verified_body(identity: &VerifiedIdentity) -> String {
    let mut details = String::new();
    let mut row = |k: &str, v: &str| {
        let _ = write!(details, "<dt>{}</dt><dd>{}</dd>", escape(k), escape(v));
    };
    if let Some(name) = &identity.name {
        row("name (not signed)", name);
    }
    row("org", &identity.org_id);
    row("signed at (Unix ms)", &identity.timestamp_ms.to_string());
    row("nonce", &identity.nonce);
    let key = match identity.key_index {
        0 => "current (key 0)".to_owned(),
        n => format!("previous (key {n})"),
    };
    row("secret", &key);
    for (k, v) in &identity.params {
        row(&format!("{k} (not signed)"), v);
    }
    format!(
        r#"{WIDGET_BAR}
<div id="status" class="verified" data-result="verified">
<p class="label">✓ <span id="verified">verified as <b id="email">{email}</b></span></p>
<dl>{details}</dl>
</div>
<p class="chat">Hi{greeting}, how can we help? Your conversation history is open.</p>"#,
        email = escape(&identity.email),
        greeting = identity.name.as_deref().map(|n| format!(" {}", escape(n))).unwrap_or_default(),
    )
}

/// `Sec-Purpose: prefetch` (and `prefetch;prerender`), or the older
/// `Purpose: prefetch` and Firefox's `X-Moz: prefetch`.
fn is_prefetch(request: &Request) -> bool {
    request.headers().iter().any(|h| {
        (h.field.equiv("Sec-Purpose") || h.field.equiv("Purpose") || h.field.equiv("X-Moz"))
            && h.value.as_str().to_ascii_lowercase().contains("prefetch")
    })
}

/// The widget's own title bar, so the page reads as a chat widget on its own too.
const WIDGET_BAR: &str =
    r#"<header class="widget-bar">Support chat <small>identity checked by userhash</small></header>"#;

const STYLE: &str = "body{font:15px/1.45 system-ui,sans-serif;margin:0;color:#1d2430;background:#f6f7f9}\
main{max-width:860px;margin:0 auto;padding:8px 24px 24px}\
.bar{display:flex;justify-content:space-between;padding:12px 24px;background:#1d2430;color:#fff}\
.brand{font-weight:700}\
.url{font:12px/1.4 ui-monospace,monospace;word-break:break-all;background:#fff;border:1px solid #d6dae1;padding:8px}\
iframe{width:100%;height:340px;border:1px solid #b9c0cc;border-radius:8px;background:#fff}\
#status{margin:16px;padding:12px 16px;border-radius:8px}\
.verified{background:#e7f6ec;border:1px solid #3c9a5f}.rejected{background:#fdecec;border:1px solid #c2413b}\
.label{font-weight:700;margin:0 0 6px}#variant{font-size:20px}\
dl{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0;font-size:13px}dt{color:#5b6472}dd{margin:0}\
.widget-bar{padding:10px 16px;background:#2f5bd3;color:#fff;font-weight:700}.widget-bar small{font-weight:400;opacity:.8;margin-left:8px}\
.chat{margin:0 16px;padding:10px 14px;background:#fff;border:1px solid #d6dae1;border-radius:12px}";

/// A complete HTML page. Nothing is cached: reloading a widget URL must reach
/// the verifier again (that is how a replay shows).
fn page(status: u16, title: &str, body: &str) -> Page {
    let html = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title><style>{STYLE}</style></head>\n<body>\n{body}\n</body></html>\n",
        escape(title)
    );
    let headers = [
        ("Content-Type", "text/html; charset=utf-8"),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
        (
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-src 'self'; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
        ),
    ];
    let mut response = Response::from_string(html).with_status_code(status);
    for (name, value) in headers {
        response.add_header(Header::from_bytes(name, value).expect("static header is valid"));
    }
    response
}

/// Text to put in HTML, in an element or a quoted attribute.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escape_covers_elements_and_attributes() {
        assert_eq!(escape(r#"<a href="x?a=1&b='2'">"#), "&lt;a href=&quot;x?a=1&amp;b=&#39;2&#39;&quot;&gt;");
    }
}
