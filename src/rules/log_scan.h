/* log_scan: one log file's bytes in, rule matches and purple screens out.
 *
 * The engine of `logs`. Bytes arrive in blocks of any size (the caller
 * reads into log_scanner_space); complete lines are searched a block at a
 * time for the prefilter's patterns (log_prefilter.h), and only a line that
 * holds one becomes a record (log_record.h) for the rules that pattern
 * belongs to. A line holding a purple-screen needle goes to the psod
 * decoder; while the decoder is inside a crash every line goes to it (line
 * mode), then block search resumes. Rules that cannot be prefiltered keep
 * the scanner in line mode throughout.
 *
 * Memory: two blocks (LOG_BLOCK) per thread, at most LOG_MAX_SLOTS, plus
 * a record per thread and one crash, whatever the file size. A line longer than a block is read in block-sized pieces (a
 * note says so). Pure: no I/O; the caller owns the bytes' source. */
#ifndef VT_LOG_SCAN_H
#define VT_LOG_SCAN_H

#include "util/diag.h"
#include "rules/log_prefilter.h"
#include "parse/log/log_record.h"
#include "parse/psod/psod.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_BLOCK (1u << 20)
#define LOG_MAX_WORKERS 15
#define LOG_MAX_SLOTS 24 /* blocks in memory at most, whatever the threads */

/* A rule (index into pf->rules) matched a record. The record is valid only
 * during the call. */
typedef void log_match_fn(void *ctx, size_t rule, const struct log_record *rec);

struct log_scan_stats {
    uint64_t bytes, lines;
    uint64_t candidates;      /* lines read as records */
    enum log_format format;   /* the most common format of the first lines (LF_UNKNOWN: none) */
    bool binary;              /* a NUL byte in the first 4 KiB: not a text log; nothing scanned */
    bool has_first, has_last; /* first and last wall-clock time of the lines read */
    int64_t first_ms, last_ms;
};

/* Lets worker threads fold whole blocks' matches themselves (see
 * log_scanner_set_sink). `fork` and `join` run on the caller's thread (join
 * in block order, and it takes the fork); `match` runs on a worker with a
 * fork as its ctx; `drop` discards a fork that is not joined. */
struct log_sink {
    void *(*fork)(void *ctx);
    log_match_fn *match;
    void (*join)(void *ctx, void *fork);
    void (*drop)(void *fork);
};

struct log_scanner;

/* `source` names the file (borrowed, outlives the scanner). `vm`: set
 * when the caller knows the file is a VM's vmware.log, else NULL (a file
 * whose lines are vmware.log lines is then given its folder as the VM). */
struct log_scanner *log_scanner_new(const struct log_prefilter *pf, const char *source,
                                    log_match_fn *fn, void *ctx);
/* When the log was last written (UTC ms; 0, the default, when unknown): the
 * year of syslog times that carry none (ESX 3.x/4.x). Call before feeding. */
void log_scanner_set_written(struct log_scanner *s, int64_t ms);
/* Starts n threads (at most LOG_MAX_WORKERS) that search blocks ahead of
 * the caller (call it before log_scanner_space); without it (or when every line is
 * read anyway) the caller's thread does all the work. Matches, lines and
 * crashes are the same either way; callbacks stay on the caller's thread.
 * A thread that cannot be started leaves its work to the caller. */
void log_scanner_set_workers(struct log_scanner *s, unsigned n);
/* With workers, they also read their blocks' matching lines as records,
 * run the rules and fold the matches into a fork of the caller's ctx
 * (`sink`, borrowed), which the caller joins in block order; lines a
 * purple-screen needle marks, and what follows them in a block, stay on
 * the caller's thread. The result is the same as matching every record on
 * the caller's thread with `fn`. Call it before log_scanner_space. */
void log_scanner_set_sink(struct log_scanner *s, const struct log_sink *sink);
/* Room for the next bytes: never less than 4 KiB. */
char *log_scanner_space(struct log_scanner *s, size_t *room);
/* The caller wrote n bytes at the space; complete lines are scanned now. */
void log_scanner_commit(struct log_scanner *s, size_t n);
/* Copies len bytes held in memory into the scanner (space + commit in
 * block-sized steps): samples, tests and fuzzing. */
void log_scanner_feed(struct log_scanner *s, const char *data, size_t len);
/* True once the scanner has decided the input is binary (stop feeding). */
bool log_scanner_binary(const struct log_scanner *s);
/* Scans what is left, moves the decoded crashes into *crashes (owned by the
 * caller: psod_result_release), fills *st, adds notes to `d`, and frees the
 * scanner. */
void log_scanner_finish(struct log_scanner *s, struct psod_result *crashes,
                        struct log_scan_stats *st, struct diags *d);

/* The VM folder of a vmware.log path ("/vmfs/volumes/ds/web01/vmware.log"
 * -> "/vmfs/volumes/ds/web01"), owned. */
char *log_dirname(const char *path);

#endif
