/* See LICENSE file for copyright and license details. */
/*
 * The formatter of fmt.c: every conversion, flag, width and precision the
 * program uses, against written-out expectations and against the libc's
 * snprintf; truncation and the returned length; the extremes of each
 * integer type; conversions it does not know (copied, no argument read);
 * output to a file descriptor and the buffered standard output.
 */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "unit.h"
#include "bounds.h"
#include "fmt.h"

/*
 * fmt_vsnprintf (loose) and the libc's vsnprintf (libc) without the
 * compiler's format check: for formats it warns about (on purpose here)
 */
static int
via(int (*fn)(char *, size_t, const char *, va_list), char *b, size_t n,
    const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = fn(b, n, f, ap);
	va_end(ap);
	return r;
}
#define loose(...) via(fmt_vsnprintf, __VA_ARGS__)
#define libc(...) via(vsnprintf, __VA_ARGS__)

/* fmt_snprintf into a buffer of n, its result compared with want */
#define SAME(n, want, ...) SAME_(fmt_snprintf, n, want, __VA_ARGS__)
#define LOOSE(n, want, ...) SAME_(loose, n, want, __VA_ARGS__)
#define SAME_(fn, n, want, ...) do { \
	char b_[256]; \
	int r_ = fn(b_, (n), __VA_ARGS__); \
	check(r_ == (int)strlen(want)); \
	check(strcmp(b_, (want)) == 0); \
} while (0)

static int
conversions(void)
{
	SAME(256, "plain", "plain");
	SAME(256, "", "%s", "");
	SAME(256, "a 7 b", "a %d b", 7);
	SAME(256, "-42 -42 42", "%d %i %u", -42, -42, 42u);
	SAME(256, "-2147483648 2147483647", "%d %d", INT_MIN, INT_MAX);
	SAME(256, "4294967295", "%u", UINT_MAX);
	SAME(256, "-9223372036854775808", "%lld", LLONG_MIN);
	SAME(256, "9223372036854775807", "%lld", LLONG_MAX);
	SAME(256, "18446744073709551615", "%llu", ULLONG_MAX);
	SAME(256, "-9223372036854775808", "%ld", LONG_MIN);
	SAME(256, "18446744073709551615", "%zu", SIZE_MAX);
	SAME(256, "0 0 0", "%zu %lld %ld", (size_t)0, 0LL, 0L);
	SAME(256, "x=Q%", "x=%c%%", 'Q');
	SAME(256, "100%", "%d%%", 100);
	LOOSE(256, "(null)", "%s", (char *)NULL);
	return 0;
}

static int
widths(void)
{
	SAME(256, "ab        |", "%-10s|", "ab");
	SAME(256, "        ab|", "%10s|", "ab");
	SAME(256, "abcdefghijkl|", "%-10s|", "abcdefghijkl");
	SAME(256, "   7|", "%4u|", 7u);
	SAME(256, "12345|", "%4u|", 12345u);
	SAME(256, "05 00 -5", "%02d %02d %02d", 5, 0, -5);
	SAME(256, "-05", "%03d", -5);
	SAME(256, "007 000000042", "%03lld %09lld", 7LL, 42LL);
	SAME(256, "1234", "%03lld", 1234LL);
	SAME(256, "[   ]", "[%*s]", 3, "");
	SAME(256, "[x  ]", "[%*s]", -3, "x");	/* negative: left */
	SAME(256, "[]", "[%*s]", 0, "");
	SAME(256, "x  |", "%-3c|", 'x');
	SAME(256, "  -1|", "%4d|", -1);
	SAME(256, "-1  |", "%-4d|", -1);
	LOOSE(256, "-1  |", "%-04d|", -1);	/* '-' wins over '0' */
	return 0;
}

static int
precisions(void)
{
	SAME(256, "abc", "%.3s", "abcdef");
	SAME(256, "ab", "%.3s", "ab");
	SAME(256, "", "%.0s", "abc");
	SAME(256, "abcd", "%.*s", 4, "abcdefgh");
	SAME(256, "ab", "%.*s", 2, "ab\0cd");
	SAME(256, "abcdefgh", "%.*s", -1, "abcdefgh");	/* none */
	/* not NUL-terminated within the precision: read no further */
	{
		char raw[3] = { 'x', 'y', 'z' };

		SAME(256, "xyz", "%.3s", raw);
		SAME(256, "xy", "%.*s", 2, raw);
	}
	SAME(256, "abcdefghijkl|", "%-12.12s|", "abcdefghijklmnop");
	SAME(256, "abc         |", "%-12.12s|", "abc");
	SAME(256, "0042 -0042", "%.4d %.4d", 42, -42);
	SAME(256, "[]", "[%.0d]", 0);
	SAME(256, "[  ]", "[%2.0u]", 0u);
	LOOSE(256, "  042", "%05.3d", 42);	/* precision: '0' ignored */
	return 0;
}

static int
truncation(void)
{
	char b[8];

	memset(b, 'Z', sizeof b);
	check(fmt_snprintf(b, 0, "%s", "hello") == 5);
	check(b[0] == 'Z');			/* n = 0: nothing written */
	check(fmt_snprintf(NULL, 0, "%d-%s", 12, "ab") == 5);
	check(fmt_snprintf(b, 1, "%s", "hello") == 5);
	check(b[0] == '\0' && b[1] == 'Z');
	memset(b, 'Z', sizeof b);
	check(fmt_snprintf(b, 6, "%s", "hello") == 5);	/* exact */
	check(strcmp(b, "hello") == 0 && b[6] == 'Z');
	memset(b, 'Z', sizeof b);
	check(fmt_snprintf(b, 5, "%s", "hello") == 5);	/* one short */
	check(strcmp(b, "hell") == 0 && b[5] == 'Z');
	memset(b, 'Z', sizeof b);
	check(fmt_snprintf(b, 4, "%05d|%-4s|", 42, "x") == 11);
	check(strcmp(b, "000") == 0 && b[4] == 'Z');
	memset(b, 'Z', sizeof b);
	check(fmt_snprintf(b, 3, "%lld", LLONG_MIN) == 20);
	check(strcmp(b, "-9") == 0 && b[3] == 'Z');
	return 0;
}

