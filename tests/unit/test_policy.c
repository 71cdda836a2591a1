/* See LICENSE file for copyright and license details. */
/*
 * The eviction decision, through the inventory as the cleaner drives it.
 * Cases follow the reference's test suite (peers.md, section b): numbers
 * in the comments are its test numbers.
 */
#include <fnmatch.h>
#include <stddef.h>

#include "unit.h"
#include "bounds.h"
#include "id.h"
#include "idtab.h"
#include "records.h"
#include "docker.h"
#include "inventory.h"
#include "policy.h"
#include "opts.h"
#include "keep.h"
#include "cleaner_int.h"

static struct id img[8], ctr[8];
static struct policy_in pin;
static struct policy_out pout;
static struct policy_image pimg[IMAGE_MAX];	/* the pure function's facts */

/* pin empty, over the test's own facts (not the inventory's) */
static void
pure(void)
{
	pin.img = pimg;
	pin.n = 0;
}

/* fresh tables; img[i] and ctr[i] get distinct IDs */
static void
setup(void)
{
	int i;

	inv_init();
	for (i = 0; i < 8; i++) {
		memset(&img[i], 0, sizeof img[i]);
		memset(&ctr[i], 0, sizeof ctr[i]);
		img[i].b[0] = (unsigned char)(0x10 + i);
		img[i].b[31] = 1;
		ctr[i].b[0] = (unsigned char)(0x80 + i);
		ctr[i].b[31] = 2;
	}
}

static struct image *
add(int i, long long size)
{
	return inv_image_add(&img[i], size, 1, NULL);
}

/* container c uses image i at t (the "create" of the reference) */
static void
user(int c, int i, long long t)
{
	inv_ctr_add(&ctr[c], &img[i], CS_RUNNING);
	inv_used(inv_image(&img[i]), t);
}

/* the decision over the inventory's facts, as the cleaner takes it */
static size_t
decide(long long quota)
{
	inv_facts(&pin);
	pin.quota = quota;
	return policy_decide(&pin, &pout);
}

/* the decision deletes the images idx[0..n) in this order */
static int
decided(long long quota, const int *idx, size_t n)
{
	size_t k, i;

	k = decide(quota);
	if (k != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!id_eq(inv_id(pout.del[i]), &img[idx[i]]))
			return 0;
	return 1;
}

/* 1-3: the last use only moves forward */
static int
last_use_is_max(void)
{
	struct image *im;

	setup();
	im = add(0, 10);
	check(inv_fact(im)->last_used == -1);
	inv_used(im, 5);
	check(inv_fact(im)->last_used == 5);
	inv_used(im, 8);
	check(inv_fact(im)->last_used == 8);
	inv_used(im, 2);
	check(inv_fact(im)->last_used == 8);
	return 0;
}

/* 4-6: lookup and deletion, also of an unknown image */
static int
has_and_del(void)
{
	setup();
	add(0, 10);
	check(inv_image(&img[0]) != NULL);
	check(inv_image(&img[1]) == NULL);
	inv_image_del(&img[1]);
	check(inv_image(&img[0]) != NULL);
	inv_image_del(&img[0]);
	check(inv_image(&img[0]) == NULL);
	return 0;
}

/* 7: with nothing in use, the most recently used image is kept */
static int
one_image_always_kept(void)
{
	static const int want[] = { 0 };

	setup();
	add(0, 500);
	add(1, 700);
	user(0, 0, 1);
	user(1, 1, 2);
	inv_ctr_del(&ctr[0]);
	inv_ctr_del(&ctr[1]);
	check(decided(1, want, 1));
	return 0;
}

/* 8: greedy fit from the most recent, not a strict LRU cut */
static int
images_under_target_kept(void)
{
	static const int want[] = { 0, 2 };
	static const long long size[] = { 20, 30, 40, 10 };
	int i;

	setup();
	for (i = 0; i < 4; i++) {
		add(i, size[i]);
		user(i, i, i + 1);
		inv_ctr_del(&ctr[i]);
	}
	check(decided(45, want, 2));
	return 0;
}

/* 9: an image in use is kept; the MRU rule no longer applies */
static int
in_use_not_deletable(void)
{
	static const int want[] = { 1 };

	setup();
	add(0, 100);
	add(1, 100);
	user(0, 0, 1);
	user(1, 1, 2);
	inv_ctr_del(&ctr[1]);
	check(decided(1, want, 1));
	return 0;
}

/* 10: deletable once its user is gone */
static int
deletable_after_unused(void)
{
	static const int want[] = { 0 };

	setup();
	add(0, 100);
	add(1, 100);
	user(0, 0, 1);
	user(1, 1, 2);
	inv_ctr_del(&ctr[0]);
	check(decided(1, want, 1));
	return 0;
}

/* 11: a user that comes back counts again */
static int
user_restarts(void)
{
	setup();
	add(0, 100);
	user(0, 0, 1);
	inv_ctr_del(&ctr[0]);
	user(0, 0, 2);
	check(decided(1, NULL, 0));
	return 0;
}

/* 12: one remaining user of several is enough */
static int
any_user_remains(void)
{
	setup();
	add(0, 100);
	add(1, 100);
	user(0, 0, 1);
	user(1, 0, 2);
	inv_ctr_del(&ctr[0]);
	/* img1 is never used, so it goes; img0 keeps a user */
	check(decide(1) == 1);
	check(id_eq(inv_id(pout.del[0]), &img[1]));
	return 0;
}

/* 13: deletable after all its users end */
static int
after_all_users_end(void)
{
	static const int want[] = { 1 };

	setup();
	add(0, 100);
	add(1, 100);
	user(0, 0, 1);
	user(1, 1, 2);
	user(2, 1, 3);
	inv_ctr_del(&ctr[1]);
	inv_ctr_del(&ctr[2]);
	check(decided(1, want, 1));
	return 0;
}

