/* log_scsi: reads the SCSI status of one vmkernel log line and names its parts.
 *
 * Exists because a storage finding is only useful when the numbers of
 * `H:0x0 D:0x2 P:0x0 Valid sense data: 0x5 0x25 0x0` become words an admin
 * can act on (here: ILLEGAL REQUEST / LOGICAL UNIT NOT SUPPORTED, a permanent
 * device loss). Every name below comes from a public table named in a comment
 * on its row; none is written from memory. Pure: no allocation, no I/O, never
 * reads s[n] or beyond (lines are not NUL-terminated). */
#include "parse/log/log_scsi.h"
#include "util/util_text.h"

#include <stdint.h>
#include <string.h>

/* ---- tables ----
 *
 * Sources, cited by short name on each row:
 *   [vmkapi]   VMware vmkapi header, vmk_ScsiHostStatus / vmk_ScsiDeviceStatus
 *              (public GPL driver tree: github.com/loginab/esxdrivers
 *              bora/vmkernel/include/vmkapi/scsi/vmkapi_scsi_ext.h @dce80866).
 *   [KB309543] Broadcom KB 309543 (was VMware KB 1029039) "Understanding SCSI
 *              host-side NMP errors/conditions in ESXi",
 *              https://knowledge.broadcom.com/external/article/309543/ ; the
 *              rows not shown in our copy of the page are from the KB 1029039
 *              text reproduced in github.com/cosysn/esxi_sense_decode src/main.c.
 *   [KB338435] Broadcom KB 338435 (was VMware KB 1030381) "Understanding SCSI
 *              device/target NMP errors/conditions",
 *              https://knowledge.broadcom.com/external/article/338435
 *   [sam]      Linux include/scsi/scsi_proto.h enum sam_status (torvalds/linux
 *              @0016e820), SAM-3 status codes, the T10 list t10.org/lists/2status.htm.
 *   [snstext]  Linux drivers/scsi/constants.c snstext[] (torvalds/linux
 *              @026f8da8) and include/scsi/scsi_proto.h SENSE KEYS; written in
 *              the upper case of t10.org/lists/2sensekey.htm.
 *   [asc-num]  T10 "SCSI ASC/ASCQ Assignments, Numeric Sorted Listing as of
 *              11/18/16" (https://www.t10.org/lists/asc-num.txt; copy read in
 *              github.com/cosysn/esxi_sense_decode docs/asc-num.txt), the same
 *              texts as Linux drivers/scsi/constants.c additional[].
 *   [proto]    Linux include/scsi/scsi_proto.h SCSI opcodes (torvalds/linux
 *              @0016e820) with the names of drivers/scsi/constants.c
 *              cdb_byte0_names[] (torvalds/linux @026f8da8), upper case as in
 *              t10.org/lists/op-num.htm.
 *   [KB318712] Broadcom KB 318712 (PDL: 0x5 0x25 0x0 "permanently
 *              inaccessible"), via shared kb/esxi-crash-and-logs.md §4.1-4.2.
 *   [KB289902] Broadcom KB 289902 / 337796 "Interpreting SCSI sense codes"
 *              (INQUIRY 0x12 answered 0x5 0x24 0x0) and sexilog issue #20
 *              (0x24 / 0x20 excluded per KB 1010244 / 2015793), via kb §4.1. */

/* ESXi host status H:, vmk_ScsiHostStatus. 0xb is SOFT_ERROR in vmkapi; the
 * KB explains it as "the HBA driver returns a DID_REQUEUE" and the command is
 * reissued at once, which is why elatov (corpus/esxi/005) calls H:0xb
 * DID_REQUEUE. The numbers equal Linux DID_* (include/scsi/scsi_status.h,
 * DID_SOFT_ERROR 0x0b, DID_REQUEUE 0x0d); the names follow vmkapi. */
