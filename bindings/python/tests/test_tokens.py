"""Identity tokens (JWT, SPEC §8) through the Python package: every case of
tests/vectors/jwt.json (signing byte for byte, verification with every
rejection and its fields, configuration errors, diagnose, the tokens PyJWT,
jose and golang-jwt made), round trips with a generated Ed25519 key pair,
single use over Rust and Python stores, and no secret or private key in any
repr or error."""

import base64
import hashlib
import hmac
import json
import time

import pytest
import userhash
from conftest import field_name, load, plain

JWT = load("jwt.json")
PROFILES = {p.as_str(): p for p in userhash.Profile}

# Every new rejection, and those reused from the signed identity.
TOKEN_REJECTIONS = {
    "Malformed", "Mismatch", "Expired", "FromFuture", "Replayed", "TooLarge", "UnknownKey", "AlgorithmRefused",
    "MissingClaim", "WrongAudience", "LifetimeTooLong",
}


def key_material():
    """Every secret and private key in the vectors, as an error or a repr could show it."""
    keys = JWT["keys"]
    pem_body = "".join(line for line in keys["ed25519_private_pem"].splitlines() if not line.startswith("-----"))
    shown = [keys["hs256_secret"], pem_body, json.loads(keys["ed25519_private_jwk"])["d"], keys["ed25519_seed_hex"]]
    for section in ("sign", "sign_errors", "verify", "config_errors", "diagnose", "library"):
        for case in JWT[section]:
            for key in [case.get("key", {})] + case.get("keys", []) + case.get("verify_keys", []):
                if key.get("hs256"):
                    shown.append(key["hs256"])
    return sorted(set(shown))


KEY_MATERIAL = key_material()


def assert_no_key_material(*objects):
    for obj in objects:
        for shown in (str(obj), repr(obj), repr(getattr(obj, "args", ""))):
            for secret in KEY_MATERIAL:
                assert secret not in shown, f"{type(obj).__name__} shows a secret or a private key: {shown}"


def token_keys(entries):
    keys = []
    for entry in entries:
        if "hs256" in entry:
            keys.append(userhash.TokenKey.hs256(entry["hs256"], entry.get("kid")))
        else:
            text = entry.get("public_pem") or entry.get("public_jwk") or entry.get("jwks")
            assert text is not None, entry
            keys += userhash.parse_public_keys(text, entry.get("kid"))
    return keys


def verifier(entries, options, nonce_store=None):
    """Left out in the vectors, a setting is left out here too: the core's default."""
    return userhash.TokenVerifier(
        token_keys(entries),
        PROFILES[options["profile"]],
        org=options.get("org"),
        audience=options.get("audience"),
        issuer=options.get("issuer"),
        leeway_s=options.get("leeway_s"),
        max_lifetime_s=options.get("max_lifetime_s"),
        max_token_len=options.get("max_token_len"),
        single_use=options.get("single_use"),
        nonce_store=nonce_store,
    )


def signer(key, options, form="private_pem"):
    text = {name: options.get(name) for name in ("kid", "org", "audience", "issuer")}
    profile = PROFILES[options["profile"]]
    if "hs256" in key:
        return userhash.TokenSigner.hs256(key["hs256"], profile, lifetime_s=options.get("lifetime_s"), **text)
    return userhash.TokenSigner.ed25519(key[form], profile, lifetime_s=options.get("lifetime_s"), **text)


def subject(fields):
    return userhash.TokenSubject(**fields)


def assert_ok(got, want, profile, label):
    assert isinstance(got, userhash.VerifiedToken), label
    assert got.profile is PROFILES[profile], label
    for name in ("user_id", "email", "name", "email_verified", "org", "issued_at", "expires_at", "jti", "kid", "key_index"):
        assert getattr(got, name) == want[name], f"{label}: {name}"
    assert got.algorithm.as_str() == want["algorithm"], label
    assert json.loads(got.claims_json) == want["claims"], label


def assert_refused(err, expect, label):
    assert isinstance(err, userhash.UserHashError), f"{label}: accepted {err!r}, expected {expect['error']}"
    assert type(err) is getattr(userhash.UserHashError, expect["error"]), f"{label}: {err!r}"
    assert err.name() == expect["error"], label
    if "field" in expect:
        assert field_name(err) == expect["field"], f"{label}: {err!r}"
    if "message_contains" in expect:
        assert expect["message_contains"] in str(err), f"{label}: {err}"
    for name, value in expect.get("fields", {}).items():
        assert plain(getattr(err, name)) == value, f"{label}: {name} of {err!r}"
    assert str(err) == userhash.error_message(err), label
    assert_no_key_material(err)


