/* See LICENSE file for copyright and license details. */
/*
 * The value syntaxes of the options: sizes ("10G") and durations ("90s").
 * Owns nothing but the two parsers (declared in opts.h).
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "opts.h"
#include "util.h"

int
parse_size(const char *str, long long *out, const char **why)
{
	unsigned long long ip = 0, fp = 0, fscale = 1, mult = 1, v;
	const char *p = str;
	int digits = 0, fdigits = 0, shift = 0;

	if (*p == '\0') {
		*why = "empty";
		return -1;
	}
	if (*p == '-') {
		*why = "negative";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (ip > (ULLONG_MAX - 9) / 10)
			goto big;
		ip = ip * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (fdigits == 18)
				goto bad;
			fp = fp * 10 + (unsigned)(*p - '0');
			fscale *= 10;
			fdigits++;
		}
		if (fdigits == 0)
			goto bad;
	}
	if (digits == 0)
		goto bad;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		goto bad;
	mult = 1ULL << shift;
	if (ip > (unsigned long long)LLONG_MAX / mult)
		goto big;
	v = ip * mult;
	/* the fraction: fp / fscale of mult, rounded down to whole bytes */
	if (fdigits) {
		unsigned long long f = 0, q = fp, k;
		/* fp < 10^18 and mult <= 2^40: multiply in parts to stay exact */
		for (k = 0; k < (unsigned long long)shift; k++) {
			q *= 2;
			f = f * 2 + q / fscale;
			q %= fscale;
		}
		if (shift == 0 && fp != 0) {
			*why = "a fraction of a byte";
			return -1;
		}
		if (v > (unsigned long long)LLONG_MAX - f)
			goto big;
		v += f;
	}
	*out = (long long)v;
	return 0;
big:
	*why = "too large";
	return -1;
bad:
	*why = "not a size (a number with an optional K, M, G or T suffix)";
	return -1;
}

int
parse_share(const char *str, int pct, long long *out, const char **why)
{
	size_t n = strlen(str), i;
	long long v = 0;

	if (!pct || n == 0 || str[n - 1] != '%')
		return parse_size(str, out, why);
	for (i = 0; i + 1 < n; i++) {
		if (str[i] < '0' || str[i] > '9' || v > 100)
			break;
		v = v * 10 + (str[i] - '0');
	}
	if (i + 1 < n || n == 1 || v < 1 || v > 100) {
		*why = "not a percentage (a whole number from 1 to 100, then %)";
		return -1;
	}
	*out = -v;
	return 0;
}

const char *
share_text(char *out, size_t n, long long v)
{
	if (v < 0)
		fmt_snprintf(out, n, "%lld%% of the images' filesystem", -v);
	else
		hsize(out, n, v);
	return out;
}

int
parse_duration(const char *str, long long *ms, const char **why)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 }, { "d", 86400000 },
	};
	unsigned long long v = 0;
	const char *p = str;
	size_t i;

	if (*p == '\0') {
		*why = "empty";
		return -1;
	}
	if (*p == '-') {
		*why = "negative";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		/* a year in ms: more digits can only be more than a year */
		if (v > 366ULL * 24 * 3600000) {
			*why = "too large (more than a year)";
			return -1;
		}
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (p == str)
		goto bad;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].unit) == 0) {
			/* v is below 10 years in s: days could overflow */
			if (v > 366ULL * 24 * 3600000 / (unsigned long long)
			    units[i].ms) {
				*why = "too large (more than a year)";
				return -1;
			}
			*ms = (long long)v * units[i].ms;
			if (*ms > 366LL * 24 * 3600000) {
				*why = "too large (more than a year)";
				return -1;
			}
			return 0;
		}
	}
bad:
	*why = "not a duration (a number with ms, s, m, h or d)";
	return -1;
}
