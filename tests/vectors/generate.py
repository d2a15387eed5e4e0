#!/usr/bin/env python3
"""Writes the userhash test vectors (identifier.json, identity.json,
widget_url.json, verify.json, diagnose.json, and jwt.json through
jwt_vectors.py) from SPEC.md, using only
Python's standard library: the hashes here are computed by `hmac`/`hashlib`,
never by userhash itself, so the Rust core and every binding are checked
against an independent implementation. tests/interop then re-checks them in
six more languages.

    python3 tests/vectors/generate.py          # rewrite the JSON files
    python3 tests/vectors/generate.py --check  # fail if they are out of date

The format is described in tests/vectors/README.md.
"""
import hashlib
import hmac
import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import jwt_vectors  # noqa: E402  (jwt.json: tokens, Ed25519, PEM and JWK)
DEFAULT_TOLERANCE_MS = 300_000
DEFAULT_MAX_URL_LEN = 64 * 1024
DEFAULT_MAX_PARAMS = 1_000


def mac(secret: str, message: str) -> str:
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def form_encode(text: str) -> str:
    """WHATWG application/x-www-form-urlencoded byte serializer."""
    out = []
    for byte in text.encode():
        ch = chr(byte)
        if ch.isascii() and (ch.isalnum() or ch in "*-._"):
            out.append(ch)
        elif ch == " ":
            out.append("+")
        else:
            out.append("%%%02X" % byte)
    return "".join(out)


def query(pairs) -> str:
    return "&".join(form_encode(k) + "=" + form_encode(v) for k, v in pairs)


def identity_message(email, timestamp, org_id, nonce) -> str:
    return f"{email}|{timestamp}|{org_id}|{nonce}"


# --------------------------------------------------------------------------
# Scheme 1: identifier hash

KNOWN_SECRET = "<widget-hmac-token>"
KNOWN_IDENTIFIER = "<identifier>"
KNOWN_HASH = "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82"
SECRET = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"
OLD_SECRET = "whsec_old_4b1e7d0c9a8f6e5d4c3b2a19"
OTHER_ORG_SECRET = "whsec_other_org_5a6b7c8d9e0f1a2b"
# The forgery of SPEC 1.4: an identifier hash of this is the signed identity's user_hash.
CROSS_SCHEME_IDENTIFIER = "victim@example.com|1712345678901|org_123|any-nonce-1"
# The same for tokens (SPEC 8): an identifier hash of a JWS signing input is, in hex,
# that token's HS256 signature under the same secret.
JWS_SIGNING_INPUT = (
    jwt_vectors.b64u(b'{"alg":"HS256","typ":"JWT"}') + "."
    + jwt_vectors.b64u(b'{"exp":1712345978,"iat":1712345678,"org":"org_123","sub":"admin"}'))


