/* Counts and lengths no caller could mean, at every entry point that takes an
 * array or a length: a NULL array or text with a count of 1, 2^30, 2^40 or
 * SIZE_MAX, and a real pointer with a count whose byte size no object can
 * have (more than PTRDIFF_MAX, or more than SIZE_MAX once multiplied by the
 * item's size). Each call must answer USERHASH_INVALID_ARGUMENT with a
 * message naming the argument, leave its outputs empty, and print nothing.
 * The calls run in a forked child whose stderr is kept (CHECK_IN_CHILD): an
 * allocation sized by the count before the check aborts the child, and a
 * caught panic leaves its message on stderr; either fails the case. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* A NULL pointer with each of these counts is refused. */
static const size_t null_counts[] = {1, (size_t)1 << 30, (size_t)1 << 40, SIZE_MAX};
/* Byte lengths no object can have, given with a real pointer (never read). */
static const size_t huge_lengths[] = {(size_t)PTRDIFF_MAX + 1, SIZE_MAX};

#define FOR_EACH(n, list) \
    for (size_t i_##n = 0, n; i_##n < sizeof list / sizeof list[0] && (n = list[i_##n], 1); i_##n++)

/* `call` is USERHASH_INVALID_ARGUMENT and its message holds `a` and `b`. */
#define REFUSED(call, n, a, b)                                                                                    \
    do {                                                                                                          \
        userhash_status got_ = (call);                                                                            \
        const char *message_ = userhash_last_error_message();                                                     \
        CHECK(got_ == USERHASH_INVALID_ARGUMENT && strstr(message_, (a)) != NULL && strstr(message_, (b)) != NULL, \
              "count %zu: status %s (%s), want InvalidArgument naming \"%s\", \"%s\"", (size_t)(n),                \
              userhash_status_name((int)got_), message_, (a), (b));                                              \
    } while (0)
/* Refused for a NULL `what`. */
#define REFUSED_NULL(call, n, what) REFUSED(call, n, what, " is NULL")
/* Refused for a size of `what` that no object can have. */
#define REFUSED_SIZE(call, n, what) REFUSED(call, n, what, "larger than any")

/* Inputs that pass every check: identifier.json's first case, widget_url.json's first. */
static userhash_str secret, identifier, hash, org, email, nonce, base_url, url;
static uint64_t timestamp;
static const char *k = "key", *m = "message";

/* A pointer the library must overwrite with NULL. */
#define GARBAGE(type, var) ((type)(void *)&(var))

static void scheme1_counts(void) {
    char hex[USERHASH_HEX_LEN + 1];
    bool valid;
    userhash_identifier_signer *signer = NULL, *made;
    CHECK_STATUS(userhash_identifier_signer_new(secret.ptr, secret.len, &signer), USERHASH_OK);
    FOR_EACH(n, null_counts) {
        memset(hex, 'x', sizeof hex);
        REFUSED_NULL(userhash_sign_identifier(NULL, n, identifier.ptr, identifier.len, hex, sizeof hex), n, "secret");
        CHECK(hex[0] == '\0', "count %zu: out_hex not emptied", n);
        memset(hex, 'x', sizeof hex);
        REFUSED_NULL(userhash_sign_identifier(secret.ptr, secret.len, NULL, n, hex, sizeof hex), n, "identifier");
        CHECK(hex[0] == '\0', "count %zu: out_hex not emptied", n);
        REFUSED_NULL(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, NULL, n), n,
                     "out_hex");

        valid = true;
        REFUSED_NULL(userhash_verify_identifier(NULL, n, identifier.ptr, identifier.len, hash.ptr, hash.len, &valid),
                     n, "secret");
        CHECK(!valid, "count %zu: valid not cleared", n);
        valid = true;
        REFUSED_NULL(userhash_verify_identifier(secret.ptr, secret.len, NULL, n, hash.ptr, hash.len, &valid), n,
                     "identifier");
        CHECK(!valid, "count %zu: valid not cleared", n);
        valid = true;
        REFUSED_NULL(
            userhash_verify_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, NULL, n, &valid), n,
            "hash_hex");
        CHECK(!valid, "count %zu: valid not cleared", n);

        made = GARBAGE(userhash_identifier_signer *, made);
        REFUSED_NULL(userhash_identifier_signer_new(NULL, n, &made), n, "secret");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        memset(hex, 'x', sizeof hex);
        REFUSED_NULL(userhash_identifier_signer_sign(signer, NULL, n, hex, sizeof hex), n, "identifier");
        CHECK(hex[0] == '\0', "count %zu: out_hex not emptied", n);
        REFUSED_NULL(userhash_identifier_signer_sign(signer, identifier.ptr, identifier.len, NULL, n), n, "out_hex");
        valid = true;
        REFUSED_NULL(userhash_identifier_signer_verify(signer, NULL, n, hash.ptr, hash.len, &valid), n, "identifier");
        CHECK(!valid, "count %zu: valid not cleared", n);
        valid = true;
        REFUSED_NULL(userhash_identifier_signer_verify(signer, identifier.ptr, identifier.len, NULL, n, &valid), n,
                     "hash_hex");
        CHECK(!valid, "count %zu: valid not cleared", n);
    }
    FOR_EACH(n, huge_lengths) {
        memset(hex, 'x', sizeof hex);
        REFUSED_SIZE(userhash_sign_identifier(secret.ptr, n, identifier.ptr, identifier.len, hex, sizeof hex), n,
                     "secret");
        CHECK(hex[0] == '\0', "count %zu: out_hex not emptied", n);
        REFUSED_SIZE(userhash_sign_identifier(secret.ptr, secret.len, identifier.ptr, n, hex, sizeof hex), n,
                     "identifier");
        valid = true;
        REFUSED_SIZE(
            userhash_verify_identifier(secret.ptr, secret.len, identifier.ptr, identifier.len, hash.ptr, n, &valid),
            n, "hash_hex");
        CHECK(!valid, "count %zu: valid not cleared", n);
        made = GARBAGE(userhash_identifier_signer *, made);
        REFUSED_SIZE(userhash_identifier_signer_new(secret.ptr, n, &made), n, "secret");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        REFUSED_SIZE(userhash_identifier_signer_sign(signer, identifier.ptr, n, hex, sizeof hex), n, "identifier");
        REFUSED_SIZE(userhash_identifier_signer_verify(signer, identifier.ptr, n, hash.ptr, hash.len, &valid), n,
                     "identifier");
    }
    userhash_identifier_signer_free(&signer);
}