static const char *const host_names[] = {
    [0x0] = "OK",          /* [vmkapi] VMK_SCSI_HOST_OK; [KB309543] */
    [0x1] = "NO_CONNECT",  /* [vmkapi] VMK_SCSI_HOST_NO_CONNECT; [KB309543] */
    [0x2] = "BUS_BUSY",    /* [vmkapi] VMK_SCSI_HOST_BUS_BUSY; [KB309543] */
    [0x3] = "TIMEOUT",     /* [vmkapi] VMK_SCSI_HOST_TIMEOUT; [KB309543] */
    [0x4] = "BAD_TARGET",  /* [vmkapi] VMK_SCSI_HOST_BAD_TARGET */
    [0x5] = "ABORT",       /* [vmkapi] VMK_SCSI_HOST_ABORT; [KB309543] */
    [0x6] = "PARITY",      /* [vmkapi] VMK_SCSI_HOST_PARITY */
    [0x7] = "ERROR",       /* [vmkapi] VMK_SCSI_HOST_ERROR */
    [0x8] = "RESET",       /* [vmkapi] VMK_SCSI_HOST_RESET; [KB309543] */
    [0x9] = "BAD_INTR",    /* [vmkapi] VMK_SCSI_HOST_BAD_INTR */
    [0xa] = "PASSTHROUGH", /* [vmkapi] VMK_SCSI_HOST_PASSTHROUGH */
    [0xb] = "SOFT_ERROR",  /* [vmkapi] VMK_SCSI_HOST_SOFT_ERROR; [KB309543] "DID_REQUEUE" */
    [0xc] = "RETRY",       /* [vmkapi] VMK_SCSI_HOST_RETRY */
    [0xd] = "REQUEUE",     /* [vmkapi] VMK_SCSI_HOST_REQUEUE */
};

/* One-line admin meanings, only for the codes kb §4.1 explains. */
static const char *const host_texts[] = {
    /* [KB309543] NO_CONNECT definition */
    [0x1] = "no connection: the LUN is no longer visible to the host from the array side, or "
            "the physical connection to the array was removed",
    /* [KB309543] BUS_BUSY definition */
    [0x2] = "bus busy: the HBA driver could not issue the command to the device (dropped FCP "
            "frames in the fabric)",
    /* [KB309543] TIMEOUT definition (KB 1029039 text) */
    [0x3] = "timeout: the command in flight to the array timed out",
    /* [KB309543] ABORT definition (KB 1029039 text) */
    [0x5] = "abort: the driver aborted commands in flight to the target, after a command "
            "timeout or a parity error in the frame",
    /* [KB309543] RESET definition (KB 1029039 text); [vmkapi] "cleared from the HBA due to a
     * BUS/target/LUN reset" */
    [0x8] = "reset: the HBA driver aborted the I/O or the HBA reset the target (bus, target or "
            "LUN reset)",
    /* [KB309543] SOFT_ERROR definition (KB 1029039 text) */
    [0xb] = "soft error: the HBA driver returned DID_REQUEUE and the command is reissued "
            "immediately",
};

/* Device (target) status D:, the SAM status byte. */
static const char *const device_names[] = {
    [0x00] = "GOOD",                       /* [vmkapi] VMK_SCSI_DEVICE_GOOD; [KB338435]; [sam] */
    [0x02] = "CHECK CONDITION",            /* [vmkapi]; [KB338435]; [sam] */
    [0x04] = "CONDITION MET",              /* [vmkapi]; [KB338435]; [sam] */
    [0x08] = "BUSY",                       /* [vmkapi]; [KB338435]; [sam] */
    [0x10] = "INTERMEDIATE",               /* [vmkapi]; [sam] */
    [0x14] = "INTERMEDIATE-CONDITION MET", /* [vmkapi]; [sam] */
    [0x18] = "RESERVATION CONFLICT",       /* [vmkapi]; [sam] */
    [0x22] = "COMMAND TERMINATED",         /* [vmkapi]; [sam] (obsolete in SAM-3) */
    [0x28] = "TASK SET FULL",              /* [vmkapi] VMK_SCSI_DEVICE_QUEUE_FULL; [sam] */
    [0x30] = "ACA ACTIVE",                 /* [vmkapi]; [sam] */
    [0x40] = "TASK ABORTED",               /* [vmkapi]; [sam] */
};

