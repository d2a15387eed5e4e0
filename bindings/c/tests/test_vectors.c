/* Every vector of tests/vectors/ through the C API (format: tests/vectors/README.md). */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

/* The error expected by a case: the status's name and, if given, the field. */
static void check_error(userhash_status got, const json_t *expect) {
    CHECK_STATUS_NAMED(got, jcstr(expect, "error"));
    const json_t *field = json_object_get(expect, "field");
    if (field != NULL) {
        const char *have = userhash_last_error_field();
        CHECK(have != NULL && strcmp(have, json_string_value(field)) == 0, "field %s, want %s",
              have ? have : "(none)", json_string_value(field));
    }
}

void test_identifier_vectors(const char *dir) {
    json_t *v = load_vectors(dir, "identifier.json");
    size_t i;
    json_t *c;
    char hex[USERHASH_HEX_LEN + 1];
    bool valid;

    json_array_foreach(json_object_get(v, "sign"), i, c) {
        begin_case("identifier.json sign", jcstr(c, "name"));
        userhash_str secret = jstr(c, "secret"), id = jstr(c, "identifier");
        userhash_status st = seen(userhash_sign_identifier(secret.ptr, secret.len, id.ptr, id.len, hex, sizeof hex));
        CHECK_STATUS(st, USERHASH_OK);
        CHECK(strcmp(hex, jcstr(c, "hash")) == 0, "hash %s, want %s", hex, jcstr(c, "hash"));
        CHECK(strlen(userhash_last_error_message()) == 0, "a success leaves a message");
        st = seen(userhash_verify_identifier(secret.ptr, secret.len, id.ptr, id.len, hex, strlen(hex), &valid));
        CHECK_STATUS(st, USERHASH_OK);
        CHECK(valid, "its own hash does not verify");
        /* The same through an identifier signer (key blocks computed once). */
        userhash_identifier_signer *signer = NULL;
        char again[USERHASH_HEX_LEN + 1];
        CHECK_STATUS(seen(userhash_identifier_signer_new(secret.ptr, secret.len, &signer)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_identifier_signer_sign(signer, id.ptr, id.len, again, sizeof again)), USERHASH_OK);
        CHECK(strcmp(again, jcstr(c, "hash")) == 0, "signer's hash %s", again);
        valid = false;
        CHECK_STATUS(seen(userhash_identifier_signer_verify(signer, id.ptr, id.len, again, strlen(again), &valid)),
                     USERHASH_OK);
        CHECK(valid, "the signer does not verify its own hash");
        userhash_identifier_signer_free(&signer);
        end_case();
    }
    json_array_foreach(json_object_get(v, "verify"), i, c) {
        begin_case("identifier.json verify", jcstr(c, "name"));
        userhash_str secret = jstr(c, "secret"), id = jstr(c, "identifier"), hash = jstr(c, "hash");
        valid = !json_is_true(json_object_get(c, "valid"));
        userhash_status st =
            seen(userhash_verify_identifier(secret.ptr, secret.len, id.ptr, id.len, hash.ptr, hash.len, &valid));
        CHECK_STATUS(st, USERHASH_OK);
        CHECK(valid == json_is_true(json_object_get(c, "valid")), "valid %d", valid);
        userhash_identifier_signer *signer = NULL;
        CHECK_STATUS(seen(userhash_identifier_signer_new(secret.ptr, secret.len, &signer)), USERHASH_OK);
        valid = !json_is_true(json_object_get(c, "valid"));
        CHECK_STATUS(seen(userhash_identifier_signer_verify(signer, id.ptr, id.len, hash.ptr, hash.len, &valid)),
                     USERHASH_OK);
        CHECK(valid == json_is_true(json_object_get(c, "valid")), "signer: valid %d", valid);
        userhash_identifier_signer_free(&signer);
        end_case();
    }
    json_array_foreach(json_object_get(v, "errors"), i, c) {
        begin_case("identifier.json errors", jcstr(c, "name"));
        userhash_str secret = jstr(c, "secret"), id = jstr(c, "identifier");
        userhash_status st;
        if (strcmp(jcstr(c, "operation"), "sign") == 0) {
            /* A weak secret fails when the signer is made; a bad identifier when it signs. */
            userhash_identifier_signer *signer = NULL;
            userhash_status made = seen(userhash_identifier_signer_new(secret.ptr, secret.len, &signer));
            userhash_status signed_ = made != USERHASH_OK
                                          ? made
                                          : seen(userhash_identifier_signer_sign(signer, id.ptr, id.len, hex, sizeof hex));
            CHECK_STATUS_NAMED(signed_, jcstr(c, "error"));
            CHECK(made == USERHASH_OK || signer == NULL, "a failed _new left a signer");
            userhash_identifier_signer_free(&signer);
            st = seen(userhash_sign_identifier(secret.ptr, secret.len, id.ptr, id.len, hex, sizeof hex));
            CHECK(hex[0] == '\0', "a failed sign left output");
        } else {
            userhash_str hash = jstr(c, "hash");
            valid = true;
            st = seen(userhash_verify_identifier(secret.ptr, secret.len, id.ptr, id.len, hash.ptr, hash.len, &valid));
            CHECK(!valid, "a failed verify left valid == true");
        }
        check_error(st, c);
        check_no_secret(c);
        end_case();
    }
    json_decref(v);
}

