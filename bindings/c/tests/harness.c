#define _GNU_SOURCE /* memmem */
#include "harness.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *current_group = "";
static const char *current_name = "";
static bool current_failed = false;
static bool in_case = false;
static int passed = 0;
static int failed = 0;
static bool statuses[LAST_STATUS + 1];

void begin_case(const char *group, const char *name) {
    current_group = group;
    current_name = name;
    current_failed = false;
    in_case = true;
}

void end_case(void) {
    if (current_failed) {
        failed++;
    } else {
        passed++;
    }
    in_case = false;
}

void fail_check(const char *file, int line, const char *fmt, ...) {
    va_list args;
    fprintf(stdout, "FAIL %s: %s (%s:%d): ", current_group, current_name, file, line);
    va_start(args, fmt);
    vfprintf(stdout, fmt, args);
    va_end(args);
    fputc('\n', stdout);
    current_failed = true;
    if (!in_case) failed++;
}

void check_in_child(const char *file, int line, void (*body)(void)) {
    FILE *err = tmpfile();
    if (err == NULL) {
        fail_check(file, line, "tmpfile failed");
        return;
    }
    /* Nothing buffered before the fork may be printed twice. */
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fail_check(file, line, "fork failed");
        fclose(err);
        return;
    }
    if (pid == 0) {
        if (dup2(fileno(err), STDERR_FILENO) < 0) _exit(3);
        body();
        fflush(stdout);
        _exit(current_failed ? 1 : 0);
    }
    int status = 0;
    pid_t waited;
    do {
        waited = waitpid(pid, &status, 0);
    } while (waited < 0 && errno == EINTR);
    if (waited != pid) {
        fail_check(file, line, "waitpid failed");
    } else if (WIFSIGNALED(status)) {
        fail_check(file, line, "the child was killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fail_check(file, line, "the child exited with %d (a failed check above, or a valgrind or sanitizer error)",
                   WEXITSTATUS(status));
    }
    /* The file holds exactly what the child wrote to stderr. */
    struct stat st;
    if (fstat(fileno(err), &st) != 0) {
        fail_check(file, line, "fstat failed");
    } else if (st.st_size > 0) {
        char text[1024] = {0};
        rewind(err);
        size_t n = fread(text, 1, sizeof text - 1, err);
        fail_check(file, line, "the child wrote %lld bytes to stderr: %.*s", (long long)st.st_size, (int)n, text);
    }
    fclose(err);
}

int cases_passed(void) { return passed; }
int cases_failed(void) { return failed; }

userhash_status seen(userhash_status status) {
    if ((int)status >= 0 && (int)status <= (int)LAST_STATUS) statuses[status] = true;
    return status;
}

bool was_seen(int status) { return status >= 0 && status <= (int)LAST_STATUS && statuses[status]; }

userhash_str jval(const json_t *value) {
    userhash_str s = {NULL, 0};
    if (json_is_string(value)) {
        s.ptr = json_string_value(value);
        s.len = json_string_length(value);
    } else if (!json_is_null(value)) {
        fprintf(stderr, "harness: expected a JSON string or null\n");
        abort();
    }
    return s;
}

userhash_str jstr(const json_t *object, const char *key) {
    const json_t *value = json_object_get(object, key);
    if (value == NULL) {
        fprintf(stderr, "harness: no member `%s`\n", key);
        abort();
    }
    return jval(value);
}

const char *jcstr(const json_t *object, const char *key) { return jstr(object, key).ptr; }

uint64_t jtimestamp(const json_t *object, const char *key) {
    const json_t *value = json_object_get(object, key);
    if (json_is_integer(value)) return (uint64_t)json_integer_value(value);
    const char *text = jcstr(object, key);
    char *end = NULL;
    unsigned long long v = strtoull(text, &end, 10);
    if (end == text || *end != '\0') {
        fprintf(stderr, "harness: `%s` is not a decimal timestamp: %s\n", key, text);
        abort();
    }
    return (uint64_t)v;
}

bool str_eq(userhash_str a, userhash_str b) {
    if (a.ptr == NULL || b.ptr == NULL) return a.ptr == b.ptr;
    return a.len == b.len && memcmp(a.ptr, b.ptr, a.len) == 0;
}

bool str_eq_c(userhash_str a, const char *b) {
    userhash_str s = {b, b ? strlen(b) : 0};
    return str_eq(a, s);
}

static int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *unhex(const char *hex, size_t *len) {
    size_t n = strlen(hex);
    if (n % 2 != 0) {
        fprintf(stderr, "harness: odd hex length: %s\n", hex);
        abort();
    }
    uint8_t *out = malloc(n / 2 + 1);
    if (out == NULL) abort();
    for (size_t i = 0; i < n / 2; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0) {
            fprintf(stderr, "harness: bad hex: %s\n", hex);
            abort();
        }
        out[i] = (uint8_t)(hi * 16 + lo);
    }
    *len = n / 2;
    return out;
}

json_t *load_vectors(const char *dir, const char *file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    json_error_t error;
    json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &error);
    if (root == NULL) {
        fprintf(stderr, "harness: %s:%d: %s\n", path, error.line, error.text);
        exit(2);
    }
    return root;
}

static void check_secret_absent(userhash_str secret) {
    const char *start = secret.ptr;
    size_t len = secret.len;
    while (len > 0 && isspace((unsigned char)start[0])) start++, len--;
    while (len > 0 && isspace((unsigned char)start[len - 1])) len--;
    if (len < 4) return;
    const char *message = userhash_last_error_message();
    CHECK(memmem(message, strlen(message), start, len) == NULL, "the error message shows a secret: %s", message);
}

void check_no_secret(const json_t *c) {
    const json_t *one = json_object_get(c, "secret");
    if (json_is_string(one)) check_secret_absent(jval(one));
    const json_t *list = json_object_get(c, "secrets");
    size_t i;
    const json_t *s;
    json_array_foreach(list, i, s) check_secret_absent(jval(s));
}