/* Sense keys 0x0-0xF. */
static const char *const sense_key_names[] = {
    [0x0] = "NO SENSE",        /* [snstext] "No Sense" */
    [0x1] = "RECOVERED ERROR", /* [snstext] "Recovered Error" */
    [0x2] = "NOT READY",       /* [snstext] "Not Ready" */
    [0x3] = "MEDIUM ERROR",    /* [snstext] "Medium Error" */
    [0x4] = "HARDWARE ERROR",  /* [snstext] "Hardware Error" */
    [0x5] = "ILLEGAL REQUEST", /* [snstext] "Illegal Request" */
    [0x6] = "UNIT ATTENTION",  /* [snstext] "Unit Attention" */
    [0x7] = "DATA PROTECT",    /* [snstext] "Data Protect" */
    [0x8] = "BLANK CHECK",     /* [snstext] "Blank Check" */
    [0x9] = "VENDOR SPECIFIC", /* [snstext] "Vendor Specific(9)" */
    [0xa] = "COPY ABORTED",    /* [snstext] "Copy Aborted" */
    [0xb] = "ABORTED COMMAND", /* [snstext] "Aborted Command" */
    [0xc] = "EQUAL",           /* [snstext] "Equal" (reserved in SPC-4) */
    [0xd] = "VOLUME OVERFLOW", /* [snstext] "Volume Overflow" */
    [0xe] = "MISCOMPARE",      /* [snstext] "Miscompare" */
    [0xf] = "COMPLETED",       /* [snstext] "Completed" */
};

