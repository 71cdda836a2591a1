/* See LICENSE file for copyright and license details. */
/*
 * rfc3339_ns: the times of image inspect (Created, Metadata.LastTagTime),
 * strict, with its range bounded by what a long long of ns can hold.
 */
#include <stddef.h>
#include <string.h>

#include "unit.h"
#include "util.h"

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

const struct unit_test util_tests[] = {
	UNIT(thsize),
	UNIT(t3339_good),
	UNIT(t3339_bad),
	{ NULL, NULL }
};
