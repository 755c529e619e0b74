/* log_record: one log record as the rules see it (record kind `log`).
 *
 * A record is one physical line, or one piece of it when a copy ran several
 * records together (log_next_record). Everything rules test is decoded once
 * when the record is made: the prefix (time, level, program, component),
 * the SCSI status and sense, and the things the line names. A continuation
 * line (`-->`, `[+]`) and a line without a time take the time of the record
 * above them, given by the caller. Pure: no I/O. */
#ifndef VT_LOG_RECORD_H
#define VT_LOG_RECORD_H

#include "parse/log/log_entity.h"
#include "parse/log/log_line.h"
#include "parse/log/log_scsi.h"
#include "util/util_buf.h"

#include <stdbool.h>
#include <stdint.h>

struct log_record {
    const char *source; /* the file as named (borrowed) */
    unsigned long line; /* 1-based physical line */
    const char *text;   /* the record, NUL-terminated, no line end (borrowed) */
    size_t len;
    struct log_prefix pre;
    bool has_time; /* own time, or the inherited one */
    int64_t time_ms;
    struct scsi_status scsi;
    struct log_entities ent;
    /* NUL-terminated texts for the rules, NULL when absent; they point into
     * `text` or into the caller's arena. */
    const char *message; /* text from the body on */
    const char *program, *component, *opid, *device, *path, *adapter, *nic, *datastore;
    const char *vm;  /* the VM: a vmware.log's folder, or the .vmx a hostd line names */
    bool vm_log;     /* vm is the folder of the vmware.log this record is from */
    const char *vob; /* `vob.user.ssh.session.opened`, `esx.problem.vmfs.heartbeat.timedout` */
};

/* Decodes `text` (len bytes, NUL at text[len]) into *r. `inherited_ms`
 * (when has_inherited) is the time of the record above, used when the line
 * has none of its own. `vm` names the VM whose vmware.log this is, or NULL.
 * Copies of spans go to `arena`, which is reset first and must stay
 * unchanged while the record is used. */
/* `written_ms`: when the log was last written (0: unknown), for the year of
 * syslog times that carry none (log_prefix_year). */
void log_record_init(struct log_record *r, const char *source, unsigned long line, const char *text,
                     size_t len, bool has_inherited, int64_t inherited_ms, const char *vm,
                     struct buf *arena, int64_t written_ms);

#endif
