"""A store written in Python is checked where Rust calls it: only a real
bool counts, wherever its check_and_insert comes from, and an interrupt
raised inside it reaches the program instead of being lost. A Rust store
(a generated NonceStoreImpl) is called by Rust directly, whatever is done
to it in Python: Rust decides, not the package."""

import sys
import threading
import time

import pytest
import userhash

SECRET = "whsec_store_guard_0123456789abcdef"
ORG = "org_123"
T0 = 1_712_345_678_901
NONCE = "550e8400-e29b-41d4-a716-446655440000"
BASE = "https://widget.example.com/"


def signed_url(nonce=NONCE, timestamp_ms=T0):
    identity = userhash.IdentitySigner(SECRET, ORG).sign_at("jane@example.com", timestamp_ms, nonce)
    return userhash.widget_url(BASE, identity)


class Truthy:
    """Neither a bool nor a number: true, as a database row or a cursor is."""

    def __bool__(self):
        return True


# What a careless store returns: each is true or false to uniffi, which hands
# Rust that truth value.
NOT_BOOLS = {
    "int 1": 1,
    "str": "yes",
    "a row": ["row"],
    "None": None,
    "a truthy object": Truthy(),
}


class Answer:
    """The body of a store: records each call, answers with `result(seen)`."""

    def __init__(self, result):
        self.result = result
        self.calls = []
        self.seen = set()

    def __call__(self, org_id, nonce, expires_at_ms):
        self.calls.append((org_id, nonce))
        fresh = (org_id, nonce) not in self.seen
        self.seen.add((org_id, nonce))
        return self.result(fresh)


def from_a_mixin(answer):
    class Mixin:
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            return answer(org_id, nonce, expires_at_ms)

    class Store(Mixin, userhash.NonceStore):
        pass

    return Store()


def assigned_after_the_class_is_made(answer):
    class Store(userhash.NonceStore):
        pass

    Store.check_and_insert = lambda self, org_id, nonce, expires_at_ms: answer(org_id, nonce, expires_at_ms)
    return Store()


def set_on_the_instance(answer):
    class Store(userhash.NonceStore):
        pass

    store = Store()
    store.check_and_insert = answer
    return store


def from_getattribute(answer):
    class Store(userhash.NonceStore):
        def __getattribute__(self, name):
            if name == "check_and_insert":
                return answer
            return super().__getattribute__(name)

    return Store()


def from_getattr_of_a_proxy(answer):
    # A lazy proxy (Django's SimpleLazyObject, wrapt's ObjectProxy) passes
    # isinstance by its __class__ and finds methods by __getattr__.
    class Backend:
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            return answer(org_id, nonce, expires_at_ms)

    class LazyStore:
        def __init__(self, target):
            self._target = target

        @property
        def __class__(self):
            return userhash.NonceStore

        def __getattr__(self, name):
            return getattr(self._target, name)

    store = LazyStore(Backend())
    assert isinstance(store, userhash.NonceStore)
    return store


def wrapping_a_rust_store(answer):
    # The way to add to a Rust store (log, refuse more): a store of your own
    # that holds one. Here the Redis store is never reached (nothing connects).
    class Store(userhash.NonceStore):
        def __init__(self):
            self.inner = userhash.redis_nonce_store("redis://127.0.0.1:1")

        def check_and_insert(self, org_id, nonce, expires_at_ms):
            return answer(org_id, nonce, expires_at_ms)

    return Store()


WAYS = {
    "mixin": from_a_mixin,
    "assigned after": assigned_after_the_class_is_made,
    "on the instance": set_on_the_instance,
    "__getattribute__": from_getattribute,
    "__getattr__ proxy": from_getattr_of_a_proxy,
    "wrapping a Rust store": wrapping_a_rust_store,
}


def outcome(verifier, url):
    try:
        verifier.verify_url_at(url, T0)
    except userhash.UserHashError as e:
        return e
    return "accepted"


@pytest.mark.parametrize("returned", sorted(NOT_BOOLS))
@pytest.mark.parametrize("way", sorted(WAYS))
def test_a_store_returning_anything_but_a_bool_is_refused_however_its_method_arrives(way, returned):
    value = NOT_BOOLS[returned]
    answer = Answer(lambda fresh: value)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=WAYS[way](answer))
    url = signed_url()
    for attempt in (1, 2, 3):
        err = outcome(verifier, url)
        assert isinstance(err, userhash.UserHashError.StoreUnavailable), f"attempt {attempt}: {err!r}"
        assert f"returned {type(value).__name__}, not True or False" in err.reason, err.reason
    # The store's own method was asked each time: the check is on what it returned.
    assert answer.calls == [(ORG, NONCE)] * 3


