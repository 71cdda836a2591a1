/* See LICENSE file for copyright and license details. */
/* The shared small helpers: see util.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "fmt.h"
#include "log.h"
#include "util.h"

long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

long long
t_clamp(long long v, long long unit, long long now)
{
	if (v < 0 || unit <= 0 || now < 0)
		return -1;
	if (v > now / unit)	/* so v * unit <= now: no overflow */
		return now;
	return v * unit;
}

/* the n digits at s as a number; -1 if any is no digit */
static long
digits(const char *s, size_t n)
{
	long v = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

static int
leap(long y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* days from 1970-01-01 to y-m-d (proleptic Gregorian; y >= 1) */
static long long
days_from_civil(long y, long m, long d)
{
	long long era, yoe, doy, doe;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

int
rfc3339_ns(const char *s, size_t n, long long *ns)
{
	static const char mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	long y, mo, d, h, mi, sec, oh, om, frac = 0;
	long long secs, max_s = 9223372036LL, max_frac = 854775807LL;
	size_t i = 19, k;

	if (n < 20 || s[4] != '-' || s[7] != '-' ||
	    (s[10] != 'T' && s[10] != 't') || s[13] != ':' || s[16] != ':')
		return -1;
	if ((y = digits(s, 4)) < 0 || (mo = digits(s + 5, 2)) < 0 ||
	    (d = digits(s + 8, 2)) < 0 || (h = digits(s + 11, 2)) < 0 ||
	    (mi = digits(s + 14, 2)) < 0 || (sec = digits(s + 17, 2)) < 0)
		return -1;
	if (y < 1 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && leap(y)) || h > 23 || mi > 59 ||
	    sec > 59)
		return -1;
	if (s[i] == '.') {
		for (k = 0; i + 1 + k < n && k < 10 && s[i + 1 + k] >= '0' &&
		    s[i + 1 + k] <= '9'; k++)
			;
		if (k < 1 || k > 9)
			return -1;
		frac = digits(s + i + 1, k);
		i += 1 + k;
		for (; k < 9; k++)
			frac *= 10;
	}
	if (i + 1 == n && (s[i] == 'Z' || s[i] == 'z')) {
		oh = om = 0;
	} else if (i + 6 == n && (s[i] == '+' || s[i] == '-') &&
	    s[i + 3] == ':' && (oh = digits(s + i + 1, 2)) >= 0 &&
	    (om = digits(s + i + 4, 2)) >= 0 && oh <= 23 && om <= 59) {
		if (s[i] == '-') {
			oh = -oh;
			om = -om;
		}
	} else {
		return -1;
	}
	/* |secs| < 2^38 here: no overflow before the range check */
	secs = days_from_civil(y, mo, d) * 86400LL + h * 3600L + mi * 60L + sec -
	    (oh * 3600L + om * 60L);
	if (secs < 0 || secs > max_s || (secs == max_s && frac > max_frac))
		return -1;
	*ns = secs * 1000000000LL + frac;
	return 0;
}

char *
hsize(char *out, size_t outsz, long long n)
{
	static const char *const unit[] = { "KiB", "MiB", "GiB", "TiB" };
	long long d = 1024, t;
	size_t u = 0;

	if (n < 1024) {
		fmt_snprintf(out, outsz, "%lld bytes", n);
		return out;
	}
	while (u + 1 < sizeof unit / sizeof unit[0] && n / d >= 1024) {
		d *= 1024;
		u++;
	}
	/* tenths, rounded half up, in integers: no float formatting */
	t = (n / d) * 10 + ((n % d) * 10 + d / 2) / d;
	if (t >= 10240 && u + 1 < sizeof unit / sizeof unit[0]) {
		/* rounded up to 1024.0: one unit up ("1.0 MiB") */
		d *= 1024;
		u++;
		t = (n / d) * 10 + ((n % d) * 10 + d / 2) / d;
	}
	fmt_snprintf(out, outsz, "%lld.%lld %s (%lld bytes)", t / 10, t % 10,
	    unit[u], n);
	return out;
}

char *
fmt_time(char *out, size_t n, long long ns)
{
	/* civil_from_days (Howard Hinnant's), ns >= 0: days >= 0 */
	long long secs = ns / 1000000000LL, z = secs / 86400 + 719468;
	long long era = z / 146097, doe = z - era * 146097, yoe, doy, mp, y;
	int sod = (int)(secs % 86400);

	if (ns < 0) {
		fmt_snprintf(out, n, "never");
		return out;
	}
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	y = yoe + era * 400 + (mp >= 10);
	if (n < sizeof "2024-05-01T12:00:00Z")
		out[0] = '\0';	/* too small: as strftime did, nothing */
	else
		fmt_snprintf(out, n, "%lld-%02lld-%02lldT%02d:%02d:%02dZ", y,
		    mp < 10 ? mp + 3 : mp - 9, doy - (153 * mp + 2) / 5 + 1,
		    sod / 3600, sod / 60 % 60, sod % 60);
	return out;
}

long long
str_dec(const char *s, char **end)
{
	const char *p = s, *q;
	unsigned long long v = 0, lim = LLONG_MAX;
	unsigned d;
	int neg = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	lim += (unsigned)neg;
	for (q = p; *p >= '0' && *p <= '9'; p++) {
		d = (unsigned)(*p - '0');
		v = v > (lim - d) / 10 ? lim : v * 10 + d;
	}
	if (end)
		*end = (char *)(p > q ? p : s);
	return neg ? -(long long)(v - 1) - 1 : (long long)v;
}

char *
str_find(const char *s, const char *w)
{
	size_t n = strlen(w);

	for (; *s; s++)
		if (strncmp(s, w, n) == 0)
			return (char *)s;
	return n ? NULL : (char *)s;
}

/* a hex digit's value + 1; 0: no hex digit */
static const unsigned char hexv[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5, ['5'] = 6,
	['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

int
hex_val(int c)
{
	return c < 0 || c > 255 ? -1 : hexv[c] - 1;
}

int
hex_decode(unsigned char *out, const char *s, size_t n)
{
	size_t i;
	unsigned hi, lo;

	/* every ID of every listing comes here: a table, no call a digit */
	for (i = 0; i < n; i++) {
		hi = hexv[(unsigned char)s[2 * i]];
		lo = hexv[(unsigned char)s[2 * i + 1]];
		if (!hi || !lo)
			return -1;
		out[i] = (unsigned char)((hi - 1) << 4 | (lo - 1));
	}
	return 0;
}

char *
hex_encode(char *out, const void *b, size_t n, int upper)
{
	const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	const unsigned char *p = b;
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digit[p[i] >> 4];
		out[2 * i + 1] = digit[p[i] & 15];
	}
	out[2 * n] = '\0';
	return out;
}

int
read_file(const char *path, char *buf, size_t cap, size_t *len)
{
	ssize_t r = 0;
	int fd, e;

	*len = 0;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while (*len < cap && (r = read(fd, buf + *len, cap - *len)) != 0) {
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		*len += (size_t)r;
	}
	e = errno;
	close(fd);
	errno = e;
	return r < 0 ? -1 : 0;
}

int
write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t r;

	while (n > 0) {
		if ((r = write(fd, p, n)) < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

int
verbose_level(int v)
{
	return v > L_DEBUG - L_WARN ? L_DEBUG : L_WARN + v;
}

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23	/* Linux 5.14 */
#endif

void
mem_ahead(void *base, size_t used, size_t max, size_t *done)
{
	size_t page, end;
	uintptr_t a, b;

	/* every put comes here: two compares, then the rare work */
	if (used < POPULATE_CHUNK || used <= *done)
		return;
	page = (size_t)sysconf(_SC_PAGESIZE);
	end = used + POPULATE_CHUNK < max ? used + POPULATE_CHUNK : max;
	/* whole pages inside the table only: none of a neighbour's */
	a = ((uintptr_t)base + *done) & ~(uintptr_t)(page - 1);
	if (a < (uintptr_t)base)
		a += page;
	b = ((uintptr_t)base + end) & ~(uintptr_t)(page - 1);
	if (a < b)
		madvise((void *)a, b - a, MADV_POPULATE_WRITE);
	*done = end;
}
