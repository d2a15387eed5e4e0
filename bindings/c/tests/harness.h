/* The C suite's small harness: cases that pass or fail, checks inside them,
 * a record of every status seen, and helpers over jansson and userhash_str. */
#ifndef USERHASH_TEST_HARNESS_H
#define USERHASH_TEST_HARNESS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "userhash.h"

/* One case: a name, then checks; `end_case` counts it as passed or failed. */
void begin_case(const char *group, const char *name);
void end_case(void);
/* Records a failed check of the current case (printf-style message). */
void fail_check(const char *file, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int cases_passed(void);
int cases_failed(void);
/* Runs `body` (checks of the current case) in a forked child whose stderr
 * goes to a temporary file. The case fails unless the child exits normally,
 * with all its checks passed and nothing written to stderr: a call that
 * aborts, is killed by a signal or prints a panic message cannot hide. */
void check_in_child(const char *file, int line, void (*body)(void));
#define CHECK_IN_CHILD(body) check_in_child(__FILE__, __LINE__, (body))

#define CHECK(cond, ...)                                   \
    do {                                                   \
        if (!(cond)) fail_check(__FILE__, __LINE__, __VA_ARGS__); \
    } while (0)

/* The highest status code the library returns: the loops over every code
 * stop here, and a case checks that the next number has no name (so a new
 * code cannot go untested until this is raised). */
#define LAST_STATUS USERHASH_LIFETIME_TOO_LONG

/* Every status returned by the library passes through here, so the suite can
 * show that each code is reachable. */
userhash_status seen(userhash_status status);
bool was_seen(int status);

/* The status `got` has the name `want` (SPEC's variant name, e.g. "Expired").
 * `got` is evaluated once: it is usually the call under test. */
#define CHECK_STATUS_NAMED(got, want)                                                           \
    do {                                                                                        \
        int got_status_ = (int)(got);                                                           \
        CHECK(strcmp(userhash_status_name(got_status_), (want)) == 0, "status %s (%s), want %s", \
              userhash_status_name(got_status_), userhash_last_error_message(), (want));        \
    } while (0)

#define CHECK_STATUS(got, want)                                                                     \
    do {                                                                                            \
        int got_status_ = (int)(got);                                                               \
        CHECK(got_status_ == (int)(want), "status %s (%s), want %s", userhash_status_name(got_status_), \
              userhash_last_error_message(), userhash_status_name((int)(want)));                    \
    } while (0)

/* JSON helpers: the case's string member as (ptr, len); NULL ptr for null. */
userhash_str jstr(const json_t *object, const char *key);
userhash_str jval(const json_t *value);
const char *jcstr(const json_t *object, const char *key);
uint64_t jtimestamp(const json_t *object, const char *key);
bool str_eq(userhash_str a, userhash_str b);
bool str_eq_c(userhash_str a, const char *b);
/* Hex text to bytes, malloc'ed (never NULL, even for ""); *len gets the size. */
uint8_t *unhex(const char *hex, size_t *len);
/* The test vectors' file, loaded or the run aborts. */
json_t *load_vectors(const char *dir, const char *file);
/* The last error's message shows none of the case's secrets ("secret" or
 * "secrets"); short ones are skipped, as they match by chance. */
void check_no_secret(const json_t *c);

/* The suites. */
void test_identifier_vectors(const char *dir);
void test_identity_vectors(const char *dir);
void test_widget_url_vectors(const char *dir);
void test_verify_vectors(const char *dir);
void test_mac_vectors(const char *dir);
void test_conventions(const char *dir);
void test_counts(const char *dir);
void test_token_vectors(const char *dir);
void test_token_conventions(const char *dir);

#endif
