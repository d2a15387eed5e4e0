"""A user's code: mypy --strict must accept it (see test_typing.py)."""
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
