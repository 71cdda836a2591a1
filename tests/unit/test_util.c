/* See LICENSE file for copyright and license details. */
/*
 * The small helpers of util.c. rfc3339_ns: the times of image inspect
 * (Created, Metadata.LastTagTime), strict, with its range bounded by what
 * a long long of ns can hold. t_clamp: times from outside, range-checked
 * before they are multiplied, never later than now, negative ones refused.
 * Hex digits, whole files, the write loop, time as text, verbosity.
 */
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "bounds.h"
#include "log.h"
#include "util.h"

#define S 1000000000LL
#define NOW (1800000000LL * S + 123456789LL)	/* 2027-01-15 */

static int
clamp_seconds(void)
{
	check(t_clamp(0, S, NOW) == 0);
	check(t_clamp(1700000000LL, S, NOW) == 1700000000LL * S);
	check(t_clamp(NOW / S, S, NOW) == NOW / S * S);	/* the last exact */
	check(t_clamp(NOW / S + 1, S, NOW) == NOW);
	/* a "Created" of 9.3e12 s: x 1e9 would overflow */
	check(t_clamp(9300000000000LL, S, NOW) == NOW);
	check(t_clamp(9300000000LL, S, NOW) == NOW);
	check(t_clamp(LLONG_MAX, S, NOW) == NOW);
	check(t_clamp(-1, S, NOW) == -1);
	check(t_clamp(LLONG_MIN, S, NOW) == -1);
	return 0;
}

static int
clamp_nanoseconds(void)
{
	check(t_clamp(NOW, 1, NOW) == NOW);
	check(t_clamp(NOW - 1, 1, NOW) == NOW - 1);
	check(t_clamp(NOW + 1, 1, NOW) == NOW);
	check(t_clamp(LLONG_MAX, 1, NOW) == NOW);
	check(t_clamp(LLONG_MAX - 1, 1, NOW) == NOW);
	check(t_clamp(-5, 1, NOW) == -1);
	check(t_clamp(LLONG_MIN, 1, NOW) == -1);
	return 0;
}

/* the real clock: a time from the future is the present */
static int
clamp_now(void)
{
	long long t0 = now_ns(), t, t1;

	t = t_clamp(LLONG_MAX, 1, now_ns());
	t1 = now_ns();
	check(t0 > 1600000000LL * S);
	check(t >= t0 && t <= t1);
	return 0;
}

static int
parse(const char *s, long long *ns)
{
	return rfc3339_ns(s, strlen(s), ns);
}

static int
t3339_good(void)
{
	long long ns;

	check(parse("1970-01-01T00:00:00Z", &ns) == 0 && ns == 0);
	check(parse("2024-01-01T00:00:00Z", &ns) == 0 &&
	    ns == 1704067200LL * 1000000000LL);
	/* Go's RFC3339Nano: trailing zeros of the fraction dropped */
	check(parse("2024-01-01T00:00:00.5Z", &ns) == 0 &&
	    ns == 1704067200LL * 1000000000LL + 500000000LL);
	check(parse("2023-11-15T10:20:30.123456789Z", &ns) == 0 &&
	    ns == 1700043630LL * 1000000000LL + 123456789LL);
	/* offsets: the same instant */
	check(parse("2024-01-01T02:30:00+02:30", &ns) == 0 &&
	    ns == 1704067200LL * 1000000000LL);
	check(parse("2023-12-31T22:00:00.000000001-02:00", &ns) == 0 &&
	    ns == 1704067200LL * 1000000000LL + 1);
	/* leap days; lower case t and z (RFC 3339 5.6 allows them) */
	check(parse("2024-02-29T00:00:00Z", &ns) == 0 &&
	    ns == 1709164800LL * 1000000000LL);
	check(parse("2000-02-29t00:00:00z", &ns) == 0 &&
	    ns == 951782400LL * 1000000000LL);
	/* the last representable ns */
	check(parse("2262-04-11T23:47:16.854775807Z", &ns) == 0 &&
	    ns == 9223372036854775807LL);
	return 0;
}

