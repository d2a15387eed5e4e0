"""Runs the asyncio widget server on a free port and sends it requests at
once, as many browsers would: each signed URL and each token is accepted
exactly once, and the rest are refused by name."""

import asyncio
import typing

import async_server

SECRET = "example-async-secret-0123456789abcdef"

T = typing.TypeVar("T")
Reply = typing.Tuple[int, str]


async def get(port: int, target: str, authorization: typing.Optional[str] = None) -> Reply:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    extra = "" if authorization is None else f"Authorization: {authorization}\r\n"
    writer.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n{extra}\r\n".encode())
    await writer.drain()
    response = (await reader.read()).decode()
    writer.close()
    head, _, body = response.partition("\r\n\r\n")
    return int(head.split()[1]), body


def run(scenario: typing.Callable[[int], typing.Awaitable[T]]) -> T:
    async def main() -> T:
        app = async_server.WidgetServer(SECRET)
        server = await async_server.serve(app, port=0)
        port = server.sockets[0].getsockname()[1]
        app.base_url = f"http://127.0.0.1:{port}/widget"
        async with server:
            return await scenario(port)

    return asyncio.run(main())


async def log_in(port: int, email: str) -> typing.Tuple[str, str]:
    status, body = await get(port, f"/login?email={email}")
    assert status == 200, body
    url, token = body.split("\n")
    return url[url.index("/widget"):], token


def test_a_signed_url_sent_by_many_at_once_is_accepted_once() -> None:
    async def scenario(port: int) -> typing.List[Reply]:
        target, _ = await log_in(port, "jane@example.com")
        return await asyncio.gather(*(get(port, target) for _ in range(30)))

    replies = run(scenario)
    assert sorted(status for status, _ in replies) == [200] + [403] * 29
    assert [body for status, body in replies if status == 200] == ["verified as jane@example.com"]
    assert all(body.startswith("rejected: Replayed: ") for status, body in replies if status == 403)


def test_many_users_at_once_are_each_verified() -> None:
    async def scenario(port: int) -> typing.List[Reply]:
        targets = [(await log_in(port, f"user{i}@example.com"))[0] for i in range(20)]
        return await asyncio.gather(*(get(port, t) for t in targets))

    assert run(scenario) == [(200, f"verified as user{i}@example.com") for i in range(20)]


def test_a_token_works_once_and_a_changed_one_not_at_all() -> None:
    async def scenario(port: int) -> typing.List[Reply]:
        _, token = await log_in(port, "jane@example.com")
        _, other = await log_in(port, "john@example.com")
        header, _payload, signature = other.split(".")
        forged = ".".join([header, token.split(".")[1], signature])  # jane's claims, john's signature
        return [
            await get(port, "/me", f"Bearer {token}"),
            await get(port, "/me", f"Bearer {token}"),
            await get(port, "/me", f"Bearer {forged}"),
            await get(port, "/me"),
        ]

    first, again, forged, missing = run(scenario)
    assert first == (200, "token for jane@example.com (jane@example.com)")
    assert again[0] == 403 and again[1].startswith("rejected: Replayed: ")
    assert forged[0] == 403 and forged[1].startswith("rejected: Mismatch: ")
    assert missing[0] == 401


def test_a_tampered_url_is_refused_by_name() -> None:
    async def scenario(port: int) -> Reply:
        target, _ = await log_in(port, "jane@example.com")
        return await get(port, target.replace("jane", "john"))

    status, body = run(scenario)
    assert status == 403 and body.startswith("rejected: Mismatch: ")