/* 14: least recently used first */
static int
lru_order(void)
{
	static const int want[] = { 1, 2 };

	setup();
	add(0, 10);
	add(1, 10);
	add(2, 10);
	user(0, 0, 3);
	user(1, 1, 1);
	user(2, 2, 2);
	inv_ctr_del(&ctr[0]);
	inv_ctr_del(&ctr[1]);
	inv_ctr_del(&ctr[2]);
	check(decided(1, want, 2));
	return 0;
}

/* 15-17: users of unknown images; unknown users; deleted images */
static int
unknown_users_and_images(void)
{
	setup();
	add(0, 10);
	/* a container of an image the inventory does not hold */
	inv_ctr_add(&ctr[0], &img[5], CS_RUNNING);
	check(decided(1, NULL, 0));	/* img0 is the MRU: kept */
	inv_ctr_del(&ctr[7]);		/* unknown container: no effect */
	/* 17: image deleted while a user remains */
	user(1, 0, 4);
	inv_image_del(&img[0]);
	inv_ctr_del(&ctr[1]);
	check(decided(1, NULL, 0));
	return 0;
}

/* 19: never-used images keep discovery order; in use at t=1 kept */
static int
never_used_in_listing_order(void)
{
	static const int want[] = { 0 };

	setup();
	add(0, 20);
	add(1, 10);
	add(2, 5);
	user(0, 2, 1);
	check(decided(15, want, 1));
	return 0;
}

/* not in the reference: untracked and unknown-size images are left alone */
static int
untracked_left_alone(void)
{
	setup();
	inv_image_add(&img[0], 1000, 0, NULL);	/* loaded after startup */
	add(1, -1);				/* size unknown */
	add(2, 10);
	check(decided(0, NULL, 0));		/* img2: the MRU, kept */
	add(3, 10);
	inv_used(inv_image(&img[3]), 5);
	{
		static const int want[] = { 2 };
		check(decided(0, want, 1));
	}
	return 0;
}

/* in-use images alone over the quota: nothing else fits, all go */
static int
in_use_over_quota(void)
{
	static const int want[] = { 1, 2 };

	setup();
	add(0, 100);
	add(1, 1);
	add(2, 1);
	user(0, 0, 1);
	inv_used(inv_image(&img[1]), 2);
	inv_used(inv_image(&img[2]), 3);
	check(decided(50, want, 2));
	return 0;
}

/* an image of the pure function's input */
static struct policy_image *
fact(struct policy_in *in, long long size, long long last, unsigned users)
{
	struct policy_image *p = policy_add(in);

	p->size = size;
	p->last_used = last;
	p->seq = (unsigned)(in->n - 1);
	p->users = users;
	p->tracked = 1;
	return p;
}

/* the pure function: huge sizes do not wrap the arithmetic */
static int
no_overflow(void)
{
	pure();
	fact(&pin, 0x7fffffffffffffffLL, 3, 1)->seq = 0;
	fact(&pin, 0x7fffffffffffffffLL, 2, 1)->seq = 0;
	fact(&pin, 1, 1, 0)->seq = 0;
	pin.quota = 0x7fffffffffffffffLL;
	check(policy_decide(&pin, &pout) == 1);
	check(pout.del[0] == 2 && pout.d[2].why == R_DELETE);
	check(pout.managed == 3);
	pure();
	check(policy_decide(&pin, &pout) == 0 && pout.managed == 0);
	return 0;
}

/* equal last use: earlier discovery counts as older */
static int
ties_by_discovery(void)
{
	static const int want[] = { 0, 1 };

	setup();
	add(0, 10);
	add(1, 10);
	add(2, 10);
	inv_used(inv_image(&img[0]), 7);
	inv_used(inv_image(&img[1]), 7);
	inv_used(inv_image(&img[2]), 7);
	check(decided(5, want, 2));
	return 0;
}

/*
 * The order is (last use, discovery), whatever the sort inside: with a
 * quota of 0 and nothing in use, all but the newest go, oldest first. The
 * input holds IMAGE_MAX images at most (no other sort past it).
 */
static int
sorted_order(void)
{
	size_t sizes[] = { 1, 2, 3, 17, 1000, IMAGE_MAX };
	const struct policy_image *a, *b;
	unsigned x = 12345;
	size_t s, i, n;

	for (s = 0; s < sizeof sizes / sizeof sizes[0]; s++) {
		n = sizes[s];
		pure();
		for (i = 0; i < n; i++) {
			x = x * 1103515245 + 12345;
			check(fact(&pin, 1, (long long)(x >> 16) % 50 - 1, 0));
			pin.img[i].seq = (unsigned)(n - i); /* ties move */
		}
		pin.quota = 0;
		check(policy_decide(&pin, &pout) == n - 1);
		for (i = 1; i < n - 1; i++) {
			a = &pin.img[pout.del[i - 1]];
			b = &pin.img[pout.del[i]];
			check(a->last_used < b->last_used ||
			    (a->last_used == b->last_used && a->seq < b->seq));
		}
		for (i = 0; i < n; i++)
			check(pout.d[i].why == R_DELETE ||
			    pout.d[i].why == R_MOST_RECENT);
	}
	check(policy_add(&pin) == NULL);	/* full: n stays IMAGE_MAX */
	check(pin.n == IMAGE_MAX);
	return 0;
}

/*
 * The reasons, table-driven: each case is a quota and images (size, last
 * use, users, tracked; seq is the row unless given), and for each image
 * the reason expected, then the deletions in order and the count managed.
 */
