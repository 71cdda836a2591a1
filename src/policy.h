/* See LICENSE file for copyright and license details. */
/*
 * The eviction decision, pure: facts and settings in, for each image keep
 * or delete and the reason out. No I/O, no tables of its own: the caller
 * fills a policy_in (the inventory does, with inv_facts(), pointing at its
 * own table of facts) and acts on the policy_out; both are the caller's.
 * Requires bounds.h.
 *
 * The reference's rule: an image of unknown size, or not tracked, is not
 * managed (never deleted, not counted); keep every image in use, every one
 * a keep rule matches, every one the daemon refused to delete and every
 * one used or arrived less than min_age ago (these count against the
 * quota); if none is in use, keep the most recently used one of the rest;
 * then, most recently used first, keep each image that still fits in the
 * quota; delete the rest, least recently used first. Ties in last use go
 * by order of discovery.
 *
 * Issue 11: with use_disk, the quota compares with the bytes the managed
 * images take on disk, each layer once (disk, from /system/df), when that
 * is below the sum of their sizes: then, the same images pinned, the rest
 * go least recently used first until the estimate fits, each deletion
 * taking its unique bytes off it. With short_free (--min-free), more go,
 * least recently used first, until what their deletion frees (unique
 * bytes, else sizes) covers it.
 */
enum reason {
	R_UNMANAGED,	/* size unknown or not tracked: kept, not counted */
	R_IN_USE,	/* a container uses it (n: how many) */
	R_KEPT_BY_RULE,	/* matches --keep or --keep-label (kept) */
	R_REFUSED,	/* the daemon refused to delete it (kept) */
	R_TOO_YOUNG,	/* used or arrived less than min_age ago */
	R_MOST_RECENT,	/* none in use: the most recently used one */
	R_FITS,		/* fits in what the quota leaves */
	R_DELETE	/* over the quota: the only reason that deletes */
};

struct policy_image {		/* the facts of one image */
	long long size;		/* bytes; -1 unknown */
	long long last_used;	/* any clock; -1 never used (the oldest) */
	long long arrived;	/* the clock of last_used; -1 unknown */
	long long unique;	/* bytes freed by deleting it alone (its size
				 * less what other images share); -1 unknown */
	unsigned seq;		/* order of discovery: breaks ties */
	unsigned users;		/* containers that use it, in any state */
	unsigned char tracked;	/* counts against the quota (size known) */
	unsigned char kept;	/* matches a keep rule */
	unsigned char refused;	/* the daemon refused its deletion (a child
				 * image, a container not seen): kept until
				 * an image leaves the inventory, or the
				 * next full inventory */
	unsigned char unread;	/* its arrival could not be read: it counts
				 * as arrived now */
};

struct policy_in {
	long long quota;	/* bytes */
	long long min_age;	/* grace period, the clock's unit; 0 none */
	long long now;		/* the clock's now (read with min_age) */
	int use_disk;		/* 1: disk is known (0: the sum of sizes) */
	long long disk;		/* bytes the managed images take on disk,
				 * each layer once */
	long long short_free;	/* bytes to free for --min-free; 0 none */
	size_t n;		/* images in img, at most IMAGE_MAX */
	struct policy_image *img;	/* the caller's array of IMAGE_MAX
					 * (the inventory's own facts, from
					 * inv_facts(), are read in place) */
};

struct decision {		/* for one image */
	enum reason why;
	unsigned n;		/* R_IN_USE: how many containers */
};

struct policy_out {
	struct decision d[IMAGE_MAX];	/* d[i]: for in->img[i] */
	unsigned del[IMAGE_MAX];	/* [0, ndel): indexes into in->img to
					 * delete, least recently used first */
	size_t ndel;
	size_t managed;			/* images counted against the quota */
	long long total;		/* their bytes (LLONG_MAX: more) */
	unsigned tmp[IMAGE_MAX];	/* scratch of the sort */
};

/*
 * The next image of in (in->img set), zeroed, with n raised; NULL when in
 * is full (IMAGE_MAX).
 */
struct policy_image *policy_add(struct policy_in *in);
/* decide over in->img[0..n): fills out; returns out->ndel */
size_t policy_decide(const struct policy_in *in, struct policy_out *out);
/*
 * The reason as short text ("in use by 2 containers", "kept by rule",
 * "refused by the daemon", "too young", "most recent", "fits",
 * "unmanaged", "over the quota"), in buf (n bytes); returns buf.
 */
const char *policy_why(const struct decision *d, char *buf, size_t n);
/*
 * The earliest end of a grace period among the images out keeps as too
 * young (R_TOO_YOUNG), in in's clock; -1 when none is.
 */
long long policy_young_until(const struct policy_in *in,
    const struct policy_out *out);
/*
 * Sort the indexes a[0..n) into in->img least recently used first, as the
 * policy orders its deletions (stable), through tmp (n items).
 */
void policy_lru(const struct policy_in *in, unsigned *a, unsigned *tmp,
    size_t n);
