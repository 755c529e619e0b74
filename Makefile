# vmtriage: one C program for ESXi purple screens, VM blue screens and VM audits.
# make            build/vmtriage, its man page and bash completion
# make install    PREFIX=/usr/local (DESTDIR honoured); make uninstall
# make check      every test; ends with "N passed, N failed, N skipped"
# make asan       the same suite under ASan + UBSan
# make static     build-static/vmtriage, statically linked (no vSphere client)
# make fuzz       libFuzzer targets in build-fuzz/
# make bench      bench/run.sh and bench/logs.sh (speed against grep, ripgrep, lnav)

B ?= build
PROG := $(B)/vmtriage
CC ?= cc
CFLAGS ?= -O2 -g
WERROR ?= 1
WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
        -Wformat=2 -Wvla -Wwrite-strings -Wno-format-nonliteral
ifeq ($(WERROR),1)
WARN += -Werror
endif
# yajl: the streaming JSON reader (fix --from, merge, govc JSON inventories)
# nettle: SHA-256 of the files fix --apply changes (in both builds)
PKGS := yaml-0.1 libpcre2-8 libhs zlib libarchive yajl nettle
# The vSphere client (vmtriage vcenter: libcurl, libxml2, OpenSSL for the
# certificate pin) is in the default build; `make static` leaves it out
# (VSPHERE=0: DESIGN.md), and then `vcenter` says it is not built in.
ifeq ($(STATIC),)
VSPHERE ?= 1
else
VSPHERE ?= 0
endif
ifeq ($(VSPHERE),1)
PKGS += libcurl libxml-2.0 libcrypto libssl
CPPFLAGS += -DVT_VSPHERE=1
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config $(STATIC_PC) --libs $(PKGS) 2>/dev/null || echo -lyaml -lpcre2-8 -lhs -lz -larchive -lyajl -lnettle)
# The dynamic build loads libcurl, libxml2, OpenSSL and libarchive on first
# use (src/util/lazy_lib.h: linked, they cost every call ~17 ms of start-up);
# the static build links them in and has no lazy_*.c.
LAZY_LIBS := -lcurl -lxml2 -lssl -lcrypto -larchive
# The libraries every call needs (libyaml, PCRE2, hyperscan with libstdc++,
# zlib, yajl, nettle) are linked from Debian's static archives, and the
# program is not position-independent: then a call maps the built-in rules
# (static data full of pointers, kb_rules.h) as they are, where a PIE has the
# loader patch every pointer first (some 14,000, growing with the rules) and
# the shared libraries' symbols resolved, which took most of a one-screen
# `psod` (issue 20; bench/startup.sh). DYNAMIC_DEPS=1: the old way.
DYNAMIC_DEPS ?= 0
ifeq ($(STATIC),)
ifeq ($(DYNAMIC_DEPS),1)
PKG_LIBS := $(filter-out $(LAZY_LIBS),$(PKG_LIBS)) -ldl
else
PKG_LIBS := -Wl,-Bstatic $(patsubst -lyajl,-lyajl_s,$(filter-out $(LAZY_LIBS),$(PKG_LIBS))) -lstdc++ \
            -Wl,-Bdynamic -static-libgcc -lm -ldl
PROG_LDFLAGS := -no-pie
endif
endif
CPPFLAGS += -Isrc -I$(B) -D_GNU_SOURCE -include src/util/banned.h $(PKG_CFLAGS)
# hyperscan is C++: its static link wants libgcc_eh, not the shared libgcc_s
# Debian names yajl's static archive libyajl_s.a
LDLIBS += $(patsubst -lgcc_s,-lgcc_eh,$(if $(STATIC),$(patsubst -lyajl,-lyajl_s,$(PKG_LIBS)),$(PKG_LIBS))) -lpthread
COMPILE = $(CC) -std=c11 $(CPPFLAGS) $(CFLAGS)

# src/ is laid out by stage (src/README.md); objects mirror it under $(B)/obj/.
SRC := $(sort $(shell find src -name '*.c'))
ifneq ($(VSPHERE),1)
SRC := $(filter-out %vsphere_http.c %vsphere_soap.c %vsphere_xml.c %vsphere_cred.c \
                    %vsphere_client.c %vm_vsphere.c %inv_xlsx.c,$(SRC))
