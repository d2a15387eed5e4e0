/* The C API's own conventions: NULL pointers, non-UTF-8 text, small buffers,
 * a 1 MiB input, frees that cannot double-free, per-thread errors, a panic
 * caught, and an application's own nonce store. Inputs come from the vectors;
 * only the broken parts (NULL, bad bytes, sizes) are made here. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* Built into the test library only (feature `test-hooks`), not in userhash.h. */
userhash_status userhash_test_panic(void);

/* A valid secret, identifier and hash: identifier.json's first sign case. */
static userhash_str secret, identifier, hash;
/* A valid signing input and URL: widget_url.json's first case. */
static userhash_str org, email, nonce, base_url, url;
static uint64_t timestamp;
static const char not_utf8[] = "\xff\xfe user";

static void test_null_and_utf8(void) {
    char hex[USERHASH_HEX_LEN + 1];
    bool valid = true;

    begin_case("conventions", "sign_identifier: NULL secret, identifier or output");
    CHECK_STATUS(seen(userhash_sign_identifier(NULL, 20, identifier.ptr, identifier.len, hex, sizeof hex)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "secret is NULL") != NULL, "%s", userhash_last_error_message());
    CHECK(hex[0] == '\0', "output not emptied");
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, NULL, 0, hex, sizeof hex)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, NULL, 65)),
                 USERHASH_INVALID_ARGUMENT);
    end_case();

    begin_case("conventions", "verify_identifier: NULL inputs or output");
    CHECK_STATUS(seen(userhash_verify_identifier(NULL, 0, identifier.ptr, identifier.len, hash.ptr, hash.len, &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(!valid, "valid not cleared");
    valid = true;
    CHECK_STATUS(seen(userhash_verify_identifier(secret.ptr, secret.len, NULL, 1, hash.ptr, hash.len, &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(!valid, "valid not cleared");
    CHECK_STATUS(seen(userhash_verify_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, NULL, 64,
                                                 &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verify_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hash.ptr,
                                                 hash.len, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    end_case();

    begin_case("conventions", "text that is not UTF-8 is refused, secrets are bytes");
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, not_utf8, strlen(not_utf8), hex, sizeof hex)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "identifier is not valid UTF-8") != NULL, "%s",
          userhash_last_error_message());
    CHECK_STATUS(seen(userhash_verify_identifier(secret.ptr, secret.len, not_utf8, strlen(not_utf8), hash.ptr,
                                                 hash.len, &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verify_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, not_utf8,
                                                 strlen(not_utf8), &valid)),
                 USERHASH_INVALID_ARGUMENT);
    /* A secret of arbitrary bytes is fine (it is a key, not text). */
    char binary_secret[32];
    for (size_t i = 0; i < sizeof binary_secret; i++) binary_secret[i] = (char)(0xff - i);
    CHECK_STATUS(seen(userhash_sign_identifier(binary_secret, sizeof binary_secret, identifier.ptr, identifier.len, hex,
                                               sizeof hex)),
                 USERHASH_OK);
    CHECK(strlen(hex) == USERHASH_HEX_LEN, "hash %s", hex);
    userhash_identity_signer *signer = NULL;
    CHECK_STATUS(seen(userhash_identity_signer_new(secret.ptr, secret.len, not_utf8, strlen(not_utf8), &signer)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(signer == NULL, "signer set");
    userhash_verifier *verifier = NULL;
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    userhash_verified_identity *got = (userhash_verified_identity *)&got; /* garbage: must become NULL */
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, not_utf8, strlen(not_utf8), timestamp, &got)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(got == NULL, "identity not cleared");
    char org_out[USERHASH_MAX_ORG_ID_LEN + 1];
    CHECK_STATUS(seen(userhash_org_id_of(not_utf8, strlen(not_utf8), org_out, sizeof org_out)),
                 USERHASH_INVALID_ARGUMENT);
    userhash_verifier_free(&verifier);
    end_case();

    begin_case("conventions", "signer, identity, widget URL and verifier: NULL arguments");
    CHECK_STATUS(seen(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identity_signer_new(NULL, 0, org.ptr, org.len, &signer)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, &signer)), USERHASH_OK);
    userhash_signed_identity *id = NULL;
    CHECK_STATUS(seen(userhash_identity_signer_sign(NULL, email.ptr, email.len, &id)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identity_signer_sign(signer, NULL, 3, &id)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identity_signer_sign(signer, email.ptr, email.len, NULL)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identity_signer_sign_at(signer, email.ptr, email.len, timestamp, NULL, 36, &id)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(id == NULL, "identity set");
    CHECK_STATUS(seen(userhash_identity_signer_sign_at(signer, email.ptr, email.len, timestamp, nonce.ptr, nonce.len,
                                                       &id)),
                 USERHASH_OK);
    char *out_url = NULL;
    CHECK_STATUS(seen(userhash_widget_url(NULL, 0, id, NULL, 0, NULL, 0, &out_url, NULL)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, NULL, NULL, 0, NULL, 0, &out_url, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, id, NULL, 0, NULL, 2, &out_url, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "params is NULL") != NULL, "%s", userhash_last_error_message());
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, id, NULL, 0, NULL, 0, NULL, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    userhash_param bad = {{NULL, 1}, {"v", 1}};
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, id, NULL, 0, &bad, 1, &out_url, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    /* A hand-built identity with a NULL field, or one that breaks a rule, is checked again. */
    userhash_signed_identity forged = *id;
    forged.email.ptr = NULL;
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, &forged, NULL, 0, NULL, 0, &out_url, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    forged = *id;
    forged.user_hash.len = 10;
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, &forged, NULL, 0, NULL, 0, &out_url, NULL)),
                 USERHASH_MALFORMED);
    CHECK(strcmp(userhash_last_error_field(), "user_hash") == 0, "field %s", userhash_last_error_field());
    CHECK(out_url == NULL, "url set");
    userhash_signed_identity_free(&id);
    userhash_identity_signer_free(&signer);

    userhash_str with_null[2] = {secret, {NULL, 20}};
    CHECK_STATUS(seen(userhash_verifier_new(with_null, 2, org.ptr, org.len, &verifier)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_new(NULL, 1, org.ptr, org.len, &verifier)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, NULL, 0, &verifier)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, NULL)), USERHASH_INVALID_ARGUMENT);
    CHECK(verifier == NULL, "verifier set");
    CHECK_STATUS(seen(userhash_verifier_set_tolerance_ms(NULL, 1)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_set_memory_store(NULL, 1)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_verifier_set_nonce_store(verifier, NULL, NULL)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(NULL, url.ptr, url.len, timestamp, &got)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, NULL, 10, timestamp, &got)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, url.ptr, url.len, timestamp, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, NULL, 10, &got)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_org_id_of(NULL, 0, org_out, sizeof org_out)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_org_id_of(url.ptr, url.len, NULL, sizeof org_out)), USERHASH_INVALID_ARGUMENT);
    userhash_verifier_free(&verifier);
    uint8_t tag[USERHASH_TAG_LEN];
    CHECK_STATUS(seen(userhash_hmac_sha256(NULL, 0, (const uint8_t *)"m", 1, tag, sizeof tag)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_hmac_sha256((const uint8_t *)"k", 1, NULL, 0, tag, sizeof tag)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_hmac_sha256((const uint8_t *)"k", 1, (const uint8_t *)"m", 1, NULL, 32)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verify_hmac_sha256((const uint8_t *)"k", 1, (const uint8_t *)"m", 1, NULL, 32, &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_verify_hmac_sha256((const uint8_t *)"k", 1, (const uint8_t *)"m", 1, tag, 32, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    end_case();

    begin_case("conventions", "identifier signer: NULL arguments");
    userhash_identifier_signer *id_signer = NULL;
    CHECK_STATUS(seen(userhash_identifier_signer_new(NULL, 20, &id_signer)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identifier_signer_new(secret.ptr, secret.len, NULL)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identifier_signer_new(secret.ptr, secret.len, &id_signer)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_identifier_signer_sign(NULL, identifier.ptr, identifier.len, hex, sizeof hex)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identifier_signer_sign(id_signer, NULL, 1, hex, sizeof hex)), USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identifier_signer_sign(id_signer, identifier.ptr, identifier.len, hex, 10)),
                 USERHASH_BUFFER_TOO_SMALL);
    CHECK_STATUS(seen(userhash_identifier_signer_sign(id_signer, not_utf8, strlen(not_utf8), hex, sizeof hex)),
                 USERHASH_INVALID_ARGUMENT);
    valid = true;
    CHECK_STATUS(seen(userhash_identifier_signer_verify(NULL, identifier.ptr, identifier.len, hash.ptr, hash.len,
                                                        &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(!valid, "valid not cleared");
    CHECK_STATUS(seen(userhash_identifier_signer_verify(id_signer, identifier.ptr, identifier.len, NULL, 64, &valid)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identifier_signer_verify(id_signer, identifier.ptr, identifier.len, hash.ptr,
                                                        hash.len, NULL)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK_STATUS(seen(userhash_identifier_signer_verify(id_signer, identifier.ptr, identifier.len, hash.ptr,
                                                        hash.len, &valid)),
                 USERHASH_OK);
    CHECK(valid, "the hash under `secret` does not verify");
    userhash_identifier_signer_free(&id_signer);
    userhash_identifier_signer_free(&id_signer);
    userhash_identifier_signer_free(NULL);
    CHECK(id_signer == NULL, "pointer not cleared");
    end_case();

    begin_case("conventions", "a length no object can have");
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, SIZE_MAX, identifier.ptr, identifier.len, hex, sizeof hex)),
                 USERHASH_INVALID_ARGUMENT);
    end_case();
}

static void test_buffers(void) {
    char hex[USERHASH_HEX_LEN + 1];
    begin_case("conventions", "a too-small output buffer");
    memset(hex, 'x', sizeof hex);
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hex,
                                               USERHASH_HEX_LEN)),
                 USERHASH_BUFFER_TOO_SMALL);
    CHECK(hex[0] == '\0' && hex[1] == 'x', "the short buffer was not just emptied");
    CHECK(strstr(userhash_last_error_message(), "out_hex has 64 bytes; at least 65") != NULL, "%s",
          userhash_last_error_message());
    memset(hex, 'x', sizeof hex);
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hex, 0)),
                 USERHASH_BUFFER_TOO_SMALL);
    CHECK(hex[0] == 'x', "a 0-byte buffer was written to");
    char org_out[USERHASH_MAX_ORG_ID_LEN + 1];
    CHECK_STATUS(seen(userhash_org_id_of(url.ptr, url.len, org_out, USERHASH_MAX_ORG_ID_LEN)),
                 USERHASH_BUFFER_TOO_SMALL);
    uint8_t tag[USERHASH_TAG_LEN];
    CHECK_STATUS(seen(userhash_hmac_sha256((const uint8_t *)"k", 1, (const uint8_t *)"m", 1, tag, sizeof tag - 1)),
                 USERHASH_BUFFER_TOO_SMALL);
    /* The exact size is enough. */
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hex,
                                               USERHASH_HEX_LEN + 1)),
                 USERHASH_OK);
    CHECK(strcmp(hex, hash.ptr) == 0, "hash %s", hex);
    end_case();

    begin_case("conventions", "an overstated buffer length: only the text and its NUL are written");
    /* An exact-size heap block: ASan and valgrind see any write past it. */
    char *exact = malloc(USERHASH_HEX_LEN + 1);
    if (exact == NULL) abort();
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, exact, 4096)),
                 USERHASH_OK);
    CHECK(strcmp(exact, hash.ptr) == 0, "hash %s", exact);
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, exact, SIZE_MAX)),
                 USERHASH_OK);
    CHECK(strcmp(exact, hash.ptr) == 0, "hash %s", exact);
    free(exact);
    end_case();

    begin_case("conventions", "the output buffer may be the input's (signing in place)");
    /* The identifier is read before anything is written: the hash is the
     * identifier's, not that of a string whose first byte became the NUL. */
    char in_place[USERHASH_HEX_LEN + 1];
    memcpy(in_place, identifier.ptr, identifier.len);
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, in_place, identifier.len, in_place,
                                               sizeof in_place)),
                 USERHASH_OK);
    CHECK(strcmp(in_place, hash.ptr) == 0, "signed in place: %s, want %s", in_place, hash.ptr);
    userhash_identifier_signer *signer = NULL;
    CHECK_STATUS(seen(userhash_identifier_signer_new(secret.ptr, secret.len, &signer)), USERHASH_OK);
    memcpy(in_place, identifier.ptr, identifier.len);
    CHECK_STATUS(seen(userhash_identifier_signer_sign(signer, in_place, identifier.len, in_place, sizeof in_place)),
                 USERHASH_OK);
    CHECK(strcmp(in_place, hash.ptr) == 0, "signer, in place: %s", in_place);
    userhash_identifier_signer_free(&signer);
    /* A failed call still leaves "" in the shared buffer. */
    memcpy(in_place, identifier.ptr, identifier.len);
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, 3, in_place, identifier.len, in_place, sizeof in_place)),
                 USERHASH_WEAK_SECRET);
    CHECK(in_place[0] == '\0', "a failed in-place sign left output");
    /* org_id_of reads the URL before writing the org over it. */
    char url_in_place[USERHASH_MAX_ORG_ID_LEN + 1 + 64];
    int n = snprintf(url_in_place, sizeof url_in_place, "orgId=%.*s&x=1", (int)org.len, org.ptr);
    CHECK_STATUS(seen(userhash_org_id_of(url_in_place, (size_t)n, url_in_place, sizeof url_in_place)), USERHASH_OK);
    CHECK(str_eq_c(org, url_in_place), "org in place: %s", url_in_place);
    end_case();
}

