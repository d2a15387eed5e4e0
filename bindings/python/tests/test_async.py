"""The awaited checks, `Verifier.verify_url_async` and `verify_url_at_async`:
Python coroutines over uniffi's tokio support. Exactly once across many
verifications gathered on one event loop (memory, Python and Redis stores);
the event loop keeps running while a store written in Python or Redis is
slow; a store written in Python keeps its rules although tokio calls it on
a thread of its own; and the process exits cleanly right after awaiting."""

import asyncio
import os
import random
import subprocess
import sys
import textwrap
import threading
import time

import pytest
import userhash

SECRET = "whsec_async_test_0123456789abcdef"
ORG = "org_123"
T0 = 1_712_345_678_901
BASE = "https://widget.example.com/"


def now_ms():
    return time.time_ns() // 1_000_000


def signed_url(nonce, timestamp_ms=None):
    identity = userhash.IdentitySigner(SECRET, ORG).sign_at(
        "jane@example.com", now_ms() if timestamp_ms is None else timestamp_ms, nonce
    )
    return userhash.widget_url(BASE, identity)


class DictStore(userhash.NonceStore):
    """A store written in Python: a dict and a lock, recording the thread
    each call ran on."""

    def __init__(self):
        self.seen = set()
        self.lock = threading.Lock()
        self.threads = set()

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        self.threads.add(threading.get_ident())
        with self.lock:
            if (org_id, nonce) in self.seen:
                return False
            self.seen.add((org_id, nonce))
            return True


async def outcome(awaitable):
    try:
        return await awaitable
    except userhash.UserHashError as e:
        return e


# --- exactly once across many verifications on one event loop -------------------------------------


def gather_each_url_three_times(verifier, prefix, count=200):
    urls = [signed_url(f"{prefix}-nonce-{i:04}") for i in range(count)]
    attempts = [i for i in range(count) for _ in range(3)]
    random.Random(7).shuffle(attempts)

    async def run():
        return await asyncio.gather(*(outcome(verifier.verify_url_async(urls[i])) for i in attempts))

    results = asyncio.run(run())
    accepted = {}
    for i, result in zip(attempts, results):
        if isinstance(result, userhash.VerifiedIdentity):
            assert result.nonce == f"{prefix}-nonce-{i:04}"
            accepted[i] = accepted.get(i, 0) + 1
        else:
            assert isinstance(result, userhash.UserHashError.Replayed), repr(result)
    assert accepted == {i: 1 for i in range(count)}, "each URL accepted exactly once"


def test_gathered_verifications_accept_each_url_once_with_the_memory_store():
    gather_each_url_three_times(userhash.Verifier([SECRET], ORG, nonce_store=userhash.memory_nonce_store()), "mem")


def test_gathered_verifications_accept_each_url_once_with_the_verifier_s_own_store():
    gather_each_url_three_times(userhash.Verifier([SECRET], ORG), "own")


def test_gathered_verifications_accept_each_url_once_with_a_python_store():
    store = DictStore()
    gather_each_url_three_times(userhash.Verifier([SECRET], ORG, nonce_store=store), "py")
    # tokio called it on its blocking pool, never on the event loop's thread.
    assert store.threads and threading.get_ident() not in store.threads


def test_gathered_verifications_accept_each_url_once_with_redis(redis_server):
    store = userhash.redis_nonce_store(redis_server.url)
    gather_each_url_three_times(userhash.Verifier([SECRET], ORG, nonce_store=store), "redis")
    # Recorded in Redis: a second verifier, synchronous, refuses them.
    other = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    with pytest.raises(userhash.UserHashError.Replayed):
        other.verify_url(signed_url("redis-nonce-0042"))


def test_async_and_sync_share_one_redis_store(redis_server):
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    url = signed_url("shared-0001")
    assert asyncio.run(verifier.verify_url_async(url)).nonce == "shared-0001"
    with pytest.raises(userhash.UserHashError.Replayed):
        verifier.verify_url(url)
    url = signed_url("shared-0002")
    verifier.verify_url(url)
    assert isinstance(asyncio.run(outcome(verifier.verify_url_async(url))), userhash.UserHashError.Replayed)