endif
ifneq ($(STATIC),)
SRC := $(filter-out %/lazy_lib.c %/lazy_archive.c %/lazy_curl.c %/lazy_xml.c %/lazy_ssl.c,$(SRC))
else ifneq ($(VSPHERE),1)
SRC := $(filter-out %/lazy_curl.c %/lazy_xml.c %/lazy_ssl.c,$(SRC))
endif
OBJ := $(SRC:src/%.c=$(B)/obj/%.o) $(B)/embedded_data.o $(B)/kb_rules.o $(B)/codepages.o \
       $(B)/prefilter_db.o
# The static binary gets a do-nothing iconv (tools/static_noiconv.c) so that
# glibc's iconv and its run-time gconv loader are never linked in.
ifneq ($(STATIC),)
OBJ += $(B)/static_noiconv.o
NOLOAD_LDFLAGS := -Wl,--wrap=iconv_open -Wl,--wrap=iconv -Wl,--wrap=iconv_close \
                  -Wl,-Map=$(B)/vmtriage.map -Wl,--cref
endif
HOSTCC ?= cc
# test_bundle writes archives with libarchive's writer, which vmtriage does not use.
UNIT_LIBS := $(if $(STATIC),,-larchive)
LIBOBJ := $(filter-out $(B)/obj/main.o,$(OBJ))
RULE_FILES := $(sort $(wildcard rules/*.yml))
DATA := $(RULE_FILES) $(sort $(wildcard data/*.tsv))
UNIT_SRC := $(sort $(shell find tests/unit -name "*.c"))
VERSION := $(shell cat VERSION 2>/dev/null || echo 0.0.0)
PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
DATADIR ?= $(PREFIX)/share/vmtriage

all: $(PROG) $(B)/vmtriage.1 $(B)/vmtriage.bash

# The man page and the completion are written from the binary's own --help
# and --complete output, so they cannot drift from what it accepts.
$(B)/vmtriage.1: $(PROG) README.md tools/gen-man.sh
	sh tools/gen-man.sh $(PROG) README.md $(VERSION) > $@.tmp && mv $@.tmp $@

$(B)/vmtriage.bash: $(PROG) tools/gen-completion.sh
	sh tools/gen-completion.sh $(PROG) > $@.tmp && mv $@.tmp $@

install: $(PROG) $(B)/vmtriage.1 $(B)/vmtriage.bash
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR)
	install -m 755 $(PROG) $(DESTDIR)$(BINDIR)/vmtriage
	install -m 644 $(B)/vmtriage.1 $(DESTDIR)$(MANDIR)/vmtriage.1
	install -m 644 $(B)/vmtriage.bash $(DESTDIR)$(BASHCOMPDIR)/vmtriage
	rm -rf $(DESTDIR)$(DATADIR)/examples/bundle
	install -d $(DESTDIR)$(DATADIR)/examples
	cp -R examples/bundle $(DESTDIR)$(DATADIR)/examples/bundle

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/vmtriage $(DESTDIR)$(MANDIR)/vmtriage.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/vmtriage
	rm -rf $(DESTDIR)$(DATADIR)

$(PROG): $(OBJ)
	$(CC) $(CFLAGS) $(LDFLAGS) $(STATIC) $(PROG_LDFLAGS) $(NOLOAD_LDFLAGS) -o $@ $^ $(LDLIBS)

$(B)/obj/%.o: src/%.c | $(B)
	@mkdir -p $(dir $@)
	$(COMPILE) $(WARN) -DVT_VERSION='"$(VERSION)"' -MMD -MP -c -o $@ $<

# The list of data files is a prerequisite too: a rule file added with an old
# mtime (a checkout, a copy) must still rebuild the embedded data.
$(B)/data.list: FORCE | $(B)
	@echo $(DATA) | cmp -s - $@ || echo $(DATA) > $@

$(B)/embedded_data.c: $(DATA) $(B)/data.list tools/embed.sh | $(B)
	sh tools/embed.sh $(filter-out $(RULE_FILES),$(DATA)) > $@.tmp && mv $@.tmp $@

# The built-in rules as static C data (src/rules/kb_rules.h): compiled from
# the rule files at build time by the program's own loader, linked from the
# other objects, so start-up parses no YAML and builds no rule (issue 20).
$(B)/gen_kb: tools/gen_kb.c tools/gen_lit.h $(filter-out $(B)/obj/main.o $(B)/kb_rules.o $(B)/prefilter_db.o,$(OBJ))
	$(COMPILE) $(WARN) -o $@ $(filter-out %.h,$^) $(LDFLAGS) $(LDLIBS)

$(B)/kb_rules.c: $(B)/gen_kb $(RULE_FILES) $(B)/data.list
	$(B)/gen_kb $(RULE_FILES) > $@.tmp && mv $@.tmp $@

$(B)/kb_rules.o: $(B)/kb_rules.c src/rules/kb_rules.h src/rules/rules_impl.h src/rules/rules.h \
                 src/rules/rule_index.h
	$(COMPILE) -c -o $@ $<

# The built-in rules' log prefilter as hyperscan databases compiled at build
# time (src/rules/log_prefilter.c), by a program linked from the other objects.
$(B)/gen_prefilter: tools/gen_prefilter.c tools/gen_lit.h $(filter-out $(B)/obj/main.o $(B)/prefilter_db.o,$(OBJ))
	$(COMPILE) $(WARN) -o $@ $(filter-out %.h,$^) $(LDFLAGS) $(LDLIBS)

$(B)/prefilter_db.c: $(B)/gen_prefilter
	$(B)/gen_prefilter > $@.tmp && mv $@.tmp $@

$(B)/prefilter_db.o: $(B)/prefilter_db.c src/rules/log_prefilter.h src/rules/kb_rules.h
	$(COMPILE) -c -o $@ $<

$(B)/embedded_data.o: $(B)/embedded_data.c
	$(COMPILE) -c -o $@ $<

# Code-page tables (src/parse/vmx/codepage.c): generated from the build machine's iconv
# by a host program, so the binary carries them and never calls iconv.
$(B)/gen_codepages: tools/gen_codepages.c | $(B)
	$(HOSTCC) -std=c11 -D_GNU_SOURCE -O1 -Wall -Wextra -Werror -o $@ $<

$(B)/codepages.c: $(B)/gen_codepages
	$(B)/gen_codepages > $@.tmp && mv $@.tmp $@

$(B)/codepages.o: $(B)/codepages.c src/parse/vmx/codepage_impl.h
	$(COMPILE) -c -o $@ $<

$(B)/static_noiconv.o: tools/static_noiconv.c tools/check-static.sh | $(B)
	$(COMPILE) $(WARN) -c -o $@ $<

$(B)/unit: $(UNIT_SRC) tests/unit/t.h $(LIBOBJ) | $(B)
	$(COMPILE) $(WARN) -Itests/unit -o $@ $(UNIT_SRC) $(LIBOBJ) $(LDFLAGS) $(LDLIBS) $(UNIT_LIBS)

$(B)/fuzz-replay: fuzz/replay.c $(wildcard fuzz/fuzz_*.c) $(LIBOBJ) | $(B)
	$(COMPILE) $(WARN) -o $@ fuzz/replay.c $(LIBOBJ) $(LDFLAGS) $(LDLIBS)

$(B):
	mkdir -p $@

check: $(PROG) $(B)/vmtriage.1 $(B)/vmtriage.bash $(B)/unit $(B)/fuzz-replay
	@$(MAKE) --no-print-directory static >/dev/null
	@sh tests/run-all.sh $(B)

golden-update: $(PROG)
	GOLDEN_UPDATE=1 sh tests/golden/run.sh $(PROG)

asan:
	$(MAKE) B=build-asan CFLAGS='-O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all' \
	  LDFLAGS='-fsanitize=address,undefined' check

static:
	$(MAKE) B=build-static STATIC=-static STATIC_PC=--static CFLAGS='-O2 -g' LDFLAGS= build-static/vmtriage
	@sh tools/check-static.sh build-static/vmtriage build-static/vmtriage.map || { rm -f build-static/vmtriage; exit 1; }

fuzz:
	$(MAKE) B=build-fuzz CC=clang CFLAGS='-O1 -g -fsanitize=fuzzer-no-link,address,undefined' fuzz-bins

fuzz-bins: $(LIBOBJ)
	for f in fuzz/fuzz_*.c; do \
	  $(CC) -std=c11 $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer -o $(B)/$$(basename $$f .c) $$f $(LIBOBJ) $(LDLIBS) || exit 1; \
	done

bench: $(PROG)
	sh bench/run.sh
	sh bench/logs.sh
	sh bench/bundle.sh
	if command -v go >/dev/null; then sh bench/vcenter.sh; else echo "bench: vcenter skipped (no go)"; fi

example: $(PROG)
	$(PROG) scan examples/datastore || test $$? -le 2

format-check:
	clang-format --dry-run -Werror $(shell find src -name "*.[ch]") $(shell find tests/unit -name "*.[ch]") fuzz/*.c

clean:
	rm -rf build build-asan build-static build-fuzz

FORCE:

.PHONY: FORCE golden-update all install uninstall check asan static fuzz fuzz-bins bench example format-check clean
-include $(OBJ:.o=.d)
