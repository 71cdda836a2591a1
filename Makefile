# docker-cleaner: see README. `make` builds ./docker-cleaner, static, musl.
VERSION = 0.1.0
CC = musl-gcc
TLS = 0
CFLAGS = -std=c11 -Os -Wall -Wextra -Wpedantic -Wstrict-prototypes \
	-Wmissing-prototypes -Wshadow -Wpointer-arith -Wsign-compare \
	-Wformat=2 -Wno-format-nonliteral -ffunction-sections -fdata-sections
CPPFLAGS = -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE \
	-DVERSION=\"$(VERSION)\" -Ibuild/include -I.
LDFLAGS = -static -s -Wl,--gc-sections

# every module but main.c: the unit tests link these too
LIB = cleaner conn docker http id idtab inventory json jstream log opts \
	policy state
OBJ = $(LIB:%=build/%.o)
HDR = $(wildcard src/*.h)
UNIT = $(wildcard tests/unit/*.c)

all: docker-cleaner

# what the build needs from Debian (musl-gcc, jsmn.h): installed if missing
build/.deps: src/deps.sh
	@mkdir -p build/include
	sh src/deps.sh
	cp /usr/include/jsmn.h build/include/jsmn.h
	@touch $@

# made when missing; an existing config.h is the user's and is kept
config.h: config.h.def
	@if [ -f $@ ]; then \
		echo "warning: config.h.def changed; merge it into config.h" >&2; \
		touch $@; \
	else \
		cp config.h.def $@; \
	fi

build/%.o: src/%.c $(HDR) config.h build/.deps
	$(CC) $(CFLAGS) $(CPPFLAGS) -c -o $@ $<

docker-cleaner: $(OBJ) build/main.o
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(OBJ) build/main.o

build/unit: $(OBJ) $(UNIT) tests/unit/unit.h
	$(CC) $(CFLAGS) $(CPPFLAGS) -Isrc -static -o $@ $(UNIT) $(OBJ)

# unit tests, then integration tests against private real dockerds
check: docker-cleaner build/unit
	sh tests/run.sh

clean:
	rm -rf build docker-cleaner

.PHONY: all check clean