static void identity_counts(void) {
    userhash_identity_signer *signer = NULL, *made;
    userhash_signed_identity *id;
    CHECK_STATUS(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, &signer), USERHASH_OK);
    FOR_EACH(n, null_counts) {
        made = GARBAGE(userhash_identity_signer *, made);
        REFUSED_NULL(userhash_identity_signer_new(NULL, n, org.ptr, org.len, &made), n, "secret");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        made = GARBAGE(userhash_identity_signer *, made);
        REFUSED_NULL(userhash_identity_signer_new(secret.ptr, secret.len, NULL, n, &made), n, "org_id");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        id = GARBAGE(userhash_signed_identity *, id);
        REFUSED_NULL(userhash_identity_signer_sign(signer, NULL, n, &id), n, "email");
        CHECK(id == NULL, "count %zu: identity not cleared", n);
        id = GARBAGE(userhash_signed_identity *, id);
        REFUSED_NULL(userhash_identity_signer_sign_at(signer, NULL, n, timestamp, nonce.ptr, nonce.len, &id), n,
                     "email");
        CHECK(id == NULL, "count %zu: identity not cleared", n);
        id = GARBAGE(userhash_signed_identity *, id);
        REFUSED_NULL(userhash_identity_signer_sign_at(signer, email.ptr, email.len, timestamp, NULL, n, &id), n,
                     "nonce");
        CHECK(id == NULL, "count %zu: identity not cleared", n);
    }
    FOR_EACH(n, huge_lengths) {
        made = GARBAGE(userhash_identity_signer *, made);
        REFUSED_SIZE(userhash_identity_signer_new(secret.ptr, n, org.ptr, org.len, &made), n, "secret");
        REFUSED_SIZE(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, n, &made), n, "org_id");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        id = GARBAGE(userhash_signed_identity *, id);
        REFUSED_SIZE(userhash_identity_signer_sign(signer, email.ptr, n, &id), n, "email");
        REFUSED_SIZE(userhash_identity_signer_sign_at(signer, email.ptr, email.len, timestamp, nonce.ptr, n, &id), n,
                     "nonce");
        CHECK(id == NULL, "count %zu: identity not cleared", n);
    }
    userhash_identity_signer_free(&signer);
}

/* widget_url with these arguments is refused for `what`, and *out_url and
 * *out_url_len are cleared. */
#define URL_REFUSED(check, n, what, b, id, name, name_len, params, params_len)                                    \
    do {                                                                                                          \
        char *u_ = GARBAGE(char *, u_);                                                                           \
        size_t len_ = 123;                                                                                        \
        check(userhash_widget_url((b).ptr, (b).len, (id), (name), (name_len), (params), (params_len), &u_, &len_), \
              n, what);                                                                                           \
        CHECK(u_ == NULL && len_ == 0, "count %zu: out_url or out_url_len not cleared", (size_t)(n));             \
    } while (0)