/* The signer and signed identity of a case; NULL and the status on failure. */
static userhash_status sign_case(const json_t *c, userhash_signed_identity **out) {
    userhash_str secret = jstr(c, "secret"), org = jstr(c, "org_id"), email = jstr(c, "email");
    userhash_str nonce = jstr(c, "nonce");
    userhash_identity_signer *signer = NULL;
    *out = NULL;
    userhash_status st = seen(userhash_identity_signer_new(secret.ptr, secret.len, org.ptr, org.len, &signer));
    if (st != USERHASH_OK) {
        CHECK(signer == NULL, "a failed _new left a signer");
        return st;
    }
    st = seen(userhash_identity_signer_sign_at(signer, email.ptr, email.len, jtimestamp(c, "timestamp"), nonce.ptr,
                                               nonce.len, out));
    userhash_identity_signer_free(&signer);
    CHECK(signer == NULL, "_free did not clear the pointer");
    if (st != USERHASH_OK) CHECK(*out == NULL, "a failed sign left an identity");
    return st;
}

/* A case's identity, signed as the case says: the case fails unless it signs
 * with the case's user_hash. NULL when it does not sign. */
static userhash_signed_identity *sign_expected(const json_t *c) {
    userhash_signed_identity *id = NULL;
    CHECK_STATUS(sign_case(c, &id), USERHASH_OK);
    if (id != NULL) CHECK(str_eq(id->user_hash, jstr(c, "user_hash")), "user_hash %s", id->user_hash.ptr);
    return id;
}

void test_identity_vectors(const char *dir) {
    json_t *v = load_vectors(dir, "identity.json");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(v, "sign"), i, c) {
        begin_case("identity.json sign", jcstr(c, "name"));
        userhash_signed_identity *id = sign_expected(c);
        if (id != NULL) {
            CHECK(id->user_hash.ptr[id->user_hash.len] == '\0', "user_hash is not NUL-terminated");
            CHECK(str_eq(id->email, jstr(c, "email")), "email %s", id->email.ptr);
            CHECK(str_eq(id->org_id, jstr(c, "org_id")), "org_id %s", id->org_id.ptr);
            CHECK(str_eq(id->nonce, jstr(c, "nonce")), "nonce %s", id->nonce.ptr);
            CHECK(id->timestamp_ms == jtimestamp(c, "timestamp"), "timestamp_ms");
            /* `message` is email|timestamp|org_id|nonce, made from what came back. */
            char message[2048];
            snprintf(message, sizeof message, "%s|%llu|%s|%s", id->email.ptr, (unsigned long long)id->timestamp_ms,
                     id->org_id.ptr, id->nonce.ptr);
            CHECK(strcmp(message, jcstr(c, "message")) == 0, "message %s", message);
        }
        userhash_signed_identity_free(&id);
        end_case();
    }
    json_array_foreach(json_object_get(v, "errors"), i, c) {
        begin_case("identity.json errors", jcstr(c, "name"));
        userhash_signed_identity *id = NULL;
        check_error(sign_case(c, &id), c);
        check_no_secret(c);
        userhash_signed_identity_free(&id);
        end_case();
    }
    json_decref(v);
}

