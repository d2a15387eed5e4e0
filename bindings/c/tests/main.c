/* The C suite of libuserhash: every vector of tests/vectors/ and the C API's
 * conventions. Usage: userhash_tests VECTORS_DIR. Ends with the line
 * "c: N passed, M failed" (cases) and exits 0 only when none failed. */
#include <stdio.h>
#include <string.h>

#include "harness.h"

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s VECTORS_DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    test_identifier_vectors(dir);
    test_identity_vectors(dir);
    test_widget_url_vectors(dir);
    test_verify_vectors(dir);
    test_mac_vectors(dir);
    test_conventions(dir);
    test_counts(dir);
    test_token_vectors(dir);
    test_token_conventions(dir);

    /* Every status code was returned by some call above. */
    for (int s = USERHASH_OK; s <= LAST_STATUS; s++) {
        begin_case("reachable", userhash_status_name(s));
        CHECK(was_seen(s), "no test made the library return %s", userhash_status_name(s));
        end_case();
    }
    printf("c: %d passed, %d failed\n", cases_passed(), cases_failed());
    return cases_failed() == 0 ? 0 : 1;
}
