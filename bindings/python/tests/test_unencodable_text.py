"""A str that UTF-8 cannot encode (a lone surrogate: what os.environ gives
for bytes that are not UTF-8) never surfaces as the UnicodeEncodeError whose
repr repeats the whole value. Every entry point answers with a userhash error
that shows no part of it, anywhere a log or an error reporter would look."""

import asyncio
import re
import traceback

import pytest
import userhash

SECRET = "whsec_unencodable_0123456789abcdef"
ORG = "org_123"
T0 = 1_712_345_678_901
NONCE = "550e8400-e29b-41d4-a716-446655440000"
BASE = "https://widget.example.com/"

# What os.environ holds for USERHASH_SECRET=b"Zq9Vx7Kj\xff2Wp4Rt8Yh6Ld3Nc5": the
# byte 0xff becomes the lone surrogate U+DCFF.
BAD_SECRET = "Zq9Vx7Kj\udcff2Wp4Rt8Yh6Ld3Nc5"
# The same shape for any other text argument (an identifier or an email may
# be personal data).
BAD = "Gm4Ts8Bw\udcff1Hf6Pk9Qe2Ux7"


def everything_shown(error):
    """All the text a log line, a traceback or an error reporter would show
    for `error`, its chained exceptions included."""
    parts = []
    seen = set()
    pending = [error]
    while pending:
        e = pending.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        parts += [type(e).__name__, str(e), repr(e), repr(e.args)]
        parts += [f"{k}={v!r}" for k, v in vars(e).items()]
        parts += [f"{k}={getattr(e, k)!r}" for k in ("field", "reason", "message") if hasattr(e, k)]
        pending += [e.__context__, e.__cause__]
    # Line numbers are the tests' and the package's, not the value's.
    formatted = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    parts.append(re.sub(r", line \d+,", ", line N,", formatted))
    return "\n".join(parts)


def assert_shows_no_part_of(value, error):
    shown = everything_shown(error)
    for i in range(len(value) - 3):
        part = value[i : i + 4]
        assert part not in shown, f"{part!r} of the value is shown:\n{shown}"
    # Nor the bytes os.environb would have held.
    raw = value.encode("utf-8", "surrogateescape")
    for i in range(len(raw) - 3):
        assert repr(raw[i : i + 4])[2:-1] not in shown, shown


def refused(call):
    with pytest.raises(userhash.UserHashError) as info:
        call()
    error = info.value
    assert type(error) is userhash.UserHashError.Malformed, repr(error)
    assert error.__context__ is None and error.__cause__ is None
    return error


def identity(**fields):
    signed = userhash.IdentitySigner(SECRET, ORG).sign_at("jane@example.com", T0, NONCE)
    values = {k: getattr(signed, k) for k in ("email", "timestamp_ms", "org_id", "nonce", "user_hash")}
    return userhash.SignedIdentity(**{**values, **fields})


def signed_url():
    return userhash.widget_url(BASE, identity())


# --- a secret ------------------------------------------------------------------------

SECRET_TAKERS = {
    "sign_identifier": lambda s: userhash.sign_identifier(s, "user-42"),
    "verify_identifier": lambda s: userhash.verify_identifier(s, "user-42", "00" * 32),
    "sign_identifiers": lambda s: userhash.sign_identifiers(s, ["user-42"]),
    "verify_identifiers": lambda s: userhash.verify_identifiers(s, [("user-42", "00" * 32)]),
    "IdentitySigner": lambda s: userhash.IdentitySigner(s, ORG),
    "IdentifierSigner": lambda s: userhash.IdentifierSigner(s),
    "Verifier, current secret": lambda s: userhash.Verifier([s], ORG),
    "Verifier, previous secret": lambda s: userhash.Verifier([SECRET, s], ORG),
    "diagnose": lambda s: userhash.diagnose([s], "00" * 32, identifier="user-42"),
    "diagnose_url": lambda s: userhash.diagnose_url([s], signed_url()),
}


