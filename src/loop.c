/* See LICENSE file for copyright and license details. */
/*
 * The daemon loop: a pass, then the live events until a new inventory is
 * due (resync timer, a lost event, a stream that ended), retried with a
 * growing delay; the state file saved at most once a second; new
 * settings on SIGHUP. Owns the settings in force (cl_set) and cl_dirty.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "keep.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "util.h"
#include "opts.h"
#include "metrics.h"
#include "state.h"
#include "cleaner_int.h"
#include "cleaner.h"

_Static_assert(RETRY_MIN_MS >= 1 && RETRY_MIN_MS <= RETRY_MAX_MS,
    "retry delays");

static struct settings *cur;	/* in force (main's); replaced on SIGHUP */
int cl_dirty;			/* uses changed since the state was saved */
static int (*reload_fn)(struct settings *);
static struct target tg;	/* the daemon: parsed from cur->host by main */
static long long saved_at;	/* monotonic ms of the last save */
static int relist;		/* the keep rules changed: a new pass */
static long long pass_t0, pass_ms;	/* the last pass: start (ns), length */
/*
 * zeroes, read until cleaner_run (tests); declared after the small
 * variables above, so that gcc does not place its 8 KiB among them
 * (they then share a page, and its pages are never written)
 */
static struct settings unset;
const struct settings *cl_set = &unset;

static int
next_use(void *ctx, struct id *id, long long *t)
{
	return inv_next_used(ctx, id, t);
}

/* write the state file if it changed; now: or wait out the 1 s spacing */
static void
save_state(int now)
{
	size_t cursor = 0;

	if (!cl_dirty || !cl_set->state_file[0] || cl_set->dry_run ||
	    cl_set->report)
		return;
	if (!now && mono_ms() - saved_at < 1000)
		return;
	saved_at = mono_ms();
	if (state_save(cl_set->state_file, next_use, &cursor) == 0) {
		cl_dirty = 0;
		dbg("state saved to %s", cl_set->state_file);
	}
}

/* a pass: cl_pass(follow), counted and written to the metrics file */
static int
pass(int follow)
{
	long long start = mono_ms();
	int r;

	pass_t0 = now_ns();
	r = cl_pass(follow);
	pass_ms = mono_ms() - start;
	if (r < 0 && !stopping)
		metrics_error(ME_PASS);
	else if (r == 0 && cl_incomplete)
		metrics_error(ME_INCOMPLETE);
	if (!cur->report)
		metrics_write(cur->metrics_file, r == 0, !cl_incomplete,
		    pass_t0, pass_ms);
	return r;
}

/* SIGHUP: read the settings again; a bad new config keeps the old one */
static void
reload(void)
{
	static struct settings fresh;
	char hs[HSIZE_LEN];

	reloading = 0;
	if (!reload_fn || reload_fn(&fresh) < 0) {
		logerr("configuration not reloaded; keeping the old one");
		return;
	}
	/* TLS files are read once, at startup: the connection stays too */
	if (strcmp(fresh.host, cur->host) != 0 || fresh.tls != cur->tls)
		warn("reload: host and TLS settings change at a restart only");
	memcpy(fresh.host, cur->host, sizeof fresh.host);
	fresh.tls = cur->tls;
	save_state(1);
	/* new keep rules: each image's bit is set again by a new listing */
	relist |= memcmp(&fresh.keep, &cur->keep, sizeof cur->keep) != 0 ||
	    memcmp(&fresh.keep_label, &cur->keep_label,
	    sizeof cur->keep_label) != 0;
	*cur = fresh;
	log_level = verbose_level(cur->verbose);
	info("configuration reloaded: quota %s",
	    share_text(hs, sizeof hs, cur->quota));
}

/*
 * Follow the live stream. Returns when it fails, when a new inventory is
 * due (resync interval, a lost event), or on stop: 1 when the new
 * inventory was planned, 0 otherwise.
 */
