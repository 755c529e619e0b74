/* fuzz_logdecode: arbitrary bytes through the two pure log decoders,
 * scsi_parse (log_scsi.h) and log_entities_find (log_entity.h), as one line,
 * so no line of any shape can make them read past its end or break the
 * contracts of their headers: values in range and -1 when absent, spans
 * inside the line and of the promised shape, and name lookups that answer
 * (a static string or NULL) for any int.
 *
 * Built with -fsanitize=fuzzer by `make fuzz`; fuzz/replay.c defines
 * VT_FUZZ_REPLAY and includes this file to replay the corpus in `make check`. */
#include "parse/log/log_entity.h"
#include "parse/log/log_scsi.h"
#include "util/util_mem.h"

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int fuzz_logdecode_one(const uint8_t *data, size_t size);

/* A name is NULL or a short NUL-terminated static string. */
static void
fuzz_logdecode_name(const char *what, int v, const char *name)
{
    if (name != NULL && strlen(name) > 200)
        VT_BUG("fuzz_logdecode: %s(%d) of %zu bytes", what, v, strlen(name));
}

static void
fuzz_logdecode_names(int v)
{
    fuzz_logdecode_name("host", v, scsi_host_status_name(v));
    fuzz_logdecode_name("host_text", v, scsi_host_status_text(v));
    fuzz_logdecode_name("device", v, scsi_device_status_name(v));
    fuzz_logdecode_name("key", v, scsi_sense_key_name(v));
    fuzz_logdecode_name("asc", v, scsi_asc_name(v, v));
    fuzz_logdecode_name("asc0", v, scsi_asc_name(v, 0));
    fuzz_logdecode_name("opcode", v, scsi_opcode_name(v));
    (void)scsi_sense_benign(v, v, v);
    (void)scsi_sense_pdl(v, v, v);
    if ((v < 0 || v > 0xff) && (scsi_opcode_name(v) != NULL || scsi_sense_key_name(v) != NULL))
        VT_BUG("fuzz_logdecode: a name for %d", v);
}

static void
fuzz_logdecode_scsi(const char *s, size_t n)
{
    struct scsi_status st;
    bool r = scsi_parse(s, n, &st);
    if (r != st.present)
        VT_BUG("fuzz_logdecode: scsi_parse returned %d, present %d", r, st.present);
    if (st.present) {
        if (st.host < 0 || st.host > 0xffff || st.device < 0 || st.device > 0xffff ||
            st.plugin < 0 || st.plugin > 0xffff)
            VT_BUG("fuzz_logdecode: H:%d D:%d P:%d", st.host, st.device, st.plugin);
    } else if (st.host != -1 || st.device != -1 || st.plugin != -1 || st.has_sense) {
        VT_BUG("fuzz_logdecode: values without a triplet");
    }
    if (st.has_sense) {
        if (st.key < 0 || st.key > 0xff || st.asc < 0 || st.asc > 0xff || st.ascq < 0 ||
            st.ascq > 0xff)
            VT_BUG("fuzz_logdecode: sense %d %d %d", st.key, st.asc, st.ascq);
    } else if (st.key != -1 || st.asc != -1 || st.ascq != -1 || st.sense_valid) {
        VT_BUG("fuzz_logdecode: sense values without sense data");
    }
    if (st.opcode < -1 || st.opcode > 0xff)
        VT_BUG("fuzz_logdecode: opcode %d", st.opcode);
    fuzz_logdecode_names(st.host);
    fuzz_logdecode_names(st.device);
    fuzz_logdecode_names(st.plugin);
    fuzz_logdecode_names(st.key);
    fuzz_logdecode_names(st.opcode);
    fuzz_logdecode_name("asc", st.asc, scsi_asc_name(st.asc, st.ascq));
}

/* The span is inside the line and, when present, starts with `head` (if
 * any) and ends with `tail` (if any). */
static void
fuzz_logdecode_span(const char *what, const char *s, size_t n, struct log_span sp, const char *head,
                    const char *tail)
{
    if (sp.len == 0)
        return;
    if ((size_t)sp.off > n || (size_t)sp.len > n - sp.off)
        VT_BUG("fuzz_logdecode: %s span %u+%u outside %zu bytes", what, sp.off, sp.len, n);
    const char *p = s + sp.off;
    size_t hl = head ? strlen(head) : 0, tl = tail ? strlen(tail) : 0;
    if (sp.len < hl || sp.len < tl || memcmp(p, head ? head : "", hl) != 0 ||
        memcmp(p + sp.len - tl, tail ? tail : "", tl) != 0)
        VT_BUG("fuzz_logdecode: %s span of the wrong shape", what);
}

static void
fuzz_logdecode_entities(const char *s, size_t n)
{
    struct log_entities e;
    log_entities_find(s, n, &e);
    if (e.device.len != 0) {
        fuzz_logdecode_span("device", s, n, e.device, NULL, NULL);
        static const char *const prefixes[] = {"naa.", "eui.", "t10.", "mpx.", "vml."};
        bool ok = false;
        for (size_t i = 0; i < 5 && e.device.len > 4; i++)
            ok |= memcmp(s + e.device.off, prefixes[i], 4) == 0;
        if (!ok)
            VT_BUG("fuzz_logdecode: device without a known prefix");
    }
    fuzz_logdecode_span("path", s, n, e.path, "vmhba", NULL);
    fuzz_logdecode_span("adapter", s, n, e.adapter, "vmhba", NULL);
    fuzz_logdecode_span("nic", s, n, e.nic, "vmnic", NULL);
    fuzz_logdecode_span("datastore", s, n, e.datastore, NULL, NULL);
    fuzz_logdecode_span("vm", s, n, e.vm, "/vmfs/", ".vmx");
    if (e.path.len != 0 && e.adapter.len != 0)
        VT_BUG("fuzz_logdecode: an adapter beside a full path");
    if (e.datastore.len != 0 && memchr(s + e.datastore.off, '\'', e.datastore.len) != NULL)
        VT_BUG("fuzz_logdecode: a quote inside the datastore name");
}

int
fuzz_logdecode_one(const uint8_t *data, size_t size)
{
    /* an exact-size copy, so ASan sees any read of s[size] */
    char *s = xmalloc(size ? size : 1);
    if (size)
        memcpy(s, data, size);
    fuzz_logdecode_scsi(s, size);
    fuzz_logdecode_entities(s, size);
    /* name lookups for any int: the first four bytes as one, and the edges */
    if (size >= sizeof(int)) {
        int v;
        memcpy(&v, data, sizeof(v));
        fuzz_logdecode_names(v);
    }
    fuzz_logdecode_names(INT_MIN);
    fuzz_logdecode_names(INT_MAX);
    free(s);
    return 0;
}

#ifndef VT_FUZZ_REPLAY
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzz_logdecode_one(data, size);
}
#endif
