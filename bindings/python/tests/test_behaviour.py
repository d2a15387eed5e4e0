"""What the vectors cannot show: error classes and their fields, threads,
stores written in Python, redaction, and argument types."""

import importlib.metadata
import inspect
import pathlib
import threading
import traceback

import pytest
import userhash
from conftest import plain

SECRET = "whsec_behaviour_0123456789abcdef"
OLD_SECRET = "whsec_previous_fedcba9876543210"
TOKEN_SECRET = "tok_behaviour_0123456789abcdef0123"
ORG = "org_123"
T0 = 1_712_345_678_901
NONCE = "550e8400-e29b-41d4-a716-446655440000"
BASE = "https://widget.example.com/"


def signed_url(email="jane@example.com", timestamp_ms=T0, nonce=NONCE, secret=SECRET, org=ORG, **kw):
    identity = userhash.IdentitySigner(secret, org).sign_at(email, timestamp_ms, nonce)
    return userhash.widget_url(BASE, identity, **kw)


def raised(fn, *args):
    with pytest.raises(userhash.UserHashError) as info:
        fn(*args)
    return info.value


class DictStore(userhash.NonceStore):
    """A nonce store written in Python: a dict and a lock."""

    def __init__(self):
        self.seen = {}
        self.calls = []
        self.lock = threading.Lock()

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        with self.lock:
            self.calls.append((org_id, nonce, expires_at_ms))
            if (org_id, nonce) in self.seen:
                return False
            self.seen[(org_id, nonce)] = expires_at_ms
            return True


class BrokenStore(userhash.NonceStore):
    def check_and_insert(self, org_id, nonce, expires_at_ms):
        raise RuntimeError("database is locked")


# --- every variant, its own class, its fields --------------------------------


def every_error():
    """One real instance of every variant, made by the library."""
    verifier = userhash.Verifier([SECRET], ORG, tolerance_ms=1000)
    url = signed_url()
    full = userhash.Verifier([SECRET], ORG, nonce_store=userhash.memory_nonce_store(1))
    full.verify_url_at(signed_url(nonce="nonce-0001"), T0)
    down = userhash.Verifier([SECRET], ORG, nonce_store=BrokenStore())
    replay = userhash.Verifier([SECRET], ORG)
    replay.verify_url_at(url, T0)
    tokens = userhash.TokenVerifier([userhash.TokenKey.hs256(TOKEN_SECRET, "k-2024")], userhash.Profile.USERHASH, org=ORG)

    def token(profile=userhash.Profile.USERHASH, org=ORG, kid="k-2024", lifetime_s=None, pair=None):
        subject = userhash.TokenSubject(user_id="user-42")
        if pair is not None:
            signer = userhash.TokenSigner.ed25519(pair.private_pem(), profile, kid=kid, org=org)
        else:
            signer = userhash.TokenSigner.hs256(TOKEN_SECRET, profile, kid=kid, org=org, lifetime_s=lifetime_s)
        return signer.sign_at(subject, T0, "7c1e9a52-3b4d-4f6e-8a9b-0c1d2e3f4a5b")

    return {
        "WeakSecret": raised(userhash.sign_identifier, "short", "user-1"),
        "Malformed": raised(userhash.IdentitySigner, SECRET, "org 123"),
        "Missing": raised(verifier.verify_url_at, "orgId=org_123&email=a%40b.c", T0),
        "Duplicate": raised(verifier.verify_url_at, url + "&email=x%40y.z", T0),
        "WrongOrg": raised(verifier.verify_url_at, signed_url(org="org_999"), T0),
        "Mismatch": raised(verifier.verify_url_at, url.replace("jane", "john"), T0),
        "Expired": raised(verifier.verify_url_at, url, T0 + 1001),
        "FromFuture": raised(verifier.verify_url_at, url, T0 - 1001),
        "Replayed": raised(replay.verify_url_at, url, T0),
        "StoreFull": raised(full.verify_url_at, signed_url(nonce="nonce-0002"), T0),
        "StoreUnavailable": raised(down.verify_url_at, url, T0),
        "TooLarge": raised(userhash.Verifier([SECRET], ORG, max_url_len=10).verify_url_at, url, T0),
        "UnknownKey": raised(tokens.verify_at, token(kid="k-2099"), T0),
        "AlgorithmRefused": raised(tokens.verify_at, token(pair=userhash.Ed25519KeyPair.generate()), T0),
        "MissingClaim": raised(tokens.verify_at, token(profile=userhash.Profile.INTERCOM, org=None), T0),
        "WrongAudience": raised(tokens.verify_at, token(org="org_999"), T0),
        "LifetimeTooLong": raised(tokens.verify_at, token(lifetime_s=7200), T0),
    }


