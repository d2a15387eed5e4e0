/* Identity tokens (SPEC §8) through the C API: every case of
 * tests/vectors/jwt.json (format: tests/vectors/README.md), then what the
 * vectors cannot show: a generated key pair, single use with the memory
 * store and with an application's callback, the setters, threads, frees,
 * and no secret or private key in any message. */
#define _GNU_SOURCE /* memmem */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* ---- reading the vectors ---- */

/* An optional string member: absent or null is {NULL, 0}. */
static userhash_str jopt(const json_t *object, const char *key) {
    const json_t *value = json_object_get(object, key);
    userhash_str none = {NULL, 0};
    return value == NULL ? none : jval(value);
}

static uint64_t jnum(const json_t *object, const char *key) {
    const json_t *value = json_object_get(object, key);
    if (!json_is_integer(value)) {
        fprintf(stderr, "harness: `%s` is not an integer\n", key);
        abort();
    }
    return (uint64_t)json_integer_value(value);
}

static userhash_token_profile profile_named(const char *name) {
    if (strcmp(name, "userhash") == 0) return USERHASH_TOKEN_PROFILE_USERHASH;
    if (strcmp(name, "intercom") == 0) return USERHASH_TOKEN_PROFILE_INTERCOM;
    if (strcmp(name, "zendesk") == 0) return USERHASH_TOKEN_PROFILE_ZENDESK;
    if (strcmp(name, "drift") == 0) return USERHASH_TOKEN_PROFILE_DRIFT;
    fprintf(stderr, "harness: unknown profile %s\n", name);
    abort();
}

static userhash_tristate tristate_of(const json_t *value) {
    if (json_is_true(value)) return USERHASH_TRISTATE_TRUE;
    if (json_is_false(value)) return USERHASH_TRISTATE_FALSE;
    return USERHASH_TRISTATE_UNSET;
}

static userhash_token_signer_options signer_options_of(const json_t *o) {
    userhash_token_signer_options options = {0};
    options.profile = profile_named(jcstr(o, "profile"));
    options.kid = jopt(o, "kid");
    options.org = jopt(o, "org");
    options.audience = jopt(o, "audience");
    options.issuer = jopt(o, "issuer");
    const json_t *lifetime = json_object_get(o, "lifetime_s");
    options.lifetime_s = json_is_integer(lifetime) ? (uint64_t)json_integer_value(lifetime) : 0;
    return options;
}

static userhash_token_subject subject_of(const json_t *s) {
    userhash_token_subject subject = {0};
    subject.user_id = jstr(s, "user_id");
    subject.email = jopt(s, "email");
    subject.name = jopt(s, "name");
    subject.email_verified = tristate_of(json_object_get(s, "email_verified"));
    subject.extra_claims_json = jopt(s, "extra_claims_json");
    return subject;
}

/* A sign case's signer: HS256 from `hs256`, EdDSA from `private_pem`. */
static userhash_status signer_of(const json_t *c, userhash_token_signer **out) {
    const json_t *key = json_object_get(c, "key");
    userhash_token_signer_options options = signer_options_of(json_object_get(c, "options"));
    userhash_str secret = jopt(key, "hs256");
    *out = NULL;
    userhash_status st;
    if (secret.ptr != NULL) {
        st = seen(userhash_token_signer_new_hs256(secret.ptr, secret.len, &options, out));
    } else {
        userhash_str pem = jstr(key, "private_pem");
        st = seen(userhash_token_signer_new_ed25519(pem.ptr, pem.len, &options, out));
    }
    if (st != USERHASH_OK) CHECK(*out == NULL, "a failed _new left a signer");
    return st;
}

/* A case's verifier: `keys` (entries {"hs256"}, {"public_pem"},
 * {"public_jwk"} or {"jwks"}, each with an optional "kid") and `options`,
 * the `defaults` where an option is absent. */
static userhash_status verifier_of(const json_t *c, const char *keys_key, const char *options_key,
                                   userhash_token_verifier **out) {
    const json_t *list = json_object_get(c, keys_key), *o = json_object_get(c, options_key);
    size_t n = json_array_size(list);
    userhash_token_key *keys = calloc(n + 1, sizeof *keys);
    if (keys == NULL) abort();
    for (size_t i = 0; i < n; i++) {
        const json_t *entry = json_array_get(list, i);
        keys[i].hs256_secret = jopt(entry, "hs256");
        const char *forms[] = {"public_pem", "public_jwk", "jwks"};
        for (size_t f = 0; f < 3; f++)
            if (json_object_get(entry, forms[f]) != NULL) keys[i].public_key = jstr(entry, forms[f]);
        keys[i].kid = jopt(entry, "kid");
    }
    userhash_str org = jopt(o, "org");
    *out = NULL;
    userhash_status st =
        seen(userhash_token_verifier_new(n ? keys : NULL, n, profile_named(jcstr(o, "profile")), org.ptr, org.len, out));
    free(keys);
    if (st != USERHASH_OK) {
        CHECK(*out == NULL, "a failed _new left a verifier");
        return st;
    }
    userhash_str audience = jopt(o, "audience"), issuer = jopt(o, "issuer");
    if (audience.ptr != NULL)
        CHECK_STATUS(seen(userhash_token_verifier_set_audience(*out, audience.ptr, audience.len)), USERHASH_OK);
    if (issuer.ptr != NULL)
        CHECK_STATUS(seen(userhash_token_verifier_set_issuer(*out, issuer.ptr, issuer.len)), USERHASH_OK);
    if (json_object_get(o, "leeway_s") != NULL)
        CHECK_STATUS(seen(userhash_token_verifier_set_leeway_s(*out, jnum(o, "leeway_s"))), USERHASH_OK);
    if (json_object_get(o, "max_lifetime_s") != NULL)
        CHECK_STATUS(seen(userhash_token_verifier_set_max_lifetime_s(*out, jnum(o, "max_lifetime_s"))), USERHASH_OK);
    if (json_object_get(o, "max_token_len") != NULL)
        CHECK_STATUS(seen(userhash_token_verifier_set_max_token_len(*out, (size_t)jnum(o, "max_token_len"))),
                     USERHASH_OK);
    if (json_is_true(json_object_get(o, "single_use")))
        CHECK_STATUS(seen(userhash_token_verifier_set_single_use(*out, true)), USERHASH_OK);
    return USERHASH_OK;
}

/* ---- checking results ---- */

/* An optional text of a verified token against a string or null. */
static void check_text(const char *what, userhash_str got, const json_t *want) {
    CHECK(str_eq(got, jval(want)), "%s %s, want %s", what, got.ptr ? got.ptr : "(none)",
          json_is_string(want) ? json_string_value(want) : "(none)");
    if (got.ptr != NULL) CHECK(got.ptr[got.len] == '\0', "%s is not NUL-terminated", what);
}