/* ASC/ASCQ: the subset storage admins meet on ESXi. */
static const struct {
    uint8_t asc, ascq;
    const char *name;
} asc_names[] = {
    {0x00, 0x00, "NO ADDITIONAL SENSE INFORMATION"},                       /* [asc-num] */
    {0x03, 0x00, "PERIPHERAL DEVICE WRITE FAULT"},                         /* [asc-num] */
    {0x04, 0x00, "LOGICAL UNIT NOT READY, CAUSE NOT REPORTABLE"},          /* [asc-num] */
    {0x04, 0x01, "LOGICAL UNIT IS IN PROCESS OF BECOMING READY"},          /* [asc-num] */
    {0x04, 0x02, "LOGICAL UNIT NOT READY, INITIALIZING COMMAND REQUIRED"}, /* [asc-num] */
    {0x04, 0x03,
     "LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED"},      /* [asc-num]; [KB338435] */
    {0x04, 0x04, "LOGICAL UNIT NOT READY, FORMAT IN PROGRESS"},    /* [asc-num] */
    {0x04, 0x05, "LOGICAL UNIT NOT READY, REBUILD IN PROGRESS"},   /* [asc-num] */
    {0x04, 0x07, "LOGICAL UNIT NOT READY, OPERATION IN PROGRESS"}, /* [asc-num] */
    {0x04, 0x09, "LOGICAL UNIT NOT READY, SELF-TEST IN PROGRESS"}, /* [asc-num] */
    {0x04, 0x0a, "LOGICAL UNIT NOT ACCESSIBLE, ASYMMETRIC ACCESS STATE TRANSITION"}, /* [asc-num] */
    {0x04, 0x0b, "LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN STANDBY STATE"},       /* [asc-num] */
    {0x04, 0x0c, "LOGICAL UNIT NOT ACCESSIBLE, TARGET PORT IN UNAVAILABLE STATE"},   /* [asc-num] */
    {0x04, 0x12, "LOGICAL UNIT NOT READY, OFFLINE"},                                 /* [asc-num] */
    {0x04, 0x14, "LOGICAL UNIT NOT READY, SPACE ALLOCATION IN PROGRESS"},            /* [asc-num] */
    {0x04, 0x1b, "LOGICAL UNIT NOT READY, SANITIZE IN PROGRESS"},                    /* [asc-num] */
    {0x05, 0x00, "LOGICAL UNIT DOES NOT RESPOND TO SELECTION"},                      /* [asc-num] */
    {0x08, 0x00, "LOGICAL UNIT COMMUNICATION FAILURE"},                              /* [asc-num] */
    {0x08, 0x01, "LOGICAL UNIT COMMUNICATION TIME-OUT"},                             /* [asc-num] */
    {0x08, 0x02, "LOGICAL UNIT COMMUNICATION PARITY ERROR"},                         /* [asc-num] */
    {0x0c, 0x00, "WRITE ERROR"},                                                     /* [asc-num] */
    {0x0c, 0x02, "WRITE ERROR - AUTO REALLOCATION FAILED"},                          /* [asc-num] */
    {0x10, 0x01, "LOGICAL BLOCK GUARD CHECK FAILED"},                                /* [asc-num] */
    {0x11, 0x00, "UNRECOVERED READ ERROR"},                                          /* [asc-num] */
    {0x14, 0x01, "RECORD NOT FOUND"},                                                /* [asc-num] */
    {0x1a, 0x00, "PARAMETER LIST LENGTH ERROR"},                                     /* [asc-num] */
    {0x1d, 0x00, "MISCOMPARE DURING VERIFY OPERATION"},                              /* [asc-num] */
    {0x20, 0x00, "INVALID COMMAND OPERATION CODE"},                                  /* [asc-num] */
    {0x21, 0x00, "LOGICAL BLOCK ADDRESS OUT OF RANGE"},                              /* [asc-num] */
    {0x24, 0x00, "INVALID FIELD IN CDB"},                                            /* [asc-num] */
    {0x25, 0x00, "LOGICAL UNIT NOT SUPPORTED"},                                      /* [asc-num] */
    {0x26, 0x00, "INVALID FIELD IN PARAMETER LIST"},                                 /* [asc-num] */
    {0x26, 0x01, "PARAMETER NOT SUPPORTED"},                                         /* [asc-num] */
    {0x26, 0x02, "PARAMETER VALUE INVALID"},                                         /* [asc-num] */
    {0x27, 0x00, "WRITE PROTECTED"},                                                 /* [asc-num] */
    {0x27, 0x01, "HARDWARE WRITE PROTECTED"},                                        /* [asc-num] */
    {0x27, 0x02, "LOGICAL UNIT SOFTWARE WRITE PROTECTED"},                           /* [asc-num] */
    {0x27, 0x07, "SPACE ALLOCATION FAILED WRITE PROTECT"},                           /* [asc-num] */
    {0x28, 0x00, "NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED"},              /* [asc-num] */
    {0x29, 0x00, "POWER ON, RESET, OR BUS DEVICE RESET OCCURRED"},                   /* [asc-num] */
    {0x29, 0x01, "POWER ON OCCURRED"},                                               /* [asc-num] */
    {0x29, 0x02, "SCSI BUS RESET OCCURRED"},                                         /* [asc-num] */
    {0x29, 0x03, "BUS DEVICE RESET FUNCTION OCCURRED"},                              /* [asc-num] */
    {0x29, 0x04, "DEVICE INTERNAL RESET"},                                           /* [asc-num] */
    {0x29, 0x07, "I_T NEXUS LOSS OCCURRED"},                                         /* [asc-num] */
    {0x2a, 0x00, "PARAMETERS CHANGED"},                                              /* [asc-num] */
    {0x2a, 0x01, "MODE PARAMETERS CHANGED"},                                         /* [asc-num] */
    {0x2a, 0x03, "RESERVATIONS PREEMPTED"},                                          /* [asc-num] */
    {0x2a, 0x04, "RESERVATIONS RELEASED"},                                           /* [asc-num] */
    {0x2a, 0x05, "REGISTRATIONS PREEMPTED"},                                         /* [asc-num] */
    {0x2a, 0x06, "ASYMMETRIC ACCESS STATE CHANGED"},                                 /* [asc-num] */
    {0x2a, 0x07, "IMPLICIT ASYMMETRIC ACCESS STATE TRANSITION FAILED"},              /* [asc-num] */
    {0x2a, 0x09, "CAPACITY DATA HAS CHANGED"},                                       /* [asc-num] */
    {0x2c, 0x00, "COMMAND SEQUENCE ERROR"},                                          /* [asc-num] */
    {0x2f, 0x00, "COMMANDS CLEARED BY ANOTHER INITIATOR"},                           /* [asc-num] */
    {0x31, 0x00, "MEDIUM FORMAT CORRUPTED"},                                         /* [asc-num] */
    {0x38, 0x07, "THIN PROVISIONING SOFT THRESHOLD REACHED"},                        /* [asc-num] */
    {0x3a, 0x00, "MEDIUM NOT PRESENT"},                                              /* [asc-num] */
    {0x3e, 0x00, "LOGICAL UNIT HAS NOT SELF-CONFIGURED YET"},                        /* [asc-num] */
    {0x3e, 0x01, "LOGICAL UNIT FAILURE"},                                            /* [asc-num] */
    {0x3e, 0x02, "TIMEOUT ON LOGICAL UNIT"},                                         /* [asc-num] */
    {0x3e, 0x03, "LOGICAL UNIT FAILED SELF-TEST"},                                   /* [asc-num] */
    {0x3f, 0x00, "TARGET OPERATING CONDITIONS HAVE CHANGED"},                        /* [asc-num] */
    {0x3f, 0x01, "MICROCODE HAS BEEN CHANGED"},                                      /* [asc-num] */
    {0x3f, 0x03, "INQUIRY DATA HAS CHANGED"},                                        /* [asc-num] */
    {0x3f, 0x0e, "REPORTED LUNS DATA HAS CHANGED"},                                  /* [asc-num] */
    {0x44, 0x00, "INTERNAL TARGET FAILURE"},                                         /* [asc-num] */
    {0x47, 0x00, "SCSI PARITY ERROR"},                                               /* [asc-num] */
    {0x47, 0x01, "DATA PHASE CRC ERROR DETECTED"},                                   /* [asc-num] */
    {0x4b, 0x00, "DATA PHASE ERROR"},                                                /* [asc-num] */
    {0x4b, 0x07, "CONNECTION LOST"},                                                 /* [asc-num] */
    {0x4c, 0x00, "LOGICAL UNIT FAILED SELF-CONFIGURATION"},                          /* [asc-num] */
    {0x55, 0x02, "INSUFFICIENT RESERVATION RESOURCES"},                              /* [asc-num] */
    {0x55, 0x03, "INSUFFICIENT RESOURCES"},                                          /* [asc-num] */
    {0x5d, 0x00, "FAILURE PREDICTION THRESHOLD EXCEEDED"},                           /* [asc-num] */
    {0x5d, 0xff, "FAILURE PREDICTION THRESHOLD EXCEEDED (FALSE)"},                   /* [asc-num] */
    {0x68, 0x00, "LOGICAL UNIT NOT CONFIGURED"},                                     /* [asc-num] */
};