def test_redis_down_refuses_awaited_verifications(redis_server):
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=userhash.redis_nonce_store(redis_server.url))
    redis_server.stop()

    async def run():
        return await asyncio.gather(*(outcome(verifier.verify_url_async(signed_url(f"down-nonce-{i:02}"))) for i in range(20)))

    for result in asyncio.run(run()):
        assert isinstance(result, userhash.UserHashError.StoreUnavailable), repr(result)
        assert f"127.0.0.1:{redis_server.port}" in result.reason


# --- the event loop keeps running while a store is slow ------------------------------------------


class Ticker:
    """A task that ticks on the event loop, and an event set once it has
    ticked `enough` times: it can tick only while the loop is free."""

    def __init__(self, enough):
        self.enough = enough
        self.ticks = 0
        self.reached = threading.Event()

    async def run(self):
        while True:
            await asyncio.sleep(0.001)
            self.ticks += 1
            if self.ticks >= self.enough:
                self.reached.set()


def test_the_event_loop_runs_while_a_python_store_blocks():
    class Blocking(userhash.NonceStore):
        """Answers only once the event loop has ticked: on the loop's thread,
        it would wait for ever (30 s, then fail the test)."""

        def __init__(self, ticker):
            self.ticker = ticker
            self.ticks_seen = None

        def check_and_insert(self, org_id, nonce, expires_at_ms):
            assert self.ticker.reached.wait(30), "the event loop did not tick while the store was blocked"
            self.ticks_seen = self.ticker.ticks
            return True

    async def run():
        ticker = Ticker(enough=20)
        store = Blocking(ticker)
        verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
        ticking = asyncio.ensure_future(ticker.run())
        try:
            got = await verifier.verify_url_async(signed_url("blocking-0001"))
        finally:
            ticking.cancel()
        return got, store.ticks_seen

    got, ticks_seen = asyncio.run(run())
    assert got.nonce == "blocking-0001"
    assert ticks_seen >= 20


def redis_cli(server, *args):
    run = subprocess.run(
        ["redis-cli", "-h", "127.0.0.1", "-p", str(server.port), *args], capture_output=True, check=False, text=True, timeout=30
    )
    assert run.returncode == 0, run.stderr
    return run.stdout.strip()


def test_the_event_loop_runs_while_redis_is_slow(redis_server):
    store = userhash.redis_nonce_store(redis_server.url, command_timeout_ms=30_000)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)

    async def run():
        await verifier.verify_url_async(signed_url("slow-redis-warm"))  # connected
        # Redis now holds every write (SET NX) until it is let go: the
        # verification waits on Redis, not on the loop.
        assert redis_cli(redis_server, "CLIENT", "PAUSE", "30000", "WRITE") == "OK"
        ticker = Ticker(enough=50)
        ticking = asyncio.ensure_future(ticker.run())
        verifying = asyncio.ensure_future(verifier.verify_url_async(signed_url("slow-redis-0001")))
        try:
            while not ticker.reached.is_set():
                assert not verifying.done(), "answered while Redis held its write"
                await asyncio.sleep(0.001)
            still_waiting = not verifying.done()
            await asyncio.to_thread(redis_cli, redis_server, "CLIENT", "UNPAUSE")
            return still_waiting, await verifying
        finally:
            ticking.cancel()

    still_waiting, got = asyncio.run(run())
    assert still_waiting, "the loop ticked 50 times while the verification waited on Redis"
    assert got.nonce == "slow-redis-0001"


# --- a store written in Python keeps its rules on tokio's threads --------------------------------


class Answering(userhash.NonceStore):
    def __init__(self, answer):
        self.answer = answer
        self.threads = []

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        self.threads.append(threading.get_ident())
        return self.answer()


