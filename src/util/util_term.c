/* util_term: escaping for terminal output (see util_term.h). */
#include "util/util_term.h"
#include "util/util_utf8.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

void
term_escape_n(struct buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s, *end = p + strnlen(s, n);
    while (p < end) {
        unsigned cp;
        /* a sequence cut by n is not decoded: its bytes are escaped */
        size_t len = utf8_decode_n(p, (size_t)(end - p), &cp);
        if (len == 0 || (len == 1 && utf8_unsafe(cp))) {
            buf_adds(b, "\\x");
            buf_addc(b, hex[*p >> 4]);
            buf_addc(b, hex[*p & 15]);
            p++;
        } else if (utf8_unsafe(cp)) {
            buf_addf(b, "\\u%04x", cp);
            p += len;
        } else {
            buf_add(b, p, len);
            p += len;
        }
    }
}

void
term_escape(struct buf *b, const char *s)
{
    term_escape_n(b, s, SIZE_MAX);
}

int
term_puts(const char *s, FILE *fp)
{
    struct buf b = BUF_INIT;
    term_escape(&b, s);
    int r = fputs(buf_str(&b), fp);
    buf_release(&b);
    return r;
}

/* One conversion of a format: "%-*.*lld" split into its parts. */
struct spec {
    char text[32]; /* the conversion as written, with * kept */
    int stars;     /* how many of width and precision are * (0..2) */
    char len[3];   /* length modifier: "", "hh", "h", "l", "ll", "z", "j", "t", "L" */
    char conv;
    bool has_prec;
    int prec; /* when written as a number */
    bool prec_star;
};

/* Parses the conversion at f (just past the '%'); returns its end or NULL
 * when it is not one this function prints. */
static const char *
parse_spec(const char *f, struct spec *sp)
{
    const char *start = f - 1;
    memset(sp, 0, sizeof(*sp));
    f += strspn(f, "-+ #0");
    if (*f == '*')
        sp->stars++, f++;
    else
        f += strspn(f, "0123456789");
    if (*f == '.') {
        sp->has_prec = true;
        f++;
        if (*f == '*')
            sp->stars++, sp->prec_star = true, f++;
        else {
            sp->prec = 0;
            for (; *f >= '0' && *f <= '9'; f++)
                sp->prec = sp->prec * 10 + (*f - '0');
        }
    }
    size_t l = strspn(f, "hlzjtL");
    if (l > 2)
        return NULL;
    memcpy(sp->len, f, l);
    f += l;
    sp->conv = *f;
    if ((sp->conv == 's' || sp->conv == 'c') && l > 0) /* wide strings: not used */
        return NULL;
    if (sp->conv == '\0' || strchr("diouxXcspfFeEgGaA%", sp->conv) == NULL)
        return NULL;
    f++;
    if ((size_t)(f - start) >= sizeof(sp->text))
        return NULL;
    memcpy(sp->text, start, (size_t)(f - start));
    return f;
}

/* Prints one string argument: cut at the precision, escaped, padded to the
 * width with the spec's own flags. */
static int
print_string(FILE *fp, const struct spec *sp, int a[2], const char *s, size_t cut)
{
    struct buf b = BUF_INIT;
    term_escape_n(&b, s ? s : "(null)", cut);
    /* the spec with its precision removed: the cut is already made */
    char spec[32];
    size_t k = 0;
    for (const char *t = sp->text; *t && k + 1 < sizeof(spec); t++) {
        if (*t == '.') {
            t++;
            if (*t == '*')
                continue;
            while (t[1] >= '0' && t[1] <= '9')
                t++;
            continue;
        }
        spec[k++] = *t;
    }
    spec[k] = '\0';
    spec[k - 1] = 's'; /* %c prints as a one-character string */
    bool width_star = sp->stars - (sp->prec_star ? 1 : 0) == 1;
    int r = width_star ? fprintf(fp, spec, a[0], buf_str(&b)) : fprintf(fp, spec, buf_str(&b));
    buf_release(&b);
    return r;
}

#define PRINT_WITH_STARS(value)                                                                    \
    (sp.stars == 0   ? fprintf(fp, sp.text, value)                                                 \
     : sp.stars == 1 ? fprintf(fp, sp.text, a[0], value)                                           \
                     : fprintf(fp, sp.text, a[0], a[1], value))

int
term_vprintf(FILE *fp, const char *fmt, va_list ap)
{
    int total = 0;
    const char *f = fmt;
    while (*f) {
        const char *pct = strchr(f, '%');
        size_t lit = pct ? (size_t)(pct - f) : strlen(f);
        if (lit) {
            fwrite(f, 1, lit, fp);
            total += (int)lit;
        }
        if (pct == NULL)
            break;
        struct spec sp;
        const char *next = parse_spec(pct + 1, &sp);
        if (next == NULL) { /* not a conversion we print: show it as written */
            fputc('%', fp);
            total++;
            f = pct + 1;
            continue;
        }
        f = next;
        int a[2] = {0, 0}, r = 0;
        for (int i = 0; i < sp.stars; i++)
            a[i] = va_arg(ap, int);
        switch (sp.conv) {
        case '%':
            r = fputc('%', fp) == EOF ? -1 : 1;
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            size_t cut = SIZE_MAX;
            if (sp.prec_star)
                cut = a[sp.stars - 1] < 0 ? SIZE_MAX : (size_t)a[sp.stars - 1];
            else if (sp.has_prec)
                cut = (size_t)sp.prec;
            r = print_string(fp, &sp, a, s, cut);
            break;
        }
        case 'c': {
            char c[2] = {(char)va_arg(ap, int), 0};
            r = print_string(fp, &sp, a, c, 1);
            break;
        }
        case 'p':
            r = PRINT_WITH_STARS(va_arg(ap, void *));
            break;
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
        case 'a':
        case 'A':
            if (sp.len[0] == 'L')
                r = PRINT_WITH_STARS(va_arg(ap, long double));
            else
                r = PRINT_WITH_STARS(va_arg(ap, double));
            break;
        default: { /* integers */
            bool sign = sp.conv == 'd' || sp.conv == 'i';
            if (!strcmp(sp.len, "ll"))
                r = sign ? PRINT_WITH_STARS(va_arg(ap, long long))
                         : PRINT_WITH_STARS(va_arg(ap, unsigned long long));
            else if (!strcmp(sp.len, "l"))
                r = sign ? PRINT_WITH_STARS(va_arg(ap, long))
                         : PRINT_WITH_STARS(va_arg(ap, unsigned long));
            else if (!strcmp(sp.len, "z"))
                r = PRINT_WITH_STARS(va_arg(ap, size_t));
            else if (!strcmp(sp.len, "j"))
                r = sign ? PRINT_WITH_STARS(va_arg(ap, intmax_t))
                         : PRINT_WITH_STARS(va_arg(ap, uintmax_t));
            else if (!strcmp(sp.len, "t"))
                r = PRINT_WITH_STARS(va_arg(ap, ptrdiff_t));
            else
                r = sign ? PRINT_WITH_STARS(va_arg(ap, int))
                         : PRINT_WITH_STARS(va_arg(ap, unsigned));
        }
        }
        if (r < 0)
            return r;
        total += r;
    }
    return total;
}

void
term_print_lines(FILE *fp, const char *indent, const char *text)
{
    const char *p = text;
    while (*p) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        term_printf(fp, "%s%.*s\n", indent, (int)len, p);
        p += len + (nl != NULL);
    }
}

int
term_printf(FILE *fp, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int r = term_vprintf(fp, fmt, ap);
    va_end(ap);
    return r;
}
