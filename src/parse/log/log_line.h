/* log_line: the prefix of one ESX/ESXi log line, every format of shared
 * kb/esxi-crash-and-logs.md §2, read without regexes (the `logs` hot path
 * parses only lines that a rule may match, but a whole file in line mode).
 *
 * Formats (kb §2.1-2.4):
 *   LF_VMKERNEL    5.x-7.x `2012-11-01T04:12:00.960Z cpu17:4113)body`,
 *                  7.0 `... cpu2:2100850 opID=59976c6a)body`
 *   LF_SYSLOG8     8.0 `2023-08-08T15:08:36.834Z Wa(180) vmkwarning: cpu0:263421
 *                  opID=a03fc439)body`, `... In(182) vmkernel: VMB: 65: ...`,
 *                  `In(166) Hostd[1001392061]: info -[1001392061] [Originator@6876
 *                  sub=Default] body`, `In(14) vobd[2097521]:  [UserLevelCorrelator]
 *                  1012726884193us: [vob.user...] body`, `In(14)[+] prog: body` /
 *                  `In(14)+ ...` continuation markers; also without the timestamp
 *                  (`In(182) vmkernel: cpu85:...)`, KB excerpts: `(N)` and the tag then
 *                  required), after a syslog `Mar 9 23:53:24` or a bare date (lnav `notime`)
 *   LF_ESX_CLASSIC 3.x/4.x syslog `Mar 9 23:53:24 esx405 vmkernel: 2:14:39:54.069
 *                  cpu3:4300)body` (no year: has_time is false, the uptime is kept); any
 *                  tag of /var/log/messages (`host hostd[123]: ...`, `host last message
 *                  repeated 2 times`; ESXi 3.5/4.x without the host: `Jul 15 11:44:21
 *                  vmkernel: 1:02:41:46.232 cpu9:4264)`, `... Hostd: [2011-02-16 ...] `)
 *   LF_UPTIME      `42:14:02:29.347 cpu0:1024)body`, `19:26:42.068 cpu0:4103)body`
 *                  (uptime, no date)
 *   LF_TSC         boot marker `TSC: 0 cpu0:0)Boot: 167: ...`
 *   LF_HOSTD_4     `[2008-05-07 09:50:04.857 'SOAP' 2260 trivia] body`,
 *                  `[2011-04-01 15:14:34.203 F5A5AB90 info 'vm:/vmfs/...vmx'
 *                  opID=F6FC49D5-000007E6-d] body` (vpxd too; no zone: read as UTC)
 *   LF_HOSTD_5     `2013-08-12T13:48:25.650Z [6FE81B90 info 'ha-eventmgr' opID=...] body`
 *                  (also cut to `[6EEC2B90 error 'Cimsvc'] body` in KB excerpts)
 *   LF_HOSTD_6     `2019-01-13T08:58:25.889Z info hostd[2099863] [Originator@6876
 *                  sub=Vmsvc.vm:/vmfs/... opID=... user=...] body` (thread id may be hex:
 *                  `hostd[29740B70]`; also vpxa, vpxd after `[#1] `, fdm)
 *   LF_VOBD_7      `2025-01-02T03:04:05.483Z: [UserLevelCorrelator] 1019369886505us:
 *                  [vob.user.ssh.session.opened] body` (any `ISO: ` line, `...Z: No
 *                  correlator for vob...` too); vobd bodies (8.0 too) start at `[vob...]`
 *   LF_VMX         vmware.log `2014-07-14T14:52:13.883Z| vmx| I120: body`, `| vcpu-0| W115: `,
 *                  `I125+ ` continuation, offsets `2020-04-05T09:55:50.160+03:00| vmui| I125:`,
 *                  5.0 `...Z| vmx| body` (no level), 4.x `Nov 08 12:21:16.296: vmx| body`,
 *                  8.0 `2023-03-01T10:00:00.000Z In(05) vmx - body`
 *   LF_ISO         any other line that starts with an ISO timestamp (`2013-08-12T13:55:30Z
 *                  shell[3389987]: [root]: ...`, `2017-01-22T16:44:58.386Z Section for
 *                  VMware ESX, pid=..., build=...`)
 *   LF_CONTINUATION hostd `-->` lines: part of the record above (body: after `-->` and
 *                  blanks)
 *   LF_UNKNOWN     none of these (prose, a pasted backtrace): the whole line is the body
 *
 * Leading blanks (blog and KB copies indent logs) are skipped; `start` says
 * how many. Masked KB timestamps (`YYYY-MM-DDTHH:MM:SS.114Z`,
 * `2025-MM-DDThh:mm:ss.483Z`) are read as their format with has_time false.
 *
 * Pure: no allocation, no I/O, never reads past s[n-1]; spans are offsets
 * into the line given. */
#ifndef VT_LOG_LINE_H
#define VT_LOG_LINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum log_format {
    LF_UNKNOWN,
    LF_VMKERNEL,
    LF_SYSLOG8,
    LF_ESX_CLASSIC,
    LF_UPTIME,
    LF_TSC,
    LF_HOSTD_4,
    LF_HOSTD_5,
    LF_HOSTD_6,
    LF_VOBD_7,
    LF_VMX,
    LF_ISO,
    LF_CONTINUATION,
    LF__COUNT
};

