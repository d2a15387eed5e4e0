"""Per-call time of userhash from Python against pure Python doing the same, in one run.

    cargo xtask bench-python      (a fresh venv, the release wheel, this script)

Prints Markdown tables for BENCHMARKS.md: for each operation the best and
the median of REPEAT `timeit` runs of N calls, and their ratios to the
table's baseline. A table's rows are timed in turns (one run of each, then
again), so a burst of other work on the machine falls on all of them alike;
where the best and the median ratios agree, the ratio holds. The tables:

1. the widget's server: `Verifier.verify_url` against a pure-Python
   verifier that does the same checks (`PurePythonVerifier` below), then
   where each microsecond of `verify_url` goes;
2. the customer's backend: the widget URL for a user, signed now, against
   the vendor's snippet plus `urllib.parse.urlencode`;
3. the identifier hash against `hmac.new`, and what one call into Rust costs;
4. the awaited check, `verify_url_async`, against `verify_url`: one at a
   time and gathered, with the memory store and a store written in Python.

`--quick` runs fewer calls (a smoke test, not for BENCHMARKS.md).
"""

from __future__ import annotations

import asyncio
import ctypes
import hashlib
import hmac
import os
import platform
import re
import statistics
import sys
import threading
import time
import timeit
import urllib.parse
import uuid

import userhash
from userhash._native import userhash_ffi as ffi

SECRET = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3"
KEY = SECRET.encode()
IDENTIFIER = "user-1234"
EMAIL = "jane@example.com"
NAME = "Jane Doe"
ORG = "org_123"
BASE = "https://widget.example.com/"
QUICK = "--quick" in sys.argv
N = 1_000 if QUICK else 5_000
REPEAT = 3 if QUICK else 21
# Long enough that no URL signed at the start expires during the run.
TOLERANCE_MS = 3_600_000


# --- the pure-Python baselines --------------------------------------------------------------------


class Refused(Exception):
    """A rejection of the pure-Python verifier: the SPEC §3 name, and a reason."""


SIGNED = ("orgId", "email", "timestamp", "nonce", "user_hash")
NAMED = frozenset(SIGNED + ("name",))
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
ORG_ID = re.compile(r"[^\s|\x00-\x1f\x7f]{1,128}\Z")
TIMESTAMP = re.compile(r"[0-9]{1,16}\Z", re.ASCII)
NONCE = re.compile(r"[A-Za-z0-9\-_.~]{8,128}\Z", re.ASCII)
HEX64 = re.compile(r"[0-9a-fA-F]{64}\Z", re.ASCII)


