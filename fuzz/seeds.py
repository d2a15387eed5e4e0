#!/usr/bin/env python3
"""Writes the fuzz targets' seed corpora, fuzz/corpus/<target>/, from tests/vectors/*.json.

Every seed is a real case of the vectors, in the input layout its target reads
(fuzz/src/lib.rs documents the primitives, each target its fields): the URLs
of verify.json and widget_url.json for `verify_url`; the signing cases of
widget_url.json and identity.json for `widget_roundtrip`; the cases of
diagnose.json for `diagnose`; call sequences built from identifier.json,
rfc4231_hmac_sha256.json, verify.json and widget_url.json for `c_api`.

    python3 fuzz/seeds.py           # rewrite fuzz/corpus/ (`cargo xtask fuzz-seeds`)
    python3 fuzz/seeds.py --check   # fail if fuzz/corpus/ differs from what this makes

Standard library only, like tests/vectors/generate.py.
"""

import hashlib
import json
import struct
import sys
from pathlib import Path

FUZZ = Path(__file__).resolve().parent
VECTORS = FUZZ.parent / "tests" / "vectors"
CORPUS = FUZZ / "corpus"
TOLERANCE_MS = 300_000
BASE_URL = "https://widget.example.com/"


def load(name):
    with open(VECTORS / f"{name}.json", encoding="utf-8") as f:
        return json.load(f)


class Input:
    """The primitives of fuzz/src/lib.rs, written front to back."""

    def __init__(self):
        self.out = bytearray()

    def byte(self, value):
        self.out.append(value & 0xFF)
        return self

    def u16(self, value):
        self.out += struct.pack("<H", value)
        return self

    def u64(self, value):
        self.out += struct.pack("<Q", value & 0xFFFF_FFFF_FFFF_FFFF)
        return self

    def bytes(self, value):
        if isinstance(value, str):
            value = value.encode("utf-8")
        assert len(value) <= 0xFFFF, "a seed field longer than a u16 length"
        self.u16(len(value))
        self.out += value
        return self

    text = bytes

    def maybe_text(self, value):
        if value is None:
            return self.byte(0)
        return self.byte(1).text(value)


# ---- verify_url: the URL's bytes ---------------------------------------------


def verify_url_seeds():
    verify, widget = load("verify"), load("widget_url")
    urls = [check["url"] for case in verify["cases"] for check in case["checks"]]
    urls += [case["url"] for case in verify["org_id_of"]]
    urls += [case["url"] for case in widget["cases"]]
    return [url.encode("utf-8") for url in urls]


# ---- widget_roundtrip --------------------------------------------------------

OLD_SECRET = "whsec_old_4b1e7d0c9a8f6e5d4c3b2a19"


def roundtrip(i, secret, org_id, email, timestamp, nonce, base_url, name, params):
    seed = Input().bytes(secret).bytes(OLD_SECRET).byte(0)
    seed.text(org_id).text(email).u64(int(timestamp)).text(nonce).text(base_url).maybe_text(name)
    assert len(params) < 8, "widget_roundtrip reads at most 7 params"
    seed.byte(len(params))
    for key, value in params:
        seed.text(key).text(value)
    # clock_offset folds to 0; then which byte of the URL to change.
    return seed.u64(TOLERANCE_MS).byte(i % 6).u16(7 * i).byte(0x30 + i).out


def timestamp_of(case):
    """A vector's timestamp as the u64 the target reads (an invalid one as 10^16, too many digits)."""
    t = case["timestamp"]
    return int(t) if isinstance(t, str) and t.isdigit() and len(t) <= 19 else 10**16


def widget_roundtrip_seeds():
    widget, identity = load("widget_url"), load("identity")
    cases = [(c, c["base_url"], c["display_name"], c["params"]) for c in widget["cases"] + widget["errors"]]
    cases += [(c, BASE_URL, None, []) for c in identity["sign"] + identity["errors"]]
    seeds = []
    for i, (c, base_url, name, params) in enumerate(cases):
        seeds.append(
            roundtrip(i, c["secret"], c["org_id"], c["email"], timestamp_of(c), c["nonce"], base_url, name, params)
        )
    return seeds


# ---- diagnose ----------------------------------------------------------------