static void check_verified(const userhash_verified_token *got, const json_t *expect) {
    const json_t *ok = json_object_get(expect, "ok");
    check_text("user_id", got->user_id, json_object_get(ok, "user_id"));
    check_text("email", got->email, json_object_get(ok, "email"));
    check_text("name", got->name, json_object_get(ok, "name"));
    check_text("org", got->org, json_object_get(ok, "org"));
    check_text("jti", got->jti, json_object_get(ok, "jti"));
    check_text("kid", got->kid, json_object_get(ok, "kid"));
    CHECK(got->email_verified == tristate_of(json_object_get(ok, "email_verified")), "email_verified %u",
          got->email_verified);
    const json_t *iat = json_object_get(ok, "issued_at");
    CHECK(got->has_issued_at == json_is_integer(iat) &&
              got->issued_at == (json_is_integer(iat) ? (uint64_t)json_integer_value(iat) : 0),
          "issued_at %d %llu", got->has_issued_at, (unsigned long long)got->issued_at);
    CHECK(got->expires_at == jnum(ok, "expires_at"), "expires_at %llu", (unsigned long long)got->expires_at);
    CHECK(got->key_index == (size_t)jnum(ok, "key_index"), "key_index %zu", got->key_index);
    CHECK(strcmp(userhash_token_algorithm_name((int)got->algorithm), jcstr(ok, "algorithm")) == 0, "algorithm %s",
          userhash_token_algorithm_name((int)got->algorithm));
    CHECK(got->claims_json.ptr[got->claims_json.len] == '\0', "claims_json is not NUL-terminated");
    json_error_t error;
    json_t *claims = json_loadb(got->claims_json.ptr, got->claims_json.len, JSON_REJECT_DUPLICATES, &error);
    CHECK(claims != NULL && json_equal(claims, json_object_get(ok, "claims")), "claims %s", got->claims_json.ptr);
    json_decref(claims);
}

/* Every HS256 secret and private key of the file, which no message may show
 * (copied, so they outlive the vectors). */
static userhash_str key_material[64];
static size_t key_material_len = 0;
static char material_pool[8192];
static size_t material_used = 0;

static void keep_material(userhash_str s) {
    if (s.ptr == NULL || s.len < 8) return;
    if (key_material_len == sizeof key_material / sizeof key_material[0] ||
        material_used + s.len > sizeof material_pool) {
        fprintf(stderr, "harness: too much key material\n");
        abort();
    }
    memcpy(material_pool + material_used, s.ptr, s.len);
    key_material[key_material_len++] = (userhash_str){material_pool + material_used, s.len};
    material_used += s.len;
}

/* Every `hs256` string anywhere under `v`. */
static void collect_secrets(const json_t *v) {
    const char *key;
    const json_t *member;
    size_t i;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, member) {
            if (strcmp(key, "hs256") == 0 && json_is_string(member)) {
                userhash_str s = jval(member);
                bool known = false;
                for (size_t k = 0; k < key_material_len; k++) known |= str_eq(key_material[k], s);
                if (!known) keep_material(s);
            } else {
                collect_secrets(member);
            }
        }
    } else if (json_is_array(v)) {
        json_array_foreach((json_t *)v, i, member) collect_secrets(member);
    }
}

/* The private key's parts: its seed, the PEM's base64 body, the JWK's `d`. */
static char pem_body[256], jwk_d[128];

static void collect_key_material(const json_t *v) {
    const json_t *keys = json_object_get(v, "keys");
    keep_material(jstr(keys, "ed25519_seed_hex"));
    const char *pem = jcstr(keys, "ed25519_private_pem");
    const char *start = strchr(pem, '\n'), *end = strstr(pem, "\n-----END");
    if (start != NULL && end != NULL && end > start + 1 && (size_t)(end - start) < sizeof pem_body) {
        memcpy(pem_body, start + 1, (size_t)(end - start - 1));
        keep_material((userhash_str){pem_body, strlen(pem_body)});
    }
    const char *d = strstr(jcstr(keys, "ed25519_private_jwk"), "\"d\":\"");
    if (d != NULL) {
        d += 5;
        const char *q = strchr(d, '"');
        if (q != NULL && (size_t)(q - d) < sizeof jwk_d) {
            memcpy(jwk_d, d, (size_t)(q - d));
            keep_material((userhash_str){jwk_d, strlen(jwk_d)});
        }
    }
    collect_secrets(v);
}

/* `text` shows no secret or private key of the file. */
static void check_no_key_material(const char *what, const char *text, size_t len) {
    for (size_t k = 0; k < key_material_len; k++)
        CHECK(memmem(text, len, key_material[k].ptr, key_material[k].len) == NULL, "%s shows key material: %.*s",
              what, (int)len, text);
}

static void check_last_message_clean(void) {
    const char *message = userhash_last_error_message();
    check_no_key_material("the last error message", message, strlen(message));
}

/* An expected error: the status's name, the field, the variant's own fields
 * (strings quoted in the message; Expired's and FromFuture's ms from
 * userhash_last_error_ms; TooLarge's limit as the field; other numbers in the
 * message), and message_contains. Expired's `timestamp_ms` has no C
 * accessor. */
static void check_error(userhash_status got, const json_t *expect) {
    CHECK_STATUS_NAMED(got, jcstr(expect, "error"));
    const char *message = userhash_last_error_message();
    const json_t *field = json_object_get(expect, "field");
    if (field != NULL) {
        const char *have = userhash_last_error_field();
        CHECK(have != NULL && strcmp(have, json_string_value(field)) == 0, "field %s, want %s",
              have ? have : "(none)", json_string_value(field));
    }
    const json_t *needle = json_object_get(expect, "message_contains");
    if (needle != NULL)
        CHECK(strstr(message, json_string_value(needle)) != NULL, "`%s` lacks %s", message,
              json_string_value(needle));
    const char *name;
    const json_t *value;
    json_object_foreach(json_object_get(expect, "fields"), name, value) {
        char text[512];
        if (strcmp(name, "limit") == 0) {
            const char *have = userhash_last_error_field();
            CHECK(have != NULL && strcmp(have, json_string_value(value)) == 0, "limit %s", have ? have : "(none)");
        } else if (strcmp(name, "age_ms") == 0 || strcmp(name, "ahead_ms") == 0) {
            CHECK(userhash_last_error_ms() == (uint64_t)json_integer_value(value), "%s %llu, want %lld", name,
                  (unsigned long long)userhash_last_error_ms(), (long long)json_integer_value(value));
        } else if (strcmp(name, "timestamp_ms") == 0) {
            continue;
        } else if (json_is_string(value)) {
            snprintf(text, sizeof text, "`%s`", json_string_value(value));
            CHECK(strstr(message, text) != NULL, "%s %s not in: %s", name, text, message);
        } else {
            snprintf(text, sizeof text, " %lld ", (long long)json_integer_value(value));
            CHECK(strstr(message, text) != NULL, "%s%snot in: %s", name, text, message);
        }
    }
    check_last_message_clean();
}

