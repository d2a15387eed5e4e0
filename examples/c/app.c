/* A native app signs its logged-in user and builds the widget's URL with
 * libuserhash; then, playing the widget's server, verifies that URL. Last,
 * the same with an identity token (a JWT, EdDSA).
 *
 *   cargo xtask install-c --prefix "$HOME/.local"
 *   export PKG_CONFIG_PATH="$HOME/.local/lib/pkgconfig" LD_LIBRARY_PATH="$HOME/.local/lib"
 *   cc app.c $(pkg-config --cflags --libs userhash) -o app
 *   USERHASH_IDENTIFIER_SECRET=$(openssl rand -hex 32) USERHASH_SECRET=$(openssl rand -hex 32) ./app
 *
 * One secret per scheme (SECURITY.md): the identifier hash and the signed
 * identity must never share one.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <userhash.h>

/* Prints why a call failed: the status's name and the library's message. */
static int fail(const char *what, userhash_status status) {
    const char *field = userhash_last_error_field();
    fprintf(stderr, "%s: %s%s%s: %s\n", what, userhash_status_name(status), field ? " on " : "", field ? field : "",
            userhash_last_error_message());
    return 1;
}

/* Scheme 3: an identity token (a JWT) signed with an Ed25519 private key, so
 * the widget's server holds only the public key. A real backend loads its
 * private key (`userhash keygen` writes one, mode 0600); this one makes a
 * pair. Returns 0 when the token verifies once and is then a replay. */
static int token_round_trip(const char *org_id, const char *user_id, const char *email) {
    userhash_ed25519_key_pair *pair = NULL;
    userhash_token_signer *signer = NULL;
    userhash_token_verifier *verifier = NULL;
    userhash_verified_token *user = NULL;
    char *token = NULL;
    size_t token_len = 0;
    int rc = 1;
    userhash_status st = userhash_ed25519_key_pair_generate("2026-01", 7, &pair);
    if (st != USERHASH_OK) {
        rc = fail("ed25519_key_pair_generate", st);
        goto done;
    }
    /* The customer's backend: the userhash profile signs sub, email and org. */
    userhash_token_signer_options options = {0}; /* USERHASH_TOKEN_PROFILE_USERHASH, default lifetime */
    options.kid = pair->kid;
    options.org = (userhash_str){org_id, strlen(org_id)};
    st = userhash_token_signer_new_ed25519(pair->private_pem.ptr, pair->private_pem.len, &options, &signer);
    userhash_token_subject subject = {0}; /* optional claims: ptr NULL */
    subject.user_id = (userhash_str){user_id, strlen(user_id)};
    subject.email = (userhash_str){email, strlen(email)};
    if (st == USERHASH_OK) st = userhash_token_signer_sign(signer, &subject, &token, &token_len);
    if (st != USERHASH_OK) {
        rc = fail("token_signer", st);
        goto done;
    }
    printf("token (%zu bytes): %s\n", token_len, token);

    /* The widget's server: the public key, each token once. */
    userhash_token_key keys[] = {{.public_key = pair->public_pem, .kid = pair->kid}};
    st = userhash_token_verifier_new(keys, 1, USERHASH_TOKEN_PROFILE_USERHASH, org_id, strlen(org_id), &verifier);
    if (st == USERHASH_OK) st = userhash_token_verifier_set_single_use(verifier, true);
    if (st == USERHASH_OK) st = userhash_token_verifier_verify(verifier, token, token_len, &user);
    if (st != USERHASH_OK) {
        rc = fail("token_verifier", st);
        goto done;
    }
    printf("token verified: user %s, email %s, %s key %zu\n", user->user_id.ptr, user->email.ptr,
           userhash_token_algorithm_name(user->algorithm), user->key_index);
    userhash_verified_token_free(&user);
    st = userhash_token_verifier_verify(verifier, token, token_len, &user);
    printf("the same token again: %s\n", userhash_status_name(st));
    rc = st == USERHASH_REPLAYED ? 0 : 1;

done:
    userhash_verified_token_free(&user);
    userhash_token_verifier_free(&verifier);
    userhash_string_free(&token);
    userhash_token_signer_free(&signer);
    userhash_ed25519_key_pair_free(&pair); /* wipes the private key's texts */
    return rc;
}

