"""A user's code: mypy --strict must accept it (see test_typing.py)."""
import userhash
h: str = userhash.sign_identifier("a-secret-of-16-bytes!", "user-1")
ok: bool = userhash.verify_identifier("a-secret-of-16-bytes!", "user-1", h)
s = userhash.IdentitySigner("a-secret-of-16-bytes!", "org_1")
i: userhash.SignedIdentity = s.sign("a@b.c")
u: str = userhash.widget_url("https://x/", i, "A", {"k": "v"})
v = userhash.Verifier(["a-secret-of-16-bytes!"], "org_1", nonce_store=userhash.MemoryNonceStore(10))
r: userhash.VerifiedIdentity = v.verify_url(u)
e: str = r.email
d: userhash.Diagnosis = userhash.diagnose(["a-secret-of-16-bytes!"], h, identifier="user-1")
class S(userhash.NonceStore):
    def check_and_insert(self, org_id: str, nonce: str, expires_at_ms: int) -> bool:
        return True
rs: userhash.NonceStore = userhash.RedisNonceStore("redis://127.0.0.1:6379", prefix="app:nonce", connect_timeout_ms=200, command_timeout_ms=100)
vr = userhash.Verifier(["a-secret-of-16-bytes!"], "org_1", nonce_store=userhash.RedisNonceStore("redis://127.0.0.1:6379"))