class PurePythonVerifier:
    """What a careful Python developer would write for SPEC §3 with the
    standard library: strict `urllib.parse`, the field rules of SPEC §1.3,
    org, HMAC-SHA256 under each secret compared with `hmac.compare_digest`,
    freshness, and a nonce set in a dict. Used only as the bench's baseline
    (it is not tested against the vectors)."""

    def __init__(self, secrets, org_id, tolerance_ms=300_000, max_url_len=65_536, max_params=1000):
        self.keys = [s.encode() if isinstance(s, str) else s for s in secrets]
        self.org_id = org_id
        self.tolerance_ms = tolerance_ms
        self.max_url_len = max_url_len
        self.max_params = max_params
        self.seen = {}

    def verify_url(self, url):
        if isinstance(url, bytes):
            url = url.decode("utf-8")
        if len(url) > self.max_url_len:
            raise Refused("TooLarge", "max_url_len")
        parts = urllib.parse.urlsplit(url)
        query = parts.query if parts.scheme else url
        try:
            pairs = urllib.parse.parse_qsl(
                query, keep_blank_values=True, strict_parsing=True, errors="strict", max_num_fields=self.max_params
            )
        except (ValueError, UnicodeDecodeError) as e:
            raise Refused("Malformed", f"params: {e}") from None
        params = {}
        for key, value in pairs:
            if key in params and key in NAMED:
                raise Refused("Duplicate", key)
            params[key] = value
        for key in SIGNED:
            if key not in params:
                raise Refused("Missing", key)
        email, timestamp, org_id = params["email"], params["timestamp"], params["orgId"]
        nonce, user_hash = params["nonce"], params["user_hash"]
        if (
            not 1 <= len(email.encode()) <= 320
            or "|" in email
            or CONTROL.search(email)
            or email != email.strip()
        ):
            raise Refused("Malformed", "email")
        if not ORG_ID.match(org_id) or len(org_id.encode()) > 128:
            raise Refused("Malformed", "org_id")
        if not TIMESTAMP.match(timestamp):
            raise Refused("Malformed", "timestamp")
        if not NONCE.match(nonce):
            raise Refused("Malformed", "nonce")
        if not HEX64.match(user_hash):
            raise Refused("Malformed", "user_hash")
        name = params.get("name")
        if name is not None and (not 1 <= len(name.encode()) <= 256 or CONTROL.search(name)):
            raise Refused("Malformed", "name")
        if org_id != self.org_id:
            raise Refused("WrongOrg", org_id)
        message = f"{email}|{timestamp}|{org_id}|{nonce}".encode()
        given = user_hash.lower().encode()
        for key_index, key in enumerate(self.keys):
            if hmac.compare_digest(hmac.new(key, message, hashlib.sha256).hexdigest().encode(), given):
                break
        else:
            raise Refused("Mismatch", "")
        now = time.time_ns() // 1_000_000
        signed_at = int(timestamp)
        if now - signed_at > self.tolerance_ms:
            raise Refused("Expired", str(now - signed_at))
        if signed_at - now > self.tolerance_ms:
            raise Refused("FromFuture", str(signed_at - now))
        expires = self.seen.get((org_id, nonce))
        if expires is not None and expires >= now:
            raise Refused("Replayed", nonce)
        self.seen[(org_id, nonce)] = signed_at + self.tolerance_ms
        extra = {k: v for k, v in params.items() if k not in NAMED}
        return (email, org_id, signed_at, nonce, name, extra, key_index)