#define U 0x100			/* untracked, in a case's flags */
static const struct rcase {
	int line;
	long long quota;
	struct {
		long long size, last;
		unsigned users, flags;	/* flags: U, or seq + 1 */
		enum reason why;
		unsigned n;		/* decision's n */
	} im[6];
	int nimg, del[6], ndel;
	size_t managed;
} rcases[] = {
	/* in use by N containers; the rest over the quota goes */
	{ __LINE__, 50, { { 100, 1, 2, 0, R_IN_USE, 2 },
	    { 10, 5, 0, 0, R_DELETE, 0 } }, 2, { 1 }, 1, 2 },
	/* most recent when none is in use */
	{ __LINE__, 5, { { 10, 1, 0, 0, R_DELETE, 0 },
	    { 10, 2, 0, 0, R_MOST_RECENT, 0 } }, 2, { 0 }, 1, 2 },
	/* fits: greedy from the newest (the reference's 8) */
	{ __LINE__, 45, { { 20, 1, 0, 0, R_DELETE, 0 },
	    { 30, 2, 0, 0, R_FITS, 0 }, { 40, 3, 0, 0, R_DELETE, 0 },
	    { 10, 4, 0, 0, R_MOST_RECENT, 0 } }, 4, { 0, 2 }, 2, 4 },
	/* all under the quota: the same reasons, nothing sorted */
	{ __LINE__, 1000, { { 10, 1, 1, 0, R_IN_USE, 1 },
	    { 10, 9, 0, 0, R_FITS, 0 } }, 2, { 0 }, 0, 2 },
	{ __LINE__, 1000, { { 10, 1, 0, 0, R_FITS, 0 },
	    { 10, 9, 0, 0, R_MOST_RECENT, 0 },
	    { 10, 3, 0, 0, R_FITS, 0 } }, 3, { 0 }, 0, 3 },
	/* unmanaged: never deleted, not counted, not "in use" */
	{ __LINE__, 0, { { -1, 9, 0, 0, R_UNMANAGED, 0 },
	    { 1000, 9, 3, U, R_UNMANAGED, 0 },
	    { 10, 1, 0, 0, R_DELETE, 0 },
	    { 10, 2, 0, 0, R_MOST_RECENT, 0 } }, 4, { 2 }, 1, 2 },
	{ __LINE__, 20, { { 1000, 9, 0, U, R_UNMANAGED, 0 },
	    { -1, 1, 2, 0, R_UNMANAGED, 0 },
	    { 10, 1, 0, 0, R_FITS, 0 },
	    { 10, 2, 0, 0, R_MOST_RECENT, 0 } }, 4, { 0 }, 0, 2 },
	/* ties by discovery: earlier discovery is older */
	{ __LINE__, 5, { { 10, 7, 0, 0, R_DELETE, 0 },
	    { 10, 7, 0, 0, R_DELETE, 0 },
	    { 10, 7, 0, 0, R_MOST_RECENT, 0 } }, 3, { 0, 1 }, 2, 3 },
	{ __LINE__, 5, { { 10, 7, 0, 3, R_MOST_RECENT, 0 },
	    { 10, 7, 0, 2, R_DELETE, 0 },
	    { 10, 7, 0, 1, R_DELETE, 0 } }, 3, { 2, 1 }, 2, 3 },
	/* never used is the oldest (the reference's 19) */
	{ __LINE__, 15, { { 20, -1, 0, 0, R_DELETE, 0 },
	    { 10, -1, 0, 0, R_FITS, 0 },
	    { 5, 1, 1, 0, R_IN_USE, 1 } }, 3, { 0 }, 1, 3 },
	/* in use alone over the quota: all the rest goes */
	{ __LINE__, 50, { { 100, 1, 1, 0, R_IN_USE, 1 },
	    { 1, 2, 0, 0, R_DELETE, 0 },
	    { 1, 3, 0, 0, R_DELETE, 0 } }, 3, { 1, 2 }, 2, 3 },
};

static int
reasons(void)
{
	const struct rcase *c;
	struct policy_image *p;
	size_t k;
	int i;

	for (k = 0; k < sizeof rcases / sizeof rcases[0]; k++) {
		c = &rcases[k];
		pure();
		pin.quota = c->quota;
		for (i = 0; i < c->nimg; i++) {
			p = fact(&pin, c->im[i].size, c->im[i].last,
			    c->im[i].users);
			p->tracked = !(c->im[i].flags & U);
			if (c->im[i].flags & ~U)
				p->seq = (c->im[i].flags & ~U) - 1;
		}
		if (policy_decide(&pin, &pout) != (size_t)c->ndel ||
		    pout.managed != c->managed)
			return c->line;
		for (i = 0; i < c->ndel; i++)
			if (pout.del[i] != (unsigned)c->del[i])
				return c->line;
		for (i = 0; i < c->nimg; i++)
			if (pout.d[i].why != c->im[i].why ||
			    pout.d[i].n != c->im[i].n)
				return c->line;
	}
	return 0;
}

/* in use by N: N counts the containers of the inventory, any state */
static int
users_counted(void)
{
	setup();
	add(0, 100);
	add(1, 100);
	user(0, 0, 1);
	user(1, 0, 2);
	inv_ctr_add(&ctr[2], &img[0], CS_EXITED);
	inv_ctr_add(&ctr[3], &img[5], CS_RUNNING);	/* unknown image */
	check(decide(1) == 1);
	check(pout.d[0].why == R_IN_USE && pout.d[0].n == 3);
	check(pout.d[1].why == R_DELETE && pout.managed == 2);
	inv_image_add(&img[2], 10, 0, NULL);		/* not tracked */
	inv_ctr_add(&ctr[4], &img[2], CS_RUNNING);
	check(decide(1) == 1);
	check(pout.d[2].why == R_UNMANAGED && pout.managed == 2);
	return 0;
}

/* the reasons as the report will print them */
static int
reason_text(void)
{
	struct decision d = { R_IN_USE, 2 };
	char b[40];

	check(strcmp(policy_why(&d, b, sizeof b), "in use by 2 containers")
	    == 0);
	d.n = 1;
	check(strcmp(policy_why(&d, b, sizeof b), "in use by 1 container")
	    == 0);
	d.why = R_MOST_RECENT;
	check(strcmp(policy_why(&d, b, sizeof b), "most recent") == 0);
	d.why = R_FITS;
	check(strcmp(policy_why(&d, b, sizeof b), "fits") == 0);
	d.why = R_UNMANAGED;
	check(strcmp(policy_why(&d, b, sizeof b), "unmanaged") == 0);
	d.why = R_DELETE;
	check(strcmp(policy_why(&d, b, sizeof b), "over the quota") == 0);
	d.why = R_KEPT_BY_RULE;
	check(strcmp(policy_why(&d, b, sizeof b), "kept by rule") == 0);
	d.why = R_TOO_YOUNG;
	check(strcmp(policy_why(&d, b, sizeof b), "too young") == 0);
	d.why = R_REFUSED;
	check(strcmp(policy_why(&d, b, sizeof b), "refused by the daemon") ==
	    0);
	d.why = R_IN_USE;
	d.n = 12;
	check(strcmp(policy_why(&d, b, 8), "in use ") == 0);	/* cut */
	return 0;
}