def identifier_vectors():
    assert mac(KNOWN_SECRET, KNOWN_IDENTIFIER) == KNOWN_HASH
    signs = [
        ("SPEC 1.1 known answer from the vendor's docs", KNOWN_SECRET, KNOWN_IDENTIFIER),
        ("numeric user id as its decimal string", SECRET, "4"),
        ("email", SECRET, "jane.doe@example.com"),
        ("email with a plus", SECRET, "a+b@x.com"),
        ("email, upper case differs from lower case", SECRET, "Jane.Doe@Example.com"),
        ("identifier with inner spaces, signed as given", SECRET, "user 42 of org 7"),
        ("identifier with pipes that is not an identity message, signed as given", SECRET, "team|support|lead"),
        ("identifier with a trailing newline is signed as given", SECRET, "user-42\n"),
        ("non-ASCII identifier is signed as UTF-8", SECRET, "zoë@exämple.com"),
        ("emoji identifier", SECRET, "user-\U0001F600"),
        ("single byte", SECRET, "x"),
        ("55 bytes: the longest message in one SHA-256 block", SECRET, "u" * 55),
        ("56 bytes: the shortest message that spills into a second block", SECRET, "u" * 56),
        ("4096 bytes: the longest identifier allowed", SECRET, "i" * 4096),
        ("secret of exactly 16 bytes", "0123456789abcdef", "user-42"),
        ("secret with a trailing newline is used as given", SECRET + "\n", "user-42"),
        ("non-ASCII secret is its UTF-8 bytes", "sécret-ключ-秘密-0001", "user-42"),
        ("secret longer than one SHA-256 block is hashed first", "k" * 100, "user-42"),
    ]
    sign = [
        {"name": n, "secret": s, "identifier": i, "hash": mac(s, i)} for n, s, i in signs
    ]
    h = mac(SECRET, "user-42")
    verify = [
        {"name": "correct hash", "secret": SECRET, "identifier": "user-42", "hash": h, "valid": True},
        {"name": "upper-case hex is accepted", "secret": SECRET, "identifier": "user-42", "hash": h.upper(), "valid": True},
        {"name": "mixed-case hex is accepted", "secret": SECRET, "identifier": "user-42", "hash": h[:32].upper() + h[32:], "valid": True},
        {"name": "hash of another identifier", "secret": SECRET, "identifier": "user-43", "hash": h, "valid": False},
        {"name": "hash made with another secret", "secret": OLD_SECRET, "identifier": "user-42", "hash": h, "valid": False},
        {"name": "identifier with a trailing newline", "secret": SECRET, "identifier": "user-42\n", "hash": h, "valid": False},
        {"name": "one hex digit changed", "secret": SECRET, "identifier": "user-42", "hash": h[:-1] + ("0" if h[-1] != "0" else "1"), "valid": False},
        {"name": "truncated to 63 characters", "secret": SECRET, "identifier": "user-42", "hash": h[:63], "valid": False},
        {"name": "truncated to 128 bits", "secret": SECRET, "identifier": "user-42", "hash": h[:32], "valid": False},
        {"name": "65 characters", "secret": SECRET, "identifier": "user-42", "hash": h + "0", "valid": False},
        {"name": "empty hash", "secret": SECRET, "identifier": "user-42", "hash": "", "valid": False},
        {"name": "non-hex character", "secret": SECRET, "identifier": "user-42", "hash": "g" + h[1:], "valid": False},
        {"name": "surrounding whitespace", "secret": SECRET, "identifier": "user-42", "hash": " " + h[:63], "valid": False},
        {"name": "base64 of the tag instead of hex", "secret": SECRET, "identifier": "user-42",
         "hash": __import__("base64").b64encode(bytes.fromhex(h)).decode(), "valid": False},
        {"name": "empty identifier is never valid", "secret": SECRET, "identifier": "", "hash": mac(SECRET, ""), "valid": False},
        {"name": "identifier over 4096 bytes is never valid", "secret": SECRET, "identifier": "i" * 4097,
         "hash": mac(SECRET, "i" * 4097), "valid": False},
        {"name": "a signed-identity message is never a valid identifier (SPEC 1.4), even with its true HMAC",
         "secret": SECRET, "identifier": CROSS_SCHEME_IDENTIFIER, "hash": mac(SECRET, CROSS_SCHEME_IDENTIFIER), "valid": False},
        {"name": "a JWS signing input is never a valid identifier (SPEC 1.4, 8), even with its true HMAC "
                 "(whose bytes are that token's HS256 signature)",
         "secret": SECRET, "identifier": JWS_SIGNING_INPUT, "hash": mac(SECRET, JWS_SIGNING_INPUT), "valid": False},
        {"name": "an identifier with dots that is not a JWS signing input is signed as given",
         "secret": SECRET, "identifier": "jane.doe.42", "hash": mac(SECRET, "jane.doe.42"), "valid": True},
        {"name": "an identifier with pipes that is not an identity message is signed as given",
         "secret": SECRET, "identifier": "a|b|c|d", "hash": mac(SECRET, "a|b|c|d"), "valid": True},
    ]
    errors = [
        {"name": "empty secret", "secret": "", "identifier": "user-42", "error": "WeakSecret", "field": "secret", "operation": "sign"},
        {"name": "15-byte secret", "secret": "0123456789abcde", "identifier": "user-42", "error": "WeakSecret", "field": "secret", "operation": "sign"},
        {"name": "15-byte secret on verify", "secret": "0123456789abcde", "identifier": "user-42", "hash": h, "error": "WeakSecret", "field": "secret", "operation": "verify"},
        {"name": "empty identifier", "secret": SECRET, "identifier": "", "error": "Malformed", "field": "identifier", "operation": "sign"},
        {"name": "4097-byte identifier", "secret": SECRET, "identifier": "i" * 4097, "error": "Malformed", "field": "identifier", "operation": "sign"},
        {"name": "an identifier that is a signed-identity message is refused (SPEC 1.4): its hash would be that identity's user_hash",
         "secret": SECRET, "identifier": CROSS_SCHEME_IDENTIFIER, "error": "Malformed", "field": "identifier", "operation": "sign"},
        {"name": "an identifier that is a JWS signing input is refused (SPEC 1.4, 8): its hash would be that token's HS256 signature",
         "secret": SECRET, "identifier": JWS_SIGNING_INPUT, "error": "Malformed", "field": "identifier", "operation": "sign"},
    ]
    return {
        "description": "Scheme 1 (SPEC 1.1): hex(HMAC-SHA256(key = secret, message = identifier)).",
        "sign": sign,
        "verify": verify,
        "errors": errors,
    }


# --------------------------------------------------------------------------
# Scheme 2: signed identity

ORG = "org_123"
NOW = 1_712_345_678_901
NONCE = "550e8400-e29b-41d4-a716-446655440000"


def identity_case(name, secret, email, timestamp, org_id, nonce):
    msg = identity_message(email, timestamp, org_id, nonce)
    return {
        "name": name, "secret": secret, "org_id": org_id, "email": email,
        "timestamp": timestamp, "nonce": nonce, "message": msg, "user_hash": mac(secret, msg),
    }