static int
follow_events(void)
{
	long long due = cur->resync_ms ? mono_ms() + cur->resync_ms : -1, left;
	long long young;
	int was_incomplete = cl_incomplete, planned = 0, r;
	struct event ev;

	info("listening for docker events");
	for (;;) {
		/* a grace period ended (--min-age): decide again */
		if (cl_young_until >= 0 && now_ns() >= cl_young_until) {
			dbg("a grace period ended");
			cl_evict();
		}
		if (reporting) {	/* SIGUSR1 */
			reporting = 0;
			cl_report();
		}
		/* wake for the next resync, and to save state within 1 s */
		left = -1;
		if (due >= 0)
			left = due > mono_ms() ? due - mono_ms() : 0;
		if (cl_dirty && cl_set->state_file[0] && !cl_set->dry_run &&
		    (left < 0 || left > 1000))
			left = 1000;
		/* and when a grace period ends (--min-age) */
		if (cl_young_until >= 0) {
			young = (cl_young_until - now_ns()) / 1000000 + 1;
			young = young < 0 ? 0 : young > 1 << 30 ? 1 << 30 :
			    young;
			if (left < 0 || young < left)
				left = young;
		}
		/*
		 * an int of milliseconds holds 24.8 days: a longer wait
		 * (--resync-interval 30d) wakes sooner and computes again,
		 * not wraps to a negative timeout, which waits for ever
		 */
		if (left > 1 << 30)
			left = 1 << 30;
		if (cl_live_fault) {	/* met between deletions */
			r = cl_live_fault;
			cl_live_fault = 0;
		} else
			r = docker_events_wait(cl_live, (int)left, &ev);
		if (stopping)
			break;
		if (r == EVS_IDLE) {
			save_state(0);
			if (reloading)
				reload();
			if (relist) {
				info("keep rules changed; taking a new "
				    "inventory");
				relist = 0;
				planned = 1;
				break;
			}
			if (due >= 0 && mono_ms() >= due) {
				info("periodic resync");
				planned = 1;
				break;
			}
			continue;	/* a timeout or a signal: still intact */
		}
		if (r == EVS_END || r == EVS_ERROR) {
			warn("event stream of %s ended", cl_set->host);
			break;
		}
		if (r == EVS_SKIP) {
			/* a lost event may be a lost container: start over */
			warn("an event was lost; taking a new inventory");
			break;
		}
		cl_handle(&ev);
		save_state(0);
		if (metrics_changed())	/* deletions between passes */
			metrics_write(cur->metrics_file, 1, !cl_incomplete,
			    pass_t0, pass_ms);
		if (cl_incomplete && !was_incomplete)
			break;	/* take a new inventory */
	}
	docker_events_close(cl_live);
	cl_live = NULL;
	cl_live_fault = 0;
	return planned;
}

static void
sleep_ms(long ms)
{
	/* the signals open inside the wait only: a SIGTERM ends it */
	if (!stopping)
		sig_poll(NULL, 0, (int)ms);
}

int
cleaner_run(struct settings *s, const struct target *t,
    int (*rl)(struct settings *))
{
	long backoff = RETRY_MIN_MS, jitter;
	long long start;

	cl_set = cur = s;	/* not copied: one settings struct touched */
	tg = *t;
	reload_fn = rl;
	keep_rules(&cur->keep, &cur->keep_label);	/* replaced in place */
	inv_init();
	docker_init(&tg);
	if (cur->once || cur->report) {
		if (pass(0) < 0 && !stopping) {
			logerr("pass against %s failed; nothing more %s",
			    cur->host, cur->dry_run ? "would be removed" :
			    "deleted");
			return 1;
		}
		save_state(1);
		if (stopping) {
			info("stopped by a signal");
			return 0;
		}
		if (cl_incomplete) {
			logerr("inventory incomplete; nothing %s",
			    cur->dry_run ? "would be removed" : "deleted");
			return 1;
		}
		if (cl_trouble) {
			logerr("some requests to %s failed", cur->host);
			return 1;
		}
		return 0;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	while (!stopping) {
		if (reloading)
			reload();
		relist = 0;	/* the pass lists anyway */
		docker_init(&tg);
		start = mono_ms();
		if (pass(1) == 0) {
			save_state(0);
			if (follow_events() && !stopping)
				continue;	/* a planned new inventory */
		}
		if (stopping)
			break;
		/*
		 * A stream that lasted was a success: start over at once.
		 * One that failed or lost an event at once is retried with a
		 * growing delay, so a sick daemon gets no tight loop.
		 */
		if (mono_ms() - start > RETRY_MAX_MS) {
			backoff = RETRY_MIN_MS;
			continue;
		}
		jitter = backoff / 4 ? rand() % (backoff / 4) : 0;
		warn("retrying %s in %ld ms", cur->host, backoff + jitter);
		sleep_ms(backoff + jitter);
		backoff = backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
	}
	save_state(1);
	return 0;
}
