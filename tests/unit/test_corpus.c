/* test_corpus: real .vmx files written by others (shared corpus/vmx, read in
 * place, never copied) must parse as VMware configs without errors, and every
 * fact their PROVENANCE.tsv note states must hold in the parsed document and
 * the VM record. The note is the independent source of the expected values:
 * `;`-separated tokens such as `memsize=2048`, `ethernet0:vmxnet3/present=TRUE`,
 * `scsi0:pvscsi`, `CRLF`, `comments=1`; free text is skipped. */
#include "t.h"
#include "util/util_mem.h"
#include "record/vm.h"
#include "source/walk.h"

#include <ctype.h>
#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* Corpus lines that really are not `name = value` lines, checked byte by byte
 * (od -c): in 023.vmx lines 121 and 122 end in E5 A4 3F CR LF. A GBK
 * decode/encode round trip turned the last byte of the folder name's final
 * character (E5 A4 B9) and the closing quote (22), an invalid GBK pair, into
 * '?'; the quote is unbalanced, which kb/vmx.md §1.1 makes a "weird" line.
 * (The stored upstream file has the quote.) Each listed line must be reported
 * and must hold an odd number of double quotes; no other line may be. */
static const struct {
    const char *file;
    unsigned long lines[4]; /* 0-terminated */
} known_bad[] = {
    {"023.vmx", {121, 122, 0}},
};

/* Number of '"' on 1-based line `n` of `data` (lines end in LF), or -1. */
static int
quotes_on_line(const char *data, size_t len, unsigned long n)
{
    unsigned long line = 1;
    int q = 0;
    for (size_t i = 0; i < len; i++) {
        if (data[i] == '\n') {
            if (line == n)
                return q;
            line++;
        } else if (line == n && data[i] == '"') {
            q++;
        }
    }
    return line == n ? q : -1;
}

static int
is_known_bad(const char *file, unsigned long line)
{
    for (size_t i = 0; i < sizeof(known_bad) / sizeof(known_bad[0]); i++)
        for (size_t k = 0; strcmp(known_bad[i].file, file) == 0 && known_bad[i].lines[k]; k++)
            if (known_bad[i].lines[k] == line)
                return 1;
    return 0;
}

static char *
trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int
bus_from_prefix(const char *s, size_t n)
{
    static const char *const names[] = {"scsi", "sata", "nvme", "ide"};
    for (int b = 0; b < 4; b++)
        if (strlen(names[b]) == n && strncasecmp(s, names[b], n) == 0)
            return b;
    return -1;
}

/* Splits `<letters><digits>` at the start of `s`: sets the letters' length
 * and the number; returns a pointer after the digits, or NULL. */
static const char *
dev_prefix(const char *s, size_t *letters, int *index)
{
    size_t i = 0;
    while (isalpha((unsigned char)s[i]) || s[i] == '_')
        i++;
    if (i == 0 || !isdigit((unsigned char)s[i]))
        return NULL;
    *letters = i;
    char *end;
    *index = (int)strtol(s + i, &end, 10);
    return end;
}

static int
is_plain_token(const char *s)
{
    for (; *s; s++)
        if (isspace((unsigned char)*s) || *s == '(' || *s == ')' || *s == ',')
            return 0;
    return 1;
}