/* Severity, lowest first. LL_NONE: the line says none. */
enum log_level {
    LL_NONE,
    LL_TRIVIA,
    LL_VERBOSE,
    LL_DEBUG,
    LL_INFO,
    LL_NOTICE,
    LL_WARNING,
    LL_ERROR,
    LL_CRITICAL,
    LL_ALERT,
    LL_EMERGENCY,
    LL__COUNT
};

struct log_span {
    uint32_t off, len; /* len 0: absent */
};

struct log_prefix {
    enum log_format format;
    /* a wall-clock time with a date (and a zone, Z when none is written) */
    bool has_time;
    /* UTC milliseconds since 1970-01-01 (0 without has_time) */
    int64_t time_ms;
    /* the timestamp as written (also masked or yearless ones) */
    struct log_span time_text;
    /* `2:14:39:54.069`, `19:26:42.068` (LF_UPTIME, LF_ESX_CLASSIC), vobd `1019369886505us` */
    struct log_span uptime;
    /* `-->`, `[+]` / `+` after the severity, `I125+` */
    bool continuation;
    /* the most severe of: `Wa(180)`, `info`, `I125`/`W115`/`E105`, a leading `WARNING: ` /
     * `ALERT: ` of a vmkernel body, its printk `<3>` (0 emergency .. 7 debug) */
    enum log_level level;
    /* `cpuN:` or -1 */
    int cpu;
    /* the world id after `cpuN:` or -1 */
    long long world;
    /* the syslog tag as written: "vmkernel", "vmkwarning", "Hostd", "hostd", "vobd", "shell";
     * empty where the text names none (bare `cpuN:W)` lines, vmware.log) */
    struct log_span program;
    /* vmkernel subsystem before `: ` or `:<line>` ("ScsiDeviceIO", "NMP", "NVMEPSA"; none for
     * printk `<3>e1000e ...`), hostd `sub=` or 'comp', the vmx thread ("vmx", "vcpu-0"), the
     * vobd correlator */
    struct log_span component;
    struct log_span opid;
    /* LF_ESX_CLASSIC host name */
    struct log_span host;
    /* offset where the message starts, after the prefix (a `WARNING: ` / `ALERT: ` marker
     * stays in the body) */
    uint32_t body;
    /* leading blanks skipped */
    uint32_t start;
};

/* Reads the prefix of one line (no line end). Always fills *out; returns
 * false (format LF_UNKNOWN, body = start) when no known prefix is there. */
bool log_parse_prefix(const char *s, size_t n, struct log_prefix *out);

/* Where a second record starts inside one physical line (KB and blog copies
 * run records together: "...naa.xxx:1 2012-11-12T13:23:50.765Z cpu2:5000)..."
 * or "...0x0.Mar 9 23:53:24 esx405 vmkernel: 2:14:..."). Looks at offsets
 * `from` and later (pass the previous record's start + 1); a start must
 * follow a blank or punctuation and be a whole LF_VMKERNEL / LF_SYSLOG8 (with
 * its time and tag) / LF_ESX_CLASSIC (with its tag) / LF_VMX (with its thread)
 * / LF_HOSTD_5 / LF_HOSTD_6 / LF_VOBD_7 (with its correlator) prefix, and is
 * never the line's own first record (after leading blanks and `[#1] `).
 * Returns its offset, or n when there is none. */
size_t log_next_record(const char *s, size_t n, size_t from);

/* "vmkernel", "syslog8", "esx-classic", "uptime", "tsc", "hostd-4", "hostd-5",
 * "hostd-6", "vobd-7", "vmx", "iso", "continuation", "unknown". */
const char *log_format_name(enum log_format f);
/* "trivia", "verbose", "debug", "info", "notice", "warning", "error",
 * "critical", "alert", "emergency"; NULL for LL_NONE. */
const char *log_level_name(enum log_level l);

/* Parses an ISO-8601 time "YYYY-MM-DD[THH:MM[:SS[.fff]]][Z|+hh:mm|-hh:mm]"
 * (a space may stand for T; no zone = UTC) of exactly `n` bytes into UTC
 * milliseconds. For --since/--until and the formats above. */
bool log_parse_iso(const char *s, size_t n, int64_t *ms);
/* A prefix whose time is a syslog `Mar  9 23:53:24` with no year (ESX
 * 3.x/4.x, `esx-classic`) gets one: the year of `written_ms` (when the log
 * was last written), or the year before when that would put the line more
 * than a day after it (a December line in a log written in January). Sets
 * has_time and time_ms (UTC, as the host wrote local time) and returns true;
 * false changes nothing (a time with a year, no time, written_ms 0). */
bool log_prefix_year(struct log_prefix *p, const char *s, size_t n, int64_t written_ms);
/* Writes "YYYY-MM-DDTHH:MM:SS.mmmZ" (24 bytes + NUL) into out[25]. */
void log_format_iso(int64_t ms, char out[25]);

#endif
