/* See LICENSE file for copyright and license details. */
/*
 * Wall-clock times, as nanoseconds since the epoch in a long long, and the
 * one way a time read from outside (the daemon, the state file) becomes
 * one: range-checked before any multiplication, never later than now.
 */

/* now, in ns since the epoch */
long long now_ns(void);
/*
 * v, a time in units of unit ns (1e9: seconds, 1: ns) since the epoch, as
 * ns in [0, now]: -1 when v is negative (refused), now when v is later
 * than now (a clock ahead, a corrupt file, a value beyond 2262).
 */
long long t_clamp(long long v, long long unit, long long now);