/* the pure function over fact()s at quota q: the reasons of img[0..n) */
static int
whys(long long q, const enum reason *want, size_t n)
{
	size_t i;

	pin.quota = q;
	policy_decide(&pin, &pout);
	for (i = 0; i < n; i++)
		if (pout.d[i].why != want[i])
			return 0;
	return pin.n == n;
}

/*
 * A kept image is never deleted and counts against the quota; the most
 * recent of the others still stays (keeping is no use by a container)
 */
static int
kept_by_rule(void)
{
	static const enum reason w1[] = { R_KEPT_BY_RULE, R_DELETE,
	    R_MOST_RECENT };
	static const enum reason w2[] = { R_DELETE, R_MOST_RECENT,
	    R_KEPT_BY_RULE };
	static const enum reason w3[] = { R_KEPT_BY_RULE, R_FITS,
	    R_MOST_RECENT };

	/* the least recently used one is kept: the next one goes */
	pure();
	pin.min_age = 0;
	fact(&pin, 10, 1, 0)->kept = 1;
	fact(&pin, 10, 2, 0);
	fact(&pin, 10, 3, 0);
	check(whys(15, w1, 3) && pout.ndel == 1 && pout.del[0] == 1);
	check(pout.managed == 3);
	/* the most recent one is kept: the most recent of the rest stays */
	pure();
	fact(&pin, 10, 1, 0);
	fact(&pin, 10, 2, 0);
	fact(&pin, 10, 5, 0)->kept = 1;
	check(whys(10, w2, 3) && pout.ndel == 1 && pout.del[0] == 0);
	/* a kept image takes its room: 100 of 125, the others 10 each */
	pure();
	fact(&pin, 100, 1, 0)->kept = 1;
	fact(&pin, 10, 2, 0);
	fact(&pin, 10, 3, 0);
	check(whys(125, w3, 3) && pout.ndel == 0);
	check(whys(119, w1, 3) && pout.ndel == 1);
	/* kept over the quota on its own: kept all the same */
	check(whys(0, w1, 3) && pout.d[0].why == R_KEPT_BY_RULE);
	/* in use comes first: the reason says so */
	pin.img[0].users = 1;
	check(whys(0, (const enum reason[]){ R_IN_USE, R_DELETE, R_DELETE },
	    3) && pout.ndel == 2);
	/* an unmanaged image is not counted, kept or not */
	pin.img[0].users = 0;
	pin.img[0].tracked = 0;
	check(whys(0, (const enum reason[]){ R_UNMANAGED, R_DELETE,
	    R_MOST_RECENT }, 3) && pout.managed == 2);
	return 0;
}

/*
 * An image the daemon refused to delete is kept and counts, as a kept
 * one: the others go in its place; in use is named first, a keep rule
 * before it
 */
static int
refused_kept(void)
{
	static const enum reason w1[] = { R_REFUSED, R_DELETE,
	    R_MOST_RECENT };

	pure();
	pin.min_age = 0;
	fact(&pin, 100, 1, 0)->refused = 1;
	fact(&pin, 10, 2, 0);
	fact(&pin, 10, 3, 0);
	/* 100 of 115 taken: of the others, only the newest fits */
	check(whys(115, w1, 3) && pout.ndel == 1 && pout.del[0] == 1);
	check(pout.managed == 3 && pout.total == 120);
	/* over the quota on its own: kept all the same */
	check(whys(0, w1, 3));
	pin.img[0].kept = 1;
	check(whys(0, (const enum reason[]){ R_KEPT_BY_RULE, R_DELETE,
	    R_MOST_RECENT }, 3));
	pin.img[0].users = 1;
	check(whys(0, (const enum reason[]){ R_IN_USE, R_DELETE, R_DELETE },
	    3));
	/* not refused: the oldest, it goes first */
	pin.img[0].users = 0;
	pin.img[0].kept = 0;
	pin.img[0].refused = 0;
	check(whys(115, (const enum reason[]){ R_DELETE, R_FITS,
	    R_MOST_RECENT }, 3) && pout.ndel == 1 && pout.del[0] == 0);
	return 0;
}

/* --min-age: last use or arrival less than min_age before now */
static int
too_young(void)
{
	static const enum reason w1[] = { R_TOO_YOUNG, R_DELETE,
	    R_MOST_RECENT };
	static const enum reason w2[] = { R_DELETE, R_DELETE, R_MOST_RECENT };

	pure();
	pin.min_age = 100;
	pin.now = 1000;
	fact(&pin, 10, 1, 0)->arrived = 950;	/* arrived lately */
	fact(&pin, 10, 2, 0)->arrived = -1;
	fact(&pin, 10, 3, 0)->arrived = 10;
	check(whys(0, w1, 3) && pout.ndel == 1 && pout.del[0] == 1);
	check(pout.managed == 3);
	/* its grace period ends at 950 + 100 */
	check(policy_young_until(&pin, &pout) == 1050);
	/* its grace period over (age == min_age): the oldest goes first */
	pin.now = 1050;
	check(whys(0, w2, 3) && pout.ndel == 2 && pout.del[0] == 0 &&
	    pout.del[1] == 1);
	check(policy_young_until(&pin, &pout) == -1);
	pin.now = 1049;
	check(whys(0, w1, 3));
	/* a last use counts as well as an arrival */
	pin.img[0].arrived = -1;
	pin.img[0].last_used = 990;
	check(whys(0, (const enum reason[]){ R_TOO_YOUNG, R_DELETE,
	    R_MOST_RECENT }, 3));
	check(policy_young_until(&pin, &pout) == 1090);
	/* a time ahead of now is young, for min_age from now */
	pin.img[0].last_used = 1;
	pin.img[0].arrived = 5000;
	check(whys(0, w1, 3));
	check(policy_young_until(&pin, &pout) == 1149);
	/* an arrival that could not be read: arrived now */
	pin.img[0].arrived = -1;
	pin.img[0].unread = 1;
	check(whys(0, w1, 3) && policy_young_until(&pin, &pout) == 1149);
	pin.img[0].unread = 0;
	pin.img[0].arrived = 5000;
	/* no grace period: age does not count */
	pin.min_age = 0;
	check(whys(0, w2, 3));
	/* kept by rule and young: the rule is named */
	pin.min_age = 100;
	pin.img[0].kept = 1;
	check(whys(0, (const enum reason[]){ R_KEPT_BY_RULE, R_DELETE,
	    R_MOST_RECENT }, 3));
	/* young, yet it fits: fits is not asked of it */
	pin.img[0].kept = 0;
	check(whys(1000, (const enum reason[]){ R_TOO_YOUNG, R_FITS,
	    R_MOST_RECENT }, 3) && pout.ndel == 0);
	pin.min_age = 0;
	pin.now = 0;
	return 0;
}

