"""The package is the generated code: the same classes and enums, defaults
and range checks made in Rust, and IdentitySigner.widget_url (sign now and
build the URL in one call) held to the free widget_url's rules."""

import asyncio
import pathlib
import time
import urllib.parse

import pytest
import userhash
from conftest import field_name, load
from userhash._native import userhash_ffi as ffi

SECRET = "whsec_generated_api_0123456789abcdef"
TOKEN_SECRET = "tok_generated_api_0123456789abcdef01"
ORG = "org_123"
T0 = 1_712_345_678_901
NONCE = "550e8400-e29b-41d4-a716-446655440000"
BASE = "https://widget.example.com/"

WIDGET_URL = load("widget_url.json")
IDENTITY = load("identity.json")


def now_ms():
    return time.time_ns() // 1_000_000


def raised(call):
    with pytest.raises(userhash.UserHashError) as info:
        call()
    return info.value


# --- the generated types, re-exported -----------------------------------------------------------------

GENERATED = [
    "Algorithm", "Cause", "Diagnosis", "Field", "IdentifierHash", "InternalError", "Limit", "NonceStore",
    "NonceStoreImpl", "Profile", "SecretEdit", "SecretForm", "SignedIdentity", "SignedInput", "TokenCause",
    "TokenDiagnosis", "TokenSubject", "UserHashError", "VerifiedIdentity", "VerifiedToken", "error_message",
    "hmac_sha256", "memory_nonce_store", "verify_hmac_sha256",
]

# What the package wraps: the generated function of the same name, its text
# checked first (see userhash/__init__.py).
WRAPPED_FUNCTIONS = [
    "diagnose", "diagnose_url", "org_id_of", "parse_public_keys", "redis_cluster_nonce_store", "redis_nonce_store",
    "sign_identifier", "sign_identifiers", "verify_identifier", "verify_identifiers", "widget_url",
]


@pytest.mark.parametrize("name", GENERATED)
def test_re_exported_as_generated(name):
    assert getattr(userhash, name) is getattr(ffi, name)


# Only the constructors and the methods taking text or a store are
# overridden; every other method and repr (Rust's Debug) is the generated one.
OVERRIDDEN = {
    "IdentitySigner": {"__init__", "sign", "sign_at", "widget_url"},
    "IdentifierSigner": {"__init__", "sign", "verify"},
    "Verifier": {"__init__", "verify_url", "verify_url_at", "verify_url_async", "verify_url_at_async"},
    "TokenSigner": {"hs256", "ed25519", "sign", "sign_at"},
    "TokenKey": {"hs256"},
    "TokenVerifier": {"__init__", "verify", "verify_at", "diagnose", "diagnose_at"},
    "Ed25519KeyPair": {"generate"},
}


@pytest.mark.parametrize("name", sorted(OVERRIDDEN))
def test_the_objects_are_thin_subclasses_of_the_generated_ones(name):
    ours, generated = getattr(userhash, name), getattr(ffi, name)
    assert issubclass(ours, generated)
    overridden = {k for k in vars(ours) if not k.startswith("_") or k == "__init__"}
    assert overridden == OVERRIDDEN[name]
    assert all(callable(getattr(generated, k)) for k in overridden), "each overrides a generated method"
    assert ours.__repr__ is generated.__repr__


@pytest.mark.parametrize("name", WRAPPED_FUNCTIONS)
def test_each_wrapped_function_has_a_generated_one_of_the_same_name(name):
    assert getattr(userhash, name) is not getattr(ffi, name) and callable(getattr(ffi, name))


def test_everything_the_generated_module_exports_is_in_the_package():
    # A new export of the uniffi crate reaches Python users, re-exported or wrapped.
    public = {
        n for n, v in vars(ffi).items()
        if not n.startswith("_") and getattr(v, "__module__", None) == ffi.__name__ and not n.endswith("Protocol")
    }
    # `version()` is `__version__`; uniffi_set_event_loop is uniffi's own knob.
    internal = {"version", "uniffi_set_event_loop"}
    assert len(public) > 40 and internal <= public
    assert public - internal <= set(userhash.__all__), public - internal - set(userhash.__all__)


