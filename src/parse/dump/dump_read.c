/* dump_read: the entry of the Windows crash dump reader. It tells the format
 * by its signature (kb/windows-crash-dumps.md §0 [S:MINDUMPDEF]: `PAGEDUMP`,
 * `PAGEDU64`; `MDMP` [S:RZMDMP]) and hands the file to dump_kernel.c or
 * dump_mdmp.c, which read through dump_io.c (below both) and never call
 * back here. The report words are in dump_names.c. */
#include "parse/dump/dump_formats.h"
#include "util/util_buf.h"
#include "util/util_mem.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* A file of n < 8 bytes that starts like a dump signature. */
static bool
cut_signature(const unsigned char *sig, size_t n)
{
    return memcmp(sig, "PAGEDU64", n) == 0 || memcmp(sig, "PAGEDUMP", n) == 0 ||
           (n < 4 && memcmp(sig, "MDMP", n) == 0);
}

enum dump_status
dump_read(const struct dump_input *in, const char *path, struct crash_dump *out, struct diags *d)
{
    memset(out, 0, sizeof(*out));
    struct dump_reader r = {in, path, d, 0, false};
    unsigned char sig[8];
    size_t n = in->size < sizeof(sig) ? (size_t)in->size : sizeof(sig);
    if (n == 0) {
        dump_error(&r, "empty file: no dump signature at offset 0x0");
        return DUMP_UNREADABLE;
    }
    if (!dump_fetch(&r, 0, sig, n, "dump signature"))
        return DUMP_UNREADABLE;
    out->file_size = in->size;
    if (n == 8 && memcmp(sig, "PAGEDU64", 8) == 0)
        return dump_read_kernel(&r, out, true);
    if (n == 8 && memcmp(sig, "PAGEDUMP", 8) == 0)
        return dump_read_kernel(&r, out, false);
    if (n >= 4 && memcmp(sig, "MDMP", 4) == 0)
        return dump_read_mdmp(&r, out);
    if (n < 8 && cut_signature(sig, n)) {
        dump_error(&r, "the file (%zu bytes) ends inside the dump signature at offset 0x%zx", n, n);
        return DUMP_UNREADABLE;
    }
    out->file_size = 0;
    return DUMP_NOT_A_DUMP;
}

static int
memory_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    memcpy(buf, (const unsigned char *)ctx + off, len);
    return 0;
}

void
dump_input_memory(struct dump_input *in, const void *data, size_t len)
{
    in->size = len;
    in->read = memory_read;
    in->ctx = (void *)data; /* only ever read */
}

void
dump_release(struct crash_dump *dump)
{
    for (size_t i = 0; i < dump->ndrivers; i++) {
        free(dump->drivers[i].name);
        free(dump->drivers[i].path);
    }
    free(dump->drivers);
    for (size_t i = 0; i < dump->nunloaded; i++)
        free(dump->unloaded[i].name);
    free(dump->unloaded);
    free(dump->process);
    memset(dump, 0, sizeof(*dump));
}