static void test_large_input(void) {
    begin_case("conventions", "a 1 MiB identifier and URL");
    size_t size = 1 << 20;
    char *big = malloc(size);
    if (big == NULL) abort();
    memset(big, 'u', size);
    char hex[USERHASH_HEX_LEN + 1];
    bool valid = true;
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, big, size, hex, sizeof hex)),
                 USERHASH_MALFORMED);
    CHECK(strcmp(userhash_last_error_field(), "identifier") == 0, "field %s", userhash_last_error_field());
    CHECK(strstr(userhash_last_error_message(), "1048576 bytes") != NULL, "%s", userhash_last_error_message());
    CHECK_STATUS(seen(userhash_verify_identifier(secret.ptr, secret.len, big, size, hash.ptr, hash.len, &valid)),
                 USERHASH_OK);
    CHECK(!valid, "a 1 MiB identifier verified");
    /* The raw MAC takes any length. */
    uint8_t tag[USERHASH_TAG_LEN];
    CHECK_STATUS(seen(userhash_hmac_sha256((const uint8_t *)secret.ptr, secret.len, (const uint8_t *)big, size, tag,
                                           sizeof tag)),
                 USERHASH_OK);
    /* A 1 MiB URL: the valid URL followed by a huge extra parameter. */
    char *long_url = malloc(url.len + size + 8);
    if (long_url == NULL) abort();
    int n = sprintf(long_url, "%s&pad=", url.ptr);
    memset(long_url + n, 'p', size);
    userhash_verifier *verifier = NULL;
    userhash_verified_identity *got = NULL;
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    /* Past the default USERHASH_DEFAULT_MAX_URL_LEN it is refused unread, and its nonce is not used up. */
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, long_url, (size_t)n + size, timestamp, &got)),
                 USERHASH_TOO_LARGE);
    CHECK(got == NULL, "a refused URL left an identity");
    CHECK(strcmp(userhash_last_error_field(), "max_url_len") == 0, "limit %s", userhash_last_error_field());
    CHECK(strstr(userhash_last_error_message(), "65536 bytes") != NULL, "%s", userhash_last_error_message());
    /* With the limits raised, the extra parameter (not signed) comes back whole. */
    CHECK_STATUS(seen(userhash_verifier_set_limits(verifier, SIZE_MAX, SIZE_MAX)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, long_url, (size_t)n + size, timestamp, &got)),
                 USERHASH_OK);
    CHECK(got != NULL && got->params_len == 1 && got->params[0].value.len == size, "the 1 MiB param");
    userhash_verified_identity_free(&got);
    userhash_verifier_free(&verifier);
    free(long_url);
    free(big);
    end_case();
}

