/* See LICENSE file for copyright and license details. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "clock.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "jstream.h"
#include "docker.h"
#include "log.h"
#include "hiwater.h"
#include "opts.h"
#include "state.h"
#include "cleaner.h"

_Static_assert(RETRY_MIN_MS >= 1 && RETRY_MIN_MS <= RETRY_MAX_MS,
    "retry delays");

static struct id ids[IMAGE_MAX];	/* images to delete */
static struct id cids[CONTAINER_MAX];	/* containers to remove */
static struct image_info ii;
static struct use {
	struct id image;
	long long t;
} pend[CONTAINER_MAX];		/* uses by listed containers, to count */
static size_t npend;
static struct evstream live, replay;
static struct docker d;
static struct settings cur;	/* in force; replaced on SIGHUP */
static const struct settings *set = &cur;
static int (*reload_fn)(struct settings *);
static struct target tg;	/* the daemon: parsed from cur.host */
static int state_dirty;		/* uses changed since the state was saved */
static long long saved_at;	/* monotonic ms of the last save */

static int first_pass = 1;	/* images listed now are tracked */
static int state_merged;	/* the state file was read (after a listing) */
static int incomplete;		/* use of some image is unaccounted for */
static int trouble;		/* a request to the daemon failed */

void
cleaner_regions(void)
{
	hw_add("EVENT_WINDOW (live)", live.win, sizeof live.win);
	hw_add("EVENT_WINDOW (history)", replay.win, sizeof replay.win);
	hw_add("HTTP_RECV_MAX (live)", live.http.rbuf, sizeof live.http.rbuf);
	hw_add("HTTP_RECV_MAX (history)", replay.http.rbuf,
	    sizeof replay.http.rbuf);
	hw_add("HTTP_RECV_MAX (requests)", d.http.rbuf, sizeof d.http.rbuf);
	hw_add("REFS_BYTES", ii.buf, sizeof ii.buf);
}