static int
t3339_bad(void)
{
	static const char *const bad[] = {
		"", "2024", "2024-01-01", "2024-01-01T00:00:00",
		"2024-01-01 00:00:00Z", "2024-1-01T00:00:00Z",
		"2024-01-01T00:00:00ZZ", "2024-01-01T00:00:00Z ",
		" 2024-01-01T00:00:00Z", "2024-01-01T00:00:00.Z",
		"2024-01-01T00:00:00.1234567890Z", "2024-01-01T00:00:00.1",
		"2024-13-01T00:00:00Z", "2024-00-01T00:00:00Z",
		"2024-01-00T00:00:00Z", "2024-01-32T00:00:00Z",
		"2023-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2024-04-31T00:00:00Z", "2024-01-01T24:00:00Z",
		"2024-01-01T00:60:00Z", "2024-01-01T00:00:60Z",
		"2024-01-01T00:00:00+24:00", "2024-01-01T00:00:00+01:60",
		"2024-01-01T00:00:00+0100", "2024-01-01T00:00:00+01",
		"+024-01-01T00:00:00Z", "2024-01-01T0a:00:00Z",
		"2024-01-01T00:00:00.-1Z",
		/* before 1970, or past 2262-04-11T23:47:16.854775807Z */
		"0001-01-01T00:00:00Z", "1969-12-31T23:59:59.999999999Z",
		"1970-01-01T00:30:00+01:00", "2262-04-11T23:47:16.854775808Z",
		"2262-04-11T23:47:17Z", "9999-12-31T23:59:59Z",
		"2262-04-11T22:47:17-01:00",
	};
	long long ns = 42;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		check(parse(bad[i], &ns) == -1 && ns == 42);
	/* only n bytes are read: no terminator needed */
	check(rfc3339_ns("2024-01-01T00:00:00Z", 19, &ns) == -1);
	check(rfc3339_ns("2024-01-01T00:00:00.5", 21, &ns) == -1);
	check(rfc3339_ns("2024-01-01T00:00:00ZX", 20, &ns) == 0 &&
	    ns == 1704067200LL * 1000000000LL);
	return 0;
}

static int
thsize(void)
{
	char b[64];

	check(strcmp(hsize(b, sizeof b, 0), "0 bytes") == 0);
	check(strcmp(hsize(b, sizeof b, 512), "512 bytes") == 0);
	check(strcmp(hsize(b, sizeof b, 1023), "1023 bytes") == 0);
	check(strcmp(hsize(b, sizeof b, 1024), "1.0 KiB (1024 bytes)") == 0);
	check(strcmp(hsize(b, sizeof b, 1536), "1.5 KiB (1536 bytes)") == 0);
	check(strcmp(hsize(b, sizeof b, 1073741824LL),
	    "1.0 GiB (1073741824 bytes)") == 0);
	check(strcmp(hsize(b, sizeof b, 5LL << 40),
	    "5.0 TiB (5497558138880 bytes)") == 0);
	/* rounding to 1024.0 goes one unit up */
	check(strcmp(hsize(b, sizeof b, 1048575), "1.0 MiB (1048575 bytes)")
	    == 0);
	check(strcmp(hsize(b, sizeof b, 1048524),
	    "1023.9 KiB (1048524 bytes)") == 0);
	/* beyond TiB stays in TiB */
	check(strcmp(hsize(b, sizeof b, 2048LL << 40),
	    "2048.0 TiB (2251799813685248 bytes)") == 0);
	/* bounded by outsz */
	check(strcmp(hsize(b, 5, 1073741824LL), "1.0 ") == 0);
	return 0;
}

