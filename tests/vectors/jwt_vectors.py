"""The JWT identity token vectors (jwt.json, SPEC 8), for generate.py.

Every token here is made with Python's standard library: HS256 with
`hmac`/`hashlib`, EdDSA with the small Ed25519 signer below (RFC 8032
section 5.1, checked against its test 1), PEM and JWK by hand. Nothing
comes from userhash, so the Rust core is checked against an independent
implementation; tests/interop re-checks the tokens with PyJWT, jose,
golang-jwt, Python's `cryptography`, PHP and Ruby, and the tokens those
libraries make are pinned in LIBRARY_TOKENS (each interop program
re-makes its own and compares).

The format is described in tests/vectors/README.md.
"""
import base64
import hashlib
import hmac
import json

# --------------------------------------------------------------------------
# Ed25519 signing (RFC 8032 section 5.1), for vectors only: not constant time.

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P


def _inv(x):
    return pow(x, _P - 2, _P)


def _add(p, q):
    """Extended twisted Edwards coordinates (X, Y, Z, T), a = -1 (add-2008-hwcd-3)."""
    x1, y1, z1, t1 = p
    x2, y2, z2, t2 = q
    a = (y1 - x1) * (y2 - x2) % _P
    b = (y1 + x1) * (y2 + x2) % _P
    c = 2 * t1 * t2 * _D % _P
    d = 2 * z1 * z2 % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _recover_x(y, sign):
    x2 = (y * y - 1) * _inv(_D * y * y + 1) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P:
        x = x * pow(2, (_P - 1) // 4, _P) % _P
    if x & 1 != sign:
        x = _P - x
    return x


_GY = 4 * _inv(5) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _encode(p):
    x, y, z, _ = p
    zi = _inv(z)
    x, y = x * zi % _P, y * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def _expand(seed):
    h = hashlib.sha512(seed).digest()
    a = int.from_bytes(h[:32], "little")
    a &= (1 << 254) - 8
    a |= 1 << 254
    return a, h[32:]


def ed25519_public(seed: bytes) -> bytes:
    a, _ = _expand(seed)
    return _encode(_mul(a, _G))


def ed25519_sign(seed: bytes, message: bytes) -> bytes:
    a, prefix = _expand(seed)
    public = _encode(_mul(a, _G))
    r = int.from_bytes(hashlib.sha512(prefix + message).digest(), "little") % _L
    big_r = _encode(_mul(r, _G))
    k = int.from_bytes(hashlib.sha512(big_r + public + message).digest(), "little") % _L
    return big_r + ((r + k * a) % _L).to_bytes(32, "little")


# RFC 8032 section 7.1, test 1.
assert ed25519_public(bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")).hex() == (
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a")
assert ed25519_sign(bytes.fromhex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"), b"").hex() == (
    "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b")

# --------------------------------------------------------------------------
# Encodings


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def compact_json(value) -> str:
    """JSON as userhash writes a payload: no spaces, members sorted, UTF-8."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def pem(label: str, der: bytes) -> str:
    body = base64.b64encode(der).decode()
    lines = [body[i:i + 64] for i in range(0, len(body), 64)]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----\n"


def private_pem(seed: bytes) -> str:
    """PKCS#8 v1 (RFC 8410): OneAsymmetricKey without the public key."""
    return pem("PRIVATE KEY", bytes.fromhex("302e020100300506032b657004220420") + seed)


def public_pem(seed: bytes) -> str:
    """SubjectPublicKeyInfo (RFC 8410)."""
    return pem("PUBLIC KEY", bytes.fromhex("302a300506032b6570032100") + ed25519_public(seed))


def public_jwk(seed: bytes, kid=None) -> str:
    jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(ed25519_public(seed)), "alg": "EdDSA", "use": "sig"}
    if kid is not None:
        jwk["kid"] = kid
    return compact_json(jwk)


def private_jwk(seed: bytes, kid=None) -> str:
    jwk = json.loads(public_jwk(seed, kid))
    jwk["d"] = b64u(seed)
    return compact_json(jwk)


# --------------------------------------------------------------------------
# Keys and times

TOKEN_SECRET = "tok_5c0e7b2a9d4f6183e2a7c9b1d3f5e7a9"      # 36 bytes, tokens only
OLD_TOKEN_SECRET = "tok_old_8e1d4c7b0a3f6e9d2c5b8a1f4e7d"  # 36 bytes
WEAK_TOKEN_SECRET = "tok_31_bytes_is_one_too_short!!"      # 31 bytes
ED_SEED = hashlib.sha256(b"userhash jwt vectors: ed25519 key 2024").digest()
OLD_ED_SEED = hashlib.sha256(b"userhash jwt vectors: ed25519 key 2023").digest()
OTHER_ED_SEED = hashlib.sha256(b"userhash jwt vectors: someone else's key").digest()
assert len(TOKEN_SECRET) >= 32 and len(OLD_TOKEN_SECRET) >= 32 and len(WEAK_TOKEN_SECRET) == 31

ORG = "org_123"
NOW_MS = 1_712_345_678_901
NOW_S = NOW_MS // 1000
JTI = "7c1e9a52-3b4d-4f6e-8a9b-0c1d2e3f4a5b"
DEFAULTS = {"lifetime_s": 300, "leeway_s": 30, "max_lifetime_s": 3600, "max_token_len": 8192}


def hs256_key(secret=TOKEN_SECRET, kid=None):
    return {"hs256": secret, "kid": kid}


def pem_key(seed=ED_SEED, kid=None):
    return {"public_pem": public_pem(seed), "kid": kid}


def jwk_key(seed=ED_SEED, kid=None):
    return {"public_jwk": public_jwk(seed, kid), "kid": None}


def jwks_key(*pairs):
    keys = ",".join(public_jwk(seed, kid) for seed, kid in pairs)
    return {"jwks": '{"keys":[' + keys + "]}", "kid": None}


# --------------------------------------------------------------------------
# Tokens


def header_json(alg, kid=None) -> str:
    """The header userhash writes: alg, typ, then kid (this order)."""
    h = '{"alg":' + json.dumps(alg) + ',"typ":"JWT"'
    if kid is not None:
        h += ',"kid":' + json.dumps(kid, ensure_ascii=False)
    return h + "}"


def sign_raw(alg, key, header: str, payload: str, signing_key=None) -> str:
    """A compact JWS over the exact header and payload text given."""
    signing_input = b64u(header.encode()) + "." + b64u(payload.encode())
    if alg == "HS256":
        sig = hmac.new((signing_key or key).encode(), signing_input.encode(), hashlib.sha256).digest()
    elif alg == "EdDSA":
        sig = ed25519_sign(signing_key or key, signing_input.encode())
    else:
        sig = b""
    return signing_input + "." + b64u(sig)


def token(alg="HS256", key=TOKEN_SECRET, kid=None, claims=None, header=None):
    return sign_raw(alg, key, header if header is not None else header_json(alg, kid), compact_json(claims))


def claims(profile="userhash", sub="user-42", iat=NOW_S, lifetime=300, jti=JTI, **extra):
    c = {"iat": iat, "exp": iat + lifetime, "jti": jti}
    if profile == "userhash":
        c.update({"sub": sub, "org": ORG})
    elif profile == "intercom":
        c["user_id"] = sub
    elif profile == "zendesk":
        c.update({"external_id": sub, "scope": "user"})
    elif profile == "drift":
        c["sub"] = sub
    for name, value in extra.items():
        if value is None:
            c.pop(name, None)
        else:
            c[name] = value
    return {name: value for name, value in c.items() if value is not None}


def options(profile="userhash", **fields):
    o = {"profile": profile, "org": ORG if profile == "userhash" else None}
    o.update(fields)
    return o


def ok(c, key_index=0, kid=None, alg="HS256", profile="userhash"):
    user_claim = {"userhash": "sub", "intercom": "user_id", "zendesk": "external_id", "drift": "sub"}[profile]
    return {"ok": {
        "user_id": c[user_claim], "email": c.get("email"), "name": c.get("name"),
        "email_verified": c.get("email_verified"), "org": c.get("org"), "issued_at": c.get("iat"),
        "expires_at": c["exp"], "jti": c.get("jti"), "kid": kid, "key_index": key_index, "algorithm": alg,
        "claims": c,
    }}


def fail(error, field=None, message_contains=None, fields=None):
    e = {"error": error}
    if field:
        e["field"] = field
    if message_contains:
        e["message_contains"] = message_contains
    if fields:
        e["fields"] = fields
    return e


# --------------------------------------------------------------------------
# Signing: what userhash's TokenSigner.sign_at must write byte for byte


def sign_vectors():
    out = []

    def case(name, key, opts, subject, now_ms=NOW_MS, jti=JTI):
        o = {"profile": "userhash", "kid": None, "org": None, "audience": None, "issuer": None,
             "lifetime_s": DEFAULTS["lifetime_s"]}
        o.update(opts)
        profile = o["profile"]
        alg = "HS256" if "hs256" in key else "EdDSA"
        iat = now_ms // 1000
        s = {"user_id": None, "email": None, "name": None, "email_verified": None, "extra_claims_json": None}
        s.update(subject)
        c = json.loads(s["extra_claims_json"]) if s["extra_claims_json"] else {}
        c[{"userhash": "sub", "intercom": "user_id", "zendesk": "external_id", "drift": "sub"}[profile]] = s["user_id"]
        for name in ("email", "name", "email_verified"):
            if s[name] is not None:
                c[name] = s[name]
        if o["org"] is not None:
            c["org"] = o["org"]
        if profile == "zendesk":
            c["scope"] = "user"
        c.update({"iat": iat, "exp": iat + o["lifetime_s"], "jti": jti})
        if o["audience"] is not None:
            c["aud"] = o["audience"]
        if o["issuer"] is not None:
            c["iss"] = o["issuer"]
        header = header_json(alg, o["kid"])
        payload = compact_json(c)
        if alg == "HS256":
            tok = sign_raw(alg, key["hs256"], header, payload)
            verify_key = hs256_key(key["hs256"], o["kid"])
        else:
            seed = bytes.fromhex(key["seed_hex"])
            tok = sign_raw(alg, seed, header, payload)
            verify_key = pem_key(seed, o["kid"])
        verify_options = {"profile": profile, "org": o["org"], "audience": o["audience"], "issuer": o["issuer"]}
        out.append({
            "name": name, "key": key, "options": o, "subject": s, "now_ms": now_ms, "jti": jti, "alg": alg,
            "header_json": header, "payload_json": payload, "token": tok,
            "verify_keys": [verify_key], "verify_options": verify_options,
            "verified": ok(c, kid=o["kid"], alg=alg, profile=profile),
        })

    hs = {"hs256": TOKEN_SECRET}
    ed = {"seed_hex": ED_SEED.hex(), "private_pem": private_pem(ED_SEED), "private_jwk": private_jwk(ED_SEED)}
    case("HS256, userhash profile, with a kid", hs, {"kid": "k-2024", "org": ORG},
         {"user_id": "user-42", "email": "a+b@example.com"})
    case("HS256, intercom profile (user_id, email), no kid", hs, {"profile": "intercom"},
         {"user_id": "4", "email": "jane.doe@example.com"})
    case("HS256, zendesk profile (kid app_..., scope user, external_id, email_verified, name)", hs,
         {"profile": "zendesk", "kid": "app_64f0a1b2c3d4e5f6a7b8c9d0"},
         {"user_id": "ext-9001", "email": "zoë@exämple.com", "name": "Zoë \"Z\" Ünïcode", "email_verified": True})
    case("HS256, drift profile (sub only)", hs, {"profile": "drift", "lifetime_s": 60}, {"user_id": "1234567"})
    case("EdDSA, userhash profile, audience, issuer and extra claims (members sorted)", ed,
         {"kid": "ed-2024", "org": ORG, "audience": "https://widget.example.com", "issuer": "https://app.example.com",
          "lifetime_s": 120},
         {"user_id": "user-42", "email": "jane@example.com",
          "extra_claims_json": '{"plan":"pro","seats":5,"tags":["a","b"],"meta":{"z":1,"a":[true,null]}}'})
    case("EdDSA, intercom profile, no kid", ed, {"profile": "intercom"}, {"user_id": "user-7"})
    case("EdDSA, zendesk profile, email not verified", ed, {"profile": "zendesk", "kid": "app_ed25519"},
         {"user_id": "ext-1", "email": "x@example.com", "email_verified": False})
    case("EdDSA, drift profile, a second's milliseconds are dropped from iat", ed, {"profile": "drift"},
         {"user_id": "99"}, now_ms=NOW_MS + 98)
    return out


def sign_errors():
    hs = {"hs256": TOKEN_SECRET}
    base = {"options": {"profile": "userhash", "org": ORG}, "subject": {"user_id": "user-42"}}

    def err(name, error, field, key=hs, options=None, subject=None, jti=JTI):
        return {"name": name, "key": key, "options": options or base["options"],
                "subject": subject or base["subject"], "now_ms": NOW_MS, "jti": jti, "error": error, "field": field}

    return [
        err("an HS256 secret of 31 bytes (tokens need 32)", "WeakSecret", "secret", key={"hs256": WEAK_TOKEN_SECRET}),
        err("an extra claim that is a registered claim", "Malformed", "claims",
            subject={"user_id": "user-42", "extra_claims_json": '{"exp":9999999999}'}),
        err("an extra claim that is the profile's", "Malformed", "claims",
            subject={"user_id": "user-42", "extra_claims_json": '{"org":"org_evil"}'}),
        err("extra claims with a member twice", "Malformed", "claims",
            subject={"user_id": "user-42", "extra_claims_json": '{"plan":"a","plan":"b"}'}),
        err("extra claims that are not a JSON object", "Malformed", "claims",
            subject={"user_id": "user-42", "extra_claims_json": '["plan"]'}),
        err("an email in the drift profile", "Malformed", "claims", options={"profile": "drift"},
            subject={"user_id": "42", "email": "a@example.com"}),
        err("the userhash profile without an org", "Malformed", "org_id", options={"profile": "userhash"}),
        err("an empty user id", "Malformed", "claims", subject={"user_id": ""}),
        err("a lifetime of 0 s", "Malformed", "claims", options={"profile": "userhash", "org": ORG, "lifetime_s": 0}),
        err("a lifetime over a day", "Malformed", "claims",
            options={"profile": "userhash", "org": ORG, "lifetime_s": 86401}),
        err("a jti shorter than 8 characters", "Malformed", "claims", jti="short"),
        err("an empty kid", "Malformed", "kid", options={"profile": "userhash", "org": ORG, "kid": ""}),
    ]


# --------------------------------------------------------------------------
# Verification: every acceptance and every rejection


def verify_vectors():
    cases = []

    def case(name, checks, keys=None, opts=None):
        cases.append({"name": name, "keys": keys or [hs256_key()], "options": opts or options(), "checks": checks})

    def check(tok, expect, now_ms=NOW_MS + 1000):
        return {"token": tok, "now_ms": now_ms, "expect": expect}

    c = claims()
    t = token(claims=c)
    case("HS256 accepted", [check(t, ok(c))])
    ce = claims(email="a+b@example.com")
    case("EdDSA accepted under an SPKI PEM public key",
         [check(token("EdDSA", ED_SEED, "ed-2024", ce), ok(ce, kid="ed-2024", alg="EdDSA"))],
         keys=[pem_key(kid="ed-2024")])
    case("EdDSA accepted under a public JWK (its kid from the JWK)",
         [check(token("EdDSA", ED_SEED, "ed-2024", ce), ok(ce, kid="ed-2024", alg="EdDSA"))],
         keys=[jwk_key(kid="ed-2024")])
    case("rotation by kid: a JWK Set of two keys, the token names the old one",
         [check(token("EdDSA", OLD_ED_SEED, "ed-2023", c), ok(c, key_index=1, kid="ed-2023", alg="EdDSA")),
          check(token("EdDSA", ED_SEED, "ed-2024", c), ok(c, key_index=0, kid="ed-2024", alg="EdDSA"))],
         keys=[jwks_key((ED_SEED, "ed-2024"), (OLD_ED_SEED, "ed-2023"))])
    case("rotation without kid: every key of the token's algorithm is tried, in order",
         [check(token(key=OLD_TOKEN_SECRET, claims=c), ok(c, key_index=1))],
         keys=[hs256_key(), hs256_key(OLD_TOKEN_SECRET)])
    case("a kid-less token is tried only against keys of its algorithm",
         [check(token(claims=c), ok(c, key_index=1))],
         keys=[pem_key(), hs256_key()])
    case("a kid selects its key only: the right secret under another kid is UnknownKey",
         [check(token(kid="k-2099", claims=c), fail("UnknownKey", "kid", fields={"kid": "k-2099"}))],
         keys=[hs256_key(kid="k-2024")])
    case("alg none is refused, with or without a signature",
         [check(sign_raw("none", "", '{"alg":"none","typ":"JWT"}', compact_json(c)), fail("AlgorithmRefused", "token")),
          check(sign_raw("none", "", '{"alg":"None"}', compact_json(c)) + "AAAA", fail("AlgorithmRefused", "token"))])
    # The classic switch: HS256 "signed" with the EdDSA public key's PEM as the secret.
    switched = sign_raw("HS256", public_pem(ED_SEED), header_json("HS256", "ed-2024"), compact_json(c))
    case("algorithm switching: an HS256 token for an Ed25519 key (its PEM used as the HMAC secret)",
         [check(switched, fail("AlgorithmRefused", "token", fields={"alg": "HS256"})),
          check(sign_raw("HS256", public_pem(ED_SEED), header_json("HS256"), compact_json(c)),
                fail("AlgorithmRefused", "token"))],
         keys=[pem_key(kid="ed-2024")])
    case("algorithm switching: an EdDSA token for an HS256-only verifier",
         [check(token("EdDSA", ED_SEED, None, c), fail("AlgorithmRefused", "token", fields={"alg": "EdDSA"}))])
    case("an alg in another case is another algorithm",
         [check(sign_raw("HS256", TOKEN_SECRET, '{"alg":"hs256"}', compact_json(c)), fail("AlgorithmRefused", "token"))])
    case("crit is refused (userhash understands no extension)",
         [check(token(header='{"alg":"HS256","crit":["exp"],"exp":1}', claims=c), fail("Malformed", "token", message_contains="crit"))])
    case("b64:false (RFC 7797) is refused",
         [check(token(header='{"alg":"HS256","b64":false,"crit":["b64"]}', claims=c), fail("Malformed", "token"))])
    case("a typ other than JWT is refused",
         [check(token(header='{"alg":"HS256","typ":"at+jwt"}', claims=c), fail("Malformed", "token"))])
    case("a header member twice is refused (alg HS256 then none)",
         [check(token(header='{"alg":"HS256","alg":"none"}', claims=c), fail("Malformed", "token", message_contains="twice"))])
    h, p, s = t.split(".")
    case("the JWS JSON serialization is refused",
         [check(json.dumps({"protected": h, "payload": p, "signature": s}), fail("Malformed", "token", message_contains="JSON serialization")),
          check(json.dumps({"payload": p, "signatures": [{"protected": h, "signature": s}]}), fail("Malformed", "token"))])
    case("base64url is strict: padding, the standard alphabet, whitespace",
         [check(h + "=." + p + "." + s, fail("Malformed", "token", message_contains="padding")),
          check(h + "." + p + "." + s[:-1] + "+", fail("Malformed", "token", message_contains="standard base64")),
          check(t + "\n", fail("Malformed", "token", message_contains="whitespace")),
          check("Bearer " + t, fail("Malformed", "token", message_contains="Bearer"))])
    case("a claim twice in a signed payload is refused (sub alice, then admin)",
         [check(sign_raw("HS256", TOKEN_SECRET, header_json("HS256"), compact_json(c)[:-1] + ',"sub":"admin"}'),
                fail("Malformed", "claims", message_contains="twice"))])
    case("a token over max_token_len is refused unread",
         [check(t, fail("TooLarge", None, fields={"limit": "max_token_len", "max": len(t) - 1}))],
         opts=options(max_token_len=len(t) - 1))
    case("a token of exactly max_token_len is read",
         [check(t, ok(c))], opts=options(max_token_len=len(t)))
    tampered = h + "." + b64u(compact_json(dict(c, sub="admin")).encode()) + "." + s
    case("a changed payload is Mismatch; so is another secret's signature",
         [check(tampered, fail("Mismatch")),
          check(token(key=OLD_TOKEN_SECRET, claims=c), fail("Mismatch"))])
    case("a cut signature or a missing part is Malformed",
         [check(t[:-4], fail("Malformed", "token")),
          check(h + "." + p, fail("Malformed", "token")),
          check(h + "." + p + ".", fail("Malformed", "token")),
          check(t + "." + s + "." + s, fail("Malformed", "token", message_contains="JWE"))])
    # Time: iat NOW_S, exp NOW_S + 300, leeway 30 s.
    case("exp: accepted until leeway after it, Expired from then on, with the age since iat",
         [check(t, ok(c), now_ms=(NOW_S + 330) * 1000 - 1),
          check(t, fail("Expired", fields={"age_ms": 330_000, "tolerance_ms": 330_000, "timestamp_ms": NOW_S * 1000}),
                now_ms=(NOW_S + 330) * 1000)])
    cn = {"sub": "user-42", "org": ORG, "exp": NOW_S + 300, "jti": JTI}
    case("a token without iat counts its age from exp",
         [check(token(claims=cn), fail("Expired", fields={"age_ms": 31_000, "tolerance_ms": 30_000}),
                now_ms=(NOW_S + 331) * 1000)])
    cf = claims(nbf=NOW_S + 60)
    case("nbf: FromFuture beyond the leeway, accepted within it",
         [check(token(claims=cf), fail("FromFuture", fields={"ahead_ms": (NOW_S + 60) * 1000 - (NOW_MS + 1000), "tolerance_ms": 30_000})),
          check(token(claims=cf), ok(cf), now_ms=(NOW_S + 30) * 1000)])
    ci = claims(iat=NOW_S + 120)
    case("iat in the future beyond the leeway is FromFuture",
         [check(token(claims=ci), fail("FromFuture", fields={"ahead_ms": (NOW_S + 120) * 1000 - (NOW_MS + 1000)}))])
    cl = claims(lifetime=7200)
    case("a lifetime (exp - iat) over max_lifetime_s is LifetimeTooLong",
         [check(token(claims=cl), fail("LifetimeTooLong", "claims", fields={"lifetime_s": 7200, "max_lifetime_s": 3600}))])
    case("max_lifetime_s and leeway_s are settable",
         [check(token(claims=cl), ok(cl)),
          check(t, fail("Expired"), now_ms=(NOW_S + 301) * 1000)],
         opts=options(max_lifetime_s=7200, leeway_s=0))
    case("no exp is MissingClaim(exp)",
         [check(token(claims=claims(exp=None)), fail("MissingClaim", "claims", fields={"claim": "exp"}))])
    case("exp in milliseconds is Malformed, and says so",
         [check(token(claims=claims(exp=(NOW_S + 300) * 1000)), fail("Malformed", "claims", message_contains="milliseconds"))])
    case("exp before iat is Malformed",
         [check(token(claims=claims(exp=NOW_S - 1)), fail("Malformed", "claims"))])
    case("org: another org's token is WrongAudience(org); no org is MissingClaim(org)",
         [check(token(claims=claims(org="org_456")), fail("WrongAudience", "claims", fields={"claim": "org", "expected": ORG, "actual": "org_456"})),
          check(token(claims=claims(org=None)), fail("MissingClaim", "claims", fields={"claim": "org"}))])
    ca = claims(profile="intercom", aud="https://widget.example.com")
    case("aud: must contain the verifier's audience",
         [check(token(claims=ca), ok(ca, profile="intercom")),
          check(token(claims=claims(profile="intercom", aud=["https://other.example.com", "https://widget.example.com"])),
                ok(claims(profile="intercom", aud=["https://other.example.com", "https://widget.example.com"]), profile="intercom")),
          check(token(claims=claims(profile="intercom", aud="https://evil.example.com")),
                fail("WrongAudience", "claims", fields={"claim": "aud", "expected": "https://widget.example.com"})),
          check(token(claims=claims(profile="intercom")), fail("MissingClaim", "claims", fields={"claim": "aud"}))],
         opts=options("intercom", audience="https://widget.example.com"))
    case("a token naming an audience is refused by a verifier without one",
         [check(token(claims=ca), fail("WrongAudience", "claims", fields={"claim": "aud"}))],
         opts=options("intercom"))
    case("iss: must equal the verifier's issuer",
         [check(token(claims=claims(iss="https://app.example.com")), ok(claims(iss="https://app.example.com"))),
          check(token(claims=claims(iss="https://evil.example.com")), fail("WrongAudience", "claims", fields={"claim": "iss"})),
          check(t, fail("MissingClaim", "claims", fields={"claim": "iss"}))],
         opts=options(issuer="https://app.example.com"))
    case("single use: a token works once; a token without jti is refused",
         [check(t, ok(c)),
          check(t, fail("Replayed")),
          check(token(claims=claims(jti=None)), fail("MissingClaim", "claims", fields={"claim": "jti"})),
          check(token(claims=claims(jti="bad jti!")), fail("Malformed", "claims"))],
         opts=options(single_use=True))
    case("single use: an expired or mismatched token does not use up its jti",
         [check(t, fail("Expired"), now_ms=(NOW_S + 400) * 1000),
          check(tampered, fail("Mismatch")),
          check(t, ok(c))],
         opts=options(single_use=True))
    case("without single use, a token verifies until it expires",
         [check(t, ok(c)), check(t, ok(c))])
    case("profiles: intercom needs user_id, zendesk scope user and external_id, drift sub",
         [check(token(claims=claims(profile="intercom", user_id=None, sub="user-42")),
                fail("MissingClaim", "claims", fields={"claim": "user_id"}))],
         opts=options("intercom"))
    cz = claims(profile="zendesk", email="a@example.com", email_verified=True, name="Jane")
    case("zendesk: accepted with its claims; another scope is Malformed; no scope is MissingClaim",
         [check(token(kid="app_1", claims=cz), ok(cz, kid="app_1", profile="zendesk")),
          check(token(kid="app_1", claims=claims(profile="zendesk", scope="admin")), fail("Malformed", "claims")),
          check(token(kid="app_1", claims=claims(profile="zendesk", scope=None)), fail("MissingClaim", "claims", fields={"claim": "scope"}))],
         keys=[hs256_key(kid="app_1")], opts=options("zendesk"))
    cd = claims(profile="drift", sub="4")
    case("drift: sub", [check(token(claims=cd), ok(cd, profile="drift"))], opts=options("drift"))
    case("claims of the wrong type are Malformed",
         [check(token(claims=claims(exp=str(NOW_S + 300))), fail("Malformed", "claims")),
          check(token(claims=claims(sub=42)), fail("Malformed", "claims")),
          check(token(claims=claims(email_verified="yes")), fail("Malformed", "claims"))])
    case("the payload must be a JSON object",
         [check(sign_raw("HS256", TOKEN_SECRET, header_json("HS256"), "[1,2]"), fail("Malformed", "claims"))])
    return cases


def config_errors():
    return [
        {"name": "no key", "keys": [], "options": options(), "error": "Malformed", "field": "key"},
        {"name": "an HS256 secret of 31 bytes", "keys": [hs256_key(WEAK_TOKEN_SECRET)], "options": options(),
         "error": "WeakSecret", "field": "secret"},
        {"name": "two keys with one kid", "keys": [hs256_key(kid="k"), pem_key(kid="k")], "options": options(),
         "error": "Malformed", "field": "kid"},
        {"name": "a private key where a public one belongs", "keys": [{"public_pem": private_pem(ED_SEED), "kid": None}],
         "options": options(), "error": "Malformed", "field": "key"},
        {"name": "a private JWK where a public one belongs", "keys": [{"public_jwk": private_jwk(ED_SEED), "kid": None}],
         "options": options(), "error": "Malformed", "field": "key"},
        {"name": "an RSA JWK", "keys": [{"public_jwk": '{"kty":"RSA","n":"AQAB","e":"AQAB"}', "kid": None}],
         "options": options(), "error": "Malformed", "field": "key"},
        {"name": "the userhash profile without an org", "keys": [hs256_key()], "options": options(org=None),
         "error": "Malformed", "field": "org_id"},
        {"name": "an org for a profile without one", "keys": [hs256_key()], "options": options("drift", org=ORG),
         "error": "Malformed", "field": "org_id"},
    ]


def diagnose_vectors():
    c = claims()
    t = token(kid="k-2024", claims=c)
    keys = [hs256_key(kid="k-2024")]
    b64_secret = base64.b64encode(TOKEN_SECRET.encode()).decode()

    def case(name, tok, causes, keys=keys, result="Explained"):
        return {"name": name, "keys": keys, "options": options(), "token": tok, "now_ms": NOW_MS + 1000,
                "expect": {"result": result, "causes": causes}}

    return [
        case("a valid token", t, [], result="Valid"),
        case("a Bearer prefix", "Bearer " + t, [{"cause": "BearerPrefix", "key_index": None}]),
        case("a token cut by a URL's length limit", t[:-10], [{"cause": "Truncated", "key_index": None}]),
        case("a token cut before its signature", t.rsplit(".", 1)[0], [{"cause": "Truncated", "key_index": None}]),
        case("signed with the secret's base64 text", token(key=b64_secret, kid="k-2024", claims=c),
             [{"cause": "SecretEncoding", "key_index": 0}]),
        case("the configured secret is base64 and the signer used its bytes", t,
             [{"cause": "SecretEncoding", "key_index": 0}], keys=[hs256_key(b64_secret, kid="k-2024")]),
        case("exp in milliseconds", token(kid="k-2024", claims=claims(exp=(NOW_S + 300) * 1000)),
             [{"cause": "MillisecondsForSeconds", "key_index": None}]),
        case("signed with another configured key than its kid names",
             token(key=OLD_TOKEN_SECRET, kid="k-2024", claims=c),
             [{"cause": "WrongKeyForKid", "key_index": 1}], keys=[hs256_key(kid="k-2024"), hs256_key(OLD_TOKEN_SECRET, kid="k-2023")]),
        case("a kid the verifier does not have, signed by one of its keys",
             token(key=OLD_TOKEN_SECRET, kid="k-2099", claims=c),
             [{"cause": "WrongKeyForKid", "key_index": 1}], keys=[hs256_key(kid="k-2024"), hs256_key(OLD_TOKEN_SECRET, kid="k-2023")]),
        case("another secret altogether", token(key="tok_" + "x" * 40, kid="k-2024", claims=c), [], result="Unexplained"),
    ]


# --------------------------------------------------------------------------
# Tokens made by independent libraries (PyJWT, jose, golang-jwt)

# Each interop program signs `claims` with `header` (plus alg and typ) under
# the case's key, as its library does, and must get exactly this token; the
# Rust suite verifies each one. Printed by `--print` in tests/interop/jwt/.
LIBRARY_TOKENS = {
    "HS256, zendesk profile with a kid": {
        "pyjwt":
            "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFwcF82NGYwYTFiMmMzZDRlNWY2YTdiOGM5ZDAiLCJ0eXAiOiJKV1QifQ.eyJleHRlcm5hbF9pZCI6ImV4dC05MDAxIiwic2NvcGUiOiJ1c2VyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIiwiZW1haWxfdmVyaWZpZWQiOnRydWUsIm5hbWUiOiJKYW5lIERvZSIsImlhdCI6MTcxMjM0NTY3OCwiZXhwIjoxNzEyMzQ1OTc4LCJqdGkiOiI3YzFlOWE1Mi0zYjRkLTRmNmUtOGE5Yi0wYzFkMmUzZjRhNWIifQ.DD2dZ2mu3GSf-kWfBplsRdov0kbtVSghuTtWJyMMjkU",
        "jose":
            "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFwcF82NGYwYTFiMmMzZDRlNWY2YTdiOGM5ZDAiLCJ0eXAiOiJKV1QifQ.eyJleHRlcm5hbF9pZCI6ImV4dC05MDAxIiwic2NvcGUiOiJ1c2VyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIiwiZW1haWxfdmVyaWZpZWQiOnRydWUsIm5hbWUiOiJKYW5lIERvZSIsImlhdCI6MTcxMjM0NTY3OCwiZXhwIjoxNzEyMzQ1OTc4LCJqdGkiOiI3YzFlOWE1Mi0zYjRkLTRmNmUtOGE5Yi0wYzFkMmUzZjRhNWIifQ.DD2dZ2mu3GSf-kWfBplsRdov0kbtVSghuTtWJyMMjkU",
        "golang-jwt":
            "eyJhbGciOiJIUzI1NiIsImtpZCI6ImFwcF82NGYwYTFiMmMzZDRlNWY2YTdiOGM5ZDAiLCJ0eXAiOiJKV1QifQ.eyJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20iLCJlbWFpbF92ZXJpZmllZCI6dHJ1ZSwiZXhwIjoxNzEyMzQ1OTc4LCJleHRlcm5hbF9pZCI6ImV4dC05MDAxIiwiaWF0IjoxNzEyMzQ1Njc4LCJqdGkiOiI3YzFlOWE1Mi0zYjRkLTRmNmUtOGE5Yi0wYzFkMmUzZjRhNWIiLCJuYW1lIjoiSmFuZSBEb2UiLCJzY29wZSI6InVzZXIifQ.M9iISVFWrS_tr6dZnILeN0ac1B2LY5gH_xQRdZG1KnE",
    },
    "HS256, intercom profile without a kid": {
        "pyjwt":
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiNCIsImVtYWlsIjoiYStiQGV4YW1wbGUuY29tIiwiaWF0IjoxNzEyMzQ1Njc4LCJleHAiOjE3MTIzNDU5Nzh9.sGX3AIkIWcWMF4tcX6VNrGOS1c6mcslvenwr6ENRORo",
        "jose":
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoiNCIsImVtYWlsIjoiYStiQGV4YW1wbGUuY29tIiwiaWF0IjoxNzEyMzQ1Njc4LCJleHAiOjE3MTIzNDU5Nzh9.sGX3AIkIWcWMF4tcX6VNrGOS1c6mcslvenwr6ENRORo",
        "golang-jwt":
            "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJlbWFpbCI6ImErYkBleGFtcGxlLmNvbSIsImV4cCI6MTcxMjM0NTk3OCwiaWF0IjoxNzEyMzQ1Njc4LCJ1c2VyX2lkIjoiNCJ9.EN3-6LVtBT99Uli6VFaD5g6Q2bdljPrEEcjdJT2q-nw",
    },
    "EdDSA, userhash profile with a kid": {
        "pyjwt":
            "eyJhbGciOiJFZERTQSIsImtpZCI6ImVkLTIwMjQiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIiwib3JnIjoib3JnXzEyMyIsImlhdCI6MTcxMjM0NTY3OCwiZXhwIjoxNzEyMzQ1OTc4LCJqdGkiOiI3YzFlOWE1Mi0zYjRkLTRmNmUtOGE5Yi0wYzFkMmUzZjRhNWIifQ.0KMr_ifRgJs9mTg3IZYUPn7cxbjaX-gdqLSB6mieg7BCR2gF-cNCctV62-mtuIxKZ6rPp69NWh9dwN7Nh4c2Dw",
        "jose":
            "eyJhbGciOiJFZERTQSIsImtpZCI6ImVkLTIwMjQiLCJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ1c2VyLTQyIiwiZW1haWwiOiJqYW5lQGV4YW1wbGUuY29tIiwib3JnIjoib3JnXzEyMyIsImlhdCI6MTcxMjM0NTY3OCwiZXhwIjoxNzEyMzQ1OTc4LCJqdGkiOiI3YzFlOWE1Mi0zYjRkLTRmNmUtOGE5Yi0wYzFkMmUzZjRhNWIifQ.0KMr_ifRgJs9mTg3IZYUPn7cxbjaX-gdqLSB6mieg7BCR2gF-cNCctV62-mtuIxKZ6rPp69NWh9dwN7Nh4c2Dw",
        "golang-jwt":
            "eyJhbGciOiJFZERTQSIsImtpZCI6ImVkLTIwMjQiLCJ0eXAiOiJKV1QifQ.eyJlbWFpbCI6ImphbmVAZXhhbXBsZS5jb20iLCJleHAiOjE3MTIzNDU5NzgsImlhdCI6MTcxMjM0NTY3OCwianRpIjoiN2MxZTlhNTItM2I0ZC00ZjZlLThhOWItMGMxZDJlM2Y0YTViIiwib3JnIjoib3JnXzEyMyIsInN1YiI6InVzZXItNDIifQ.cmE6NQCVNyYJ_L5etPeOygo9B5B0AqVi7xnfKHTa0Rf9mBAOt7C9CFQcAB6nKY844S0UO0UkuoL7xhQuZiq8Ag",
    },
}


def library_vectors():
    lib_claims = [
        ("HS256, zendesk profile with a kid", "HS256", {"hs256": TOKEN_SECRET}, {"kid": "app_64f0a1b2c3d4e5f6a7b8c9d0"},
         {"external_id": "ext-9001", "scope": "user", "email": "jane@example.com", "email_verified": True,
          "name": "Jane Doe", "iat": NOW_S, "exp": NOW_S + 300, "jti": JTI},
         [hs256_key(kid="app_64f0a1b2c3d4e5f6a7b8c9d0")], options("zendesk"), "zendesk"),
        ("HS256, intercom profile without a kid", "HS256", {"hs256": TOKEN_SECRET}, {},
         {"user_id": "4", "email": "a+b@example.com", "iat": NOW_S, "exp": NOW_S + 300},
         [hs256_key()], options("intercom"), "intercom"),
        ("EdDSA, userhash profile with a kid", "EdDSA",
         {"private_pem": private_pem(ED_SEED), "private_jwk": private_jwk(ED_SEED, "ed-2024")}, {"kid": "ed-2024"},
         {"sub": "user-42", "email": "jane@example.com", "org": ORG, "iat": NOW_S, "exp": NOW_S + 300, "jti": JTI},
         [pem_key(kid="ed-2024")], options(single_use=True), "userhash"),
    ]
    out = []
    for name, alg, key, header, c, keys, opts, profile in lib_claims:
        out.append({
            "name": name, "alg": alg, "key": key, "header": header, "claims": c,
            "tokens": LIBRARY_TOKENS.get(name, {}),
            "keys": keys, "options": opts, "now_ms": NOW_MS + 1000,
            "expect": ok(c, kid=header.get("kid"), alg=alg, profile=profile),
        })
    return out


def jwt_vectors():
    return {
        "description": "Scheme 3 (SPEC 8): JWT identity tokens, HS256 and EdDSA (Ed25519), made with Python's "
                       "standard library and a small RFC 8032 signer, never by userhash.",
        "defaults": DEFAULTS,
        "keys": {
            "hs256_secret": TOKEN_SECRET,
            "ed25519_seed_hex": ED_SEED.hex(),
            "ed25519_private_pem": private_pem(ED_SEED),
            "ed25519_private_jwk": private_jwk(ED_SEED, "ed-2024"),
            "ed25519_public_pem": public_pem(ED_SEED),
            "ed25519_public_jwk": public_jwk(ED_SEED, "ed-2024"),
            "ed25519_public_hex": ed25519_public(ED_SEED).hex(),
        },
        "sign": sign_vectors(),
        "sign_errors": sign_errors(),
        "verify": verify_vectors(),
        "config_errors": config_errors(),
        "diagnose": diagnose_vectors(),
        "library": library_vectors(),
    }
