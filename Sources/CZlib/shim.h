// zlib for IMAP COMPRESS=DEFLATE (RFC 4978). deflateInit2/inflateInit2 are macros, which Swift
// does not import: these inline wrappers call the real entry points with the header's version.
#include <zlib.h>

static inline int czlib_deflate_init_raw(z_streamp stream, int level, int windowBits, int memLevel) {
    return deflateInit2(stream, level, Z_DEFLATED, -windowBits, memLevel, Z_DEFAULT_STRATEGY);
}

static inline int czlib_inflate_init_raw(z_streamp stream, int windowBits) {
    return inflateInit2(stream, -windowBits);
}

#if defined(__GLIBC__)
#include <malloc.h>
// Octets in use on the C heap: lets a test measure what zlib's state costs per connection.
static inline size_t czlib_heap_in_use(void) {
    struct mallinfo2 info = mallinfo2();
    return info.uordblks;
}
#endif