/* Checks one note token; returns how many facts it checked (0 = free text). */
static int
check_token(const char *file, const char *tok, const struct vm *vm)
{
    const struct vmx_doc *doc = vm->doc;
    if (strcmp(tok, "CRLF") == 0) {
        T_CHECK(t_fmt("%s: CRLF line ends", file), vmx_has_crlf(doc));
        return 1;
    }
    if (strcmp(tok, "LF endings") == 0) {
        T_CHECK(t_fmt("%s: LF line ends (no CRLF)", file), !vmx_has_crlf(doc));
        return 1;
    }
    if (!is_plain_token(tok))
        return 0;
    int hw;
    char tail;
    if (sscanf(tok, "HW%d%c", &hw, &tail) == 1) {
        T_EQ_INT(t_fmt("%s: %s", file, tok), vm->hw_version, hw);
        return 1;
    }
    long comments;
    if (sscanf(tok, "comments=%ld%c", &comments, &tail) == 1) {
        T_CHECK(t_fmt("%s: at least %ld comment line(s), found %zu", file, comments,
                      vmx_comment_lines(doc)),
                (long)vmx_comment_lines(doc) >= comments);
        return 1;
    }
    size_t letters;
    int index;
    const char *after = dev_prefix(tok, &letters, &index);
    /* ethernetN:TYPE/present=VALUE; TYPE "(default)" is an implicit adapter */
    if (after && *after == ':' && letters == 8 && strncasecmp(tok, "ethernet", 8) == 0) {
        const char *type = after + 1;
        const char *slash = strchr(type, '/');
        if (slash == NULL || strncasecmp(slash, "/present=", 9) != 0)
            return 0;
        char *want_type = xstrndup(type, (size_t)(slash - type));
        int want_present = vmx_bool(slash + 9);
        const struct vm_nic *n = vm_nic_at(vm, index);
        if (T_CHECK(t_fmt("%s: ethernet%d exists", file, index), n)) {
            T_EQ_INT(t_fmt("%s: ethernet%d present", file, index), n->present, want_present);
            if (strcmp(want_type, "(default)") == 0) {
                T_CHECK(t_fmt("%s: ethernet%d implicit type", file, index),
                        n->type == NULL && !n->type_explicit);
            } else {
                T_EQ_STR(t_fmt("%s: ethernet%d type", file, index), n->type, want_type);
                T_CHECK(t_fmt("%s: ethernet%d type explicit", file, index), n->type_explicit);
            }
        }
        free(want_type);
        return 2;
    }
    /* scsiN:TYPE */
    if (after && *after == ':' && letters == 4 && strncasecmp(tok, "scsi", 4) == 0 &&
        !strchr(tok, '=')) {
        const struct vm_controller *c = vm_controller_at(vm, BUS_SCSI, index);
        if (T_CHECK(t_fmt("%s: scsi%d exists", file, index), c)) {
            T_EQ_STR(t_fmt("%s: scsi%d type", file, index), c->type, after + 1);
            T_CHECK(t_fmt("%s: scsi%d present", file, index), c->present);
        }
        return 2;
    }
    /* key=value: the raw value, plus the typed record field where there is one */
    const char *eq = strchr(tok, '=');
    if (eq == NULL || eq == tok)
        return 0;
    char *key = xstrndup(tok, (size_t)(eq - tok));
    const char *want = eq + 1;
    int facts = 1;
    const char *got = vmx_get(doc, key);
    T_CHECK(t_fmt("%s: %s is \"%s\" (file has %s%s%s)", file, key, want, got ? "\"" : "",
                  got ? got : "nothing", got ? "\"" : ""),
            got && strcasecmp(got, want) == 0);
    long num = strtol(want, NULL, 10);
    if (strcasecmp(key, "virtualhw.version") == 0) {
        T_EQ_INT(t_fmt("%s: vm hw_version", file), vm->hw_version, num);
        facts++;
    } else if (strcasecmp(key, "memsize") == 0) {
        T_EQ_INT(t_fmt("%s: vm mem_mb", file), vm->mem_mb, num);
        facts++;
    } else if (strcasecmp(key, "numvcpus") == 0) {
        T_EQ_INT(t_fmt("%s: vm vcpus", file), vm->vcpus, num);
        facts++;
    } else if (strcasecmp(key, "guestos") == 0) {
        T_CHECK(t_fmt("%s: vm guest_os", file), vm->guest_os && !strcasecmp(vm->guest_os, want));
        facts++;
    } else if (strcasecmp(key, "firmware") == 0) {
        T_EQ_STR(t_fmt("%s: vm firmware", file), vm->firmware, want);
        facts++;
    } else if (strcasecmp(key, "uefi.secureboot.enabled") == 0) {
        T_EQ_INT(t_fmt("%s: vm secure_boot", file), vm->secure_boot, vmx_bool(want));
        facts++;
    } else {
        size_t l2;
        int i2;
        const char *a2 = dev_prefix(key, &l2, &i2);
        int bus = a2 ? bus_from_prefix(key, l2) : -1;
        if (bus >= 0 && strcasecmp(a2, ".present") == 0) {
            const struct vm_controller *c = vm_controller_at(vm, (enum vm_bus)bus, i2);
            T_CHECK(t_fmt("%s: controller %s present as stated", file, key),
                    c && c->present == (vmx_bool(want) == 1));
            facts++;
        }
    }
    free(key);
    return facts;
}

