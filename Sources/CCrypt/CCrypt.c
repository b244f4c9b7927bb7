#include "CCrypt.h"
#include <crypt.h>
#include <string.h>
#include <stdlib.h>

int facteur_crypt(const char *phrase, const char *setting, char *out, size_t out_size) {
    struct crypt_data *data = calloc(1, sizeof(struct crypt_data));
    if (data == NULL) return -1;
    char *result = crypt_rn(phrase, setting, data, sizeof(struct crypt_data));
    int status = -1;
    // crypt_rn returns NULL or a string starting with '*' on failure.
    if (result != NULL && result[0] != '*' && strlen(result) < out_size) {
        strcpy(out, result);
        status = 0;
    }
    explicit_bzero(data, sizeof(struct crypt_data));
    free(data);
    return status;
}