static void test_frees(void) {
    begin_case("conventions", "every _free takes NULL and frees once");
    userhash_identity_signer_free(NULL);
    userhash_signed_identity_free(NULL);
    userhash_string_free(NULL);
    userhash_verifier_free(NULL);
    userhash_verified_identity_free(NULL);
    userhash_identity_signer *signer = NULL;
    userhash_identity_signer_free(&signer);
    CHECK_STATUS(seen(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, &signer)), USERHASH_OK);
    userhash_signed_identity *id = NULL;
    CHECK_STATUS(seen(userhash_identity_signer_sign(signer, email.ptr, email.len, &id)), USERHASH_OK);
    char *u = NULL;
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, id, NULL, 0, NULL, 0, &u, NULL)), USERHASH_OK);
    userhash_verifier *verifier = NULL;
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    userhash_verified_identity *got = NULL;
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, u, strlen(u), &got)), USERHASH_OK);
    /* Each free twice: the second finds NULL (valgrind and ASan would see a real double free). */
    userhash_verified_identity_free(&got);
    userhash_verified_identity_free(&got);
    userhash_string_free(&u);
    userhash_string_free(&u);
    userhash_signed_identity_free(&id);
    userhash_signed_identity_free(&id);
    userhash_identity_signer_free(&signer);
    userhash_identity_signer_free(&signer);
    userhash_verifier_free(&verifier);
    userhash_verifier_free(&verifier);
    CHECK(got == NULL && u == NULL && id == NULL && signer == NULL && verifier == NULL, "a pointer was not cleared");
    end_case();
}