def outcome(call):
    try:
        return call()
    except userhash.UserHashError as err:
        return err


def sign_ids(cases):
    # The cases' names are not unique (tests/vectors: each sign case is named
    # after its subject's last field); the algorithm and profile are.
    return [f"{c['alg']}-{c['options']['profile']}" for c in cases]


# --- sign: byte for byte, then verified ----------------------------------------------------------


@pytest.mark.parametrize("case", JWT["sign"], ids=sign_ids(JWT["sign"]))
def test_sign_byte_for_byte_then_verify(case):
    forms = ["private_pem", "private_jwk"] if "private_pem" in case["key"] else [None]
    for form in forms:
        made = signer(case["key"], case["options"], form)
        assert made.algorithm().as_str() == case["alg"]
        token = made.sign_at(subject(case["subject"]), case["now_ms"], case["jti"])
        assert token == case["token"], form
        header, payload, _ = token.split(".")
        assert base64.urlsafe_b64decode(header + "==").decode() == case["header_json"]
        assert base64.urlsafe_b64decode(payload + "==").decode() == case["payload_json"]
        assert_no_key_material(made)
    got = verifier(case["verify_keys"], case["verify_options"]).verify_at(case["token"], case["now_ms"] + 1000)
    assert_ok(got, case["verified"]["ok"], case["options"]["profile"], case["name"])
    # The same token as bytes.
    again = verifier(case["verify_keys"], case["verify_options"]).verify_at(case["token"].encode(), case["now_ms"] + 1000)
    assert again == got


def test_every_profile_is_signed_under_both_algorithms():
    assert {(c["alg"], c["options"]["profile"]) for c in JWT["sign"]} == {
        (alg, profile) for alg in ("HS256", "EdDSA") for profile in PROFILES
    }


@pytest.mark.parametrize("case", JWT["sign_errors"], ids=[c["name"] for c in JWT["sign_errors"]])
def test_sign_errors(case):
    expect = {"error": case["error"], "field": case["field"]}
    err = outcome(lambda: signer(case["key"], case["options"]).sign_at(subject(case["subject"]), case["now_ms"], case["jti"]))
    assert_refused(err, expect, case["name"])


# --- verify: every check of every case, in order, on one verifier --------------------------------


def run_verify_case(case):
    made = verifier(case["keys"], case["options"])
    seen = set()
    for step, check in enumerate(case["checks"]):
        label = f"{case['name']} (check {step})"
        got = outcome(lambda: made.verify_at(check["token"], check["now_ms"]))  # noqa: B023 - called here, in this step
        if "ok" in check["expect"]:
            assert not isinstance(got, Exception), f"{label}: {got!r}"
            assert_ok(got, check["expect"]["ok"], case["options"]["profile"], label)
            seen.add("ok")
        else:
            assert_refused(got, check["expect"], label)
            seen.add(type(got).__name__)
    return seen


@pytest.mark.parametrize("case", JWT["verify"], ids=[c["name"] for c in JWT["verify"]])
def test_verify(case):
    run_verify_case(case)


def test_every_token_rejection_has_a_vector():
    seen = set()
    for case in JWT["verify"]:
        seen |= run_verify_case(case)
    assert seen == TOKEN_REJECTIONS | {"ok"}


@pytest.mark.parametrize("case", JWT["config_errors"], ids=[c["name"] for c in JWT["config_errors"]])
def test_config_errors(case):
    err = outcome(lambda: verifier(case["keys"], case["options"]))
    assert_refused(err, {"error": case["error"], "field": case["field"]}, case["name"])


