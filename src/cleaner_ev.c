/* See LICENSE file for copyright and license details. */
/*
 * The live events: each one keeps the inventory up to date (a container
 * created is a use, a destroy asks for an eviction, an image deleted is
 * forgotten once the daemon says it is gone, an image tagged is matched
 * against the keep rules again), and the events read between deletions.
 * Owns cl_live_fault.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "keep.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "opts.h"
#include "cleaner_int.h"

int cl_live_fault;

/*
 * An image that arrived again (a new tag) may match a keep rule now: read
 * it again; one that cannot be read is kept until the next listing
 */
static void
rematch(struct image *im)
{
	char hex[ID_TEXT];
	struct id id = im->k.id;
	enum dk r;

	if (!keep_any() || inv_size(im) < 0)
		return;		/* not known yet: read when it is tracked */
	if ((r = docker_inspect_image(id_image(&id, hex), &cl_ii)) == DK_DONE)
		inv_kept(im, cl_ii.kept);
	else if (r != DK_GONE && (im = inv_image(&id)))
		inv_kept(im, 1);
}

/*
 * An image delete event: the image is gone only if the daemon says so.
 * Podman sends one when an image loses one of its tags, and when it
 * refuses a removal; the image is still there then, with its uses.
 */
static void
deleted(const struct id *id)
{
	char hex[ID_TEXT];
	struct image_head h;
	enum dk r;

	if (!inv_image(id))
		return;
	if ((r = docker_image_head(id_image(id, hex), &h)) == DK_GONE) {
		inv_image_del(id);
	} else if (r == DK_DONE) {
		dbg("image %s: delete event, but the image is still there",
		    hex);
	} else {
		/* cannot tell: kept, the next full inventory settles it */
		warn("image %s: delete event, but it cannot be looked up",
		    hex);
	}
}

void
cl_handle(const struct event *ev)
{
	struct image *im;

	if (ev->type == EV_CONTAINER) {
		switch (ev->action) {
		case A_CREATE:
			cl_created(ev, 1);
			break;
		case A_DIE:
			if (cl_set->rsc != RSC_NEVER && ev->has_id)
				cl_remove_ctr(&ev->id);
			break;
		case A_DESTROY:
			if (ev->has_id)
				inv_ctr_del(&ev->id);
			if (cl_busy)
				cl_again = 1;	/* after what is under way */
			else
				cl_evict();
			break;
		}
	} else if (ev->type == EV_IMAGE && ev->has_id) {
		cl_disk_stale();	/* the layers may have changed */
		if (ev->action == A_DELETE) {
			deleted(&ev->id);
		} else if (ev->action == A_ARRIVE) {
			if ((im = inv_image_add(&ev->id, -1, 0, NULL))) {
				inv_arrived(im, ev->time_ns);
				rematch(im);
				cl_untracked(im);
			}
		}
	}
}

void
cl_catch_up(void)
{
	struct event ev;
	int r, n;

	for (n = 0; cl_live && !cl_live_fault && !stopping && n < CATCH_UP_MAX;
	    n++) {
		r = docker_events_wait(cl_live, 0, &ev);
		if (r == EVS_IDLE)
			return;
		if (r != EVS_VALUE) {
			cl_live_fault = r;
			return;
		}
		dbg("event read between deletions");
		cl_handle(&ev);
	}
}