static void
check_file(const char *dir, const char *file, char *note, int *total_facts)
{
    char *path = xasprintf("%s/%s", dir, file);
    struct diags d = DIAGS_INIT;
    char *data = NULL;
    size_t len = 0;
    if (!T_CHECK(t_fmt("%s: readable", path),
                 read_small_file(path, VMX_MAX_BYTES, &data, &len, &d) == 0)) {
        diags_release(&d);
        free(path);
        return;
    }
    struct vmx_doc *doc = vmx_parse(data, len, path, &d);
    if (!T_CHECK(t_fmt("%s: parsed", file), doc)) {
        free(data);
        diags_release(&d);
        free(path);
        return;
    }
    T_CHECK(t_fmt("%s: recognised as a VMware config", file), vmx_doc_is_vmware(doc));
    size_t unexpected = 0;
    const char *first = "";
    for (size_t i = 0; i < d.n; i++) {
        if (d.v[i].level != DIAG_ERROR || is_known_bad(file, d.v[i].line))
            continue;
        if (unexpected++ == 0)
            first = t_fmt("line %lu: %s", d.v[i].line, d.v[i].message);
    }
    T_CHECK(t_fmt("%s: no error (%zu; %s)", file, unexpected, first), unexpected == 0);
    for (size_t i = 0; i < sizeof(known_bad) / sizeof(known_bad[0]); i++) {
        if (strcmp(known_bad[i].file, file) != 0)
            continue;
        for (size_t k = 0; known_bad[i].lines[k]; k++) {
            unsigned long ln = known_bad[i].lines[k];
            int reported = 0;
            for (size_t j = 0; j < d.n; j++)
                reported |= d.v[j].level == DIAG_ERROR && d.v[j].line == ln;
            T_CHECK(t_fmt("%s: known bad line %lu reported", file, ln), reported);
            T_CHECK(t_fmt("%s: known bad line %lu has an unbalanced quote", file, ln),
                    quotes_on_line(data, len, ln) % 2 == 1);
        }
    }
    struct vm *vm = vm_from_vmx(doc, path);
    int facts = 0;
    for (char *save = NULL, *tok = strtok_r(note, ";", &save); tok;
         tok = strtok_r(NULL, ";", &save))
        facts += check_token(file, trim(tok), vm);
    T_CHECK(t_fmt("%s: the note states at least one checkable fact", file), facts > 0);
    *total_facts += facts;
    vm_free(vm);
    free(data);
    diags_release(&d);
    free(path);
}

int
test_corpus(void)
{
    int before = t_failed;
    char *dir = xasprintf("%s/corpus/vmx", t_shared);
    if (!t_have_shared(dir, "corpus/vmx: every file against PROVENANCE.tsv")) {
        free(dir);
        return t_failed - before;
    }
    char *prov = xasprintf("%s/PROVENANCE.tsv", dir);
    struct diags d = DIAGS_INIT;
    char *text = NULL;
    size_t len = 0;
    if (!T_CHECK(t_fmt("%s readable", prov),
                 read_small_file(prov, 1u << 20, &text, &len, &d) == 0)) {
        diags_release(&d);
        free(prov);
        free(dir);
        return t_failed - before;
    }
    int files = 0, facts = 0;
    char **listed = NULL;
    size_t nlisted = 0, cap = 0;
    for (char *save = NULL, *line = strtok_r(text, "\n", &save); line;
         line = strtok_r(NULL, "\n", &save)) {
        char *col[5];
        size_t n = t_split_tabs(line, col, 5);
        if (n < 5 || strcmp(col[0], "file") == 0)
            continue; /* the header row */
        XGROW(listed, cap, nlisted + 1);
        listed[nlisted++] = xstrdup(col[0]);
        check_file(dir, col[0], col[4], &facts);
        files++;
    }
    T_CHECK("PROVENANCE.tsv lists files", files > 0);

    /* Every .vmx of the folder has a provenance row, so none escapes the checks. */
    DIR *dp = opendir(dir);
    if (T_CHECK(t_fmt("%s opens", dir), dp)) {
        for (struct dirent *de; (de = readdir(dp)) != NULL;) {
            size_t l = strlen(de->d_name);
            if (l < 5 || strcasecmp(de->d_name + l - 4, ".vmx") != 0)
                continue;
            int found = 0;
            for (size_t i = 0; i < nlisted; i++)
                found |= strcmp(listed[i], de->d_name) == 0;
            T_CHECK(t_fmt("%s has a PROVENANCE.tsv row", de->d_name), found);
        }
        closedir(dp);
    }
    printf("corpus: %d files, %d facts from the notes checked\n", files, facts);
    for (size_t i = 0; i < nlisted; i++)
        free(listed[i]);
    free(listed);
    free(text);
    diags_release(&d);
    free(prov);
    free(dir);
    return t_failed - before;
}
