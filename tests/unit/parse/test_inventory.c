/* test_inventory: the inventory parsers fed in chunks of every size: a CSV
 * with a byte-order mark, CRLF, quoted newlines and doubled quotes gives the
 * same rows however it is split (the rows are written below from the
 * input); govc JSON split at every byte gives the same .vmx document. */
#include "t.h"
#include "parse/inventory/inv_csv.h"
#include "parse/inventory/inv_json.h"
#include "util/util_buf.h"

#include <stdlib.h>

static int
row_to_buf(void *arg, unsigned long line, char **cells, size_t n)
{
    struct buf *b = arg;
    buf_addf(b, "%lu:", line);
    for (size_t i = 0; i < n; i++)
        buf_addf(b, "[%s]", cells[i]);
    buf_addc(b, '\n');
    return 0;
}

static void
csv_split(void)
{
    static const char in[] = "\xef\xbb\xbfVM,Note\r\n"
                             "a,\"two\r\nlines\"\r\n"
                             "\"q\"\"uote\",\r\n"
                             "\r\n"
                             "last,x";
    static const char want[] = "1:[VM][Note]\n"
                               "2:[a][two\r\nlines]\n"
                               "4:[q\"uote][]\n"
                               "6:[last][x]\n";
    size_t len = sizeof(in) - 1;
    for (size_t step = 1; step <= len; step++) {
        struct csv c;
        struct buf got = BUF_INIT;
        csv_init(&c);
        int rc = 0;
        for (size_t off = 0; off < len && rc == 0; off += step)
            rc = csv_feed(&c, in + off, off + step > len ? len - off : step, row_to_buf, &got);
        if (rc == 0)
            rc = csv_finish(&c, row_to_buf, &got);
        T_EQ_INT(t_fmt("csv in chunks of %zu: no error", step), rc, 0);
        T_EQ_STR(t_fmt("csv in chunks of %zu: rows", step), got.p ? got.p : "", want);
        csv_release(&c);
        buf_release(&got);
    }
    struct csv c;
    struct buf got = BUF_INIT;
    csv_init(&c);
    T_EQ_INT("csv: ';' separates when the header has one first", csv_feed(&c, "a;b,c\n1;2\n", 10, row_to_buf, &got), 0);
    T_EQ_STR("csv: ';' rows", got.p, "1:[a][b,c]\n2:[1][2]\n");
    csv_release(&c);
    buf_release(&got);
}

struct got {
    struct buf vmx;
    int n;
    unsigned unknown;
};

static void
take_vm(void *arg, struct inv_vm *vm)
{
    struct got *g = arg;
    size_t len;
    char *t = vmx_writer_detach(&vm->w, &len);
    buf_adds(&g->vmx, t);
    free(t);
    g->n++;
    g->unknown = vm->unknown;
    inv_vm_release(vm);
}

static void
json_split(void)
{
    static const char in[] =
        "{\"virtualMachines\":[{\"name\":\"w\",\"config\":{\"guestId\":\"windows9_64Guest\","
        "\"version\":\"vmx-19\",\"nestedHVEnabled\":true,\"hardware\":{\"numCPU\":2,"
        "\"device\":[{\"_typeName\":\"VirtualE1000\",\"key\":4000,\"macAddress\":\"00:50:56:aa:bb:cc\"}]}}}]}";
    size_t len = sizeof(in) - 1;
    char *first = NULL;
    for (size_t step = 1; step <= len; step += (step < 8 ? 1 : 7)) {
        struct diags d = DIAGS_INIT;
        struct got g = {BUF_INIT, 0, 0};
        struct invj *j = invj_new("t.json", take_vm, &g, &d);
        int rc = 0;
        for (size_t off = 0; off < len && rc == 0; off += step)
            rc = invj_feed(j, (const unsigned char *)in + off, off + step > len ? len - off : step);
        if (rc == 0)
            rc = invj_finish(j);
        T_EQ_INT(t_fmt("json in chunks of %zu: read", step), rc, 0);
        T_EQ_INT(t_fmt("json in chunks of %zu: one VM", step), g.n, 1);
        T_CHECK(t_fmt("json in chunks of %zu: e1000 written", step),
                g.vmx.p && strstr(g.vmx.p, "ethernet0.virtualDev = \"e1000\""));
        T_CHECK(t_fmt("json in chunks of %zu: vhv.enable written", step),
                g.vmx.p && strstr(g.vmx.p, "vhv.enable = \"TRUE\""));
        T_CHECK(t_fmt("json in chunks of %zu: vhv known", step), !(g.unknown & INV_U_VHV));
        if (first == NULL)
            first = g.vmx.p ? strdup(g.vmx.p) : strdup("");
        else
            T_EQ_STR(t_fmt("json in chunks of %zu: the same document", step), g.vmx.p, first);
        buf_release(&g.vmx);
        invj_free(j);
        diags_release(&d);
    }
    free(first);
}

int
test_inventory(void)
{
    int before = t_failed;
    csv_split();
    json_split();
    return t_failed - before;
}