static void
fmt_time(char *out, size_t n, long long ns)
{
	struct tm tm;
	time_t t = (time_t)(ns / 1000000000LL);

	if (ns < 0) {
		snprintf(out, n, "never");
		return;
	}
	gmtime_r(&t, &tm);
	strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* log an image that will not be cleaned because nobody used it yet */
static void
untracked(struct image *im)
{
	char hex[ID_TEXT];

	if (im->flags & (IMG_TRACKED | IMG_LOGGED))
		return;
	info("image %s is loaded but unused, so it won't be cleaned",
	    id_image(&im->k.id, hex));
	im->flags |= IMG_LOGGED;
}

/* start counting an image: it has a user now; needs its size */
static struct image *
track(const struct id *id)
{
	char hex[ID_TEXT];
	struct image *im = inv_image(id);

	if (im && (im->flags & IMG_TRACKED))
		return im;
	if (!im || im->size < 0) {
		if (docker_inspect_image(&d, id_image(id, hex), &ii) < 0) {
			if (d.status != 404)
				warn("image %s: size unknown; not managed", hex);
			return NULL;
		}
		if (!im && !(im = inv_image_add(id, ii.size, 1, NULL)))
			return NULL;
		im->size = ii.size;
	}
	im->flags |= IMG_TRACKED;
	return im;
}

static int
list_image(void *ctx, const struct image_rec *r)
{
	struct image *im;

	(void)ctx;
	if (!(im = inv_image_add(&r->id, r->size, first_pass, NULL)))
		return 0;
	im->size = r->size;
	im->flags |= IMG_LISTED;
	if (!first_pass)
		untracked(im);
	return 0;
}

static int
list_ctr(void *ctx, const struct ctr_rec *r)
{
	char hex[ID_TEXT];
	struct container *c;

	(void)ctx;
	if (!r->has_image) {
		warn("container %s: image unknown", id_hex(&r->id, hex));
		incomplete = 1;
		return 0;
	}
	/* a container listed again is the same container: one use */
	if ((c = inv_ctr(&r->id))) {
		if (!id_eq(&c->image, &r->image)) {
			warn("container %s: listed twice with different images",
			    id_hex(&r->id, hex));
			incomplete = 1;
		}
		return 0;
	}
	if (!inv_ctr_add(&r->id, &r->image, r->state)) {
		incomplete = 1;
		return 0;
	}
	/*
	 * The use counts once the listing is read: tracking an image may
	 * need a request, and this reply is still being read on the same
	 * connection. (One per container in the table: pend cannot fill
	 * before it; if it did, a use would be lost.)
	 */
	if (npend >= sizeof pend / sizeof pend[0]) {
		warn("container %s: no room to count its use",
		    id_hex(&r->id, hex));
		incomplete = 1;
		return 0;
	}
	pend[npend].image = r->image;
	pend[npend++].t = r->created;
	return 0;
}

/*
 * Image ID of an image reference (a name or an ID); 0 or -1. *arrived: when
 * the image named got there at the latest (the later of its Created and
 * LastTagTime), ns; -1 when unknown or ref is an ID.
 */
static int
resolve(const char *ref, struct id *id, long long *arrived)
{
	struct image_head h;

	*arrived = -1;
	if (id_parse(ref, strlen(ref), id) == 0)
		return 0;
	if (!*ref || docker_image_head(&d, ref, &h) < 0)
		return -1;
	*id = h.id;
	*arrived = h.created_ns > h.tagged_ns ? h.created_ns : h.tagged_ns;
	return 0;
}

/* a use of an image by a container created at ev->time_ns */
static void
created(const struct event *ev, int live_ev)
{
	char hex[ID_TEXT], ihex[ID_TEXT], s[80];
	struct container *c = ev->has_id ? inv_ctr(&ev->id) : NULL;
	struct id img;
	struct image *im;
	long long arrived;

	if (c) {
		img = c->image;
	} else if (live_ev && ev->has_id &&
	    docker_inspect_container(&d, &ev->id, &img) == 0) {
		/* a new container: a user of its image from now on */
		if (!inv_ctr_add(&ev->id, &img, CS_CREATED)) {
			incomplete = 1;
			return;
		}
	} else if (live_ev && ev->has_id && d.status != 404) {
		warn("container %s: cannot read it", id_hex(&ev->id, hex));
		incomplete = 1;
		return;
	} else if (resolve(ev->image, &img, &arrived) < 0) {
		if (d.status != 404 && ev->image[0]) {
			/* not "no such image": a use we cannot place */
			warn("image '%s': cannot look it up; a use is "
			    "unaccounted for", san(s, sizeof s, ev->image,
			    strlen(ev->image)));
			incomplete = 1;
			return;
		}
		/* a container gone, of an image gone or renamed */
		dbg("container %s: image '%s' unknown; use not counted",
		    ev->has_id ? id_hex(&ev->id, hex) : "?",
		    san(s, sizeof s, ev->image, strlen(ev->image)));
		return;
	} else if (arrived > ev->time_ns) {
		/* the name moved since: the use was of another image */
		dbg("container %s: image '%s' is now %s, which got that name "
		    "after the container was created; use not counted",
		    ev->has_id ? id_hex(&ev->id, hex) : "?",
		    san(s, sizeof s, ev->image, strlen(ev->image)),
		    id_image(&img, ihex));
		return;
	}
	if ((im = track(&img))) {
		inv_used(im, ev->time_ns);
		state_dirty = 1;
		dbg("image %s used at %lld", id_image(&img, hex), ev->time_ns);
	}
}

/* a refused or failed request: logged; a failed one is trouble */
static void
failed(const char *what, const char *id)
{
	if (d.status == 0 || d.status >= 500)
		trouble = 1;
	if (d.status == 0)
		warn("failed to %s %s: no reply", what, id);
	else
		warn("failed to %s %s: %d %s", what, id, d.status, d.msg);
}

static int
removable(void)
{
	/* a second removal of the same container is no failure */
	return d.status == 404 ||
	    (d.status == 409 && strstr(d.msg, "already in progress"));
}

static void
remove_ctr(const struct id *id)
{
	char hex[ID_TEXT];

	id_hex(id, hex);
	if (set->dry_run) {
		printf("would remove container %s\n", hex);
		fflush(stdout);
		return;
	}
	if (docker_remove_container(&d, id) == 0) {
		info("removed container %s", hex);
		inv_ctr_del(id);
	} else if (removable()) {
		dbg("container %s: already removed", hex);
	} else {
		failed("remove container", hex);
	}
}

/* refs of ii, joined, for the log */
static char *
refs_text(char *out, size_t n)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < ii.nrefs && o + 1 < n; i++)
		o += (size_t)snprintf(out + o, n - o, "%s%s", i ? "," : "",
		    ii.refs[i]);
	if (ii.nrefs == 0)
		snprintf(out, n, "untagged");
	san(out, n, out, strlen(out));
	return out;
}