/* a list of n patterns */
static void
list_of(struct opt_list *l, const char *const *v, size_t n)
{
	size_t i, k;

	memset(l, 0, sizeof *l);
	for (i = 0; i < n; i++) {
		k = strlen(v[i]);
		memcpy(l->bytes + l->used, v[i], k + 1);
		l->at[l->n++] = l->used;
		l->used += k + 1;
	}
}

/* the matching of the keep rules (keep.c) */
static int
keep_matching(void)
{
	static const char *const p[] = { "debian:*", "*/app@sha256:*",
	    "3f2a", "sha256:0bad*", "reg.example:5000/x:v[0-9]" };
	static const char *const l[] = { "keep", "tier=gold", "e=" };
	static struct opt_list pl, ll;
	struct id id;
	static const char h1[] = "3f2a0000000000000000000000000000"
	    "00000000000000000000000000000001";
	static const char h2[] = "0bad0000000000000000000000000000"
	    "00000000000000000000000000000002";
	static const char h3[] = "f3f2a000000000000000000000000000"
	    "00000000000000000000000000000003";

	keep_rules(NULL, NULL);
	check(!keep_any() && !keep_ref("debian:12"));
	list_of(&pl, p, 5);
	list_of(&ll, l, 3);
	keep_rules(&pl, NULL);
	check(keep_any());
	check(keep_ref("debian:12") && keep_ref("debian:latest"));
	check(!keep_ref("debian") && !keep_ref("library/debian:12") &&
	    !keep_ref("xdebian:12"));
	check(keep_ref("r.io/team/app@sha256:abcd"));
	check(!keep_ref("r.io/team/app:1"));
	check(keep_ref("reg.example:5000/x:v7") &&
	    !keep_ref("reg.example:5000/x:vv"));
	/* the ID: a prefix of hex digits, with or without sha256: */
	check(id_parse(h1, 64, &id) == 0 && keep_id(&id));
	check(id_parse(h2, 64, &id) == 0 && keep_id(&id));
	check(id_parse(h3, 64, &id) == 0 && !keep_id(&id));
	check(keep_ref("3f2a"));	/* a reference "3f2a": the glob too */
	check(!keep_label("keep", "yes"));	/* no label rules */
	keep_rules(NULL, &ll);
	check(keep_any() && !keep_ref("debian:12"));
	check(keep_label("keep", "yes") && keep_label("keep", "") &&
	    keep_label("keep", NULL));
	check(keep_label("tier", "gold") && !keep_label("tier", "golden") &&
	    !keep_label("tier", "") && !keep_label("tier", NULL));
	check(!keep_label("kee", "x") && !keep_label("keeps", "x") &&
	    !keep_label("Keep", "x"));
	check(keep_label("e", "") && !keep_label("e", "x"));
	check(id_parse(h1, 64, &id) == 0 && !keep_id(&id));
	keep_rules(NULL, NULL);
	return 0;
}

/* keep.c's glob is fnmatch(p, s, 0) of the C library, on ASCII */
static int
keep_glob_is_fnmatch(void)
{
	static const char *const pats[] = { "", "*", "**", "?", "a", "a*",
	    "*a", "a*b", "a*b*c", "*a*b", "a?c", "[abc]", "[!abc]", "[^abc]",
	    "[a-c]x", "[]a]", "[!]a]", "[a-]", "[-a]", "x[", "x[a", "[",
	    "\\*", "a\\?", "\\[a]", "[[:digit:]]*", "[[:alpha:][:digit:]]",
	    "[![:space:]]", "[[:upper:]]", "[[:xdigit:]]?", "debian:*",
	    "*/app@sha256:*", "reg:5000/x:v[0-9]*", "*:*:*", "?*?", "*?*",
	    "a**b", "[.]*", "*[*]*" };	/* not "[a-c-e]", "[z-a]": undefined */
	static const char *const strs[] = { "", "a", "b", "ab", "abc", "aXbYc",
	    "acb", "]", "-", "x[", "x[a", "[", "*", "a?", "a!", "[a]", "7",
	    "7x", "A", "f", " ", "debian:12", "debian", "r.io/t/app@sha256:ab",
	    "r.io/t/app:1", "reg:5000/x:v7", "reg:5000/x:v", "a:b:c", "a/b",
	    ".x", "x*y", "e", "d", "aab", "abab" };
	size_t i, k;

	for (i = 0; i < sizeof pats / sizeof pats[0]; i++)
		for (k = 0; k < sizeof strs / sizeof strs[0]; k++)
			if (keep_glob(pats[i], strs[k]) !=
			    (fnmatch(pats[i], strs[k], 0) == 0)) {
				printf("glob '%s' '%s': %d\n", pats[i], strs[k],
				    keep_glob(pats[i], strs[k]));
				return __LINE__;
			}
	return 0;
}

