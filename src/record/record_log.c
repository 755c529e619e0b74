/* record_log: a log record built from one line (log_record_init), and the
 * rule vocabulary of log records (log.*).
 *
 * Fields decoded from a fixed literal in the line carry that literal as
 * their `needle` (log.scsi.* need "H:0x", log.sense.* need "sense data:"):
 * the `logs` prefilter then knows which lines a rule testing only those
 * fields can match, without running it on every line (rules_prefilter.c). */
#include "parse/log/log_record.h"
#include "record/record_impl.h"

#include <string.h>

/* ---- building a record ---- */

/* Where the arena copies go before the arena's final address is known. */
struct pending {
    const char **dst;
    size_t off;
};

#define MAX_PENDING 12

static void
keep(struct buf *arena, struct pending *p, size_t *np, const char **dst, const char *s,
     struct log_span sp)
{
    if (sp.len == 0 || *np == MAX_PENDING)
        return;
    p[*np] = (struct pending){dst, arena->len};
    (*np)++;
    buf_add(arena, s + sp.off, sp.len);
    buf_addc(arena, '\0');
}

static bool
vob_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
}

/* `vob.user.ssh.session.opened` or `esx.problem.vmfs.heartbeat.timedout`:
 * a VOB or event id written in the line (vobd.log, hostd event dumps). */
static struct log_span
find_vob(const char *s, size_t n)
{
    for (size_t i = 0; i + 4 < n; i++) {
        bool vob = memcmp(s + i, "vob.", 4) == 0;
        bool esx = i + 12 <= n && (memcmp(s + i, "esx.problem.", 12) == 0 ||
                                   (i + 10 <= n && memcmp(s + i, "esx.audit.", 10) == 0));
        if (!vob && !esx)
            continue;
        if (i > 0 && vob_char(s[i - 1]))
            continue;
        size_t e = i;
        while (e < n && vob_char(s[e]))
            e++;
        while (e > i && s[e - 1] == '.')
            e--;
        return (struct log_span){(uint32_t)i, (uint32_t)(e - i)};
    }
    return (struct log_span){0, 0};
}

void
log_record_init(struct log_record *r, const char *source, unsigned long line, const char *text,
                size_t len, bool has_inherited, int64_t inherited_ms, const char *vm,
                struct buf *arena, int64_t written_ms)
{
    *r = (struct log_record){.source = source, .line = line, .text = text, .len = len};
    log_parse_prefix(text, len, &r->pre);
    log_prefix_year(&r->pre, text, len, written_ms);
    r->has_time = r->pre.has_time;
    r->time_ms = r->pre.time_ms;
    if (!r->has_time && has_inherited) {
        r->has_time = true;
        r->time_ms = inherited_ms;
    }
    size_t body = r->pre.body <= len ? r->pre.body : len;
    r->message = text + body;
    scsi_parse(text + body, len - body, &r->scsi);
    log_entities_find(text, len, &r->ent);
    r->vm = vm;
    r->vm_log = vm != NULL;
    buf_reset(arena);
    struct pending p[MAX_PENDING];
    size_t np = 0;
    keep(arena, p, &np, &r->program, text, r->pre.program);
    keep(arena, p, &np, &r->component, text, r->pre.component);
    keep(arena, p, &np, &r->opid, text, r->pre.opid);
    keep(arena, p, &np, &r->device, text, r->ent.device);
    keep(arena, p, &np, &r->path, text, r->ent.path);
    keep(arena, p, &np, &r->adapter, text, r->ent.adapter);
    keep(arena, p, &np, &r->nic, text, r->ent.nic);
    keep(arena, p, &np, &r->datastore, text, r->ent.datastore);
    if (vm == NULL)
        keep(arena, p, &np, &r->vm, text, r->ent.vm);
    keep(arena, p, &np, &r->vob, r->message, find_vob(r->message, len - body));
    for (size_t i = 0; i < np; i++)
        *p[i].dst = arena->p + p[i].off;
}

/* ---- fields ---- */

#define L (r->log)
#define S (r->log->scsi)

