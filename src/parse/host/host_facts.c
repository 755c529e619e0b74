/* host_facts: the bundle's command outputs read into host facts (see
 * host_facts.h). Each reader takes the shapes the commands print:
 *   vmware -vl:   "VMware ESXi 5.5.0 build-1331820" then "VMware ESXi 5.5.0 GA"
 *   uname -a:     "VMkernel esx01 5.5.0 #1 SMP Release build-1331820 ... ESXi"
 *   esxcli ... get: "   HV Support: 3" (key: value lines)
 *   nic lists:    a header row naming the columns, then one row per NIC
 *   vmInventory.xml: <ConfigEntry ...><vmxCfgPath>PATH</vmxCfgPath></ConfigEntry> */
#include "parse/host/host_facts.h"
#include "util/util_mem.h"
#include "util/util_text.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

enum fact_file { F_NONE, F_VMWARE_VL, F_UNAME, F_CPU_GLOBAL, F_CPU_LIST, F_NIC_LIST, F_INVENTORY };

static const struct {
    const char *fragment;
    enum fact_file kind;
} files[] = {
    {"vmware_-vl", F_VMWARE_VL},
    {"uname_-a", F_UNAME},
    {"hardware-cpu-global-get", F_CPU_GLOBAL},
    {"hardware_cpu_global_get", F_CPU_GLOBAL},
    {"hardware-cpu-list", F_CPU_LIST},
    {"hardware_cpu_list", F_CPU_LIST},
    {"network-nic-list", F_NIC_LIST},
    {"network_nic_list", F_NIC_LIST},
    {"esxcfg-nics_-l", F_NIC_LIST},
    {"hostd/vmInventory.xml", F_INVENTORY},
};

static enum fact_file
kind_of(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
        if (files[i].kind == F_INVENTORY) {
            size_t l = strlen(path), k = strlen(files[i].fragment);
            if (l >= k && strcmp(path + l - k, files[i].fragment) == 0)
                return F_INVENTORY;
        } else if (strncmp(path, "commands/", 9) == 0 && strstr(base, files[i].fragment)) {
            return files[i].kind;
        }
    }
    return F_NONE;
}

bool
host_facts_wanted(const char *path)
{
    return kind_of(path) != F_NONE;
}

/* The next line of [*p, end) without its line end; false at the end. */
static bool
next_line(const char **p, const char *end, const char **line, size_t *len)
{
    if (*p >= end)
        return false;
    const char *nl = memchr(*p, '\n', (size_t)(end - *p));
    const char *e = nl ? nl : end;
    *line = *p;
    *len = (size_t)(e - *p);
    if (*len > 0 && (*line)[*len - 1] == '\r')
        (*len)--;
    *p = nl ? nl + 1 : end;
    return true;
}

static void
set(char **dst, const char *s, size_t n)
{
    if (*dst != NULL)
        return; /* the first file that says it wins */
    while (n > 0 && is_blank(*s))
        s++, n--;
    while (n > 0 && is_blank(s[n - 1]))
        n--;
    if (n > 0)
        *dst = xstrndup(s, n);
}

/* The digits after "build-" in [s, s+n), or NULL. */
static const char *
build_digits(const char *s, size_t n, size_t *dn)
{
    for (size_t i = 0; i + 6 < n; i++)
        if (memcmp(s + i, "build-", 6) == 0) {
            size_t k = i + 6;
            while (k < n && s[k] >= '0' && s[k] <= '9')
                k++;
            if (k > i + 6) {
                *dn = k - i - 6;
                return s + i + 6;
            }
        }
    return NULL;
}

/* "VMware ESXi 5.5.0 build-1331820" / "VMware ESXi 5.5.0 GA" (or "Update 3"). */
static bool
read_vmware_vl(struct host_facts *h, const char *text, size_t len)
{
    const char *p = text, *end = text + len, *line;
    size_t n;
    bool any = false;
    while (next_line(&p, end, &line, &n)) {
        if (n < 7 || strncmp(line, "VMware ", 7) != 0)
            continue;
        /* product = the words before the version (the first word starting with a digit) */
        size_t v = 7;
        while (v < n && !(line[v] >= '0' && line[v] <= '9' && line[v - 1] == ' '))
            v++;
        if (v >= n)
            continue;
        set(&h->product, line, v - 1);
        size_t ve = v;
        while (ve < n && line[ve] != ' ')
            ve++;
        set(&h->version, line + v, ve - v);
        size_t dn;
        const char *b = build_digits(line, n, &dn);
        if (b)
            set(&h->build, b, dn);
        else if (ve < n)
            set(&h->update, line + ve + 1, n - ve - 1);
        any = true;
    }
    return any;
}