/* A case's `params` ([[key, value], ...]) as userhash_param; *n gets the count. */
static userhash_param *params_of(const json_t *c, size_t *n) {
    const json_t *list = json_object_get(c, "params");
    *n = json_array_size(list);
    userhash_param *params = calloc(*n + 1, sizeof *params);
    if (params == NULL) abort();
    for (size_t i = 0; i < *n; i++) {
        const json_t *pair = json_array_get(list, i);
        params[i].key = jval(json_array_get(pair, 0));
        params[i].value = jval(json_array_get(pair, 1));
    }
    return params;
}

static userhash_status widget_url_of(const json_t *c, const userhash_signed_identity *id, char **url, size_t *len) {
    userhash_str base = jstr(c, "base_url"), name = jstr(c, "display_name");
    size_t n;
    userhash_param *params = params_of(c, &n);
    userhash_status st =
        seen(userhash_widget_url(base.ptr, base.len, id, name.ptr, name.len, n ? params : NULL, n, url, len));
    free(params);
    return st;
}

void test_widget_url_vectors(const char *dir) {
    json_t *v = load_vectors(dir, "widget_url.json");
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(v, "cases"), i, c) {
        begin_case("widget_url.json cases", jcstr(c, "name"));
        userhash_signed_identity *id = sign_expected(c);
        char *url = NULL;
        size_t url_len = 0;
        if (id != NULL) CHECK_STATUS(widget_url_of(c, id, &url, &url_len), USERHASH_OK);
        if (url != NULL) {
            CHECK(strcmp(url, jcstr(c, "url")) == 0, "url\n  %s\nwant\n  %s", url, jcstr(c, "url"));
            CHECK(url_len == strlen(url), "out_url_len %zu", url_len);
            /* What widget_url makes, the verifier accepts, with the same fields back. */
            userhash_str secret = jstr(c, "secret"), org = jstr(c, "org_id");
            userhash_verifier *verifier = NULL;
            userhash_verified_identity *got = NULL;
            CHECK_STATUS(seen(userhash_verifier_new(&secret, 1, org.ptr, org.len, &verifier)), USERHASH_OK);
            CHECK_STATUS(seen(userhash_verifier_verify_url_at(verifier, url, url_len, jtimestamp(c, "timestamp"), &got)),
                         USERHASH_OK);
            if (got != NULL) {
                CHECK(str_eq(got->email, jstr(c, "email")), "email %s", got->email.ptr);
                CHECK(str_eq(got->name, jstr(c, "display_name")), "name");
                /* Every extra param comes back (the base URL's own query may add more). */
                size_t n;
                userhash_param *params = params_of(c, &n);
                for (size_t k = 0; k < n; k++) {
                    bool found = false;
                    for (size_t g = 0; g < got->params_len; g++)
                        found |= str_eq(got->params[g].key, params[k].key) &&
                                 str_eq(got->params[g].value, params[k].value);
                    CHECK(found, "param %s lost", params[k].key.ptr);
                }
                free(params);
            }
            userhash_verified_identity_free(&got);
            userhash_verifier_free(&verifier);
        }
        userhash_string_free(&url);
        CHECK(url == NULL, "userhash_string_free did not clear the pointer");
        userhash_signed_identity_free(&id);
        end_case();
    }
    json_array_foreach(json_object_get(v, "errors"), i, c) {
        begin_case("widget_url.json errors", jcstr(c, "name"));
        userhash_signed_identity *id = NULL;
        char *url = (char *)"not touched";
        size_t url_len = 99;
        CHECK_STATUS(sign_case(c, &id), USERHASH_OK);
        check_error(widget_url_of(c, id, &url, &url_len), c);
        CHECK(url == NULL && url_len == 0, "a failed widget_url left output");
        userhash_signed_identity_free(&id);
        end_case();
    }
    json_decref(v);
}

/* The `failing` store of verify.json: it never answers. */
static int failing_store(void *context, const char *org_id, size_t org_id_len, const char *nonce, size_t nonce_len,
                         uint64_t expires_at_ms, uint64_t now_ms) {
    (void)context, (void)org_id, (void)org_id_len, (void)nonce, (void)nonce_len, (void)expires_at_ms, (void)now_ms;
    return -1;
}