# Every field of every variant (enums by their as_str()); a WeakSecret is
# about the secret and a WrongOrg about org_id, which their messages say.
EXPECTED_FIELDS = {
    "WeakSecret": {"len": 5},
    "Malformed": {"field": "org_id"},
    "Missing": {"field": "timestamp"},
    "Duplicate": {"field": "email"},
    "WrongOrg": {"expected": "org_123", "actual": "org_999"},
    "Mismatch": {},
    "Expired": {"age_ms": 1001, "tolerance_ms": 1000, "timestamp_ms": T0},
    "FromFuture": {"ahead_ms": 1001, "tolerance_ms": 1000},
    "Replayed": {},
    "StoreFull": {"capacity": 1},
    "StoreUnavailable": {},
    "TooLarge": {"limit": "max_url_len", "max": 10},
    "UnknownKey": {"kid": "k-2099"},
    "AlgorithmRefused": {"alg": "EdDSA", "expected": "the key with kid `k-2024` verifies HS256 only"},
    "MissingClaim": {"claim": "sub"},
    "WrongAudience": {"claim": "org", "expected": "org_123", "actual": "org_999"},
    "LifetimeTooLong": {"lifetime_s": 7200, "max_lifetime_s": 3600},
}

# What each variant is about (`input_field()`), None where nothing is named.
INPUT_FIELDS = {
    "WeakSecret": "secret", "Malformed": "org_id", "Missing": "timestamp", "Duplicate": "email",
    "WrongOrg": "org_id", "Mismatch": None, "Expired": None, "FromFuture": None, "Replayed": None,
    "StoreFull": None, "StoreUnavailable": None, "TooLarge": None, "UnknownKey": "kid",
    "AlgorithmRefused": "token", "MissingClaim": "claims", "WrongAudience": "claims", "LifetimeTooLong": "claims",
}

# Each variant's fields, in order (SPEC §4, bindings/uniffi/src/error.rs).
FIELDS = {
    "WeakSecret": ["len"],
    "Malformed": ["field", "reason"],
    "Missing": ["field"],
    "Duplicate": ["field"],
    "WrongOrg": ["expected", "actual"],
    "Mismatch": [],
    "Expired": ["age_ms", "tolerance_ms", "timestamp_ms"],
    "FromFuture": ["ahead_ms", "tolerance_ms"],
    "Replayed": [],
    "StoreFull": ["capacity"],
    "StoreUnavailable": ["reason"],
    "TooLarge": ["limit", "max"],
    "UnknownKey": ["kid"],
    "AlgorithmRefused": ["alg", "expected"],
    "MissingClaim": ["claim"],
    "WrongAudience": ["claim", "expected", "actual"],
    "LifetimeTooLong": ["lifetime_s", "max_lifetime_s"],
}