@pytest.mark.parametrize("entry", sorted(SECRET_TAKERS))
def test_a_secret_utf8_cannot_encode_is_malformed_and_never_shown(entry):
    error = refused(lambda: SECRET_TAKERS[entry](BAD_SECRET))
    assert error.field is userhash.Field.SECRET
    # It says what to do, and not where in the secret the bad byte is.
    assert "os.environb" in error.reason and "bytes" in error.reason
    assert "index" not in error.reason
    assert_shows_no_part_of(BAD_SECRET, error)


@pytest.mark.parametrize("entry", sorted(SECRET_TAKERS))
def test_the_same_secret_as_bytes_works(entry):
    # What the reason says to do: os.environb's bytes are taken as they are.
    raw = BAD_SECRET.encode("utf-8", "surrogateescape")
    SECRET_TAKERS[entry](raw)


@pytest.mark.parametrize("entry", sorted(SECRET_TAKERS))
@pytest.mark.parametrize(
    "wrong",
    [12345678901234567890, list(b"Zq9Vx7Kj2Wp4Rt8Yh6Ld3Nc5"), None, 3.14159265358979],
    ids=["int", "list of int", "None", "float"],
)
def test_a_secret_of_the_wrong_type_is_a_type_error_without_the_value(entry, wrong):
    with pytest.raises(TypeError) as info:
        SECRET_TAKERS[entry](wrong)
    error = info.value
    assert type(wrong).__name__ in str(error)
    if wrong is not None:  # None is no one's secret, and "None" is in "NoneType"
        assert_shows_no_part_of(repr(wrong), error)


def test_the_bare_mac_takes_bytes_only_and_never_shows_the_key():
    for key in ("Zq9Vx7Kj2Wp4Rt8Yh6Ld3Nc5", list(b"Zq9Vx7Kj2Wp4Rt8Yh6Ld3Nc5"), 12345678901234567890):
        calls = (lambda: userhash.hmac_sha256(key, b"m"), lambda: userhash.verify_hmac_sha256(key, b"m", b"t"))  # noqa: B023
        for call in calls:  # each called in this iteration of `key`
            with pytest.raises(TypeError) as info:
                call()
            assert_shows_no_part_of(repr(key), info.value)


# --- secrets the generated layer takes as str: a private key, a Redis password -------------------

TOKEN_SECRET = "tok_unencodable_0123456789abcdef0123"
BAD_TOKEN_SECRET = "Zq9Vx7Kj\udcff2Wp4Rt8Yh6Ld3Nc5Zq9Vx7Kj2Wp4Rt8Yh6"
PAIR = userhash.Ed25519KeyPair.generate("ed-unencodable")
DRIFT, USERHASH, ZENDESK = userhash.Profile.DRIFT, userhash.Profile.USERHASH, userhash.Profile.ZENDESK


def token_signer():
    return userhash.TokenSigner.hs256(TOKEN_SECRET, DRIFT)


def token_keys():
    return [userhash.TokenKey.hs256(TOKEN_SECRET)]


TOKEN_SECRET_TAKERS = {
    "TokenSigner.hs256": lambda s: userhash.TokenSigner.hs256(s, DRIFT),
    "TokenKey.hs256": lambda s: userhash.TokenKey.hs256(s),
}


@pytest.mark.parametrize("entry", sorted(TOKEN_SECRET_TAKERS))
def test_a_token_secret_utf8_cannot_encode_is_malformed_and_never_shown(entry):
    error = refused(lambda: TOKEN_SECRET_TAKERS[entry](BAD_TOKEN_SECRET))
    assert error.field is userhash.Field.SECRET and "os.environb" in error.reason and "index" not in error.reason
    assert_shows_no_part_of(BAD_TOKEN_SECRET, error)
    # Its bytes, as the reason says, are taken.
    TOKEN_SECRET_TAKERS[entry](BAD_TOKEN_SECRET.encode("utf-8", "surrogateescape"))


def bad_private_key():
    # A PEM whose text os.fsdecode or a wrong codec left a lone surrogate in.
    pem = PAIR.private_pem()
    return pem[:40] + "\udcff" + pem[40:]