static void widget_url_counts(void) {
    userhash_identity_signer *signer = NULL;
    userhash_signed_identity *id = NULL;
    CHECK_STATUS(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, &signer), USERHASH_OK);
    CHECK_STATUS(userhash_identity_signer_sign_at(signer, email.ptr, email.len, timestamp, nonce.ptr, nonce.len, &id),
                 USERHASH_OK);
    if (id == NULL) return;
    userhash_param param = {{"lang", 4}, {"fr", 2}};
    const userhash_str null_base = {NULL, 0};
    static const char *const fields[] = {"identity->email", "identity->org_id", "identity->nonce",
                                         "identity->user_hash"};
    userhash_signed_identity forged;
    userhash_str *field[] = {&forged.email, &forged.org_id, &forged.nonce, &forged.user_hash};

    FOR_EACH(n, null_counts) {
        userhash_str b = null_base;
        b.len = n;
        URL_REFUSED(REFUSED_NULL, n, "base_url", b, id, NULL, 0, NULL, 0);
        URL_REFUSED(REFUSED_NULL, n, "params", base_url, id, NULL, 0, NULL, n);
        for (size_t f = 0; f < 4; f++) {
            forged = *id;
            *field[f] = (userhash_str){NULL, n};
            URL_REFUSED(REFUSED_NULL, n, fields[f], base_url, &forged, NULL, 0, NULL, 0);
        }
        userhash_param bad = {{NULL, n}, param.value};
        URL_REFUSED(REFUSED_NULL, n, "params[0].key", base_url, id, NULL, 0, &bad, 1);
        bad = (userhash_param){param.key, {NULL, n}};
        userhash_param two[2] = {param, bad};
        two[1].key = (userhash_str){"theme", 5};
        URL_REFUSED(REFUSED_NULL, n, "params[1].value", base_url, id, NULL, 0, two, 2);
        /* A NULL name is no name: its length is not read. */
        char *u = NULL;
        size_t len = 0;
        CHECK_STATUS(userhash_widget_url(base_url.ptr, base_url.len, id, NULL, n, NULL, 0, &u, &len), USERHASH_OK);
        CHECK(u != NULL && strlen(u) == len, "count %zu: no URL without a name", n);
        userhash_string_free(&u);
    }
    FOR_EACH(n, huge_lengths) {
        userhash_str b = {base_url.ptr, n};
        URL_REFUSED(REFUSED_SIZE, n, "base_url", b, id, NULL, 0, NULL, 0);
        URL_REFUSED(REFUSED_SIZE, n, "name", base_url, id, "Zoe", n, NULL, 0);
        for (size_t f = 0; f < 4; f++) {
            forged = *id;
            field[f]->len = n;
            URL_REFUSED(REFUSED_SIZE, n, fields[f], base_url, &forged, NULL, 0, NULL, 0);
        }
        userhash_param bad = {{"lang", n}, param.value};
        URL_REFUSED(REFUSED_SIZE, n, "params[0].key", base_url, id, NULL, 0, &bad, 1);
    }
    /* A real array with a count whose byte size is more than PTRDIFF_MAX, or
     * more than SIZE_MAX. */
    const size_t too_many[] = {PTRDIFF_MAX / sizeof(userhash_param) + 1, SIZE_MAX / sizeof(userhash_param) + 1,
                               (size_t)1 << 60, SIZE_MAX};
    FOR_EACH(n, too_many) URL_REFUSED(REFUSED_SIZE, n, "params", base_url, id, NULL, 0, &param, n);
    userhash_signed_identity_free(&id);
    userhash_identity_signer_free(&signer);
}