# A piece of each variant's message in the core (core/src/error.rs).
CORE_MESSAGES = {
    "WeakSecret": "the secret is 5 bytes long; at least 16 are required",
    "Malformed": "org_id is malformed: ",
    "Missing": "the URL has no `timestamp` parameter",
    "Duplicate": "appears more than once",
    "WrongOrg": "the URL is for org `org_999`, but this verifier is for org `org_123`",
    "Mismatch": "the signature does not match under any configured secret or key",
    "Expired": "the signature is 1001 ms old, beyond the 1000 ms tolerance",
    "FromFuture": "the timestamp is 1001 ms in the future, beyond the 1000 ms tolerance",
    "Replayed": "this nonce was already used",
    "StoreFull": "the nonce store is full (1 live nonces)",
    "StoreUnavailable": "the nonce store is unavailable (",
    "TooLarge": "the URL is longer than 10 bytes, this verifier's max_url_len",
    "UnknownKey": "the token's kid `k-2099` names no key of this verifier",
    "AlgorithmRefused": "the token's header says alg `EdDSA`, but the key with kid `k-2024` verifies HS256 only",
    "MissingClaim": "the token has no `sub` claim",
    "WrongAudience": "the token's `org` is `org_999`, but this verifier is for `org_123`",
    "LifetimeTooLong": "the token lives 7200 s (exp - iat), more than this verifier's max_lifetime of 3600 s",
}


@pytest.fixture(scope="module")
def errors():
    return every_error()


@pytest.mark.parametrize("variant", sorted(EXPECTED_FIELDS))
def test_every_variant_is_its_own_class_with_its_fields(errors, variant):
    err = errors[variant]
    cls = getattr(userhash.UserHashError, variant)
    assert type(err) is cls
    assert isinstance(err, userhash.UserHashError) and isinstance(err, Exception)
    others = [getattr(userhash.UserHashError, v) for v in EXPECTED_FIELDS if v != variant]
    assert not any(isinstance(err, o) for o in others)
    for name, value in EXPECTED_FIELDS[variant].items():
        assert plain(getattr(err, name)) == value, name
    # Exactly the fields of SPEC's variant: the generated constructor takes them all.
    assert list(inspect.signature(cls.__init__).parameters)[1:] == FIELDS[variant]
    assert all(hasattr(err, name) for name in FIELDS[variant])
    # str() is the core's message, which says what to do; repr names the class.
    assert str(err) == userhash.error_message(err) and len(str(err)) > 20
    assert CORE_MESSAGES[variant] in str(err), str(err)
    assert repr(err).startswith(f"UserHashError.{variant}(")
    # The core's name and the input it is about, the same in every binding.
    assert err.name() == variant
    field = err.input_field()
    assert (None if field is None else field.as_str()) == INPUT_FIELDS[variant]


@pytest.mark.parametrize("variant", sorted(EXPECTED_FIELDS))
def test_str_is_the_core_s_message_not_the_generated_field_list(errors, variant):
    err = errors[variant]
    # What uniffi 0.32 alone makes str() (the fields, or nothing).
    generated = Exception.__str__(err)
    assert str(err) != generated and f"{err}" == str(err)
    assert str(err) in repr(err)
    # Traceback printing and logging use str() too.
    assert str(err) in "".join(traceback.format_exception_only(type(err), err))


def test_an_error_built_in_python_shows_the_core_s_message_too():
    # A nonce store of your own raises these; str() is what Rust would say.
    assert str(userhash.UserHashError.StoreFull(capacity=7)).startswith("the nonce store is full (7 live nonces)")
    err = userhash.UserHashError.Malformed(field=userhash.Field.EMAIL, reason="it is empty")
    assert str(err) == "email is malformed: it is empty"
    assert str(userhash.UserHashError.Replayed()).startswith("this nonce was already used")
    # Fields Rust cannot take (a str where a Field belongs): str() still
    # answers, with the generated field list, rather than raise.
    odd = userhash.UserHashError.Malformed(field="email", reason="it is empty")
    assert str(odd) == "field='email', reason='it is empty'"


def test_the_variants_are_exactly_spec_s(errors):
    generated = {n for n, v in vars(userhash.UserHashError).items() if isinstance(v, type)}
    assert generated == set(EXPECTED_FIELDS) == set(errors) == set(FIELDS) == set(INPUT_FIELDS)