static int
thex(void)
{
	static const unsigned char b[] = { 0x00, 0x0f, 0xa5, 0xff };
	unsigned char o[4] = { 1, 2, 3, 4 };
	char s[16];

	check(hex_val('0') == 0 && hex_val('9') == 9 && hex_val('a') == 10 &&
	    hex_val('f') == 15 && hex_val('A') == 10 && hex_val('F') == 15);
	check(hex_val('g') == -1 && hex_val('G') == -1 && hex_val('/') == -1 &&
	    hex_val(':') == -1 && hex_val('@') == -1 && hex_val('`') == -1 &&
	    hex_val(0) == -1 && hex_val(-1) == -1);
	check(strcmp(hex_encode(s, b, 4, 0), "000fa5ff") == 0);
	check(strcmp(hex_encode(s, b, 4, 1), "000FA5FF") == 0);
	check(strcmp(hex_encode(s, b, 0, 0), "") == 0);
	check(hex_decode(o, "000fA5Ff", 4) == 0 && memcmp(o, b, 4) == 0);
	check(hex_decode(o, "0g", 1) == -1 && hex_decode(o, "g0", 1) == -1);
	check(hex_decode(o, " 0", 1) == -1);
	/* only 2n digits are read */
	check(hex_decode(o, "ffzz", 1) == 0 && o[0] == 0xff);
	return 0;
}

