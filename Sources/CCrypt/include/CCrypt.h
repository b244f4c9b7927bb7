#ifndef FACTEUR_CCRYPT_H
#define FACTEUR_CCRYPT_H
#include <stddef.h>
/// Hashes `phrase` with the settings (salt and scheme) of `setting` using the thread-safe
/// crypt_rn(3). Writes the NUL-terminated result into `out` (at least 512 bytes) and returns 0,
/// or -1 when the scheme is unknown or the setting malformed.
int facteur_crypt(const char *phrase, const char *setting, char *out, size_t out_size);
#endif