static void test_status_texts(void) {
    begin_case("conventions", "status messages and names");
    for (int s = USERHASH_OK; s <= LAST_STATUS; s++) {
        const char *message = userhash_status_message(s), *name = userhash_status_name(s);
        CHECK(message != NULL && strlen(message) > 5, "status %d has no message", s);
        CHECK(name != NULL && strcmp(name, "Unknown") != 0, "status %d has no name", s);
        CHECK(strcmp(message, "unknown userhash status") != 0, "status %d is unknown", s);
    }
    CHECK(strcmp(userhash_status_message(-1), "unknown userhash status") == 0, "-1");
    CHECK(strcmp(userhash_status_message(999), "unknown userhash status") == 0, "999");
    CHECK(strcmp(userhash_status_name(999), "Unknown") == 0, "999");
    /* LAST_STATUS is the last code: the next number has none, so a new code
     * fails here until the harness (and this suite) cover it. */
    CHECK(strcmp(userhash_status_name(LAST_STATUS + 1), "Unknown") == 0, "a status after %s: raise LAST_STATUS",
          userhash_status_name(LAST_STATUS));
    CHECK(strcmp(userhash_status_message(LAST_STATUS + 1), "unknown userhash status") == 0, "LAST_STATUS + 1");
    CHECK(strcmp(userhash_status_name(USERHASH_MISMATCH), "Mismatch") == 0, "Mismatch");
    end_case();

    begin_case("conventions", "a caught panic is USERHASH_INTERNAL");
    CHECK_STATUS(seen(userhash_test_panic()), USERHASH_INTERNAL);
    CHECK(strstr(userhash_last_error_message(), "userhash_test_panic was called") != NULL, "%s",
          userhash_last_error_message());
    CHECK(userhash_last_error_status() == USERHASH_INTERNAL, "last status");
    /* The library still works after it. */
    char hex[USERHASH_HEX_LEN + 1];
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hex, sizeof hex)),
                 USERHASH_OK);
    CHECK(userhash_last_error_status() == USERHASH_OK && userhash_last_error_message()[0] == '\0',
          "a success did not clear the last error");
    CHECK(userhash_last_error_field() == NULL && userhash_last_error_ms() == 0, "stale error details");
    end_case();
}

