# tests/variants.mk, included by the Makefile: the builds and runs that
# test the program rather than make it. Read by make before the Makefile's
# own rules, after its variables (CC, CFLAGS, B, PROG, TLS, LIB, HDR).
#   make SANITIZE=1 [check]   clang with ASan and UBSan, in build/san/
#   make valgrind             memcheck on integration runs (build/vg/)
#   make notls                the build without TLS (build/notls/)
#   make fuzz [FUZZ_SECONDS=] libFuzzer targets (build/fuzz/)
#   make bench [BENCH_QUICK=1] benchmarks (tests/bench/, BENCHMARKS.md)

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

# clang, with the sanitizer and libFuzzer runtimes: installed if missing
build/.sandeps: .ci/deps.sh
	@mkdir -p build
	sh .ci/deps.sh clang
	@touch $@

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

# (the make files too: the bounds above are compiled in)
build/fuzz/%.o: src/%.c $(HDR) config.h build/.deps build/.sandeps Makefile \
    tests/variants.mk
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

.PHONY: bench fuzz notls plain valgrind
