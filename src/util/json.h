/* json: a small streaming JSON emitter into a struct buf.
 *
 * Commas and nesting are tracked for the caller; strings are escaped per
 * RFC 8259 and any byte sequence that is not valid UTF-8 becomes U+FFFD, so
 * the output always parses whatever bytes a .vmx held. */
#ifndef VT_JSON_H
#define VT_JSON_H

#include "util/util_buf.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdint.h>

#define JSON_MAX_DEPTH 32

struct json {
    struct buf *out; /* borrowed */
    /* When set (json_sink), a closed value at depth 2 or less (an element of
     * a report's top-level array) moves what `out` holds to the file once it
     * passes 64 KiB: a long report is written as it is made, not held whole. */
    FILE *sink;
    int depth;
    bool first[JSON_MAX_DEPTH];
    bool after_key;
};

void json_init(struct json *j, struct buf *out);
/* Streams to `fp` as described at struct json.sink. */
void json_sink(struct json *j, FILE *fp);
void json_obj(struct json *j);
void json_obj_end(struct json *j);
void json_arr(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s); /* NULL writes null */
void json_int(struct json *j, long long v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Tri-state: 1 true, 0 false, anything else null. */
void json_tri(struct json *j, int v);
/* key + value in one call; json_kv_int_opt writes null when `present` is false. */
void json_kv_str(struct json *j, const char *key, const char *s);
/* "key": an array of the n strings of v (NULL ones as null). */
void json_kv_strs(struct json *j, const char *key, char *const *v, size_t n);
void json_kv_int(struct json *j, const char *key, long long v);
void json_kv_int_opt(struct json *j, const char *key, bool present, long long v);
void json_kv_bool(struct json *j, const char *key, bool v);
void json_kv_tri(struct json *j, const char *key, int v);
/* "0x<lower-case hex>" (64-bit values exceed JSON's exact integers), or null when !has. */
void json_kv_hex(struct json *j, const char *key, bool has, uint64_t v);
/* Inserts already-serialised JSON (one value) as the next value. */
void json_raw(struct json *j, const char *text);
/* Appends `s` escaped (without quotes) to `b`. */
void json_escape(struct buf *b, const char *s);

#endif
