/* See LICENSE file for copyright and license details. */
/*
 * The cleaner's passes: the startup pass (inventory, use history, state
 * file, stopped-container sweep, eviction), and how an image gets a user
 * and a use (a container's creation, an image mount), which the live
 * events (cleaner_ev.c) share. Owns cl_incomplete, cl_trouble, cl_live
 * and the uses pending while a listing is read. Deletion is evict.c's,
 * the daemon loop loop.c's.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "util.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "keep.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "opts.h"
#include "state.h"
#include "cleaner_int.h"

int cl_incomplete;		/* use of some image is unaccounted for */
int cl_trouble;			/* a request to the daemon failed */
struct evstream *cl_live;

static _Alignas(TABLE_ALIGN) struct use {
	struct id image;
	long long t;
} pend[CONTAINER_MAX];		/* uses of images not tracked yet, to count */
static _Alignas(TABLE_ALIGN) struct pmount {
	struct id ctr;
	long long t;		/* the container was created by then */
	char ref[REF_LEN];	/* the image mounted, as named */
} pmount[MOUNTS_MAX];		/* image mounts of listed containers */
/* their counts, apart: set each pass, they keep no page of pend in use */
static size_t npend, npmount;

static int first_pass = 1;	/* images listed now are tracked */
static int state_merged;	/* the state file was read (after a listing) */

/* log an image that will not be cleaned because nobody used it yet */
void
cl_untracked(struct image *im)
{
	char hex[ID_TEXT];

	if (inv_is_tracked(im) || inv_is_logged(im))
		return;
	info("image %s is loaded but unused, so it won't be cleaned",
	    id_image(&im->k.id, hex));
	inv_logged(im);
}

/* the size of the image ctx names, from the image list */
static int
listed_size(void *ctx, const struct image_rec *r)
{
	struct image_rec *want = ctx;

	if (id_eq(&r->id, &want->id))
		want->size = r->size;
	return 0;
}

/*
 * start counting an image: it has a user now; needs its size: inspect's,
 * but on the containerd store the list's (inspect's counts less there:
 * the host's platform only, unpacked only; one listing, so only there),
 * inspect's when the list cannot give it
 */
static struct image *
track(const struct id *id)
{
	char hex[ID_TEXT];
	struct image *im = inv_image(id);
	struct image_rec want;
	enum dk r;
	int skipped;

	if (im && inv_is_tracked(im))
		return im;
	if (!im || inv_size(im) < 0) {
		if ((r = docker_inspect_image(id_image(id, hex), &cl_ii)) !=
		    DK_DONE) {
			if (r != DK_GONE)
				warn("image %s: size unknown; not managed", hex);
			return NULL;
		}
		want.size = cl_ii.size;
		if (cl_ii.cd_store) {
			/* the list's size, if the list can give it */
			want.id = *id;
			want.size = -1;
			if (docker_images(listed_size, &want, &skipped) !=
			    DK_DONE || want.size < 0)
				want.size = cl_ii.size;
		}
		if (!im && !(im = inv_image_add(id, want.size, 1, NULL)))
			return NULL;
		inv_sized(im, want.size);
		inv_kept(im, cl_ii.kept);
		if (!first_pass)	/* not listed: it came since */
			inv_arrived(im, now_ns());
	}
	inv_track(im);
	return im;
}

static int
list_image(void *ctx, const struct image_rec *r)
{
	struct image *im;
	int isnew;

	(void)ctx;
	if (!(im = inv_image_add(&r->id, r->size, first_pass, &isnew)))
		return 0;
	inv_sized(im, r->size);
	inv_listed(im);
	inv_kept(im, r->kept);	/* the rules in force: again each listing */
	inv_arrived(im, r->created_ns);
	/* not in the last listing: it came since (at startup: unknown) */
	if (isnew && !first_pass)
		inv_arrived(im, now_ns());
	if (!first_pass)
		cl_untracked(im);
	return 0;
}

/* a container whose image mounts are not all known */
static void
mounts_unknown(const struct id *ctr)
{
	char hex[ID_TEXT];

	warn("container %s: its image mounts cannot be read or are more than "
	    "%d; their use is unaccounted for", id_hex(ctr, hex),
	    IMAGE_MOUNTS_MAX);
	cl_incomplete = 1;
}

