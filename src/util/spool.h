/* spool: records kept on a temporary file and read back sorted.
 *
 * A report that lists rows in an order other than the one they are made in
 * (scan's text table: worst level first, then rule, then VM, across the whole
 * walk) would otherwise hold every row until the end. A spool holds at most
 * one run of records in memory: full runs are sorted and written to an
 * unnamed temporary file (spool_tmpfile), and read back by merging the runs
 * (an external merge sort). */
#ifndef VT_SPOOL_H
#define VT_SPOOL_H

#include <stddef.h>
#include <stdio.h>

struct spool;

/* A new temporary file in $TMPDIR, else /tmp, opened "w+" and already
 * unlinked (nothing is left behind, also after a crash; ESXi's /tmp is a
 * small ramdisk, so an admin can point TMPDIR at a datastore). NULL with
 * errno when it cannot be made. */
FILE *spool_tmpfile(void);
/* The folder spool_tmpfile uses (borrowed). */
const char *spool_tmpdir(void);

/* Orders two records: <0, 0, >0 as strcmp. Records that compare equal come
 * back in the order they were added. */
typedef int spool_cmp_fn(const char *a, size_t alen, const char *b, size_t blen);
/* Receives one record (borrowed until it returns); nonzero stops the walk. */
typedef int spool_each_fn(void *arg, const char *rec, size_t len);

/* A new, empty spool (owned: spool_free). Creates no file until a run is full. */
struct spool *spool_new(spool_cmp_fn *cmp);
/* Copies one record in. Returns 0, or -1 with errno when the temporary file
 * cannot be made or written; the spool is then broken and every later call
 * fails the same way (nothing is dropped silently). */
int spool_add(struct spool *s, const void *rec, size_t len);
/* Calls fn for every record in order. Call it once, after the last
 * spool_add. Returns 0, fn's nonzero return, or -1 with errno on a file error. */
int spool_each(struct spool *s, spool_each_fn *fn, void *arg);
/* Records added so far. */
size_t spool_count(const struct spool *s);
void spool_free(struct spool *s);

#endif
