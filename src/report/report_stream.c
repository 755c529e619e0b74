/* report_stream: scan's report written as the VMs are audited (report_stream.h).
 *
 * Memory held: the counts, per (level, rule) pair the number of findings and
 * the one finding its text section shows, and one run of the text table's
 * rows (spool.c); none of it grows with the number of VMs except the spool's
 * list of runs (16 bytes per 4,096 rows). */
#include "report/report_stream.h"
#include "report/report_text.h"
#include "util/spool.h"
#include "util/util_mem.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* JSON findings held in memory before they go to a temporary file. */
#define PENDING_MAX (1u << 20)

/* The findings of one rule at one level: a text section's worth. */
struct group {
    const struct rule *rule;
    enum level level;
    size_t n;
    struct finding first; /* owned: the one with the least subject (the table's first) */
};

struct report_stream {
    FILE *fp; /* borrowed */
    enum report_format format;
    int min_level, max_level;
    int tmp_err; /* errno of the first temporary file failure, or 0 */
    size_t nfindings, counts[5];
    struct buf scratch;
    /* JSON: the emitter after "vms": [, and the findings serialised, comma separated */
    struct buf out;
    struct json j;
    struct buf pending;  /* the findings while they are few: no file at all */
    FILE *findings_file; /* spool_tmpfile, once `pending` passes PENDING_MAX */
    /* text */
    const char *subject_head;
    struct text_table table;
    struct spool *rows; /* one record per finding: see add_row */
    struct group *groups;
    size_t ngroups, groups_cap;
};

bool
report_stream_can(enum report_format format)
{
    return format == FMT_JSON || format == FMT_TEXT || format == FMT_CSV;
}

/* The table's order (report_sorted_findings): level worst first, then rule, then subject. */
static int
cmp_row(const char *a, size_t alen, const char *b, size_t blen)
{
    (void)alen;
    (void)blen;
    if (a[0] != b[0])
        return (unsigned char)b[0] - (unsigned char)a[0];
    int c = strcmp(a + 1, b + 1);
    if (c)
        return c;
    return strcmp(a + 2 + strlen(a + 1), b + 2 + strlen(b + 1));
}

static void
flush_out(struct report_stream *s)
{
    if (s->out.len)
        fwrite(s->out.p, 1, s->out.len, s->fp);
    buf_reset(&s->out);
}

struct report_stream *
report_stream_open(FILE *fp, enum report_format format, int min_level, const struct report *r)
{
    if (!report_stream_can(format))
        VT_BUG("no streamed report in format %d", (int)format);
    struct report_stream *s = xcalloc(1, sizeof(*s));
    s->fp = fp;
    s->format = format;
    s->min_level = min_level;
    s->max_level = -1;
    if (format == FMT_JSON) {
        json_init(&s->j, &s->out);
        report_json_head(&s->j, r);
        json_key(&s->j, "vms");
        json_arr(&s->j);
        flush_out(s);
    } else if (format == FMT_CSV) {
        report_csv_head(fp);
    } else {
        s->subject_head = text_subject_head(r);
        text_table_init(&s->table, s->subject_head);
        s->rows = spool_new(cmp_row);
    }
    return s;
}

FILE *
report_stream_file(const struct report_stream *s)
{
    return s->fp;
}

int
report_stream_max_level(const struct report_stream *s)
{
    return s->max_level;
}

void
report_stream_vm(struct report_stream *s, const char *vm_json)
{
    if (s->format != FMT_JSON)
        return;
    json_raw(&s->j, vm_json);
    flush_out(s);
}

static void
tmp_failed(struct report_stream *s, int e)
{
    if (s->tmp_err == 0)
        s->tmp_err = e ? e : EIO;
}

static void
add_json(struct report_stream *s, const struct finding *f)
{
    if (s->tmp_err)
        return;
    struct json j;
    if (s->nfindings > 1)
        buf_addc(&s->pending, ',');
    json_init(&j, &s->pending);
    finding_to_json(&j, f);
    if (s->pending.len < PENDING_MAX)
        return;
    if (s->findings_file == NULL && (s->findings_file = spool_tmpfile()) == NULL) {
        tmp_failed(s, errno);
        return;
    }
    if (fwrite(s->pending.p, 1, s->pending.len, s->findings_file) != s->pending.len)
        tmp_failed(s, errno);
    buf_reset(&s->pending);
}

/* The group of f's rule and level; the last one found is tried first (a
 * VM's findings come in rule order, VMs look alike). */
static struct group *
group_of(struct report_stream *s, const struct finding *f)
{
    for (size_t i = s->ngroups; i-- > 0;)
        if (s->groups[i].rule == f->rule && s->groups[i].level == f->level)
            return &s->groups[i];
    XGROW(s->groups, s->groups_cap, s->ngroups + 1);
    struct group *g = &s->groups[s->ngroups++];
    memset(g, 0, sizeof(*g));
    g->rule = f->rule;
    g->level = f->level;
    return g;
}

/* A row of the text table as a spool record: the level byte, then the rule
 * id, the subject, a byte saying whether a name follows, the name and the
 * detail, each NUL-terminated. Returns whether `f` was moved into its group. */