STR_SECRET_TAKERS = {
    "TokenSigner.ed25519 private_key": (lambda v: userhash.TokenSigner.ed25519(v, DRIFT), bad_private_key, "key"),
    "redis_nonce_store password": (lambda v: redis_store(password=v), lambda: BAD_SECRET, "nonce_store"),
    "redis_cluster_nonce_store password": (
        lambda v: userhash.redis_cluster_nonce_store(["redis://127.0.0.1:1"], password=v), lambda: BAD_SECRET,
        "nonce_store",
    ),
}


@pytest.mark.parametrize("entry", sorted(STR_SECRET_TAKERS))
def test_a_str_only_secret_utf8_cannot_encode_is_malformed_without_where(entry):
    call, make, field = STR_SECRET_TAKERS[entry]
    value = make()
    error = refused(lambda: call(value))
    assert error.field.as_str() == field and "UTF-8" in error.reason
    assert "index" not in error.reason and "str only" in error.reason
    assert_shows_no_part_of(value, error)


def test_a_private_key_given_as_bytes_is_a_type_error_without_the_key():
    with pytest.raises(TypeError, match="private_key must be str, not bytes") as info:
        userhash.TokenSigner.ed25519(PAIR.private_pem().encode(), DRIFT)
    assert_shows_no_part_of(PAIR.private_pem().splitlines()[1], info.value)


# --- every other text argument ----------------------------------------------------------------


def redis_store(**kw):
    return userhash.redis_nonce_store(kw.pop("url", "redis://127.0.0.1:1"), **kw)


