// userhash.h from C++: the suite `c` builds this with
// g++ -std=c++17 -Wall -Wextra -Werror -pedantic and links it with
// -luserhash, so the header must parse as C++ and its extern "C" block must
// give the names the library exports. Prints "c++: N passed, M failed".
#include <cstdio>
#include <cstring>

#include "userhash.h"

// The two entry points' signatures, exactly as the issue gives them (C++
// refuses to convert a function to a pointer of another type).
static userhash_status (*const sign_identifier)(const char *secret, size_t secret_len, const char *identifier,
                                                size_t identifier_len, char *out_hex,
                                                size_t out_hex_len) = userhash_sign_identifier;
static userhash_status (*const verify_identifier)(const char *secret, size_t secret_len, const char *identifier,
                                                  size_t identifier_len, const char *hash_hex, size_t hash_hex_len,
                                                  bool *out_valid) = userhash_verify_identifier;

static_assert(USERHASH_OK == 0, "USERHASH_OK is 0");
static_assert(sizeof(userhash_str) == sizeof(const char *) + sizeof(size_t), "userhash_str is (ptr, len)");

int main() {
    // SPEC §1.1's known answer.
    const char secret[] = "<widget-hmac-token>";
    const char identifier[] = "<identifier>";
    const char expected[] = "959217e5001533694e1f8ac122e7c24eef04409d31f9e9b5227cf2165b6e6d82";
    int passed = 0, failed = 0;
    auto check = [&](bool ok, const char *what) {
        if (ok) {
            passed++;
        } else {
            failed++;
            std::printf("FAIL c++: %s\n", what);
        }
    };

    char hex[USERHASH_HEX_LEN + 1];
    userhash_status st = sign_identifier(secret, std::strlen(secret), identifier, std::strlen(identifier), hex,
                                         sizeof hex);
    check(st == USERHASH_OK && std::strcmp(hex, expected) == 0, "sign_identifier");

    bool valid = false;
    st = verify_identifier(secret, std::strlen(secret), identifier, std::strlen(identifier), expected,
                           std::strlen(expected), &valid);
    check(st == USERHASH_OK && valid, "verify_identifier");

    // A handle and its pointer-to-pointer free.
    userhash_identifier_signer *signer = nullptr;
    st = userhash_identifier_signer_new(secret, std::strlen(secret), &signer);
    userhash_identifier_signer_free(&signer);
    check(st == USERHASH_OK && signer == nullptr, "identifier signer _new and _free");

    std::printf("c++: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