static void verifier_counts(void) {
    userhash_verifier *verifier = NULL, *made;
    userhash_verified_identity *got;
    char org_out[USERHASH_MAX_ORG_ID_LEN + 1];
    CHECK_STATUS(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier), USERHASH_OK);
    FOR_EACH(n, null_counts) {
        made = GARBAGE(userhash_verifier *, made);
        REFUSED_NULL(userhash_verifier_new(NULL, n, org.ptr, org.len, &made), n, "secrets");
        CHECK(made == NULL, "count %zu: verifier not cleared", n);
        userhash_str with_null[2] = {secret, {NULL, n}};
        made = GARBAGE(userhash_verifier *, made);
        REFUSED_NULL(userhash_verifier_new(with_null, 2, org.ptr, org.len, &made), n, "secrets[1]");
        CHECK(made == NULL, "count %zu: verifier not cleared", n);
        made = GARBAGE(userhash_verifier *, made);
        REFUSED_NULL(userhash_verifier_new(&secret, 1, NULL, n, &made), n, "org_id");
        CHECK(made == NULL, "count %zu: verifier not cleared", n);

        got = GARBAGE(userhash_verified_identity *, got);
        REFUSED_NULL(userhash_verifier_verify_url(verifier, NULL, n, &got), n, "url");
        CHECK(got == NULL, "count %zu: identity not cleared", n);
        got = GARBAGE(userhash_verified_identity *, got);
        REFUSED_NULL(userhash_verifier_verify_url_at(verifier, NULL, n, timestamp, &got), n, "url");
        CHECK(got == NULL, "count %zu: identity not cleared", n);

        memset(org_out, 'x', sizeof org_out);
        REFUSED_NULL(userhash_org_id_of(NULL, n, org_out, sizeof org_out), n, "url");
        CHECK(org_out[0] == '\0', "count %zu: out_org_id not emptied", n);
        REFUSED_NULL(userhash_org_id_of(url.ptr, url.len, NULL, n), n, "out_org_id");

        /* A capacity is a limit, not an allocation. */
        CHECK_STATUS(userhash_verifier_set_memory_store(verifier, n), USERHASH_OK);
    }
    /* The largest capacity still verifies (and remembers) a URL. */
    got = NULL;
    CHECK_STATUS(userhash_verifier_verify_url_at(verifier, url.ptr, url.len, timestamp, &got), USERHASH_OK);
    userhash_verified_identity_free(&got);
    CHECK_STATUS(userhash_verifier_verify_url_at(verifier, url.ptr, url.len, timestamp, &got), USERHASH_REPLAYED);
    FOR_EACH(n, huge_lengths) {
        userhash_str long_secret = {secret.ptr, n};
        made = GARBAGE(userhash_verifier *, made);
        REFUSED_SIZE(userhash_verifier_new(&long_secret, 1, org.ptr, org.len, &made), n, "secrets[0]");
        REFUSED_SIZE(userhash_verifier_new(&secret, 1, org.ptr, n, &made), n, "org_id");
        CHECK(made == NULL, "count %zu: verifier not cleared", n);
        got = GARBAGE(userhash_verified_identity *, got);
        REFUSED_SIZE(userhash_verifier_verify_url(verifier, url.ptr, n, &got), n, "url");
        REFUSED_SIZE(userhash_verifier_verify_url_at(verifier, url.ptr, n, timestamp, &got), n, "url");
        CHECK(got == NULL, "count %zu: identity not cleared", n);
        memset(org_out, 'x', sizeof org_out);
        REFUSED_SIZE(userhash_org_id_of(url.ptr, n, org_out, sizeof org_out), n, "url");
        CHECK(org_out[0] == '\0', "count %zu: out_org_id not emptied", n);
    }
    const size_t too_many[] = {PTRDIFF_MAX / sizeof(userhash_str) + 1, SIZE_MAX / sizeof(userhash_str) + 1,
                               (size_t)1 << 60, SIZE_MAX};
    FOR_EACH(n, too_many) {
        made = GARBAGE(userhash_verifier *, made);
        REFUSED_SIZE(userhash_verifier_new(&secret, n, org.ptr, org.len, &made), n, "secrets");
        CHECK(made == NULL, "count %zu: verifier not cleared", n);
    }
    userhash_verifier_free(&verifier);
}

static bool all_zero(const uint8_t *bytes, size_t len) {
    for (size_t i = 0; i < len; i++)
        if (bytes[i] != 0) return false;
    return true;
}