def identity_vectors():
    signs = [
        ("vendor doc's Python example", "YOUR_IDENTITY_SECRET", "user@example.com", "1712345678901", ORG, NONCE),
        ("plain", SECRET, "jane.doe@example.com", str(NOW), ORG, "9b2d6f0e-3c1a-4e8b-9f7d-2a5c8e1b4d60"),
        ("email with a plus", SECRET, "a+b@x.com", str(NOW), ORG, "0f8e7d6c-5b4a-4392-8817-263544536271"),
        ("email with inner spaces and non-ASCII", SECRET, "Zoë Smith <zoe@exämple.com>", str(NOW), ORG, "1a2b3c4d-5e6f-4a0b-9c1d-2e3f4a5b6c7d"),
        ("320-byte email: the longest allowed", SECRET, "e" * 308 + "@example.com", str(NOW), ORG, "2b3c4d5e-6f70-4a1b-8c2d-3e4f5a6b7c8d"),
        ("128-byte org id", SECRET, "jane@example.com", str(NOW), "o" * 128, "3c4d5e6f-7081-4b2c-9d3e-4f5a6b7c8d9e"),
        ("1-digit timestamp", SECRET, "jane@example.com", "0", ORG, "4d5e6f70-8192-4c3d-ae4f-5a6b7c8d9eaf"),
        ("16-digit timestamp", SECRET, "jane@example.com", "9999999999999999", ORG, "5e6f7081-92a3-4d4e-bf5a-6b7c8d9eafb0"),
        ("8-character nonce with every allowed symbol", SECRET, "jane@example.com", str(NOW), ORG, "aZ09-_.~"),
        ("128-character nonce", SECRET, "jane@example.com", str(NOW), ORG, "N" * 128),
        ("secret with a trailing newline is used as given", SECRET + "\n", "jane@example.com", str(NOW), ORG, NONCE),
    ]
    sign = [identity_case(*s) for s in signs]

    def err(name, field, error="Malformed", secret=SECRET, email="jane@example.com",
            timestamp=str(NOW), org_id=ORG, nonce=NONCE):
        return {"name": name, "secret": secret, "org_id": org_id, "email": email,
                "timestamp": timestamp, "nonce": nonce, "error": error, "field": field}

    errors = [
        err("15-byte secret", "secret", "WeakSecret", secret="0123456789abcde"),
        err("empty email", "email", email=""),
        err("321-byte email", "email", email="e" * 309 + "@example.com"),
        err("email with a pipe", "email", email="a|1@example.com"),
        err("email with a newline", "email", email="jane@example.com\nx"),
        err("email with a tab", "email", email="jane\t@example.com"),
        err("email with DEL", "email", email="jane\x7f@example.com"),
        err("email with a leading space", "email", email=" jane@example.com"),
        err("email with a trailing space", "email", email="jane@example.com "),
        err("email with a trailing newline", "email", email="jane@example.com\n"),
        err("empty org id", "org_id", org_id=""),
        err("129-byte org id", "org_id", org_id="o" * 129),
        err("org id with a pipe", "org_id", org_id="org|1"),
        err("org id with a space", "org_id", org_id="org 1"),
        err("org id with a non-breaking space", "org_id", org_id="org\u00a01"),
        err("org id with a control character", "org_id", org_id="org\x01"),
        err("17-digit timestamp", "timestamp", timestamp="10000000000000000"),
        err("7-character nonce", "nonce", nonce="abcdefg"),
        err("129-character nonce", "nonce", nonce="N" * 129),
        err("nonce with a pipe", "nonce", nonce="abcd|efgh"),
        err("nonce with a plus", "nonce", nonce="abcd+efgh"),
        err("nonce with a space", "nonce", nonce="abcd efgh"),
        err("nonce with non-ASCII", "nonce", nonce="abcdéfgh"),
    ]
    return {
        "description": "Scheme 2 (SPEC 1.2): hex(HMAC-SHA256(key = secret, message = email|timestamp|org_id|nonce)). "
                       "`timestamp` is a decimal string of Unix milliseconds; bindings whose sign_at takes an integer parse it.",
        "sign": sign,
        "errors": errors,
    }


# --------------------------------------------------------------------------
# Widget URL

SIGNED_NAMES = {"orgId", "email", "timestamp", "nonce", "user_hash", "name"}


def build_url(base, org_id, email, name, params, timestamp, nonce, user_hash):
    pairs = [("orgId", org_id), ("email", email)]
    if name is not None:
        pairs.append(("name", name))
    pairs += sorted(params, key=lambda kv: kv[0].encode())
    pairs += [("timestamp", timestamp), ("nonce", nonce), ("user_hash", user_hash)]
    q = query(pairs)
    base, hash_sep, fragment = base.partition("#")
    if "?" not in base:
        joined = base + "?" + q
    elif base.endswith("?") or base.endswith("&"):
        joined = base + q
    else:
        joined = base + "&" + q
    return joined + hash_sep + fragment


def widget_url_vectors():
    cases = []

    def add(name, base, email, display_name=None, params=(), secret=SECRET, org_id=ORG,
            timestamp=str(NOW), nonce=NONCE):
        c = identity_case(name, secret, email, timestamp, org_id, nonce)
        c.update({
            "base_url": base,
            "display_name": display_name,
            "params": [list(p) for p in params],
            "url": build_url(base, org_id, email, display_name, list(params), timestamp, nonce, c["user_hash"]),
        })
        del c["message"]
        cases.append(c)

    add("no name, no params", "https://widget.example.com/", "jane@example.com")
    add("a plus in the email is %2B, an @ is %40", "https://widget.example.com/", "a+b@x.com", "Alice")
    add("a space in the name is +", "https://widget.example.com/chat", "jane@example.com", "Jane Q. Public")
    add("non-ASCII is percent-encoded UTF-8", "https://widget.example.com/", "zoë@exämple.com", "Zoë 😀")
    add("extra params are sorted by key, between name and timestamp", "https://widget.example.com/",
        "jane@example.com", "Jane",
        [("theme", "dark"), ("support_locale", "fr-CA"), ("avatarUrl", "https://cdn.example.com/a b.png?s=64&x=1"),
         ("initialScreen", "chat"), ("support_mode", "authenticated")])
    add("characters WHATWG leaves alone and ones it encodes", "https://widget.example.com/",
        "jane@example.com", "*-._~!'()",
        [("q", "a=b&c d+e/f?g#h%i")])
    add("a path as the base URL (same site)", "/widget?lang=en", "jane@example.com")
    add("base URL with a query keeps it", "https://widget.example.com/?lang=en", "jane@example.com")
    add("base URL ending in ? gets no extra separator", "https://widget.example.com/?", "jane@example.com")
    add("base URL ending in & gets no extra separator", "https://widget.example.com/?lang=en&", "jane@example.com")
    add("base URL with a fragment: the query goes before it", "https://widget.example.com/app#/chat", "jane@example.com")
    add("base URL with a query and a fragment", "https://widget.example.com/app?v=2#top", "jane@example.com", "Jane")
    add("vendor doc's example fields", "https://widget.usesela.com/", "user@example.com", "Alice",
        secret="YOUR_IDENTITY_SECRET", timestamp="1712345678901")

    def err(name, field, params=(), base="https://widget.example.com/", display_name=None):
        return {"name": name, "secret": SECRET, "org_id": ORG, "email": "jane@example.com",
                "timestamp": str(NOW), "nonce": NONCE, "base_url": base, "display_name": display_name,
                "params": [list(p) for p in params], "error": "Malformed", "field": field}

    errors = [err(f"extra param named {n}", "params", [(n, "x")]) for n in sorted(SIGNED_NAMES)]
    errors += [
        err("extra param with an empty key", "params", [("", "x")]),
        err("the same extra param twice", "params", [("theme", "dark"), ("theme", "light")]),
        err("empty base URL", "base_url", base=""),
        err("base URL without a scheme (read as a bare query string)", "base_url", base="widget.example.com/chat"),
        err("base URL with a space", "base_url", base="https://widget.example.com/a b"),
        err("base URL with a newline", "base_url", base="https://widget.example.com/\n"),
        err("base URL whose query already sets email", "base_url", base="https://widget.example.com/?email=x%40y.z"),
        err("base URL whose query repeats a key", "base_url", base="https://widget.example.com/?v=1&v=2"),
        err("base URL whose query is not UTF-8", "base_url", base="https://widget.example.com/?v=%FF"),
        err("extra param already in the base URL's query", "params", [("lang", "fr")],
            base="https://widget.example.com/?lang=en"),
        err("empty display name", "name", display_name=""),
        err("display name with a newline", "name", display_name="Jane\nDoe"),
        err("display name over 256 bytes", "name", display_name="n" * 257),
    ]
    return {
        "description": "widget_url (SPEC 2): orgId, email, name (if given), extra params sorted by key (UTF-8 byte order), "
                       "timestamp, nonce, user_hash, form-encoded as URLSearchParams does; appended to base_url's query, before any fragment.",
        "cases": cases,
        "errors": errors,
    }


