/* See LICENSE file for copyright and license details. */
/*
 * Levelled, timestamped lines on stderr. Text that came from the daemon goes
 * through san() (or LOG_SAN) first, so no control byte reaches the log.
 *
 * The error convention, for every module:
 * - a function that can fail returns 0 on success and -1 on failure, the
 *   reason logged (or, before logging is set up, written into an err
 *   buffer of the caller's, which main() prints as one line); any other
 *   return (a count, yes/no, settings_load's 1 for "done") is written in
 *   the function's header comment;
 * - a request to the daemon returns an outcome instead (enum dk in
 *   docker.h: done, gone, conflict, refused, ...); the daemon's message
 *   goes to the log only, never into a decision;
 * - logerr() below only logs at level "error": it never exits;
 * - nothing dies once the daemon loop runs: bad input is refused at
 *   startup (exit status 2, nothing contacted), and only main.c ends the
 *   program, by returning its exit status (0, 1 or 2); no module calls
 *   exit().
 */
enum { L_ERROR, L_WARN, L_INFO, L_DEBUG };

extern int log_level;	/* highest level printed; L_WARN by default */

void logm(int level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
#define logerr(...)	logm(L_ERROR, __VA_ARGS__)
#define warn(...)	logm(L_WARN, __VA_ARGS__)
#define info(...)	logm(L_INFO, __VA_ARGS__)
#define dbg(...)	logm(L_DEBUG, __VA_ARGS__)

/*
 * Copy n bytes of s into out (size outsz, outsz > 0) with every byte outside
 * printable ASCII replaced by '?', truncating with "..." if needed. Returns
 * out, always NUL-terminated.
 */
char *san(char *out, size_t outsz, const char *s, size_t n);
