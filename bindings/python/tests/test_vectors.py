"""Every vector of tests/vectors/ through the Python package."""

import urllib.parse

import pytest
import userhash
from conftest import field_name, load, plain

IDENTIFIER = load("identifier.json")
IDENTITY = load("identity.json")
WIDGET_URL = load("widget_url.json")
VERIFY = load("verify.json")
RFC4231 = load("rfc4231_hmac_sha256.json")
WYCHEPROOF = load("wycheproof_hmac_sha256_test.json")

SPEC_3_OUTCOMES = {
    "ok", "Missing", "Malformed", "Duplicate", "WrongOrg", "Mismatch",
    "Expired", "FromFuture", "Replayed", "StoreFull", "StoreUnavailable", "TooLarge",
}


def names(cases, key="name"):
    return [str(c[key]) for c in cases]


def assert_error(err, case):
    """The exception is the vector's variant (its own class) with its field
    (a generated `Field`, compared by its name)."""
    assert isinstance(err, userhash.UserHashError)
    assert type(err).__name__ == case["error"], f"{case.get('name')}: {err!r}"
    assert isinstance(err, getattr(userhash.UserHashError, case["error"]))
    if "field" in case:
        assert field_name(err) == case["field"], f"{case.get('name')}: {err!r}"


def assert_no_secret(err, case):
    secrets = [case["secret"]] if "secret" in case else list(case.get("secrets", []))
    shown = f"{err} {err!r} {err.args}"
    for secret in secrets:
        # Below 4 characters a secret is found by chance.
        if len(secret.strip()) >= 4:
            assert secret.strip() not in shown, f"the error shows a secret: {shown}"


def sign_case(case):
    signer = userhash.IdentitySigner(case["secret"], case["org_id"])
    return signer.sign_at(case["email"], int(case["timestamp"]), case["nonce"])


# --- identifier.json -------------------------------------------------------


def test_known_answer_of_spec_1_1():
    assert (
        userhash.sign_identifier("<widget-hmac-token>", "<identifier>")
        == "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82"
    )


@pytest.mark.parametrize("case", IDENTIFIER["sign"], ids=names(IDENTIFIER["sign"]))
def test_identifier_sign(case):
    got = userhash.sign_identifier(case["secret"], case["identifier"])
    assert got == case["hash"]
    assert userhash.verify_identifier(case["secret"], case["identifier"], got) is True
    # bytes in, the same hash out
    assert userhash.sign_identifier(case["secret"].encode(), case["identifier"].encode()) == got
    # and the same from a signer that keeps the key
    signer = userhash.IdentifierSigner(case["secret"])
    assert signer.sign(case["identifier"]) == got and signer.verify(case["identifier"], got) is True


def test_identifier_sign_and_verify_batched():
    by_secret = {}
    for case in IDENTIFIER["sign"]:
        by_secret.setdefault(case["secret"], []).append(case)
    for secret, cases in by_secret.items():
        assert userhash.sign_identifiers(secret, [c["identifier"] for c in cases]) == [c["hash"] for c in cases]
    by_secret = {}
    for case in IDENTIFIER["verify"]:
        by_secret.setdefault(case["secret"], []).append(case)
    for secret, cases in by_secret.items():
        pairs = [(c["identifier"], c["hash"]) for c in cases]
        assert userhash.verify_identifiers(secret, pairs) == [c["valid"] for c in cases]


def test_identifier_batches_errors():
    assert userhash.sign_identifiers("0123456789abcdef", []) == []
    assert userhash.verify_identifiers("0123456789abcdef", []) == []
    with pytest.raises(userhash.UserHashError.Malformed):
        userhash.sign_identifiers("0123456789abcdef", ["a", ""])
    with pytest.raises(userhash.UserHashError.WeakSecret):
        userhash.verify_identifiers("weak", [("a", "00" * 32)])
    with pytest.raises(TypeError):
        userhash.sign_identifiers("0123456789abcdef", "abc")


@pytest.mark.parametrize("case", IDENTIFIER["verify"], ids=names(IDENTIFIER["verify"]))
def test_identifier_verify(case):
    assert userhash.verify_identifier(case["secret"], case["identifier"], case["hash"]) is case["valid"]
    assert userhash.IdentifierSigner(case["secret"]).verify(case["identifier"], case["hash"]) is case["valid"]