# --------------------------------------------------------------------------
# Verification

def signed_query(secret=SECRET, org_id=ORG, email="jane@example.com", timestamp=str(NOW), nonce=NONCE,
                 name=None, params=(), user_hash=None, sign_email=None, sign_org=None, sign_timestamp=None):
    """A query string signed over the given (or the sign_* overriding) fields."""
    h = user_hash or mac(secret, identity_message(
        sign_email if sign_email is not None else email,
        sign_timestamp if sign_timestamp is not None else timestamp,
        sign_org if sign_org is not None else org_id, nonce))
    pairs = [("orgId", org_id), ("email", email)]
    if name is not None:
        pairs.append(("name", name))
    pairs += list(params)
    pairs += [("timestamp", timestamp), ("nonce", nonce), ("user_hash", h)]
    return query(pairs), h


def ok(email="jane@example.com", org_id=ORG, timestamp=NOW, nonce=NONCE, name=None, params=None, key_index=0):
    return {"ok": {"email": email, "org_id": org_id, "timestamp_ms": timestamp, "nonce": nonce,
                   "name": name, "params": params or {}, "key_index": key_index}}


def fail(error, field=None, message_contains=None, fields=None):
    e = {"error": error}
    if field:
        e["field"] = field
    if message_contains:
        e["message_contains"] = message_contains
    if fields:
        e["fields"] = fields
    return e


