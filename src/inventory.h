/* See LICENSE file for copyright and license details. */
/*
 * What the cleaner knows: images (size, last use, tracked or not, order of
 * discovery: the policy's facts, in a table of their own beside the
 * image table, slot for slot) and containers (which image each uses; the
 * images they mount), in fixed tables sized by config.h. Facts only: no
 * I/O, no rules (those are policy.c's, which inv_facts() feeds). Requires
 * id.h, idtab.h; policy.h to read the facts.
 * Entry pointers are valid until the next deletion from the same table.
 */
enum {
	IMG_TRACKED = 1,	/* counts against the quota; may be deleted */
	IMG_LISTED = 2,		/* seen in the current listing */
	IMG_LOGGED = 4,		/* "loaded but unused" was logged */
	IMG_KEPT = 8,		/* matches a keep rule (keep.h) */
	IMG_HEAD = 16		/* its arrival was inspected in this pass */
};

struct image {
	struct ident k;
	unsigned char flags;
};				/* its facts: inv_fact() */

struct container {
	struct ident k;
	unsigned char state;	/* CS_* of records.h */
	struct id image;
	unsigned slot;		/* a hint: the image's slot when last found */
};

struct policy_image;
void inv_init(void);
struct image *inv_image(const struct id *id);
/*
 * The facts of im (size, last use, arrival, unique size, order of
 * discovery; policy.h): the inventory's, valid as im is. seq, tracked,
 * kept, refused, users and unread are set by the functions below only.
 */
struct policy_image *inv_fact(const struct image *im);
/* the image, made if new (flags IMG_TRACKED if tracked); NULL when full */
struct image *inv_image_add(const struct id *id, long long size, int tracked,
    int *isnew);
void inv_image_del(const struct id *id);
/* its size in bytes (-1 unknown), and set it */
long long inv_size(const struct image *im);
void inv_sized(struct image *im, long long size);
/* set IMG_TRACKED, IMG_LISTED, IMG_LOGGED */
void inv_track(struct image *im);
void inv_listed(struct image *im);
void inv_logged(struct image *im);
/* whether IMG_TRACKED, IMG_LOGGED is set: 1 or 0 */
int inv_is_tracked(const struct image *im);
int inv_is_logged(const struct image *im);
/* a use at t: last_used only moves forward */
void inv_used(struct image *im, long long t);
/* an arrival at t (Created, LastTagTime, first seen): only moves forward */
void inv_arrived(struct image *im, long long t);
/*
 * its arrival could not be read: it counts as arrived now until the next
 * inv_facts() (policy_image.unread)
 */
void inv_unread(struct image *im);
/*
 * the daemon refused to delete it (policy_image.refused): until an image
 * leaves the inventory (inv_image_del) or the next inv_unlist()
 */
void inv_refused(struct image *im);
/* set or clear IMG_KEPT; set IMG_HEAD */
void inv_kept(struct image *im, int kept);
void inv_headed(struct image *im);
/*
 * clear IMG_LISTED (and IMG_HEAD and the refusals: a new pass)
 * everywhere; then drop the images still without it
 */
void inv_unlist(void);
/*
 * Iterate the tracked images that have a use: start with *cursor 0; 1 with
 * *id and *t set, or 0 at the end. No deletions in between.
 */
int inv_next_used(size_t *cursor, struct id *id, long long *t);
void inv_drop_unlisted(void);
/* every image's unique size unknown (-1): before /system/df is read */
void inv_unique_clear(void);

struct container *inv_ctr(const struct id *id);
/* the container (its image and state set), made if new; NULL when full */
struct container *inv_ctr_add(const struct id *id, const struct id *image,
    int state);
/* inv_ctr_del, inv_ctr_clear: and the image mounts of those containers */
void inv_ctr_del(const struct id *id);
void inv_ctr_clear(void);
/*
 * Container ctr mounts image (a Mount of Type "image"): the image has a
 * user while the container is there. 0, or -1 when the table of MOUNTS_MAX
 * is full (logged)
 */
int inv_mount_add(const struct id *ctr, const struct id *image);
/* IDs of containers in state, at most max, into out; returns the count */
size_t inv_ctr_in_state(int state, struct id *out, size_t max);

struct policy_in;
/*
 * The facts for the policy (policy.h), read in place: in->img is the
 * inventory's table of facts, every image in table order, n of them, with
 * how many containers use it (counted again now). Valid until an image is
 * added or deleted; the quota is the caller's.
 */
void inv_facts(struct policy_in *in);
/* the ID of in->img[i] after inv_facts(), as long as that is valid */
const struct id *inv_id(size_t i);
/* how many images the table holds (in->n again after a deletion) */
size_t inv_count(void);
/*
 * Entries a full table refused since the last call (the first of a run is
 * logged when it happens; the caller logs the count).
 */
size_t inv_dropped(void);