/* ---- the vectors ---- */

static void defaults_match(const json_t *v) {
    begin_case("jwt.json", "defaults are the header's constants");
    const json_t *d = json_object_get(v, "defaults");
    CHECK(jnum(d, "lifetime_s") == USERHASH_DEFAULT_TOKEN_LIFETIME_S, "lifetime_s");
    CHECK(jnum(d, "leeway_s") == USERHASH_DEFAULT_TOKEN_LEEWAY_S, "leeway_s");
    CHECK(jnum(d, "max_lifetime_s") == USERHASH_DEFAULT_MAX_TOKEN_LIFETIME_S, "max_lifetime_s");
    CHECK(jnum(d, "max_token_len") == USERHASH_DEFAULT_MAX_TOKEN_LEN, "max_token_len");
    end_case();
}

/* The sign case `c` signed at its time with its jti by `signer`; NULL on failure. */
static char *sign_case(const json_t *c, const userhash_token_signer *signer, size_t *len) {
    userhash_token_subject subject = subject_of(json_object_get(c, "subject"));
    userhash_str jti = jstr(c, "jti");
    char *token = NULL;
    CHECK_STATUS(
        seen(userhash_token_signer_sign_at(signer, &subject, jnum(c, "now_ms"), jti.ptr, jti.len, &token, len)),
        USERHASH_OK);
    return token;
}

static void sign_vectors(const json_t *v) {
    size_t i;
    const json_t *c;
    int combinations = 0;
    bool seen_combination[2][4] = {{false}};
    json_array_foreach(json_object_get(v, "sign"), i, c) {
        /* The vectors' sign cases share one name; the index tells them apart. */
        char name[160];
        snprintf(name, sizeof name, "#%zu %s %s %s", i, jcstr(c, "name"), jcstr(c, "alg"),
                 jcstr(json_object_get(c, "options"), "profile"));
        begin_case("jwt.json sign", name);
        userhash_token_signer *signer = NULL;
        CHECK_STATUS(signer_of(c, &signer), USERHASH_OK);
        size_t len = 0;
        char *token = signer != NULL ? sign_case(c, signer, &len) : NULL;
        if (token != NULL) {
            CHECK(strcmp(token, jcstr(c, "token")) == 0, "token\n  %s\nwant\n  %s", token, jcstr(c, "token"));
            CHECK(len == strlen(token), "out_token_len %zu", len);
        }
        /* The private JWK signs the same token (Ed25519 is deterministic). */
        userhash_str jwk = jopt(json_object_get(c, "key"), "private_jwk");
        if (jwk.ptr != NULL) {
            userhash_token_signer_options options = signer_options_of(json_object_get(c, "options"));
            userhash_token_signer *from_jwk = NULL;
            CHECK_STATUS(seen(userhash_token_signer_new_ed25519(jwk.ptr, jwk.len, &options, &from_jwk)), USERHASH_OK);
            char *again = from_jwk != NULL ? sign_case(c, from_jwk, NULL) : NULL;
            CHECK(again != NULL && strcmp(again, jcstr(c, "token")) == 0, "the private JWK's token differs");
            userhash_string_free(&again);
            userhash_token_signer_free(&from_jwk);
        }
        /* What it signs, the case's verifier accepts a second later. */
        userhash_token_verifier *verifier = NULL;
        CHECK_STATUS(verifier_of(c, "verify_keys", "verify_options", &verifier), USERHASH_OK);
        userhash_verified_token *got = NULL;
        if (token != NULL && verifier != NULL) {
            CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, token, len, jnum(c, "now_ms") + 1000, &got)),
                         USERHASH_OK);
            if (got != NULL) check_verified(got, json_object_get(c, "verified"));
        }
        int alg = strcmp(jcstr(c, "alg"), "HS256") == 0 ? 0 : 1;
        userhash_token_profile p = profile_named(jcstr(json_object_get(c, "options"), "profile"));
        if (!seen_combination[alg][p]) combinations++;
        seen_combination[alg][p] = true;
        userhash_verified_token_free(&got);
        userhash_token_verifier_free(&verifier);
        userhash_string_free(&token);
        userhash_token_signer_free(&signer);
        end_case();
    }
    begin_case("jwt.json sign", "every profile under both algorithms");
    CHECK(combinations == 8, "%d of 8", combinations);
    end_case();
}

static void sign_error_vectors(const json_t *v) {
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(v, "sign_errors"), i, c) {
        begin_case("jwt.json sign_errors", jcstr(c, "name"));
        userhash_token_signer *signer = NULL;
        userhash_status st = signer_of(c, &signer);
        char *token = NULL;
        size_t len = 0;
        if (st == USERHASH_OK) {
            token = (char *)"not touched";
            len = 99;
            userhash_token_subject subject = subject_of(json_object_get(c, "subject"));
            userhash_str jti = jstr(c, "jti");
            st = seen(
                userhash_token_signer_sign_at(signer, &subject, jnum(c, "now_ms"), jti.ptr, jti.len, &token, &len));
        }
        const json_t *lifetime = json_object_get(json_object_get(c, "options"), "lifetime_s");
        if (json_is_integer(lifetime) && json_integer_value(lifetime) == 0) {
            /* In C a lifetime of 0 means the default (USERHASH_DEFAULT_TOKEN_LIFETIME_S),
             * so this case signs: with exp - iat of 300 s. */
            CHECK_STATUS(st, USERHASH_OK);
            userhash_token_key key = {jstr(json_object_get(c, "key"), "hs256"), {NULL, 0}, {NULL, 0}};
            userhash_str org = jstr(json_object_get(c, "options"), "org");
            userhash_token_verifier *verifier = NULL;
            userhash_verified_token *got = NULL;
            CHECK_STATUS(seen(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_USERHASH, org.ptr, org.len,
                                                          &verifier)),
                         USERHASH_OK);
            if (st == USERHASH_OK && verifier != NULL)
                CHECK_STATUS(
                    seen(userhash_token_verifier_verify_at(verifier, token, len, jnum(c, "now_ms") + 1000, &got)),
                    USERHASH_OK);
            CHECK(got != NULL && got->expires_at - got->issued_at == USERHASH_DEFAULT_TOKEN_LIFETIME_S,
                  "0 did not give the default lifetime");
            userhash_verified_token_free(&got);
            userhash_token_verifier_free(&verifier);
            if (st == USERHASH_OK) userhash_string_free(&token);
        } else {
            check_error(st, c);
            CHECK(token == NULL && len == 0, "a failed sign left output");
        }
        userhash_token_signer_free(&signer);
        end_case();
    }
}

