/* See LICENSE file for copyright and license details. */
/*
 * Carrying out a decision safely: the eviction (delete_image with each
 * reference confirmed before its untag, and put back when the daemon
 * refuses the delete by ID) and its dry-run lines; container removal is
 * sweep.c's.
 * Owns the scratch image record cl_ii and the ID lists of what to delete
 * (with what the decision knew of each: the facts it read are the
 * inventory's, which a deletion moves).
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "keep.h"
#include "policy.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "util.h"
#ifdef DC_HIWATER
#include "hiwater.h"
#endif
#include "opts.h"
#include "metrics.h"
#include "cleaner_int.h"

struct image_info cl_ii;
long long cl_young_until = -1;
static struct policy_in dec_in;		/* the last decision's settings, over
					 * the inventory's facts */
static _Alignas(TABLE_ALIGN) struct policy_out dec_out; /* and the decision */
static _Alignas(TABLE_ALIGN) struct victim {	/* an image it deletes */
	struct id id;
	long long last_used;		/* as the decision saw it */
	unsigned char shared;		/* frees less than its size */
} victims[IMAGE_MAX];

#ifdef DC_HIWATER
const struct hw_region hw_evict[] = {
	{"REFS_BYTES", cl_ii.buf, sizeof cl_ii.buf},
	{0},
};
#endif

void
cl_failed(const char *what, const char *id, enum dk r)
{
	if (r == DK_FAILED)
		cl_trouble = 1;
	metrics_error(r == DK_CONFLICT ? ME_CONFLICT : r == DK_REFUSED ?
	    ME_REFUSED : r == DK_UNREADABLE ? ME_UNREADABLE : ME_FAILED);
	warn("failed to %s %s: %s", what, id, docker_msg());
}

char *
cl_refs_text(char *out, size_t n)
{
	size_t o = 0;
	int i;

	out[0] = '\0';
	for (i = 0; i < cl_ii.nrefs && o + 1 < n; i++)
		o += (size_t)fmt_snprintf(out + o, n - o, "%s%s", i ? "," : "",
		    cl_ii.refs[i]);
	if (cl_ii.nrefs == 0)
		fmt_snprintf(out, n, "untagged");
	san(out, n, out, strlen(out));
	return out;
}

/*
 * Which references of cl_ii go by name before the delete by ID. Without
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

	for (i = 0; i < cl_ii.nrefs; i++) {
		n = docker_ref_repo(cl_ii.refs[i], &kind);
		if (kind == REF_TAG)
			continue;
		if (!kr) {
			kr = cl_ii.refs[i];
			kn = n;
		} else if (n != kn || memcmp(kr, cl_ii.refs[i], n) != 0) {
			return -1;
		}
	}
	if (!kr && cl_ii.nrefs) {
		kr = cl_ii.refs[0];
		kn = docker_ref_repo(kr, &kind);
	}
	for (i = 0; i < cl_ii.nrefs; i++) {
		n = docker_ref_repo(cl_ii.refs[i], &kind);
		keep[i] = n == kn && memcmp(kr, cl_ii.refs[i], n) == 0 &&
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
	enum dk r;

	if ((r = docker_image_head(ref, &h)) == DK_DONE)
		return id_eq(&h.id, id) ? 0 : 2;
	if (r == DK_GONE)
		return 1;
	cl_failed("look up", san(s, sizeof s, ref, strlen(ref)), r);
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
	enum dk r;
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
			logerr("tag %s of image %s: not restored", s, hex);
			cl_trouble = 1;
			continue;
		}
		if ((r = docker_tag_image(id, refs[i])) == DK_DONE) {
			info("restored tag %s on image %s", s, hex);
		} else if (r == DK_GONE) {
			dbg("image %s: gone; tag %s not restored", hex, s);
		} else {
			cl_failed("restore tag", s, r);
			logerr("tag %s of image %s: not restored", s, hex);
			cl_trouble = 1;
		}
	}
}

/*
 * The daemon refused (r) to delete id: kept and counted in the decisions
 * that follow (the others go in its place: decide again), not asked
 * again until an image leaves the inventory or a new pass begins. A
 * failure (no reply) is not a refusal: asked again.
 */
