/* Per-call time of userhash_sign_identifier beside OpenSSL's one-shot HMAC()
 * in the same process, same inputs: `cargo xtask bench-c` (a release build of
 * libuserhash). Each round times a loop of calls; rounds of the contenders
 * alternate, and the median round is reported. Both sides set up the key on
 * every call (a one-shot API), and userhash also writes the hex. */
#define _POSIX_C_SOURCE 199309L
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/opensslv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "userhash.h"

#define ROUNDS 11
#define CALLS 100000

static volatile unsigned char sink;

static double now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static const char *secret = "whsec_9f2c4e7a1b3d5f60a8c2e4b6d8f0a1c3";
static const char *identifier;

static double round_userhash(void) {
    char hex[USERHASH_HEX_LEN + 1];
    size_t secret_len = strlen(secret), id_len = strlen(identifier);
    double start = now_ns();
    for (int i = 0; i < CALLS; i++) {
        if (userhash_sign_identifier(secret, secret_len, identifier, id_len, hex, sizeof hex) != USERHASH_OK) abort();
        sink ^= (unsigned char)hex[i & 63];
    }
    return (now_ns() - start) / CALLS;
}

static double round_userhash_signer(const userhash_identifier_signer *signer) {
    char hex[USERHASH_HEX_LEN + 1];
    size_t id_len = strlen(identifier);
    double start = now_ns();
    for (int i = 0; i < CALLS; i++) {
        if (userhash_identifier_signer_sign(signer, identifier, id_len, hex, sizeof hex) != USERHASH_OK) abort();
        sink ^= (unsigned char)hex[i & 63];
    }
    return (now_ns() - start) / CALLS;
}

static double round_openssl(int with_hex) {
    unsigned char tag[EVP_MAX_MD_SIZE];
    char hex[USERHASH_HEX_LEN + 1];
    unsigned int tag_len = 0;
    int key_len = (int)strlen(secret);
    size_t id_len = strlen(identifier);
    static const char digits[] = "0123456789abcdef";
    double start = now_ns();
    for (int i = 0; i < CALLS; i++) {
        if (HMAC(EVP_sha256(), secret, key_len, (const unsigned char *)identifier, id_len, tag, &tag_len) == NULL)
            abort();
        if (with_hex) {
            for (unsigned int k = 0; k < tag_len; k++) {
                hex[2 * k] = digits[tag[k] >> 4];
                hex[2 * k + 1] = digits[tag[k] & 15];
            }
            hex[2 * tag_len] = '\0';
            sink ^= (unsigned char)hex[i & 63];
        } else {
            sink ^= tag[i & 31];
        }
    }
    return (now_ns() - start) / CALLS;
}

static void bench(const char *label, const char *id) {
    identifier = id;
    /* Same answer first: the benchmark compares equals. */
    char ours[USERHASH_HEX_LEN + 1];
    unsigned char tag[EVP_MAX_MD_SIZE];
    unsigned int tag_len = 0;
    userhash_sign_identifier(secret, strlen(secret), id, strlen(id), ours, sizeof ours);
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)id, strlen(id), tag, &tag_len);
    char theirs[USERHASH_HEX_LEN + 1];
    for (unsigned int k = 0; k < tag_len; k++) sprintf(theirs + 2 * k, "%02x", tag[k]);
    if (strcmp(ours, theirs) != 0) {
        fprintf(stderr, "userhash and OpenSSL disagree: %s vs %s\n", ours, theirs);
        exit(1);
    }

    userhash_identifier_signer *signer = NULL;
    if (userhash_identifier_signer_new(secret, strlen(secret), &signer) != USERHASH_OK) abort();
    double u[ROUNDS], s[ROUNDS], o[ROUNDS], oh[ROUNDS];
    round_userhash(), round_userhash_signer(signer), round_openssl(0), round_openssl(1); /* warm up */
    for (int r = 0; r < ROUNDS; r++) {
        u[r] = round_userhash();
        s[r] = round_userhash_signer(signer);
        o[r] = round_openssl(0);
        oh[r] = round_openssl(1);
    }
    userhash_identifier_signer_free(&signer);
    qsort(u, ROUNDS, sizeof u[0], by_value);
    qsort(s, ROUNDS, sizeof s[0], by_value);
    qsort(o, ROUNDS, sizeof o[0], by_value);
    qsort(oh, ROUNDS, sizeof oh[0], by_value);
    double mu = u[ROUNDS / 2], ms = s[ROUNDS / 2], mo = o[ROUNDS / 2], moh = oh[ROUNDS / 2];
    printf("| %-28s | %9.1f | %9.1f | %9.1f | %9.1f | %5.2fx | %5.2fx |\n", label, mu, mo, moh, ms, mu / mo, ms / mo);
}

int main(void) {
    printf("%s; %d rounds of %d calls, median round, ns per call\n\n", OpenSSL_version(OPENSSL_VERSION), ROUNDS,
           CALLS);
    printf("| identifier | userhash_sign_identifier | HMAC() | HMAC() + hex | identifier signer (key kept) "
           "| sign_identifier / HMAC() | signer / HMAC() |\n");
    printf("|---|---:|---:|---:|---:|---:|---:|\n");
    bench("user id \"4\" (1 byte)", "4");
    bench("email (20 bytes)", "jane.doe@example.com");
    static char long_id[4097];
    memset(long_id, 'u', 4096);
    bench("4096 bytes (the longest)", long_id);
    return 0;
}