/* the image mounts of a listed container, placed once the listing is read */
static void
pend_mounts(const struct ctr_rec *r)
{
	char hex[ID_TEXT];
	int i;

	if (r->nmounts < 0) {
		mounts_unknown(&r->id);
		return;
	}
	for (i = 0; i < r->nmounts; i++) {
		if (npmount >= sizeof pmount / sizeof pmount[0]) {
			warn("container %s: no room to count its image mounts "
			    "(MOUNTS_MAX %d)", id_hex(&r->id, hex), MOUNTS_MAX);
			cl_incomplete = 1;
			return;
		}
		pmount[npmount].ctr = r->id;
		/* Created is in seconds: the container was there by its end */
		pmount[npmount].t = r->created > 0 ? r->created + 999999999 : 0;
		memcpy(pmount[npmount++].ref, r->mounts[i], REF_LEN);
	}
}

static int
list_ctr(void *ctx, const struct ctr_rec *r)
{
	char hex[ID_TEXT];
	struct container *c;
	struct image *im;

	(void)ctx;
	if (!r->has_image) {
		warn("container %s: image unknown", id_hex(&r->id, hex));
		cl_incomplete = 1;
		return 0;
	}
	/* a container listed again is the same container: one use */
	if ((c = inv_ctr(&r->id))) {
		if (!id_eq(&c->image, &r->image)) {
			warn("container %s: listed twice with different images",
			    id_hex(&r->id, hex));
			cl_incomplete = 1;
		}
		return 0;
	}
	if (!inv_ctr_add(&r->id, &r->image, r->state)) {
		cl_incomplete = 1;
		return 0;
	}
	/*
	 * The use of an image tracked already counts now (no request); any
	 * other once the listing is read: tracking an image may need a
	 * request, and this reply is still being read on the same
	 * connection. So pend is touched only by containers of images not
	 * tracked yet. (One per container in the table: pend cannot fill
	 * before it; if it did, a use would be lost.)
	 */
	if ((im = inv_image(&r->image)) && inv_is_tracked(im)) {
		inv_used(im, r->created);
		pend_mounts(r);
		return 0;
	}
	if (npend >= sizeof pend / sizeof pend[0]) {
		warn("container %s: no room to count its use",
		    id_hex(&r->id, hex));
		cl_incomplete = 1;
		return 0;
	}
	pend[npend].image = r->image;
	pend[npend++].t = r->created;
	pend_mounts(r);
	return 0;
}

/*
 * Image ID of an image reference (a name or an ID): DK_DONE, or what the
 * lookup gave (DK_GONE for an empty ref). *arrived: when the image named
 * got there at the latest (the later of its Created and LastTagTime), ns;
 * -1 when unknown or ref is an ID.
 */
static enum dk
resolve(const char *ref, struct id *id, long long *arrived)
{
	struct image_head h;
	enum dk r;

	*arrived = -1;
	if (id_parse(ref, strlen(ref), id) == 0)
		return DK_DONE;
	if (!*ref)
		return DK_GONE;
	if ((r = docker_image_head(ref, &h)) != DK_DONE)
		return r;
	*id = h.id;
	*arrived = h.created_ns > h.tagged_ns ? h.created_ns : h.tagged_ns;
	return DK_DONE;
}

/*
 * Container ctr, created by t (ns; 0 unknown), mounts the image named ref:
 * that image has a user, and a use at t. An image that cannot be placed
 * (the name gone, moved since, or not looked up) leaves the inventory
 * incomplete: the mounted image could be any.
 */
static void
mounted(const struct id *ctr, const char *ref, long long t)
{
	char hex[ID_TEXT], ihex[ID_TEXT], s[80];
	struct id img;
	struct image *im;
	long long arrived;
	enum dk r;

	san(s, sizeof s, ref, strlen(ref));
	if ((r = resolve(ref, &img, &arrived)) != DK_DONE ||
	    (t > 0 && arrived > t)) {
		warn("container %s mounts image '%s', which %s; its use is "
		    "unaccounted for", id_hex(ctr, hex), s, r == DK_GONE ?
		    "is gone" : r != DK_DONE ? "cannot be looked up" :
		    "got that name after the container was created");
		cl_incomplete = 1;
		return;
	}
	if (inv_mount_add(ctr, &img) < 0) {
		cl_incomplete = 1;
		return;
	}
	dbg("container %s mounts image %s ('%s')", id_hex(ctr, hex),
	    id_image(&img, ihex), s);
	if ((im = track(&img)) && t > 0) {
		inv_used(im, t);
		cl_dirty = 1;
	}
}

