#!/usr/bin/env python3
"""Checks tests/vectors with Python's own hmac/hashlib (see ../README.md).

    python3 tests/interop/python/check.py tests/vectors
"""
import hashlib
import hmac
import json
import sys
from pathlib import Path

passed = failed = 0


def check(ok, file, name, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL {file}: {name}: {what}")


def sign(secret, message):
    return hmac.new(secret.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def query_has(url, pair):
    query = url.split("#", 1)[0].partition("?")[2]
    return pair in query.split("&")


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: check.py <vectors-dir>")
    vectors = Path(sys.argv[1])

    def load(name):
        try:
            return json.loads((vectors / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            check(False, name, "(file)", f"cannot read: {e}")
            return {}

    for c in load("identifier.json").get("sign", []):
        check(sign(c["secret"], c["identifier"]) == c["hash"], "identifier.json", c["name"], "hash")

    for c in load("identity.json").get("sign", []):
        message = f'{c["email"]}|{c["timestamp"]}|{c["org_id"]}|{c["nonce"]}'
        check(message == c["message"], "identity.json", c["name"], "message")
        check(sign(c["secret"], message) == c["user_hash"], "identity.json", c["name"], "user_hash")

    for c in load("widget_url.json").get("cases", []):
        user_hash = sign(c["secret"], f'{c["email"]}|{c["timestamp"]}|{c["org_id"]}|{c["nonce"]}')
        check(user_hash == c["user_hash"], "widget_url.json", c["name"], "user_hash")
        check(query_has(c["url"], "user_hash=" + user_hash), "widget_url.json", c["name"], "url has user_hash")

    print(f"interop-python: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and passed > 0 else 1)


if __name__ == "__main__":
    main()