/* An application's nonce store: a tiny array, to show the callback contract. */
struct app_store {
    int calls;
    char nonces[4][129];
    int count;
};

static int app_store_check(void *context, const char *org_id, size_t org_id_len, const char *nonce_, size_t nonce_len,
                           uint64_t expires_at_ms, uint64_t now_ms) {
    struct app_store *store = context;
    store->calls++;
    if (strlen(org_id) != org_id_len || strlen(nonce_) != nonce_len || expires_at_ms < now_ms) return -1;
    for (int i = 0; i < store->count; i++)
        if (strcmp(store->nonces[i], nonce_) == 0) return 0;
    if (store->count == 4 || nonce_len > 128) return -1;
    memcpy(store->nonces[store->count++], nonce_, nonce_len + 1);
    return 1;
}

/* A store that signs with a weak secret (a failing call into userhash) before it answers "new". */
static userhash_status reentrant_nested = USERHASH_OK;
static int reentrant_store_check(void *context, const char *org_id, size_t org_id_len, const char *nonce_,
                                 size_t nonce_len, uint64_t expires_at_ms, uint64_t now_ms) {
    (void)context, (void)org_id, (void)org_id_len, (void)nonce_, (void)nonce_len, (void)expires_at_ms, (void)now_ms;
    char hex[USERHASH_HEX_LEN + 1];
    reentrant_nested = seen(userhash_sign_identifier("short", 5, "x", 1, hex, sizeof hex));
    return 1;
}