static userhash_status verifier_for(const json_t *c, userhash_verifier **out) {
    const json_t *list = json_object_get(c, "secrets");
    size_t n = json_array_size(list);
    userhash_str *secrets = calloc(n + 1, sizeof *secrets);
    if (secrets == NULL) abort();
    for (size_t i = 0; i < n; i++) secrets[i] = jval(json_array_get(list, i));
    userhash_str org = jstr(c, "org_id");
    userhash_status st = seen(userhash_verifier_new(n ? secrets : NULL, n, org.ptr, org.len, out));
    free(secrets);
    if (st != USERHASH_OK) {
        CHECK(*out == NULL, "a failed _new left a verifier");
        return st;
    }
    const json_t *tolerance = json_object_get(c, "tolerance_ms");
    if (json_is_integer(tolerance))
        CHECK_STATUS(seen(userhash_verifier_set_tolerance_ms(*out, (uint64_t)json_integer_value(tolerance))),
                     USERHASH_OK);
    const json_t *max_url_len = json_object_get(c, "max_url_len"), *max_params = json_object_get(c, "max_params");
    if (json_is_integer(max_url_len) || json_is_integer(max_params)) {
        size_t len = json_is_integer(max_url_len) ? (size_t)json_integer_value(max_url_len) : USERHASH_DEFAULT_MAX_URL_LEN;
        size_t params = json_is_integer(max_params) ? (size_t)json_integer_value(max_params) : USERHASH_DEFAULT_MAX_PARAMS;
        CHECK_STATUS(seen(userhash_verifier_set_limits(*out, len, params)), USERHASH_OK);
    }
    const json_t *store = json_object_get(c, "store");
    if (store != NULL) {
        const char *kind = jcstr(store, "kind");
        if (strcmp(kind, "memory") == 0) {
            size_t capacity = (size_t)json_integer_value(json_object_get(store, "capacity"));
            CHECK_STATUS(seen(userhash_verifier_set_memory_store(*out, capacity)), USERHASH_OK);
        } else if (strcmp(kind, "failing") == 0) {
            CHECK_STATUS(seen(userhash_verifier_set_nonce_store(*out, failing_store, NULL)), USERHASH_OK);
        } else {
            CHECK(false, "unknown store kind %s", kind);
        }
    }
    return USERHASH_OK;
}

static void check_verified(const userhash_verified_identity *got, const json_t *ok) {
    CHECK(str_eq(got->email, jstr(ok, "email")), "email %s", got->email.ptr);
    CHECK(str_eq(got->org_id, jstr(ok, "org_id")), "org_id %s", got->org_id.ptr);
    CHECK(got->timestamp_ms == jtimestamp(ok, "timestamp_ms"), "timestamp_ms %llu",
          (unsigned long long)got->timestamp_ms);
    CHECK(str_eq(got->nonce, jstr(ok, "nonce")), "nonce %s", got->nonce.ptr);
    CHECK(str_eq(got->name, jstr(ok, "name")), "name %s", got->name.ptr ? got->name.ptr : "(none)");
    CHECK(got->key_index == (size_t)json_integer_value(json_object_get(ok, "key_index")), "key_index %zu",
          got->key_index);
    const json_t *params = json_object_get(ok, "params");
    CHECK(got->params_len == json_object_size(params), "%zu params, want %zu", got->params_len,
          json_object_size(params));
    CHECK((got->params == NULL) == (got->params_len == 0), "params pointer and count disagree");
    for (size_t k = 0; k < got->params_len && got->params_len == json_object_size(params); k++) {
        userhash_param p = got->params[k];
        const json_t *want = json_object_getn(params, p.key.ptr, p.key.len);
        CHECK(want != NULL && str_eq(p.value, jval(want)), "param %s", p.key.ptr);
        if (k > 0) {
            userhash_str a = got->params[k - 1].key, b = p.key;
            size_t m = a.len < b.len ? a.len : b.len;
            int order = memcmp(a.ptr, b.ptr, m);
            CHECK(order < 0 || (order == 0 && a.len < b.len), "params are not sorted by key");
        }
    }
}

