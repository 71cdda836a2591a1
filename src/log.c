/* See LICENSE file for copyright and license details. */
/*
 * The log (log.h): one timestamped line per call, written whole to
 * stderr; san() for daemon text. Owns log_level.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fmt.h"
#include "log.h"
#include "util.h"

int log_level = L_WARN;

static const char *const names[] = { "error", "warning", "info", "debug" };

void
logm(int level, const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	size_t n;
	int r;

	if (level > log_level)
		return;
	n = strlen(fmt_time(line, sizeof line, now_ns()));
	r = fmt_snprintf(line + n, sizeof line - n, " docker-cleaner[%ld] %s: ",
	    (long)getpid(), names[level]);
	if (r > 0)
		n += (size_t)r;
	va_start(ap, fmt);
	r = fmt_vsnprintf(line + n, sizeof line - n, fmt, ap);
	va_end(ap);
	if (r < 0)
		r = 0;
	n += (size_t)r;
	if (n > sizeof line - 2)
		n = sizeof line - 2;
	line[n++] = '\n';
	/*
	 * the line in one write (and the rest of a short one after it), so
	 * lines of concurrent writers do not mix
	 */
	(void)write_all(2, line, n);
}

char *
san(char *out, size_t outsz, const char *s, size_t n)
{
	size_t i, o = 0;

	for (i = 0; i < n && o + 1 < outsz; i++) {
		unsigned char c = (unsigned char)s[i];
		out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (i < n && outsz >= 4) {
		o = outsz - 4 < o ? outsz - 4 : o;
		memcpy(out + o, "...", 3);
		o += 3;
	}
	out[o] = '\0';
	return out;
}
