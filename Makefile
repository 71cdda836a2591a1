# docker-cleaner: see README. `make` builds ./docker-cleaner, static, musl.
VERSION = 0.1.0
CC = musl-gcc
# TLS=1: tcp:// hosts with TLS (BearSSL from Debian's source package, built
# with musl-gcc into build/bearssl once); TLS=0: unix sockets only
TLS = 1
CFLAGS = -std=c11 -Os -Wall -Wextra -Wpedantic -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wpointer-arith -Wsign-compare \
	-Wformat=2 -Wno-format-nonliteral -ffunction-sections -fdata-sections
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DVERSION=\"$(VERSION)\" -Ibuild/include -Ibuild/bearssl/include -I.
LDFLAGS = -static -s -Wl,--gc-sections
UNIT_LDFLAGS = -static
B = build
PROG = docker-cleaner

# ASan and UBSan: the SANITIZE=1 build and the fuzz targets
SANFLAGS = -g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
# make SANITIZE=1 [check]: clang and glibc, in build/san/ (the program is
# build/san/docker-cleaner, without TLS). `make check SANITIZE=1` runs the
# unit tests and the core and resilience tests on it, and the hostile tests
# on a sanitizer copy of their own, besides the plain program's suite; a
# sanitizer report fails it
SANITIZE = 0
ifeq ($(SANITIZE),1)
CC = clang
CFLAGS += $(SANFLAGS)
LDFLAGS =
UNIT_LDFLAGS =
B = build/san
PROG = $(B)/docker-cleaner
TLS = 0
SANDEPS = build/.sandeps
CHECKDEPS = plain
CHECKENV = UNIT=$(B)/unit SAN_PROG=$(CURDIR)/$(PROG) \
	SAN_LOG=$(CURDIR)/$(B)/report ASAN_OPTIONS=log_path=$(CURDIR)/$(B)/report \
	UBSAN_OPTIONS=log_path=$(CURDIR)/$(B)/report:print_stacktrace=1
endif

# every module but main.c: the unit tests link these too
LIB = cleaner conn docker docker_ev docker_req evict http id idtab metrics report \
	inventory json jstream log loop clock optab optab_usage opts parse \
	policy state util x509