/* `fields` of an expected rejection: WrongOrg's orgs, Expired's age, FromFuture's lead, TooLarge's limit. */
static void check_error_fields(const json_t *fields) {
    const char *message = userhash_last_error_message();
    const json_t *limit = json_object_get(fields, "limit"), *max = json_object_get(fields, "max");
    if (limit != NULL) {
        const char *have = userhash_last_error_field();
        CHECK(have != NULL && strcmp(have, json_string_value(limit)) == 0, "limit %s, want %s", have ? have : "(none)",
              json_string_value(limit));
    }
    if (max != NULL) {
        char number[32];
        snprintf(number, sizeof number, " %lld ", (long long)json_integer_value(max));
        CHECK(strstr(message, number) != NULL, "max%snot in: %s", number, message);
    }
    const char *org_keys[] = {"expected", "actual"};
    for (int k = 0; k < 2; k++) {
        const json_t *org = json_object_get(fields, org_keys[k]);
        if (org == NULL) continue;
        char quoted[512];
        snprintf(quoted, sizeof quoted, "`%s`", json_string_value(org));
        CHECK(strstr(message, quoted) != NULL, "%s org %s not in: %s", org_keys[k], quoted, message);
    }
    const char *ms_keys[] = {"age_ms", "ahead_ms"};
    for (int k = 0; k < 2; k++) {
        const json_t *ms = json_object_get(fields, ms_keys[k]);
        if (ms == NULL) continue;
        CHECK(userhash_last_error_ms() == (uint64_t)json_integer_value(ms), "%s %llu, want %lld", ms_keys[k],
              (unsigned long long)userhash_last_error_ms(), (long long)json_integer_value(ms));
    }
}

void test_verify_vectors(const char *dir) {
    json_t *v = load_vectors(dir, "verify.json");
    size_t i, step;
    json_t *c, *check;
    begin_case("verify.json", "default tolerance");
    CHECK(json_integer_value(json_object_get(v, "default_tolerance_ms")) == USERHASH_DEFAULT_TOLERANCE_MS,
          "USERHASH_DEFAULT_TOLERANCE_MS differs from the vectors'");
    CHECK(json_integer_value(json_object_get(v, "default_max_url_len")) == USERHASH_DEFAULT_MAX_URL_LEN,
          "USERHASH_DEFAULT_MAX_URL_LEN differs from the vectors'");
    CHECK(json_integer_value(json_object_get(v, "default_max_params")) == USERHASH_DEFAULT_MAX_PARAMS,
          "USERHASH_DEFAULT_MAX_PARAMS differs from the vectors'");
    end_case();

    json_array_foreach(json_object_get(v, "cases"), i, c) {
        begin_case("verify.json cases", jcstr(c, "name"));
        userhash_verifier *verifier = NULL;
        CHECK_STATUS(verifier_for(c, &verifier), USERHASH_OK);
        json_array_foreach(json_object_get(c, "checks"), step, check) {
            if (verifier == NULL) break;
            userhash_str url = jstr(check, "url");
            const json_t *expect = json_object_get(check, "expect");
            userhash_verified_identity *got = NULL;
            userhash_status st = seen(
                userhash_verifier_verify_url_at(verifier, url.ptr, url.len, jtimestamp(check, "now_ms"), &got));
            const json_t *ok = json_object_get(expect, "ok");
            if (ok != NULL) {
                CHECK_STATUS(st, USERHASH_OK);
                if (got != NULL) check_verified(got, ok);
            } else {
                CHECK(got == NULL, "check %zu: a rejection left an identity", step);
                check_error(st, expect);
                check_no_secret(c);
                const json_t *needle = json_object_get(expect, "message_contains");
                if (needle != NULL)
                    CHECK(strstr(userhash_last_error_message(), json_string_value(needle)) != NULL,
                          "check %zu: `%s` lacks %s", step, userhash_last_error_message(), json_string_value(needle));
                const json_t *fields = json_object_get(expect, "fields");
                if (fields != NULL) check_error_fields(fields);
            }
            userhash_verified_identity_free(&got);
        }
        userhash_verifier_free(&verifier);
        end_case();
    }
    json_array_foreach(json_object_get(v, "config_errors"), i, c) {
        begin_case("verify.json config_errors", jcstr(c, "name"));
        userhash_verifier *verifier = NULL;
        check_error(verifier_for(c, &verifier), c);
        check_no_secret(c);
        userhash_verifier_free(&verifier);
        end_case();
    }
    json_array_foreach(json_object_get(v, "org_id_of"), i, c) {
        begin_case("verify.json org_id_of", jcstr(c, "url"));
        userhash_str url = jstr(c, "url");
        char org[USERHASH_MAX_ORG_ID_LEN + 1];
        userhash_status st = seen(userhash_org_id_of(url.ptr, url.len, org, sizeof org));
        if (json_object_get(c, "error") != NULL) {
            check_error(st, c);
            CHECK(org[0] == '\0', "a failed org_id_of left output");
        } else {
            CHECK_STATUS(st, USERHASH_OK);
            CHECK(strcmp(org, jcstr(c, "org_id")) == 0, "org %s", org);
        }
        end_case();
    }
    json_decref(v);
}