static void
refused(const struct id *id, enum dk r)
{
	struct image *im;

	if ((r != DK_CONFLICT && r != DK_REFUSED) || !(im = inv_image(id)))
		return;
	inv_refused(im);
	cl_again = 1;
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
	char hs[HSIZE_LEN];
	const char *gone[REFS_MAX];
	unsigned char keep[REFS_MAX];
	struct image *im = inv_image(id);
	long long last = im ? inv_fact(im)->last_used : -1;
	int i, ngone = 0;
	enum dk r;

	id_image(id, hex);
	if ((r = docker_inspect_image(hex, &cl_ii)) != DK_DONE) {
		if (r == DK_GONE) {
			dbg("image %s: already gone", hex);
			inv_image_del(id);
			return;
		}
		if (r != DK_UNREADABLE) {
			cl_failed("read the tags of image", hex, r);
			return;
		}
		/*
		 * A reply too large or malformed to read: delete by ID alone.
		 * The daemon refuses (409) if the image has several
		 * references, as it does if a container uses it.
		 */
		if (keep_any()) {
			warn("image %s: its details cannot be read (too large "
			    "or malformed), nor matched with the keep rules; "
			    "not deleted", hex);
			return;
		}
		warn("image %s: its details cannot be read (too large or "
		    "malformed); deleting by ID only", hex);
		cl_ii.nrefs = 0;
		cl_ii.size = im ? inv_fact(im)->size : -1;
		cl_ii.kept = 0;
	}
	if (cl_ii.kept) {
		/* tagged since the listing, or the rules changed */
		info("image %s matches a keep rule now; not deleted", hex);
		if (im)
			inv_kept(im, 1);
		return;
	}
	cl_refs_text(refs, sizeof refs);
	fmt_time(when, sizeof when, last);
	if (plan(keep) < 0) {
		warn("image %s (%s): digests of several repositories, which "
		    "cannot be restored if the daemon refuses; %s",
		    hex, refs, cl_set->dry_run ? "it would stay" :
		    "not deleted");
		return;
	}
	if (cl_set->dry_run) {
		fmt_printf("would delete image %s tags=%s size=%lld last_used=%s\n",
		    hex, refs, cl_ii.size, when);
		fmt_flush();
		inv_image_del(id);	/* as if deleted, for what follows */
		return;
	}
	for (i = 0; i < cl_ii.nrefs; i++) {
		if (keep[i])
			continue;
		san(s, sizeof s, cl_ii.refs[i], strlen(cl_ii.refs[i]));
		switch (names(cl_ii.refs[i], id)) {
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
		if ((r = docker_delete_image(cl_ii.refs[i])) != DK_DONE) {
			if (r == DK_GONE)
				continue;
			cl_failed("untag image", hex, r);
			restore(id, gone, ngone);
			refused(id, r);
			return;
		}
		gone[ngone++] = cl_ii.refs[i];
	}
	if ((r = docker_delete_image(hex)) == DK_DONE || r == DK_GONE) {
		info("removed image %s (%s), %s, last used %s", hex,
		    refs, hsize(hs, sizeof hs, cl_ii.size), when);
		metrics_deleted(cl_ii.size);
		inv_image_del(id);
		return;
	}
	cl_failed("remove image", hex, r);
	if (ngone) {
		/* refused, or no reply: the image stays, with every tag */
		restore(id, gone, ngone);
		cl_trouble = 1;
	}
	refused(id, r);
}

/*
 * The images out deletes, least recently used first, into victims, as the
 * decision saw them (before a deletion moves the facts); returns how many.
 */
static size_t
victims_of(const struct policy_in *in, const struct policy_out *out)
{
	const struct policy_image *p;
	size_t i;

	for (i = 0; i < out->ndel && i < IMAGE_MAX; i++) {
		p = &in->img[out->del[i]];
		victims[i].id = *inv_id(out->del[i]);
		victims[i].last_used = p->last_used;
		victims[i].shared = p->unique < p->size;
	}
	return i;
}

/*
 * With a grace period: the arrival (Created, Metadata.LastTagTime) of
 * each image to delete not yet read in this pass, into the inventory (in
 * reads it in place; in->n follows a deletion). Returns how many were
 * read; one that cannot be read counts as arrived now.
 */
static size_t
arrivals(struct policy_in *in, const struct policy_out *out)
{
	struct image_head h;
	struct image *im;
	char hex[ID_TEXT];
	size_t i, k, n = 0;
	enum dk r;

	k = victims_of(in, out);
	for (i = 0; i < k && !stopping; i++) {
		if (!(im = inv_image(&victims[i].id)) ||
		    (im->flags & IMG_HEAD))
			continue;
		n++;
		id_image(&victims[i].id, hex);
		if ((r = docker_image_head(hex, &h)) == DK_DONE) {
			inv_arrived(im, h.created_ns);
			inv_arrived(im, h.tagged_ns);
			inv_headed(im);
			continue;
		}
		if (r == DK_GONE) {
			dbg("image %s: already gone", hex);
			inv_image_del(&victims[i].id);
			in->n = inv_count();
			continue;
		}
		cl_failed("read the arrival of image", hex, r);
		/* unknown: not deleted in this pass (the next inv_facts
		   forgets it) */
		inv_unread(im);
	}
	return n;
}

/*
 * -v: in a pass over the quota (it deletes, or cannot get under), each
 * image that stays, once, with the policy's reason; in a dry run, every
 * image that stays
 */
static void
why_kept(const struct policy_in *in, const struct policy_out *out)
{
	char hex[ID_TEXT], why[40];
	size_t i;
	int say;

	/*
	 * Nothing to delete: every managed image stays, so what stays is
	 * the policy's total (on disk: each layer once); no pass over them
	 */
	say = out->ndel || (in->use_disk ? in->disk : out->total) > in->quota;
	if (!say && !cl_set->dry_run)
		return;
	for (i = 0; log_level >= L_INFO && i < in->n; i++)
		if (out->d[i].why != R_DELETE && (cl_set->dry_run ||
		    (say && out->d[i].why != R_UNMANAGED)))
			info("image %s stays: %s", id_image(inv_id(i), hex),
			    policy_why(&out->d[i], why, sizeof why));
}

void
cl_decision(struct policy_in *in, struct policy_out *out)
{
	int round;

	cl_decide(in, out);
	/* the would-be-deleted may have arrived lately: read, decide again */
	for (round = 0; in->min_age > 0 && round < ARRIVAL_ROUNDS &&
	    arrivals(in, out) > 0; round++)
		policy_decide(in, out);
}

int cl_busy, cl_again;

void
cl_decided(struct policy_in **pin, struct policy_out **pout)
{
	cl_decision(&dec_in, &dec_out);
	metrics_managed(dec_out.managed, dec_out.total, dec_in.quota);
	*pin = &dec_in;
	*pout = &dec_out;
}

/*
 * One decision and its deletions (cl_evict's); first: the first of the
 * eviction (-v says why each image stays). 1 when a deletion freed
 * shared bytes, so that what is left frees more than planned: decide
 * again; else 0.
 */
static int
evict_once(int first)
{
	char hex[ID_TEXT];
	const struct victim *v;
	struct policy_in *pin;
	struct policy_out *pout;
	struct image *im;
	size_t i, k;

	cl_decided(&pin, &pout);
	cl_young_until = policy_young_until(pin, pout);
	dbg("%zu images managed, %zu to delete", pout->managed, pout->ndel);
	if (first)
		why_kept(pin, pout);
	/* the facts are not read past here: deletions move them */
	k = victims_of(pin, pout);
	/*
	 * Between deletions, the live events that came meanwhile: an image
	 * used since the decision is not deleted now but decided again, and
	 * a use unaccounted for stops the deletions.
	 */
	for (i = 0; i < k && !stopping && !cl_incomplete; i++) {
		v = &victims[i];
		im = inv_image(&v->id);
		if (pin->min_age > 0 && im && !(im->flags & IMG_HEAD)) {
			/* more rounds than ARRIVAL_ROUNDS: the next pass */
			dbg("image %s: arrival not read yet; stays",
			    id_image(&im->k.id, hex));
			continue;
		}
		if (im && inv_fact(im)->last_used > v->last_used) {
			dbg("image %s: used since the decision; decided again",
			    id_image(&v->id, hex));
			cl_again = 1;
			continue;
		}
		delete_image(&v->id);
		cl_disk_stale();
		cl_catch_up();
		/*
		 * its shared bytes may be unique to others now: what they
		 * free is more than planned, so decide again
		 */
		if (pin->use_disk && v->shared && i + 1 < k &&
		    !cl_set->dry_run)
			return 1;
	}
	return 0;
}

void
cl_evict(void)
{
	int round = 0, first = 1, disk_again;

	if (cl_busy) {
		cl_again = 1;	/* after the deletions under way */
		return;
	}
	cl_young_until = -1;	/* nothing to wake for, unless decided below */
	if (cl_incomplete) {
		warn("use of some images is unaccounted for: nothing %s "
		    "until the next full inventory",
		    cl_set->dry_run ? "would be removed" : "deleted");
		return;
	}
	cl_busy = 1;
	do {
		cl_again = 0;
		disk_again = evict_once(first);
		first = 0;
	} while (!stopping && !cl_incomplete && (cl_again ||
	    (disk_again && ++round < DF_REDECIDE_MAX)));
	cl_busy = 0;
}
