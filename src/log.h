/* See LICENSE file for copyright and license details. */
/*
 * Levelled, timestamped lines on stderr. Text that came from the daemon goes
 * through san() (or LOG_SAN) first, so no control byte reaches the log.
 */
enum { L_ERROR, L_WARN, L_INFO, L_DEBUG };

extern int log_level;	/* highest level printed; L_WARN by default */

void logm(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define err(...)	logm(L_ERROR, __VA_ARGS__)
#define warn(...)	logm(L_WARN, __VA_ARGS__)
#define info(...)	logm(L_INFO, __VA_ARGS__)
#define dbg(...)	logm(L_DEBUG, __VA_ARGS__)

/*
 * Copy n bytes of s into out (size outsz, outsz > 0) with every byte outside
 * printable ASCII replaced by '?', truncating with "..." if needed. Returns
 * out, always NUL-terminated.
 */
char *san(char *out, size_t outsz, const char *s, size_t n);
