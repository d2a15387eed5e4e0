"""Runs the example backend on a free port and walks through it like a browser."""

import html
import re
import threading
import typing
import urllib.error
import urllib.parse
import urllib.request

import backend
import pytest


@pytest.fixture()
def server() -> typing.Iterator[str]:
    srv = backend.make_server(
        port=0, secret="example-test-secret-0123456789abcdef", identifier_secret="example-identifier-secret-0123456789"
    )
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def get(url: str) -> typing.Tuple[int, str]:
    try:
        with urllib.request.urlopen(url) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def found(pattern: str, page: str) -> str:
    """The first group of `pattern`'s match in `page`, which must have one."""
    match = re.search(pattern, page)
    assert match is not None, f"no {pattern!r} in the page"
    return match.group(1)


def log_in(server: str, email: str, name: str) -> typing.Tuple[str, str]:
    data = urllib.parse.urlencode({"email": email, "name": name}).encode()
    with urllib.request.urlopen(f"{server}/login", data=data) as r:
        page = r.read().decode()
    return html.unescape(found(r'<iframe id="widget" src="([^"]+)"', page)), page


def status_of(page: str) -> str:
    return html.unescape(found(r'<p id="status">(.*)</p>', page))


def test_login_page(server: str) -> None:
    code, page = get(server + "/")
    assert code == 200 and 'action="/login"' in page


def test_signed_widget_verifies_once_then_is_replayed(server: str) -> None:
    url, page = log_in(server, "a+b@example.com", "Alice")
    assert "orgId=org_123" in url and "email=a%2Bb%40example.com" in url and "user_hash=" in url
    assert "example-test-secret" not in page
    code, widget = get(url)
    assert (code, status_of(widget)) == (200, "verified as a+b@example.com")
    code, widget = get(url)
    assert code == 403 and status_of(widget).startswith("rejected: Replayed: ")


def test_tampered_email_is_a_mismatch(server: str) -> None:
    url, _ = log_in(server, "jane@example.com", "Jane")
    code, widget = get(url.replace("jane%40example.com", "john%40example.com"))
    assert code == 403 and status_of(widget).startswith("rejected: Mismatch: ")


def test_identifier_hash_on_the_page_is_the_identifier_scheme(server: str) -> None:
    import hashlib
    import hmac

    _, page = log_in(server, "jane@example.com", "Jane")
    shown = found(r'<code id="identifier-hash">([0-9a-f]{64})</code>', page)
    # The vendor snippet's way, for comparison.
    want = hmac.new(b"example-identifier-secret-0123456789", b"jane@example.com", hashlib.sha256).hexdigest()
    assert shown == want


def test_bad_email_is_refused_with_a_message(server: str) -> None:
    # A `+` lost to a space in a URL leaves a leading space: refused, not signed.
    data = urllib.parse.urlencode({"email": " b@example.com", "name": ""}).encode()
    with pytest.raises(urllib.error.HTTPError) as info:
        urllib.request.urlopen(f"{server}/login", data=data)
    assert info.value.code == 400
    assert "email is malformed: it has leading or trailing whitespace" in info.value.read().decode()


def test_one_secret_for_both_schemes_is_refused() -> None:
    with pytest.raises(ValueError, match="different secrets"):
        backend.make_server(port=0, secret="example-test-secret-0123456789abcdef",
                            identifier_secret="example-test-secret-0123456789abcdef")
