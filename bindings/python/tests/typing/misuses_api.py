"""A user's mistakes: mypy must flag each line marked `# E` (see test_typing.py)."""
import asyncio

import userhash

userhash.sign_identifier("a-secret-of-16-bytes!", 42)  # E
userhash.IdentitySigner("a-secret-of-16-bytes!", "org_1").sign_at("a@b.c", "1712345678901", "nonce-01")  # E
flag: str = userhash.verify_identifier("a-secret-of-16-bytes!", "user-1", "00")  # E
userhash.Verifier(["a-secret-of-16-bytes!"], "org_1", nonce_store="memory")  # E
userhash.redis_nonce_store(b"redis://127.0.0.1:6379")  # E
userhash.redis_nonce_store("redis://127.0.0.1:6379", command_timeout_ms="100")  # E
userhash.UserHashError.StoreUnavailable(reason=3)  # E
userhash.UserHashError.Malformed(field="email", reason="empty")  # E
userhash.UserHashError.NoSuchVariant  # E
userhash.IdentitySigner("a-secret-of-16-bytes!", "org_1").widget_url("https://x/", 42)  # E
userhash.Verifier(["a-secret-of-16-bytes!"], "org_1").tolerance_ms + 1  # E
asyncio.run(userhash.Verifier(["a-secret-of-16-bytes!"], "org_1").verify_url_async(b"orgId=org_1"))  # E
userhash.UserHashError.UnknownKey(kid=3)  # E
missing_claim: int = userhash.UserHashError.MissingClaim(claim="exp").claim  # E
userhash.TokenSigner.hs256("a-token-secret-of-32-bytes-0123456", "userhash")  # E
userhash.TokenVerifier(["a-token-secret-of-32-bytes-0123456"], userhash.Profile.DRIFT)  # E
userhash.TokenSubject(user_id="user-1", email_verified="false")  # E
userhash.redis_nonce_store("redis://127.0.0.1:6379", wait_replicas="1")  # E
