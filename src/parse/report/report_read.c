/* report_read: vmtriage's JSON reports read as a stream of yajl events (see
 * report_read.h). A stack of frames says where each event is; only the
 * scalars of the objects the fleet summary wants are copied, each object's
 * copies are freed as soon as its callback has run. */
#include "parse/report/report_read.h"
#include "util/util_mem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

enum ctx {
    C_TOP,     /* the report object */
    C_LIST,    /* hosts[], vms[], crashes[], findings[], errors[] */
    C_ITEM,    /* one element of a list */
    C_FIX,     /* a finding's "fix" object */
    C_REFS,    /* a finding's "references" array */
    C_RELATED, /* a finding's "related" array */
    C_SKIP,    /* anything else: read and dropped */
};

enum list { L_NONE = -1, L_HOSTS, L_VMS, L_CRASHES, L_FINDINGS, L_ERRORS, L_COUNT };

static const char *const list_names[L_COUNT] = {"hosts", "vms", "crashes", "findings", "errors"};
static const char *const item_names[L_COUNT] = {"host", "VM", "crash", "finding", "error"};

/* The string fields kept per list, by key; index = slot in struct item.f. */
#define NF 6
static const char *const fields[L_COUNT][NF] = {
    [L_HOSTS] = {"name", "build", "version", "product", "bundle"},
    [L_VMS] = {"path", "name", "host"},
    [L_CRASHES] = {"source", "product", "build"},
    [L_FINDINGS] = {"rule", "level", "subject", "name", "title"},
    [L_ERRORS] = {"path", "severity", "message"},
};

struct frame {
    enum ctx c;
    bool map;
    char key[40]; /* the current key of a map (cut: only known keys matter) */
};

struct item {
    char *f[NF];
    long long num; /* hosts' "crashes" */
    char *kb, *fix_status;
    bool is_crash;
    size_t related;
};

struct report_reader {
    struct rr_callbacks cb;
    yajl_handle h;
    struct frame st[RR_MAX_DEPTH];
    int depth; /* frames in st */
    bool started, header_sent, ended, seen_findings, failed;
    long long schema;
    char *command, *version;
    enum list list; /* the list being read */
    struct item it;
    unsigned long long base; /* bytes handed to yajl before the current feed */
    /* The tail of the input after its last safe point (see safe_end), held
     * back so that no token is split between two yajl feeds: yajl's error
     * offsets then do not depend on how the caller chunked the input. */
    unsigned char *carry;
    size_t ncarry, carry_cap;
    bool in_str, esc; /* the scanner's state at the end of what it saw */
    char err[320];
    unsigned long long err_at;
    bool err_set; /* our own error (or a callback's), not yajl's */
};

static char *
copy(const unsigned char *s, size_t n)
{
    return xstrndup((const char *)s, n > RR_MAX_STR ? RR_MAX_STR : n);
}

static int fail(struct report_reader *r, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int
fail(struct report_reader *r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->err, sizeof(r->err), fmt, ap);
    va_end(ap);
    r->err_set = true;
    return 0; /* cancels yajl */
}

static void
item_clear(struct item *it)
{
    for (size_t i = 0; i < NF; i++)
        free(it->f[i]);
    free(it->kb);
    free(it->fix_status);
    *it = (struct item){.num = -1};
}

/* The header, once: when the first key past it arrives, or at the end. */
static int
send_header(struct report_reader *r)
{
    if (r->header_sent)
        return 1;
    r->header_sent = true;
    if (r->cb.header == NULL)
        return 1;
    struct rr_header h = {.schema = r->schema, .command = r->command, .version = r->version};
    const char *e = r->cb.header(r->cb.ctx, &h);
    return e ? fail(r, "%s", e) : 1;
}

static struct frame *
top(struct report_reader *r)
{
    return r->depth ? &r->st[r->depth - 1] : NULL;
}