# entry point: (call with the bad value, the Malformed field, a generated Field)
TEXT_TAKERS = {
    "sign_identifier identifier": (lambda v: userhash.sign_identifier(SECRET, v), "identifier"),
    "sign_identifiers identifiers": (lambda v: userhash.sign_identifiers(SECRET, ["user-1", v]), "identifier"),
    "widget_url base_url": (lambda v: userhash.widget_url(v, identity()), "base_url"),
    "widget_url identity": (lambda v: userhash.widget_url(BASE, identity(email=v)), "email"),
    "widget_url name": (lambda v: userhash.widget_url(BASE, identity(), v), "name"),
    "widget_url params key": (lambda v: userhash.widget_url(BASE, identity(), None, {v: "x"}), "params"),
    "widget_url params value": (lambda v: userhash.widget_url(BASE, identity(), None, {"theme": v}), "params"),
    "diagnose hash": (lambda v: userhash.diagnose([SECRET], v, identifier="user-42"), "user_hash"),
    "diagnose identifier": (lambda v: userhash.diagnose([SECRET], "00" * 32, identifier=v), "identifier"),
    "diagnose email": (
        lambda v: userhash.diagnose([SECRET], "00" * 32, email=v, timestamp=T0, org_id=ORG, nonce=NONCE),
        "email",
    ),
    "diagnose timestamp": (
        lambda v: userhash.diagnose([SECRET], "00" * 32, email="a@b.c", timestamp=v, org_id=ORG, nonce=NONCE),
        "timestamp",
    ),
    "diagnose org_id": (
        lambda v: userhash.diagnose([SECRET], "00" * 32, email="a@b.c", timestamp=T0, org_id=v, nonce=NONCE),
        "org_id",
    ),
    "diagnose nonce": (
        lambda v: userhash.diagnose([SECRET], "00" * 32, email="a@b.c", timestamp=T0, org_id=ORG, nonce=v),
        "nonce",
    ),
    "diagnose_url url": (lambda v: userhash.diagnose_url([SECRET], signed_url() + "&x=" + v), "params"),
    "diagnose_url hash": (lambda v: userhash.diagnose_url([SECRET], signed_url(), v), "user_hash"),
    "IdentitySigner org_id": (lambda v: userhash.IdentitySigner(SECRET, v), "org_id"),
    "IdentitySigner.sign email": (lambda v: userhash.IdentitySigner(SECRET, ORG).sign(v + "@example.com"), "email"),
    "IdentitySigner.sign_at email": (lambda v: userhash.IdentitySigner(SECRET, ORG).sign_at(v, T0, NONCE), "email"),
    "IdentitySigner.sign_at nonce": (lambda v: userhash.IdentitySigner(SECRET, ORG).sign_at("a@b.c", T0, v), "nonce"),
    "IdentitySigner.widget_url base_url": (lambda v: userhash.IdentitySigner(SECRET, ORG).widget_url(BASE + v, "a@b.c"), "base_url"),
    "IdentitySigner.widget_url email": (lambda v: userhash.IdentitySigner(SECRET, ORG).widget_url(BASE, v + "@b.c"), "email"),
    "IdentitySigner.widget_url name": (lambda v: userhash.IdentitySigner(SECRET, ORG).widget_url(BASE, "a@b.c", v), "name"),
    "IdentifierSigner.sign identifier": (lambda v: userhash.IdentifierSigner(SECRET).sign(v), "identifier"),
    "Verifier org_id": (lambda v: userhash.Verifier([SECRET], v), "org_id"),
    # Request data reaches the core as bytes that are not UTF-8, which it
    # refuses as it does any such bytes (field params: the URL's parameters).
    "Verifier.verify_url": (lambda v: userhash.Verifier([SECRET], ORG).verify_url("orgId=" + v), "params"),
    "Verifier.verify_url_at": (lambda v: userhash.Verifier([SECRET], ORG).verify_url_at(signed_url() + "&x=" + v, T0), "params"),
    "org_id_of": (lambda v: userhash.org_id_of("orgId=" + v), "params"),
    "redis_nonce_store url": (lambda v: redis_store(url="redis://:" + v + "@127.0.0.1:1"), "nonce_store"),
    "redis_nonce_store prefix": (lambda v: redis_store(prefix=v), "nonce_store"),
    "redis_nonce_store username": (lambda v: redis_store(username=v, password="pw"), "nonce_store"),
    "redis_nonce_store ca_file": (lambda v: redis_store(url="rediss://127.0.0.1:1", ca_file=v), "nonce_store"),
    "redis_cluster_nonce_store nodes": (
        lambda v: userhash.redis_cluster_nonce_store(["redis://127.0.0.1:1", "redis://:" + v + "@127.0.0.1:2"]),
        "nonce_store",
    ),
    "redis_cluster_nonce_store prefix": (
        lambda v: userhash.redis_cluster_nonce_store(["redis://127.0.0.1:1"], prefix=v), "nonce_store",
    ),
    # The awaited check refuses it as verify_url does, from Rust.
    "Verifier.verify_url_async": (
        lambda v: asyncio.run(userhash.Verifier([SECRET], ORG).verify_url_async(signed_url() + "&x=" + v)), "params",
    ),
    "Verifier.verify_url_at_async": (
        lambda v: asyncio.run(userhash.Verifier([SECRET], ORG).verify_url_at_async("orgId=" + v, T0)), "params",
    ),
    # Identity tokens.
    "TokenSigner kid": (lambda v: userhash.TokenSigner.hs256(TOKEN_SECRET, DRIFT, kid=v), "kid"),
    "TokenSigner org": (lambda v: userhash.TokenSigner.hs256(TOKEN_SECRET, USERHASH, org=v), "org_id"),
    "TokenSigner audience": (lambda v: userhash.TokenSigner.hs256(TOKEN_SECRET, DRIFT, audience=v), "claims"),
    "TokenSigner issuer": (lambda v: userhash.TokenSigner.ed25519(PAIR.private_pem(), DRIFT, issuer=v), "claims"),
    "TokenSigner.sign user_id": (lambda v: token_signer().sign(userhash.TokenSubject(user_id=v)), "claims"),
    "TokenSigner.sign email": (lambda v: token_signer().sign(userhash.TokenSubject(user_id="4", email=v)), "claims"),
    "TokenSigner.sign name": (
        lambda v: userhash.TokenSigner.hs256(TOKEN_SECRET, ZENDESK).sign(userhash.TokenSubject(user_id="4", name=v)),
        "claims",
    ),
    "TokenSigner.sign extra_claims_json": (
        lambda v: token_signer().sign(userhash.TokenSubject(user_id="4", extra_claims_json='{"plan":"' + v + '"}')),
        "claims",
    ),
    "TokenSigner.sign_at jti": (lambda v: token_signer().sign_at(userhash.TokenSubject(user_id="4"), T0, v), "claims"),
    "TokenKey kid": (lambda v: userhash.TokenKey.hs256(TOKEN_SECRET, v), "kid"),
    "parse_public_keys text": (lambda v: userhash.parse_public_keys(PAIR.public_pem() + v), "key"),
    "parse_public_keys kid": (lambda v: userhash.parse_public_keys(PAIR.public_pem(), v), "kid"),
    "Ed25519KeyPair.generate kid": (lambda v: userhash.Ed25519KeyPair.generate(v), "kid"),
    "TokenVerifier org": (lambda v: userhash.TokenVerifier(token_keys(), USERHASH, org=v), "org_id"),
    "TokenVerifier audience": (lambda v: userhash.TokenVerifier(token_keys(), DRIFT, audience=v), "claims"),
    "TokenVerifier issuer": (lambda v: userhash.TokenVerifier(token_keys(), DRIFT, issuer=v), "claims"),
    "TokenVerifier.diagnose": (lambda v: userhash.TokenVerifier(token_keys(), DRIFT).diagnose(v), "token"),
    "TokenVerifier.diagnose_at": (lambda v: userhash.TokenVerifier(token_keys(), DRIFT).diagnose_at(v, T0), "token"),
    # Request data: bytes that are not UTF-8, which the core refuses.
    "TokenVerifier.verify": (lambda v: userhash.TokenVerifier(token_keys(), DRIFT).verify(v), "token"),
    "TokenVerifier.verify_at": (lambda v: userhash.TokenVerifier(token_keys(), DRIFT).verify_at(v, T0), "token"),
}


