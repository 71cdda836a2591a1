/* See LICENSE file for copyright and license details. */
/*
 * The size and duration parsers (parse_size, parse_duration). The input is
 * the string. Each result is checked against a reference that takes the
 * same syntax but computes in 128-bit integers: the value must be exact
 * (a fraction rounded down to whole bytes), and a value that fits must be
 * accepted.
 */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "opts.h"
#include "log.h"
#include "fuzz.h"

__extension__ typedef unsigned __int128 u128;

#define HUGE ((u128)1 << 120)

static int
digit(char c)
{
	return c >= '0' && c <= '9';
}

/* digits at *p as a number, saturating at HUGE */
static u128
number(const char **p, int *ndig)
{
	u128 v = 0;

	for (*ndig = 0; digit(**p); ++*p, ++*ndig)
		if ((v = v * 10 + (u128)(**p - '0')) > HUGE)
			v = HUGE;
	return v;
}

/* 0 with *out, -1 bad syntax, -2 too large */
static int
ref_size(const char *p, long long *out)
{
	u128 ip, fp = 0, fs = 1, v;
	int nd, fd = 0, shift = 0;

	if (*p == '-')
		return -1;
	ip = number(&p, &nd);
	if (*p == '.') {
		for (p++; digit(*p); p++, fd++) {
			if (fd == 18)
				return -1;	/* parse_size reads 18 at most */
			fp = fp * 10 + (u128)(*p - '0');
			fs *= 10;
		}
		if (fd == 0)
			return -1;
	}
	if (nd == 0)
		return -1;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		return -1;
	if (shift == 0 && fp != 0)
		return -1;
	if (ip >= HUGE)
		return -2;
	v = (ip << shift) + (fp << shift) / fs;
	if (v > LLONG_MAX)
		return -2;
	*out = (long long)v;
	return 0;
}

static int
ref_duration(const char *p, long long *out)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	u128 v;
	size_t i;
	int nd;

	if (*p == '-')
		return -1;
	v = number(&p, &nd);
	if (nd == 0)
		return -1;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].unit) != 0)
			continue;
		if (v >= HUGE || v * (u128)units[i].ms > 366ULL * 24 * 3600000)
			return -2;
		*out = (long long)(v * (u128)units[i].ms);
		return 0;
	}
	return -1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	long long v, rv;
	char *s;
	int r, rr;

	log_level = -1;
	s = malloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	why = NULL;
	v = rv = -1;
	r = parse_size(s, &v, &why);
	rr = ref_size(s, &rv);
	FZ_CHECK(r == 0 || (r == -1 && why != NULL));
	FZ_CHECK((r == 0) == (rr == 0));
	if (r == 0)
		FZ_CHECK(v == rv && v >= 0);

	why = NULL;
	v = rv = -1;
	r = parse_duration(s, &v, &why);
	rr = ref_duration(s, &rv);
	FZ_CHECK(r == 0 || (r == -1 && why != NULL));
	FZ_CHECK((r == 0) == (rr == 0));
	if (r == 0)
		FZ_CHECK(v == rv && v >= 0);
	free(s);
	return 0;
}