@pytest.mark.parametrize("case", JWT["diagnose"], ids=[c["name"] for c in JWT["diagnose"]])
def test_diagnose(case):
    made = verifier(case["keys"], case["options"])
    got = made.diagnose_at(case["token"], case["now_ms"])
    assert isinstance(got, userhash.TokenDiagnosis)
    assert got.name() == case["expect"]["result"], str(got)
    causes = got.causes if isinstance(got, userhash.TokenDiagnosis.EXPLAINED) else []
    assert [c.name() for c in causes] == [w["cause"] for w in case["expect"]["causes"]], str(got)
    for cause, want in zip(causes, case["expect"]["causes"]):
        assert isinstance(cause, userhash.TokenCause)
        assert getattr(cause, "key_index", None) == want["key_index"], str(got)
        assert str(cause) and str(cause) in str(got)
    if isinstance(got, userhash.TokenDiagnosis.UNEXPLAINED):
        assert isinstance(got.error, userhash.UserHashError.Mismatch), repr(got)
    assert_no_key_material(got, *causes)
    # Nothing was recorded: the same token verifies (or is refused) as before.
    assert type(outcome(lambda: made.verify_at(case["token"], case["now_ms"]))) is type(
        outcome(lambda: verifier(case["keys"], case["options"]).verify_at(case["token"], case["now_ms"]))
    )


def library_cases():
    return [(c, library) for c in JWT["library"] for library in sorted(c["tokens"])]


@pytest.mark.parametrize("case,library", library_cases(), ids=[f"{c['name']} ({lib})" for c, lib in library_cases()])
def test_tokens_other_libraries_made(case, library):
    # A verifier of its own for each: the libraries' tokens share a jti.
    got = verifier(case["keys"], case["options"]).verify_at(case["tokens"][library], case["now_ms"])
    assert_ok(got, case["expect"]["ok"], case["options"]["profile"], f"{case['name']} ({library})")


def test_the_libraries_are_pyjwt_jose_and_golang_jwt():
    assert {lib for c in JWT["library"] for lib in c["tokens"]} == {"pyjwt", "jose", "golang-jwt"}


def test_defaults_are_the_core_s():
    # The vectors' defaults are what a verifier and a signer made without settings use.
    defaults = JWT["defaults"]
    made = userhash.TokenVerifier([userhash.TokenKey.hs256(JWT["keys"]["hs256_secret"])], userhash.Profile.DRIFT)
    shown = repr(made)
    for name in ("leeway_s", "max_lifetime_s", "max_token_len"):
        assert f"{name}: {defaults[name]}" in shown, shown
    token = userhash.TokenSigner.hs256(JWT["keys"]["hs256_secret"], userhash.Profile.DRIFT).sign_at(
        userhash.TokenSubject(user_id="42"), 1_712_345_678_901, "jti-defaults-01"
    )
    claims = json.loads(base64.urlsafe_b64decode(token.split(".")[1] + "=="))
    assert claims["exp"] - claims["iat"] == defaults["lifetime_s"]


# --- round trips ---------------------------------------------------------------------------------

ORG = "org_123"
HS_SECRET = "tok_py_" + "7" * 32


def now_ms():
    return time.time_ns() // 1_000_000


def test_ed25519_round_trip_with_a_generated_key_pair():
    pair = userhash.Ed25519KeyPair.generate("ed-py-1")
    assert type(pair) is userhash.Ed25519KeyPair and pair.kid() == "ed-py-1"
    public_jwk = json.loads(pair.public_jwk())
    assert (public_jwk["kty"], public_jwk["crv"], public_jwk["kid"]) == ("OKP", "Ed25519", "ed-py-1")
    assert "d" not in public_jwk and json.loads(pair.private_jwk())["x"] == public_jwk["x"]
    who = userhash.TokenSubject(user_id="user-42", email="jane@example.com")
    signed_pem = userhash.TokenSigner.ed25519(pair.private_pem(), userhash.Profile.USERHASH, kid="ed-py-1", org=ORG)
    signed_jwk = userhash.TokenSigner.ed25519(pair.private_jwk(), userhash.Profile.USERHASH, kid="ed-py-1", org=ORG)
    assert signed_pem.algorithm() is userhash.Algorithm.ED_DSA
    # Ed25519 is deterministic: the PEM and the JWK of one key sign the same token.
    t = now_ms()
    token = signed_pem.sign_at(who, t, "jti-round-trip-0001")
    assert signed_jwk.sign_at(who, t, "jti-round-trip-0001") == token
    jwks = json.dumps({"keys": [json.loads(pair.public_jwk())]})
    for keys in (
        userhash.parse_public_keys(pair.public_pem(), "ed-py-1"),
        userhash.parse_public_keys(pair.public_jwk()),
        userhash.parse_public_keys(jwks),
    ):
        assert all(type(k) is userhash.TokenKey for k in keys)
        assert [k.kid() for k in keys] == ["ed-py-1"] and keys[0].algorithm() is userhash.Algorithm.ED_DSA
        got = userhash.TokenVerifier(keys, userhash.Profile.USERHASH, org=ORG).verify(signed_pem.sign(who))
        assert (got.user_id, got.email, got.org, got.kid, got.algorithm) == (
            "user-42", "jane@example.com", ORG, "ed-py-1", userhash.Algorithm.ED_DSA,
        )
        assert got.expires_at - got.issued_at == JWT["defaults"]["lifetime_s"]
    # Another pair's public key refuses it.
    other = userhash.parse_public_keys(userhash.Ed25519KeyPair.generate().public_pem())
    err = outcome(lambda: userhash.TokenVerifier(other, userhash.Profile.USERHASH, org=ORG).verify(token))
    assert isinstance(err, (userhash.UserHashError.Mismatch, userhash.UserHashError.UnknownKey)), repr(err)


