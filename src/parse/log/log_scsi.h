/* log_scsi: SCSI status in vmkernel log lines, decoded to words.
 *
 * Lines such as `ScsiDeviceIO: 2962: Cmd(0x439500b02d00) 0x1a, CmdSN 0x12ad
 * from world 0 to dev "naa.6001..." failed H:0x0 D:0x2 P:0x0 Valid sense
 * data: 0x2 0x8 0x0.` or `NMP: nmp_ThrottleLogForDevice:2318: Cmd 0x28
 * (...) to dev "naa.xxx" on path "vmhba2:C0:T0:L6" Failed: H:0xb D:0x0 P:0x0
 * Possible sense data: 0x0 0x0 0x0. Act:NONE` carry the host, device and
 * plugin status and the sense key / ASC / ASCQ (shared
 * kb/esxi-crash-and-logs.md §4.1). The names come from the public tables
 * cited in log_scsi.c next to each row. Pure. */
#ifndef VT_LOG_SCSI_H
#define VT_LOG_SCSI_H

#include <stdbool.h>
#include <stddef.h>

struct scsi_status {
    bool present;             /* an `H:0x.. D:0x.. P:0x..` triplet was found */
    int host, device, plugin; /* -1 when absent */
    bool has_sense;           /* `Valid sense data:` or `Possible sense data:` with three numbers */
    bool sense_valid;         /* "Valid" (the device returned sense) rather than "Possible" */
    int key, asc, ascq;       /* -1 without sense */
    int opcode; /* CDB opcode from `Cmd 0x28`, `Cmd(0x...) 0x1a,`, `Command 0x2a`; -1 */
};

/* Finds the first triplet and sense of a line. Returns status->present. */
bool scsi_parse(const char *s, size_t n, struct scsi_status *out);

/* Words for each part, NULL when the table has no entry (static strings). */
const char *scsi_host_status_name(int host); /* 0x1 -> "NO_CONNECT" */
const char *
scsi_host_status_text(int host); /* 0x1 -> "no connection: the LUN is no longer visible ..." */
const char *scsi_device_status_name(int dev); /* 0x2 -> "CHECK CONDITION" */
const char *scsi_sense_key_name(int key);     /* 0x5 -> "ILLEGAL REQUEST" */
const char *scsi_asc_name(int asc, int ascq); /* 0x25/0x0 -> "LOGICAL UNIT NOT SUPPORTED" */
const char *scsi_opcode_name(int op);         /* 0x28 -> "READ(10)" */
/* True for sense data that is routinely logged and harmless (kb §4.1:
 * ILLEGAL REQUEST 0x24 / 0x20 for INQUIRY/VPD and unsupported commands). */
bool scsi_sense_benign(int key, int asc, int ascq);
/* True for the permanent-device-loss sense of KB 318712 (0x5 0x25 0x0) and
 * the medium-not-present form (0x2 0x3a) kb §4.2 names. */
bool scsi_sense_pdl(int key, int asc, int ascq);

#endif