static void verify_vectors(const json_t *v) {
    size_t i, step;
    const json_t *c, *check;
    json_array_foreach(json_object_get(v, "verify"), i, c) {
        begin_case("jwt.json verify", jcstr(c, "name"));
        userhash_token_verifier *verifier = NULL;
        CHECK_STATUS(verifier_of(c, "keys", "options", &verifier), USERHASH_OK);
        json_array_foreach(json_object_get(c, "checks"), step, check) {
            if (verifier == NULL) break;
            userhash_str token = jstr(check, "token");
            const json_t *expect = json_object_get(check, "expect");
            userhash_verified_token *got = (userhash_verified_token *)&got; /* garbage: must become NULL or a token */
            userhash_status st =
                seen(userhash_token_verifier_verify_at(verifier, token.ptr, token.len, jnum(check, "now_ms"), &got));
            if (json_object_get(expect, "ok") != NULL) {
                CHECK_STATUS(st, USERHASH_OK);
                if (st == USERHASH_OK && got != NULL) check_verified(got, expect);
                if (st != USERHASH_OK) {
                    CHECK(got == NULL, "check %zu: a rejection left a token", step);
                    got = NULL;
                }
            } else {
                CHECK(got == NULL, "check %zu: a rejection left a token", step);
                check_error(st, expect);
            }
            userhash_verified_token_free(&got);
        }
        userhash_token_verifier_free(&verifier);
        end_case();
    }
}

static void config_error_vectors(const json_t *v) {
    size_t i;
    const json_t *c;
    json_array_foreach(json_object_get(v, "config_errors"), i, c) {
        begin_case("jwt.json config_errors", jcstr(c, "name"));
        userhash_token_verifier *verifier = NULL;
        check_error(verifier_of(c, "keys", "options", &verifier), c);
        userhash_token_verifier_free(&verifier);
        end_case();
    }
}

static void diagnose_vectors(const json_t *v) {
    size_t i, k;
    const json_t *c, *cause;
    json_array_foreach(json_object_get(v, "diagnose"), i, c) {
        begin_case("jwt.json diagnose", jcstr(c, "name"));
        userhash_token_verifier *verifier = NULL;
        userhash_token_diagnosis *d = NULL;
        userhash_str token = jstr(c, "token");
        CHECK_STATUS(verifier_of(c, "keys", "options", &verifier), USERHASH_OK);
        if (verifier != NULL)
            CHECK_STATUS(
                seen(userhash_token_diagnose_at(verifier, token.ptr, token.len, jnum(c, "now_ms"), &d)),
                USERHASH_OK);
        const json_t *expect = json_object_get(c, "expect"), *causes = json_object_get(expect, "causes");
        if (d != NULL) {
            CHECK(strcmp(d->name, jcstr(expect, "result")) == 0, "%s: %s", d->name, d->message.ptr);
            CHECK(d->message.len > 20 && d->message.ptr[d->message.len] == '\0', "message");
            check_no_key_material("the diagnosis", d->message.ptr, d->message.len);
            CHECK(d->causes_len == json_array_size(causes), "%zu causes: %s", d->causes_len, d->message.ptr);
            CHECK((d->causes == NULL) == (d->causes_len == 0), "causes pointer and count disagree");
            json_array_foreach(causes, k, cause) {
                if (k >= d->causes_len) break;
                userhash_token_cause got = d->causes[k];
                const json_t *index = json_object_get(cause, "key_index");
                CHECK(strcmp(got.name, jcstr(cause, "cause")) == 0, "cause %zu is %s", k, got.name);
                CHECK(got.has_key_index == json_is_integer(index) &&
                          got.key_index == (json_is_integer(index) ? (size_t)json_integer_value(index) : 0),
                      "cause %zu: key_index %d %zu", k, got.has_key_index, got.key_index);
                CHECK(got.message.len > 0 && strstr(d->message.ptr, got.message.ptr) != NULL,
                      "cause %zu's message is not in the diagnosis's", k);
                check_no_key_material("a cause", got.message.ptr, got.message.len);
            }
            /* Unexplained means another key altogether: the verifier's Mismatch. */
            userhash_status want = strcmp(d->name, "Unexplained") == 0 ? USERHASH_MISMATCH : USERHASH_OK;
            CHECK(d->error == want, "error %s", userhash_status_name((int)d->error));
        }
        userhash_token_diagnosis_free(&d);
        userhash_token_verifier_free(&verifier);
        end_case();
    }
}

static void library_vectors(const json_t *v) {
    size_t i;
    const json_t *c, *token;
    const char *library;
    json_array_foreach(json_object_get(v, "library"), i, c) {
        json_object_foreach(json_object_get(c, "tokens"), library, token) {
            char name[200];
            snprintf(name, sizeof name, "%s (%s)", jcstr(c, "name"), library);
            begin_case("jwt.json library", name);
            /* A verifier for each: the libraries' tokens share a jti. */
            userhash_token_verifier *verifier = NULL;
            userhash_verified_token *got = NULL;
            userhash_str t = jval(token);
            CHECK_STATUS(verifier_of(c, "keys", "options", &verifier), USERHASH_OK);
            if (verifier != NULL)
                CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, t.ptr, t.len, jnum(c, "now_ms"), &got)),
                             USERHASH_OK);
            if (got != NULL) check_verified(got, json_object_get(c, "expect"));
            userhash_verified_token_free(&got);
            userhash_token_verifier_free(&verifier);
            end_case();
        }
    }
}

void test_token_vectors(const char *dir) {
    json_t *v = load_vectors(dir, "jwt.json");
    collect_key_material(v);
    begin_case("jwt.json", "key material to look for in messages");
    CHECK(key_material_len >= 5, "only %zu secrets and key parts found", key_material_len);
    end_case();
    defaults_match(v);
    sign_vectors(v);
    sign_error_vectors(v);
    verify_vectors(v);
    config_error_vectors(v);
    diagnose_vectors(v);
    library_vectors(v);
    json_decref(v);
}

/* ---- beyond the vectors ---- */

static userhash_str hs256_secret; /* the vectors' HS256 secret */
static const char *org = "org_123";