def verify_vectors():
    cases = []

    def case(name, checks, secrets=(SECRET,), org_id=ORG, tolerance_ms=None, store=None,
             max_url_len=None, max_params=None):
        cases.append({"name": name, "secrets": list(secrets), "org_id": org_id, "tolerance_ms": tolerance_ms,
                      "max_url_len": max_url_len, "max_params": max_params,
                      "store": store or {"kind": "memory", "capacity": 1000},
                      "checks": [{"url": u, "now_ms": n, "expect": e} for u, n, e in checks]})

    q, h = signed_query()
    base = "https://widget.example.com/?"
    case("valid full URL", [(base + q, NOW, ok())])
    case("valid bare query string", [(q, NOW, ok())])
    case("valid query string with a leading ?", [("?" + q, NOW, ok())])
    case("a fragment is not part of the query", [(base + q + "#frag", NOW, ok())])
    case("a path with a query is a URL (a server's request target)", [("/widget?" + q, NOW, ok())])
    case("a URL without ? has no query, even when its path looks like one",
         [("https://widget.example.com/x&" + q, NOW, fail("Missing", "org_id"))])
    case("upper-case user_hash is accepted", [(signed_query(user_hash=h.upper())[0], NOW, ok())])
    qn, _ = signed_query(name="Jane Q. Public", params=[("theme", "dark"), ("support_locale", "fr-CA")])
    case("name and extra params are returned (they are not signed)",
         [(qn, NOW, ok(name="Jane Q. Public", params={"theme": "dark", "support_locale": "fr-CA"}))])
    qp, _ = signed_query(email="a+b@x.com")
    case("a plus in the email survives as %2B", [(qp, NOW, ok(email="a+b@x.com"))])
    qz = f"orgId={ORG}&email=jane%40example.com&timestamp=000{NOW}&nonce={NONCE}&user_hash=" + \
        mac(SECRET, identity_message("jane@example.com", f"000{NOW}", ORG, NONCE))
    case("leading zeros in the timestamp: the exact string received is what is checked", [(qz, NOW, ok())])
    case("empty pairs (&&) are skipped", [("&&" + q.replace("&", "&&") + "&", NOW, ok())])
    qr, _ = signed_query(secret=OLD_SECRET)
    case("key rotation: a URL signed with the previous secret matches key_index 1",
         [(qr, NOW, ok(key_index=1))], secrets=(SECRET, OLD_SECRET))
    case("key rotation: the current secret matches key_index 0", [(q, NOW, ok(key_index=0))], secrets=(SECRET, OLD_SECRET))
    case("exactly at the tolerance in the past is fresh", [(q, NOW + DEFAULT_TOLERANCE_MS, ok())])
    case("exactly at the tolerance in the future is fresh", [(q, NOW - DEFAULT_TOLERANCE_MS, ok())])
    case("custom tolerance", [(q, NOW + 60_000, ok())], tolerance_ms=60_000)

    # Replay and the store
    case("replay: the second use of a nonce is rejected",
         [(q, NOW, ok()), (q, NOW + 1000, fail("Replayed")), (base + q, NOW + 2000, fail("Replayed"))])
    q2, _ = signed_query(nonce="7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918")
    case("junk never reaches the store: mismatches first, then the valid URL is accepted",
         [(signed_query(user_hash="0" * 64)[0], NOW, fail("Mismatch")),
          (signed_query(user_hash="0" * 64)[0], NOW, fail("Mismatch")),
          (q, NOW, ok())], store={"kind": "memory", "capacity": 1})
    case("store full of live nonces refuses instead of forgetting one",
         [(q, NOW, ok()), (q2, NOW, fail("StoreFull")), (q, NOW + 1, fail("Replayed"))],
         store={"kind": "memory", "capacity": 1})
    case("an expired nonce leaves the store and makes room",
         [(q, NOW, ok()),
          (signed_query(nonce="7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918", timestamp=str(NOW + 400_000))[0],
           NOW + 400_001, ok(nonce="7f6e5d4c-3b2a-4190-8f7e-6d5c4b3a2918", timestamp=NOW + 400_000))],
         store={"kind": "memory", "capacity": 1})
    case("a failing store rejects: fail closed", [(q, NOW, fail("StoreUnavailable"))], store={"kind": "failing"})

    # Parse errors
    def drop(param):
        return "&".join(p for p in q.split("&") if not p.startswith(param + "="))

    for field, param in [("org_id", "orgId"), ("email", "email"), ("timestamp", "timestamp"),
                         ("nonce", "nonce"), ("user_hash", "user_hash")]:
        case(f"missing {param}", [(drop(param), NOW, fail("Missing", field))])
    case("empty URL", [("", NOW, fail("Missing", "org_id"))])
    for field, param, value in [("org_id", "orgId", "org_999"), ("email", "email", "eve%40example.com"),
                                ("timestamp", "timestamp", str(NOW)), ("nonce", "nonce", "aaaaaaaa"),
                                ("user_hash", "user_hash", "0" * 64)]:
        case(f"duplicate {param} (parameter pollution)", [(q + f"&{param}={value}", NOW, fail("Duplicate", field))])
        case(f"duplicate {param} placed first", [(f"{param}={value}&" + q, NOW, fail("Duplicate", field))])
    case("duplicate name", [(q + "&name=A&name=B", NOW, fail("Duplicate", "name"))])
    case("duplicate extra param", [(q + "&theme=a&theme=b", NOW, fail("Duplicate", "params"))])

    def replace(param, raw):
        return "&".join((param + "=" + raw) if p.startswith(param + "=") else p for p in q.split("&"))

    malformed = [
        ("email", "email", "", "empty email"),
        ("email", "email", "%FF%FE%40example.com", "invalid UTF-8 in the email"),
        ("email", "email", "a%7C1%40example.com", "pipe in the email"),
        ("email", "email", "+jane%40example.com", "leading space (a + decodes to a space)"),
        ("email", "email", "jane%40example.com%0A", "newline in the email"),
        ("org_id", "orgId", "org+123", "space in the org id"),
        ("timestamp", "timestamp", "", "empty timestamp"),
        ("timestamp", "timestamp", "-1712345678901", "signed timestamp"),
        ("timestamp", "timestamp", "%2B1712345678901", "plus sign before the timestamp"),
        ("timestamp", "timestamp", "1712345678901.0", "fractional timestamp"),
        ("timestamp", "timestamp", "+1712345678901", "space before the timestamp"),
        ("timestamp", "timestamp", "10000000000000000", "17-digit timestamp"),
        ("timestamp", "timestamp", "%EF%BC%91712345678901", "full-width digit in the timestamp"),
        ("nonce", "nonce", "short", "nonce under 8 characters"),
        ("nonce", "nonce", "abcd%2Befgh", "plus in the nonce"),
        ("nonce", "nonce", "N" * 129, "nonce over 128 characters"),
        ("user_hash", "user_hash", h[:63], "63-character user_hash"),
        ("user_hash", "user_hash", h + "0", "65-character user_hash"),
        ("user_hash", "user_hash", "z" + h[1:], "non-hex user_hash"),
        ("user_hash", "user_hash", h[:32], "user_hash truncated to 128 bits"),
    ]
    for field, param, raw, name in malformed:
        case(f"malformed: {name}", [(replace(param, raw), NOW, fail("Malformed", field))])
    case("malformed: a bad percent-escape that is invalid UTF-8 in an extra param",
         [(q + "&theme=%C3%28", NOW, fail("Malformed", "params"))])
    case("malformed: invalid UTF-8 in the name", [(q + "&name=%FF", NOW, fail("Malformed", "name"))])
    case("malformed: a name over 256 bytes", [(q + "&name=" + "n" * 257, NOW, fail("Malformed", "name"))])
    case("malformed: a newline in the name", [(q + "&name=Jane%0ADoe", NOW, fail("Malformed", "name"))])
    case("malformed: a parameter name that is invalid UTF-8", [(q + "&%FF=x", NOW, fail("Malformed", "params"))])

    # Input limits (SPEC 3): refused unread, before any decoding or MAC
    case("a URL of exactly max_url_len bytes is read", [(q, NOW, ok())], max_url_len=len(q))
    case("a URL one byte over max_url_len is refused unread",
         [(q, NOW, fail("TooLarge", fields={"limit": "max_url_len", "max": len(q) - 1}))], max_url_len=len(q) - 1)
    case("exactly max_params parameters are read; empty pairs do not count",
         [(q + "&&theme=dark", NOW, ok(params={"theme": "dark"}))], max_params=6)
    case("one parameter over max_params is refused unread",
         [(q + "&theme=dark&lang=fr", NOW, fail("TooLarge", fields={"limit": "max_params", "max": 6}))], max_params=6)
    extras = "".join(f"&p{i}=x" for i in range(DEFAULT_MAX_PARAMS - 5 + 1))
    case(f"more than the default {DEFAULT_MAX_PARAMS} parameters is refused unread",
         [(q + extras, NOW, fail("TooLarge", fields={"limit": "max_params", "max": DEFAULT_MAX_PARAMS}))])

    # Order of the checks: parse, org, signature, freshness, replay
    case("wrong org", [(signed_query(org_id="org_999")[0], NOW, fail("WrongOrg", fields={"expected": ORG, "actual": "org_999"}))])
    case("wrong org is reported before a bad signature",
         [(signed_query(org_id="org_999", user_hash="0" * 64)[0], NOW, fail("WrongOrg"))])
    case("malformed is reported before a wrong org", [(signed_query(org_id="org 9")[0], NOW, fail("Malformed", "org_id"))])
    case("tampered email", [(signed_query(email="eve@example.com", sign_email="jane@example.com")[0], NOW, fail("Mismatch"))])
    case("a raw + in the email decodes to a space and no longer matches",
         [(signed_query(email="a+b@x.com")[0].replace("a%2Bb", "a+b"), NOW, fail("Mismatch"))])
    case("tampered timestamp", [(signed_query(timestamp=str(NOW + 1), sign_timestamp=str(NOW))[0], NOW, fail("Mismatch"))])
    case("leading zeros added after signing", [(replace("timestamp", "0" + str(NOW)), NOW, fail("Mismatch"))])
    case("signed for another org, with this org's id in the URL",
         [(signed_query(sign_org="org_456")[0], NOW, fail("Mismatch"))])
    case("signed with another org's secret", [(signed_query(secret=OTHER_ORG_SECRET)[0], NOW, fail("Mismatch"))])
    case("signed with a retired secret no longer configured", [(qr, NOW, fail("Mismatch"))])
    case("mismatch is reported before expiry", [(signed_query(user_hash="0" * 64)[0], NOW + 10**9, fail("Mismatch"))])
    case("expired", [(q, NOW + DEFAULT_TOLERANCE_MS + 1, fail("Expired", fields={"age_ms": DEFAULT_TOLERANCE_MS + 1}))])
    case("expired under a custom tolerance", [(q, NOW + 60_001, fail("Expired", fields={"age_ms": 60_001}))],
         tolerance_ms=60_000)
    case("from the future", [(q, NOW - DEFAULT_TOLERANCE_MS - 1,
                              fail("FromFuture", fields={"ahead_ms": DEFAULT_TOLERANCE_MS + 1}))])
    qs, _ = signed_query(timestamp=str(NOW // 1000))
    case("seconds instead of milliseconds: the message says so",
         [(qs, NOW, fail("Expired", message_contains="seconds"))])
    case("an expired URL does not consume its nonce",
         [(q, NOW + DEFAULT_TOLERANCE_MS + 1, fail("Expired")), (q, NOW, ok())])

    config_errors = [
        {"name": "no secret", "secrets": [], "org_id": ORG, "error": "Malformed", "field": "secret"},
        {"name": "weak current secret", "secrets": ["0123456789abcde"], "org_id": ORG, "error": "WeakSecret", "field": "secret"},
        {"name": "weak previous secret", "secrets": [SECRET, "short"], "org_id": ORG, "error": "WeakSecret", "field": "secret"},
        {"name": "org id with a pipe", "secrets": [SECRET], "org_id": "org|1", "error": "Malformed", "field": "org_id"},
        {"name": "empty org id", "secrets": [SECRET], "org_id": "", "error": "Malformed", "field": "org_id"},
    ]
    org_of = [
        {"url": base + q, "org_id": ORG},
        {"url": signed_query(org_id="org_456")[0], "org_id": "org_456"},
        {"url": drop("orgId"), "error": "Missing", "field": "org_id"},
        {"url": q + "&orgId=org_999", "error": "Duplicate", "field": "org_id"},
        {"url": replace("orgId", "org%7C1"), "error": "Malformed", "field": "org_id"},
        {"url": "https://widget.example.com/x&" + q, "error": "Missing", "field": "org_id"},
        {"url": "/widget?" + q, "org_id": ORG},
    ]
    return {
        "description": "Verifier (SPEC 3): each case builds one Verifier (secrets, org_id, tolerance_ms or the default "
                       f"{DEFAULT_TOLERANCE_MS} when null, max_url_len and max_params or the defaults when null, store) "
                       "and runs its checks in order with verify_url_at(url, now_ms).",
        "default_tolerance_ms": DEFAULT_TOLERANCE_MS,
        "default_max_url_len": DEFAULT_MAX_URL_LEN,
        "default_max_params": DEFAULT_MAX_PARAMS,
        "cases": cases,
        "config_errors": config_errors,
        "org_id_of": org_of,
    }


# --------------------------------------------------------------------------
# Diagnose (SPEC 6): one case per usual cause of "the hash does not match"

UNKNOWN_SECRET = "whsec_nobody_knows_this_one_0000"


def diagnose_vectors():
    import base64

    cases = []
    email, ts, nonce = "jane@example.com", str(NOW), NONCE

    def identity_input(e=email, t=ts, o=ORG, n=nonce):
        return {"email": e, "timestamp": t, "org_id": o, "nonce": n}

    def identity_mac(secret=SECRET, e=email, t=ts, o=ORG, n=nonce):
        return mac(secret, identity_message(e, t, o, n))

    def case(name, inp, hash_, expect, secrets=(SECRET,)):
        cases.append({"name": name, "secrets": list(secrets), "input": inp, "hash": hash_, "expect": expect})

    def explained(*causes):
        return {"diagnosis": "Explained", "causes": list(causes)}

    def cause(name, **fields):
        return {"cause": name, **fields}

    matches = {"diagnosis": "Matches"}
    unexplained = {"diagnosis": "Unexplained"}
    h = mac(SECRET, "user-42")
    b64 = base64.b64encode(bytes.fromhex(h)).decode()
    b64url = base64.urlsafe_b64encode(bytes.fromhex(h)).decode().rstrip("=")

    # Scheme 1: identifier hash
    case("identifier: the hash is right", {"identifier": "user-42"}, h, matches)
    case("identifier: signed with a trailing newline", {"identifier": "user-42"}, mac(SECRET, "user-42\n"),
         explained(cause("Whitespace", field="identifier", signed="user-42\n", given="user-42")))
    case("identifier: checked with spaces around it", {"identifier": " user-42 "}, h,
         explained(cause("Whitespace", field="identifier", signed="user-42", given=" user-42 ")))
    case("identifier: the signer's secret ends with a newline", {"identifier": "user-42"}, mac(SECRET + "\n", "user-42"),
         explained(cause("SecretWhitespace", key_index=0, edit="trailing_newline")))
    case("identifier: the signer's secret ends with \\r\\n", {"identifier": "user-42"}, mac(SECRET + "\r\n", "user-42"),
         explained(cause("SecretWhitespace", key_index=0, edit="trailing_crlf")))
    case("identifier: the configured secret has a trailing space the signer's lacks", {"identifier": "user-42"},
         h, explained(cause("SecretWhitespace", key_index=0, edit="trimmed")), secrets=(SECRET + " ",))
    case("identifier: the signer's secret starts with a space", {"identifier": "user-42"}, mac(" " + SECRET, "user-42"),
         explained(cause("SecretWhitespace", key_index=0, edit="leading_space")))
    # Two explanations at once: the hash is the plain second secret's, and also the first one trimmed. The exact
    # configured secret is named (OtherSecret is tried before any edit of a secret).
    case("identifier: an exact configured secret is named before an edited one", {"identifier": "user-42"},
         h, explained(cause("OtherSecret", key_index=1)), secrets=(SECRET + " ", SECRET))
    case("identifier: an email identifier signed in lower case, checked as typed",
         {"identifier": "Jane.Doe@Example.com"}, mac(SECRET, "jane.doe@example.com"),
         explained(cause("EmailCase", field="identifier", signed="jane.doe@example.com", given="Jane.Doe@Example.com")))
    case("identifier: an email identifier signed capitalised, checked in lower case",
         {"identifier": "jane.doe@example.com"}, mac(SECRET, "Jane.Doe@example.com"),
         explained(cause("EmailCase", field="identifier", signed="Jane.Doe@example.com", given="jane.doe@example.com")))
    case("identifier: a + read as a space", {"identifier": "a b@x.com"}, mac(SECRET, "a+b@x.com"),
         explained(cause("PlusAsSpace", field="identifier", signed="a+b@x.com", given="a b@x.com")))
    case("identifier: upper-case hex", {"identifier": "user-42"}, h.upper(), explained(cause("UpperCaseHex")))
    case("identifier: base64 tag", {"identifier": "user-42"}, b64, explained(cause("Base64Tag")))
    case("identifier: URL-safe base64 tag without padding", {"identifier": "user-42"}, b64url,
         explained(cause("Base64Tag")))
    case("identifier: a signed identity sent where an identifier hash was expected",
         {"identifier": email, "timestamp": ts, "org_id": ORG, "nonce": nonce}, identity_mac(),
         explained(cause("IdentityForIdentifierHash")))
    case("identifier: signed with another org's secret among the configured ones", {"identifier": "user-42"},
         mac(OTHER_ORG_SECRET, "user-42"), explained(cause("OtherSecret", key_index=1)),
         secrets=(SECRET, OTHER_ORG_SECRET))
    case("identifier: another org's secret and base64 at once", {"identifier": "user-42"},
         base64.b64encode(bytes.fromhex(mac(OTHER_ORG_SECRET, "user-42"))).decode(),
         explained(cause("OtherSecret", key_index=1), cause("Base64Tag")), secrets=(SECRET, OTHER_ORG_SECRET))
    case("identifier: truncated hash", {"identifier": "user-42"}, h[:63], explained(cause("MalformedHash")))
    case("identifier: none explains it (an unknown secret)", {"identifier": "user-42"}, mac(UNKNOWN_SECRET, "user-42"),
         unexplained, secrets=(SECRET, OTHER_ORG_SECRET))

    # Scheme 2: signed identity
    case("identity: the hash is right", identity_input(), identity_mac(), matches)
    case("identity: email signed with a trailing newline", identity_input(), identity_mac(e=email + "\n"),
         explained(cause("Whitespace", field="email", signed=email + "\n", given=email)))
    case("identity: org id signed with a trailing space", identity_input(), identity_mac(o=ORG + " "),
         explained(cause("Whitespace", field="org_id", signed=ORG + " ", given=ORG)))
    case("identity: the signer's secret ends with a newline", identity_input(), identity_mac(secret=SECRET + "\n"),
         explained(cause("SecretWhitespace", key_index=0, edit="trailing_newline")))
    case("identity: the signer's secret ends with a space", identity_input(), identity_mac(secret=SECRET + " "),
         explained(cause("SecretWhitespace", key_index=0, edit="trailing_space")))
    case("identity: email signed in lower case, received as typed", identity_input(e="Jane@Example.com"),
         identity_mac(), explained(cause("EmailCase", field="email", signed=email, given="Jane@Example.com")))
    case("identity: a + read as a space", identity_input(e="a b@x.com"), identity_mac(e="a+b@x.com"),
         explained(cause("PlusAsSpace", field="email", signed="a+b@x.com", given="a b@x.com")))
    case("identity: the signer decoded a + to a space", identity_input(e="a+b@x.com"), identity_mac(e="a b@x.com"),
         explained(cause("PlusAsSpace", field="email", signed="a b@x.com", given="a+b@x.com")))
    raw_plus_url = "https://widget.example.com/?" + "&".join([
        f"orgId={ORG}", "email=a+b%40x.com", f"timestamp={ts}", f"nonce={nonce}",
        "user_hash=" + identity_mac(e="a+b@x.com")])
    case("identity URL: a raw + in the email decodes to a space", {"url": raw_plus_url}, None,
         explained(cause("PlusAsSpace", field="email", signed="a+b@x.com", given="a b@x.com")))
    secs = str(NOW // 1000)
    case("identity: signed in seconds, sent in milliseconds", identity_input(), identity_mac(t=secs),
         explained(cause("SecondsInsteadOfMilliseconds", signed=secs, given=ts)))
    case("identity: signed in milliseconds, sent in seconds", identity_input(t=secs), identity_mac(),
         explained(cause("SecondsInsteadOfMilliseconds", signed=ts, given=secs)))
    seconds_url = "https://widget.example.com/?" + query([
        ("orgId", ORG), ("email", email), ("timestamp", secs), ("nonce", nonce),
        ("user_hash", identity_mac(t=secs))])
    case("identity URL: seconds signed and sent (the hash matches, the verifier says Expired)", {"url": seconds_url},
         None, explained(cause("SecondsInsteadOfMilliseconds", signed=secs, given=secs)))
    case("identity: upper-case hex", identity_input(), identity_mac().upper(), explained(cause("UpperCaseHex")))
    case("identity: base64 tag", identity_input(),
         base64.b64encode(bytes.fromhex(identity_mac())).decode(), explained(cause("Base64Tag")))
    case("identity: an identifier hash of the email sent where a signed identity was expected", identity_input(),
         mac(SECRET, email), explained(cause("IdentifierHashForIdentity")))
    case("identity: signed with another org's secret among the configured ones", identity_input(),
         identity_mac(secret=OTHER_ORG_SECRET), explained(cause("OtherSecret", key_index=1)),
         secrets=(SECRET, OTHER_ORG_SECRET))
    url_ok = "https://widget.example.com/?" + query([
        ("orgId", ORG), ("email", email), ("timestamp", ts), ("nonce", nonce), ("user_hash", identity_mac())])
    case("identity URL: the hash is right", {"url": url_ok}, None, matches)
    case("identity URL: a hash given apart from the URL is the one checked", {"url": url_ok},
         identity_mac(e=email + "\n"), explained(cause("Whitespace", field="email", signed=email + "\n", given=email)))
    case("identity: none explains it (an unknown secret)", identity_input(), identity_mac(secret=UNKNOWN_SECRET),
         unexplained, secrets=(SECRET, OTHER_ORG_SECRET))

    errors = [
        {"name": "both an identifier and an email", "secrets": [SECRET],
         "input": {"identifier": "user-42", "email": email}, "hash": h, "error": "Malformed", "field": "identifier"},
        {"name": "nothing signed given", "secrets": [SECRET], "input": {}, "hash": h,
         "error": "Malformed", "field": "identifier"},
        {"name": "identity without a nonce", "secrets": [SECRET],
         "input": {"email": email, "timestamp": ts, "org_id": ORG}, "hash": h, "error": "Missing", "field": "nonce"},
        {"name": "identifier with part of an identity", "secrets": [SECRET],
         "input": {"identifier": "user-42", "timestamp": ts}, "hash": h, "error": "Missing", "field": "org_id"},
        {"name": "URL without user_hash and no hash given", "secrets": [SECRET],
         "input": {"url": f"orgId={ORG}&email=a%40x.com&timestamp={ts}&nonce={nonce}"}, "hash": None,
         "error": "Missing", "field": "user_hash"},
        {"name": "weak secret", "secrets": ["short"], "input": {"identifier": "user-42"}, "hash": h,
         "error": "WeakSecret", "field": "secret"},
    ]
    return {
        "description": "Diagnose (SPEC 6): diagnose(secrets, input, hash) names the usual cause of a hash that does not "
                       "match. input is an identifier (with an optional timestamp, org_id and nonce), the four fields "
                       "of a signed identity, or a widget URL (whose user_hash is used when hash is null).",
        "cases": cases,
        "errors": errors,
    }


FILES = {
    "identifier.json": identifier_vectors,
    "identity.json": identity_vectors,
    "widget_url.json": widget_url_vectors,
    "verify.json": verify_vectors,
    "diagnose.json": diagnose_vectors,
    "jwt.json": jwt_vectors.jwt_vectors,
}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, make in FILES.items():
        text = json.dumps(make(), indent=1, ensure_ascii=False) + "\n"
        path = HERE / name
        if check:
            if not path.exists() or path.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            path.write_text(text, encoding="utf-8")
    if stale:
        print("out of date (run python3 tests/vectors/generate.py): " + ", ".join(stale), file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