/* what the formatter does not know: as written, no argument taken */
static int
unknown(void)
{
	LOOSE(256, "%f 7", "%f %d", 7);
	LOOSE(256, "%x|ab", "%x|%s", "ab");
	LOOSE(256, "%hd 3", "%hd %d", 3);
	LOOSE(256, "%lc 3", "%lc %d", 3);
	LOOSE(256, "%-5.2q 9", "%-5.2q %d", 9);
	LOOSE(256, "%*q 9", "%*q %d", 9);	/* no '*' read either */
	LOOSE(256, "end %", "end %");
	LOOSE(256, "end %-4", "end %-4");
	LOOSE(256, "%lllu 5", "%lllu %d", 5);
	return 0;
}

/* the same text as the libc's snprintf, for each format the program uses */
static int
against_libc(void)
{
	static const long long v[] = { 0, 1, -1, 9, 10, -10, 99, 12345,
	    -987654321, INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN };
	static const char *const s[] = { "", "a", "abcdefghijklmnopqrstuvwxyz",
	    "tab\there" };
	char a[128], b[128];
	size_t i, k, n;
	int ra, rb;

	for (i = 0; i < sizeof v / sizeof v[0]; i++) {
		for (n = 0; n <= 22; n += 3) {
			ra = libc(a, n, "%lld|%03lld|%09lld|%d|%02d|%4u|%ld",
			    v[i], v[i], v[i], (int)v[i], (int)v[i],
			    (unsigned)v[i], (long)v[i]);
			rb = fmt_snprintf(b, n,
			    "%lld|%03lld|%09lld|%d|%02d|%4u|%ld", v[i], v[i],
			    v[i], (int)v[i], (int)v[i], (unsigned)v[i],
			    (long)v[i]);
			check(ra == rb);
			check(n == 0 || strcmp(a, b) == 0);
			ra = libc(a, n, "%llu %zu %u", (unsigned long long)v[i],
			    (size_t)v[i], (unsigned)v[i]);
			rb = fmt_snprintf(b, n, "%llu %zu %u",
			    (unsigned long long)v[i], (size_t)v[i],
			    (unsigned)v[i]);
			check(ra == rb);
			check(n == 0 || strcmp(a, b) == 0);
		}
	}
	for (k = 0; k < sizeof s / sizeof s[0]; k++) {
		ra = libc(a, sizeof a,
		    "%-10s|%-24s|%.60s|%.*s|%-12.12s|%*s|%-6s|%4s|%c", s[k],
		    s[k], s[k], 3, s[k], s[k], 5, s[k], s[k], s[k], 'z');
		rb = fmt_snprintf(b, sizeof b,
		    "%-10s|%-24s|%.60s|%.*s|%-12.12s|%*s|%-6s|%4s|%c", s[k],
		    s[k], s[k], 3, s[k], s[k], 5, s[k], s[k], s[k], 'z');
		check(ra == rb && strcmp(a, b) == 0);
	}
	return 0;
}

/*
 * To a file descriptor, and through the buffered standard output more
 * than its buffer holds: all the text, in order.
 */
static int
to_fd(void)
{
	static char want[OUT_BUF * 2], got[OUT_BUF * 9];
	char path[] = "/tmp/dc-unit-fmt.XXXXXX";
	size_t i, len = 0, bar = 6 + sizeof want - 1;
	ssize_t n;
	int fd, saved;

	check((fd = mkstemp(path)) >= 0);
	unlink(path);
	memset(want, 'a', sizeof want);
	want[sizeof want - 1] = '\0';
	check(fmt_dprintf(fd, "[%d %s]", -3, "x") == 6);
	check(fmt_dprintf(fd, "%s|", want) == (int)sizeof want);
	/* standard output: fd 1 is the file for a while */
	fflush(stdout);
	check((saved = dup(1)) >= 0);
	check(dup2(fd, 1) == 1);
	for (i = 0; i < 3; i++)
		check(fmt_printf("%s", want) == (int)sizeof want - 1);
	check(fmt_putchar('!') == '!');
	check(fmt_printf("%zu", (size_t)42) == 2);
	fmt_flush();
	check(dup2(saved, 1) == 1);
	close(saved);
	check(lseek(fd, 0, SEEK_SET) == 0);
	while (len < sizeof got &&
	    (n = read(fd, got + len, sizeof got - len)) > 0)
		len += (size_t)n;
	close(fd);
	check(len == bar + 1 + 3 * (sizeof want - 1) + 3);
	check(memcmp(got, "[-3 x]", 6) == 0);
	check(got[bar] == '|');
	for (i = 6; i < bar + 1 + 3 * (sizeof want - 1); i++)
		check(got[i] == (i == bar ? '|' : 'a'));
	check(memcmp(got + i, "!42", 3) == 0);
	return 0;
}

const struct unit_test fmt_tests[] = {
	UNIT(conversions),
	UNIT(widths),
	UNIT(precisions),
	UNIT(truncation),
	UNIT(unknown),
	UNIT(against_libc),
	UNIT(to_fd),
	{ NULL, NULL }
};
