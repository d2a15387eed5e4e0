/* SPEC §1.1's known answer through the two entry points, from a program that
 * includes only userhash.h and links only -luserhash (the vendor's values,
 * also the first case of tests/vectors/identifier.json, which the C suite
 * checks). Prints "known-answer: N passed, M failed". */
#include <stdio.h>
#include <string.h>

#include "userhash.h"

int main(void) {
    const char secret[] = "<widget-hmac-token>";
    const char identifier[] = "<identifier>";
    const char expected[] = "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82";
    char hex[USERHASH_HEX_LEN + 1];
    int passed = 0, failed = 0;

    userhash_status st =
        userhash_sign_identifier(secret, strlen(secret), identifier, strlen(identifier), hex, sizeof hex);
    if (st == USERHASH_OK && strcmp(hex, expected) == 0) {
        passed++;
    } else {
        failed++;
        printf("FAIL sign: %s %s (%s)\n", userhash_status_name(st), hex, userhash_last_error_message());
    }

    bool valid = false;
    st = userhash_verify_identifier(secret, strlen(secret), identifier, strlen(identifier), expected,
                                    strlen(expected), &valid);
    if (st == USERHASH_OK && valid) {
        passed++;
    } else {
        failed++;
        printf("FAIL verify: %s valid=%d\n", userhash_status_name(st), valid);
    }
    printf("%s\nknown-answer: %d passed, %d failed\n", hex, passed, failed);
    return failed == 0 ? 0 : 1;
}
