/* See LICENSE file for copyright and license details. */
/*
 * The inventory (inventory.h): owns the image and container tables and
 * their indexes, the images' facts (facts[i] for image_slots[i]: a
 * deletion moves the last of both into the hole) with the marks of those
 * whose users or unread are set, the discovery counter and the count of
 * entries a full table refused.
 */
#include <stddef.h>
#include <string.h>

#include "bounds.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "log.h"
#include "policy.h"
#include "util.h"

_Static_assert(IMAGE_MAX >= 1 && IMAGE_MAX <= 1 << 24, "IMAGE_MAX");
_Static_assert(CONTAINER_MAX >= 1 && CONTAINER_MAX <= 1 << 24,
    "CONTAINER_MAX");

#define IMAGE_SLOTS (IMAGE_MAX + IMAGE_MAX / 2)
#define CONTAINER_SLOTS (CONTAINER_MAX + CONTAINER_MAX / 2)

/* dense: [0, count); the facts slot for slot */
static _Alignas(TABLE_ALIGN) struct image image_slots[IMAGE_MAX];
static _Alignas(TABLE_ALIGN) struct policy_image facts[IMAGE_MAX];
static size_t facts_ahead;	/* mem_ahead() of facts */
static _Alignas(TABLE_ALIGN) struct container ctr_slots[CONTAINER_MAX];
static _Alignas(TABLE_ALIGN) unsigned image_index[IMAGE_SLOTS];
static _Alignas(TABLE_ALIGN) unsigned ctr_index[CONTAINER_SLOTS];
static struct idtab images, ctrs;
static _Alignas(TABLE_ALIGN) struct id scratch[IMAGE_MAX];
/* a container's image mount: a user */
static _Alignas(TABLE_ALIGN) struct mount {
	struct id ctr, image;
} mounts[MOUNTS_MAX];
static size_t nmounts;
/*
 * Every slot whose users or unread is not 0 is in marks[0, nmarks), or
 * marks_all is set: inv_facts() clears those only, not every image.
 */
static unsigned marks[USED_MARKS];
static size_t nmarks;
static int marks_all;
static unsigned seq;		/* next image discovery number */
static int refusals;		/* some image's facts say refused */
static size_t dropped;		/* entries refused by a full table */

void
inv_init(void)
{
	idtab_init(&images, image_slots, sizeof image_slots[0], IMAGE_SLOTS,
	    IMAGE_MAX, image_index);
	idtab_init(&ctrs, ctr_slots, sizeof ctr_slots[0], CONTAINER_SLOTS,
	    CONTAINER_MAX, ctr_index);
	nmounts = 0;
	nmarks = 0;
	marks_all = 0;
	seq = 0;
	refusals = 0;
}

/*
 * The refusals go: an image left (it may have been the child, or the
 * container's image, that stood in the way), or a new inventory. One
 * sweep of the facts per refusal at most.
 */
static void
unrefuse(void)
{
	size_t i;

	if (!refusals)
		return;
	for (i = 0; i < images.count; i++)
		facts[i].refused = 0;
	refusals = 0;
}

/* slot k's users or unread is about to be set (or moved there) */
static void
mark(size_t k)
{
	if (nmarks < sizeof marks / sizeof marks[0])
		marks[nmarks++] = (unsigned)k;
	else
		marks_all = 1;
}

struct image *
inv_image(const struct id *id)
{
	return idtab_get(&images, id);
}

struct policy_image *
inv_fact(const struct image *im)
{
	return &facts[im - image_slots];
}

struct image *
inv_image_add(const struct id *id, long long size, int tracked, int *isnew)
{
	char hex[ID_TEXT];
	struct policy_image *f;
	struct image *im;
	int n;

	if (!(im = idtab_put(&images, id, &n))) {
		if (dropped++ == 0)	/* then once a pass: inv_dropped() */
			logerr("image table full (%d): image %s and any more are "
			    "not managed; raise IMAGE_MAX", IMAGE_MAX,
			    id_image(id, hex));
		return NULL;
	}
	if (n) {
		mem_ahead(facts, images.count * sizeof facts[0], sizeof facts,
		    &facts_ahead);
		f = inv_fact(im);
		memset(f, 0, sizeof *f);
		f->seq = seq++;
		f->size = size;
		f->last_used = -1;
		f->arrived = -1;
		f->unique = -1;
		f->tracked = tracked != 0;
		im->flags = tracked ? IMG_TRACKED : 0;
	}
	if (isnew)
		*isnew = n;
	return im;
}

void
inv_image_del(const struct id *id)
{
	struct image *im = idtab_get(&images, id);
	size_t hole, last = images.count - 1;

	if (!im)
		return;
	hole = (size_t)(im - image_slots);
	idtab_del(&images, id);		/* the last entry fills the hole */
	if (hole != last) {
		facts[hole] = facts[last];
		if (facts[hole].users || facts[hole].unread)
			mark(hole);
	}
	unrefuse();
}

long long
inv_size(const struct image *im)
{
	return inv_fact(im)->size;
}

void
inv_sized(struct image *im, long long size)
{
	inv_fact(im)->size = size;
}

void
inv_track(struct image *im)
{
	im->flags |= IMG_TRACKED;
	inv_fact(im)->tracked = 1;
}

void
inv_listed(struct image *im)
{
	im->flags |= IMG_LISTED;
}

void
inv_logged(struct image *im)
{
	im->flags |= IMG_LOGGED;
}

int
inv_is_tracked(const struct image *im)
{
	return (im->flags & IMG_TRACKED) != 0;
}

int
inv_is_logged(const struct image *im)
{
	return (im->flags & IMG_LOGGED) != 0;
}