/* `email` signed now (a fresh UUID nonce) and its widget URL with `name`
 * (NULL for none) and `params`: to free with userhash_string_free; NULL, with
 * the case failed, when a step fails. *len gets the URL's length. */
static char *url_signed_now(const char *name, size_t name_len, const userhash_param *params, size_t n, size_t *len) {
    userhash_identity_signer *signer = NULL;
    userhash_signed_identity *id = NULL;
    char *u = NULL;
    CHECK_STATUS(seen(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, &signer)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_identity_signer_sign(signer, email.ptr, email.len, &id)), USERHASH_OK);
    CHECK(id != NULL && id->nonce.len == 36, "nonce is not a UUID");
    CHECK_STATUS(seen(userhash_widget_url(base_url.ptr, base_url.len, id, name, name_len, params, n, &u, len)),
                 USERHASH_OK);
    userhash_signed_identity_free(&id);
    userhash_identity_signer_free(&signer);
    return u;
}

static void test_app_store(void) {
    begin_case("conventions", "an application's nonce store (callback)");
    struct app_store store = {0};
    userhash_verifier *verifier = NULL;
    userhash_verified_identity *got = NULL;
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_verifier_set_nonce_store(verifier, app_store_check, &store)), USERHASH_OK);
    size_t len = 0;
    char *u = url_signed_now(NULL, 0, NULL, 0, &len);
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, u, len, &got)), USERHASH_OK);
    userhash_verified_identity_free(&got);
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, u, len, &got)), USERHASH_REPLAYED);
    CHECK(store.calls == 2 && store.count == 1, "calls %d, count %d", store.calls, store.count);
    /* A tampered URL never reaches the store. */
    if (u != NULL) u[len - 1] = u[len - 1] == '0' ? '1' : '0';
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, u, len, &got)), USERHASH_MISMATCH);
    CHECK(store.calls == 2, "a mismatch reached the store");
    userhash_string_free(&u);
    userhash_verifier_free(&verifier);
    end_case();

    begin_case("conventions", "a nonce store that calls userhash itself");
    /* The nested call's failure is not what the outer call reports. */
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_verifier_set_nonce_store(verifier, reentrant_store_check, NULL)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, url.ptr, url.len, timestamp, &got)), USERHASH_OK);
    CHECK(got != NULL && userhash_last_error_status() == USERHASH_OK && userhash_last_error_message()[0] == '\0',
          "the nested call's error leaked: %s", userhash_last_error_message());
    CHECK(reentrant_nested == USERHASH_WEAK_SECRET, "the nested call returned %d", reentrant_nested);
    userhash_verified_identity_free(&got);
    userhash_verifier_free(&verifier);
    end_case();
}

/* Threads racing on one URL through one verifier: exactly one wins, and each
 * thread reads its own last error. */
struct racer {
    const userhash_verifier *verifier;
    const char *url;
    userhash_status status;
    userhash_status last;
};

static void *race(void *arg) {
    struct racer *r = arg;
    userhash_verified_identity *got = NULL;
    r->status = userhash_verifier_verify_url(r->verifier, r->url, strlen(r->url), &got);
    r->last = userhash_last_error_status();
    userhash_verified_identity_free(&got);
    return NULL;
}