def test_two_generated_pairs_differ():
    a, b = userhash.Ed25519KeyPair.generate(), userhash.Ed25519KeyPair.generate()
    assert a.public_pem() != b.public_pem() and a.private_pem() != b.private_pem()
    assert a.kid() is None


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def test_hs256_round_trip_and_an_independent_hmac():
    for secret in (HS_SECRET, HS_SECRET.encode()):
        made = userhash.TokenSigner.hs256(secret, userhash.Profile.ZENDESK, kid="app_1")
        token = made.sign(userhash.TokenSubject(user_id="ext-9", email="a@example.com", email_verified=True))
        signing_input, signature = token.rsplit(".", 1)
        # The tag is HMAC-SHA256 over header.payload, as Python's hmac computes it.
        assert signature == b64url(hmac.new(HS_SECRET.encode(), signing_input.encode(), hashlib.sha256).digest())
        key = userhash.TokenKey.hs256(secret, "app_1")
        assert (key.kid(), key.algorithm()) == ("app_1", userhash.Algorithm.HS256)
        got = userhash.TokenVerifier([key], userhash.Profile.ZENDESK).verify(token)
        assert (got.user_id, got.email_verified, got.kid, got.profile) == ("ext-9", True, "app_1", userhash.Profile.ZENDESK)
        claims = json.loads(got.claims_json)
        assert claims["scope"] == "user" and claims["external_id"] == "ext-9"


def test_rotation_by_kid_reports_the_key_index():
    old, new = userhash.Ed25519KeyPair.generate("2023"), userhash.Ed25519KeyPair.generate("2024")
    keys = userhash.parse_public_keys(new.public_jwk()) + userhash.parse_public_keys(old.public_jwk())
    made = userhash.TokenVerifier(keys, userhash.Profile.DRIFT)
    for pair, index in ((new, 0), (old, 1)):
        token = userhash.TokenSigner.ed25519(pair.private_jwk(), userhash.Profile.DRIFT, kid=pair.kid()).sign(
            userhash.TokenSubject(user_id="4")
        )
        assert made.verify(token).key_index == index
    gone = userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT, kid="2099").sign(userhash.TokenSubject(user_id="4"))
    err = outcome(lambda: made.verify(gone))
    assert isinstance(err, userhash.UserHashError.UnknownKey) and err.kid == "2099" and field_name(err) == "kid"


# --- single use: the jti in a nonce store --------------------------------------------------------


class DictStore(userhash.NonceStore):
    def __init__(self, answer=None):
        self.seen = {}
        self.calls = []
        self.answer = answer

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        self.calls.append((org_id, nonce, expires_at_ms))
        if self.answer is not None:
            return self.answer()
        fresh = (org_id, nonce) not in self.seen
        self.seen[(org_id, nonce)] = expires_at_ms
        return fresh


def hs_token(jti, now=None, org=ORG):
    made = userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.USERHASH, org=org)
    return made.sign_at(userhash.TokenSubject(user_id="user-42"), now_ms() if now is None else now, jti)