def test_an_error_built_in_python_has_the_core_s_name_and_field():
    # A store written in Python raises these; name() and input_field() are Rust's.
    err = userhash.UserHashError.UnknownKey(kid="k-1")
    assert (err.name(), err.input_field(), str(err).startswith("the token's kid `k-1` names no key")) == (
        "UnknownKey", userhash.Field.KID, True,
    )
    assert userhash.UserHashError.StoreFull(capacity=1).input_field() is None


def test_malformed_says_why(errors):
    assert errors["Malformed"].reason
    assert errors["Malformed"].reason in str(errors["Malformed"])


def test_a_broken_python_store_fails_closed_and_says_so(errors):
    err = errors["StoreUnavailable"]
    assert "database is locked" in err.reason
    assert "refused" in str(err)


def test_expired_seconds_hint():
    verifier = userhash.Verifier([SECRET], ORG)
    err = raised(verifier.verify_url_at, signed_url(timestamp_ms=1_712_345_678), T0)
    assert isinstance(err, userhash.UserHashError.Expired)
    assert "seconds" in str(err)


# --- threads -----------------------------------------------------------------


@pytest.mark.parametrize("store", ["embedded", "memory", "python"])
def test_sixteen_threads_racing_one_nonce_exactly_one_wins(store):
    for round_ in range(20):
        nonce_store = {"embedded": None, "memory": userhash.memory_nonce_store(), "python": DictStore()}[store]
        verifier = userhash.Verifier([SECRET], ORG, nonce_store=nonce_store)
        url = signed_url(nonce=f"race-{round_:04d}-nonce")
        barrier = threading.Barrier(16)
        results = []
        lock = threading.Lock()

        def attempt():  # runs and is joined within this round
            barrier.wait()  # noqa: B023
            try:
                verifier.verify_url_at(url, T0)  # noqa: B023
                outcome = "accepted"
            except userhash.UserHashError.Replayed:
                outcome = "Replayed"
            except Exception as e:  # noqa: BLE001 - anything else is a failure, recorded
                outcome = repr(e)
            with lock:  # noqa: B023
                results.append(outcome)  # noqa: B023

        threads = [threading.Thread(target=attempt) for _ in range(16)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == ["Replayed"] * 15 + ["accepted"], f"round {round_}: {results}"


# --- stores written in Python --------------------------------------------------


def test_a_python_store_is_used_by_the_verifier():
    store = DictStore()
    verifier = userhash.Verifier([SECRET], ORG, tolerance_ms=60_000, nonce_store=store)
    url = signed_url()
    assert verifier.verify_url_at(url, T0 + 5).email == "jane@example.com"
    # SPEC §3 step 5: remembered until the timestamp leaves the window.
    assert store.calls == [(ORG, NONCE, T0 + 60_000)]
    assert raised(verifier.verify_url_at, url, T0 + 6).__class__ is userhash.UserHashError.Replayed
    assert len(store.calls) == 2


def test_a_python_store_is_asked_only_after_every_other_check():
    store = DictStore()
    verifier = userhash.Verifier([SECRET], ORG, nonce_store=store)
    url = signed_url()
    raised(verifier.verify_url_at, url.replace("jane", "john"), T0)  # Mismatch
    raised(verifier.verify_url_at, url, T0 + 10**9)  # Expired
    assert store.calls == []


def test_a_store_raising_store_full_gives_store_full():
    class Full(userhash.NonceStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            raise userhash.UserHashError.StoreFull(capacity=7)

    err = raised(userhash.Verifier([SECRET], ORG, nonce_store=Full()).verify_url_at, signed_url(), T0)
    assert isinstance(err, userhash.UserHashError.StoreFull) and err.capacity == 7


def test_a_store_returning_a_non_bool_fails_closed():
    class Wrong(userhash.NonceStore):
        def check_and_insert(self, org_id, nonce, expires_at_ms):
            return "yes"

    err = raised(userhash.Verifier([SECRET], ORG, nonce_store=Wrong()).verify_url_at, signed_url(), T0)
    assert isinstance(err, userhash.UserHashError.StoreUnavailable)


def test_memory_store_used_directly():
    store = userhash.memory_nonce_store(2)
    far = 2**62
    assert store.check_and_insert(ORG, "n1", far) is True
    assert store.check_and_insert(ORG, "n1", far) is False
    assert store.check_and_insert("org_other", "n1", far) is True
    err = raised(store.check_and_insert, ORG, "n3", far)
    assert isinstance(err, userhash.UserHashError.StoreFull) and err.capacity == 2


def test_key_rotation_reports_the_matching_secret():
    verifier = userhash.Verifier([SECRET, OLD_SECRET], ORG)
    assert verifier.verify_url_at(signed_url(nonce="rot-1-nonce"), T0).key_index == 0
    assert verifier.verify_url_at(signed_url(nonce="rot-2-nonce", secret=OLD_SECRET), T0).key_index == 1


# --- no secret shown -------------------------------------------------------------


def test_no_repr_or_str_shows_a_secret(errors):
    signer = userhash.IdentitySigner(SECRET, ORG)
    identity = signer.sign("jane@example.com")
    verifier = userhash.Verifier([SECRET, OLD_SECRET], ORG, nonce_store=userhash.memory_nonce_store())
    verified = verifier.verify_url(userhash.widget_url(BASE, identity))
    identifiers = userhash.IdentifierSigner(SECRET)
    objects = [signer, identity, verifier, verified, identifiers, userhash.memory_nonce_store(), *errors.values()]
    for obj in objects:
        for shown in (repr(obj), str(obj)):
            for secret in (SECRET, OLD_SECRET, SECRET[6:], OLD_SECRET[6:]):
                assert secret not in shown, f"{type(obj).__name__} shows a secret: {shown}"
    assert "redacted" in repr(signer) and "redacted" in repr(verifier) and "redacted" in repr(identifiers)
    # Records show their (public) fields.
    assert identity.user_hash in repr(identity) and "jane@example.com" in repr(verified)


def test_a_weak_secret_error_does_not_echo_the_secret():
    err = raised(userhash.Verifier, [SECRET, "tiny-secret"], ORG)
    assert isinstance(err, userhash.UserHashError.WeakSecret)
    assert "tiny-secret" not in f"{err} {err!r}"


# --- argument types and bad bytes -------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: userhash.sign_identifier(None, "user-1"),
        lambda: userhash.sign_identifier(SECRET, 42),
        lambda: userhash.sign_identifier(SECRET, ["user-1"]),
        lambda: userhash.verify_identifier(SECRET, "user-1", 0xABC),
        lambda: userhash.org_id_of(None),
        lambda: userhash.IdentitySigner(12345678901234567890, ORG),
        lambda: userhash.IdentitySigner(SECRET, None),
        lambda: userhash.IdentitySigner(SECRET, ORG).sign(None),
        lambda: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", "1712345678901", NONCE),
        lambda: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", 1.5, NONCE),
        lambda: userhash.IdentitySigner(SECRET, ORG).widget_url(BASE, None),
        lambda: userhash.IdentitySigner(SECRET, ORG).widget_url(BASE, "a@b.c", 7),
        lambda: userhash.IdentifierSigner(None),
        lambda: userhash.IdentifierSigner(SECRET).sign(42),
        lambda: userhash.IdentifierSigner(SECRET).verify("user-1", None),
        lambda: userhash.Verifier(SECRET, ORG),
        lambda: userhash.Verifier([SECRET, None], ORG),
        lambda: userhash.Verifier([SECRET], ORG, tolerance_ms="300000"),
        lambda: userhash.Verifier([SECRET], ORG, nonce_store={}),
        lambda: userhash.Verifier([SECRET], ORG, max_url_len="1000"),
        lambda: userhash.memory_nonce_store("10"),
        lambda: userhash.redis_nonce_store("redis://127.0.0.1", command_timeout_ms="100"),
        lambda: userhash.redis_nonce_store(b"redis://127.0.0.1"),
        lambda: userhash.Verifier([SECRET], ORG).verify_url(None),
        lambda: userhash.Verifier([SECRET], ORG).verify_url_at("x", "now"),
        lambda: userhash.widget_url(None, userhash.IdentitySigner(SECRET, ORG).sign("a@b.c")),
        lambda: userhash.widget_url(BASE, "not an identity"),
        lambda: userhash.widget_url(BASE, userhash.IdentitySigner(SECRET, ORG).sign("a@b.c"), 7),
        lambda: userhash.widget_url(BASE, userhash.IdentitySigner(SECRET, ORG).sign("a@b.c"), None, {"k": 1}),
        # Pairs would lose a repeated key in a dict: only a mapping is taken.
        lambda: userhash.widget_url(BASE, userhash.IdentitySigner(SECRET, ORG).sign("a@b.c"), None, [("k", "v")]),
        lambda: userhash.hmac_sha256("key", b"msg"),
    ],
)
def test_wrong_argument_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