static void mac_counts(void) {
    uint8_t tag[USERHASH_TAG_LEN];
    const uint8_t *key = (const uint8_t *)k, *message = (const uint8_t *)m;
    bool valid;
    FOR_EACH(n, null_counts) {
        memset(tag, 0xaa, sizeof tag);
        REFUSED_NULL(userhash_hmac_sha256(NULL, n, message, strlen(m), tag, sizeof tag), n, "key");
        CHECK(all_zero(tag, sizeof tag), "count %zu: out_tag not emptied", n);
        memset(tag, 0xaa, sizeof tag);
        REFUSED_NULL(userhash_hmac_sha256(key, strlen(k), NULL, n, tag, sizeof tag), n, "message");
        CHECK(all_zero(tag, sizeof tag), "count %zu: out_tag not emptied", n);
        REFUSED_NULL(userhash_hmac_sha256(key, strlen(k), message, strlen(m), NULL, n), n, "out_tag");
        valid = true;
        REFUSED_NULL(userhash_verify_hmac_sha256(NULL, n, message, strlen(m), tag, sizeof tag, &valid), n, "key");
        CHECK(!valid, "count %zu: valid not cleared", n);
        valid = true;
        REFUSED_NULL(userhash_verify_hmac_sha256(key, strlen(k), NULL, n, tag, sizeof tag, &valid), n, "message");
        CHECK(!valid, "count %zu: valid not cleared", n);
        valid = true;
        REFUSED_NULL(userhash_verify_hmac_sha256(key, strlen(k), message, strlen(m), NULL, n, &valid), n, "tag");
        CHECK(!valid, "count %zu: valid not cleared", n);
    }
    /* A short buffer is emptied too, and nothing past it is written. */
    memset(tag, 0xaa, sizeof tag);
    CHECK_STATUS(userhash_hmac_sha256(key, strlen(k), message, strlen(m), tag, sizeof tag - 1),
                 USERHASH_BUFFER_TOO_SMALL);
    CHECK(all_zero(tag, sizeof tag - 1) && tag[sizeof tag - 1] == 0xaa, "the short out_tag was not just emptied");
    memset(tag, 0xaa, sizeof tag);
    CHECK_STATUS(userhash_hmac_sha256(key, strlen(k), message, strlen(m), tag, 0), USERHASH_BUFFER_TOO_SMALL);
    CHECK(tag[0] == 0xaa, "a 0-byte out_tag was written to");
    FOR_EACH(n, huge_lengths) {
        memset(tag, 0xaa, sizeof tag);
        REFUSED_SIZE(userhash_hmac_sha256(key, n, message, strlen(m), tag, sizeof tag), n, "key");
        CHECK(all_zero(tag, sizeof tag), "count %zu: out_tag not emptied", n);
        REFUSED_SIZE(userhash_hmac_sha256(key, strlen(k), message, n, tag, sizeof tag), n, "message");
        valid = true;
        REFUSED_SIZE(userhash_verify_hmac_sha256(key, n, message, strlen(m), tag, sizeof tag, &valid), n, "key");
        REFUSED_SIZE(userhash_verify_hmac_sha256(key, strlen(k), message, n, tag, sizeof tag, &valid), n, "message");
        REFUSED_SIZE(userhash_verify_hmac_sha256(key, strlen(k), message, strlen(m), tag, n, &valid), n, "tag");
        CHECK(!valid, "count %zu: valid not cleared", n);
    }
}

/* The token API: jwt.json's HS256 secret and a token it signs. */
static userhash_str token_secret;
static const char *token_org = "org_123";

/* A signer with options `o`: refused for `what`, with *out cleared. */
#define SIGNER_REFUSED(check, n, what, o)                                                                      \
    do {                                                                                                       \
        userhash_token_signer *made_ = GARBAGE(userhash_token_signer *, made_);                              \
        check(userhash_token_signer_new_hs256(token_secret.ptr, token_secret.len, (o), &made_), n, what);     \
        CHECK(made_ == NULL, "count %zu: signer not cleared", (size_t)(n));                                  \
    } while (0)

/* Signing `subject` (with `jti`, `jti_len`) refused for `what`, *out_token and *out_token_len cleared;
 * unless `jti` is NULL, signing now (no jti) too. */
#define SIGN_REFUSED(check, n, what, signer, subject, jti, jti_len)                                               \
    do {                                                                                                          \
        char *t_ = GARBAGE(char *, t_);                                                                           \
        size_t len_ = 123;                                                                                        \
        check(userhash_token_signer_sign_at((signer), (subject), 1712345678901ULL, (jti), (jti_len), &t_, &len_), \
              n, what);                                                                                           \
        CHECK(t_ == NULL && len_ == 0, "count %zu: out_token or out_token_len not cleared", (size_t)(n));         \
        if ((jti) != NULL) {                                                                                      \
            t_ = GARBAGE(char *, t_);                                                                             \
            check(userhash_token_signer_sign((signer), (subject), &t_, NULL), n, what);                           \
            CHECK(t_ == NULL, "count %zu: out_token not cleared", (size_t)(n));                                   \
        }                                                                                                         \
    } while (0)