/* Where a value that starts now belongs: the parent frame and its key. */
static int
push(struct report_reader *r, bool map)
{
    if (r->depth == RR_MAX_DEPTH)
        return fail(r, "nested deeper than %d levels", RR_MAX_DEPTH);
    struct frame *p = top(r);
    enum ctx c = C_SKIP;
    if (p == NULL) {
        if (!map)
            return fail(r, "not a vmtriage report: the JSON is not an object");
        r->started = true;
        c = C_TOP;
    } else if (p->c == C_TOP) {
        r->list = L_NONE;
        for (int i = 0; i < L_COUNT; i++)
            if (strcmp(p->key, list_names[i]) == 0)
                r->list = (enum list)i;
        if (r->list != L_NONE) {
            if (map)
                return fail(r, "'%s' is not an array", list_names[r->list]);
            c = C_LIST;
            if (r->list == L_FINDINGS)
                r->seen_findings = true;
        }
    } else if (p->c == C_LIST) {
        if (!map)
            return fail(r, "an element of '%s' is not an object", list_names[r->list]);
        item_clear(&r->it);
        c = C_ITEM;
    } else if (p->c == C_ITEM && r->list == L_FINDINGS) {
        if (map && strcmp(p->key, "fix") == 0) {
            c = C_FIX;
            r->it.is_crash = true;
        } else if (!map && strcmp(p->key, "references") == 0) {
            c = C_REFS;
        } else if (!map && strcmp(p->key, "related") == 0) {
            c = C_RELATED;
        }
    } else if (p->c == C_RELATED) {
        r->it.related++;
    }
    r->st[r->depth++] = (struct frame){.c = c, .map = map};
    return 1;
}

static const char *
need(const char *s)
{
    return s ? s : "";
}

/* An element of a list ended: hand it out. */
static int
item_end(struct report_reader *r)
{
    struct item *it = &r->it;
    const char *e = NULL;
    switch (r->list) {
    case L_HOSTS:
        if (r->cb.host) {
            struct rr_host h = {it->f[0], it->f[1], it->f[2], it->f[3], it->f[4], it->num};
            e = r->cb.host(r->cb.ctx, &h);
        }
        break;
    case L_VMS:
        if (r->cb.vm) {
            struct rr_vm v = {it->f[0], it->f[1], it->f[2]};
            e = r->cb.vm(r->cb.ctx, &v);
        }
        break;
    case L_CRASHES:
        if (r->cb.crash) {
            struct rr_crash c = {it->f[0], it->f[1], it->f[2]};
            e = r->cb.crash(r->cb.ctx, &c);
        }
        break;
    case L_FINDINGS:
        for (int i = 0; i < 3; i++)
            if (it->f[i] == NULL)
                return fail(r, "a finding without '%s'", fields[L_FINDINGS][i]);
        if (r->cb.finding) {
            struct rr_finding f = {it->f[0], it->f[1],       it->f[2],     it->f[3],   it->f[4],
                                   it->kb,   it->fix_status, it->is_crash, it->related};
            e = r->cb.finding(r->cb.ctx, &f);
        }
        break;
    case L_ERRORS:
        if (r->cb.error) {
            struct rr_error x = {need(it->f[0]), it->f[1], need(it->f[2])};
            e = r->cb.error(r->cb.ctx, &x);
        }
        break;
    default:
        break;
    }
    item_clear(it);
    return e ? fail(r, "%s", e) : 1;
}

static int
pop(struct report_reader *r)
{
    struct frame *f = top(r);
    r->depth--;
    if (f->c == C_ITEM)
        return item_end(r);
    if (f->c == C_TOP) {
        r->ended = true;
        return send_header(r);
    }
    return 1;
}

/* "KB 2059053" out of a reference such as "VMware KB 2059053", or NULL. */
static char *
kb_of(const unsigned char *s, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (s[i] == 'K' && s[i + 1] == 'B' && s[i + 2] == ' ' && s[i + 3] >= '0' &&
            s[i + 3] <= '9' && (i == 0 || s[i - 1] == ' ')) {
            size_t k = i + 3;
            while (k < n && k - i < 16 && s[k] >= '0' && s[k] <= '9')
                k++;
            return copy(s + i, k - i);
        }
    return NULL;
}