@pytest.mark.parametrize(
    "call",
    [
        lambda: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", 2**63, NONCE),
        lambda: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", 2**64, NONCE),
        lambda: userhash.Verifier([SECRET], ORG, tolerance_ms=2**63),
        lambda: userhash.memory_nonce_store(-(2**63) - 1),
    ],
)
def test_integers_outside_64_bits_raise_value_error(call):
    # Integers are signed 64-bit; past that the generated layer refuses them
    # before Rust. A negative one within 64 bits is Malformed from Rust
    # (test_generated_api.py).
    with pytest.raises(ValueError):
        call()


def test_non_utf8_bytes_are_malformed_not_a_crash():
    err = raised(userhash.sign_identifier, SECRET, b"\xff\xfe")
    assert isinstance(err, userhash.UserHashError.Malformed) and err.field is userhash.Field.IDENTIFIER
    assert userhash.verify_identifier(SECRET, b"\xff", "00" * 32) is False
    assert userhash.IdentifierSigner(SECRET).verify(b"\xff", "00" * 32) is False
    err = raised(userhash.IdentitySigner(SECRET, ORG).sign, b"jane\xff@example.com")
    assert isinstance(err, userhash.UserHashError.Malformed) and err.field is userhash.Field.EMAIL
    err = raised(userhash.Verifier([SECRET], ORG).verify_url, b"orgId=org_123&email=\xff")
    assert isinstance(err, userhash.UserHashError.Malformed)
    for call, field in [
        (lambda: userhash.org_id_of(b"orgId=org\xff"), "params"),
        (lambda: userhash.IdentitySigner(SECRET, b"org\xff"), "org_id"),
        (lambda: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", T0, b"nonce\xff00"), "nonce"),
        (lambda: userhash.IdentitySigner(SECRET, ORG).widget_url(b"https://w.example/\xff", "a@b.c"), "base_url"),
        (lambda: userhash.IdentitySigner(SECRET, ORG).widget_url(BASE, "a@b.c", b"Jane\xff"), "name"),
        (lambda: userhash.IdentifierSigner(SECRET).sign(b"user\xff"), "identifier"),
        (lambda: userhash.Verifier([SECRET], b"org\xff"), "org_id"),
    ]:
        err = raised(call)
        assert isinstance(err, userhash.UserHashError.Malformed) and err.field.as_str() == field


def test_a_one_mib_identifier_is_malformed_not_a_crash():
    err = raised(userhash.sign_identifier, SECRET, "x" * (1 << 20))
    assert isinstance(err, userhash.UserHashError.Malformed) and err.field is userhash.Field.IDENTIFIER
    assert userhash.verify_identifier(SECRET, "x" * (1 << 20), "00" * 32) is False
    err = raised(userhash.IdentifierSigner(SECRET).sign, "x" * (1 << 20))
    assert isinstance(err, userhash.UserHashError.Malformed) and err.field is userhash.Field.IDENTIFIER
    assert userhash.IdentifierSigner(SECRET).verify("x" * (1 << 20), "00" * 32) is False


def test_a_url_past_the_limits_is_refused_unread_and_its_nonce_kept():
    url = signed_url() + "&big=" + "b" * (1 << 20)
    store = userhash.memory_nonce_store()
    err = raised(userhash.Verifier([SECRET], ORG, nonce_store=store).verify_url_at, url, T0)
    assert isinstance(err, userhash.UserHashError.TooLarge)
    assert (err.limit, err.limit.as_str(), err.max) == (userhash.Limit.URL_LENGTH, "max_url_len", 65_536)
    many = signed_url() + "".join(f"&p{i}=x" for i in range(1000))
    err = raised(userhash.Verifier([SECRET], ORG, nonce_store=store).verify_url_at, many, T0)
    assert (err.limit, err.limit.as_str(), err.max) == (userhash.Limit.PARAM_COUNT, "max_params", 1000)
    # Refused unread: the nonce was not used up, so with the limits raised it verifies once.
    roomy = userhash.Verifier([SECRET], ORG, nonce_store=store, max_url_len=1 << 21)
    assert roomy.verify_url_at(url, T0).params["big"] == "b" * (1 << 20)
    assert isinstance(raised(roomy.verify_url_at, url, T0), userhash.UserHashError.Replayed)
    # A negative limit is Malformed naming it (from Rust).
    err = raised(lambda: userhash.Verifier([SECRET], ORG, max_url_len=-1))
    assert isinstance(err, userhash.UserHashError.Malformed) and err.field is userhash.Field.MAX_URL_LEN


def test_bytes_and_str_give_the_same_answers():
    assert userhash.sign_identifier(SECRET.encode(), b"user-1") == userhash.sign_identifier(SECRET, "user-1")
    assert userhash.sign_identifier(bytearray(SECRET.encode()), memoryview(b"user-1")) == userhash.sign_identifier(
        SECRET, "user-1"
    )
    a = userhash.IdentitySigner(SECRET.encode(), ORG).sign_at("a@b.c", T0, NONCE)
    b = userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", T0, NONCE)
    assert a == b
    c = userhash.IdentitySigner(bytearray(SECRET.encode()), memoryview(ORG.encode())).sign_at(b"a@b.c", T0, NONCE.encode())
    assert c == a
    h = userhash.sign_identifier(SECRET, "user-1")
    assert userhash.IdentifierSigner(SECRET.encode()).sign(b"user-1") == userhash.IdentifierSigner(SECRET).sign("user-1") == h
    assert userhash.IdentifierSigner(SECRET).verify(b"user-1", h.encode()) is userhash.IdentifierSigner(SECRET).verify("user-1", h) is True


def test_sign_makes_a_uuid_v4_nonce_and_a_millisecond_time():
    import time
    import uuid

    before = time.time_ns() // 1_000_000
    identity = userhash.IdentitySigner(SECRET, ORG).sign("jane@example.com")
    after = time.time_ns() // 1_000_000
    assert before <= identity.timestamp_ms <= after
    assert uuid.UUID(identity.nonce).version == 4


# --- the package ----------------------------------------------------------------------


def test_version_is_the_crates():
    cargo = pathlib.Path(__file__).parents[3] / "Cargo.toml"
    line = next(x for x in cargo.read_text().splitlines() if x.startswith("version = "))
    assert userhash.__version__ == line.split('"')[1] == importlib.metadata.version("userhash")


def test_the_package_is_typed():
    assert (pathlib.Path(userhash.__file__).parent / "py.typed").is_file()


def test_all_names_exist():
    for name in userhash.__all__:
        assert hasattr(userhash, name), name
