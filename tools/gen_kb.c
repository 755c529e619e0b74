/* gen_kb: writes the built-in rule files as parsed YAML documents (to stdout,
 * as C), so the program starts without parsing YAML (issue 20).
 *
 * Why a generator: reading the rule files took two thirds of a one-screen
 * `psod` run (a libyaml scan for the shape checks, then a second one to build
 * the documents), and the cost grows with every rule added. The documents
 * libyaml would build are written out here, once, at build time, as static
 * yaml_document_t values whose nodes point at string literals; the loader
 * (src/rules/rules_load.c) compiles the rules from them exactly as from a
 * parsed text, with the same file names and line numbers in its messages.
 * Rule files given with --rules DIR are still parsed at run time.
 *
 * Run at build time only (`make` builds it with the host's cc and libyaml).
 * A file that is not valid YAML, nests deeper than the loader allows, uses
 * an alias, or repeats a rule id fails the build, naming the file and line:
 * the run-time shape and duplicate checks (rules_load.c) are applied to the
 * built-in files here. */
#define _POSIX_C_SOURCE 200809L /* strdup */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* As rules_load.c's MAX_YAML_DEPTH. */
#define MAX_DEPTH 64

static int
shape_ok(const char *name, FILE *fp)
{
    yaml_parser_t p;
    yaml_parser_initialize(&p);
    yaml_parser_set_input_file(&p, fp);
    int depth = 0, ok = 1;
    for (int end = 0; !end && ok;) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&p, &ev)) {
            fprintf(stderr, "gen_kb: %s:%zu: YAML: %s\n", name, (size_t)p.problem_mark.line + 1,
                    p.problem ? p.problem : "syntax error");
            ok = 0;
            break;
        }
        if (ev.type == YAML_SEQUENCE_START_EVENT || ev.type == YAML_MAPPING_START_EVENT) {
            if (++depth > MAX_DEPTH) {
                fprintf(stderr, "gen_kb: %s:%zu: nests deeper than %d levels\n", name,
                        (size_t)ev.start_mark.line + 1, MAX_DEPTH);
                ok = 0;
            }
        } else if (ev.type == YAML_SEQUENCE_END_EVENT || ev.type == YAML_MAPPING_END_EVENT) {
            depth--;
        } else if (ev.type == YAML_ALIAS_EVENT) {
            fprintf(stderr, "gen_kb: %s:%zu: YAML alias: rule files use none\n", name,
                    (size_t)ev.start_mark.line + 1);
            ok = 0;
        } else if (ev.type == YAML_STREAM_END_EVENT) {
            end = 1;
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&p);
    return ok;
}

/* A C string literal of `s` (`len` bytes; NULs included): octal escapes for
 * everything but printable ASCII, and `?` escaped against trigraphs. */
static void
literal(const unsigned char *s, size_t len)
{
    putchar('"');
    for (size_t i = 0; i < len; i++) {
        unsigned c = s[i];
        if (c == '"' || c == '\\' || c == '?')
            printf("\\%c", c);
        else if (c >= 0x20 && c < 0x7f)
            putchar((int)c);
        else
            printf("\\%03o", c);
        if (c == '\n' && i + 1 < len)
            fputs("\"\n\"", stdout);
    }
    putchar('"');
}

static void
mark(const char *field, yaml_mark_t m)
{
    printf(", .%s = {%zu, %zu, %zu}", field, (size_t)m.index, (size_t)m.line, (size_t)m.column);
}

/* The value of the root mapping's `id` key, or NULL. */
static const char *
doc_id(yaml_document_t *doc)
{
    yaml_node_t *root = yaml_document_get_root_node(doc);
    if (root == NULL || root->type != YAML_MAPPING_NODE)
        return NULL;
    for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        yaml_node_t *v = yaml_document_get_node(doc, p->value);
        if (k && v && k->type == YAML_SCALAR_NODE && v->type == YAML_SCALAR_NODE &&
            strcmp((const char *)k->data.scalar.value, "id") == 0)
            return (const char *)v->data.scalar.value;
    }
    return NULL;
}

