/* log_literals: the log prefilter's patterns searched as plain strings,
 * without hyperscan, for inputs of one block or less (a pasted purple
 * screen, one vmkernel.log).
 *
 * Hyperscan needs its database deserialized first (a copy and a checksum of
 * about 100 KB today, growing with the log rules: a third of a one-screen
 * `psod`). The built-in patterns are all literals, so tools/gen_prefilter.c
 * also writes them as a table hashed on their first 4 bytes (a fixed 4,096
 * buckets: what one call touches does not grow with the rules), and a small
 * input is searched with it: at each position, the patterns of the
 * position's bucket are compared. The matches are the same as hyperscan's
 * (every occurrence, ASCII case ignored for caseless patterns) and are
 * reported the same way: in order of their end (equal ends by pattern id). */
#ifndef VT_LOG_LITERALS_H
#define VT_LOG_LITERALS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LOG_LITERALS_BUCKETS 4096u
/* A pattern of fewer bytes is in no bucket: tried at every position. */
#define LOG_LITERALS_KEY 4u

struct log_literal {
    const char *bytes;
    unsigned len;
    bool caseless;
};

struct log_literals {
    const struct log_literal *v; /* per pattern id */
    size_t n;
    /* pattern ids of bucket b: ids[at[b] .. at[b+1]); then the short ones */
    const uint32_t *at; /* LOG_LITERALS_BUCKETS + 1 entries */
    const uint16_t *ids;
    const uint16_t *short_ids;
    size_t nshort;
    const bool *first; /* 256 entries: whether some pattern starts with this byte */
    /* 65,536 bits: whether some pattern starts with these two bytes (or is
     * one byte long and starts with the first) */
    const uint8_t *first2;
};

/* The bucket of the 4 bytes at p (lower-cased first for a caseless key). */
unsigned log_literals_bucket(const char *p, bool lower);

/* Calls cb(id, end + 1, ctx) for every match in data[0, len), in order of
 * `end` (the offset of its last byte), until cb returns non-zero. Returns
 * whether it was stopped. Thread-safe (the table is read-only). */
bool log_literals_scan(const struct log_literals *t, const char *data, size_t len,
                       int (*cb)(unsigned id, unsigned long long to, void *ctx), void *ctx);

#endif