static userhash_token_signer *hs256_signer(void) {
    userhash_token_signer_options options = {0};
    options.org = (userhash_str){org, strlen(org)};
    userhash_token_signer *signer = NULL;
    CHECK_STATUS(seen(userhash_token_signer_new_hs256(hs256_secret.ptr, hs256_secret.len, &options, &signer)),
                 USERHASH_OK);
    return signer;
}

static userhash_token_verifier *hs256_verifier(void) {
    userhash_token_key key = {hs256_secret, {NULL, 0}, {NULL, 0}};
    userhash_token_verifier *verifier = NULL;
    CHECK_STATUS(seen(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org), &verifier)),
                 USERHASH_OK);
    return verifier;
}

/* A token for user-42 signed now (a fresh jti), to free with userhash_string_free. */
static char *token_now(const userhash_token_signer *signer, size_t *len) {
    userhash_token_subject subject = {0};
    subject.user_id = (userhash_str){"user-42", 7};
    subject.email = (userhash_str){"a+b@example.com", 15};
    char *token = NULL;
    CHECK_STATUS(seen(userhash_token_signer_sign(signer, &subject, &token, len)), USERHASH_OK);
    return token;
}

static void test_key_pair(void) {
    begin_case("tokens", "a generated key pair signs (PEM and JWK alike) and verifies (PEM, JWK, JWK Set)");
    userhash_ed25519_key_pair *pair = NULL, *other = NULL;
    CHECK_STATUS(seen(userhash_ed25519_key_pair_generate("k-gen", 5, &pair)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_ed25519_key_pair_generate(NULL, 0, &other)), USERHASH_OK);
    if (pair == NULL || other == NULL) {
        userhash_ed25519_key_pair_free(&pair);
        userhash_ed25519_key_pair_free(&other);
        end_case();
        return;
    }
    CHECK(str_eq_c(pair->kid, "k-gen") && other->kid.ptr == NULL, "kid");
    CHECK(strncmp(pair->private_pem.ptr, "-----BEGIN PRIVATE KEY-----", 27) == 0, "%s", pair->private_pem.ptr);
    CHECK(strncmp(pair->public_pem.ptr, "-----BEGIN PUBLIC KEY-----", 26) == 0, "%s", pair->public_pem.ptr);
    CHECK(strstr(pair->private_jwk.ptr, "\"d\":") != NULL && strstr(pair->public_jwk.ptr, "\"d\"") == NULL,
          "the private JWK has d, the public one not");
    CHECK(strstr(pair->private_jwk.ptr, "\"kid\":\"k-gen\"") != NULL &&
              strstr(pair->public_jwk.ptr, "\"kid\":\"k-gen\"") != NULL,
          "kid in the JWKs");
    CHECK(strcmp(pair->private_pem.ptr, other->private_pem.ptr) != 0, "two pairs are the same");
    CHECK(pair->private_pem.len == strlen(pair->private_pem.ptr) && pair->public_jwk.len == strlen(pair->public_jwk.ptr),
          "lengths");

    userhash_token_signer_options options = {0};
    options.kid = pair->kid;
    options.org = (userhash_str){org, strlen(org)};
    userhash_token_signer *from_pem = NULL, *from_jwk = NULL;
    CHECK_STATUS(seen(userhash_token_signer_new_ed25519(pair->private_pem.ptr, pair->private_pem.len, &options,
                                                        &from_pem)),
                 USERHASH_OK);
    CHECK_STATUS(seen(userhash_token_signer_new_ed25519(pair->private_jwk.ptr, pair->private_jwk.len, &options,
                                                        &from_jwk)),
                 USERHASH_OK);
    userhash_token_subject subject = {0};
    subject.user_id = (userhash_str){"user-42", 7};
    const char *jti = "7c1e9a52-3b4d-4f6e-8a9b-0c1d2e3f4a5b";
    const uint64_t now = 1712345678901ULL;
    char *a = NULL, *b = NULL;
    size_t a_len = 0;
    CHECK_STATUS(seen(userhash_token_signer_sign_at(from_pem, &subject, now, jti, strlen(jti), &a, &a_len)),
                 USERHASH_OK);
    CHECK_STATUS(seen(userhash_token_signer_sign_at(from_jwk, &subject, now, jti, strlen(jti), &b, NULL)),
                 USERHASH_OK);
    CHECK(a != NULL && b != NULL && strcmp(a, b) == 0, "PEM and JWK sign differently");

    /* Verified under the public PEM (kid given), the public JWK (its own kid), and a JWK Set. */
    char jwks[512];
    snprintf(jwks, sizeof jwks, "{\"keys\":[%s,%s]}", other->public_jwk.ptr, pair->public_jwk.ptr);
    userhash_token_key forms[3] = {{{NULL, 0}, pair->public_pem, pair->kid},
                                   {{NULL, 0}, pair->public_jwk, {NULL, 0}},
                                   {{NULL, 0}, {jwks, strlen(jwks)}, {NULL, 0}}};
    const size_t want_index[3] = {0, 0, 1};
    for (size_t f = 0; f < 3 && a != NULL; f++) {
        userhash_token_verifier *verifier = NULL;
        userhash_verified_token *got = NULL;
        CHECK_STATUS(seen(userhash_token_verifier_new(&forms[f], 1, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org),
                                                      &verifier)),
                     USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, a, a_len, now + 1000, &got)), USERHASH_OK);
        CHECK(got != NULL && got->algorithm == USERHASH_TOKEN_ALGORITHM_EDDSA && str_eq_c(got->kid, "k-gen") &&
                  got->key_index == want_index[f] && str_eq_c(got->user_id, "user-42") && got->email.ptr == NULL,
              "form %zu: the verified token", f);
        userhash_verified_token_free(&got);
        userhash_token_verifier_free(&verifier);
    }
    /* Another pair's public key under the same kid: Mismatch. */
    userhash_token_key wrong = {{NULL, 0}, other->public_pem, pair->kid};
    userhash_token_verifier *verifier = NULL;
    userhash_verified_token *got = NULL;
    CHECK_STATUS(
        seen(userhash_token_verifier_new(&wrong, 1, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org), &verifier)),
        USERHASH_OK);
    CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, a, a_len, now + 1000, &got)), USERHASH_MISMATCH);
    userhash_token_verifier_free(&verifier);

    /* The private key where a public one belongs is refused without being shown. */
    userhash_token_key leaked[2] = {{{NULL, 0}, pair->private_pem, {NULL, 0}}, {{NULL, 0}, pair->private_jwk, {NULL, 0}}};
    for (size_t k = 0; k < 2; k++) {
        CHECK_STATUS(seen(userhash_token_verifier_new(&leaked[k], 1, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org),
                                                      &verifier)),
                     USERHASH_MALFORMED);
        const char *message = userhash_last_error_message();
        const char *d = strstr(pair->private_jwk.ptr, "\"d\":\"") + 5;
        CHECK(strstr(message, "private") != NULL && memmem(message, strlen(message), d, 43) == NULL &&
                  memmem(message, strlen(message), pair->private_pem.ptr + 28, 40) == NULL,
              "%s", message);
        CHECK(verifier == NULL, "verifier set");
    }
    /* A public key cannot sign, and a broken private key is not shown either. */
    userhash_token_signer *signer = NULL;
    CHECK_STATUS(seen(userhash_token_signer_new_ed25519(pair->public_pem.ptr, pair->public_pem.len, &options, &signer)),
                 USERHASH_MALFORMED);
    char broken[256];
    snprintf(broken, sizeof broken, "%.*sX", (int)pair->private_jwk.len - 2, pair->private_jwk.ptr);
    CHECK_STATUS(seen(userhash_token_signer_new_ed25519(broken, strlen(broken), &options, &signer)), USERHASH_MALFORMED);
    const char *message = userhash_last_error_message();
    const char *d = strstr(pair->private_jwk.ptr, "\"d\":\"") + 5;
    CHECK(memmem(message, strlen(message), d, 43) == NULL, "the broken key is shown: %s", message);
    CHECK(signer == NULL, "signer set");

    userhash_string_free(&a);
    userhash_string_free(&b);
    userhash_token_signer_free(&from_pem);
    userhash_token_signer_free(&from_jwk);
    userhash_ed25519_key_pair_free(&pair);
    userhash_ed25519_key_pair_free(&other);
    userhash_ed25519_key_pair_free(&pair);
    CHECK(pair == NULL && other == NULL, "the pair pointers were not cleared");
    end_case();

    begin_case("tokens", "a key pair's kid follows the kid rules");
    CHECK_STATUS(seen(userhash_ed25519_key_pair_generate("", 0, &pair)), USERHASH_MALFORMED);
    CHECK(strcmp(userhash_last_error_field(), "kid") == 0, "field %s", userhash_last_error_field());
    CHECK(pair == NULL, "pair set");
    end_case();
}