/*
 * Which references of ii go by name before the delete by ID. Without
 * force, the daemon deletes by ID only an image whose references are at
 * most one tag and digests, all of one repository; it removes those with
 * the image. Kept for that: the digests and one tag of one repository (the
 * one with the digests, else the first). The other tags are untagged by
 * name, which can be undone (POST tag); a digest reference cannot be made
 * again, so digests of two repositories: -1, nothing to do.
 */
static int
plan(unsigned char *keep)
{
	const char *kr = NULL;
	size_t kn = 0, n;
	int i, kind, tag_kept = 0;

	for (i = 0; i < ii.nrefs; i++) {
		n = docker_ref_repo(ii.refs[i], &kind);
		if (kind == REF_TAG)
			continue;
		if (!kr) {
			kr = ii.refs[i];
			kn = n;
		} else if (n != kn || memcmp(kr, ii.refs[i], n) != 0) {
			return -1;
		}
	}
	if (!kr && ii.nrefs) {
		kr = ii.refs[0];
		kn = docker_ref_repo(kr, &kind);
	}
	for (i = 0; i < ii.nrefs; i++) {
		n = docker_ref_repo(ii.refs[i], &kind);
		keep[i] = n == kn && memcmp(kr, ii.refs[i], n) == 0 &&
		    (kind != REF_TAG || !tag_kept++);
	}
	return 0;
}

/*
 * Does ref still name the image id (a pull may have moved it)? 0 yes,
 * 1 gone (404), 2 another image's now, -1 unknown (logged).
 */
static int
names(const char *ref, const struct id *id)
{
	char s[80];
	struct image_head h;

	if (docker_image_head(&d, ref, &h) == 0)
		return id_eq(&h.id, id) ? 0 : 2;
	if (d.status == 404)
		return 1;
	failed("look up", san(s, sizeof s, ref, strlen(ref)));
	return -1;
}

/*
 * Tag the image id again with the n references in refs, removed from it
 * by this pass; one that names another image by now is left there.
 */
static void
restore(const struct id *id, const char *const *refs, int n)
{
	char hex[ID_TEXT], s[80];
	int i;

	id_image(id, hex);
	for (i = 0; i < n; i++) {
		san(s, sizeof s, refs[i], strlen(refs[i]));
		switch (names(refs[i], id)) {
		case 0:
			continue;
		case 2:
			warn("tag %s now names another image; not restored on "
			    "image %s", s, hex);
			continue;
		case -1:
			err("tag %s of image %s: not restored", s, hex);
			trouble = 1;
			continue;
		}
		if (docker_tag_image(&d, id, refs[i]) == 0) {
			info("restored tag %s on image %s", s, hex);
		} else if (d.status == 404) {
			dbg("image %s: gone; tag %s not restored", hex, s);
		} else {
			failed("restore tag", s);
			err("tag %s of image %s: not restored", s, hex);
			trouble = 1;
		}
	}
}