static void token_signer_counts(void) {
    userhash_token_signer_options options = {0}, o;
    options.org = (userhash_str){token_org, strlen(token_org)};
    userhash_token_signer *signer = NULL, *made;
    CHECK_STATUS(userhash_token_signer_new_hs256(token_secret.ptr, token_secret.len, &options, &signer), USERHASH_OK);
    if (signer == NULL) return;
    userhash_token_subject subject = {0}, bad;
    subject.user_id = (userhash_str){"user-42", 7};
    const char *jti = "7c1e9a52-3b4d-4f6e-8a9b-0c1d2e3f4a5b";
    userhash_str *texts[] = {&o.kid, &o.audience, &o.issuer};
    static const char *const text_names[] = {"options->kid", "options->audience", "options->issuer"};
    userhash_str *fields[] = {&bad.email, &bad.name, &bad.extra_claims_json};
    static const char *const field_names[] = {"subject->email", "subject->name", "subject->extra_claims_json"};

    FOR_EACH(n, null_counts) {
        made = GARBAGE(userhash_token_signer *, made);
        REFUSED_NULL(userhash_token_signer_new_hs256(NULL, n, &options, &made), n, "secret");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        made = GARBAGE(userhash_token_signer *, made);
        REFUSED_NULL(userhash_token_signer_new_ed25519(NULL, n, &options, &made), n, "private_key");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        SIGNER_REFUSED(REFUSED_NULL, n, "options", NULL);
        made = GARBAGE(userhash_token_signer *, made);
        REFUSED_NULL(userhash_token_signer_new_hs256(token_secret.ptr, token_secret.len, &options, NULL), n,
                     "out_signer");
        /* A NULL optional text is none: its length is not read. */
        for (size_t f = 0; f < 3; f++) {
            o = options;
            *texts[f] = (userhash_str){NULL, n};
            made = NULL;
            CHECK_STATUS(userhash_token_signer_new_hs256(token_secret.ptr, token_secret.len, &o, &made), USERHASH_OK);
            userhash_token_signer_free(&made);
        }
        o = options;
        o.org = (userhash_str){NULL, n};
        made = NULL;
        CHECK_STATUS(userhash_token_signer_new_hs256(token_secret.ptr, token_secret.len, &o, &made),
                     USERHASH_MALFORMED); /* the userhash profile without an org */
        CHECK(made == NULL, "count %zu: signer set", n);

        SIGN_REFUSED(REFUSED_NULL, n, "signer", NULL, &subject, jti, strlen(jti));
        SIGN_REFUSED(REFUSED_NULL, n, "subject", signer, NULL, jti, strlen(jti));
        bad = subject;
        bad.user_id = (userhash_str){NULL, n};
        SIGN_REFUSED(REFUSED_NULL, n, "subject->user_id", signer, &bad, jti, strlen(jti));
        SIGN_REFUSED(REFUSED_NULL, n, "jti", signer, &subject, NULL, n);
        REFUSED_NULL(userhash_token_signer_sign(signer, &subject, NULL, NULL), n, "out_token");
        REFUSED_NULL(userhash_token_signer_sign_at(signer, &subject, 1, jti, strlen(jti), NULL, NULL), n, "out_token");
        for (size_t f = 0; f < 3; f++) {
            bad = subject;
            *fields[f] = (userhash_str){NULL, n};
            char *t = NULL;
            CHECK_STATUS(userhash_token_signer_sign(signer, &bad, &t, NULL), USERHASH_OK);
            userhash_string_free(&t);
        }
    }
    FOR_EACH(n, huge_lengths) {
        made = GARBAGE(userhash_token_signer *, made);
        REFUSED_SIZE(userhash_token_signer_new_hs256(token_secret.ptr, n, &options, &made), n, "secret");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        made = GARBAGE(userhash_token_signer *, made);
        REFUSED_SIZE(userhash_token_signer_new_ed25519(jti, n, &options, &made), n, "private_key");
        CHECK(made == NULL, "count %zu: signer not cleared", n);
        for (size_t f = 0; f < 3; f++) {
            o = options;
            *texts[f] = (userhash_str){"k", n};
            SIGNER_REFUSED(REFUSED_SIZE, n, text_names[f], &o);
        }
        o = options;
        o.org.len = n;
        SIGNER_REFUSED(REFUSED_SIZE, n, "options->org", &o);
        bad = subject;
        bad.user_id.len = n;
        SIGN_REFUSED(REFUSED_SIZE, n, "subject->user_id", signer, &bad, jti, strlen(jti));
        for (size_t f = 0; f < 3; f++) {
            bad = subject;
            *fields[f] = (userhash_str){"x", n};
            SIGN_REFUSED(REFUSED_SIZE, n, field_names[f], signer, &bad, jti, strlen(jti));
        }
        char *t = GARBAGE(char *, t);
        REFUSED_SIZE(userhash_token_signer_sign_at(signer, &subject, 1712345678901ULL, jti, n, &t, NULL), n, "jti");
        CHECK(t == NULL, "count %zu: out_token not cleared", n);
    }
    userhash_token_signer_free(&signer);
}

/* A verifier from `keys` refused for `what`, with *out cleared. */
#define TOKEN_VERIFIER_REFUSED(check, n, what, keys, keys_len, o, o_len)                                             \
    do {                                                                                                             \
        userhash_token_verifier *made_ = GARBAGE(userhash_token_verifier *, made_);                                 \
        check(userhash_token_verifier_new((keys), (keys_len), USERHASH_TOKEN_PROFILE_USERHASH, (o), (o_len), &made_), \
              n, what);                                                                                              \
        CHECK(made_ == NULL, "count %zu: verifier not cleared", (size_t)(n));                                       \
    } while (0)