def verify_async(store, url=None, at=None):
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = url or signed_url("rules-0001", T0 if at is not None else None)
    if at is None:
        return asyncio.run(outcome(verifier.verify_url_async(url)))
    return asyncio.run(outcome(verifier.verify_url_at_async(url, at)))


def unraisable_during(call):
    reported = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: reported.append(u.exc_type.__name__)
    try:
        return call(), reported
    except BaseException as e:  # noqa: BLE001 - returned to the test
        return e, reported
    finally:
        sys.unraisablehook = previous


@pytest.mark.parametrize("returned", [1, "yes", None, ["row"]], ids=["int", "str", "None", "a row"])
@pytest.mark.parametrize("at", [None, T0], ids=["verify_url_async", "verify_url_at_async"])
def test_a_python_store_answering_anything_but_a_bool_is_refused(returned, at):
    store = Answering(lambda: returned)
    err = verify_async(store, at=at)
    assert isinstance(err, userhash.UserHashError.StoreUnavailable), repr(err)
    assert f"returned {type(returned).__name__}, not True or False" in err.reason
    assert store.threads and threading.get_ident() not in store.threads


def test_a_python_store_raising_fails_closed_and_its_own_errors_pass():
    def broken():
        raise ConnectionError("database is down")

    def full():
        raise userhash.UserHashError.StoreFull(capacity=7)

    (err, swallowed) = unraisable_during(lambda: verify_async(Answering(broken)))
    assert isinstance(err, userhash.UserHashError.StoreUnavailable) and "database is down" in err.reason
    assert swallowed == []
    err = verify_async(Answering(full))
    assert isinstance(err, userhash.UserHashError.StoreFull) and err.capacity == 7


class CustomBaseException(BaseException):
    """A framework's cancellation (trio.Cancelled, gevent's GreenletExit)."""


@pytest.mark.parametrize(
    "make", [KeyboardInterrupt, lambda: SystemExit(3), GeneratorExit, lambda: CustomBaseException("cancelled")],
    ids=["KeyboardInterrupt", "SystemExit", "GeneratorExit", "a BaseException subclass"],
)
@pytest.mark.parametrize("at", [None, T0], ids=["verify_url_async", "verify_url_at_async"])
def test_an_interrupt_on_tokio_s_thread_reaches_the_awaiting_coroutine(make, at):
    interrupt = make()

    def interrupted():
        raise interrupt

    store = Answering(interrupted)
    raised, swallowed = unraisable_during(lambda: verify_async(store, at=at))
    assert raised is interrupt, repr(raised)
    assert swallowed == [] and raised.__context__ is None
    assert store.threads and threading.get_ident() not in store.threads
    assert userhash._interrupts._kept == {}, "the interrupt was taken back"


