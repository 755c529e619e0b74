/* lazy_xml: libxml2 (the vSphere SOAP replies, .xlsx inventories) loaded on
 * first use in the dynamic build (lazy_lib.h says why). Defines the libxml2
 * functions vmtriage calls, with its headers' prototypes, forwarding to
 * libxml2.so.2. */
#include "util/lazy_lib.h"

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <pthread.h>

static struct {
    xmlParserCtxtPtr (*create_push)(xmlSAXHandlerPtr, void *, const char *, int, const char *);
    int (*ctxt_use_options)(xmlParserCtxtPtr, int);
    int (*parse_chunk)(xmlParserCtxtPtr, const char *, int, int);
    void (*stop_parser)(xmlParserCtxtPtr);
    void (*free_parser_ctxt)(xmlParserCtxtPtr);
    void (*free_doc)(xmlDocPtr);
    void (*set_structured_error)(void *, xmlStructuredErrorFunc);
} f;

static pthread_once_t once = PTHREAD_ONCE_INIT;

static void
load(void)
{
    static const struct lazy_sym syms[] = {
        LAZY_SYM(f.create_push, "xmlCreatePushParserCtxt"),
        LAZY_SYM(f.ctxt_use_options, "xmlCtxtUseOptions"),
        LAZY_SYM(f.parse_chunk, "xmlParseChunk"),
        LAZY_SYM(f.stop_parser, "xmlStopParser"),
        LAZY_SYM(f.free_parser_ctxt, "xmlFreeParserCtxt"),
        LAZY_SYM(f.free_doc, "xmlFreeDoc"),
        LAZY_SYM(f.set_structured_error, "xmlSetStructuredErrorFunc"),
    };
    lazy_lib_load("libxml2.so.2", "to read XML (vSphere replies, .xlsx inventories)", syms,
                  sizeof syms / sizeof syms[0]);
}

#define LOAD() pthread_once(&once, load)

xmlParserCtxtPtr
xmlCreatePushParserCtxt(xmlSAXHandlerPtr sax, void *user_data, const char *chunk, int size,
                        const char *filename)
{
    LOAD();
    return f.create_push(sax, user_data, chunk, size, filename);
}

int
xmlCtxtUseOptions(xmlParserCtxtPtr ctxt, int options)
{
    LOAD();
    return f.ctxt_use_options(ctxt, options);
}

int
xmlParseChunk(xmlParserCtxtPtr ctxt, const char *chunk, int size, int terminate)
{
    LOAD();
    return f.parse_chunk(ctxt, chunk, size, terminate);
}

void
xmlStopParser(xmlParserCtxtPtr ctxt)
{
    LOAD();
    f.stop_parser(ctxt);
}

void
xmlFreeParserCtxt(xmlParserCtxtPtr ctxt)
{
    LOAD();
    f.free_parser_ctxt(ctxt);
}

void
xmlFreeDoc(xmlDocPtr cur)
{
    LOAD();
    f.free_doc(cur);
}

void
xmlSetStructuredErrorFunc(void *ctx, xmlStructuredErrorFunc handler)
{
    LOAD();
    f.set_structured_error(ctx, handler);
}
