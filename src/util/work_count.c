/* work_count: the counters of work_count.h. */
#include "util/work_count.h"

#include <stdio.h>
#include <stdlib.h>

struct work_count vt_work;

void
work_count_print(void)
{
    if (getenv("VMTRIAGE_WORK") == NULL)
        return;
    fprintf(stderr,
            "vmtriage: work: %lu YAML documents parsed, %lu regexes compiled, %lu of them JIT, "
            "%lu prefilter databases compiled, %lu crash rules tried\n",
            atomic_load(&vt_work.yaml_documents), atomic_load(&vt_work.regexes),
            atomic_load(&vt_work.regexes_jit), atomic_load(&vt_work.prefilter_databases),
            atomic_load(&vt_work.crash_rules_tried));
}