/* Verify and diagnose, now and at a time, refused for `what` with their output cleared. */
#define VERIFY_REFUSED(check, n, what, verifier, token, token_len)                                               \
    do {                                                                                                         \
        userhash_verified_token *vt_ = GARBAGE(userhash_verified_token *, vt_);                                \
        check(userhash_token_verifier_verify((verifier), (token), (token_len), &vt_), n, what);                 \
        CHECK(vt_ == NULL, "count %zu: verified token not cleared", (size_t)(n));                               \
        vt_ = GARBAGE(userhash_verified_token *, vt_);                                                         \
        check(userhash_token_verifier_verify_at((verifier), (token), (token_len), 1, &vt_), n, what);           \
        CHECK(vt_ == NULL, "count %zu: verified token not cleared", (size_t)(n));                               \
        userhash_token_diagnosis *d_ = GARBAGE(userhash_token_diagnosis *, d_);                                  \
        check(userhash_token_diagnose((verifier), (token), (token_len), &d_), n, what);                          \
        CHECK(d_ == NULL, "count %zu: diagnosis not cleared", (size_t)(n));                                      \
        d_ = GARBAGE(userhash_token_diagnosis *, d_);                                                            \
        check(userhash_token_diagnose_at((verifier), (token), (token_len), 1, &d_), n, what);                    \
        CHECK(d_ == NULL, "count %zu: diagnosis not cleared", (size_t)(n));                                      \
    } while (0)

/* Refused for an entry of `what` that sets no key. */
#define REFUSED_NEITHER(call, n, what) REFUSED(call, n, what, " has neither")

static void token_verifier_counts(void) {
    const size_t org_len = strlen(token_org);
    userhash_token_key key = {token_secret, {NULL, 0}, {NULL, 0}}, bad[2];
    userhash_token_verifier *verifier = NULL, *made;
    CHECK_STATUS(
        userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_USERHASH, token_org, org_len, &verifier),
        USERHASH_OK);
    if (verifier == NULL) return;
    const char *token = "eyJhbGciOiJIUzI1NiJ9.e30.AAAA";
    FOR_EACH(n, null_counts) {
        TOKEN_VERIFIER_REFUSED(REFUSED_NULL, n, "keys", NULL, n, token_org, org_len);
        made = GARBAGE(userhash_token_verifier *, made);
        REFUSED_NULL(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_USERHASH, token_org, org_len, NULL),
                     n, "out_verifier");
        /* An entry with both keys NULL (whatever their lengths) has no key. */
        bad[0] = key;
        bad[1] = (userhash_token_key){{NULL, n}, {NULL, n}, {NULL, n}};
        TOKEN_VERIFIER_REFUSED(REFUSED_NEITHER, n, "keys[1]", bad, 2, token_org, org_len);
        /* A NULL org or kid is none: its length is not read. */
        made = NULL;
        CHECK_STATUS(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_INTERCOM, NULL, n, &made),
                     USERHASH_OK);
        userhash_token_verifier_free(&made);
        bad[0] = (userhash_token_key){token_secret, {NULL, n}, {NULL, n}};
        CHECK_STATUS(userhash_token_verifier_new(bad, 1, USERHASH_TOKEN_PROFILE_USERHASH, token_org, org_len, &made),
                     USERHASH_OK);
        userhash_token_verifier_free(&made);

        VERIFY_REFUSED(REFUSED_NULL, n, "verifier", NULL, token, strlen(token));
        VERIFY_REFUSED(REFUSED_NULL, n, "token", verifier, NULL, n);
        REFUSED_NULL(userhash_token_verifier_verify(verifier, token, strlen(token), NULL), n, "out_token");
        REFUSED_NULL(userhash_token_diagnose_at(verifier, token, strlen(token), 1, NULL), n, "out_diagnosis");

        REFUSED_NULL(userhash_token_verifier_set_audience(NULL, NULL, n), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_issuer(NULL, NULL, n), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_leeway_s(NULL, n), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_max_lifetime_s(NULL, n), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_max_token_len(NULL, n), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_single_use(NULL, true), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_memory_store(NULL, n), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_nonce_store(NULL, NULL, NULL), n, "verifier");
        REFUSED_NULL(userhash_token_verifier_set_nonce_store(verifier, NULL, NULL), n, "check");
        CHECK_STATUS(userhash_token_verifier_set_audience(verifier, NULL, n), USERHASH_OK);
        CHECK_STATUS(userhash_token_verifier_set_issuer(verifier, NULL, n), USERHASH_OK);
        /* Limits and a capacity are numbers, not allocations. */
        CHECK_STATUS(userhash_token_verifier_set_max_token_len(verifier, n), USERHASH_OK);
        CHECK_STATUS(userhash_token_verifier_set_memory_store(verifier, n), USERHASH_OK);
        CHECK_STATUS(userhash_token_verifier_set_leeway_s(verifier, n), USERHASH_OK);
        CHECK_STATUS(userhash_token_verifier_set_max_lifetime_s(verifier, n), USERHASH_OK);

        userhash_ed25519_key_pair *pair = GARBAGE(userhash_ed25519_key_pair *, pair);
        REFUSED_NULL(userhash_ed25519_key_pair_generate(NULL, 0, NULL), n, "out_pair");
        pair = NULL;
        CHECK_STATUS(userhash_ed25519_key_pair_generate(NULL, n, &pair), USERHASH_OK);
        CHECK(pair != NULL && pair->kid.ptr == NULL, "count %zu: a NULL kid is no kid", n);
        userhash_ed25519_key_pair_free(&pair);
    }
    FOR_EACH(n, huge_lengths) {
        bad[0] = (userhash_token_key){{token_secret.ptr, n}, {NULL, 0}, {NULL, 0}};
        TOKEN_VERIFIER_REFUSED(REFUSED_SIZE, n, "keys[0].hs256_secret", bad, 1, token_org, org_len);
        bad[0] = key;
        bad[1] = (userhash_token_key){{NULL, 0}, {token, n}, {NULL, 0}};
        TOKEN_VERIFIER_REFUSED(REFUSED_SIZE, n, "keys[1].public_key", bad, 2, token_org, org_len);
        bad[1] = (userhash_token_key){token_secret, {NULL, 0}, {"k", n}};
        TOKEN_VERIFIER_REFUSED(REFUSED_SIZE, n, "keys[1].kid", bad, 2, token_org, org_len);
        TOKEN_VERIFIER_REFUSED(REFUSED_SIZE, n, "org", &key, 1, token_org, n);
        VERIFY_REFUSED(REFUSED_SIZE, n, "token", verifier, token, n);
        REFUSED_SIZE(userhash_token_verifier_set_audience(verifier, "a", n), n, "audience");
        REFUSED_SIZE(userhash_token_verifier_set_issuer(verifier, "i", n), n, "issuer");
        userhash_ed25519_key_pair *pair = GARBAGE(userhash_ed25519_key_pair *, pair);
        REFUSED_SIZE(userhash_ed25519_key_pair_generate("k", n, &pair), n, "kid");
        CHECK(pair == NULL, "count %zu: pair not cleared", n);
    }
    const size_t too_many[] = {PTRDIFF_MAX / sizeof(userhash_token_key) + 1, SIZE_MAX / sizeof(userhash_token_key) + 1,
                               (size_t)1 << 60, SIZE_MAX};
    FOR_EACH(n, too_many) TOKEN_VERIFIER_REFUSED(REFUSED_SIZE, n, "keys", &key, n, token_org, org_len);
    userhash_token_verifier_free(&verifier);
}