def test_errors_fields_and_causes_are_generated_enums():
    err = raised(lambda: userhash.IdentitySigner(SECRET, "org 123"))
    assert type(err) is ffi.UserHashError.Malformed
    assert type(err.field) is ffi.Field and err.field is userhash.Field.ORG_ID and err.field.as_str() == "org_id"
    too_large = raised(lambda: userhash.Verifier([SECRET], ORG, max_params=1).verify_url("a=1&b=2"))
    assert type(too_large.limit) is ffi.Limit and too_large.limit is userhash.Limit.PARAM_COUNT
    got = userhash.diagnose([SECRET], userhash.sign_identifier(SECRET, "user-42").upper(), identifier="user-42")
    assert isinstance(got, ffi.Diagnosis) and type(got) is ffi.Diagnosis.EXPLAINED
    assert all(isinstance(c, ffi.Cause) for c in got.causes)
    assert [type(c) for c in got.causes] == [ffi.Cause.UPPER_CASE_HEX]
    # The signer's copy of the secret ends with a newline.
    edit = userhash.diagnose([SECRET], userhash.sign_identifier(SECRET + "\n", "user-42"), identifier="user-42")
    assert isinstance(edit, ffi.Diagnosis.EXPLAINED)
    assert [(type(c), c.key_index, type(c.edit), c.edit.as_str()) for c in edit.causes] == [
        (ffi.Cause.SECRET_WHITESPACE, 0, ffi.SecretEdit, "trailing_newline")
    ]


def test_every_field_name_is_the_core_s():
    names = {f.as_str() for f in userhash.Field}
    assert names == {
        "secret", "identifier", "email", "org_id", "timestamp", "nonce", "user_hash", "name", "params",
        "base_url", "nonce_store", "tolerance_ms", "max_url_len", "max_params", "token", "claims", "key", "kid",
    }
    assert {lim.as_str() for lim in userhash.Limit} == {"max_url_len", "max_params", "max_token_len"}
    assert {p.as_str() for p in userhash.Profile} == {"userhash", "intercom", "zendesk", "drift"}
    assert {a.as_str() for a in userhash.Algorithm} == {"HS256", "EdDSA"}


def test_defaults_are_the_core_s_not_restated_in_python():
    # A verifier made with nothing but secrets and org reports what the core
    # chose; the package passes None for everything left out.
    verifier = userhash.Verifier([SECRET], ORG)
    plain = ffi.Verifier([SECRET.encode()], ORG.encode())
    assert (verifier.tolerance_ms(), verifier.max_url_len(), verifier.max_params()) == (
        plain.tolerance_ms(), plain.max_url_len(), plain.max_params(),
    )
    source = (userhash.__file__ and pathlib.Path(userhash.__file__).read_text(encoding="utf-8"))
    for default in ("300000", "300_000", "65536", "65_536", "100000", "100_000", "userhash:nonce", "1000", "500",
                    "3600", "8192", "300 s", "30 s", "200"):
        assert default not in source, f"the package restates a default: {default}"


# --- negative integers: Malformed naming the field, from Rust ---------------------------------------------------


def token_verifier(**settings):
    return userhash.TokenVerifier([userhash.TokenKey.hs256(TOKEN_SECRET)], userhash.Profile.DRIFT, **settings)