/* the options' validators */
static int
keep_checks(void)
{
	static char big[REF_LEN + 1];
	char why[80];

	check(keep_check_pattern("a*", why, sizeof why) == 0);
	check(keep_check_pattern("", why, sizeof why) < 0 &&
	    strstr(why, "empty"));
	memset(big, 'x', REF_LEN);
	check(keep_check_pattern(big, why, sizeof why) < 0 &&
	    strstr(why, "longer"));
	check(keep_check_label(big, why, sizeof why) < 0);
	big[REF_LEN - 1] = '\0';
	check(keep_check_pattern(big, why, sizeof why) == 0);
	check(keep_check_label("k", why, sizeof why) == 0);
	check(keep_check_label("k=", why, sizeof why) == 0);
	check(keep_check_label("k=v=w", why, sizeof why) == 0);
	check(keep_check_label("=v", why, sizeof why) < 0 &&
	    strstr(why, "key"));
	check(keep_check_label("", why, sizeof why) < 0);
	return 0;
}

/*
 * An eviction that cannot decide (inventory incomplete) leaves nothing to
 * wake for: a stale grace-period end would make the daemon loop wake at
 * once, again and again
 */
static int
evict_incomplete_no_wake(void)
{
	setup();
	cl_young_until = 5;
	cl_incomplete = 1;
	cl_evict();
	cl_incomplete = 0;
	check(cl_young_until == -1);
	return 0;
}

#define MB (1024LL * 1024)

/*
 * Issue 11's example: a and b imported from one 3 MB layer (unique 0,
 * shared 3 MB), c alone (2 MB); on disk 5 MB, summed 8 MB. Last uses:
 * order[0] the oldest.
 */
static void
shared_base(const long long *last, int use_disk, long long disk)
{
	pure();
	fact(&pin, 3 * MB, last[0], 0)->unique = 0;	/* a */
	fact(&pin, 3 * MB, last[1], 0)->unique = 0;	/* b */
	fact(&pin, 2 * MB, last[2], 0)->unique = 2 * MB;	/* c */
	pin.use_disk = use_disk;
	pin.disk = disk;
	pin.short_free = 0;
}

/* a quota the disk use fits keeps all three; the sum deletes one */
static int
disk_fits(void)
{
	static const long long last[] = { 1, 2, 3 };

	shared_base(last, 1, 5 * MB);
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 0);
	check(pout.d[0].why == R_FITS && pout.d[1].why == R_FITS &&
	    pout.d[2].why == R_MOST_RECENT && pout.managed == 3);
	shared_base(last, 0, 5 * MB);
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 1 && pout.del[0] == 0);
	check(pout.d[0].why == R_DELETE);
	/* without use_disk, disk is not read */
	shared_base(last, 0, 0);
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 1);
	return 0;
}

/* over the quota on disk: the oldest go until the estimate fits */
static int
disk_lru_until_fits(void)
{
	static const long long last[] = { 2, 3, 1 };	/* c, a, b */

	/* c (2 MB unique) goes: 3 MB left fits 4 MB */
	shared_base(last, 1, 5 * MB);
	pin.quota = 4 * MB;
	check(policy_decide(&pin, &pout) == 1 && pout.del[0] == 2);
	check(pout.d[0].why == R_FITS && pout.d[1].why == R_MOST_RECENT);
	/* the sum: b kept (newest), a and c do not fit in what is left */
	shared_base(last, 0, 5 * MB);
	pin.quota = 4 * MB;
	check(policy_decide(&pin, &pout) == 2);
	check(pout.del[0] == 2 && pout.del[1] == 0);
	/* 2 MB: c, then a (which frees nothing alone) and still over */
	shared_base(last, 1, 5 * MB);
	pin.quota = 2 * MB;
	check(policy_decide(&pin, &pout) == 2);
	check(pout.del[0] == 2 && pout.del[1] == 0);
	/* in use: pinned as ever, and counted on disk */
	shared_base(last, 1, 5 * MB);
	pin.img[2].users = 1;
	pin.quota = 4 * MB;
	check(policy_decide(&pin, &pout) == 2);
	check(pout.del[0] == 0 && pout.del[1] == 1);
	check(pout.d[2].why == R_IN_USE);
	pin.quota = 5 * MB;
	check(policy_decide(&pin, &pout) == 0);
	return 0;
}

/* the disk estimate is used only when complete and below the sum */
static int
disk_fallbacks(void)
{
	static const long long last[] = { 1, 2, 3 };

	/* a candidate of unknown unique size: the sum rule */
	shared_base(last, 1, 5 * MB);
	pin.img[0].unique = -1;
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 1 && pout.del[0] == 0);
	/* unique above size: unreadable, the sum rule */
	shared_base(last, 1, 5 * MB);
	pin.img[1].unique = 4 * MB;
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 1);
	/* the disk said more than the sum: the sum */
	shared_base(last, 1, 9 * MB);
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 1 && pout.del[0] == 0);
	/* a negative disk: the sum */
	shared_base(last, 1, -1);
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 1);
	/* the unique size of a pinned image is not needed */
	shared_base(last, 1, 5 * MB);
	pin.img[2].unique = -1;
	pin.quota = 6 * MB;
	check(policy_decide(&pin, &pout) == 0);
	return 0;
}

/* --min-free: more go, oldest first, until their freed bytes cover it */
static int
min_free(void)
{
	static const long long last[] = { 1, 2, 3 };

	/* the sum: a's 3 MB are counted as freed */
	shared_base(last, 0, 0);
	pin.quota = 100 * MB;
	pin.short_free = 1;
	check(policy_decide(&pin, &pout) == 1 && pout.del[0] == 0);
	check(pout.d[0].why == R_DELETE);
	pin.short_free = 3 * MB + 1;
	check(policy_decide(&pin, &pout) == 2);
	check(pout.del[0] == 0 && pout.del[1] == 1);
	/* the newest stays whatever is short */
	pin.short_free = 100 * MB;
	check(policy_decide(&pin, &pout) == 2 && pout.d[2].why == R_MOST_RECENT);
	/* on disk, a alone frees nothing: a and b go for 1 byte */
	shared_base(last, 1, 5 * MB);
	pin.quota = 100 * MB;
	pin.short_free = 1;
	check(policy_decide(&pin, &pout) == 2);
	/* with the quota's deletions counted first */
	shared_base((const long long[]){ 2, 3, 1 }, 1, 5 * MB);
	pin.quota = 4 * MB;
	pin.short_free = 2 * MB;
	check(policy_decide(&pin, &pout) == 1 && pout.del[0] == 2);
	pin.short_free = 2 * MB + 1;
	check(policy_decide(&pin, &pout) == 2);
	check(pout.del[0] == 2 && pout.del[1] == 0);
	/* nothing short: nothing more */
	pin.short_free = 0;
	pin.quota = 100 * MB;
	check(policy_decide(&pin, &pout) == 0);
	pin.use_disk = 0;
	pin.short_free = 0;
	return 0;
}