/* a use of an image by a container created at ev->time_ns */
void
cl_created(const struct event *ev, int live_ev)
{
	char hex[ID_TEXT], ihex[ID_TEXT], s[80];
	struct container *c = ev->has_id ? inv_ctr(&ev->id) : NULL;
	static struct ctr_rec cr;
	struct id img;
	struct image *im;
	long long arrived;
	enum dk r = DK_GONE;
	int i;

	if (c) {
		img = c->image;
	} else if (live_ev && ev->has_id &&
	    (r = docker_inspect_container(&ev->id, &cr)) == DK_DONE) {
		/* a new container: a user of its image from now on */
		img = cr.image;
		if (!inv_ctr_add(&ev->id, &img, CS_CREATED)) {
			cl_incomplete = 1;
			return;
		}
		if (cr.nmounts < 0)
			mounts_unknown(&ev->id);
		for (i = 0; i < cr.nmounts; i++)
			mounted(&ev->id, cr.mounts[i], ev->time_ns);
	} else if (live_ev && ev->has_id && r != DK_GONE) {
		warn("container %s: cannot read it", id_hex(&ev->id, hex));
		cl_incomplete = 1;
		return;
	} else if ((r = resolve(ev->image, &img, &arrived)) != DK_DONE) {
		if (r != DK_GONE && ev->image[0]) {
			/* not "no such image": a use we cannot place */
			warn("image '%s': cannot look it up; a use is "
			    "unaccounted for", san(s, sizeof s, ev->image,
			    strlen(ev->image)));
			cl_incomplete = 1;
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
		cl_dirty = 1;
		dbg("image %s used at %lld", id_image(&img, hex), ev->time_ns);
	}
}

static void
fmt_since(char *out, size_t n, long long ns)
{
	fmt_snprintf(out, n, "%lld.%09lld", ns / 1000000000LL, ns % 1000000000LL);
}

/* the daemon's buffer of past events: container creates are uses */
static int
replay_history(long long until)
{
	char u[32];
	struct evstream *es;
	struct event ev;
	int r;

	fmt_since(u, sizeof u, until);
	if (!(es = docker_events_open("1", u)))
		return -1;
	while ((r = docker_events_next(es, &ev)) != EVS_END) {
		if (r == EVS_ERROR || stopping) {
			docker_events_close(es);
			return -1;
		}
		if (r == EVS_VALUE && ev.type == EV_CONTAINER &&
		    ev.action == A_CREATE)
			cl_created(&ev, 0);
	}
	docker_events_close(es);
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
	if (state_merged || !cl_set->state_file[0])
		return;
	state_merged = 1;
	if (state_load(cl_set->state_file, load_use, NULL) == 0)
		info("state loaded from %s", cl_set->state_file);
}

int
cl_pass(int follow)
{
	char since[32];
	struct image *im;
	long long t0, until;
	size_t i, n;
	int skipped, major, minor;

	if (docker_negotiate(cl_set->api_pin) != DK_DONE)
		return -1;
	(void)docker_api(&major, &minor);
	info("daemon %s, API %d.%d", cl_set->host, major, minor);
	/*
	 * the daemon's clock: its live stream starts no later than now, its
	 * history ends no earlier (both now when the clocks agree)
	 */
	t0 = docker_now(0);
	until = docker_now(1);
	fmt_since(since, sizeof since, t0);
	if (follow && !(cl_live = docker_events_open(since, NULL)))
		return -1;
	cl_incomplete = 0;
	cl_disk_pass();
	inv_dropped();		/* what follows counts this pass's own */
	inv_unlist();
	if (docker_images(list_image, NULL, &skipped) != DK_DONE)
		goto fail;
	inv_drop_unlisted();	/* images gone since the last pass */
	merge_state();
	inv_ctr_clear();
	npend = npmount = 0;
	if (docker_containers(list_ctr, NULL, &skipped) != DK_DONE)
		goto fail;
	if (skipped)
		cl_incomplete = 1;
	for (i = 0; i < npend; i++)
		if ((im = track(&pend[i].image)))
			inv_used(im, pend[i].t);
	for (i = 0; i < npmount; i++)
		mounted(&pmount[i].ctr, pmount[i].ref, pmount[i].t);
	if (replay_history(until) < 0)
		goto fail;
	/* images or containers left out: their uses are unaccounted for */
	if ((n = inv_dropped())) {
		logerr("%zu images or containers not managed: the tables are "
		    "full", n);
		cl_incomplete = 1;
	}
	first_pass = 0;
	if (cl_set->report) {	/* --report: print; remove nothing */
		cl_report();
		return stopping ? -1 : 0;
	}
	if (cl_set->rsc == RSC_ALWAYS)
		cl_sweep();
	info("checking image quota");
	cl_evict();
	cl_dirty = 1;
	return stopping ? -1 : 0;
fail:
	if (follow) {
		docker_events_close(cl_live);
		cl_live = NULL;
	}
	return -1;
}

void
cl_forget(void)
{
	first_pass = 1;
	state_merged = 0;
	npend = npmount = 0;
	cl_incomplete = cl_trouble = 0;
}