def test_an_interrupt_in_one_gathered_verification_leaves_the_others_alone():
    interrupt = CustomBaseException("cancelled")

    class OneInterrupted(DictStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            if nonce == "gathered-0007":
                raise interrupt
            return super().check_and_insert(org_id, nonce, expires_at_ms)

    verifier = userhash.Verifier([SECRET], ORG, nonce_store=OneInterrupted())
    urls = [signed_url(f"gathered-{i:04}") for i in range(16)]

    async def run():
        return await asyncio.gather(*(verifier.verify_url_async(u) for u in urls), return_exceptions=True)

    results = asyncio.run(run())
    assert results[7] is interrupt
    assert [r.nonce for i, r in enumerate(results) if i != 7] == [f"gathered-{i:04}" for i in range(16) if i != 7]


def test_a_cancelled_verification_leaves_the_loop_running_and_fails_closed():
    """Cancelled while its store answers (a timeout, a client gone): the
    coroutine ends at once; the store's call finishes on its thread, and what
    it recorded stands, so the URL is Replayed from then on."""
    release = threading.Event()
    finished = threading.Event()

    class Slow(DictStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            assert release.wait(30)
            try:
                return super().check_and_insert(org_id, nonce, expires_at_ms)
            finally:
                finished.set()

    verifier = userhash.Verifier([SECRET], ORG, nonce_store=Slow())
    url = signed_url("cancelled-0001")

    async def run():
        with pytest.raises(asyncio.TimeoutError):
            await asyncio.wait_for(verifier.verify_url_async(url), 0.05)
        release.set()
        assert await asyncio.to_thread(finished.wait, 30)
        return await outcome(verifier.verify_url_async(url))

    assert isinstance(asyncio.run(run()), userhash.UserHashError.Replayed)


# --- arguments -----------------------------------------------------------------------------------


def test_a_url_utf8_cannot_encode_is_refused_as_verify_url_refuses_it():
    store = DictStore()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url("surrogate-0001") + "&x=\udcff"
    sync = pytest.raises(userhash.UserHashError.Malformed, verifier.verify_url, url).value
    for awaited in (verifier.verify_url_async(url), verifier.verify_url_at_async(url, now_ms())):
        err = asyncio.run(outcome(awaited))
        assert type(err) is userhash.UserHashError.Malformed and err.field is userhash.Field.PARAMS
        assert str(err) == str(sync) and "\udcff" not in repr(err)
        assert err.__context__ is None
    assert store.seen == set(), "refused before any store was asked"


def test_awaited_checks_take_str_and_refuse_a_negative_time():
    verifier = userhash.Verifier([SECRET], ORG)
    for wrong in (signed_url("bytes-0001").encode(), None, 42):
        with pytest.raises(TypeError, match="url must be str"):
            asyncio.run(verifier.verify_url_async(wrong))
    err = asyncio.run(outcome(verifier.verify_url_at_async(signed_url("negative-0001"), -1)))
    assert isinstance(err, userhash.UserHashError.Malformed) and err.reason == "now_ms is -1; it must be 0 or more"
    got = asyncio.run(verifier.verify_url_at_async(signed_url("at-nonce-0001", T0), T0 + 5))
    assert (got.nonce, got.timestamp_ms) == ("at-nonce-0001", T0)


def test_every_rejection_is_the_same_awaited_or_not():
    verifier = userhash.Verifier([SECRET], ORG, tolerance_ms=1000)
    url = signed_url("same-0001", T0)
    for check_url, at in [
        (url.replace("jane", "john"), T0), (url, T0 + 1001), (url, T0 - 1001), ("orgId=org_999", T0), ("a=1&a=2", T0),
    ]:
        sync = pytest.raises(userhash.UserHashError, verifier.verify_url_at, check_url, at).value
        awaited = asyncio.run(outcome(verifier.verify_url_at_async(check_url, at)))
        assert (type(awaited), str(awaited)) == (type(sync), str(sync))


# --- exit -----------------------------------------------------------------------------------------

EXIT_SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    import userhash

    class Store(userhash.NonceStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            return True

    store = Store() if sys.argv[1] == "python" else userhash.redis_nonce_store(sys.argv[1])
    verifier = userhash.Verifier(["whsec_async_test_0123456789abcdef"], "org_1", nonce_store=store)
    url = userhash.IdentitySigner("whsec_async_test_0123456789abcdef", "org_1").widget_url("https://w/", "a@b.c")
    print(asyncio.run(verifier.verify_url_async(url)).email)
    """
)


@pytest.mark.parametrize("store", ["python", "redis"])
def test_the_process_exits_cleanly_right_after_awaiting(store, request):
    """The program ends right after its last await, while the tokio thread
    that woke it may still be inside Python: the package lets it leave before
    the interpreter finalizes (CPython would end it with pthread_exit, which
    aborts the process through Rust's frames). The race is lost about every
    other run without that, so each store is run ten times."""
    argument = "python" if store == "python" else request.getfixturevalue("redis_server").url
    for run in range(10):
        done = subprocess.run(
            [sys.executable, "-c", EXIT_SCRIPT, argument], capture_output=True, check=False, text=True, timeout=60,
            env=dict(os.environ),
        )
        assert (done.returncode, done.stdout, done.stderr) == (0, "a@b.c\n", ""), f"run {run}"