/* CDB operation codes (byte 0). */
static const char *const opcode_names[256] = {
    [0x00] = "TEST UNIT READY",              /* [proto] TEST_UNIT_READY */
    [0x03] = "REQUEST SENSE",                /* [proto] REQUEST_SENSE */
    [0x04] = "FORMAT UNIT",                  /* [proto] FORMAT_UNIT */
    [0x08] = "READ(6)",                      /* [proto] READ_6 */
    [0x0a] = "WRITE(6)",                     /* [proto] WRITE_6 */
    [0x12] = "INQUIRY",                      /* [proto] INQUIRY */
    [0x15] = "MODE SELECT(6)",               /* [proto] MODE_SELECT */
    [0x16] = "RESERVE(6)",                   /* [proto] RESERVE */
    [0x17] = "RELEASE(6)",                   /* [proto] RELEASE */
    [0x1a] = "MODE SENSE(6)",                /* [proto] MODE_SENSE */
    [0x1b] = "START STOP UNIT",              /* [proto] START_STOP */
    [0x1c] = "RECEIVE DIAGNOSTIC",           /* [proto] RECEIVE_DIAGNOSTIC */
    [0x1d] = "SEND DIAGNOSTIC",              /* [proto] SEND_DIAGNOSTIC */
    [0x1e] = "PREVENT/ALLOW MEDIUM REMOVAL", /* [proto] ALLOW_MEDIUM_REMOVAL */
    [0x25] = "READ CAPACITY(10)",            /* [proto] READ_CAPACITY */
    [0x28] = "READ(10)",                     /* [proto] READ_10 */
    [0x2a] = "WRITE(10)",                    /* [proto] WRITE_10 */
    [0x2e] = "WRITE VERIFY(10)",             /* [proto] WRITE_VERIFY */
    [0x2f] = "VERIFY(10)",                   /* [proto] VERIFY */
    [0x35] = "SYNCHRONIZE CACHE(10)",        /* [proto] SYNCHRONIZE_CACHE */
    [0x37] = "READ DEFECT DATA(10)",         /* [proto] READ_DEFECT_DATA */
    [0x3b] = "WRITE BUFFER",                 /* [proto] WRITE_BUFFER */
    [0x3c] = "READ BUFFER",                  /* [proto] READ_BUFFER */
    [0x41] = "WRITE SAME(10)",               /* [proto] WRITE_SAME */
    [0x42] = "UNMAP",                        /* [proto] UNMAP */
    [0x4c] = "LOG SELECT",                   /* [proto] LOG_SELECT */
    [0x4d] = "LOG SENSE",                    /* [proto] LOG_SENSE */
    [0x55] = "MODE SELECT(10)",              /* [proto] MODE_SELECT_10 */
    [0x56] = "RESERVE(10)",                  /* [proto] RESERVE_10 */
    [0x57] = "RELEASE(10)",                  /* [proto] RELEASE_10 */
    [0x5a] = "MODE SENSE(10)",               /* [proto] MODE_SENSE_10 */
    [0x5e] = "PERSISTENT RESERVE IN",        /* [proto] PERSISTENT_RESERVE_IN */
    [0x5f] = "PERSISTENT RESERVE OUT",       /* [proto] PERSISTENT_RESERVE_OUT */
    [0x83] = "EXTENDED COPY",                /* [proto] EXTENDED_COPY ("Third party copy out") */
    [0x84] = "RECEIVE COPY RESULTS",         /* [proto] RECEIVE_COPY_RESULTS */
    [0x85] = "ATA PASS THROUGH(16)",         /* [proto] ATA_16 */
    [0x88] = "READ(16)",                     /* [proto] READ_16 */
    [0x89] = "COMPARE AND WRITE",            /* [proto] COMPARE_AND_WRITE */
    [0x8a] = "WRITE(16)",                    /* [proto] WRITE_16 */
    [0x8e] = "WRITE AND VERIFY(16)",         /* [proto] WRITE_VERIFY_16 */
    [0x8f] = "VERIFY(16)",                   /* [proto] VERIFY_16 */
    [0x91] = "SYNCHRONIZE CACHE(16)",        /* [proto] SYNCHRONIZE_CACHE_16 */
    [0x93] = "WRITE SAME(16)",               /* [proto] WRITE_SAME_16 */
    [0x9e] = "SERVICE ACTION IN(16)",        /* [proto] SERVICE_ACTION_IN_16 */
    [0xa0] = "REPORT LUNS",                  /* [proto] REPORT_LUNS */
    [0xa3] = "MAINTENANCE IN",               /* [proto] MAINTENANCE_IN */
    [0xa4] = "MAINTENANCE OUT",              /* [proto] MAINTENANCE_OUT */
    [0xa8] = "READ(12)",                     /* [proto] READ_12 */
    [0xaa] = "WRITE(12)",                    /* [proto] WRITE_12 */
};

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Entry `i` of a sparse table of names, NULL outside it or for a hole. */
static const char *
table_at(const char *const *t, size_t nt, int i)
{
    return i >= 0 && (size_t)i < nt ? t[i] : NULL;
}

