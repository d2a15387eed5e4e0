#!/usr/bin/env python3
"""Checks tests/vectors/jwt.json with PyJWT and Python's `cryptography`
(see ../README.md): run by `cargo xtask test interop` in a venv that has
jwt-requirements.txt.

    python tests/interop/python/jwt_check.py tests/vectors           # check
    python tests/interop/python/jwt_check.py tests/vectors --print   # PyJWT's tokens, for jwt_vectors.py

- PyJWT verifies every token userhash writes (the algorithm pinned to the
  case's, the key from the vectors) and reads back its header and claims;
  it refuses the same token with one signature byte changed.
- PyJWT signs each library case and must make the pinned `pyjwt` token.
- `cryptography` checks Ed25519 itself: the PEM and JWK keys are one key
  pair, each EdDSA signature verifies under the public key, and signing the
  same input with the private key gives the same signature (Ed25519 is
  deterministic, RFC 8032).
"""
import base64
import json
import sys
from pathlib import Path

import jwt
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding, PublicFormat, load_pem_private_key, load_pem_public_key)

passed = failed = 0


def check(ok, name, what):
    global passed, failed
    if ok:
        passed += 1
    else:
        failed += 1
        print(f"FAIL jwt.json: {name}: {what}")


def b64u_decode(text):
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def verify_key(alg, case_key):
    if alg == "HS256":
        return case_key["hs256"]
    return load_pem_private_key(case_key["private_pem"].encode(), None).public_key()


def no_time_checks():
    # The vectors are from 2024: PyJWT has no clock to set, so time is left to
    # the Rust suite; signature, algorithm and claims are checked here.
    return {"verify_exp": False, "verify_iat": False, "verify_nbf": False, "verify_aud": False,
            "verify_iss": False, "verify_sub": False, "verify_jti": False}


def flip_signature_byte(token):
    head, _, sig = token.rpartition(".")
    raw = bytearray(b64u_decode(sig))
    raw[0] ^= 1
    return head + "." + base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def pyjwt_sign(case):
    key = case["key"]["hs256"] if case["alg"] == "HS256" else case["key"]["private_pem"]
    return jwt.encode(case["claims"], key, algorithm=case["alg"], headers=case["header"] or None)


def main():
    vectors = Path(sys.argv[1])
    v = json.loads((vectors / "jwt.json").read_text(encoding="utf-8"))
    if "--print" in sys.argv[2:]:
        print(json.dumps({c["name"]: pyjwt_sign(c) for c in v["library"]}, indent=1, ensure_ascii=False))
        return

    for case in v["sign"]:
        name, alg, token = case["name"], case["alg"], case["token"]
        key = verify_key(alg, case["key"])
        try:
            claims = jwt.decode(token, key, algorithms=[alg], options=no_time_checks())
            check(claims == json.loads(case["payload_json"]), name, f"PyJWT read claims {claims}")
        except jwt.PyJWTError as e:
            check(False, name, f"PyJWT refused userhash's token: {e!r}")
        check(jwt.get_unverified_header(token) == json.loads(case["header_json"]), name, "header differs")
        try:
            jwt.decode(flip_signature_byte(token), key, algorithms=[alg], options=no_time_checks())
            check(False, name, "PyJWT accepted a changed signature")
        except jwt.InvalidSignatureError:
            check(True, name, "")
        other = "EdDSA" if alg == "HS256" else "HS256"
        try:
            jwt.decode(token, key, algorithms=[other], options=no_time_checks())
            check(False, name, f"PyJWT accepted the token for algorithms=[{other}]")
        except jwt.PyJWTError:
            check(True, name, "")

    for case in v["library"]:
        name = case["name"]
        made = pyjwt_sign(case)
        want = case["tokens"].get("pyjwt")
        check(made == want, name, f"PyJWT made {made}, the vectors pin {want}")

    # Ed25519 with `cryptography`: the keys are one pair, the signatures are RFC 8032's.
    keys = v["keys"]
    private = load_pem_private_key(keys["ed25519_private_pem"].encode(), None)
    public = load_pem_public_key(keys["ed25519_public_pem"].encode())
    raw_public = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    check(private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) == raw_public, "keys",
          "the private PEM's public key is not the public PEM")
    check(raw_public.hex() == keys["ed25519_public_hex"], "keys", "public_hex differs")
    jwk = json.loads(keys["ed25519_private_jwk"])
    from_jwk = Ed25519PrivateKey.from_private_bytes(b64u_decode(jwk["d"]))
    check(from_jwk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw) == b64u_decode(jwk["x"]) == raw_public,
          "keys", "the private JWK's d and x are not the key pair")
    check(json.loads(keys["ed25519_public_jwk"])["x"] == jwk["x"], "keys", "the public JWK's x differs")
    eddsa_tokens = [(c["name"], c["token"]) for c in v["sign"] if c["alg"] == "EdDSA"]
    eddsa_tokens += [(c["name"] + " (" + lib + ")", t) for c in v["library"] if c["alg"] == "EdDSA"
                     for lib, t in c["tokens"].items()]
    for name, token in eddsa_tokens:
        signing_input, _, sig = token.rpartition(".")
        signature = b64u_decode(sig)
        try:
            public.verify(signature, signing_input.encode())
            check(True, name, "")
        except InvalidSignature:
            check(False, name, "cryptography: the Ed25519 signature does not verify")
        check(private.sign(signing_input.encode()) == signature, name,
              "cryptography signs the same input differently (Ed25519 is deterministic)")

    print(f"interop-pyjwt: {passed} passed, {failed} failed")
    sys.exit(0 if failed == 0 and passed > 0 else 1)


if __name__ == "__main__":
    main()