@pytest.mark.parametrize("case", IDENTIFIER["errors"], ids=names(IDENTIFIER["errors"]))
def test_identifier_errors(case):
    with pytest.raises(userhash.UserHashError) as info:
        if case["operation"] == "sign":
            userhash.sign_identifier(case["secret"], case["identifier"])
        else:
            userhash.verify_identifier(case["secret"], case["identifier"], case["hash"])
    assert_error(info.value, case)
    assert_no_secret(info.value, case)
    # The signer refuses the same, when it is made (a secret) or when it signs.
    with pytest.raises(userhash.UserHashError) as info:
        signer = userhash.IdentifierSigner(case["secret"])
        if case["operation"] == "sign":
            signer.sign(case["identifier"])
        else:
            signer.verify(case["identifier"], case["hash"])
    assert_error(info.value, case)
    assert_no_secret(info.value, case)


# --- identity.json ---------------------------------------------------------


@pytest.mark.parametrize("case", IDENTITY["sign"], ids=names(IDENTITY["sign"]))
def test_identity_sign(case):
    identity = sign_case(case)
    assert identity.user_hash == case["user_hash"]
    assert (identity.email, str(identity.timestamp_ms), identity.org_id, identity.nonce) == (
        case["email"], case["timestamp"], case["org_id"], case["nonce"],
    )
    assert "|".join([identity.email, str(identity.timestamp_ms), identity.org_id, identity.nonce]) == case["message"]


@pytest.mark.parametrize("case", IDENTITY["errors"], ids=names(IDENTITY["errors"]))
def test_identity_errors(case):
    with pytest.raises(userhash.UserHashError) as info:
        sign_case(case)
    assert_error(info.value, case)
    assert_no_secret(info.value, case)


# --- widget_url.json -------------------------------------------------------


def base_query(base_url):
    query = base_url.split("?", 1)[1] if "?" in base_url else ""
    return dict(urllib.parse.parse_qsl(query.split("#", 1)[0], keep_blank_values=True))


@pytest.mark.parametrize("case", WIDGET_URL["cases"], ids=names(WIDGET_URL["cases"]))
def test_widget_url(case):
    identity = sign_case(case)
    assert identity.user_hash == case["user_hash"]
    url = userhash.widget_url(case["base_url"], identity, case["display_name"], dict(case["params"]))
    assert url == case["url"]

    # What widget_url makes, the verifier accepts, with the same fields back.
    verifier = userhash.Verifier([case["secret"]], case["org_id"])
    got = verifier.verify_url_at(url, int(case["timestamp"]))
    assert got.email == case["email"]
    assert got.name == case["display_name"]
    assert got.params == {**dict(case["params"]), **base_query(case["base_url"])}


def has_repeated_key(case):
    return len({k for k, _ in case["params"]}) < len(case["params"])


# `params` is a dict here (SPEC §5: a string map), which cannot hold a key
# twice: the one vector that repeats a key does not apply to this API.
MAP_ERRORS = [c for c in WIDGET_URL["errors"] if not has_repeated_key(c)]


def test_only_the_repeated_key_vector_is_not_applicable():
    assert [c["name"] for c in WIDGET_URL["errors"] if has_repeated_key(c)] == ["the same extra param twice"]


@pytest.mark.parametrize("case", MAP_ERRORS, ids=names(MAP_ERRORS))
def test_widget_url_errors(case):
    identity = sign_case(case)
    with pytest.raises(userhash.UserHashError) as info:
        userhash.widget_url(case["base_url"], identity, case["display_name"], dict(case["params"]))
    assert_error(info.value, case)


# --- verify.json -----------------------------------------------------------


class FailingStore(userhash.NonceStore):
    """A store that is always down: the verifier must fail closed."""

    def check_and_insert(self, org_id, nonce, expires_at_ms):
        raise userhash.UserHashError.StoreUnavailable(reason="test store is down")


def verifier_for(case):
    store = case.get("store")
    if store is None:
        nonce_store = None
    elif store["kind"] == "memory":
        nonce_store = userhash.memory_nonce_store(store["capacity"])
    elif store["kind"] == "failing":
        nonce_store = FailingStore()
    else:
        raise AssertionError(f"unknown store kind {store['kind']}")
    return userhash.Verifier(
        case["secrets"], case["org_id"], case.get("tolerance_ms"), nonce_store,
        max_url_len=case.get("max_url_len"), max_params=case.get("max_params"),
    )


