/* See LICENSE file for copyright and license details. */
#include <time.h>

#include "clock.h"

long long
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
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