@pytest.mark.parametrize("entry", sorted(TEXT_TAKERS))
def test_text_utf8_cannot_encode_is_malformed_and_never_shown(entry):
    call, field = TEXT_TAKERS[entry]
    error = refused(lambda: call(BAD))
    assert isinstance(error.field, userhash.Field) and error.field.as_str() == field, repr(error)
    assert "UTF-8" in error.reason, error.reason
    assert_shows_no_part_of(BAD, error)


def test_the_reason_says_where_and_what_to_do():
    error = refused(lambda: userhash.sign_identifier(SECRET, BAD))
    assert "lone surrogate at index 8" in error.reason and "os.environb" in error.reason
    error = refused(lambda: userhash.sign_identifiers(SECRET, ["user-1", BAD]))
    assert "identifiers[1]" in error.reason and "index 8" in error.reason and "str only" in error.reason
    error = refused(lambda: userhash.Verifier([SECRET, BAD_SECRET], ORG))
    assert error.reason.startswith("secrets[1] is a str")
    # str() is the core's message for the Malformed made in Python.
    assert str(error) == f"secret is malformed: {error.reason}"


def test_verify_identifier_answers_false_for_request_text_utf8_cannot_encode():
    # SPEC §3: False for any malformed identifier or hash, an error only for
    # the secret; a lone surrogate in a request must not become a 500.
    good = userhash.sign_identifier(SECRET, "user-42")
    assert userhash.verify_identifier(SECRET, "user-42", good) is True
    assert userhash.verify_identifier(SECRET, BAD, good) is False
    assert userhash.verify_identifier(SECRET, "user-42", good[:10] + "\udcff" + good[11:]) is False
    signer = userhash.IdentifierSigner(SECRET)
    assert signer.verify("user-42", good) is True
    assert signer.verify(BAD, good) is False
    assert signer.verify("user-42", good[:10] + "\udcff" + good[11:]) is False
    pairs = [("user-42", good), (BAD, good), ("user-42", "\udcff" + good[1:]), ("user-42", good)]
    assert userhash.verify_identifiers(SECRET, pairs) == [True, False, False, True]


def test_a_well_formed_pair_outside_the_bmp_is_ordinary_text():
    assert userhash.sign_identifier(SECRET, "\U0001f600") == userhash.sign_identifier(SECRET, "\U0001f600".encode())
    assert userhash.sign_identifiers(SECRET, ["\U0001f600"]) == [userhash.sign_identifier(SECRET, "\U0001f600")]
