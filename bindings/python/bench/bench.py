"""Per-call time of userhash against the standard library's hmac, in one run.

    cargo xtask bench-python      (a fresh venv, the release wheel, this script)

Prints a Markdown table for BENCHMARKS.md: each operation's best-of-5 mean
per call (timeit), and its ratio to `hmac.new(key, msg, sha256).hexdigest()`
measured in the same process.
"""

import hashlib
import hmac
import platform
import sys
import time
import timeit
import uuid

import userhash
from userhash._native import userhash_ffi as ffi

SECRET = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"
KEY = SECRET.encode()
IDENTIFIER = "user-1234"
EMAIL = "jane@example.com"
ORG = "org_123"
N = 50_000
REPEAT = 5


def per_call(fn, number=N):
    return min(timeit.repeat(fn, number=number, repeat=REPEAT)) / number


def stdlib_sign_identity():
    # What the vendor snippet does by hand: a nonce, a time in ms, the message.
    nonce = str(uuid.uuid4())
    timestamp = str(time.time_ns() // 1_000_000)
    return hmac.new(KEY, f"{EMAIL}|{timestamp}|{ORG}|{nonce}".encode(), hashlib.sha256).hexdigest()


def main():
    base = per_call(lambda: hmac.new(KEY, IDENTIFIER.encode(), hashlib.sha256).hexdigest())
    good = userhash.sign_identifier(SECRET, IDENTIFIER)
    signer = userhash.IdentitySigner(SECRET, ORG)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=userhash.MemoryNonceStore(REPEAT * N + 10))
    urls = iter([userhash.widget_url("https://w.example/", signer.sign(EMAIL)) for _ in range(REPEAT * N + 10)])
    replayed = userhash.widget_url("https://w.example/", signer.sign(EMAIL))
    verifier.verify_url(replayed)

    def verify_replayed():
        try:
            verifier.verify_url(replayed)
        except userhash.UserHashError.Replayed:
            pass

    rows = [
        ("`hmac.new(key, msg, sha256).hexdigest()` (baseline)", base),
        ("`hmac.compare_digest(hmac.new(...).hexdigest(), h)`",
         per_call(lambda: hmac.compare_digest(hmac.new(KEY, IDENTIFIER.encode(), hashlib.sha256).hexdigest(), good))),
        ("vendor-snippet `sign` by hand (uuid4, time, hmac)", per_call(stdlib_sign_identity)),
        ("`userhash.sign_identifier(str, str)`", per_call(lambda: userhash.sign_identifier(SECRET, IDENTIFIER))),
        ("`userhash.verify_identifier(str, str, str)`",
         per_call(lambda: userhash.verify_identifier(SECRET, IDENTIFIER, good))),
        ("`IdentitySigner.sign(email)`", per_call(lambda: signer.sign(EMAIL))),
        ("`Verifier.verify_url(url)` (memory store, accepted)", per_call(lambda: verifier.verify_url(next(urls)))),
        ("`Verifier.verify_url(url)` (Replayed, raised)", per_call(verify_replayed)),
        # What one FFI crossing costs, to read the rows above by.
        ("raw `verify_hmac_sha256(b, b, b)`: 1 crossing, bool back",
         per_call(lambda: ffi.verify_hmac_sha256(KEY, b"x", b""))),
        ("raw `Verifier.tolerance_ms()`: clone of the handle + call, int back",
         per_call(lambda: verifier._inner.tolerance_ms())),
        ("raw `sign_identifier(bytes, bytes)`: call + free of the result",
         per_call(lambda: ffi.sign_identifier(KEY, b"user-1234"))),
        ("lowering one `str` argument (buffer alloc + reserve, then free)",
         per_call(lambda: ffi._UniffiFfiConverterString.lower(IDENTIFIER).free())),
    ]
    print(f"Python {platform.python_version()} ({sys.executable}), userhash {userhash.__version__}, "
          f"timeit best of {REPEAT} x {N} calls\n")
    print("| operation | per call | × stdlib hmac |")
    print("|---|---:|---:|")
    for name, t in rows:
        print(f"| {name} | {t * 1e9:,.0f} ns | {t / base:.2f}× |")


if __name__ == "__main__":
    main()
