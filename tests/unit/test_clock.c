/* See LICENSE file for copyright and license details. */
/*
 * Times from outside: range-checked before they are multiplied, never
 * later than now, negative ones refused.
 */
#include <limits.h>
#include <stddef.h>

#include "unit.h"
#include "clock.h"

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

const struct unit_test clock_tests[] = {
	UNIT(clamp_seconds),
	UNIT(clamp_nanoseconds),
	UNIT(clamp_now),
	{ NULL, NULL }
};