/* Writes document `d` (the `k`th of all files) as arrays named after k. */
static void
write_doc(yaml_document_t *doc, size_t k)
{
    size_t nnodes = (size_t)(doc->nodes.top - doc->nodes.start);
    for (size_t i = 0; i < nnodes; i++) {
        yaml_node_t *n = &doc->nodes.start[i];
        if (n->type == YAML_SEQUENCE_NODE) {
            printf("static yaml_node_item_t d%zu_s%zu[] = {", k, i);
            for (yaml_node_item_t *it = n->data.sequence.items.start;
                 it < n->data.sequence.items.top; it++)
                printf("%d,", *it);
            puts("0};");
        } else if (n->type == YAML_MAPPING_NODE) {
            printf("static yaml_node_pair_t d%zu_m%zu[] = {", k, i);
            for (yaml_node_pair_t *p = n->data.mapping.pairs.start; p < n->data.mapping.pairs.top;
                 p++)
                printf("{%d, %d},", p->key, p->value);
            puts("{0, 0}};");
        }
    }
    printf("static yaml_node_t d%zu_nodes[] = {\n", k);
    for (size_t i = 0; i < nnodes; i++) {
        yaml_node_t *n = &doc->nodes.start[i];
        switch (n->type) {
        case YAML_SCALAR_NODE:
            printf("    {.type = YAML_SCALAR_NODE, .data.scalar = {(yaml_char_t *)");
            literal(n->data.scalar.value, n->data.scalar.length);
            printf(", %zu, %d}", (size_t)n->data.scalar.length, (int)n->data.scalar.style);
            break;
        case YAML_SEQUENCE_NODE: {
            size_t c = (size_t)(n->data.sequence.items.top - n->data.sequence.items.start);
            printf("    {.type = YAML_SEQUENCE_NODE, .data.sequence = {{d%zu_s%zu, d%zu_s%zu + %zu, "
                   "d%zu_s%zu + %zu}, %d}",
                   k, i, k, i, c, k, i, c, (int)n->data.sequence.style);
            break;
        }
        case YAML_MAPPING_NODE: {
            size_t c = (size_t)(n->data.mapping.pairs.top - n->data.mapping.pairs.start);
            printf("    {.type = YAML_MAPPING_NODE, .data.mapping = {{d%zu_m%zu, d%zu_m%zu + %zu, "
                   "d%zu_m%zu + %zu}, %d}",
                   k, i, k, i, c, k, i, c, (int)n->data.mapping.style);
            break;
        }
        default:
            fprintf(stderr, "gen_kb: an empty node in document %zu\n", k);
            exit(1);
        }
        mark("start_mark", n->start_mark);
        mark("end_mark", n->end_mark);
        puts("},");
    }
    puts("};");
}

int
main(int argc, char **argv)
{
    puts("/* Generated by tools/gen_kb.c from the rule files named below: do not edit. */\n"
         "#include \"rules/kb_docs.h\"\n");
    /* name of each document's file, in order */
    const char **names = calloc((size_t)argc * 64 + 1, sizeof(*names));
    char **ids = calloc((size_t)argc * 64 + 1, sizeof(*ids)); /* the loader skips this check */
    size_t ndocs = 0, cap = (size_t)argc * 64;
    for (int a = 1; a < argc; a++) {
        FILE *fp = fopen(argv[a], "rb");
        if (fp == NULL || !shape_ok(argv[a], fp)) {
            if (fp == NULL)
                perror(argv[a]);
            return 1;
        }
        rewind(fp);
        yaml_parser_t p;
        yaml_parser_initialize(&p);
        yaml_parser_set_input_file(&p, fp);
        for (;;) {
            yaml_document_t doc;
            if (!yaml_parser_load(&p, &doc)) {
                fprintf(stderr, "gen_kb: %s:%zu: YAML: %s\n", argv[a],
                        (size_t)p.problem_mark.line + 1, p.problem ? p.problem : "syntax error");
                return 1;
            }
            if (yaml_document_get_root_node(&doc) == NULL) {
                yaml_document_delete(&doc);
                break;
            }
            if (ndocs == cap) {
                fprintf(stderr, "gen_kb: more than %zu documents\n", cap);
                return 1;
            }
            const char *id = doc_id(&doc);
            for (size_t k = 0; id && k < ndocs; k++)
                if (ids[k] && strcmp(ids[k], id) == 0) {
                    fprintf(stderr, "gen_kb: %s:%zu: duplicate rule id '%s' (also in %s)\n",
                            argv[a], (size_t)doc.start_mark.line + 1, id, names[k]);
                    return 1;
                }
            ids[ndocs] = id ? strdup(id) : NULL;
            printf("/* %s, document at line %zu */\n", argv[a], (size_t)doc.start_mark.line + 1);
            write_doc(&doc, ndocs);
            names[ndocs++] = argv[a];
            yaml_document_delete(&doc);
        }
        yaml_parser_delete(&p);
        fclose(fp);
    }
    puts("\nstruct kb_doc kb_docs[] = {");
    for (size_t k = 0; k < ndocs; k++) {
        printf("    {\"%s\", {.nodes = {d%zu_nodes, d%zu_nodes + sizeof(d%zu_nodes) / "
               "sizeof(yaml_node_t), d%zu_nodes + sizeof(d%zu_nodes) / sizeof(yaml_node_t)}}},\n",
               names[k], k, k, k, k, k);
    }
    puts("    {0, {0}}};");
    for (size_t k = 0; k < ndocs; k++)
        free(ids[k]);
    free(ids);
    free(names);
    return 0;
}