/* --min-free: huge sizes freed do not wrap the count */
static int
min_free_no_overflow(void)
{
	pure();
	fact(&pin, 0x7fffffffffffffffLL, 1, 0);
	fact(&pin, 0x7fffffffffffffffLL, 2, 0);
	fact(&pin, 1, 3, 0);
	fact(&pin, 1, 4, 0);
	pin.use_disk = 0;
	pin.quota = 0x7fffffffffffffffLL;
	pin.short_free = 0x7fffffffffffffffLL;
	check(policy_decide(&pin, &pout) == 2);
	check(pout.del[0] == 0 && pout.del[1] == 1);
	pin.short_free = 0;
	return 0;
}

/*
 * out->total: the bytes counted against the quota (the report's and the
 * metrics' figure), the unmanaged left out, LLONG_MAX past the range;
 * policy_lru orders any indexes as the deletions are ordered
 */
static int
total_and_lru(void)
{
	unsigned a[3] = { 0, 1, 2 }, tmp[3];

	pure();
	fact(&pin, 100, 5, 0)->seq = 0;
	fact(&pin, 20, -1, 0)->seq = 1;		/* never used: oldest */
	fact(&pin, 7, 5, 0)->seq = 2;		/* a tie: by discovery */
	fact(&pin, 1000, 1, 0)->tracked = 0;	/* not counted */
	pin.quota = 1 << 20;
	check(policy_decide(&pin, &pout) == 0);
	check(pout.total == 127 && pout.managed == 3);
	policy_lru(&pin, a, tmp, 3);
	check(a[0] == 1 && a[1] == 0 && a[2] == 2);
	pure();
	fact(&pin, 0x7fffffffffffffffLL, 3, 0);
	fact(&pin, 2, 2, 0);
	check(policy_decide(&pin, &pout) == 1);
	check(pout.total == 0x7fffffffffffffffLL);
	return 0;
}

/* the slot of img[i] in the inventory's facts, or inv_count() */
static size_t
slot(int i)
{
	size_t k;

	for (k = 0; k < inv_count(); k++)
		if (id_eq(inv_id(k), &img[i]))
			break;
	return k;
}

/* the facts move with their image when a deletion fills its slot */
static int
facts_follow_deletion(void)
{
	const struct policy_image *f;

	setup();
	add(0, 100);
	add(1, 200);
	add(2, 300);
	inv_used(inv_image(&img[2]), 7);
	inv_arrived(inv_image(&img[2]), 5);
	inv_fact(inv_image(&img[2]))->unique = 30;
	inv_kept(inv_image(&img[2]), 1);
	inv_image_del(&img[0]);		/* img[2] fills slot 0 */
	inv_facts(&pin);
	check(pin.n == 2 && slot(0) == 2 && slot(2) == 0);
	f = &pin.img[slot(2)];
	check(f->size == 300 && f->last_used == 7 && f->arrived == 5);
	check(f->unique == 30 && f->kept && f->tracked && f->seq == 2);
	f = &pin.img[slot(1)];
	check(f->size == 200 && f->last_used == -1 && f->arrived == -1);
	check(f->unique == -1 && !f->kept && f->tracked && f->seq == 1);
	check(inv_size(inv_image(&img[2])) == 300);
	/* and the next image takes the freed slot with facts of its own */
	inv_image_add(&img[3], 50, 0, NULL);
	inv_facts(&pin);
	f = &pin.img[slot(3)];
	check(slot(3) == 2 && f->size == 50 && f->last_used == -1);
	check(!f->tracked && !f->kept && f->seq == 3 && f->unique == -1);
	return 0;
}

/* the facts are read in place: each change shows in the next decision */
static int
changes_show_next_time(void)
{
	setup();
	pin.use_disk = 0;
	pin.min_age = 0;
	pin.now = 0;
	pin.short_free = 0;
	add(0, 100);
	add(1, 100);
	add(2, 100);
	inv_used(inv_image(&img[0]), 1);
	inv_used(inv_image(&img[1]), 2);
	inv_used(inv_image(&img[2]), 3);
	check(decide(150) == 2 && pout.d[slot(2)].why == R_MOST_RECENT);
	/* a use */
	user(0, 0, 4);
	check(decide(150) == 2 && pout.d[slot(0)].why == R_IN_USE &&
	    pout.d[slot(0)].n == 1);
	/* and its end */
	inv_ctr_del(&ctr[0]);
	check(decide(150) == 2 && pout.d[slot(0)].why == R_MOST_RECENT);
	/* a new image, never used: it fits */
	add(3, 10);
	check(decide(150) == 2 && pin.n == 4 &&
	    pout.d[slot(3)].why == R_FITS);
	/* its size known larger */
	inv_sized(inv_image(&img[3]), 60);
	check(decide(150) == 3 && pout.d[slot(3)].why == R_DELETE);
	/* a keep rule matches it now */
	inv_kept(inv_image(&img[3]), 1);
	check(decide(150) == 2 && pout.d[slot(3)].why == R_KEPT_BY_RULE);
	/* an image deleted */
	inv_image_del(&img[2]);
	check(decide(150) == 1 && pin.n == 3 &&
	    id_eq(inv_id(pout.del[0]), &img[1]));
	/* unique bytes (/system/df): the disk estimate once all known */
	pin.use_disk = 1;
	pin.disk = 160;
	check(decide(160) == 1);
	inv_fact(inv_image(&img[1]))->unique = 0;
	check(decide(160) == 0);
	pin.use_disk = 0;
	/* an arrival that cannot be read: young in this decision only */
	pin.min_age = 100;
	pin.now = 1000;
	inv_unread(inv_image(&img[1]));
	check(policy_decide(&pin, &pout) == 0 &&
	    pout.d[slot(1)].why == R_TOO_YOUNG);
	check(decide(160) == 1 && pout.d[slot(1)].why == R_DELETE);
	/* an arrival read: young by it */
	inv_arrived(inv_image(&img[1]), 950);
	check(decide(160) == 0 && pout.d[slot(1)].why == R_TOO_YOUNG);
	pin.min_age = 0;
	pin.now = 0;
	return 0;
}

