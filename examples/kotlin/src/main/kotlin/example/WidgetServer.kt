package example

import dev.userhash.NonceStore
import dev.userhash.Profile
import dev.userhash.TokenVerifier
import dev.userhash.UserHashException
import dev.userhash.Verifier
import dev.userhash.memoryNonceStore
import dev.userhash.parsePublicKeys
import dev.userhash.redisNonceStore
import dev.userhash.verify
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.withContext

/**
 * The widget's server, the side that verifies, as the `suspend` handlers of
 * a Ktor or Spring WebFlux app would be. Both routes answer the text the
 * widget shows: "verified as ...", or the rejection's name and what to fix.
 *
 * [nonceStore] is shared by both checks (replicas behind a load balancer
 * share one Redis: [nonceStore] below). [tokenPublicKeys] is the backend's
 * Ed25519 public key (a PEM, a JWK or a JWK Set): this server can verify
 * tokens but sign none.
 */
class WidgetServer(secrets: List<String>, orgId: String, tokenPublicKeys: String, nonceStore: NonceStore) {
    private val verifier = Verifier(secrets, orgId, nonceStore = nonceStore)
    private val tokens = TokenVerifier(parsePublicKeys(tokenPublicKeys), Profile.USERHASH, org = orgId, singleUse = true, nonceStore = nonceStore)

    /**
     * `GET /widget?orgId=...&user_hash=...`: the signed widget URL, verified
     * with the generated suspend function, so a Redis round trip suspends
     * this coroutine instead of holding a thread.
     */
    suspend fun openWidget(url: String): String =
        try {
            "verified as " + verifier.verifyUrlAsync(url).email
        } catch (e: UserHashException) {
            "${e.name()}: $e"
        }

    /**
     * `GET /me` with `Authorization: Bearer <token>`: an identity token,
     * accepted once. Token verification has no suspend form, so it runs on
     * [Dispatchers.IO], where a Redis round trip blocks no event loop.
     */
    suspend fun me(authorization: String): String =
        withContext(Dispatchers.IO) {
            try {
                "verified as " + tokens.verify(authorization.removePrefix("Bearer ")).email
            } catch (e: UserHashException) {
                "${e.name()}: $e"
            }
        }

    companion object {
        /**
         * Redis when `REDIS_URL` is set (`rediss://` for TLS; the ACL user and
         * its password apart from the URL, in `REDIS_USERNAME` and
         * `REDIS_PASSWORD`; `REDIS_CA_FILE` for your own CA), memory otherwise.
         * Making the store does not connect; while Redis is down every check
         * is refused (`StoreUnavailable`).
         */
        fun nonceStore(env: (String) -> String? = System::getenv): NonceStore {
            val url = env("REDIS_URL") ?: return memoryNonceStore()
            return redisNonceStore(url, username = env("REDIS_USERNAME"), password = env("REDIS_PASSWORD"), caFile = env("REDIS_CA_FILE"))
        }
    }
}