/* An application's jti store: records what it is called with. */
struct jti_store {
    int calls;
    int answer_first; /* what the first call answers; later ones answer 0 */
    char scope[64];
    char jti[129];
    uint64_t expires_at_ms, now_ms;
};

static int jti_store_check(void *context, const char *scope, size_t scope_len, const char *jti, size_t jti_len,
                           uint64_t expires_at_ms, uint64_t now_ms) {
    struct jti_store *store = context;
    if (++store->calls > 1) return strcmp(store->jti, jti) == 0 ? 0 : 1;
    if (strlen(scope) != scope_len || strlen(jti) != jti_len || scope_len >= sizeof store->scope ||
        jti_len >= sizeof store->jti)
        return -1;
    memcpy(store->scope, scope, scope_len + 1);
    memcpy(store->jti, jti, jti_len + 1);
    store->expires_at_ms = expires_at_ms;
    store->now_ms = now_ms;
    return store->answer_first;
}

static void test_single_use(void) {
    begin_case("tokens", "single use: the memory store remembers a jti across setters; capacity 0 is StoreFull");
    userhash_token_signer *signer = hs256_signer();
    userhash_token_verifier *verifier = hs256_verifier();
    userhash_verified_token *got = NULL;
    size_t len = 0, other_len = 0;
    char *token = token_now(signer, &len), *other = token_now(signer, &other_len);
    if (verifier != NULL && token != NULL && other != NULL) {
        /* Not single use: any number of times. */
        for (int k = 0; k < 2; k++) {
            CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_OK);
            CHECK(got != NULL && got->jti.len == 36 && str_eq_c(got->email, "a+b@example.com"), "a fresh UUID jti");
            userhash_verified_token_free(&got);
        }
        CHECK_STATUS(seen(userhash_token_verifier_set_single_use(verifier, true)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_OK);
        userhash_verified_token_free(&got);
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_REPLAYED);
        CHECK(got == NULL, "a replay left a token");
        /* Another setter keeps the store, and what it remembers. */
        CHECK_STATUS(seen(userhash_token_verifier_set_leeway_s(verifier, 60)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_REPLAYED);
        /* A refused setter changes nothing. */
        CHECK_STATUS(seen(userhash_token_verifier_set_audience(verifier, "", 0)), USERHASH_MALFORMED);
        CHECK(strcmp(userhash_last_error_field(), "claims") == 0, "field %s", userhash_last_error_field());
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_REPLAYED);
        /* A new memory store forgets; one of capacity 0 holds nothing. */
        CHECK_STATUS(seen(userhash_token_verifier_set_memory_store(verifier, 10)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_OK);
        userhash_verified_token_free(&got);
        CHECK_STATUS(seen(userhash_token_verifier_set_memory_store(verifier, 0)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, other, other_len, &got)), USERHASH_STORE_FULL);
        CHECK(got == NULL, "StoreFull left a token");
        /* Single use off again: no store is asked. */
        CHECK_STATUS(seen(userhash_token_verifier_set_single_use(verifier, false)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, other, other_len, &got)), USERHASH_OK);
        userhash_verified_token_free(&got);
    }
    userhash_string_free(&token);
    userhash_string_free(&other);
    userhash_token_verifier_free(&verifier);
    end_case();

    begin_case("tokens", "single use through a C callback store: its arguments, a replay, fail closed");
    verifier = hs256_verifier();
    struct jti_store store = {0, 1, "", "", 0, 0};
    const uint64_t now = 1712345679901ULL;
    userhash_token_subject subject = {0};
    subject.user_id = (userhash_str){"user-42", 7};
    const char *jti = "jti-0123456789";
    CHECK_STATUS(seen(userhash_token_signer_sign_at(signer, &subject, now - 1000, jti, strlen(jti), &token, &len)),
                 USERHASH_OK);
    if (verifier != NULL && token != NULL) {
        CHECK_STATUS(seen(userhash_token_verifier_set_nonce_store(verifier, NULL, &store)), USERHASH_INVALID_ARGUMENT);
        CHECK_STATUS(seen(userhash_token_verifier_set_nonce_store(verifier, jti_store_check, &store)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_set_single_use(verifier, true)), USERHASH_OK);
        /* A tampered token never reaches the store. */
        char saved = token[len - 2];
        token[len - 2] = saved == 'A' ? 'B' : 'A';
        CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, token, len, now, &got)), USERHASH_MISMATCH);
        CHECK(store.calls == 0, "a mismatch reached the store");
        token[len - 2] = saved;
        CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, token, len, now, &got)), USERHASH_OK);
        uint64_t exp = got != NULL ? got->expires_at : 0;
        userhash_verified_token_free(&got);
        CHECK(store.calls == 1 && strcmp(store.scope, "jwt:org_123") == 0 && strcmp(store.jti, jti) == 0,
              "the store saw %d calls, scope %s, jti %s", store.calls, store.scope, store.jti);
        CHECK(store.expires_at_ms == (exp + USERHASH_DEFAULT_TOKEN_LEEWAY_S) * 1000 && store.now_ms == now,
              "expires_at_ms %llu, now_ms %llu", (unsigned long long)store.expires_at_ms,
              (unsigned long long)store.now_ms);
        CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, token, len, now, &got)), USERHASH_REPLAYED);
        /* A store that cannot answer refuses the token (fail closed). */
        struct jti_store failing = {0, -1, "", "", 0, 0};
        CHECK_STATUS(seen(userhash_token_verifier_set_nonce_store(verifier, jti_store_check, &failing)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_token_verifier_verify_at(verifier, token, len, now, &got)),
                     USERHASH_STORE_UNAVAILABLE);
        CHECK(got == NULL && failing.calls == 1, "fail closed");
    }
    userhash_string_free(&token);
    userhash_token_verifier_free(&verifier);
    userhash_token_signer_free(&signer);
    end_case();
}