static void test_threads(void) {
    begin_case("conventions", "8 threads race on one nonce: one wins");
    userhash_verifier *verifier = NULL;
    size_t len = 0;
    char *u = url_signed_now(NULL, 0, NULL, 0, &len);
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    /* The main thread's last error is its own. */
    char hex[USERHASH_HEX_LEN + 1];
    CHECK_STATUS(seen(userhash_sign_identifier(secret.ptr, 3, identifier.ptr, identifier.len, hex, sizeof hex)),
                 USERHASH_WEAK_SECRET);
    struct racer racers[8];
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) {
        racers[i] = (struct racer){verifier, u, USERHASH_INTERNAL, USERHASH_INTERNAL};
        CHECK(pthread_create(&threads[i], NULL, race, &racers[i]) == 0, "pthread_create");
    }
    int wins = 0, replays = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        wins += seen(racers[i].status) == USERHASH_OK;
        replays += racers[i].status == USERHASH_REPLAYED;
        CHECK(racers[i].last == racers[i].status, "thread %d: last error %d, status %d", i, racers[i].last,
              racers[i].status);
    }
    CHECK(wins == 1 && replays == 7, "%d wins, %d replays", wins, replays);
    CHECK(userhash_last_error_status() == USERHASH_WEAK_SECRET, "another thread changed this thread's last error");
    userhash_string_free(&u);
    userhash_verifier_free(&verifier);
    end_case();
}

static void test_round_trip(void) {
    begin_case("conventions", "sign now, widget URL with name and params, verify now");
    userhash_verifier *verifier = NULL;
    userhash_verified_identity *got = NULL;
    userhash_param params[2] = {{{"theme", 5}, {"dark", 4}}, {{"lang", 4}, {"fr", 2}}};
    size_t len = 0;
    char *u = url_signed_now("Zo\xc3\xab", 4, params, 2, &len);
    CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, u, len, &got)), USERHASH_OK);
    if (got != NULL) {
        CHECK(str_eq(got->email, email) && got->key_index == 0, "email or key_index");
        CHECK(str_eq_c(got->name, "Zo\xc3\xab"), "name");
        CHECK(got->params_len == 2 && str_eq_c(got->params[0].key, "lang") && str_eq_c(got->params[1].value, "dark"),
              "params");
    }
    userhash_verified_identity_free(&got);
    CHECK_STATUS(seen(userhash_verifier_verify_url(verifier, u, len, &got)), USERHASH_REPLAYED);
    userhash_string_free(&u);
    userhash_verifier_free(&verifier);
    end_case();
}

void test_conventions(const char *dir) {
    json_t *ids = load_vectors(dir, "identifier.json");
    json_t *urls = load_vectors(dir, "widget_url.json");
    const json_t *first_id = json_array_get(json_object_get(ids, "sign"), 0);
    const json_t *first_url = json_array_get(json_object_get(urls, "cases"), 0);
    /* Scheme 1's inputs, and scheme 2's from the first widget URL case with
     * that case's secret (so the URL verifies with `secret`). */
    identifier = jstr(first_id, "identifier");
    hash = jstr(first_id, "hash");
    secret = jstr(first_url, "secret");
    org = jstr(first_url, "org_id");
    email = jstr(first_url, "email");
    nonce = jstr(first_url, "nonce");
    base_url = jstr(first_url, "base_url");
    url = jstr(first_url, "url");
    timestamp = jtimestamp(first_url, "timestamp");
    /* identifier.json's first case is signed with its own secret. */
    userhash_str id_secret = jstr(first_id, "secret");
    char hex[USERHASH_HEX_LEN + 1];
    userhash_sign_identifier(id_secret.ptr, id_secret.len, identifier.ptr, identifier.len, hex, sizeof hex);
    bool same = strcmp(hex, hash.ptr) == 0;
    /* From here on `hash` is the identifier's hash under `secret`. */
    static char hash_under_secret[USERHASH_HEX_LEN + 1];
    userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hash_under_secret,
                             sizeof hash_under_secret);
    hash.ptr = hash_under_secret;
    hash.len = strlen(hash_under_secret);
    begin_case("conventions", "setup");
    CHECK(same && hash.len == USERHASH_HEX_LEN, "setup failed");
    end_case();

    test_null_and_utf8();
    test_buffers();
    test_large_input();
    test_frees();
    test_status_texts();
    test_app_store();
    test_threads();
    test_round_trip();
    json_decref(urls);
    json_decref(ids);
}