/* A scalar: s/n is its text for strings and numbers, NULL for null and booleans. */
static int
scalar(struct report_reader *r, bool is_str, bool is_num, const unsigned char *s, size_t n)
{
    struct frame *p = top(r);
    if (p == NULL)
        return fail(r, "not a vmtriage report: the JSON is not an object");
    if (p->c == C_TOP) {
        if (strcmp(p->key, "schema") == 0) {
            r->schema = -1;
            if (is_num && n > 0 && n < 10 && strspn((const char *)s, "0123456789") >= n)
                r->schema = strtoll((const char *)s, NULL, 10);
        } else if (strcmp(p->key, "command") == 0 || strcmp(p->key, "vmtriage") == 0) {
            char **dst = p->key[0] == 'c' ? &r->command : &r->version;
            free(*dst);
            *dst = is_str ? copy(s, n) : NULL;
        } else {
            for (int i = 0; i < L_COUNT; i++)
                if (strcmp(p->key, list_names[i]) == 0)
                    return fail(r, "'%s' is not an array", list_names[i]);
        }
        return 1;
    }
    if (p->c == C_LIST)
        return fail(r, "an element of '%s' is not an object", list_names[r->list]);
    if (p->c == C_REFS) {
        if (is_str && r->it.kb == NULL)
            r->it.kb = kb_of(s, n);
        return 1;
    }
    if (p->c == C_FIX) {
        if (strcmp(p->key, "status") == 0 && is_str) {
            free(r->it.fix_status);
            r->it.fix_status = copy(s, n);
        }
        return 1;
    }
    if (p->c == C_RELATED) {
        r->it.related++;
        return 1;
    }
    if (p->c != C_ITEM)
        return 1;
    if (r->list == L_HOSTS && strcmp(p->key, "crashes") == 0) {
        if (!is_num && s != NULL)
            return fail(r, "'crashes' of a host is not a number");
        r->it.num = is_num ? strtoll((const char *)s, NULL, 10) : -1;
        return 1;
    }
    for (int i = 0; i < NF && fields[r->list][i]; i++)
        if (strcmp(p->key, fields[r->list][i]) == 0) {
            if (!is_str && (is_num || s != NULL || n != 0))
                return fail(r, "'%s' of a %s is not a string", p->key, item_names[r->list]);
            free(r->it.f[i]);
            r->it.f[i] = is_str ? copy(s, n) : NULL;
            return 1;
        }
    return 1;
}

static int
on_null(void *ctx)
{
    return scalar(ctx, false, false, NULL, 0);
}

static int
on_bool(void *ctx, int v)
{
    return scalar(ctx, false, false, NULL, v ? 1 : 2); /* n != 0: a boolean, not null */
}

static int
on_number(void *ctx, const char *s, size_t n)
{
    /* yajl's number text is not terminated: copy it to read it */
    char tmp[32];
    size_t k = n < sizeof(tmp) - 1 ? n : sizeof(tmp) - 1;
    memcpy(tmp, s, k);
    tmp[k] = '\0';
    return scalar(ctx, false, true, (const unsigned char *)tmp, n < sizeof(tmp) ? n : 0);
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
    return scalar(ctx, true, false, s, n);
}

static int
on_start_map(void *ctx)
{
    return push(ctx, true);
}

static int
on_start_array(void *ctx)
{
    return push(ctx, false);
}

static int
on_end(void *ctx)
{
    return pop(ctx);
}

static int
on_key(void *ctx, const unsigned char *k, size_t n)
{
    struct report_reader *r = ctx;
    struct frame *f = top(r);
    size_t m = n < sizeof(f->key) - 1 ? n : sizeof(f->key) - 1;
    memcpy(f->key, k, m);
    f->key[m] = '\0';
    if (m < n || memchr(k, '\0', n) != NULL)
        f->key[0] = '\0'; /* not one of the keys this reader knows */
    if (f->c == C_TOP && strcmp(f->key, "schema") != 0 && strcmp(f->key, "command") != 0 &&
        strcmp(f->key, "vmtriage") != 0)
        return send_header(r);
    return 1;
}

static const yajl_callbacks callbacks = {
    on_null,      on_bool, NULL,   NULL,           on_number, on_string,
    on_start_map, on_key,  on_end, on_start_array, on_end,
};

struct report_reader *
report_reader_new(const struct rr_callbacks *cb)
{
    struct report_reader *r = xcalloc(1, sizeof(*r));
    r->cb = *cb;
    r->schema = -1;
    r->it.num = -1;
    r->list = L_NONE;
    r->h = yajl_alloc(&callbacks, NULL, r);
    if (r->h == NULL)
        abort(); /* yajl only fails when out of memory */
    return r;
}

/* After a yajl status other than ok: our message, or yajl's. */
static void
set_error(struct report_reader *r, const unsigned char *p, size_t n)
{
    r->failed = true;
    r->err_at = r->base + yajl_get_bytes_consumed(r->h);
    if (r->err_set)
        return;
    unsigned char *m = yajl_get_error(r->h, 0, p, n);
    char msg[200];
    snprintf(msg, sizeof(msg), "%s", m ? (const char *)m : "parse error");
    if (m)
        yajl_free_error(r->h, m);
    size_t l = strlen(msg); /* yajl's messages end with ".\n": one line, no final period */
    while (l > 0 && strchr(" .\n\r\t", msg[l - 1]))
        msg[--l] = '\0';
    for (size_t i = 0; i < l; i++)
        if (msg[i] == '\n' || msg[i] == '\r' || msg[i] == '\t')
            msg[i] = ' ';
    snprintf(r->err, sizeof(r->err), "not valid JSON (%s)", msg);
}