static bool
add_row(struct report_stream *s, struct finding *f)
{
    text_table_measure(&s->table, f, &s->scratch);
    char *d = text_detail(f);
    struct buf *b = &s->scratch;
    buf_reset(b);
    buf_addc(b, (char)f->level);
    buf_add(b, f->rule->id, strlen(f->rule->id) + 1);
    buf_add(b, f->subject, strlen(f->subject) + 1);
    buf_addc(b, f->name != NULL);
    buf_add(b, f->name ? f->name : "", strlen(f->name ? f->name : "") + 1);
    buf_add(b, d, strlen(d) + 1);
    free(d);
    if (spool_add(s->rows, b->p, b->len) != 0)
        tmp_failed(s, errno);
    struct group *g = group_of(s, f);
    if (g->n++ > 0 && strcmp(f->subject, g->first.subject) >= 0)
        return false;
    if (g->n > 1)
        finding_release(&g->first);
    g->first = *f;
    return true;
}

void
report_stream_findings(struct report_stream *s, struct findings *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        struct finding *f = &fs->v[i];
        bool moved = false;
        if ((int)f->level >= s->min_level) {
            s->nfindings++;
            s->counts[f->level]++;
            s->max_level = (int)f->level > s->max_level ? (int)f->level : s->max_level;
            if (s->format == FMT_JSON)
                add_json(s, f);
            else if (s->format == FMT_CSV)
                report_csv_finding(s->fp, f, &s->scratch);
            else
                moved = add_row(s, f);
        }
        if (!moved)
            finding_release(f);
    }
    free(fs->v);
    *fs = (struct findings)FINDINGS_INIT;
}

/* Copies the serialised findings to the report: the file's, then those pending. */
static int
copy_findings(struct report_stream *s)
{
    FILE *t = s->findings_file;
    if (t != NULL) {
        if (fflush(t) != 0 || fseek(t, 0, SEEK_SET) != 0)
            return tmp_failed(s, errno), -1;
        char chunk[65536];
        size_t n;
        while ((n = fread(chunk, 1, sizeof(chunk), t)) > 0)
            fwrite(chunk, 1, n, s->fp);
        if (ferror(t))
            return tmp_failed(s, errno), -1;
    }
    if (s->pending.len) /* fwrite(NULL, ...) is undefined even for 0 bytes */
        fwrite(s->pending.p, 1, s->pending.len, s->fp);
    return 0;
}

static int
finish_json(struct report_stream *s, const struct report *r)
{
    json_arr_end(&s->j); /* vms */
    json_key(&s->j, "findings");
    json_arr(&s->j);
    flush_out(s);
    if (copy_findings(s) != 0)
        return -1;
    s->j.first[s->j.depth] = s->nfindings == 0;
    json_arr_end(&s->j);
    json_sink(&s->j, s->fp);
    report_json_tail(&s->j, r, s->nfindings);
    buf_addc(&s->out, '\n');
    flush_out(s);
    return 0;
}

struct row_ctx {
    struct report_stream *s;
    const struct report_opts *o;
    struct buf scratch;
};

static int
print_row(void *arg, const char *rec, size_t len)
{
    (void)len;
    struct row_ctx *c = arg;
    const char *rule = rec + 1;
    const char *subject = rule + strlen(rule) + 1;
    const char *flag = subject + strlen(subject) + 1;
    const char *name = flag + 1;
    const char *detail = name + strlen(name) + 1;
    text_table_row(c->s->fp, &c->s->table, (enum level)rec[0], rule, subject,
                   *flag ? name : NULL, detail, &c->scratch, c->o);
    return 0;
}

static int
cmp_group(const void *a, const void *b)
{
    const struct group *x = a, *y = b;
    if (x->level != y->level)
        return (int)y->level - (int)x->level;
    return strcmp(x->rule->id, y->rule->id);
}

static int
finish_text(struct report_stream *s, const struct report *r, const struct report_opts *o)
{
    if (text_summary(s->fp, r, s->nfindings, s->counts, o) != 0)
        return -1;
    text_sections(s->fp, r, o);
    if (s->nfindings == 0)
        return 0;
    text_table_head(s->fp, &s->table, s->subject_head, o);
    struct row_ctx c = {s, o, BUF_INIT};
    int rc = spool_each(s->rows, print_row, &c);
    buf_release(&c.scratch);
    if (rc != 0)
        return tmp_failed(s, errno), -1;
    /* Per rule: why, sources, and the fix shown for its first VM; a rule's
     * groups at two levels next to each other make one section, as in
     * report_text. Scan's findings have no example lines (count 0). */
    qsort(s->groups, s->ngroups, sizeof(*s->groups), cmp_group);
    for (size_t i = 0; i < s->ngroups; i++) {
        if (i > 0 && s->groups[i - 1].rule == s->groups[i].rule)
            continue;
        size_t affected = 0;
        for (size_t k = i; k < s->ngroups && s->groups[k].rule == s->groups[i].rule; k++)
            affected += s->groups[k].n;
        const struct finding *first = &s->groups[i].first;
        text_rule_section(s->fp, r, &first, 1, affected, o);
    }
    return 0;
}

int
report_stream_finish(struct report_stream *s, const struct report *r, const struct report_opts *o)
{
    int rc = 0;
    if (s->tmp_err == 0) {
        if (s->format == FMT_JSON)
            rc = finish_json(s, r);
        else if (s->format == FMT_TEXT)
            rc = finish_text(s, r, o);
    }
    if (s->tmp_err) {
        errno = s->tmp_err;
        return -2;
    }
    if (rc != 0)
        return -1;
    return ferror(s->fp) ? -1 : 0;
}

void
report_stream_free(struct report_stream *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->ngroups; i++)
        finding_release(&s->groups[i].first);
    free(s->groups);
    spool_free(s->rows);
    if (s->findings_file)
        fclose(s->findings_file);
    buf_release(&s->scratch);
    buf_release(&s->pending);
    buf_release(&s->out);
    free(s);
}