static struct fv
g_source(const struct record *r)
{
    return v_str(L->source);
}
static struct fv
g_line(const struct record *r)
{
    return v_int((long long)L->line);
}
static struct fv
g_text(const struct record *r)
{
    return v_str(L->text);
}
static struct fv
g_message(const struct record *r)
{
    return v_str(L->message);
}
static struct fv
g_format(const struct record *r)
{
    return v_str(log_format_name(L->pre.format));
}
static struct fv
g_level(const struct record *r)
{
    return v_str(log_level_name(L->pre.level));
}
static struct fv
g_program(const struct record *r)
{
    return v_str(L->program);
}
static struct fv
g_component(const struct record *r)
{
    return v_str(L->component);
}
static struct fv
g_opid(const struct record *r)
{
    return v_str(L->opid);
}
static struct fv
g_cpu(const struct record *r)
{
    return L->pre.cpu >= 0 ? v_int(L->pre.cpu) : v_null();
}
static struct fv
g_world(const struct record *r)
{
    return L->pre.world >= 0 ? v_int(L->pre.world) : v_null();
}
static struct fv
g_device(const struct record *r)
{
    return v_str(L->device);
}
static struct fv
g_path(const struct record *r)
{
    return v_str(L->path);
}
static struct fv
g_adapter(const struct record *r)
{
    return v_str(L->adapter);
}
static struct fv
g_nic(const struct record *r)
{
    return v_str(L->nic);
}
static struct fv
g_datastore(const struct record *r)
{
    return v_str(L->datastore);
}
static struct fv
g_vm(const struct record *r)
{
    return v_str(L->vm);
}
static struct fv
g_vob(const struct record *r)
{
    return v_str(L->vob);
}
static struct fv
scsi_int(const struct record *r, int v)
{
    return S.present && v >= 0 ? v_int(v) : v_null();
}
static struct fv
g_scsi_host(const struct record *r)
{
    return scsi_int(r, S.host);
}
static struct fv
g_scsi_device(const struct record *r)
{
    return scsi_int(r, S.device);
}
static struct fv
g_scsi_plugin(const struct record *r)
{
    return scsi_int(r, S.plugin);
}
static struct fv
g_scsi_host_status(const struct record *r)
{
    return S.present ? v_str(scsi_host_status_name(S.host)) : v_null();
}
static struct fv
g_scsi_device_status(const struct record *r)
{
    return S.present ? v_str(scsi_device_status_name(S.device)) : v_null();
}
static struct fv
g_scsi_opcode(const struct record *r)
{
    return S.present && S.opcode >= 0 ? v_int(S.opcode) : v_null();
}
static struct fv
g_scsi_command(const struct record *r)
{
    return S.present ? v_str(scsi_opcode_name(S.opcode)) : v_null();
}
static struct fv
sense_int(const struct record *r, int v)
{
    return S.has_sense ? v_int(v) : v_null();
}
static struct fv
g_sense_key(const struct record *r)
{
    return sense_int(r, S.key);
}
static struct fv
g_sense_asc(const struct record *r)
{
    return sense_int(r, S.asc);
}
static struct fv
g_sense_ascq(const struct record *r)
{
    return sense_int(r, S.ascq);
}
static struct fv
g_sense_valid(const struct record *r)
{
    return S.has_sense ? v_bool(S.sense_valid) : v_null();
}
static struct fv
g_sense_key_name(const struct record *r)
{
    return S.has_sense ? v_str(scsi_sense_key_name(S.key)) : v_null();
}
static struct fv
g_sense_text(const struct record *r)
{
    return S.has_sense ? v_str(scsi_asc_name(S.asc, S.ascq)) : v_null();
}
static struct fv
g_sense_benign(const struct record *r)
{
    return S.has_sense ? v_bool(scsi_sense_benign(S.key, S.asc, S.ascq)) : v_null();
}
/* PDL only from sense the device returned with CHECK CONDITION ("D:0x2 ...
 * Valid sense data"): "Possible sense data" is what the driver found in the
 * buffer, and with another device status (GOOD, BUSY) or a host error
 * (NO_CONNECT) the sense bytes are stale or absent: never a PDL (kb §4.1). */
