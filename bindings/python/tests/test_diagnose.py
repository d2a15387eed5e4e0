"""diagnose (SPEC §6) through the Python package: every case of tests/vectors/diagnose.json.
The verdict and its causes are the generated `Diagnosis` and `Cause` enums."""

import pytest
import userhash
from conftest import field_name, load, plain

DIAGNOSE = load("diagnose.json")

# The vectors' keys for a cause's fields, and the generated variants' names.
CAUSE_FIELDS = {"field": "field", "signed": "signed_value", "given": "given_value", "key_index": "key_index", "edit": "edit"}


def run(case):
    given = case["input"]
    if "url" in given:
        return userhash.diagnose_url(case["secrets"], given["url"], case["hash"])
    return userhash.diagnose(case["secrets"], case["hash"], **given)


def causes_of(diagnosis):
    return diagnosis.causes if isinstance(diagnosis, userhash.Diagnosis.EXPLAINED) else []


@pytest.mark.parametrize("case", DIAGNOSE["cases"], ids=[c["name"] for c in DIAGNOSE["cases"]])
def test_diagnose(case):
    got = run(case)
    expect = case["expect"]
    assert isinstance(got, userhash.Diagnosis)
    assert got.name() == expect["diagnosis"], str(got)
    want = expect.get("causes", [])
    causes = causes_of(got)
    assert [c.name() for c in causes] == [w["cause"] for w in want], str(got)
    for cause, w in zip(causes, want):
        assert isinstance(cause, userhash.Cause)
        for key, value in w.items():
            if key != "cause":
                assert plain(getattr(cause, CAUSE_FIELDS[key])) == value, f"{cause.name()}.{key}: {got}"
        assert str(cause) and str(cause) in str(got)
    for secret in case["secrets"]:
        assert secret.strip() not in f"{got} {got!r} {[repr(c) for c in causes]}", "a diagnosis shows a secret"


@pytest.mark.parametrize("case", DIAGNOSE["errors"], ids=[c["name"] for c in DIAGNOSE["errors"]])
def test_diagnose_errors(case):
    with pytest.raises(userhash.UserHashError) as info:
        run(case)
    assert type(info.value).__name__ == case["error"]
    if "field" in case:
        assert field_name(info.value) == case["field"]


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
    assert isinstance(got, userhash.Diagnosis.EXPLAINED)
    cause = got.causes[0]
    assert isinstance(cause, userhash.Cause.PLUS_AS_SPACE)
    assert (got.name(), cause.name(), cause.signed_value, cause.field) == (
        "Explained", "PlusAsSpace", "a+b@example.com", userhash.Field.EMAIL,
    )
    assert "%2B" in str(cause)


def test_the_verdicts_are_generated_enum_variants():
    secret = "whsec_diagnose_0123456789abcdef"
    good = userhash.sign_identifier(secret, "user-42")
    matches = userhash.diagnose([secret], good, identifier="user-42")
    assert type(matches) is userhash.Diagnosis.MATCHES and matches == userhash.Diagnosis.MATCHES()
    unexplained = userhash.diagnose([secret], "ab" * 32, identifier="user-42")
    assert type(unexplained) is userhash.Diagnosis.UNEXPLAINED and unexplained.name() == "Unexplained"
    upper = userhash.diagnose([secret], good.upper(), identifier="user-42")
    assert upper == userhash.Diagnosis.EXPLAINED(causes=[userhash.Cause.UPPER_CASE_HEX()])
    # The builder is the generated SignedInput's: the same answer either way.
    assert userhash._ffi.diagnose([secret.encode()], userhash.SignedInput(identifier="user-42"), good.upper()) == upper


def test_diagnose_argument_types():
    with pytest.raises(TypeError):
        userhash.diagnose("a-secret-of-16-bytes!", "00" * 32, identifier="x")
    with pytest.raises(TypeError):
        userhash.diagnose(["a-secret-of-16-bytes!"], "00" * 32, identifier=42)
    with pytest.raises(TypeError):
        userhash.diagnose(["a-secret-of-16-bytes!"], None, identifier="x")