def vendor_widget_url():
    """The vendor's snippet (a UUID v4 nonce, the time in ms, HMAC over
    `email|timestamp|org_id|nonce`) and the URL built with `urlencode`."""
    nonce = str(uuid.uuid4())
    timestamp = str(time.time_ns() // 1_000_000)
    user_hash = hmac.new(KEY, f"{EMAIL}|{timestamp}|{ORG}|{nonce}".encode(), hashlib.sha256).hexdigest()
    query = urllib.parse.urlencode(
        {"orgId": ORG, "email": EMAIL, "name": NAME, "timestamp": timestamp, "nonce": nonce, "user_hash": user_hash}
    )
    return f"{BASE}?{query}"


def vendor_sign_only():
    nonce = str(uuid.uuid4())
    timestamp = str(time.time_ns() // 1_000_000)
    return hmac.new(KEY, f"{EMAIL}|{timestamp}|{ORG}|{nonce}".encode(), hashlib.sha256).hexdigest()


# --- measuring ---------------------------------------------------------------------------------------------


class runs:  # lower case: reads as a verb in the tables below
    """An operation to time: REPEAT runs of N calls, in turns with the other rows of its table."""

    def __init__(self, fn, before=None, after=None):
        self.fn, self.before, self.after = fn, before, after


def measure(rows):
    """(label, per-call seconds of each run) for `rows` of (label, `runs` or
    times measured before), the runs of the rows interleaved."""
    times = {label: [] if isinstance(what, runs) else list(what) for label, what in rows}
    for _ in range(REPEAT):
        for label, what in rows:
            if isinstance(what, runs):
                if what.before:
                    what.before()
                try:
                    times[label].append(timeit.timeit(what.fn, number=N) / N)
                finally:
                    if what.after:
                        what.after()
    return [(label, times[label]) for label, _ in rows]


def fresh(make, count):
    """A function that calls `make` on a new item each time (URLs whose
    nonces must not repeat), with the items made beforehand."""
    items = iter([make() for _ in range(count)])
    return lambda: next(items)


def table(title, rows, baseline):
    """Times `rows` (label, `runs` or times measured before) and prints them;
    the ratios are to the row named `baseline`. Returns each row's times."""
    rows = measure(rows)
    best = {label: min(times) for label, times in rows}
    median = {label: statistics.median(times) for label, times in rows}
    print(f"\n### {title}\n")
    print("| operation | best | median | × baseline (best) | × baseline (median) |")
    print("|---|---:|---:|---:|---:|")
    for label, _ in rows:
        print(
            f"| {label} | {best[label] * 1e6:,.2f} µs | {median[label] * 1e6:,.2f} µs"
            f" | {best[label] / best[baseline]:.2f}× | {median[label] / median[baseline]:.2f}× |"
        )
    return dict(rows)


# For comparison only, in this process only, never in the package: uniffi's
# runtime makes each call's status struct with keyword arguments and a nested
# RustBuffer; a zero-initialised struct is the same bytes (CALL_SUCCESS is 0,
# an empty buffer is zeros). `zero_status` swaps that in, `generated_status`
# puts uniffi's back.
STATUS_DEFAULT = ffi._UniffiRustCallStatus.__dict__["default"]


def zero_status():
    ffi._UniffiRustCallStatus.default = staticmethod(ffi._UniffiRustCallStatus)


def generated_status():
    ffi._UniffiRustCallStatus.default = STATUS_DEFAULT


def verifier_tables():
    total = REPEAT * N + 10
    signer = userhash.IdentitySigner(SECRET, ORG)
    ours = userhash.Verifier([SECRET], ORG, TOLERANCE_MS, userhash.memory_nonce_store(10 * total))
    theirs = PurePythonVerifier([SECRET], ORG, TOLERANCE_MS)

    def url():
        return signer.widget_url(BASE, EMAIL)

    # The same URL verifies the same way in both (and fails the same way once used).
    sample = url()
    assert ours.verify_url(sample).email == theirs.verify_url(sample)[0] == EMAIL

    # A fresh URL per call for each verifier: every call is accepted.
    py_urls = fresh(url, total)
    str_urls = fresh(url, total)
    bytes_urls = fresh(lambda: url().encode(), total)
    gen_urls = fresh(lambda: url().encode(), total)
    nolift_urls = fresh(lambda: url().encode(), total)
    bare_urls = fresh(lambda: url().encode(), total)
    again_urls = fresh(lambda: url().encode(), total)
    zero_urls = fresh(lambda: url().encode(), total)
    generated_verify = ffi.Verifier.verify_url

    lib = ffi._UniffiLib
    by_ref = ffi._UniffiFfiConverterByRefBytes.lower
    errors = ffi._UniffiFfiConverterTypeUserHashError
    call = ffi._uniffi_rust_call_with_error
    verify_fn = lib.uniffi_userhash_ffi_fn_method_verifier_verify_url

    def without_lift():
        # The generated verify_url less its last line: the RustBuffer is freed
        # without reading the record out of it.
        buf = call(errors, verify_fn, ours._uniffi_clone_handle(), by_ref(nolift_urls()))
        buf.free()

    main = [
        ("pure-Python verifier (`urllib.parse`, `re`, `hmac`, a dict) (baseline)",
         runs(lambda: theirs.verify_url(py_urls()))),
        ("`userhash.Verifier.verify_url(str)`", runs(lambda: ours.verify_url(str_urls()))),
        ("`userhash.Verifier.verify_url(bytes)`", runs(lambda: ours.verify_url(bytes_urls()))),
        ("generated `Verifier.verify_url(bytes)`, no package code", runs(lambda: generated_verify(ours, gen_urls()))),
    ]
    table("`Verifier.verify_url`, a URL without name or params, accepted (memory store)", main, main[0][0])

    # Where the generated call's time goes.
    handle = ours._uniffi_clone_handle()
    clone_fn, free_fn = lib.uniffi_userhash_ffi_fn_clone_verifier, lib.uniffi_userhash_ffi_fn_free_verifier
    rust_call = ffi._uniffi_rust_call
    ffi_call_status = ffi._UniffiRustCallStatus
    status = ffi_call_status.default()
    status_ref = ctypes.byref(status)
    one_record = call(errors, verify_fn, ours._uniffi_clone_handle(), by_ref(url().encode()))
    record = ffi._UniffiFfiConverterTypeVerifiedIdentity

    def read_record():
        with one_record.read_with_stream() as stream:
            return record.read(stream)


    def bare_clone_and_free():
        free_fn(clone_fn(handle, status_ref), status_ref)

    buffer_free = lib.ffi_userhash_ffi_rustbuffer_free

    def bare_verify():
        # What any ctypes binding must do at the least: the same three
        # crossings and Rust's work, with one status struct reused, the
        # record not read. (Success only: the status is not checked.)
        data = bare_urls()
        buffer_free(verify_fn(clone_fn(handle, status_ref), by_ref(data), status_ref), status_ref)

    sample_bytes = url().encode()
    parts = [
        ("generated `Verifier.verify_url(bytes)` (as above, timed again with these)",
         runs(lambda: generated_verify(ours, again_urls()))),
        ("clone of the handle + call + free of the record's buffer, record not read", runs(without_lift)),
        ("the same as bare ctypes calls (one status struct reused): Rust's work + 3 crossings", runs(bare_verify)),
        ("clone + free of a handle through the generated helpers (2 crossings)",
         runs(lambda: rust_call(free_fn, rust_call(clone_fn, handle)))),
        ("the same 2 crossings as bare ctypes calls (one status struct reused)", runs(bare_clone_and_free)),
        ("lowering the URL (`ForeignBytes` for a `bytes`)", runs(lambda: by_ref(sample_bytes))),
        ("reading the `VerifiedIdentity` out of its buffer (7 fields)", runs(read_record)),
        ("a `_UniffiRustCallStatus` (made for every call)", runs(ffi_call_status.default)),
        ("for comparison: a zero-initialised `_UniffiRustCallStatus()`", runs(ffi_call_status)),
        ("for comparison: generated `verify_url` with that status (uniffi's runtime changed in this process only)",
         runs(lambda: generated_verify(ours, zero_urls()), before=zero_status, after=generated_status)),
    ]
    table("Where `verify_url`'s time goes (same run)", parts, parts[0][0])
    one_record.free()
    rust_call(free_fn, handle)

    named = fresh(lambda: userhash.widget_url(BASE, signer.sign(EMAIL), NAME, {"theme": "dark"}), total)
    named_py = fresh(lambda: userhash.widget_url(BASE, signer.sign(EMAIL), NAME, {"theme": "dark"}), total)
    with_name = [
        ("pure-Python verifier (baseline)", runs(lambda: theirs.verify_url(named_py()))),
        ("`userhash.Verifier.verify_url(str)`", runs(lambda: ours.verify_url(named()))),
    ]
    table("`Verifier.verify_url`, a URL with a name and one extra param, accepted", with_name, with_name[0][0])


def signer_table():
    signer = userhash.IdentitySigner(SECRET, ORG)
    verifier = userhash.Verifier([SECRET], ORG)
    assert verifier.verify_url(signer.widget_url(BASE, EMAIL, NAME)).name == NAME
    assert urllib.parse.parse_qs(urllib.parse.urlsplit(vendor_widget_url()).query)["name"] == [NAME]
    generated = ffi.IdentitySigner.widget_url
    base_b, email_b, name_b = BASE.encode(), EMAIL.encode(), NAME.encode()
    rows = [
        ("vendor snippet + `urllib.parse.urlencode` (baseline)", runs(vendor_widget_url)),
        ("`signer.widget_url(base, email, name)`, `str` arguments", runs(lambda: signer.widget_url(BASE, EMAIL, NAME))),
        ("`signer.widget_url(...)`, `bytes` arguments", runs(lambda: signer.widget_url(base_b, email_b, name_b))),
        ("generated `IdentitySigner.widget_url(bytes, bytes, bytes)`",
         runs(lambda: generated(signer, base_b, email_b, name_b))),
        ("for comparison: the same with a zero-initialised call status (uniffi's runtime changed in this process only)",
         runs(lambda: generated(signer, base_b, email_b, name_b), before=zero_status, after=generated_status)),
        ("`userhash.widget_url(base, signer.sign(email), name)` (two calls)",
         runs(lambda: userhash.widget_url(BASE, signer.sign(EMAIL), NAME))),
        ("`signer.sign(email)` alone (returns a `SignedIdentity`)", runs(lambda: signer.sign(EMAIL))),
        ("vendor snippet alone, no URL (uuid4, time, hmac)", runs(vendor_sign_only)),
    ]
    table("The customer's side: the widget URL for a user, signed now", rows, rows[0][0])


def identifier_table():
    good = userhash.sign_identifier(SECRET, IDENTIFIER)
    signer = userhash.IdentifierSigner(SECRET)
    rows = [
        ("`hmac.new(key, msg, sha256).hexdigest()` (baseline)",
         runs(lambda: hmac.new(KEY, IDENTIFIER.encode(), hashlib.sha256).hexdigest())),
        ("`hmac.compare_digest(hmac.new(...).hexdigest(), h)`",
         runs(lambda: hmac.compare_digest(hmac.new(KEY, IDENTIFIER.encode(), hashlib.sha256).hexdigest(), good))),
        ("`userhash.sign_identifier(str, str)`", runs(lambda: userhash.sign_identifier(SECRET, IDENTIFIER))),
        ("`userhash.verify_identifier(str, str, str)`",
         runs(lambda: userhash.verify_identifier(SECRET, IDENTIFIER, good))),
        ("`IdentifierSigner.sign(str)` (key kept)", runs(lambda: signer.sign(IDENTIFIER))),
        ("`IdentifierSigner.verify(str, str)` (key kept)", runs(lambda: signer.verify(IDENTIFIER, good))),
        ("raw `verify_hmac_sha256(b, b, b)`: 1 crossing, `bool` back",
         runs(lambda: ffi.verify_hmac_sha256(KEY, b"x", b""))),
        ("raw `sign_identifier(bytes, bytes)`: call + free of the result",
         runs(lambda: ffi.sign_identifier(KEY, b"user-1234"))),
    ]
    table("The identifier hash", rows, rows[0][0])


class DictStore(userhash.NonceStore):
    """A store written in Python: a set and a lock."""

    def __init__(self):
        self.seen = set()
        self.lock = threading.Lock()

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        with self.lock:
            if (org_id, nonce) in self.seen:
                return False
            self.seen.add((org_id, nonce))
            return True


def async_table():
    """`verify_url_async` against `verify_url`. With the memory store the
    awaited check is answered within its first poll; a store written in
    Python is called on tokio's blocking pool, and uniffi's continuation
    callback wakes the event loop from there. Each run verifies N fresh URLs
    (signed before the clock starts): one after another, or gathered BATCH at
    a time on one event loop."""
    batch = 100
    signer = userhash.IdentitySigner(SECRET, ORG)
    loop = asyncio.new_event_loop()

    def verifier(store):
        return userhash.Verifier([SECRET], ORG, TOLERANCE_MS, store)

    def one_by_one(v):
        def run(urls):
            for u in urls:
                v.verify_url(u)
        return run

    def awaited(v):
        async def run(urls):
            for u in urls:
                await v.verify_url_async(u)
        return lambda urls: loop.run_until_complete(run(urls))

    def gathered(v):
        async def run(urls):
            for i in range(0, len(urls), batch):
                await asyncio.gather(*(v.verify_url_async(u) for u in urls[i : i + batch]))
        return lambda urls: loop.run_until_complete(run(urls))

    memory = verifier(userhash.memory_nonce_store(10 * (REPEAT * N + 10)))
    python = verifier(DictStore())
    plan = [
        ("`verify_url(str)`, memory store (baseline)", one_by_one(memory)),
        ("`await verify_url_async(str)`, one at a time, memory store", awaited(memory)),
        (f"`asyncio.gather` of {batch} `verify_url_async`, memory store, per call", gathered(memory)),
        ("`verify_url(str)`, a store written in Python", one_by_one(python)),
        ("`await verify_url_async(str)`, one at a time, a store written in Python", awaited(python)),
        (f"`asyncio.gather` of {batch} `verify_url_async`, a store written in Python, per call", gathered(python)),
    ]
    times = {label: [] for label, _ in plan}
    for _ in range(REPEAT):
        for label, run in plan:
            urls = [signer.widget_url(BASE, EMAIL) for _ in range(N)]
            start = time.perf_counter()
            run(urls)
            times[label].append((time.perf_counter() - start) / N)
    loop.close()
    table("Awaited: `verify_url_async` against `verify_url`", [(label, times[label]) for label, _ in plan], plan[0][0])


def main():
    load = os.getloadavg()
    print(f"Python {platform.python_version()} ({platform.machine()}), userhash {userhash.__version__}, "
          f"timeit best of {REPEAT} runs of {N:,} calls; load average at start "
          f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")
    verifier_tables()
    signer_table()
    identifier_table()
    async_table()
    load = os.getloadavg()
    print(f"\nload average at the end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
