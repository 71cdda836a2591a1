/* See LICENSE file for copyright and license details. */
/*
 * Small pure helpers with no better home. No I/O.
 */

/*
 * Parse s[0..n) as an RFC 3339 date-time ("2024-05-01T12:00:00.5Z",
 * "...+02:00"; 0 to 9 fraction digits) into nanoseconds since the epoch.
 * Strict: every field in range (days of the month, leap years), nothing
 * before or after. 0, or -1 when malformed or outside what ns since 1970
 * can hold in a long long (1970-01-01 to 2262-04-11T23:47:16.854775807Z),
 * which includes Go's zero time "0001-01-01T00:00:00Z" (unset).
 */
int rfc3339_ns(const char *s, size_t n, long long *ns);

/*
 * Write n bytes (n >= 0) as a human size, 1024-based with one decimal and
 * the exact count: "1.0 GiB (1073741824 bytes)"; below 1 KiB just
 * "512 bytes". Returns out (size outsz > 0), always NUL-terminated.
 */
char *hsize(char *out, size_t outsz, long long n);