/*
 * Delete one image: its other tags by name (each confirmed to name it
 * still), then by ID. When the daemon refuses the delete by ID, the tags
 * removed are put back: the image stays whole.
 */
static void
delete_image(const struct id *id)
{
	char hex[ID_TEXT], refs[320], when[32], s[80];
	const char *gone[REFS_MAX];
	unsigned char keep[REFS_MAX];
	struct image *im = inv_image(id);
	long long last = im ? im->last_used : -1;
	int i, ngone = 0;

	id_image(id, hex);
	if (docker_inspect_image(&d, hex, &ii) < 0) {
		if (d.status == 404) {
			dbg("image %s: already gone", hex);
			inv_image_del(id);
			return;
		}
		if (d.status != 200) {
			failed("read the tags of image", hex);
			return;
		}
		/*
		 * A reply too large or malformed to read: delete by ID alone.
		 * The daemon refuses (409) if the image has several
		 * references, as it does if a container uses it.
		 */
		warn("image %s: its details cannot be read (too large or "
		    "malformed); deleting by ID only", hex);
		ii.nrefs = 0;
		ii.size = im ? im->size : -1;
	}
	refs_text(refs, sizeof refs);
	fmt_time(when, sizeof when, last);
	if (plan(keep) < 0) {
		warn("image %s (%s): digests of several repositories, which "
		    "cannot be restored if the daemon refuses; not deleted",
		    hex, refs);
		return;
	}
	if (set->dry_run) {
		printf("would delete image %s tags=%s size=%lld last_used=%s\n",
		    hex, refs, ii.size, when);
		fflush(stdout);
		inv_image_del(id);	/* as if deleted, for what follows */
		return;
	}
	for (i = 0; i < ii.nrefs; i++) {
		if (keep[i])
			continue;
		san(s, sizeof s, ii.refs[i], strlen(ii.refs[i]));
		switch (names(ii.refs[i], id)) {
		case 1:
			continue;	/* already gone */
		case 2:
			warn("image %s: tag %s names another image now (moved); "
			    "image not deleted in this pass", hex, s);
			restore(id, gone, ngone);
			return;
		case -1:
			restore(id, gone, ngone);
			return;
		}
		if (docker_delete_image(&d, ii.refs[i]) < 0) {
			if (d.status == 404)
				continue;
			failed("untag image", hex);
			restore(id, gone, ngone);
			return;
		}
		gone[ngone++] = ii.refs[i];
	}
	if (docker_delete_image(&d, hex) == 0 || d.status == 404) {
		info("removed image %s (%s), %lld bytes, last used %s", hex,
		    refs, ii.size, when);
		inv_image_del(id);
		return;
	}
	failed("remove image", hex);
	if (ngone) {
		/* refused, or no reply: the image stays, with every tag */
		restore(id, gone, ngone);
		trouble = 1;
	}
}

/* decide and delete; only with a complete inventory */
static void
evict(void)
{
	size_t i, n, ndel;

	if (incomplete) {
		warn("use of some images is unaccounted for: nothing deleted "
		    "until the next full inventory");
		return;
	}
	ndel = inv_decide(set->quota, ids, &n);
	dbg("%zu images managed, %zu to delete", n, ndel);
	for (i = 0; i < ndel && !stopping; i++)
		delete_image(&ids[i]);
}

static void
fmt_since(char *out, size_t n, long long ns)
{
	snprintf(out, n, "%lld.%09lld", ns / 1000000000LL, ns % 1000000000LL);
}