@pytest.mark.parametrize("way", sorted(WAYS))
def test_a_store_returning_bools_works_however_its_method_arrives(way):
    answer = Answer(lambda fresh: fresh)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=WAYS[way](answer))
    url = signed_url()
    assert outcome(verifier, url) == "accepted"
    assert isinstance(outcome(verifier, url), userhash.UserHashError.Replayed)
    assert answer.calls == [(ORG, NONCE)] * 2


def python_frames_named(name, call):
    """The qualified names of the Python functions called `name` that ran during `call()`."""
    seen = []

    def profile(frame, event, arg):
        if event == "call" and frame.f_code.co_name == name:
            seen.append(frame.f_globals.get("__name__", "?") + ":" + frame.f_code.co_name)

    previous = sys.getprofile()
    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(previous)
    return seen


def test_a_rust_store_is_called_in_rust_and_a_python_one_through_python():
    url = signed_url()
    # Profiling sees Python frames only: a ctypes callback into Python shows.
    store = userhash.memory_nonce_store()
    assert type(store) is userhash.NonceStoreImpl
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    assert python_frames_named("check_and_insert", lambda: verifier.verify_url_at(url, T0)) == []
    assert isinstance(outcome(verifier, url), userhash.UserHashError.Replayed)

    answer = Answer(lambda fresh: fresh)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=wrapping_a_rust_store(answer))
    assert python_frames_named("check_and_insert", lambda: verifier.verify_url_at(url, T0)) != []
    assert answer.calls == [(ORG, NONCE)]


def test_a_rust_store_stays_rust_s_whatever_is_set_on_it_in_python():
    # Rust decides that a store is its own (bindings/uniffi/src/store.rs), so
    # a method assigned on the Python object is never asked, and no Python
    # runs: to add to a Rust store, wrap it in a store of your own.
    answer = Answer(lambda fresh: "not a bool")
    store = userhash.memory_nonce_store()
    store.check_and_insert = answer
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url()
    assert python_frames_named("__call__", lambda: verifier.verify_url_at(url, T0)) == []
    assert answer.calls == []
    assert isinstance(outcome(verifier, url), userhash.UserHashError.Replayed)


def test_a_python_store_wrapping_a_rust_store_reaches_it():
    class Logging(userhash.NonceStore):
        def __init__(self):
            self.inner = userhash.memory_nonce_store()
            self.log = []

        def check_and_insert(self, org_id, nonce, expires_at_ms):
            accepted = self.inner.check_and_insert(org_id, nonce, expires_at_ms)
            self.log.append((nonce, accepted))
            return accepted

    # Now, not T0: the Rust store expires entries by its own clock.
    store = Logging()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url(timestamp_ms=time.time_ns() // 1_000_000)
    verifier.verify_url(url)
    with pytest.raises(userhash.UserHashError.Replayed):
        verifier.verify_url(url)
    assert store.log == [(NONCE, True), (NONCE, False)]


def test_anything_but_a_nonce_store_is_a_type_error():
    class Duck:
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            return True

    for store in ({}, Duck(), "memory"):
        with pytest.raises(TypeError, match="nonce_store must be"):
            userhash.Verifier([SECRET], ORG, nonce_store=store)


# --- interrupts raised inside a store -----------------------------------------------


class CustomBaseException(BaseException):
    """What a framework's cancellation looks like (asyncio.CancelledError,
    trio.Cancelled and gevent's GreenletExit are BaseExceptions too)."""


INTERRUPTS = {
    "KeyboardInterrupt": lambda: KeyboardInterrupt(),
    "SystemExit": lambda: SystemExit(3),
    "GeneratorExit": lambda: GeneratorExit(),
    "a BaseException subclass": lambda: CustomBaseException("cancelled"),
}


class InterruptedOnce(userhash.NonceStore):
    """A dict store whose first call raises `interrupt`, before recording the
    nonce or (record_first) after: Ctrl-C can land on either side of the INSERT."""

    def __init__(self, interrupt, record_first=False):
        self.interrupt = interrupt
        self.record_first = record_first
        self.seen = set()
        self.calls = 0

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        self.calls += 1
        fresh = (org_id, nonce) not in self.seen
        if self.calls == 1 and not self.record_first:
            raise self.interrupt
        self.seen.add((org_id, nonce))
        if self.calls == 1:
            raise self.interrupt
        return fresh


def unraisable_during(call):
    """What `call()` raised, and what ctypes reported meanwhile as 'Exception
    ignored on calling ctypes callback' (an exception it swallowed)."""
    reported = []
    previous = sys.unraisablehook
    sys.unraisablehook = lambda u: reported.append(u.exc_type.__name__)
    try:
        call()
    except BaseException as e:  # noqa: BLE001 - returned to the test
        return e, reported
    finally:
        sys.unraisablehook = previous
    return None, reported


@pytest.mark.parametrize("kind", sorted(INTERRUPTS))
def test_an_interrupt_in_a_store_reaches_the_caller_and_nothing_is_accepted(kind):
    interrupt = INTERRUPTS[kind]()
    store = InterruptedOnce(interrupt)
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url()
    raised, swallowed = unraisable_during(lambda: verifier.verify_url_at(url, T0))
    assert raised is interrupt and swallowed == [], (raised, swallowed)
    # The store recorded nothing, so the URL is still unused: the next try is
    # accepted, and only the one after it is Replayed.
    assert store.seen == set()
    assert outcome(verifier, url) == "accepted"
    assert isinstance(outcome(verifier, url), userhash.UserHashError.Replayed)


@pytest.mark.parametrize("kind", sorted(INTERRUPTS))
def test_an_interrupt_after_the_store_recorded_leaves_the_nonce_used(kind):
    # The interrupted request was not accepted; what the store recorded
    # stands, so the URL is Replayed from then on (it fails closed).
    interrupt = INTERRUPTS[kind]()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=InterruptedOnce(interrupt, record_first=True))
    url = signed_url()
    with pytest.raises(BaseException) as info:
        verifier.verify_url_at(url, T0)
    assert info.value is interrupt
    assert isinstance(outcome(verifier, url), userhash.UserHashError.Replayed)