const char *
scsi_host_status_name(int host)
{
    return table_at(host_names, NELEM(host_names), host);
}

const char *
scsi_host_status_text(int host)
{
    return table_at(host_texts, NELEM(host_texts), host);
}

const char *
scsi_device_status_name(int dev)
{
    return table_at(device_names, NELEM(device_names), dev);
}

const char *
scsi_sense_key_name(int key)
{
    return table_at(sense_key_names, NELEM(sense_key_names), key);
}

const char *
scsi_asc_name(int asc, int ascq)
{
    for (size_t i = 0; i < NELEM(asc_names); i++)
        if (asc_names[i].asc == asc && asc_names[i].ascq == ascq)
            return asc_names[i].name;
    return NULL;
}

const char *
scsi_opcode_name(int op)
{
    return table_at(opcode_names, NELEM(opcode_names), op);
}

bool
scsi_sense_benign(int key, int asc, int ascq)
{
    /* [KB289902]: ILLEGAL REQUEST / INVALID FIELD IN CDB (0x24) answering
     * INQUIRY/VPD; sexilog #20: 0x24 and INVALID COMMAND OPERATION CODE (0x20)
     * are routine and excluded. Only ASCQ 0: the other 0x20/0x24 qualifiers
     * (access denied, CDB decryption error) are not that case. */
    return key == 0x5 && (asc == 0x24 || asc == 0x20) && ascq == 0x0;
}