/* Hands p[0..n) to yajl; false after an error. */
static bool
yajl_feed(struct report_reader *r, const unsigned char *p, size_t n)
{
    if (n == 0)
        return true;
    if (yajl_parse(r->h, p, n) != yajl_status_ok) {
        set_error(r, p, n);
        return false;
    }
    r->base += n;
    return true;
}

/* Scans p[0..n) from the scanner's state; returns the offset just past the
 * first (first != 0) or last safe point, or (size_t)-1 when there is none.
 * A safe point is a structural character or white space outside strings:
 * no token spans it. */
static size_t
safe_scan(struct report_reader *r, const unsigned char *p, size_t n, bool first)
{
    size_t at = (size_t)-1;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = p[i];
        if (r->in_str) {
            if (r->esc)
                r->esc = false;
            else if (c == '\\')
                r->esc = true;
            else if (c == '"')
                r->in_str = false;
        } else if (c == '"') {
            r->in_str = true;
        } else if (strchr(",:[]{} \t\r\n", c) != NULL && c != '\0') {
            at = i + 1;
            if (first)
                return at;
        }
    }
    return at;
}

bool
report_reader_feed(struct report_reader *r, const unsigned char *p, size_t n)
{
    if (r->failed)
        return false;
    size_t done = 0;
    if (r->ncarry > 0) { /* complete the held-back token with the first safe point */
        bool s0 = r->in_str, e0 = r->esc;
        size_t first = safe_scan(r, p, n, true);
        r->in_str = s0;
        r->esc = e0;
        size_t take = first == (size_t)-1 ? n : first;
        if (r->ncarry + take > RR_MAX_TOKEN) {
            r->failed = true;
            r->err_at = r->base;
            snprintf(r->err, sizeof(r->err), "a value longer than %d MiB", RR_MAX_TOKEN >> 20);
            return false;
        }
        xgrow((void **)&r->carry, &r->carry_cap, r->ncarry + take, 1);
        memcpy(r->carry + r->ncarry, p, take);
        r->ncarry += take;
        safe_scan(r, p, take, false); /* the state past what was taken */
        if (first == (size_t)-1)
            return true;
        size_t k = r->ncarry;
        r->ncarry = 0;
        if (!yajl_feed(r, r->carry, k))
            return false;
        done = take;
    }
    size_t last = safe_scan(r, p + done, n - done, false);
    size_t upto = last == (size_t)-1 ? done : done + last;
    if (!yajl_feed(r, p + done, upto - done))
        return false;
    if (upto < n) {
        if (n - upto > RR_MAX_TOKEN) {
            r->failed = true;
            r->err_at = r->base;
            snprintf(r->err, sizeof(r->err), "a value longer than %d MiB", RR_MAX_TOKEN >> 20);
            return false;
        }
        xgrow((void **)&r->carry, &r->carry_cap, n - upto, 1);
        memcpy(r->carry, p + upto, n - upto);
        r->ncarry = n - upto;
    }
    return true;
}

bool
report_reader_finish(struct report_reader *r)
{
    if (r->failed)
        return false;
    size_t k = r->ncarry;
    r->ncarry = 0;
    if (!yajl_feed(r, r->carry, k))
        return false;
    if (r->base == 0) {
        r->failed = true;
        snprintf(r->err, sizeof(r->err), "empty: not a vmtriage report");
        return false;
    }
    if (yajl_complete_parse(r->h) != yajl_status_ok) {
        set_error(r, NULL, 0);
        r->err_at = r->base;
        if (!r->err_set && !r->ended)
            snprintf(r->err, sizeof(r->err), "truncated: the JSON ends before the report does");
        return false;
    }
    if (!r->seen_findings) {
        r->failed = true;
        r->err_at = r->base;
        snprintf(r->err, sizeof(r->err), "no 'findings' array: not a whole vmtriage report");
        return false;
    }
    return true;
}

const char *
report_reader_error(const struct report_reader *r, unsigned long long *offset)
{
    if (!r->failed)
        return NULL;
    if (offset)
        *offset = r->err_at;
    return r->err;
}

void
report_reader_free(struct report_reader *r)
{
    if (r == NULL)
        return;
    yajl_free(r->h);
    free(r->carry);
    item_clear(&r->it);
    free(r->command);
    free(r->version);
    free(r);
}