/* Threads racing on one single-use token: exactly one wins. */
struct token_racer {
    const userhash_token_verifier *verifier;
    const char *token;
    userhash_status status;
};

static void *token_race(void *arg) {
    struct token_racer *r = arg;
    userhash_verified_token *got = NULL;
    r->status = userhash_token_verifier_verify(r->verifier, r->token, strlen(r->token), &got);
    userhash_verified_token_free(&got);
    return NULL;
}

static void test_token_threads(void) {
    begin_case("tokens", "8 threads race on one single-use token: one wins");
    userhash_token_signer *signer = hs256_signer();
    userhash_token_verifier *verifier = hs256_verifier();
    char *token = token_now(signer, NULL);
    CHECK_STATUS(seen(userhash_token_verifier_set_single_use(verifier, true)), USERHASH_OK);
    struct token_racer racers[8];
    pthread_t threads[8];
    for (int i = 0; i < 8; i++) {
        racers[i] = (struct token_racer){verifier, token, USERHASH_INTERNAL};
        CHECK(pthread_create(&threads[i], NULL, token_race, &racers[i]) == 0, "pthread_create");
    }
    int wins = 0, replays = 0;
    for (int i = 0; i < 8; i++) {
        pthread_join(threads[i], NULL);
        wins += seen(racers[i].status) == USERHASH_OK;
        replays += racers[i].status == USERHASH_REPLAYED;
    }
    CHECK(wins == 1 && replays == 7, "%d wins, %d replays", wins, replays);
    userhash_string_free(&token);
    userhash_token_verifier_free(&verifier);
    userhash_token_signer_free(&signer);
    end_case();
}

static void test_arguments(void) {
    begin_case("tokens", "an unknown profile or tri-state, and a key entry with both or neither key, are refused");
    userhash_token_signer_options options = {0};
    options.org = (userhash_str){org, strlen(org)};
    options.profile = 4;
    userhash_token_signer *signer = (userhash_token_signer *)&signer;
    CHECK_STATUS(seen(userhash_token_signer_new_hs256(hs256_secret.ptr, hs256_secret.len, &options, &signer)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "options->profile is 4") != NULL, "%s", userhash_last_error_message());
    CHECK(signer == NULL, "signer not cleared");
    options.profile = USERHASH_TOKEN_PROFILE_USERHASH;
    signer = hs256_signer();
    userhash_token_subject subject = {0};
    subject.user_id = (userhash_str){"user-42", 7};
    subject.email_verified = 3;
    char *token = (char *)"garbage";
    size_t len = 5;
    CHECK_STATUS(seen(userhash_token_signer_sign(signer, &subject, &token, &len)), USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "subject->email_verified is 3") != NULL, "%s",
          userhash_last_error_message());
    CHECK(token == NULL && len == 0, "outputs not cleared");
    /* A claim the profile lacks is the core's Malformed. */
    subject.email_verified = USERHASH_TRISTATE_TRUE;
    CHECK_STATUS(seen(userhash_token_signer_sign(signer, &subject, &token, &len)), USERHASH_MALFORMED);
    CHECK(strstr(userhash_last_error_message(), "email_verified") != NULL, "%s", userhash_last_error_message());
    userhash_token_signer_free(&signer);

    userhash_token_verifier *verifier = (userhash_token_verifier *)&verifier;
    userhash_token_key key = {hs256_secret, {NULL, 0}, {NULL, 0}};
    CHECK_STATUS(seen(userhash_token_verifier_new(&key, 1, 9, org, strlen(org), &verifier)), USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "profile is 9") != NULL, "%s", userhash_last_error_message());
    CHECK(verifier == NULL, "verifier not cleared");
    userhash_token_key keys[2] = {key, {hs256_secret, {"x", 1}, {NULL, 0}}};
    CHECK_STATUS(seen(userhash_token_verifier_new(keys, 2, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org), &verifier)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "keys[1] has both") != NULL, "%s", userhash_last_error_message());
    keys[1] = (userhash_token_key){{NULL, 0}, {NULL, 0}, {"k", 1}};
    CHECK_STATUS(seen(userhash_token_verifier_new(keys, 2, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org), &verifier)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "keys[1] has neither") != NULL, "%s", userhash_last_error_message());
    /* The userhash profile needs the org; the others refuse one. */
    CHECK_STATUS(seen(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_USERHASH, NULL, 0, &verifier)),
                 USERHASH_MALFORMED);
    CHECK(strcmp(userhash_last_error_field(), "org_id") == 0, "field %s", userhash_last_error_field());
    CHECK_STATUS(seen(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_DRIFT, org, strlen(org), &verifier)),
                 USERHASH_MALFORMED);
    CHECK(verifier == NULL, "verifier set");
    end_case();

    begin_case("tokens", "profile and algorithm names");
    CHECK(strcmp(userhash_token_profile_name(USERHASH_TOKEN_PROFILE_ZENDESK), "zendesk") == 0, "zendesk");
    CHECK(strcmp(userhash_token_profile_name(USERHASH_TOKEN_PROFILE_DRIFT), "drift") == 0, "drift");
    CHECK(strcmp(userhash_token_profile_name(4), "unknown") == 0, "4");
    CHECK(strcmp(userhash_token_algorithm_name(USERHASH_TOKEN_ALGORITHM_HS256), "HS256") == 0, "HS256");
    CHECK(strcmp(userhash_token_algorithm_name(USERHASH_TOKEN_ALGORITHM_EDDSA), "EdDSA") == 0, "EdDSA");
    CHECK(strcmp(userhash_token_algorithm_name(-1), "unknown") == 0, "-1");
    end_case();
}