def test_verify_url_now_raises_the_interrupt_too():
    interrupt = KeyboardInterrupt()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=InterruptedOnce(interrupt))
    url = signed_url(nonce="now-nonce-0001", timestamp_ms=time.time_ns() // 1_000_000)
    with pytest.raises(KeyboardInterrupt) as info:
        verifier.verify_url(url)
    assert info.value is interrupt
    assert verifier.verify_url(url).nonce == "now-nonce-0001"


def test_an_interrupt_in_a_store_wrapping_a_rust_store_reaches_the_caller():
    class Interrupted(userhash.NonceStore):
        def __init__(self):
            self.inner = userhash.memory_nonce_store()

        def check_and_insert(self, org_id, nonce, expires_at_ms):
            raise KeyboardInterrupt

    verifier = userhash.Verifier([SECRET], ORG, nonce_store=Interrupted())
    with pytest.raises(KeyboardInterrupt):
        verifier.verify_url_at(signed_url(), T0)


def test_an_interrupt_in_one_thread_is_raised_in_that_thread_only():
    # Thread B's verification is under way (its store waits) while thread A's
    # store is interrupted; B must still get its own answer.
    a_done = threading.Event()
    results = {}

    class Waits(userhash.NonceStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            b_started.set()
            assert a_done.wait(30), "thread A never finished"
            return True

    b_started = threading.Event()

    def run(name, verifier, url):
        try:
            results[name] = verifier.verify_url_at(url, T0).nonce
        except BaseException as e:  # noqa: BLE001 - recorded, asserted below
            results[name] = type(e).__name__
        finally:
            if name == "A":
                a_done.set()

    b = threading.Thread(target=run, args=("B", userhash.Verifier([SECRET], ORG, nonce_store=Waits()), signed_url("nonce-b-0001")))
    b.start()
    assert b_started.wait(30), "thread B's store was never called"
    a = threading.Thread(
        target=run,
        args=("A", userhash.Verifier([SECRET], ORG, nonce_store=InterruptedOnce(KeyboardInterrupt())), signed_url("nonce-a-0001")),
    )
    a.start()
    a.join()
    b.join()
    assert results == {"A": "KeyboardInterrupt", "B": "nonce-b-0001"}


def test_a_store_error_that_is_an_exception_is_still_store_unavailable():
    class Broken(userhash.NonceStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            raise ConnectionError("database is down")

    err = outcome(userhash.Verifier([SECRET], ORG, nonce_store=Broken()), signed_url())
    assert isinstance(err, userhash.UserHashError.StoreUnavailable)
    assert "database is down" in err.reason
