package dev.userhash

/**
 * Examples of bindings/kotlin/README.md, as they are printed there: each
 * block is the lines between one pair of `// README <name> start|end`
 * markers, less the indentation of the function around them.
 * PackageReadmeTest checks the README shows exactly these lines and runs them.
 */
object PackageReadmeExamples {
    /** The `tokens` block: HS256 and EdDSA, one verifier with both keys, single use. */
    fun tokens(tokenSecret: String): List<String> {
        val printed = mutableListOf<String>()
        fun println(line: String) {
            printed += line
        }
        // README tokens start
        // The customer's backend: an HS256 token, under a secret of its own (at least 32 bytes) ...
        val signer = TokenSigner.hs256(tokenSecret, Profile.USERHASH, kid = "2024-06", org = "org_123")
        val token = signer.sign(TokenSubject("user-42", email = "jane@example.com"))  // 5 minutes, a fresh jti

        // ... or EdDSA: the backend keeps the private key, the widget's server only the public one.
        val pair = Ed25519KeyPair.generate("ed-2024")        // once; keep pair.privatePem() as a secret
        val edSigner = TokenSigner.ed25519(pair.privatePem(), Profile.USERHASH, kid = "ed-2024", org = "org_123")
        val publicKeys = parsePublicKeys(pair.publicJwk())  // an SPKI PEM, a JWK or a JWK Set

        // The widget's server: the key is chosen by kid (several live at once: rotation),
        // the algorithm by the key, never by the token; each token is accepted once.
        val verifier = TokenVerifier(
            listOf(TokenKey.hs256(tokenSecret, "2024-06")) + publicKeys, Profile.USERHASH,
            org = "org_123", singleUse = true,
        )
        try {
            val user = verifier.verify(token)                // VerifiedToken(userId, email, ..., kid, keyIndex)
            println("verified ${user.userId} <${user.email}> with key ${user.kid}")
            println("verified ${verifier.verify(edSigner.sign(TokenSubject("user-7"))).userId}")
            verifier.verify(token)                           // the same jti again
        } catch (e: UserHashException) {                     // Replayed, Expired, UnknownKey, AlgorithmRefused, ...
            println("${e.name()}: $e")
        }
        // README tokens end
        return printed
    }
}