/* the daemon's buffer of past events: container creates are uses */
static int
replay_history(long long until)
{
	char u[32];
	struct event ev;
	int r;

	fmt_since(u, sizeof u, until);
	if (docker_events_open(&d, &replay, "1", u) < 0)
		return -1;
	while ((r = docker_events_next(&replay, &ev)) != JS_END) {
		if (r == JS_ERR || stopping) {
			docker_events_close(&replay);
			return -1;
		}
		if (r == JS_VALUE && ev.type == EV_CONTAINER &&
		    ev.action == A_CREATE)
			created(&ev, 0);
	}
	docker_events_close(&replay);
	return 0;
}

/* a use from the state file, for an image the daemon has */
static void
load_use(void *ctx, const struct id *id, long long t)
{
	struct image *im;

	(void)ctx;
	if ((im = inv_image(id)))
		inv_used(im, t);
}

/*
 * Read the state file once, after the first listing of images: records of
 * images the daemon does not have are dropped, so they never take room in
 * the table from images it has.
 */
static void
merge_state(void)
{
	if (state_merged || !set->state_file[0])
		return;
	state_merged = 1;
	if (state_load(set->state_file, load_use, NULL) == 0)
		info("state loaded from %s", set->state_file);
}

/*
 * The full pass: inventory, history, sweep, eviction. With follow, the
 * live stream is opened first, so nothing between the passes is missed.
 * 0, or -1 (logged) with nothing deleted.
 */
static int
pass(int follow)
{
	char since[32];
	struct image *im;
	long long t0;
	size_t i, n;
	int skipped;

	if (docker_negotiate(&d, set->api_pin) < 0)
		return -1;
	info("daemon %s, API %d.%d", set->host, d.api_major, d.api_minor);
	t0 = now_ns();
	fmt_since(since, sizeof since, t0);
	if (follow && docker_events_open(&d, &live, since, NULL) < 0)
		return -1;
	incomplete = 0;
	inv_dropped();		/* what follows counts this pass's own */
	inv_unlist();
	if (docker_images(&d, list_image, NULL, &skipped) < 0)
		goto fail;
	inv_drop_unlisted();	/* images gone since the last pass */
	merge_state();
	inv_ctr_clear();
	npend = 0;
	if (docker_containers(&d, list_ctr, NULL, &skipped) < 0)
		goto fail;
	if (skipped)
		incomplete = 1;
	for (i = 0; i < npend; i++)
		if ((im = track(&pend[i].image)))
			inv_used(im, pend[i].t);
	if (replay_history(t0) < 0)
		goto fail;
	/* images or containers left out: their uses are unaccounted for */
	if ((n = inv_dropped())) {
		err("%zu images or containers not managed: the tables are "
		    "full", n);
		incomplete = 1;
	}
	first_pass = 0;
	if (set->rsc == RSC_ALWAYS) {
		info("checking for stopped containers");
		n = inv_ctr_in_state(CS_EXITED, cids, CONTAINER_MAX);
		for (i = 0; i < n && !stopping; i++)
			remove_ctr(&cids[i]);
	}
	info("checking image quota");
	evict();
	state_dirty = 1;
	return stopping ? -1 : 0;
fail:
	if (follow)
		docker_events_close(&live);
	return -1;
}

/* one live event */
static void
handle(const struct event *ev)
{
	struct image *im;

	if (ev->type == EV_CONTAINER) {
		switch (ev->action) {
		case A_CREATE:
			created(ev, 1);
			break;
		case A_DIE:
			if (set->rsc != RSC_NEVER && ev->has_id)
				remove_ctr(&ev->id);
			break;
		case A_DESTROY:
			if (ev->has_id)
				inv_ctr_del(&ev->id);
			evict();
			break;
		}
	} else if (ev->type == EV_IMAGE && ev->has_id) {
		if (ev->action == A_DELETE) {
			inv_image_del(&ev->id);
		} else if (ev->action == A_ARRIVE) {
			if ((im = inv_image_add(&ev->id, -1, 0, NULL)))
				untracked(im);
		}
	}
}

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

	if (!state_dirty || !set->state_file[0] || set->dry_run)
		return;
	if (!now && mono_ms() - saved_at < 1000)
		return;
	saved_at = mono_ms();
	if (state_save(set->state_file, next_use, &cursor) == 0) {
		state_dirty = 0;
		dbg("state saved to %s", set->state_file);
	}
}