def single_use_verifier(store):
    return userhash.TokenVerifier(
        [userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.USERHASH, org=ORG, single_use=True, nonce_store=store
    )


@pytest.mark.parametrize("store", ["own", "memory", "python"])
def test_a_single_use_token_works_once(store):
    nonce_store = {"own": None, "memory": userhash.memory_nonce_store(), "python": DictStore()}[store]
    made = single_use_verifier(nonce_store)
    token = hs_token("jti-single-use-0001")
    first = made.verify(token)
    assert first.jti == "jti-single-use-0001"
    for _ in range(2):
        assert isinstance(outcome(lambda: made.verify(token)), userhash.UserHashError.Replayed)
    # Another jti is another token.
    assert made.verify(hs_token("jti-single-use-0002")).jti == "jti-single-use-0002"
    if store == "python":
        # Recorded under `jwt:` and the org (apart from the signed identity's
        # nonces), until the token expires plus the leeway, in Unix ms.
        assert [c[:2] for c in nonce_store.calls] == [(f"jwt:{ORG}", "jti-single-use-0001")] * 3 + [
            (f"jwt:{ORG}", "jti-single-use-0002")
        ]
        assert {c[2] for c in nonce_store.calls[:3]} == {(first.expires_at + JWT["defaults"]["leeway_s"]) * 1000}


def test_without_single_use_the_store_is_never_asked():
    store = DictStore()
    made = userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.USERHASH, org=ORG, nonce_store=store)
    token = hs_token("jti-many-uses-0001")
    assert made.verify(token).jti == made.verify(token).jti
    assert store.calls == []


def test_a_refused_token_does_not_use_up_its_jti():
    store = DictStore()
    made = single_use_verifier(store)
    other_org = hs_token("jti-refused-0001", org="org_456")
    assert isinstance(outcome(lambda: made.verify(other_org)), userhash.UserHashError.WrongAudience)
    assert store.calls == []


@pytest.mark.parametrize("returned", [1, "yes", None, ["row"]], ids=["int", "str", "None", "a row"])
def test_a_python_store_answering_anything_but_a_bool_refuses_the_token(returned):
    made = single_use_verifier(DictStore(answer=lambda: returned))
    for _ in range(3):
        err = outcome(lambda: made.verify(hs_token("jti-not-a-bool-01")))
        assert isinstance(err, userhash.UserHashError.StoreUnavailable), repr(err)
        assert f"returned {type(returned).__name__}, not True or False" in err.reason


def test_an_interrupt_in_a_python_store_reaches_the_token_verifier_s_caller():
    interrupt = KeyboardInterrupt()

    def answer():
        raise interrupt

    made = single_use_verifier(DictStore(answer=answer))
    with pytest.raises(KeyboardInterrupt) as info:
        made.verify(hs_token("jti-interrupted-01"))
    assert info.value is interrupt and info.value.__context__ is None
    with pytest.raises(KeyboardInterrupt):
        made.verify_at(hs_token("jti-interrupted-02"), now_ms())


def test_a_python_store_raising_fails_closed():
    def answer():
        raise ConnectionError("database is down")

    err = outcome(lambda: single_use_verifier(DictStore(answer=answer)).verify(hs_token("jti-store-down-01")))
    assert isinstance(err, userhash.UserHashError.StoreUnavailable) and "database is down" in err.reason


# --- flags are bools -----------------------------------------------------------------------------


def test_email_verified_must_be_a_bool():
    made = userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.ZENDESK)
    for wrong in ("false", 0, 1, 2):
        with pytest.raises(TypeError, match="subject.email_verified must be True, False or None, not"):
            made.sign(userhash.TokenSubject(user_id="ext-1", email="a@example.com", email_verified=wrong))
    # What the generated layer alone does: struct.error for a str, Rust's
    # backtrace for 2, neither naming the argument.
    generated = userhash._ffi.TokenSigner.hs256(HS_SECRET.encode(), userhash.Profile.ZENDESK)
    with pytest.raises(Exception) as info:
        generated.sign(userhash.TokenSubject(user_id="ext-1", email="a@example.com", email_verified="false"))
    assert "email_verified" not in str(info.value)
    for right in (True, False, None):
        got = userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.ZENDESK).verify(
            made.sign(userhash.TokenSubject(user_id="ext-1", email="a@example.com", email_verified=right))
        )
        assert got.email_verified is right


def test_single_use_must_be_a_bool():
    for wrong in ("false", 0, 1):
        with pytest.raises(TypeError, match="single_use must be True, False or None, not"):
            userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.DRIFT, single_use=wrong)


# --- no secret or private key shown --------------------------------------------------------------


