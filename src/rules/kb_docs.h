/* kb_docs: the built-in rule files as libyaml documents, written at build
 * time by tools/gen_kb.c (build/kb_docs.c), so start-up parses no YAML.
 * The table ends with an entry whose file is NULL. The nodes point at
 * string literals: read them, never yaml_document_delete them. */
#ifndef VT_KB_DOCS_H
#define VT_KB_DOCS_H

#include <yaml.h>

struct kb_doc {
    const char *file; /* "rules/vmx-e1000.yml" */
    yaml_document_t doc;
};

extern struct kb_doc kb_docs[];

#endif