static void test_no_secret(void) {
    begin_case("tokens", "no secret in any message: a weak one, a non-UTF-8 key, a wrong one, diagnose");
    /* A weak secret: its length is told, never the secret. */
    const char *weak = "tok_31_bytes_is_one_too_short!!";
    userhash_token_signer_options options = {0};
    options.org = (userhash_str){org, strlen(org)};
    userhash_token_signer *signer = NULL;
    CHECK_STATUS(seen(userhash_token_signer_new_hs256(weak, strlen(weak), &options, &signer)), USERHASH_WEAK_SECRET);
    CHECK(strstr(userhash_last_error_message(), "31") != NULL && strstr(userhash_last_error_message(), weak) == NULL,
          "%s", userhash_last_error_message());
    userhash_token_key key = {{weak, strlen(weak)}, {NULL, 0}, {NULL, 0}};
    userhash_token_verifier *verifier = NULL;
    CHECK_STATUS(seen(userhash_token_verifier_new(&key, 1, USERHASH_TOKEN_PROFILE_USERHASH, org, strlen(org), &verifier)),
                 USERHASH_WEAK_SECRET);
    CHECK(strstr(userhash_last_error_message(), weak) == NULL, "%s", userhash_last_error_message());
    /* A private key that is not UTF-8: where, not what. */
    const char not_utf8[] = "-----BEGIN PRIVATE KEY-----\nMC4CAQAw\xff\xfe";
    CHECK_STATUS(seen(userhash_token_signer_new_ed25519(not_utf8, strlen(not_utf8), &options, &signer)),
                 USERHASH_INVALID_ARGUMENT);
    CHECK(strstr(userhash_last_error_message(), "private_key is not valid UTF-8") != NULL &&
              strstr(userhash_last_error_message(), "MC4CAQAw") == NULL,
          "%s", userhash_last_error_message());
    /* A token signed with another secret: refused and diagnosed without either secret. */
    const char *other_secret = "tok_another_secret_of_32_bytes_!";
    userhash_token_signer *wrong = NULL;
    CHECK_STATUS(seen(userhash_token_signer_new_hs256(other_secret, strlen(other_secret), &options, &wrong)),
                 USERHASH_OK);
    verifier = hs256_verifier();
    size_t len = 0;
    char *token = wrong != NULL ? token_now(wrong, &len) : NULL;
    userhash_verified_token *got = NULL;
    userhash_token_diagnosis *d = NULL;
    if (verifier != NULL && token != NULL) {
        CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_MISMATCH);
        check_last_message_clean();
        CHECK(strstr(userhash_last_error_message(), other_secret) == NULL, "%s", userhash_last_error_message());
        CHECK_STATUS(seen(userhash_token_diagnose(verifier, token, len, &d)), USERHASH_OK);
        CHECK(d != NULL && strcmp(d->name, "Unexplained") == 0 && d->error == USERHASH_MISMATCH, "diagnosis");
        if (d != NULL) {
            check_no_key_material("the diagnosis", d->message.ptr, d->message.len);
            CHECK(strstr(d->message.ptr, other_secret) == NULL, "%s", d->message.ptr);
        }
        userhash_token_diagnosis_free(&d);
        /* A Bearer prefix is named. */
        CHECK_STATUS(seen(userhash_token_diagnose(verifier, "Bearer x", 8, &d)), USERHASH_OK);
        CHECK(d != NULL && strcmp(d->name, "Explained") == 0 && d->causes_len >= 1 &&
                  strcmp(d->causes[0].name, "BearerPrefix") == 0,
              "a Bearer prefix");
        userhash_token_diagnosis_free(&d);
    }
    userhash_string_free(&token);
    userhash_token_verifier_free(&verifier);
    userhash_token_signer_free(&wrong);
    end_case();
}

static void test_token_frees(void) {
    begin_case("tokens", "every token _free takes NULL and frees once");
    userhash_token_signer_free(NULL);
    userhash_token_verifier_free(NULL);
    userhash_verified_token_free(NULL);
    userhash_token_diagnosis_free(NULL);
    userhash_ed25519_key_pair_free(NULL);
    userhash_token_signer *signer = hs256_signer();
    userhash_token_verifier *verifier = hs256_verifier();
    size_t len = 0;
    char *token = token_now(signer, &len);
    userhash_verified_token *got = NULL;
    userhash_token_diagnosis *d = NULL;
    userhash_ed25519_key_pair *pair = NULL;
    CHECK_STATUS(seen(userhash_token_verifier_verify(verifier, token, len, &got)), USERHASH_OK);
    CHECK_STATUS(seen(userhash_token_diagnose(verifier, token, len, &d)), USERHASH_OK);
    CHECK(d != NULL && strcmp(d->name, "Valid") == 0 && d->causes == NULL && d->error == USERHASH_OK, "Valid");
    CHECK_STATUS(seen(userhash_ed25519_key_pair_generate(NULL, 0, &pair)), USERHASH_OK);
    /* Each free twice: the second finds NULL (valgrind and ASan would see a real double free). */
    userhash_verified_token_free(&got);
    userhash_verified_token_free(&got);
    userhash_token_diagnosis_free(&d);
    userhash_token_diagnosis_free(&d);
    userhash_ed25519_key_pair_free(&pair);
    userhash_ed25519_key_pair_free(&pair);
    userhash_string_free(&token);
    userhash_string_free(&token);
    userhash_token_verifier_free(&verifier);
    userhash_token_verifier_free(&verifier);
    userhash_token_signer_free(&signer);
    userhash_token_signer_free(&signer);
    CHECK(got == NULL && d == NULL && pair == NULL && token == NULL && verifier == NULL && signer == NULL,
          "a pointer was not cleared");
    end_case();
}

void test_token_conventions(const char *dir) {
    json_t *v = load_vectors(dir, "jwt.json");
    static char secret_copy[128];
    userhash_str s = jstr(json_object_get(v, "keys"), "hs256_secret");
    if (s.len >= sizeof secret_copy) abort();
    memcpy(secret_copy, s.ptr, s.len);
    hs256_secret = (userhash_str){secret_copy, s.len};
    json_decref(v);

    test_key_pair();
    test_single_use();
    test_token_threads();
    test_arguments();
    test_no_secret();
    test_token_frees();
}
