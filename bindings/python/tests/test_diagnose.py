"""diagnose (SPEC §6) through the Python package: every case of tests/vectors/diagnose.json."""

import pytest

import userhash
from conftest import load

DIAGNOSE = load("diagnose.json")


def run(case):
    given = case["input"]
    if "url" in given:
        return userhash.diagnose_url(case["secrets"], given["url"], case["hash"])
    return userhash.diagnose(case["secrets"], case["hash"], **given)


@pytest.mark.parametrize("case", DIAGNOSE["cases"], ids=[c["name"] for c in DIAGNOSE["cases"]])
def test_diagnose(case):
    got = run(case)
    expect = case["expect"]
    assert got.result == expect["diagnosis"], got.message
    want = expect.get("causes", [])
    assert [c.cause for c in got.causes] == [w["cause"] for w in want], got.message
    for cause, w in zip(got.causes, want):
        for key, value in w.items():
            if key != "cause":
                assert getattr(cause, key) == value, f"{cause.cause}.{key}: {got.message}"
        assert cause.message and cause.message in got.message
    for secret in case["secrets"]:
        assert secret.strip() not in f"{got} {got!r} {got.message}", "a diagnosis shows a secret"


@pytest.mark.parametrize("case", DIAGNOSE["errors"], ids=[c["name"] for c in DIAGNOSE["errors"]])
def test_diagnose_errors(case):
    with pytest.raises(userhash.UserHashError) as info:
        run(case)
    assert type(info.value).__name__ == case["error"]
    if "field" in case:
        assert info.value.field == case["field"]


def test_every_cause_of_spec_6_has_a_vector():
    seen = {c["cause"] for case in DIAGNOSE["cases"] for c in case["expect"].get("causes", [])}
    assert seen >= {
        "Whitespace", "SecretWhitespace", "EmailCase", "PlusAsSpace", "SecondsInsteadOfMilliseconds",
        "UpperCaseHex", "Base64Tag", "IdentifierHashForIdentity", "IdentityForIdentifierHash", "OtherSecret",
    }


def test_a_plus_read_as_space_in_a_url_is_named():
    secret = "whsec_diagnose_0123456789abcdef"
    identity = userhash.IdentitySigner(secret, "org_123").sign_at("a+b@example.com", 1712345678901, "nonce-0001")
    url = userhash.widget_url("https://w.example/", identity).replace("a%2Bb", "a+b")  # a hand-built URL
    got = userhash.diagnose_url([secret], url)
    assert (got.result, got.causes[0].cause, got.causes[0].signed) == ("Explained", "PlusAsSpace", "a+b@example.com")
    assert "%2B" in got.causes[0].message


def test_diagnose_argument_types():
    with pytest.raises(TypeError):
        userhash.diagnose("a-secret-of-16-bytes!", "00" * 32, identifier="x")
    with pytest.raises(TypeError):
        userhash.diagnose(["a-secret-of-16-bytes!"], "00" * 32, identifier=42)
    with pytest.raises(TypeError):
        userhash.diagnose(["a-secret-of-16-bytes!"], None, identifier="x")
