"""A customer's backend and a widget's server, in one small process.

The counterpart of the vendor document's `backend.py` snippet, which builds
`email|timestamp|org_id|nonce` by hand and signs it with `hmac.new`: here the
login page's server signs the logged-in user and builds the widget URL in one
call (`userhash.IdentitySigner.widget_url`), and the widget endpoint verifies
it with `userhash.Verifier` (freshness, replay, rotation).

    USERHASH_SECRET=$(openssl rand -hex 32) USERHASH_IDENTIFIER_SECRET=$(openssl rand -hex 32) \
        python3 examples/python/backend.py --port 8000

Then open http://127.0.0.1:8000/, log in with any email, and reload the
widget frame's URL to see `Replayed`. Without the variables random secrets
are made at start (and never printed). Each scheme has its own secret
(SECURITY.md): the identifier hash must never be made with the signed
identity's.
"""

import argparse
import html
import http.server
import os
import secrets
import typing
import urllib.parse

import userhash

ORG_ID = "org_123"

LOGIN_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Example shop: log in</title></head>
<body>
<h1>Example shop</h1>
<form method="post" action="/login">
  <label>Email <input name="email" value="jane@example.com"></label>
  <label>Name <input name="name" value="Jane"></label>
  <button type="submit">Log in</button>
</form>
</body></html>
"""

APP_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Example shop</title></head>
<body>
<h1>Hello, {name}</h1>
<p>Logged in as {email}. Your identifier hash (the classic scheme): <code id="identifier-hash">{identifier_hash}</code></p>
<p>The support widget, signed for you on the server:</p>
<iframe id="widget" src="{widget_url}" width="600" height="120"></iframe>
<p><a id="widget-link" href="{widget_url}">the widget URL</a></p>
</body></html>
"""

WIDGET_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Support widget</title></head>
<body><p id="status">{status}</p></body></html>
"""


class Backend:
    """The two sides: the shop signs, the widget verifies."""

    def __init__(self, secret: str, widget_base: str, identifier_secret: str) -> None:
        # One secret per scheme (SECURITY.md): the identifier hash never
        # shares the signed identity's secret.
        if identifier_secret == secret:
            raise ValueError("give the identifier hash and the signed identity different secrets")
        self.signer = userhash.IdentitySigner(secret, ORG_ID)
        self.verifier = userhash.Verifier([secret], ORG_ID, nonce_store=userhash.memory_nonce_store())
        self.identifiers = userhash.IdentifierSigner(identifier_secret)
        self.widget_base = widget_base

    def app_page(self, email: str, name: str) -> str:
        # Signed now, with a fresh nonce; an empty name is left out.
        url = self.signer.widget_url(self.widget_base, email, name)
        return APP_PAGE.format(
            name=html.escape(name or email),
            email=html.escape(email),
            identifier_hash=self.identifiers.sign(email),
            widget_url=html.escape(url, quote=True),
        )

    def widget_page(self, url: str) -> typing.Tuple[int, str]:
        try:
            user = self.verifier.verify_url(url)
        except userhash.UserHashError as e:
            return 403, WIDGET_PAGE.format(status=html.escape(f"rejected: {type(e).__name__}: {e}"))
        return 200, WIDGET_PAGE.format(status=html.escape(f"verified as {user.email}"))


def handler_for(backend: Backend) -> typing.Type[http.server.BaseHTTPRequestHandler]:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urllib.parse.urlsplit(self.path).path
            if path == "/":
                self.reply(200, LOGIN_PAGE)
            elif path == "/widget":
                self.reply(*backend.widget_page(self.path))
            else:
                self.reply(404, "not found")

        def do_POST(self) -> None:
            if self.path != "/login":
                self.reply(404, "not found")
                return
            length = int(self.headers.get("Content-Length", "0"))
            form = urllib.parse.parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
            email, name = form.get("email", [""])[0], form.get("name", [""])[0]
            try:
                self.reply(200, backend.app_page(email, name))
            except userhash.UserHashError as e:
                self.reply(400, WIDGET_PAGE.format(status=html.escape(f"cannot sign in: {e}")))

        def reply(self, code: int, body: str) -> None:
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: typing.Any) -> None:
            pass  # the widget URLs carry signatures; keep them out of the log

    return Handler


def make_server(
    host: str = "127.0.0.1",
    port: int = 8000,
    secret: typing.Optional[str] = None,
    identifier_secret: typing.Optional[str] = None,
) -> http.server.ThreadingHTTPServer:
    """A server on (host, port); port 0 picks a free one."""
    # The widget's URL needs the port, known once bound: the real handler comes next.
    server = http.server.ThreadingHTTPServer((host, port), http.server.BaseHTTPRequestHandler)
    base = f"http://{host}:{server.server_address[1]}/widget"
    secret = secret or os.environ.get("USERHASH_SECRET") or secrets.token_hex(32)
    identifier_secret = identifier_secret or os.environ.get("USERHASH_IDENTIFIER_SECRET") or secrets.token_hex(32)
    server.RequestHandlerClass = handler_for(Backend(secret, base, identifier_secret))
    return server


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    server = make_server(port=args.port)
    print(f"example backend: http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
