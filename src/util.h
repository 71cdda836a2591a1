/* See LICENSE file for copyright and license details. */
/*
 * The small helpers every module shares, each written once: the clocks
 * (wall-clock ns, monotonic ms) and the one way a time read from outside
 * becomes one (t_clamp); times as text (RFC 3339 in, UTC out); hex digits
 * in and out; a whole small file read into a caller's buffer, and a write
 * loop that writes everything; human sizes; verbosity to log level. Owns
 * no state. Requires stddef.h.
 */

/* now, in ns since the epoch */
long long now_ns(void);
/* the monotonic clock in milliseconds */
long long mono_ms(void);
/*
 * v, a time in units of unit ns (1e9: seconds, 1: ns) since the epoch, as
 * ns in [0, now]: -1 when v is negative (refused), now when v is later
 * than now (a clock ahead, a corrupt file, a value beyond 2262).
 */
long long t_clamp(long long v, long long unit, long long now);

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

/*
 * ns since the epoch as "2024-05-01T12:00:00Z" (UTC, whole seconds), or
 * "never" when ns < 0, into out (size n > 0, 21 bytes for a whole time);
 * returns out.
 */
char *fmt_time(char *out, size_t n, long long ns);

/*
 * strtoll(s, end, 10) without the libc's stdio-based scanner: spaces, a
 * sign, decimal digits; saturates at LLONG_MIN/LLONG_MAX (errno is not
 * set); *end (if end) is past the digits, or s when there is none.
 */
long long str_dec(const char *s, char **end);
/* strstr: where w first starts in s (s itself when w is ""), or NULL */
char *str_find(const char *s, const char *w);

/* the value of hex digit c (0-9, a-f, A-F), or -1 */
int hex_val(int c);
/* the 2n hex digits at s (either case) as n bytes into out; 0 or -1 */
int hex_decode(unsigned char *out, const char *s, size_t n);
/*
 * The n bytes at b as 2n hex digits (upper case when upper) and a NUL
 * into out (2n + 1 bytes); returns out.
 */
char *hex_encode(char *out, const void *b, size_t n, int upper);

/*
 * Read the file at path into buf, at most cap bytes: *len tells how many
 * (cap: the file may be larger). 0, or -1 with errno (open or read).
 */
int read_file(const char *path, char *buf, size_t cap, size_t *len);
/* write all n bytes of buf to fd, again after EINTR; 0 or -1 with errno */
int write_all(int fd, const void *buf, size_t n);

/*
 * A table at base (max bytes) is written up to used bytes: once used
 * passes POPULATE_CHUNK, fault in the pages up to a chunk past it with one
 * call (MADV_POPULATE_WRITE) instead of a fault per page. *done: how far
 * that went (0 at first). An older kernel refuses it: the pages then
 * fault in as they are written, as before.
 */
void mem_ahead(void *base, size_t used, size_t max, size_t *done);

/* the log level (log.h) of -v given v times: L_WARN + v, at most L_DEBUG */
int verbose_level(int v);