/* a container's image found by its slot only while the slot holds it */
static int
ctr_slot_hint(void)
{
	setup();
	add(0, 100);
	add(1, 100);
	add(2, 100);
	user(0, 2, 1);
	check(decide(1000) == 0 && pout.d[slot(2)].why == R_IN_USE);
	inv_image_del(&img[0]);		/* img[2] moves to slot 0 */
	check(decide(1000) == 0 && pout.d[slot(2)].why == R_IN_USE &&
	    pout.d[slot(2)].n == 1 && pout.d[slot(1)].why != R_IN_USE);
	inv_image_del(&img[2]);		/* img[1] moves into its slot */
	check(decide(1000) == 0 && pin.n == 1 &&
	    pout.d[0].why == R_MOST_RECENT && pout.d[0].n == 0);
	add(2, 100);			/* back: in use again */
	check(decide(1000) == 0 && pout.d[slot(2)].why == R_IN_USE &&
	    pout.d[slot(1)].why == R_FITS);
	/* its slot taken by another image at once: that one is not used */
	add(3, 100);
	check(decide(1000) == 0 && slot(2) == 1 && slot(3) == 2);
	inv_image_del(&img[2]);		/* img[3] fills slot 1 */
	check(decide(1000) == 0 && slot(3) == 1 &&
	    pout.d[slot(3)].why == R_MOST_RECENT &&
	    pout.d[slot(1)].why == R_FITS);
	return 0;
}

/* a count of users moved by a deletion is cleared all the same */
static int
moved_users_cleared(void)
{
	setup();
	add(0, 100);
	add(1, 100);
	add(2, 100);
	user(0, 2, 1);
	check(decide(1000) == 0 && pout.d[slot(2)].why == R_IN_USE);
	inv_image_del(&img[0]);		/* img[2], counted, to slot 0 */
	inv_ctr_del(&ctr[0]);
	check(decide(1000) == 0 && slot(2) == 0 &&
	    pout.d[0].why == R_MOST_RECENT && pin.img[0].users == 0);
	/* an unread arrival moved the same way */
	pin.min_age = 100;
	pin.now = 1000;
	inv_unread(inv_image(&img[1]));
	inv_image_del(&img[2]);		/* img[1] to slot 0 */
	check(policy_decide(&pin, &pout) == 0 && slot(1) == 0 &&
	    pout.d[0].why == R_TOO_YOUNG);
	check(decide(1000) == 0 && pout.d[0].why == R_MOST_RECENT);
	pin.min_age = 0;
	pin.now = 0;
	return 0;
}

/* more images counted than USED_MARKS: every count is cleared */
static int
many_users_cleared(void)
{
	static struct id many[USED_MARKS + 8];
	size_t i, n = sizeof many / sizeof many[0];
	struct id c;

	setup();
	memset(&c, 0, sizeof c);
	for (i = 0; i < n; i++) {
		memset(&many[i], 0, sizeof many[i]);
		many[i].b[0] = 0x40;
		many[i].b[1] = (unsigned char)(i >> 8);
		many[i].b[2] = (unsigned char)i;
		inv_image_add(&many[i], 10, 1, NULL);
		c = many[i];
		c.b[0] = 0x41;
		inv_ctr_add(&c, &many[i], CS_RUNNING);
	}
	check(decide(0) == 0 && pout.managed == n);
	for (i = 0; i < n; i++)
		if (pout.d[i].why != R_IN_USE || pin.img[i].users != 1)
			return __LINE__;
	inv_ctr_clear();
	check(decide(0) == n - 1);
	for (i = 0; i < n; i++)
		if (pin.img[i].users != 0)
			return __LINE__;
	return 0;
}

const struct unit_test policy_tests[] = {
	UNIT(disk_fits),
	UNIT(disk_lru_until_fits),
	UNIT(disk_fallbacks),
	UNIT(min_free),
	UNIT(min_free_no_overflow),
	UNIT(sorted_order),
	UNIT(last_use_is_max),
	UNIT(has_and_del),
	UNIT(one_image_always_kept),
	UNIT(images_under_target_kept),
	UNIT(in_use_not_deletable),
	UNIT(deletable_after_unused),
	UNIT(user_restarts),
	UNIT(any_user_remains),
	UNIT(after_all_users_end),
	UNIT(lru_order),
	UNIT(unknown_users_and_images),
	UNIT(never_used_in_listing_order),
	UNIT(untracked_left_alone),
	UNIT(in_use_over_quota),
	UNIT(no_overflow),
	UNIT(ties_by_discovery),
	UNIT(reasons),
	UNIT(users_counted),
	UNIT(reason_text),
	UNIT(kept_by_rule),
	UNIT(refused_kept),
	UNIT(too_young),
	UNIT(keep_matching),
	UNIT(keep_checks),
	UNIT(keep_glob_is_fnmatch),
	UNIT(evict_incomplete_no_wake),
	UNIT(total_and_lru),
	UNIT(facts_follow_deletion),
	UNIT(changes_show_next_time),
	UNIT(ctr_slot_hint),
	UNIT(moved_users_cleared),
	UNIT(many_users_cleared),
	{ NULL, NULL }
};