static struct fv
g_sense_pdl(const struct record *r)
{
    if (!S.has_sense)
        return v_null();
    return v_bool(S.sense_valid && S.present && S.device == 0x2 && S.host == 0x0 &&
                  scsi_sense_pdl(S.key, S.asc, S.ascq));
}

#define SCSI_NEEDLE "H:0x"
#define SENSE_NEEDLE "(?i)sense data:"

const struct field_def record_log_fields[] = {
    {"log.source", K_LOG, FV_STR, g_source, NULL, NULL, NULL},
    {"log.line", K_LOG, FV_INT, g_line, NULL, NULL, NULL},
    {"log.text", K_LOG, FV_STR, g_text, NULL, NULL, NULL},
    {"log.message", K_LOG, FV_STR, g_message, NULL, NULL, NULL},
    {"log.format", K_LOG, FV_STR, g_format, NULL, NULL, NULL},
    {"log.level", K_LOG, FV_STR, g_level, NULL, NULL, NULL},
    {"log.program", K_LOG, FV_STR, g_program, NULL, NULL, NULL},
    {"log.component", K_LOG, FV_STR, g_component, NULL, NULL, NULL},
    {"log.opid", K_LOG, FV_STR, g_opid, NULL, NULL, NULL},
    {"log.cpu", K_LOG, FV_INT, g_cpu, NULL, NULL, NULL},
    {"log.world", K_LOG, FV_INT, g_world, NULL, NULL, NULL},
    {"log.device", K_LOG, FV_STR, g_device, NULL, NULL, NULL},
    {"log.path", K_LOG, FV_STR, g_path, NULL, NULL, NULL},
    {"log.adapter", K_LOG, FV_STR, g_adapter, NULL, NULL, NULL},
    {"log.nic", K_LOG, FV_STR, g_nic, NULL, NULL, NULL},
    {"log.datastore", K_LOG, FV_STR, g_datastore, NULL, NULL, NULL},
    {"log.vm", K_LOG, FV_STR, g_vm, NULL, NULL, NULL},
    {"log.vob", K_LOG, FV_STR, g_vob, NULL, NULL, "(?:vob|esx)\\.[a-z]"},
    {"log.scsi.host", K_LOG, FV_INT, g_scsi_host, NULL, NULL, SCSI_NEEDLE},
    {"log.scsi.device", K_LOG, FV_INT, g_scsi_device, NULL, NULL, SCSI_NEEDLE},
    {"log.scsi.plugin", K_LOG, FV_INT, g_scsi_plugin, NULL, NULL, SCSI_NEEDLE},
    {"log.scsi.host_status", K_LOG, FV_STR, g_scsi_host_status, NULL, NULL, SCSI_NEEDLE},
    {"log.scsi.device_status", K_LOG, FV_STR, g_scsi_device_status, NULL, NULL, SCSI_NEEDLE},
    {"log.scsi.opcode", K_LOG, FV_INT, g_scsi_opcode, NULL, NULL, SCSI_NEEDLE},
    {"log.scsi.command", K_LOG, FV_STR, g_scsi_command, NULL, NULL, SCSI_NEEDLE},
    {"log.sense.key", K_LOG, FV_INT, g_sense_key, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.asc", K_LOG, FV_INT, g_sense_asc, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.ascq", K_LOG, FV_INT, g_sense_ascq, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.valid", K_LOG, FV_BOOL, g_sense_valid, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.key_name", K_LOG, FV_STR, g_sense_key_name, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.text", K_LOG, FV_STR, g_sense_text, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.benign", K_LOG, FV_BOOL, g_sense_benign, NULL, NULL, SENSE_NEEDLE},
    {"log.sense.pdl", K_LOG, FV_BOOL, g_sense_pdl, NULL, NULL, SENSE_NEEDLE},
};

const size_t record_log_nfields = sizeof(record_log_fields) / sizeof(record_log_fields[0]);
