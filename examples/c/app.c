/* A native app signs its logged-in user and builds the widget's URL with
 * libuserhash; then, playing the widget's server, verifies that URL.
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
    return rc;
}