# (call with -1, the field, the argument's name in the reason)
NEGATIVE = {
    "Verifier tolerance_ms": (lambda n: userhash.Verifier([SECRET], ORG, tolerance_ms=n), "tolerance_ms", "tolerance_ms"),
    "Verifier max_url_len": (lambda n: userhash.Verifier([SECRET], ORG, max_url_len=n), "max_url_len", "max_url_len"),
    "Verifier max_params": (lambda n: userhash.Verifier([SECRET], ORG, max_params=n), "max_params", "max_params"),
    "Verifier.verify_url_at now_ms": (
        lambda n: userhash.Verifier([SECRET], ORG).verify_url_at("orgId=org_123", n), "timestamp", "now_ms",
    ),
    "IdentitySigner.sign_at timestamp_ms": (
        lambda n: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", n, NONCE), "timestamp", "timestamp_ms",
    ),
    "memory_nonce_store capacity": (lambda n: userhash.memory_nonce_store(n), "nonce_store", "capacity"),
    "redis_nonce_store connect_timeout_ms": (
        lambda n: userhash.redis_nonce_store("redis://127.0.0.1:1", None, n), "nonce_store", "connect_timeout_ms",
    ),
    "redis_nonce_store command_timeout_ms": (
        lambda n: userhash.redis_nonce_store("redis://127.0.0.1:1", None, None, n), "nonce_store", "command_timeout_ms",
    ),
    "a Rust store's check_and_insert expires_at_ms": (
        lambda n: userhash.memory_nonce_store().check_and_insert(ORG, NONCE, n), "timestamp", "expires_at_ms",
    ),
    "redis_nonce_store wait_replicas": (
        lambda n: userhash.redis_nonce_store("redis://127.0.0.1:1", wait_replicas=n), "nonce_store", "wait_replicas",
    ),
    "redis_nonce_store wait_timeout_ms": (
        lambda n: userhash.redis_nonce_store("redis://127.0.0.1:1", wait_replicas=1, wait_timeout_ms=n),
        "nonce_store", "wait_timeout_ms",
    ),
    "redis_cluster_nonce_store command_timeout_ms": (
        lambda n: userhash.redis_cluster_nonce_store(["redis://127.0.0.1:1"], command_timeout_ms=n),
        "nonce_store", "command_timeout_ms",
    ),
    "TokenSigner lifetime_s": (
        lambda n: userhash.TokenSigner.hs256(TOKEN_SECRET, userhash.Profile.DRIFT, lifetime_s=n), "claims", "lifetime_s",
    ),
    "TokenSigner.sign_at now_ms": (
        lambda n: userhash.TokenSigner.hs256(TOKEN_SECRET, userhash.Profile.DRIFT).sign_at(
            userhash.TokenSubject(user_id="4"), n, "jti-negative-01"), "timestamp", "now_ms",
    ),
    "TokenVerifier leeway_s": (lambda n: token_verifier(leeway_s=n), "claims", "leeway_s"),
    "TokenVerifier max_lifetime_s": (lambda n: token_verifier(max_lifetime_s=n), "claims", "max_lifetime_s"),
    "TokenVerifier max_token_len": (lambda n: token_verifier(max_token_len=n), "token", "max_token_len"),
    "TokenVerifier.verify_at now_ms": (lambda n: token_verifier().verify_at("a.b.c", n), "timestamp", "now_ms"),
    "TokenVerifier.diagnose_at now_ms": (lambda n: token_verifier().diagnose_at("a.b.c", n), "timestamp", "now_ms"),
    "Verifier.verify_url_at_async now_ms": (
        lambda n: asyncio.run(userhash.Verifier([SECRET], ORG).verify_url_at_async("orgId=org_123", n)),
        "timestamp", "now_ms",
    ),
    "widget_url identity.timestamp_ms": (
        lambda n: userhash.widget_url(BASE, userhash.SignedIdentity(
            email="a@b.c", timestamp_ms=n, org_id=ORG, nonce=NONCE, user_hash="0" * 64)), "timestamp", "timestamp_ms",
    ),
}


@pytest.mark.parametrize("entry", sorted(NEGATIVE))
@pytest.mark.parametrize("value", [-1, -(2**63)])
def test_a_negative_integer_is_malformed_naming_the_field(entry, value):
    call, field, name = NEGATIVE[entry]
    err = raised(lambda: call(value))
    assert type(err) is userhash.UserHashError.Malformed
    assert err.field.as_str() == field
    # The reason is Rust's (bindings/uniffi/src/ints.rs): the package has no check of its own.
    assert err.reason == f"{name} is {value}; it must be 0 or more"
    assert str(err) == f"{field} is malformed: {err.reason}"


def test_the_generated_layer_alone_gives_the_same_refusal():
    # What the package adds is not what refuses a negative number.
    ours = raised(lambda: userhash.Verifier([SECRET], ORG, tolerance_ms=-5))
    generated = raised(lambda: ffi.Verifier([SECRET.encode()], ORG.encode(), -5))
    assert (type(ours), ours.field, ours.reason) == (type(generated), generated.field, generated.reason)
    assert userhash.Verifier([SECRET], ORG, tolerance_ms=0).tolerance_ms() == 0


# --- IdentitySigner.widget_url: sign now and build the URL in one call ---------------------------------------