def test_default_tolerance_and_limits():
    verifier = userhash.Verifier(["0123456789abcdef"], "org_1")
    # The core's defaults, reported by the generated getters (none restated in Python).
    assert verifier.tolerance_ms() == VERIFY["default_tolerance_ms"]
    assert (verifier.max_url_len(), verifier.max_params()) == (VERIFY["default_max_url_len"], VERIFY["default_max_params"])
    assert verifier.org_id() == "org_1"


def check_outcome(case, step, check, result_or_error):
    expect = check["expect"]
    label = f"{case['name']} (check {step})"
    if "ok" in expect:
        assert not isinstance(result_or_error, Exception), f"{label}: {result_or_error!r}"
        ok, got = expect["ok"], result_or_error
        assert (got.email, got.org_id, got.timestamp_ms, got.nonce, got.name, got.key_index) == (
            ok["email"], ok["org_id"], ok["timestamp_ms"], ok["nonce"], ok["name"], ok["key_index"],
        ), label
        assert got.params == ok["params"], label
        return "ok"
    err = result_or_error
    assert isinstance(err, userhash.UserHashError), f"{label}: accepted {err!r}, expected {expect['error']}"
    assert_error(err, expect)
    assert_no_secret(err, case)
    if "message_contains" in expect:
        assert expect["message_contains"] in str(err), label
    for key, value in expect.get("fields", {}).items():
        assert plain(getattr(err, key)) == value, f"{label}: {key}"
    return type(err).__name__


def run_case(case):
    verifier = verifier_for(case)
    seen = set()
    for step, check in enumerate(case["checks"]):
        try:
            outcome = verifier.verify_url_at(check["url"], check["now_ms"])
        except userhash.UserHashError as err:
            outcome = err
        seen.add(check_outcome(case, step, check, outcome))
    return seen


@pytest.mark.parametrize("case", VERIFY["cases"], ids=names(VERIFY["cases"]))
def test_verify(case):
    run_case(case)


def test_every_rejection_of_spec_3_has_a_vector():
    seen = set()
    for case in VERIFY["cases"]:
        seen |= run_case(case)
    assert seen == SPEC_3_OUTCOMES


@pytest.mark.parametrize("case", VERIFY["config_errors"], ids=names(VERIFY["config_errors"]))
def test_verifier_config_errors(case):
    with pytest.raises(userhash.UserHashError) as info:
        verifier_for(case)
    assert_error(info.value, case)
    assert_no_secret(info.value, case)


@pytest.mark.parametrize("case", VERIFY["org_id_of"], ids=names(VERIFY["org_id_of"], "url"))
def test_org_id_of(case):
    if "error" in case:
        with pytest.raises(userhash.UserHashError) as info:
            userhash.org_id_of(case["url"])
        assert_error(info.value, case)
    else:
        assert userhash.org_id_of(case["url"]) == case["org_id"]


# --- peer suites: RFC 4231 and Wycheproof ----------------------------------


@pytest.mark.parametrize("case", RFC4231["cases"], ids=names(RFC4231["cases"], "case"))
def test_rfc_4231(case):
    key, msg, want = (bytes.fromhex(case[k]) for k in ("key_hex", "msg_hex", "tag_hex"))
    tag = userhash.hmac_sha256(key, msg)
    if case["truncated_bits"] is None:
        assert tag == want
        assert userhash.verify_hmac_sha256(key, msg, want)
    else:
        assert tag[: case["truncated_bits"] // 8] == want
        assert not userhash.verify_hmac_sha256(key, msg, want), "a truncated tag is never accepted"


WYCHEPROOF_TESTS = [(g["tagSize"], t) for g in WYCHEPROOF["testGroups"] for t in g["tests"]]


def test_wycheproof_count():
    assert len(WYCHEPROOF_TESTS) == WYCHEPROOF["numberOfTests"]


@pytest.mark.parametrize("tag_bits,t", WYCHEPROOF_TESTS, ids=[f"tc{t['tcId']}" for _, t in WYCHEPROOF_TESTS])
def test_wycheproof(tag_bits, t):
    key, msg, tag = bytes.fromhex(t["key"]), bytes.fromhex(t["msg"]), bytes.fromhex(t["tag"])
    valid = t["result"] == "valid"
    ours = userhash.hmac_sha256(key, msg)
    if tag_bits == 256:
        assert userhash.verify_hmac_sha256(key, msg, tag) is valid
        assert (ours == tag) is valid
    else:
        # A valid truncated tag is our tag's prefix; the verifier accepts full tags only.
        assert (ours[: tag_bits // 8] == tag) is valid
        assert not userhash.verify_hmac_sha256(key, msg, tag)