void
inv_used(struct image *im, long long t)
{
	struct policy_image *f = inv_fact(im);

	if (t > f->last_used)
		f->last_used = t;
}

void
inv_arrived(struct image *im, long long t)
{
	struct policy_image *f = inv_fact(im);

	if (t > f->arrived)
		f->arrived = t;
}

void
inv_kept(struct image *im, int kept)
{
	if (kept)
		im->flags |= IMG_KEPT;
	else
		im->flags &= (unsigned char)~IMG_KEPT;
	inv_fact(im)->kept = kept != 0;
}

void
inv_refused(struct image *im)
{
	inv_fact(im)->refused = 1;
	refusals = 1;
}

void
inv_unread(struct image *im)
{
	struct policy_image *f = inv_fact(im);

	if (!f->users && !f->unread)
		mark((size_t)(f - facts));
	f->unread = 1;
}

void
inv_headed(struct image *im)
{
	im->flags |= IMG_HEAD;
}

void
inv_unlist(void)
{
	size_t i;

	for (i = 0; i < images.count; i++)
		image_slots[i].flags &= (unsigned char)~(IMG_LISTED |
		    IMG_HEAD);
	unrefuse();
}

int
inv_next_used(size_t *cursor, struct id *id, long long *t)
{
	struct image *im;

	for (; *cursor < images.count; ++*cursor) {
		im = idtab_slot(&images, *cursor);
		if (im && (im->flags & IMG_TRACKED) &&
		    facts[*cursor].last_used >= 0) {
			*id = im->k.id;
			*t = facts[*cursor].last_used;
			++*cursor;
			return 1;
		}
	}
	return 0;
}

void
inv_drop_unlisted(void)
{
	size_t i, n = 0;

	/* collect first: a deletion moves entries between slots */
	for (i = 0; i < images.count; i++)
		if (!(image_slots[i].flags & IMG_LISTED))
			scratch[n++] = image_slots[i].k.id;
	for (i = 0; i < n; i++)
		inv_image_del(&scratch[i]);
}

struct container *
inv_ctr(const struct id *id)
{
	return idtab_get(&ctrs, id);
}

struct container *
inv_ctr_add(const struct id *id, const struct id *image, int state)
{
	struct container *c;

	if (!(c = idtab_put(&ctrs, id, NULL))) {
		if (dropped++ == 0)
			logerr("container table full (%d): raise CONTAINER_MAX",
			    CONTAINER_MAX);
		return NULL;
	}
	c->image = *image;
	c->slot = 0;		/* a hint, checked when read */
	c->state = (unsigned char)state;
	return c;
}

void
inv_ctr_del(const struct id *id)
{
	size_t i = 0;

	idtab_del(&ctrs, id);
	while (i < nmounts)
		if (id_eq(&mounts[i].ctr, id))
			mounts[i] = mounts[--nmounts];
		else
			i++;
}

void
inv_ctr_clear(void)
{
	idtab_clear(&ctrs);
	nmounts = 0;
}

int
inv_mount_add(const struct id *ctr, const struct id *image)
{
	size_t i;

	for (i = 0; i < nmounts; i++)
		if (id_eq(&mounts[i].ctr, ctr) && id_eq(&mounts[i].image, image))
			return 0;
	if (nmounts >= sizeof mounts / sizeof mounts[0]) {
		logerr("image mount table full (%d): raise MOUNTS_MAX",
		    MOUNTS_MAX);
		return -1;
	}
	mounts[nmounts].ctr = *ctr;
	mounts[nmounts++].image = *image;
	return 0;
}

size_t
inv_ctr_in_state(int state, struct id *out, size_t max)
{
	struct container *c;
	size_t i, n = 0;

	for (i = 0; i < ctrs.count && n < max; i++)
		if ((c = idtab_slot(&ctrs, i)) && c->state == state)
			out[n++] = c->k.id;
	return n;
}

/* the slot of the image c uses, through c's hint while right; or -1 */
static long
ctr_image(struct container *c)
{
	struct image *im;

	if (c->slot < images.count &&
	    id_eq(&image_slots[c->slot].k.id, &c->image))
		return (long)c->slot;	/* no hash: the hint holds */
	if (!(im = idtab_get(&images, &c->image)))
		return -1;
	c->slot = (unsigned)(im - image_slots);
	return (long)c->slot;
}

/* one more user of f, marked when the first */
static void
use(struct policy_image *f)
{
	if (!f->users++ && !f->unread)
		mark((size_t)(f - facts));
}

void
inv_facts(struct policy_in *in)
{
	struct container *c;
	struct image *im;
	size_t i, n = images.count;
	long k;

	in->img = facts;
	in->n = n;
	/* the counts of the last decision, and its unread arrivals, go */
	for (i = 0; i < (marks_all ? n : nmarks); i++) {
		k = (long)(marks_all ? i : marks[i]);
		if ((size_t)k < n) {
			facts[k].users = 0;
			facts[k].unread = 0;
		}
	}
	nmarks = 0;
	marks_all = 0;
	for (i = 0; i < ctrs.count; i++)
		if ((c = idtab_slot(&ctrs, i)) && (k = ctr_image(c)) >= 0)
			use(&facts[k]);
	/* and the images they mount */
	for (i = 0; i < nmounts; i++)
		if ((im = idtab_get(&images, &mounts[i].image)))
			use(inv_fact(im));
}

const struct id *
inv_id(size_t i)
{
	return &image_slots[i].k.id;
}

size_t
inv_count(void)
{
	return images.count;
}

void
inv_unique_clear(void)
{
	size_t i;

	for (i = 0; i < images.count; i++)
		facts[i].unique = -1;
}

size_t
inv_dropped(void)
{
	size_t n = dropped;

	dropped = 0;
	return n;
}
