/* See LICENSE file for copyright and license details. */
/*
 * The state file (state.h): read, checked whole, and written atomically.
 * Owns whether the last save failed (logged once per run of failures).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"
#include "bounds.h"
#include "util.h"
#include "id.h"
#include "log.h"
#include "state.h"

static const char magic[] = "docker-cleaner state 1";
static int failing;	/* the last save failed: do not log again */

#define LINE_MAX_ 128	/* longest valid line is 7 + 64 + 1 + 19 bytes */
#define TMP_FLAGS (O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC)

/* one record line; 0 or -1 */
static int
record(const char *s, size_t n, struct id *id, long long *t)
{
	unsigned long long v = 0;
	size_t i;

	if (n < 73 || s[71] != ' ' || id_parse(s, 71, id) < 0)
		return -1;
	for (i = 72; i < n; i++) {
		if (s[i] < '0' || s[i] > '9' || v > (ULLONG_MAX - 9) / 10)
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (i == 72 || i - 72 > 19 || v > LLONG_MAX)
		return -1;
	*t = (long long)v;
	return 0;
}

/* read the file once: check only (fn NULL), or deliver; 0 or -1 */
static int
scan(int fd, const char *path,
    void (*fn)(void *, const struct id *, long long), void *ctx)
{
	char buf[4096], line[LINE_MAX_];
	size_t n = 0, lineno = 0, records = 0;
	ssize_t r;
	struct id id;
	long long t, now = now_ns();
	int i;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return -1;
	while ((r = read(fd, buf, sizeof buf)) > 0) {
		for (i = 0; i < r; i++) {
			if (buf[i] != '\n') {
				if (n == sizeof line)
					goto bad;
				line[n++] = buf[i];
				continue;
			}
			if (lineno++ == 0) {
				if (n != sizeof magic - 1 ||
				    memcmp(line, magic, n) != 0)
					goto bad;
			} else if (record(line, n, &id, &t) < 0) {
				goto bad;
			} else if (++records > IMAGE_MAX) {
				goto bad;
			} else if (fn) {
				/* a use from the future is a use now */
				fn(ctx, &id, t_clamp(t, 1, now));
			}
			n = 0;
		}
	}
	if (r < 0) {
		warn("state file %s: %s; starting without it", path,
		    strerror(errno));
		return -1;
	}
	if (n != 0 || lineno == 0)	/* truncated, or empty */
		goto bad;
	return 0;
bad:
	warn("state file %s: not a valid state file (line %zu); starting "
	    "without it", path, lineno);
	return -1;
}

int
state_load(const char *path,
    void (*fn)(void *, const struct id *, long long), void *ctx)
{
	int fd, r;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT) {
			warn("state file %s: not there yet; starting without "
			    "it", path);
			return 1;
		}
		warn("state file %s: %s; starting without it", path,
		    strerror(errno));
		return -1;
	}
	r = scan(fd, path, NULL, NULL);
	if (r == 0)
		r = scan(fd, path, fn, ctx);
	close(fd);
	return r;
}

int
state_save(const char *path, int (*next)(void *, struct id *, long long *),
    void *ctx)
{
	char tmp[PATH_LEN + 8], dir[PATH_LEN], buf[4096], hex[ID_TEXT];
	struct id id;
	long long t;
	size_t n;
	char *slash;
	int fd, dfd, k;

	if (fmt_snprintf(tmp, sizeof tmp, "%s.tmp", path) >= (int)sizeof tmp)
		return -1;
	fmt_snprintf(dir, sizeof dir, "%s", path);
	if ((slash = strrchr(dir, '/')))
		*(slash == dir ? slash + 1 : slash) = '\0';
	else
		fmt_snprintf(dir, sizeof dir, ".");
	/*
	 * A new file, never through a symlink: whatever is at PATH.tmp (a
	 * stale one, or a link planted there) is removed, and a link planted
	 * again before the open makes it fail.
	 */
	if (unlink(tmp) < 0 && errno != ENOENT && errno != ENOTDIR)
		goto fail;
	fd = open(tmp, TMP_FLAGS, 0600);
	if (fd < 0 && errno == ENOENT && mkdir(dir, 0700) == 0)
		fd = open(tmp, TMP_FLAGS, 0600);
	if (fd < 0)
		goto fail;
	n = (size_t)fmt_snprintf(buf, sizeof buf, "%s\n", magic);
	while (next(ctx, &id, &t)) {
		if (sizeof buf - n < LINE_MAX_) {
			if (write_all(fd, buf, n) < 0)
				goto failfd;
			n = 0;
		}
		k = fmt_snprintf(buf + n, sizeof buf - n, "%s %lld\n",
		    id_image(&id, hex), t);
		n += (size_t)k;
	}
	if (write_all(fd, buf, n) < 0 || fsync(fd) < 0)
		goto failfd;
	if (close(fd) < 0)
		goto fail;
	if (rename(tmp, path) < 0)
		goto fail;
	failing = 0;
	/* the rename itself must reach the disk */
	if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
failfd:
	close(fd);
fail:
	/* once per run of failures: it is retried every second */
	logm(failing ? L_DEBUG : L_WARN, "state file %s: cannot write: %s",
	    path, strerror(errno));
	failing = 1;
	unlink(tmp);
	return -1;
}