/* "VMkernel esx01.lab 5.5.0 #1 SMP Release build-1331820 Sep 18 2013 23:08:31 x86_64 ..." */
static bool
read_uname(struct host_facts *h, const char *text, size_t len)
{
    const char *p = text, *end = text + len, *line;
    size_t n;
    while (next_line(&p, end, &line, &n)) {
        if (n < 10 || strncmp(line, "VMkernel ", 9) != 0)
            continue;
        size_t s = 9, e = 9;
        while (e < n && line[e] != ' ')
            e++;
        set(&h->name, line + s, e - s);
        size_t dn;
        const char *b = build_digits(line, n, &dn);
        if (b)
            set(&h->build, b, dn);
        return true;
    }
    return false;
}

/* "   Key: value" lines of an esxcli `get`; calls fn per pair. */
static bool
read_pairs(struct host_facts *h, const char *text, size_t len,
           void (*fn)(struct host_facts *, const char *, size_t, const char *, size_t))
{
    const char *p = text, *end = text + len, *line;
    size_t n;
    bool any = false;
    while (next_line(&p, end, &line, &n)) {
        const char *colon = memchr(line, ':', n);
        if (colon == NULL)
            continue;
        const char *k = line;
        size_t kn = (size_t)(colon - line);
        while (kn > 0 && is_blank(*k))
            k++, kn--;
        const char *v = colon + 1;
        size_t vn = n - (size_t)(v - line);
        while (vn > 0 && is_blank(*v))
            v++, vn--;
        fn(h, k, kn, v, vn);
        any = true;
    }
    return any;
}

static bool
key_is(const char *k, size_t kn, const char *want)
{
    return kn == strlen(want) && strncasecmp(k, want, kn) == 0;
}

static int
int_of(const char *v, size_t vn)
{
    int x = 0;
    for (size_t i = 0; i < vn && v[i] >= '0' && v[i] <= '9' && x < 100000000; i++)
        x = x * 10 + (v[i] - '0');
    return x;
}

static void
cpu_global_pair(struct host_facts *h, const char *k, size_t kn, const char *v, size_t vn)
{
    if (key_is(k, kn, "CPU Packages"))
        h->cpu_packages = int_of(v, vn);
    else if (key_is(k, kn, "CPU Cores"))
        h->cpu_cores = int_of(v, vn);
    else if (key_is(k, kn, "CPU Threads"))
        h->cpu_threads = int_of(v, vn);
    else if (key_is(k, kn, "HV Support") && vn > 0 && v[0] >= '0' && v[0] <= '9' &&
             h->hv_support < 0)
        h->hv_support = int_of(v, vn);
}

static void
cpu_list_pair(struct host_facts *h, const char *k, size_t kn, const char *v, size_t vn)
{
    if (key_is(k, kn, "Brand"))
        set(&h->cpu_model, v, vn);
}

/* Column starts of a header row: the words of `hdr` ("Name  PCI Device  Driver ..."),
 * where two words one space apart belong to one column ("PCI Device", "Link Status"). */
struct column {
    const char *name;
    size_t start;
};

