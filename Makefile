# docker-cleaner: see README.
#   make            ./docker-cleaner, static, musl (make TLS=0: without TLS)
#   make check      the unit tests, then integration tests against private
#                   real dockerds (slow; tests/run.sh)
#   make install    the program, man page, systemd units and config file
#   make clean      removes build/ and ./docker-cleaner
# The test variants (make SANITIZE=1, valgrind, fuzz, notls, bench) are
# in tests/variants.mk; the packages: make deb, make image (src/dist/).
VERSION = 0.1.0
CC = musl-gcc
# TLS=1: tcp:// hosts with TLS (BearSSL from Debian's source package, built
# with musl-gcc into build/bearssl once); TLS=0: unix sockets only
TLS = 1
CFLAGS = -std=c11 -Os -Wall -Wextra -Wpedantic -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wpointer-arith -Wsign-compare \
	-Wformat=2 -Wno-format-nonliteral -ffunction-sections -fdata-sections \
	-fno-asynchronous-unwind-tables -fno-unwind-tables
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DVERSION=\"$(VERSION)\" -Ibuild/include -Ibuild/bearssl/include -I.
LDFLAGS = -static -s -Wl,--gc-sections -Wl,--build-id=none \
	-Wl,--sort-section=alignment
# -static makes an executable loaded at a fixed address (not a PIE), so
# the objects of musl-gcc builds need no position-independent code either:
# -fno-pie (absolute addresses) saves about 2 KB of text. The clang and
# glibc builds (SANITIZE=1, valgrind, fuzz) link PIEs and keep the default.
NOPIE = $(if $(filter musl-gcc,$(CC)),-fno-pie)
UNIT_LDFLAGS = -static
B = build
PROG = docker-cleaner

# every module but main.c: the unit tests link these too
LIB = cleaner cleaner_ev conn disk docker docker_ev docker_obj docker_req \
	docker_sys evict fmt http id idtab inventory jcheck json jstream log \
	loop metrics optab optab_usage opts parse policy report state util \
	sweep x509 keep
HDR = $(wildcard src/*.h)
UNIT = $(wildcard tests/unit/*.c)

# the variants (SANITIZE=1 changes CC, B, PROG and TLS above, so it comes
# before anything uses them); `all` stays the default target
.DEFAULT_GOAL = all
include tests/variants.mk

OBJ = $(LIB:%=$(B)/%.o)
# the TLS module of the program; tests and fuzzers link the one without
ifeq ($(TLS),1)
TLSOBJ = $(B)/conn_tls.o $(B)/tls_load.o $(B)/conn_tcp.o \
	build/bearssl/libbearssl.a
else
TLSOBJ = $(B)/conn_notls.o
endif

all: $(PROG)

# unit tests, then integration tests against private real dockerds
check: $(PROG) $(B)/unit notls $(CHECKDEPS)
	$(CHECKENV) NOTLS=$(CURDIR)/$(NOTLS) sh tests/run.sh

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

clean:
	rm -rf build docker-cleaner

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

# ---------------------------------------------------------------- the rules

# what the build needs from Debian (musl-gcc, jsmn.h): installed if missing
build/.deps: .ci/deps.sh
	@mkdir -p build/include
	sh .ci/deps.sh
	cp /usr/include/jsmn.h build/include/jsmn.h
	@touch $@

build/bearssl/libbearssl.a: .ci/bearssl.sh build/.deps
	sh .ci/bearssl.sh build/bearssl
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
	$(CC) $(CFLAGS) $(NOPIE) $(CPPFLAGS) -c -o $@ $<

# the TLS code after the C library's (-lc first): on a unix socket its
# pages are never run, and the kernel's fault-around maps none of them
$(PROG): $(OBJ) $(B)/main.o $(TLSOBJ) $(B)/.tls-$(TLS)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) $(B)/main.o -lc $(TLSOBJ)

$(B)/unit: $(OBJ) $(B)/conn_notls.o $(UNIT) tests/unit/unit.h
	$(CC) $(CFLAGS) $(CPPFLAGS) -Isrc $(UNIT_LDFLAGS) -o $@ $(UNIT) $(OBJ) \
	    $(B)/conn_notls.o

.PHONY: all check clean deb image image-context install uninstall
