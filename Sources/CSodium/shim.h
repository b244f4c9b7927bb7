// libsodium's Argon2 (runtime-dispatched SSSE3/AVX2/AVX-512 code; Debian libsodium-dev), for
// the password hashes libsodium accepts. Only the pieces Facteur calls are included.
#include <errno.h>
#include <sodium/core.h>
#include <sodium/crypto_pwhash_argon2i.h>
#include <sodium/crypto_pwhash_argon2id.h>

// libsodium answers -1 both for a wrong password and for a string it refuses to decode (say
// v=16); only a wrong password sets errno to EINVAL. Reading errno from Swift right after the
// call is fragile, so the three outcomes are told apart here:
// 0 the password matches, 1 it does not, -1 libsodium refused the string.
static inline int facteur_sodium_argon2_str_verify(int argon2i, const char *encoded,
                                                   const char *password, unsigned long long length) {
    errno = 0;
    int status = argon2i ? crypto_pwhash_argon2i_str_verify(encoded, password, length)
                         : crypto_pwhash_argon2id_str_verify(encoded, password, length);
    if (status == 0) return 0;
    return errno == EINVAL ? 1 : -1;
}