/* SIGHUP: read the settings again; a bad new config keeps the old one */
static int
reload(void)
{
	static struct settings fresh;
	int reconnect;

	reloading = 0;
	if (!reload_fn || reload_fn(&fresh) < 0) {
		err("configuration not reloaded; keeping the old one");
		return 0;
	}
	/* TLS files are read once, at startup: the connection stays too */
	if (strcmp(fresh.host, cur.host) != 0 || fresh.tls != cur.tls)
		warn("reload: host and TLS settings change at a restart only");
	memcpy(fresh.host, cur.host, sizeof fresh.host);
	fresh.tls = cur.tls;
	reconnect = 0;
	save_state(1);
	cur = fresh;
	log_level = L_WARN + cur.verbose > L_DEBUG ? L_DEBUG :
	    L_WARN + cur.verbose;
	info("configuration reloaded: quota %lld bytes", cur.quota);
	return reconnect;
}

/*
 * Follow the live stream. Returns when it fails, when a new inventory is
 * due (resync interval, a lost event, changed host), or on stop: 1 when
 * the new inventory was planned, 0 otherwise.
 */
static int
follow_events(void)
{
	long long due = cur.resync_ms ? mono_ms() + cur.resync_ms : -1, left;
	int was_incomplete = incomplete, planned = 0, r;
	struct event ev;

	info("listening for docker events");
	for (;;) {
		/* wake for the next resync, and to save state within 1 s */
		left = -1;
		if (due >= 0)
			left = due > mono_ms() ? due - mono_ms() : 0;
		if (state_dirty && set->state_file[0] && !set->dry_run &&
		    (left < 0 || left > 1000))
			left = 1000;
		live.conn.timeout_ms = (int)left;
		live.conn.waited = WAIT_OK;
		r = docker_events_next(&live, &ev);
		if (stopping)
			break;
		if (r == JS_ERR && live.conn.waited != WAIT_OK) {
			save_state(0);
			if (reloading && reload()) {
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
		if (r == JS_END || r == JS_ERR) {
			warn("event stream of %s ended", set->host);
			break;
		}
		if (r == JS_SKIP) {
			/* a lost event may be a lost container: start over */
			warn("an event was lost; taking a new inventory");
			break;
		}
		handle(&ev);
		save_state(0);
		if (incomplete && !was_incomplete)
			break;	/* take a new inventory */
	}
	docker_events_close(&live);
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
cleaner_run(const struct settings *s, const struct target *t,
    int (*rl)(struct settings *))
{
	long backoff = RETRY_MIN_MS, jitter;
	long long start;

	cur = *s;
	set = &cur;
	tg = *t;
	reload_fn = rl;
	inv_init();
	docker_init(&d, &tg);
	if (cur.once) {
		if (pass(0) < 0 && !stopping) {
			err("pass against %s failed; nothing more deleted",
			    cur.host);
			return 1;
		}
		save_state(1);
		if (stopping) {
			info("stopped by a signal");
			return 0;
		}
		if (incomplete) {
			err("inventory incomplete; nothing deleted");
			return 1;
		}
		if (trouble) {
			err("some requests to %s failed", cur.host);
			return 1;
		}
		return 0;
	}
	srand((unsigned)time(NULL) ^ (unsigned)getpid());
	while (!stopping) {
		if (reloading)
			reload();
		docker_init(&d, &tg);
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
		warn("retrying %s in %ld ms", cur.host, backoff + jitter);
		sleep_ms(backoff + jitter);
		backoff = backoff * 2 > RETRY_MAX_MS ? RETRY_MAX_MS : backoff * 2;
	}
	save_state(1);
	return 0;
}
