"""A user's code: mypy --strict must accept it (see test_typing.py)."""
import asyncio
import os
import typing

import userhash

h: str = userhash.sign_identifier("a-secret-of-16-bytes!", "user-1")
ok: bool = userhash.verify_identifier(b"a-secret-of-16-bytes!", b"user-1", h)
ids = userhash.IdentifierSigner(os.environb.get(b"USERHASH_IDENTIFIER_SECRET", b"a-secret-of-16-bytes!"))
hashes: typing.List[str] = userhash.sign_identifiers("a-secret-of-16-bytes!", ["user-1", "user-2"])
valid: typing.List[bool] = userhash.verify_identifiers("a-secret-of-16-bytes!", [("user-1", h), userhash.IdentifierHash(identifier="user-2", hash=h)])
checked: bool = ids.verify("user-1", ids.sign("user-1"))
s = userhash.IdentitySigner("a-secret-of-16-bytes!", "org_1")
i: userhash.SignedIdentity = s.sign("a@b.c")
u: str = userhash.widget_url("https://x/", i, "A", {"k": "v"})
now_url: str = s.widget_url("https://x/", "a@b.c", "A")
v = userhash.Verifier(["a-secret-of-16-bytes!"], "org_1", nonce_store=userhash.memory_nonce_store(10))
tolerance: int = v.tolerance_ms()
org: str = v.org_id()
try:
    r: userhash.VerifiedIdentity = v.verify_url(u)
    e: str = r.email
    k: int = r.key_index
except userhash.UserHashError.Replayed:
    pass
except userhash.UserHashError.Malformed as bad:
    field: userhash.Field = bad.field
    print(field.as_str(), bad.reason)
except userhash.UserHashError.TooLarge as big:
    limit: userhash.Limit = big.limit
    print(limit.as_str(), big.max)
except userhash.UserHashError.Expired as old:
    print(old.age_ms + old.tolerance_ms + old.timestamp_ms)
except userhash.UserHashError as other:
    message: str = str(other)
    assert message == userhash.error_message(other)
d: userhash.Diagnosis = userhash.diagnose(["a-secret-of-16-bytes!"], h, identifier="user-1")
name: str = d.name()
if isinstance(d, userhash.Diagnosis.EXPLAINED):
    for cause in d.causes:
        print(cause.name(), str(cause))
        if isinstance(cause, userhash.Cause.PLUS_AS_SPACE):
            print(cause.field.as_str(), cause.signed_value, cause.given_value)
d2: userhash.Diagnosis = userhash.diagnose_url([b"a-secret-of-16-bytes!"], u)
class S(userhash.NonceStore):
    def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        if not org_id:
            raise userhash.UserHashError.StoreUnavailable(reason="the database is down")
        return True
rs: userhash.NonceStore = userhash.redis_nonce_store("redis://127.0.0.1:6379", prefix="app:nonce", connect_timeout_ms=200, command_timeout_ms=100)
vr = userhash.Verifier(["a-secret-of-16-bytes!"], "org_1", nonce_store=userhash.redis_nonce_store("redis://127.0.0.1:6379"))
vs = userhash.Verifier(["a-secret-of-16-bytes!"], "org_1", 60_000, S(), max_url_len=8192, max_params=100)
# The awaited checks, for an asyncio server.
async def handler(url: str) -> str:
    got: userhash.VerifiedIdentity = await vr.verify_url_async(url)
    again: userhash.VerifiedIdentity = await vr.verify_url_at_async(url, 1712345678901)
    return got.email + again.nonce
print(asyncio.run(handler(u)))
# Managed Redis.
acl = userhash.redis_nonce_store("rediss://cache.example.com:6380", username="verifier", password=os.environ.get("REDIS_PASSWORD", "p"), ca_file="/etc/ssl/ca.pem", wait_replicas=1, wait_timeout_ms=200)
cluster: userhash.NonceStore = userhash.redis_cluster_nonce_store(["redis://10.0.0.1:6379", "redis://10.0.0.2:6379"], prefix="app:nonce")
# Identity tokens.
pair = userhash.Ed25519KeyPair.generate("ed-2024")
private_pem: str = pair.private_pem()
ed = userhash.TokenSigner.ed25519(private_pem, userhash.Profile.USERHASH, kid="ed-2024", org="org_1", lifetime_s=120)
hs = userhash.TokenSigner.hs256(b"a-token-secret-of-32-bytes-0123456", userhash.Profile.ZENDESK, kid="app_1")
token: str = ed.sign(userhash.TokenSubject(user_id="user-42", email="a@b.c"))
zendesk: str = hs.sign_at(userhash.TokenSubject(user_id="ext-1", email_verified=True, name="Jane"), 1712345678901, "jti-00000001")
keys: typing.List[userhash.TokenKey] = userhash.parse_public_keys(pair.public_pem(), "ed-2024") + [userhash.TokenKey.hs256("a-token-secret-of-32-bytes-0123456", "app_1")]
tv = userhash.TokenVerifier(keys, userhash.Profile.USERHASH, org="org_1", leeway_s=10, single_use=True, nonce_store=S())
try:
    vt: userhash.VerifiedToken = tv.verify(token)
    alg: userhash.Algorithm = vt.algorithm
    user: str = vt.user_id
    index: int = vt.key_index
except userhash.UserHashError.UnknownKey as unknown:
    print(unknown.kid)
except userhash.UserHashError.AlgorithmRefused as refused:
    print(refused.alg, refused.expected)
except userhash.UserHashError.MissingClaim as missing:
    print(missing.claim)
except userhash.UserHashError.WrongAudience as audience:
    print(audience.claim, audience.expected, audience.actual)
except userhash.UserHashError.LifetimeTooLong as lifetime:
    print(lifetime.lifetime_s + lifetime.max_lifetime_s)
except userhash.UserHashError as refusal:
    variant: str = refusal.name()
    about: typing.Optional[userhash.Field] = refusal.input_field()
td: userhash.TokenDiagnosis = tv.diagnose_at(token, 1712345678901)
if isinstance(td, userhash.TokenDiagnosis.EXPLAINED):
    for token_cause in td.causes:
        print(token_cause.name(), str(token_cause))