void test_counts(const char *dir) {
    json_t *ids = load_vectors(dir, "identifier.json");
    json_t *urls = load_vectors(dir, "widget_url.json");
    const json_t *first_id = json_array_get(json_object_get(ids, "sign"), 0);
    const json_t *first_url = json_array_get(json_object_get(urls, "cases"), 0);
    identifier = jstr(first_id, "identifier");
    hash = jstr(first_id, "hash");
    secret = jstr(first_url, "secret");
    org = jstr(first_url, "org_id");
    email = jstr(first_url, "email");
    nonce = jstr(first_url, "nonce");
    base_url = jstr(first_url, "base_url");
    url = jstr(first_url, "url");
    timestamp = jtimestamp(first_url, "timestamp");

    begin_case("counts", "scheme 1: NULL with any count, lengths past PTRDIFF_MAX; silent");
    CHECK_IN_CHILD(scheme1_counts);
    end_case();
    begin_case("counts", "identity signer: NULL with any count, lengths past PTRDIFF_MAX; silent");
    CHECK_IN_CHILD(identity_counts);
    end_case();
    begin_case("counts", "widget URL: NULL params or text with any count, impossible counts; silent");
    CHECK_IN_CHILD(widget_url_counts);
    end_case();
    begin_case("counts", "verifier: NULL secrets or text with any count, impossible counts; silent");
    CHECK_IN_CHILD(verifier_counts);
    end_case();
    begin_case("counts", "raw MAC: NULL with any count, lengths past PTRDIFF_MAX; silent");
    CHECK_IN_CHILD(mac_counts);
    end_case();

    json_t *jwt = load_vectors(dir, "jwt.json");
    static char secret_copy[128];
    userhash_str s = jstr(json_object_get(jwt, "keys"), "hs256_secret");
    if (s.len >= sizeof secret_copy) abort();
    memcpy(secret_copy, s.ptr, s.len);
    token_secret = (userhash_str){secret_copy, s.len};
    json_decref(jwt);
    begin_case("counts", "token signer: NULL with any count, lengths past PTRDIFF_MAX; silent");
    CHECK_IN_CHILD(token_signer_counts);
    end_case();
    begin_case("counts", "token verifier, diagnose, key pair: NULL with any count, impossible counts; silent");
    CHECK_IN_CHILD(token_verifier_counts);
    end_case();
    json_decref(urls);
    json_decref(ids);
}