WIDGET_CASES_WITHOUT_PARAMS = [c for c in WIDGET_URL["cases"] if not c["params"]]


def base_query(base_url):
    query = base_url.split("?", 1)[1] if "?" in base_url else ""
    return dict(urllib.parse.parse_qsl(query.split("#", 1)[0], keep_blank_values=True))


@pytest.mark.parametrize("case", WIDGET_CASES_WITHOUT_PARAMS, ids=[c["name"] for c in WIDGET_CASES_WITHOUT_PARAMS])
def test_signer_widget_url_round_trips_through_the_verifier(case):
    signer = userhash.IdentitySigner(case["secret"], case["org_id"])
    before = now_ms()
    url = signer.widget_url(case["base_url"], case["email"], case["display_name"])
    after = now_ms()
    got = userhash.Verifier([case["secret"]], case["org_id"]).verify_url(url)
    assert (got.email, got.org_id, got.name, got.key_index) == (case["email"], case["org_id"], case["display_name"], 0)
    assert got.params == base_query(case["base_url"])
    assert before <= got.timestamp_ms <= after
    # The same URL as signing at that time with that nonce and building it.
    identity = signer.sign_at(case["email"], got.timestamp_ms, got.nonce)
    assert url == userhash.widget_url(case["base_url"], identity, case["display_name"])
    # Bytes in, the same rules.
    again = signer.widget_url(case["base_url"].encode(), case["email"].encode(), (case["display_name"] or "").encode())
    assert userhash.Verifier([case["secret"]], case["org_id"]).verify_url(again).email == case["email"]


def test_signer_widget_url_signs_a_fresh_nonce_each_time():
    signer = userhash.IdentitySigner(SECRET, ORG)
    verifier = userhash.Verifier([SECRET], ORG)
    nonces = {verifier.verify_url(signer.widget_url(BASE, "jane@example.com")).nonce for _ in range(50)}
    assert len(nonces) == 50


# The widget_url vectors' refusals that apply: no params (it takes none) and a
# name that is present (an empty one means none here, as None does).
SIGNER_REFUSALS = [
    c for c in WIDGET_URL["errors"] if not c["params"] and c["display_name"] != ""
]


def test_the_refusals_cover_base_url_and_name():
    assert {c["field"] for c in SIGNER_REFUSALS} == {"base_url", "name"}


@pytest.mark.parametrize("case", SIGNER_REFUSALS, ids=[c["name"] for c in SIGNER_REFUSALS])
def test_signer_widget_url_refuses_what_widget_url_refuses(case):
    signer = userhash.IdentitySigner(SECRET, case["org_id"])
    identity = signer.sign_at(case["email"], int(case["timestamp"]), case["nonce"])
    free = raised(lambda: userhash.widget_url(case["base_url"], identity, case["display_name"]))
    one_call = raised(lambda: signer.widget_url(case["base_url"], case["email"], case["display_name"]))
    assert type(one_call) is type(free) is getattr(userhash.UserHashError, case["error"])
    assert field_name(one_call) == field_name(free) == case["field"]
    assert str(one_call) == str(free)


EMAIL_REFUSALS = [c for c in IDENTITY["errors"] if c.get("field") == "email"]


@pytest.mark.parametrize("case", EMAIL_REFUSALS, ids=[c["name"] for c in EMAIL_REFUSALS])
def test_signer_widget_url_refuses_the_emails_sign_refuses(case):
    signer = userhash.IdentitySigner(case["secret"], case["org_id"])
    one_call = raised(lambda: signer.widget_url(BASE, case["email"]))
    signed = raised(lambda: signer.sign(case["email"]))
    assert (type(one_call), field_name(one_call), str(one_call)) == (type(signed), "email", str(signed))


def test_signer_widget_url_empty_name_is_no_name():
    signer = userhash.IdentitySigner(SECRET, ORG)
    verifier = userhash.Verifier([SECRET], ORG)
    for name in (None, "", b""):
        url = signer.widget_url(BASE, "jane@example.com", name)
        assert "name=" not in url and verifier.verify_url(url).name is None
    # The free function, given an identity, refuses an empty name (SPEC §2: None is none).
    identity = signer.sign("jane@example.com")
    assert field_name(raised(lambda: userhash.widget_url(BASE, identity, ""))) == "name"