def diagnose_input(case, mistake, i):
    seed = Input().byte(len(case["secrets"]))
    for secret in case["secrets"]:
        seed.bytes(secret)
    given = case["input"]
    seed.maybe_text(given.get("url"))
    for field in ["identifier", "email", "timestamp", "org_id", "nonce"]:
        seed.maybe_text(given.get(field))
    seed.maybe_text(case["hash"])
    return seed.byte(mistake).byte(i).byte(i // 3).byte(i % 4).out


def diagnose_seeds():
    vectors = load("diagnose")
    cases = vectors["cases"] + vectors["errors"]
    seeds = [diagnose_input(c, 0, i) for i, c in enumerate(cases)]
    # The same inputs with a hash the target makes, one mistake each (1 to 8).
    seeds += [diagnose_input(c, 1 + i % 8, i) for i, c in enumerate(cases) if "url" not in c["input"]]
    return seeds


# ---- c_api: operations -------------------------------------------------------

OP = {
    "sign_identifier": 0,
    "verify_identifier": 1,
    "identifier_signer_new": 2,
    "identifier_signer_sign": 4,
    "identifier_signer_verify": 5,
    "identity_signer_new": 6,
    "identity_signer_sign_at": 9,
    "widget_url": 11,
    "hmac_sha256": 13,
    "verify_hmac_sha256": 14,
    "status_texts": 15,
    "verifier_new": 16,
    "set_tolerance_ms": 18,
    "set_memory_store": 19,
    "set_nonce_store": 20,
    "verify_url_at": 21,
    "org_id_of": 24,
}
OUT_EXACT = 4  # an output buffer of the documented minimum
REAL = 1  # a flag byte that picks the non-NULL, caller-given choice


class Calls(Input):
    def op(self, name):
        return self.byte(OP[name])

    def arg(self, value):
        return self.byte(1).bytes(value)


def c_identifier_seeds():
    vectors = load("identifier")
    seeds = []
    for c in vectors["sign"]:
        s = Calls()
        s.op("sign_identifier").arg(c["secret"]).arg(c["identifier"]).byte(OUT_EXACT)
        s.op("verify_identifier").arg(c["secret"]).arg(c["identifier"]).arg(c["hash"]).byte(REAL)
        s.op("identifier_signer_new").byte(0).arg(c["secret"]).byte(REAL)
        s.op("identifier_signer_sign").byte(0).arg(c["identifier"]).byte(OUT_EXACT)
        s.op("identifier_signer_verify").byte(0).arg(c["identifier"]).arg(c["hash"]).byte(REAL)
        seeds.append(s.out)
    for c in vectors["verify"]:
        s = Calls()
        s.op("verify_identifier").arg(c["secret"]).arg(c["identifier"]).arg(c["hash"]).byte(REAL)
        seeds.append(s.out)
    for c in vectors["errors"]:
        s = Calls()
        s.op("sign_identifier").arg(c["secret"]).arg(c["identifier"]).byte(OUT_EXACT)
        seeds.append(s.out)
    return seeds


def c_hmac_seeds():
    seeds = []
    for c in load("rfc4231_hmac_sha256")["cases"]:
        key, data, tag = (bytes.fromhex(c[k]) for k in ("key_hex", "msg_hex", "tag_hex"))
        s = Calls()
        s.op("hmac_sha256").arg(key).arg(data).byte(OUT_EXACT)
        s.op("verify_hmac_sha256").arg(key).arg(data).arg(tag).byte(REAL)
        s.op("status_texts").u64(len(seeds))
        seeds.append(s.out)
    return seeds


def verifier_new(s, slot, secrets, org_id):
    s.op("verifier_new").byte(slot).byte(len(secrets))
    for secret in secrets:
        s.arg(secret)
    return s.byte(REAL).arg(org_id)


def verify_at(s, url, now, url_slot=None):
    """verify_url_at with verifier 0 into result slot 0: `url`, or the URL in `url_slot`."""
    s.op("verify_url_at").byte(0).byte(0).u64(now)
    if url_slot is None:
        s.byte(REAL).arg(url)
    else:
        s.byte(4 * url_slot).arg(b"")
    return s.byte(REAL)


def c_verify_seeds():
    seeds = []
    for c in load("verify")["cases"]:
        s = verifier_new(Calls(), 0, c["secrets"], c["org_id"])
        if c["tolerance_ms"] is not None:
            s.op("set_tolerance_ms").byte(0).u64(c["tolerance_ms"])
        store = c["store"]
        if store["kind"] == "failing":
            # A callback store that answers -1: fixed (2), -1 as a u64, check given.
            s.op("set_nonce_store").byte(0).byte(2).u64(0xFFFF_FFFF).byte(REAL)
        elif store["capacity"] < 4:
            s.op("set_memory_store").byte(0).byte(store["capacity"])
        for check in c["checks"]:
            verify_at(s, check["url"], check["now_ms"])
        s.op("org_id_of").arg(c["checks"][0]["url"]).byte(OUT_EXACT)
        seeds.append(s.out)
    return seeds


def c_widget_seeds():
    seeds = []
    for c in load("widget_url")["cases"]:
        s = Calls()
        s.op("identity_signer_new").byte(0).arg(c["secret"]).arg(c["org_id"])
        s.op("identity_signer_sign_at").byte(0).byte(0).arg(c["email"]).u64(int(c["timestamp"])).arg(c["nonce"])
        # widget_url: the base, the identity from signed slot 0 (the four
        # fill-in fields and timestamp unused), the name, the params.
        s.op("widget_url").arg(c["base_url"]).byte(1).byte(0)
        for _ in range(4):
            s.arg(b"")
        s.u64(0)
        if c["display_name"] is None:
            s.byte(0)
        else:
            s.byte(1).arg(c["display_name"])
        assert len(c["params"]) < 8, "c_api reads at most 7 params"
        s.byte(len(c["params"]))
        for key, value in c["params"]:
            s.arg(key).arg(value)
        s.byte(REAL).byte(REAL).byte(REAL).byte(0)
        verifier_new(s, 0, [c["secret"]], c["org_id"])
        verify_at(s, None, int(c["timestamp"]), url_slot=0)
        verify_at(s, None, int(c["timestamp"]), url_slot=0)
        seeds.append(s.out)
    return seeds


def c_api_seeds():
    return c_identifier_seeds() + c_hmac_seeds() + c_verify_seeds() + c_widget_seeds()


def secret_file_seeds():
    """The CLI's secret files: a first byte (even: as is; odd: repeated past
    64 KiB), then the file. Made from the vectors' secrets."""
    ident = load("identifier")
    secrets = sorted({c["secret"] for c in ident["sign"]} | {c["secret"] for c in ident["errors"]})
    files = [
        "\n".join(secrets[:1]),
        "\r\n".join(secrets[:3]) + "\r\n",
        "\n\n" + "\n".join(secrets) + "\n",
        "short\n" + secrets[0],
        "",
        "\n\r\n",
    ]
    seeds = [b"\x00" + f.encode() for f in files]
    seeds.append(b"\x01" + secrets[0].encode() + b"\n")
    return seeds


# ---- writing and checking ----------------------------------------------------

TARGETS = {
    "verify_url": verify_url_seeds,
    "widget_roundtrip": widget_roundtrip_seeds,
    "diagnose": diagnose_seeds,
    "c_api": c_api_seeds,
    "secret_file": secret_file_seeds,
}


def corpus():
    """{target: {file name: bytes}}, each named by the SHA-1 of its bytes as
    libFuzzer names what it finds, so a new vector adds a file and renames none."""
    return {
        target: {hashlib.sha1(bytes(seed)).hexdigest(): bytes(seed) for seed in make()}
        for target, make in TARGETS.items()
    }


def main():
    check = sys.argv[1:] == ["--check"]
    if sys.argv[1:] not in ([], ["--check"]):
        sys.exit("usage: seeds.py [--check]")
    wanted = corpus()
    stale = []
    for target, files in wanted.items():
        folder = CORPUS / target
        present = {p.name: p.read_bytes() for p in folder.glob("*")} if folder.is_dir() else {}
        if present == files:
            continue
        stale.append(target)
        if check:
            continue
        folder.mkdir(parents=True, exist_ok=True)
        for name in present.keys() - files.keys():
            (folder / name).unlink()
        for name, data in files.items():
            (folder / name).write_bytes(data)
    total = sum(len(d) for files in wanted.values() for d in files.values())
    count = sum(len(files) for files in wanted.values())
    if check:
        if stale:
            sys.exit(f"fuzz/corpus/ is not what fuzz/seeds.py makes for: {', '.join(stale)}; run `cargo xtask fuzz-seeds`")
        print(f"seeds: fuzz/corpus/ is up to date ({count} files, {total} bytes)")
    else:
        print(f"seeds: wrote fuzz/corpus/ ({count} files, {total} bytes; changed: {', '.join(stale) or 'none'})")


if __name__ == "__main__":
    main()