OBJ = $(LIB:%=$(B)/%.o)
HDR = $(wildcard src/*.h)
# the TLS module of the program; tests and fuzzers link the one without
ifeq ($(TLS),1)
TLSOBJ = $(B)/conn_tls.o $(B)/tls_load.o $(B)/conn_tcp.o \
	build/bearssl/libbearssl.a
else
TLSOBJ = $(B)/conn_notls.o
endif
UNIT = $(wildcard tests/unit/*.c)

all: $(PROG)

# what the build needs from Debian (musl-gcc, jsmn.h): installed if missing
build/.deps: src/deps.sh
	@mkdir -p build/include
	sh src/deps.sh
	cp /usr/include/jsmn.h build/include/jsmn.h
	@touch $@

# clang, with the sanitizer and libFuzzer runtimes: installed if missing
build/.sandeps: src/deps.sh
	@mkdir -p build
	sh src/deps.sh clang
	@touch $@

build/bearssl/libbearssl.a: src/bearssl.sh build/.deps
	sh src/bearssl.sh build/bearssl
	@touch $@

$(B)/conn_tls.o $(B)/tls_load.o: build/bearssl/libbearssl.a

# relink when TLS= changes
$(B)/.tls-$(TLS):
	@mkdir -p $(@D)
	@rm -f $(B)/.tls-*
	@touch $@

# made when missing; an existing config.h is the user's and is kept
config.h: config.h.def
	@if [ -f $@ ]; then \
		echo "warning: config.h.def changed; merge it into config.h" >&2; \
		touch $@; \
	else \
		cp config.h.def $@; \
	fi

$(B)/%.o: src/%.c $(HDR) config.h build/.deps $(SANDEPS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

$(PROG): $(OBJ) $(B)/main.o $(TLSOBJ) $(B)/.tls-$(TLS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(B)/main.o $(TLSOBJ)

$(B)/unit: $(OBJ) $(B)/conn_notls.o $(UNIT) tests/unit/unit.h
	$(CC) $(CFLAGS) $(CPPFLAGS) -Isrc $(UNIT_LDFLAGS) -o $@ $(UNIT) $(OBJ) \
	    $(B)/conn_notls.o

# unit tests, then integration tests against private real dockerds
check: $(PROG) $(B)/unit notls $(CHECKDEPS)
	$(CHECKENV) NOTLS=$(CURDIR)/$(NOTLS) sh tests/run.sh

# ./docker-cleaner as a plain `make` builds it (for SANITIZE=1)
plain:
	@$(MAKE) --no-print-directory SANITIZE=0 docker-cleaner

# valgrind (memcheck) on the core and resilience integration runs: a glibc
# build with debug information (build/vg/), run through a wrapper
valgrind: build/.deps config.h
	@$(MAKE) --no-print-directory TLS=0 SANITIZE=0 CC=gcc B=build/vg \
	    PROG=build/vg/docker-cleaner.bin LDFLAGS= \
	    CFLAGS="$(CFLAGS) -g -O1" build/vg/docker-cleaner.bin
	sh tests/valgrind.sh build/vg

# the build without TLS, which `make check` tests too
NOTLS = build/notls/docker-cleaner
notls:
	@$(MAKE) --no-print-directory TLS=0 SANITIZE=0 B=build/notls \
	    PROG=$(NOTLS) $(NOTLS)

# libFuzzer targets build/fuzz/fuzz_NAME (tests/fuzz/fuzz_NAME.c), each
# run FUZZ_SECONDS from a copy of tests/fuzz/corpus/NAME/; fails on a crash
# or a leak. Buffers and windows are made small enough for inputs to fill.
FUZZ = http json docker config size state x509
FUZZ_SECONDS = 60
FUZZ_CC = clang
FUZZ_CFLAGS = $(CFLAGS) $(SANFLAGS) -DHTTP_HEAD_MAX=2048 -DHTTP_RECV_MAX=4096 \
	-DREPLY_WINDOW=4096 -DEVENT_WINDOW=2048
FUZZ_OBJ = $(LIB:%=build/fuzz/%.o) build/fuzz/conn_notls.o

# (the Makefile too: the bounds above are compiled in)
build/fuzz/%.o: src/%.c $(HDR) config.h build/.deps build/.sandeps Makefile
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CPPFLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<

build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.c tests/fuzz/fuzz.h \
    $(FUZZ_OBJ)
	$(FUZZ_CC) $(FUZZ_CFLAGS) $(CPPFLAGS) -Isrc -fsanitize=fuzzer -o $@ $< \
	    tests/fuzz/fuzz.c $(FUZZ_OBJ)

fuzz: $(FUZZ:%=build/fuzz/fuzz_%)
	FUZZ_SECONDS=$(FUZZ_SECONDS) sh tests/fuzz/run.sh $(FUZZ)

.PRECIOUS: build/fuzz/%.o

# benchmarks against the reference, a real dockerd and a replay server
# (tests/bench/, results in build/bench/; see BENCHMARKS.md). Never part of
# `make check`; BENCH_QUICK=1 for a smoke run
bench: docker-cleaner
	bash tests/bench/run.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the program, its man page,
# the systemd units and the config file (written only when missing: an
# existing one is the administrator's). make uninstall removes them (the
# config file only when it is still the example). Files in src/dist/.
PREFIX = /usr/local
BINDIR = $(PREFIX)/bin
MANDIR = $(PREFIX)/share/man
UNITDIR = $(PREFIX)/lib/systemd/system
SYSCONFDIR = /etc
DESTDIR =
CONF = $(SYSCONFDIR)/docker-cleaner/docker-cleaner.json
UNITS = docker-cleaner.service docker-cleaner@.service
SUBST = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'

install: $(PROG)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man8 \
	    $(DESTDIR)$(UNITDIR) $(DESTDIR)$(SYSCONFDIR)/docker-cleaner
	install -m 0755 $(PROG) $(DESTDIR)$(BINDIR)/docker-cleaner
	$(SUBST) src/dist/docker-cleaner.8 > $(DESTDIR)$(MANDIR)/man8/docker-cleaner.8
	for u in $(UNITS); do \
		$(SUBST) src/dist/$$u > $(DESTDIR)$(UNITDIR)/$$u || exit 1; \
	done
	chmod 0644 $(DESTDIR)$(MANDIR)/man8/docker-cleaner.8 \
	    $(UNITS:%=$(DESTDIR)$(UNITDIR)/%)
	@if [ -e $(DESTDIR)$(CONF) ]; then \
		echo "$(DESTDIR)$(CONF) exists: kept"; \
	else \
		echo "install -m 0644 src/dist/docker-cleaner.json $(DESTDIR)$(CONF)"; \
		install -m 0644 src/dist/docker-cleaner.json $(DESTDIR)$(CONF); \
	fi

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/docker-cleaner \
	    $(DESTDIR)$(MANDIR)/man8/docker-cleaner.8 \
	    $(UNITS:%=$(DESTDIR)$(UNITDIR)/%)
	@if cmp -s src/dist/docker-cleaner.json $(DESTDIR)$(CONF); then \
		echo "rm -f $(DESTDIR)$(CONF)"; rm -f $(DESTDIR)$(CONF); \
	elif [ -e $(DESTDIR)$(CONF) ]; then \
		echo "$(DESTDIR)$(CONF) was changed: kept"; \
	fi
	-rmdir $(DESTDIR)$(SYSCONFDIR)/docker-cleaner 2>/dev/null

# make deb: build/docker-cleaner_VERSION_ARCH.deb with dpkg-deb (the TLS
# build installed with PREFIX=/usr; the config file is a conffile)
deb: $(PROG)
	MAKE="$(MAKE)" sh src/dist/deb/build.sh $(VERSION) build

# make image: the scratch image docker-cleaner:VERSION (the static TLS
# build alone), built by the docker CLI from build/image/
image-context: $(PROG)
	sh src/dist/image-context.sh $(PROG) build/image

image: image-context
	docker build -t docker-cleaner:$(VERSION) build/image

clean:
	rm -rf build docker-cleaner

.PHONY: all bench check clean deb fuzz image image-context install notls \
	plain uninstall valgrind