void test_mac_vectors(const char *dir) {
    json_t *v = load_vectors(dir, "rfc4231_hmac_sha256.json");
    size_t i, j;
    json_t *c, *group, *t;
    uint8_t tag[USERHASH_TAG_LEN];
    bool valid;
    json_array_foreach(json_object_get(v, "cases"), i, c) {
        char name[64];
        snprintf(name, sizeof name, "case %lld", (long long)json_integer_value(json_object_get(c, "case")));
        begin_case("rfc4231", name);
        size_t key_len, msg_len, want_len;
        uint8_t *key = unhex(jcstr(c, "key_hex"), &key_len), *msg = unhex(jcstr(c, "msg_hex"), &msg_len);
        uint8_t *want = unhex(jcstr(c, "tag_hex"), &want_len);
        CHECK_STATUS(seen(userhash_hmac_sha256(key, key_len, msg, msg_len, tag, sizeof tag)), USERHASH_OK);
        CHECK_STATUS(seen(userhash_verify_hmac_sha256(key, key_len, msg, msg_len, want, want_len, &valid)),
                     USERHASH_OK);
        const json_t *bits = json_object_get(c, "truncated_bits");
        if (json_is_integer(bits)) {
            CHECK(memcmp(tag, want, (size_t)json_integer_value(bits) / 8) == 0, "truncated tag is not our prefix");
            CHECK(!valid, "a truncated tag was accepted");
        } else {
            CHECK(want_len == sizeof tag && memcmp(tag, want, sizeof tag) == 0, "tag differs");
            CHECK(valid, "the tag does not verify");
        }
        free(key), free(msg), free(want);
        end_case();
    }
    json_decref(v);

    v = load_vectors(dir, "wycheproof_hmac_sha256_test.json");
    json_int_t count = 0;
    json_array_foreach(json_object_get(v, "testGroups"), i, group) {
        size_t tag_bits = (size_t)json_integer_value(json_object_get(group, "tagSize"));
        json_array_foreach(json_object_get(group, "tests"), j, t) {
            char name[64];
            snprintf(name, sizeof name, "tcId %lld", (long long)json_integer_value(json_object_get(t, "tcId")));
            begin_case("wycheproof", name);
            size_t key_len, msg_len, want_len;
            uint8_t *key = unhex(jcstr(t, "key"), &key_len), *msg = unhex(jcstr(t, "msg"), &msg_len);
            uint8_t *want = unhex(jcstr(t, "tag"), &want_len);
            bool expected = strcmp(jcstr(t, "result"), "valid") == 0;
            CHECK_STATUS(seen(userhash_hmac_sha256(key, key_len, msg, msg_len, tag, sizeof tag)), USERHASH_OK);
            CHECK_STATUS(seen(userhash_verify_hmac_sha256(key, key_len, msg, msg_len, want, want_len, &valid)),
                         USERHASH_OK);
            if (tag_bits == 256) {
                CHECK(valid == expected, "verify says %d", valid);
                CHECK((want_len == sizeof tag && memcmp(tag, want, sizeof tag) == 0) == expected, "tag comparison");
            } else {
                CHECK((want_len == tag_bits / 8 && memcmp(tag, want, tag_bits / 8) == 0) == expected, "prefix");
                CHECK(!valid, "a truncated tag was accepted");
            }
            free(key), free(msg), free(want);
            count++;
            end_case();
        }
    }
    begin_case("wycheproof", "numberOfTests");
    CHECK(count == json_integer_value(json_object_get(v, "numberOfTests")), "ran %lld", (long long)count);
    end_case();
    json_decref(v);
}