static size_t
columns(const char *hdr, size_t n, struct column *cols, size_t max, char *names, size_t cap)
{
    size_t nc = 0, used = 0;
    for (size_t i = 0; i < n && nc < max;) {
        while (i < n && hdr[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t s = i;
        while (i < n && !(hdr[i] == ' ' && (i + 1 >= n || hdr[i + 1] == ' ')))
            i++;
        if (used + (i - s) + 1 > cap)
            break;
        memcpy(names + used, hdr + s, i - s);
        names[used + (i - s)] = '\0';
        cols[nc++] = (struct column){names + used, s};
        used += i - s + 1;
    }
    return nc;
}

/* The cell of column c in a row aligned to the header (ends where the next column starts). */
static void
cell(const char *row, size_t n, const struct column *cols, size_t nc, size_t c, const char **s,
     size_t *len)
{
    size_t a = cols[c].start, b = c + 1 < nc ? cols[c + 1].start : n;
    if (a > n)
        a = n;
    if (b > n)
        b = n;
    *s = row + a;
    *len = b - a;
    while (*len > 0 && is_blank(**s))
        (*s)++, (*len)--;
    while (*len > 0 && is_blank((*s)[*len - 1]))
        (*len)--;
}

static bool
read_nic_list(struct host_facts *h, const char *text, size_t len)
{
    if (h->nnics > 0)
        return true; /* the first list wins (esxcli and esxcfg-nics say the same) */
    const char *p = text, *end = text + len, *line;
    size_t n;
    struct column cols[16];
    char names[512];
    size_t nc = 0;
    int c_name = -1, c_driver = -1, c_link = -1, c_speed = -1, c_link_speed = -1;
    while (next_line(&p, end, &line, &n)) {
        if (nc == 0) {
            if (n < 4 || strncmp(line, "Name", 4) != 0)
                continue;
            nc = columns(line, n, cols, 16, names, sizeof(names));
            for (size_t c = 0; c < nc; c++) {
                if (!strcmp(cols[c].name, "Name"))
                    c_name = (int)c;
                else if (!strcmp(cols[c].name, "Driver"))
                    c_driver = (int)c;
                else if (!strcmp(cols[c].name, "Link Status") || !strcmp(cols[c].name, "Link"))
                    c_link = (int)c;
                else if (!strcmp(cols[c].name, "Speed"))
                    c_speed = (int)c;
                else if (!strcmp(cols[c].name, "Link Speed")) /* esxcfg-nics: one space apart */
                    c_link_speed = (int)c;
            }
            if (c_name < 0 || c_driver < 0)
                return false;
            continue;
        }
        if (n < 5 || strncmp(line, "vmnic", 5) != 0)
            continue;
        const char *s;
        size_t sl;
        struct host_nic nic = {0};
        cell(line, n, cols, nc, (size_t)c_name, &s, &sl);
        nic.name = xstrndup(s, sl);
        cell(line, n, cols, nc, (size_t)c_driver, &s, &sl);
        nic.driver = xstrndup(s, sl);
        if (c_link >= 0) {
            cell(line, n, cols, nc, (size_t)c_link, &s, &sl);
            nic.link = xstrndup(s, sl);
        }
        if (c_speed >= 0) {
            cell(line, n, cols, nc, (size_t)c_speed, &s, &sl);
            nic.speed = xstrndup(s, sl);
        }
        if (c_link_speed >= 0 && nic.link == NULL && nic.speed == NULL) { /* "Up   1000Mbps" */
            cell(line, n, cols, nc, (size_t)c_link_speed, &s, &sl);
            size_t w = 0;
            while (w < sl && !is_blank(s[w]))
                w++;
            nic.link = xstrndup(s, w);
            size_t v = skip_blanks(s, sl, w);
            nic.speed = xstrndup(s + v, sl - v);
        }
        h->nics = xreallocarray(h->nics, h->nnics + 1, sizeof(*h->nics));
        h->nics[h->nnics++] = nic;
    }
    return nc > 0;
}

/* Every <vmxCfgPath>...</vmxCfgPath> of hostd's inventory. */
static bool
read_inventory(struct host_facts *h, const char *text, size_t len)
{
    static const char open[] = "<vmxCfgPath>", close[] = "</vmxCfgPath>";
    const char *p = text, *end = text + len;
    bool any = false;
    while (p < end) {
        const char *o = memmem(p, (size_t)(end - p), open, sizeof(open) - 1);
        if (o == NULL)
            break;
        o += sizeof(open) - 1;
        const char *c = memmem(o, (size_t)(end - o), close, sizeof(close) - 1);
        if (c == NULL)
            break;
        h->vms = xreallocarray(h->vms, h->nvms + 1, sizeof(*h->vms));
        h->vms[h->nvms++] = xstrndup(o, (size_t)(c - o));
        any = true;
        p = c + sizeof(close) - 1;
    }
    return any || memmem(text, len, "<ConfigRoot", 11) != NULL;
}

void
host_facts_feed(struct host_facts *h, const char *path, const char *text, size_t len,
                const char *display, struct diags *d)
{
    bool ok = true;
    switch (kind_of(path)) {
    case F_VMWARE_VL:
        ok = read_vmware_vl(h, text, len);
        break;
    case F_UNAME:
        ok = read_uname(h, text, len);
        break;
    case F_CPU_GLOBAL:
        ok = read_pairs(h, text, len, cpu_global_pair);
        break;
    case F_CPU_LIST:
        ok = read_pairs(h, text, len, cpu_list_pair);
        break;
    case F_NIC_LIST:
        ok = read_nic_list(h, text, len);
        break;
    case F_INVENTORY:
        ok = read_inventory(h, text, len);
        break;
    case F_NONE:
        return;
    }
    if (!ok && len > 0)
        diags_add(d, DIAG_NOTE, display, 0,
                  "not in the shape this command prints; no host facts "
                  "taken from it");
}

void
host_facts_release(struct host_facts *h)
{
    free(h->name);
    free(h->product);
    free(h->version);
    free(h->build);
    free(h->update);
    free(h->cpu_model);
    for (size_t i = 0; i < h->nnics; i++) {
        free(h->nics[i].name);
        free(h->nics[i].driver);
        free(h->nics[i].link);
        free(h->nics[i].speed);
    }
    free(h->nics);
    for (size_t i = 0; i < h->nvms; i++)
        free(h->vms[i]);
    free(h->vms);
    *h = (struct host_facts)HOST_FACTS_INIT;
}
