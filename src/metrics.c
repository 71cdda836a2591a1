/* See LICENSE file for copyright and license details. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"
#include "bounds.h"
#include "log.h"
#include "metrics.h"
#include "util.h"
#ifdef DC_HIWATER
#include "hiwater.h"
#endif

static const char *const kinds[] = {
	[ME_CONFLICT] = "conflict",
	[ME_REFUSED] = "refused",
	[ME_UNREADABLE] = "unreadable",
	[ME_FAILED] = "failed",
	[ME_PASS] = "pass",
	[ME_INCOMPLETE] = "incomplete",
};
_Static_assert(sizeof kinds / sizeof kinds[0] == ME_KINDS, "kinds[]");

static unsigned long long deleted, deleted_bytes, removed, errors[ME_KINDS];
static long long managed_bytes = -1, quota_bytes = -1;
static long long managed_images = -1;
static char text[METRICS_MAX];
static size_t used;
static int full;		/* text did not fit */
static int changed;		/* a counter moved since the last write */

#ifdef DC_HIWATER
const struct hw_region hw_metrics[] = {
	{"METRICS_MAX", text, sizeof text},
	{0},
};
#endif

void
metrics_deleted(long long bytes)
{
	deleted++;
	changed = 1;
	if (bytes > 0)
		deleted_bytes += (unsigned long long)bytes;
}

void
metrics_removed(void)
{
	removed++;
	changed = 1;
}

void
metrics_error(enum merr kind)
{
	if (kind < ME_KINDS)
		errors[kind]++;
	changed = 1;
}

int
metrics_changed(void)
{
	return changed;
}

void
metrics_managed(size_t images, long long bytes, long long quota)
{
	managed_images = (long long)images;
	managed_bytes = bytes;
	quota_bytes = quota;
}

static void put(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* append to text, bounded; full when it did not fit */
static void
put(const char *fmt, ...)
{
	va_list ap;
	int r;

	if (full)
		return;
	va_start(ap, fmt);
	r = fmt_vsnprintf(text + used, sizeof text - used, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= sizeof text - used)
		full = 1;
	else
		used += (size_t)r;
}

/* HELP and TYPE of name */
static void
head(const char *name, const char *type, const char *help)
{
	put("# HELP docker_cleaner_%s %s\n# TYPE docker_cleaner_%s %s\n",
	    name, help, name, type);
}

static void
gauge(const char *name, const char *help, long long v)
{
	head(name, "gauge", help);
	if (v >= 0)
		put("docker_cleaner_%s %lld\n", name, v);
}

static void
counter(const char *name, const char *help, unsigned long long v)
{
	head(name, "counter", help);
	put("docker_cleaner_%s %llu\n", name, v);
}

/* the text of the metrics into text[0..used); 0, or -1 if too long */
static int
render(int ok, int complete, long long start_ns, long long ms)
{
	size_t k;

	used = 0;
	full = 0;
	gauge("managed_images", "Images counted against the quota at the "
	    "last decision.", managed_images);
	gauge("managed_bytes", "Bytes counted against the quota at the last "
	    "decision.", managed_bytes);
	gauge("quota_bytes", "The quota in bytes.", quota_bytes);
	counter("deleted_images_total", "Images deleted by this process.",
	    deleted);
	counter("deleted_bytes_total", "Bytes of the images deleted by this "
	    "process.", deleted_bytes);
	counter("removed_containers_total", "Stopped containers removed by "
	    "this process.", removed);
	head("errors_total", "counter", "Errors by kind: requests refused "
	    "(conflict, refused), unreadable or failed; passes failed or with "
	    "an incomplete inventory.");
	for (k = 0; k < ME_KINDS; k++)
		put("docker_cleaner_errors_total{kind=\"%s\"} %llu\n", kinds[k],
		    errors[k]);
	head("last_pass_duration_seconds", "gauge", "How long the last pass "
	    "took.");
	put("docker_cleaner_last_pass_duration_seconds %lld.%03lld\n",
	    ms / 1000, ms % 1000);
	head("last_pass_timestamp_seconds", "gauge", "When the last pass "
	    "started, in seconds since the epoch.");
	put("docker_cleaner_last_pass_timestamp_seconds %lld.%03lld\n",
	    start_ns / 1000000000LL, start_ns % 1000000000LL / 1000000LL);
	gauge("last_pass_success", "1 if the last pass could be made.", ok);
	gauge("inventory_complete", "1 if the last pass accounted for the use "
	    "of every image (else nothing is deleted).", ok && complete);
	return full ? -1 : 0;
}

int
metrics_write(const char *path, int ok, int complete, long long start_ns,
    long long ms)
{
	char tmp[PATH_LEN + 8];
	int fd;

	changed = 0;
	if (!path[0])
		return 0;
	if (render(ok, complete, start_ns < 0 ? 0 : start_ns,
	    ms < 0 ? 0 : ms) < 0) {
		logerr("metrics: more than %d bytes; raise METRICS_MAX",
		    METRICS_MAX);
		return -1;
	}
	fmt_snprintf(tmp, sizeof tmp, "%s.XXXXXX", path);
	if ((fd = mkstemp(tmp)) < 0) {
		warn("metrics: %s: %s", tmp, strerror(errno));
		return -1;
	}
	if (fchmod(fd, 0644) < 0 || write_all(fd, text, used) < 0)
		goto fail;
	if (close(fd) < 0) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) < 0)
		goto fail;
	dbg("metrics written to %s", path);
	return 0;
fail:
	warn("metrics: %s: %s", fd < 0 ? path : tmp, strerror(errno));
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	return -1;
}
