#!/bin/sh
# Build dependencies from Debian: musl-gcc (musl-tools) and jsmn.h
# (libjsmn-dev); with the argument "clang", instead clang with its
# sanitizer and libFuzzer runtimes (clang, libclang-rt-N-dev), for
# `make SANITIZE=1` and `make fuzz`. Installs what is missing when run as
# root; otherwise names the packages and fails.
need=""
if [ "${1:-}" = clang ]; then
	t=$(mktemp -d /tmp/dcdeps.XXXXXX) || exit 1
	printf 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n)\n%s\n' \
	    '{ (void)d; (void)n; return 0; }' > "$t/probe.c"
	if ! clang -fsanitize=fuzzer,address,undefined -o "$t/probe" \
	    "$t/probe.c" >/dev/null 2>&1; then
		v=$(clang -dumpversion 2>/dev/null | cut -d. -f1)
		need="clang libclang-rt-${v:-14}-dev"
	fi
	rm -rf "$t"
else
	command -v musl-gcc >/dev/null 2>&1 || need="$need musl-tools"
	[ -f /usr/include/jsmn.h ] || need="$need libjsmn-dev"
fi
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "docker-cleaner needs Debian packages:$need (apt-get install$need)" >&2
	exit 1
fi
echo "installing$need"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -q $need >/dev/null 2>&1 ||
	{ apt-get update -q >/dev/null && apt-get install -y -q $need >/dev/null; } ||
	{ echo "apt-get install$need failed" >&2; exit 1; }