int main(void) {
    /* The secrets come from the environment, never from argv or the code:
     * one for the identifier hash, another for the signed identity. */
    const char *identifier_secret = getenv("USERHASH_IDENTIFIER_SECRET");
    const char *secret = getenv("USERHASH_SECRET");
    if (identifier_secret == NULL || secret == NULL) {
        fprintf(stderr, "set USERHASH_IDENTIFIER_SECRET and USERHASH_SECRET, two different secrets "
                        "(at least 16 bytes each; 32 random ones is right)\n");
        return 2;
    }
    if (strcmp(identifier_secret, secret) == 0) {
        fprintf(stderr, "USERHASH_IDENTIFIER_SECRET and USERHASH_SECRET are the same: give each scheme its own "
                        "secret (SECURITY.md)\n");
        return 2;
    }
    const char *org_id = "org_123";
    const char *user_id = "4";
    const char *email = "a+b@example.com";
    userhash_status st;

    /* Scheme 1: the identifier hash a widget snippet sends with the user id. */
    char hash[USERHASH_HEX_LEN + 1];
    st = userhash_sign_identifier(identifier_secret, strlen(identifier_secret), user_id, strlen(user_id), hash,
                                  sizeof hash);
    if (st != USERHASH_OK) return fail("sign_identifier", st);
    printf("identifier_hash for user %s: %s\n", user_id, hash);

    /* Scheme 2: sign the user now, with a fresh nonce, and build the widget URL. */
    userhash_identity_signer *signer = NULL;
    userhash_signed_identity *identity = NULL;
    char *url = NULL;
    size_t url_len = 0;
    int rc = 1;
    st = userhash_identity_signer_new(secret, strlen(secret), org_id, strlen(org_id), &signer);
    if (st != USERHASH_OK) {
        rc = fail("identity_signer_new", st);
        goto done;
    }
    st = userhash_identity_signer_sign(signer, email, strlen(email), &identity);
    if (st != USERHASH_OK) {
        rc = fail("sign", st);
        goto done;
    }
    const userhash_param params[] = {{{"theme", 5}, {"dark", 4}}};
    const char *base = "https://widget.example.com/chat";
    st = userhash_widget_url(base, strlen(base), identity, "Alice", 5, params, 1, &url, &url_len);
    if (st != USERHASH_OK) {
        rc = fail("widget_url", st);
        goto done;
    }
    printf("signed at %" PRIu64 " with nonce %s\nwidget URL: %s\n", identity->timestamp_ms, identity->nonce.ptr, url);

    /* The widget's server: verify before opening the conversation. */
    userhash_verifier *verifier = NULL;
    userhash_verified_identity *user = NULL;
    userhash_str secrets[] = {{secret, strlen(secret)}}; /* current first, then previous ones */
    st = userhash_verifier_new(secrets, 1, org_id, strlen(org_id), &verifier);
    if (st == USERHASH_OK) st = userhash_verifier_verify_url(verifier, url, url_len, &user);
    if (st == USERHASH_OK) {
        printf("verified as %s (name %s, key %zu)\n", user->email.ptr, user->name.ptr ? user->name.ptr : "-",
               user->key_index);
        userhash_verified_identity_free(&user);
        /* The same URL again is a replay: a signed URL is good for one page load. */
        st = userhash_verifier_verify_url(verifier, url, url_len, &user);
        printf("the same URL again: %s\n", userhash_status_name(st));
        rc = st == USERHASH_REPLAYED ? 0 : 1;
    } else {
        rc = fail("verify_url", st);
    }
    userhash_verifier_free(&verifier);

done:
    /* Each _free takes the pointer's address and clears it; NULL is fine. */
    userhash_string_free(&url);
    userhash_signed_identity_free(&identity);
    userhash_identity_signer_free(&signer);
    if (rc == 0) rc = token_round_trip(org_id, user_id, email);
    return rc;
}