static int
tfmt_time(void)
{
	char b[32];

	check(strcmp(fmt_time(b, sizeof b, 0), "1970-01-01T00:00:00Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 1704067200LL * S + 999999999LL),
	    "2024-01-01T00:00:00Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 951782400LL * S),
	    "2000-02-29T00:00:00Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, -1), "never") == 0);
	/* too small: empty, not undefined */
	check(strcmp(fmt_time(b, 10, 0), "") == 0);
	check(strcmp(fmt_time(b, 20, 0), "") == 0);
	check(strcmp(fmt_time(b, 21, 0), "1970-01-01T00:00:00Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 2147483648LL * S),
	    "2038-01-19T03:14:08Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 4107542399LL * S),
	    "2100-02-28T23:59:59Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 4107542400LL * S),
	    "2100-03-01T00:00:00Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 951868799LL * S),
	    "2000-02-29T23:59:59Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, 978307199LL * S),
	    "2000-12-31T23:59:59Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, NOW), "2027-01-15T08:00:00Z") == 0);
	/* the latest t_clamp gives: LLONG_MAX ns */
	check(strcmp(fmt_time(b, sizeof b, LLONG_MAX),
	    "2262-04-11T23:47:16Z") == 0);
	check(strcmp(fmt_time(b, sizeof b, LLONG_MIN), "never") == 0);
	return 0;
}

/* fmt_time as gmtime_r and strftime give it, over its whole range */
static int
tfmt_time_libc(void)
{
	char a[32], b[32];
	unsigned long long x = 88172645463325252ULL;	/* xorshift64 */
	long long ns;
	struct tm tm;
	time_t t;
	int i;

	for (i = 0; i < 200000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		ns = i < 1000 ? (long long)i * 86399 * S :
		    (long long)(x >> 1);
		t = (time_t)(ns / S);
		check(gmtime_r(&t, &tm) != NULL);
		check(strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%SZ", &tm) == 20);
		check(strcmp(fmt_time(b, sizeof b, ns), a) == 0);
	}
	return 0;
}

static int
tfiles(void)
{
	char path[] = "/tmp/dc-unit-util.XXXXXX", buf[16];
	size_t n = 99;
	int fd;

	check((fd = mkstemp(path)) >= 0);
	check(write_all(fd, "hello, world\n", 13) == 0);
	check(write_all(fd, "", 0) == 0);
	close(fd);
	check(read_file(path, buf, sizeof buf, &n) == 0 && n == 13 &&
	    memcmp(buf, "hello, world\n", 13) == 0);
	/* at most cap bytes: a full buffer says the file may be larger */
	check(read_file(path, buf, 5, &n) == 0 && n == 5 &&
	    memcmp(buf, "hello", 5) == 0);
	unlink(path);
	check(read_file(path, buf, sizeof buf, &n) == -1 && errno == ENOENT &&
	    n == 0);
	check(read_file("/", buf, sizeof buf, &n) == -1 && errno == EISDIR);
	check(write_all(-1, "x", 1) == -1 && errno == EBADF);
	return 0;
}

static int
tverbose(void)
{
	check(verbose_level(0) == L_WARN);
	check(verbose_level(1) == L_INFO);
	check(verbose_level(2) == L_DEBUG);
	check(verbose_level(10) == L_DEBUG);
	return 0;
}

/* str_dec as strtoll(s, end, 10), str_find as strstr */
static int
tstr(void)
{
	static const char *const in[] = { "0", "42", "-42", "+7x", "  12 ",
	    "\t\n-3", "", " ", "-", "+", "x1", "- 5", "007", "1.41",
	    "9223372036854775807", "9223372036854775808",
	    "-9223372036854775808", "-9223372036854775809",
	    "99999999999999999999999", "-99999999999999999999999", "-0",
	    "65535", "VmHWM:" };
	static const char *const hay[] = { "", "a", "abc", "aab", "abab",
	    "image already in progress", "[:alpha:]", "ab:]" };
	static const char *const w[] = { "", "a", "b", "ab", "abc", "ba",
	    "already in progress", ":]", "progress!" };
	char *e1, *e2;
	size_t i, k;

	for (i = 0; i < sizeof in / sizeof in[0]; i++) {
		check(str_dec(in[i], &e1) == strtoll(in[i], &e2, 10));
		check(e1 == e2);
		check(str_dec(in[i], NULL) == strtoll(in[i], NULL, 10));
	}
	for (i = 0; i < sizeof hay / sizeof hay[0]; i++)
		for (k = 0; k < sizeof w / sizeof w[0]; k++)
			check(str_find(hay[i], w[k]) == strstr(hay[i], w[k]));
	return 0;
}

static int
tmono(void)
{
	long long a = mono_ms(), b = mono_ms();

	check(a >= 0 && b >= a);
	return 0;
}

/* pages of p[0..n) resident (mincore), counted */
static size_t
resident(const char *p, size_t n)
{
	static unsigned char vec[4 * POPULATE_CHUNK / 4096 + 1];
	size_t page = (size_t)sysconf(_SC_PAGESIZE), i, k = 0;

	if (n / page > sizeof vec || mincore((void *)p, n, vec) < 0)
		return (size_t)-1;
	for (i = 0; i < n / page; i++)
		k += vec[i] & 1;
	return k;
}

/*
 * mem_ahead: nothing for a table under POPULATE_CHUNK; past it, the pages
 * up to a chunk ahead of use are in at once, and no further
 */
static int
tahead(void)
{
	static char t[4 * POPULATE_CHUNK] __attribute__((aligned(65536)));
	size_t page = (size_t)sysconf(_SC_PAGESIZE), done = 0;
	size_t c = POPULATE_CHUNK;

	check(page <= c && c % page == 0);
	check(resident(t, sizeof t) == 0);
	mem_ahead(t, c - 1, sizeof t, &done);
	check(done == 0 && resident(t, sizeof t) == 0);
	mem_ahead(t, c, sizeof t, &done);
	check(done == 2 * c);
	check(resident(t, 2 * c) == 2 * c / page);
	check(resident(t + 2 * c, 2 * c) == 0);
	/* within what is done: no call, nothing more */
	mem_ahead(t, 2 * c - 1, sizeof t, &done);
	check(done == 2 * c && resident(t + 2 * c, 2 * c) == 0);
	/* near the end: up to the table's end, not past it */
	mem_ahead(t, 3 * c + 1, sizeof t, &done);
	check(done == sizeof t && resident(t, sizeof t) == sizeof t / page);
	return 0;
}

const struct unit_test util_tests[] = {
	UNIT(thsize),
	UNIT(t3339_good),
	UNIT(t3339_bad),
	UNIT(clamp_seconds),
	UNIT(clamp_nanoseconds),
	UNIT(clamp_now),
	UNIT(thex),
	UNIT(tfmt_time),
	UNIT(tfmt_time_libc),
	UNIT(tfiles),
	UNIT(tverbose),
	UNIT(tmono),
	UNIT(tstr),
	UNIT(tahead),
	{ NULL, NULL }
};