def test_no_repr_or_error_shows_a_secret_or_a_private_key():
    pair = userhash.Ed25519KeyPair.generate("ed-py-secret")
    private_pem_body = "".join(line for line in pair.private_pem().splitlines() if not line.startswith("-----"))
    d = json.loads(pair.private_jwk())["d"]
    secrets = [HS_SECRET, HS_SECRET[7:], private_pem_body, private_pem_body[20:40], d]
    hs = userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.USERHASH, org=ORG)
    ed = userhash.TokenSigner.ed25519(pair.private_pem(), userhash.Profile.USERHASH, org=ORG)
    key = userhash.TokenKey.hs256(HS_SECRET)
    made = userhash.TokenVerifier([key, *userhash.parse_public_keys(pair.public_pem())], userhash.Profile.USERHASH, org=ORG)
    token = hs.sign(userhash.TokenSubject(user_id="user-42"))
    shown = [hs, ed, key, made, pair, made.verify(token), made.diagnose(token + "x"), made.diagnose("Bearer " + token)]
    # Errors that are about the key: a weak secret, a private key where a
    # public one belongs, a public key where the private one belongs, a
    # mangled private key, a secret given where its key belongs.
    shown += [
        outcome(lambda: userhash.TokenSigner.hs256(HS_SECRET[:31], userhash.Profile.DRIFT)),
        outcome(lambda: userhash.TokenKey.hs256(HS_SECRET[:20])),
        outcome(lambda: userhash.parse_public_keys(pair.private_pem())),
        outcome(lambda: userhash.parse_public_keys(pair.private_jwk())),
        outcome(lambda: userhash.TokenSigner.ed25519(pair.private_pem()[:-40], userhash.Profile.DRIFT)),
        outcome(lambda: userhash.TokenSigner.ed25519(pair.private_jwk().replace('"d"', '"e"'), userhash.Profile.DRIFT)),
        outcome(lambda: userhash.TokenSigner.ed25519(HS_SECRET, userhash.Profile.DRIFT)),
    ]
    for wrong in ([HS_SECRET], HS_SECRET, [HS_SECRET.encode()]):
        with pytest.raises(TypeError) as info:
            userhash.TokenVerifier(wrong, userhash.Profile.DRIFT)
        shown.append(info.value)
    with pytest.raises(TypeError) as info:
        userhash.TokenSigner.ed25519(pair.private_pem().encode(), userhash.Profile.DRIFT)
    shown.append(info.value)
    assert "private" not in repr(pair) or "redacted" in repr(pair)
    assert json.loads(pair.public_jwk())["x"] in repr(pair)
    for obj in shown:
        for text in (str(obj), repr(obj), repr(getattr(obj, "args", ""))):
            for secret in secrets:
                assert secret not in text, f"{type(obj).__name__} shows a secret or a private key: {text}"
    assert "redacted" in repr(hs) and "redacted" in repr(ed)


# --- argument types ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda: userhash.TokenSigner.hs256(HS_SECRET, "userhash"),
        lambda: userhash.TokenSigner.hs256(None, userhash.Profile.DRIFT),
        lambda: userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT, kid=7),
        lambda: userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT, lifetime_s="300"),
        lambda: userhash.TokenSigner.ed25519(None, userhash.Profile.DRIFT),
        lambda: userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT).sign({"user_id": "4"}),
        lambda: userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT).sign(userhash.TokenSubject(user_id=4)),
        lambda: userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT).sign_at(
            userhash.TokenSubject(user_id="4"), 1_712_345_678_901, None
        ),
        lambda: userhash.TokenKey.hs256(HS_SECRET, kid=b"k"),
        lambda: userhash.parse_public_keys(b"-----BEGIN PUBLIC KEY-----"),
        lambda: userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], "drift"),
        lambda: userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.DRIFT, nonce_store={}),
        lambda: userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.DRIFT).verify(None),
        lambda: userhash.TokenVerifier([userhash.TokenKey.hs256(HS_SECRET)], userhash.Profile.DRIFT).diagnose(b"x.y.z"),
        lambda: userhash.Ed25519KeyPair.generate(kid=3),
    ],
)
def test_wrong_argument_types_raise_type_error(call):
    with pytest.raises(TypeError):
        call()


def test_the_token_objects_are_the_package_s_classes():
    keys = userhash.parse_public_keys(userhash.Ed25519KeyPair.generate().public_pem())
    assert all(isinstance(k, userhash.TokenKey) and isinstance(k, userhash._ffi.TokenKey) for k in keys)
    assert type(userhash.TokenKey.hs256(HS_SECRET)) is userhash.TokenKey
    assert type(userhash.TokenSigner.hs256(HS_SECRET, userhash.Profile.DRIFT)) is userhash.TokenSigner
    assert type(userhash.Ed25519KeyPair.generate()) is userhash.Ed25519KeyPair