bool
scsi_sense_pdl(int key, int asc, int ascq)
{
    if (key == 0x5 && asc == 0x25 && ascq == 0x0)
        return true;                  /* [KB318712] LOGICAL UNIT NOT SUPPORTED -> PDL */
    return key == 0x2 && asc == 0x3a; /* kb §4.1 (itfromzero APD/PDL article): MEDIUM NOT PRESENT */
}

/* ---- parsing ---- */

static bool
is_word(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

/* True when the `m` bytes of `w` are at s[i..] (inside n). */
static bool
at(const char *s, size_t n, size_t i, const char *w, size_t m)
{
    return i <= n && n - i >= m && memcmp(s + i, w, m) == 0;
}

/* Reads `0x` + 1..maxd (at most 16) hex digits at s[i] that end the word
 * (the next byte, if any, is not a letter, digit or `_`). Stores the value
 * and returns the offset after it, or 0 when there is no such number. */
static size_t
read_hex(const char *s, size_t n, size_t i, size_t maxd, uint64_t *v)
{
    if (i >= n || n - i < 3 || s[i] != '0' || (s[i + 1] != 'x' && s[i + 1] != 'X'))
        return 0;
    size_t j = i + 2;
    uint64_t val = 0;
    while (j < n && hexval(s[j]) >= 0) {
        if (j - (i + 2) >= maxd)
            return 0;
        val = val * 16 + (uint64_t)hexval(s[j]);
        j++;
    }
    if (j == i + 2 || (j < n && is_word(s[j])))
        return 0;
    *v = val;
    return j;
}

/* read_hex of a value of at most `maxd` (<= 4) digits, as an int. */
static size_t
read_small(const char *s, size_t n, size_t i, size_t maxd, int *v)
{
    uint64_t u = 0;
    size_t e = read_hex(s, n, i, maxd, &u);
    if (e != 0)
        *v = (int)u;
    return e;
}

/* `X:0x<hex>` with the letter X at s[i]; status words are at most 0xffff. */
static size_t
read_field(const char *s, size_t n, size_t i, char letter, int *v)
{
    if (i >= n || n - i < 2 || s[i] != letter || s[i + 1] != ':')
        return 0;
    return read_small(s, n, i + 2, 4, v);
}

/* The triplet `H:0x.. D:0x.. P:0x..` starting at s[i] (H at a word start).
 * Returns the offset after P's number, or 0. */
static size_t
read_triplet(const char *s, size_t n, size_t i, int *h, int *d, int *p)
{
    if (i > 0 && is_word(s[i - 1]))
        return 0;
    size_t j = read_field(s, n, i, 'H', h);
    if (j == 0 || j >= n || !is_blank(s[j]))
        return 0;
    j = read_field(s, n, skip_blanks(s, n, j), 'D', d);
    if (j == 0 || j >= n || !is_blank(s[j]))
        return 0;
    return read_field(s, n, skip_blanks(s, n, j), 'P', p);
}

/* `Valid sense data: K A Q` or `Possible sense data: K A Q` at s[i] (after
 * the triplet and its blanks); bytes of 1-2 hex digits. */
static bool
read_sense(const char *s, size_t n, size_t i, struct scsi_status *out)
{
    static const char valid[] = "Valid sense data:", possible[] = "Possible sense data:";
    bool is_valid;
    if (at(s, n, i, valid, sizeof(valid) - 1)) {
        is_valid = true;
        i += sizeof(valid) - 1;
    } else if (at(s, n, i, possible, sizeof(possible) - 1)) {
        is_valid = false;
        i += sizeof(possible) - 1;
    } else {
        return false;
    }
    int v[3];
    for (int k = 0; k < 3; k++) {
        size_t j = skip_blanks(s, n, i);
        if (j == i)
            return false; /* at least one blank before each number */
        i = read_small(s, n, j, 2, &v[k]);
        if (i == 0)
            return false;
    }
    out->has_sense = true;
    out->sense_valid = is_valid;
    out->key = v[0];
    out->asc = v[1];
    out->ascq = v[2];
    return true;
}

/* The CDB opcode of a command word starting at s[i]:
 *   `Cmd(0x<handle>) 0x1a,`  (5.x+ ScsiDeviceIO)
 *   `Cmd 0x28 (`             (NMP throttle)
 *   `Command 0x2a (`, `Command 0x28 to device` (4.x NMP / ScsiDeviceIO)
 * The opcode has 1-2 hex digits and is followed by `,`, a blank or the end.
 * `CmdSN 0x..` is not a command word. Returns -1 when there is none. */
static int
read_opcode(const char *s, size_t n, size_t i)
{
    if (i > 0 && is_word(s[i - 1]))
        return -1;
    size_t j;
    if (at(s, n, i, "Command ", 8))
        j = i + 8;
    else if (at(s, n, i, "Cmd ", 4))
        j = i + 4;
    else if (at(s, n, i, "Cmd(", 4)) {
        uint64_t handle;
        j = read_hex(s, n, i + 4, 16, &handle);
        if (j == 0 || j >= n || s[j] != ')')
            return -1;
        j++;
        if (j >= n || s[j] != ' ')
            return -1;
        j++;
    } else {
        return -1;
    }
    int op;
    size_t e = read_small(s, n, j, 2, &op);
    if (e == 0 || (e < n && s[e] != ',' && !is_blank(s[e])))
        return -1;
    return op;
}

/* The opcode reported is the last command word before the first triplet
 * (the record that carries the status; a KB copy may run two records into
 * one line), or, on a line without a triplet, the first command word. */
bool
scsi_parse(const char *s, size_t n, struct scsi_status *out)
{
    *out = (struct scsi_status){false, -1, -1, -1, false, false, -1, -1, -1, -1};
    if (s == NULL)
        return false;
    int first_op = -1, last_op = -1;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == 'C') {
            int op = read_opcode(s, n, i);
            if (op >= 0) {
                last_op = op;
                if (first_op < 0)
                    first_op = op;
            }
        } else if (s[i] == 'H') {
            int h, d, p;
            size_t e = read_triplet(s, n, i, &h, &d, &p);
            if (e != 0) {
                out->present = true;
                out->host = h;
                out->device = d;
                out->plugin = p;
                out->opcode = last_op;
                read_sense(s, n, skip_blanks(s, n, e), out);
                return true;
            }
        }
    }
    out->opcode = first_op;
    return false;
}
