"""A widget's server on asyncio: signed URLs and identity tokens, awaited.

The shape of a FastAPI or Starlette app, with nothing but the standard
library: each route is an `async def` handler, and no handler blocks the
event loop on the nonce store.

- `GET /widget?orgId=...&user_hash=...` verifies a signed widget URL with
  `await verifier.verify_url_async(url)`: the Redis store's round trip is
  awaited on one multiplexed connection (a store written in Python would run
  on a thread of tokio's), so one process serves many widgets at once.
- `GET /me` with `Authorization: Bearer <token>` verifies an EdDSA identity
  token, single use (its `jti` in the same store). Token verification has no
  awaited form: it runs in a thread (`asyncio.to_thread`), so a Redis round
  trip there blocks no other request either.
- `GET /login?email=...` plays the customer's backend, for trying it out:
  it signs a widget URL and a token for that email.

    USERHASH_SECRET=$(openssl rand -hex 32) python3 examples/python/async_server.py --port 8001
    USERHASH_SECRET=... REDIS_URL=redis://127.0.0.1:6379 python3 examples/python/async_server.py

Without the variables a random secret and a fresh Ed25519 key pair are made
at start (never printed) and nonces are kept in memory. Request URLs are not
logged: they carry signatures.
"""

import argparse
import asyncio
import os
import secrets
import typing
import urllib.parse

import userhash

ORG_ID = "org_123"
KID = "ed-example"


class WidgetServer:
    """The routes, each an `async def`, as a FastAPI app would have them."""

    def __init__(self, secret: str, store: typing.Optional[userhash.NonceStore] = None) -> None:
        store = store or userhash.memory_nonce_store()
        self.verifier = userhash.Verifier([secret], ORG_ID, nonce_store=store)
        # The customer keeps the private key; the widget's server holds only
        # the public one (here both live in one process, for the demo).
        pair = userhash.Ed25519KeyPair.generate(KID)
        self.tokens = userhash.TokenVerifier(
            userhash.parse_public_keys(pair.public_pem(), KID),
            userhash.Profile.USERHASH,
            org=ORG_ID,
            single_use=True,
            nonce_store=store,
        )
        self.url_signer = userhash.IdentitySigner(secret, ORG_ID)
        self.token_signer = userhash.TokenSigner.ed25519(pair.private_pem(), userhash.Profile.USERHASH, kid=KID, org=ORG_ID)
        self.base_url = "http://127.0.0.1/widget"

    async def widget(self, url: str) -> typing.Tuple[int, str]:
        try:
            user = await self.verifier.verify_url_async(url)
        except userhash.UserHashError as e:
            return 403, f"rejected: {e.name()}: {e}"
        return 200, f"verified as {user.email}"

    async def me(self, authorization: str) -> typing.Tuple[int, str]:
        if not authorization.startswith("Bearer "):
            return 401, "send Authorization: Bearer <token>"
        token = authorization[len("Bearer "):]
        try:
            who = await asyncio.to_thread(self.tokens.verify, token)
        except userhash.UserHashError as e:
            return 403, f"rejected: {e.name()}: {e}"
        return 200, f"token for {who.user_id} ({who.email})"

    async def login(self, email: str) -> typing.Tuple[int, str]:
        try:
            url = self.url_signer.widget_url(self.base_url, email)
            token = self.token_signer.sign(userhash.TokenSubject(user_id=email, email=email))
        except userhash.UserHashError as e:
            return 400, f"cannot sign in: {e}"
        return 200, f"{url}\n{token}"

    async def handle(self, target: str, headers: typing.Mapping[str, str]) -> typing.Tuple[int, str]:
        path, _, query = target.partition("?")
        if path == "/widget":
            return await self.widget(target)
        if path == "/me":
            return await self.me(headers.get("authorization", ""))
        if path == "/login":
            return await self.login(urllib.parse.parse_qs(query).get("email", [""])[0])
        return 404, "not found"


async def serve(app: WidgetServer, host: str = "127.0.0.1", port: int = 8001) -> asyncio.Server:
    """A minimal HTTP/1.1 server for `app` (GET only, one request per connection)."""

    async def connection(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = (await reader.readline()).decode("latin-1").split()
            headers: typing.Dict[str, str] = {}
            while (line := (await reader.readline()).decode("latin-1").strip()) != "":
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            if len(request_line) != 3 or request_line[0] != "GET":
                status, body = 405, "GET only"
            else:
                status, body = await app.handle(request_line[1], headers)
            data = body.encode()
            writer.write(
                f"HTTP/1.1 {status} {'OK' if status == 200 else 'Refused'}\r\nContent-Type: text/plain; charset=utf-8\r\n"
                f"Content-Length: {len(data)}\r\nConnection: close\r\n\r\n".encode() + data
            )
            await writer.drain()
        finally:
            writer.close()

    return await asyncio.start_server(connection, host, port)


async def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL")
    store = userhash.redis_nonce_store(redis_url) if redis_url else None
    app = WidgetServer(os.environ.get("USERHASH_SECRET") or secrets.token_hex(32), store)
    server = await serve(app, port=args.port)
    app.base_url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}/widget"
    print(f"widget server: {app.base_url}?... (try /login?email=jane@example.com)", flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(main())
