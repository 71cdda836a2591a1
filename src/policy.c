/* See LICENSE file for copyright and license details. */
/*
 * The eviction rule (see policy.h). A rule that keeps an image whatever
 * the quota is a line in pinned() and a reason in policy.h and text[].
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "id.h"
#include "policy.h"

static const char *const text[] = {
	[R_UNMANAGED] = "unmanaged",
	[R_IN_USE] = "in use",
	[R_KEPT_BY_RULE] = "kept by rule",
	[R_REFUSED] = "refused by the daemon",
	[R_TOO_YOUNG] = "too young",
	[R_MOST_RECENT] = "most recent",
	[R_FITS] = "fits",
	[R_DELETE] = "over the quota",
};
_Static_assert(sizeof text / sizeof text[0] == R_DELETE + 1, "text[]");

/* x was used before y: the older of the two */
static int
before(const struct policy_image *x, const struct policy_image *y)
{
	return x->last_used < y->last_used ||
	    (x->last_used == y->last_used && x->seq < y->seq);
}

/*
 * Sort the indexes a[0..n) into img least recently used first: a merge
 * sort, bottom-up, through tmp (n items); stable.
 */
static void
msort(const struct policy_image *img, unsigned *a, unsigned *tmp, size_t n)
{
	unsigned *src = a, *dst = tmp, *t;
	size_t w, lo, mid, hi, i, j, k;

	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				dst[k] = j < hi && (i >= mid ||
				    before(&img[src[j]], &img[src[i]])) ?
				    src[j++] : src[i++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

/* when the grace period of im starts: its last use or arrival, or now */
static long long
since(long long now, const struct policy_image *im)
{
	return im->unread ? now : im->arrived > im->last_used ? im->arrived :
	    im->last_used;
}

/* used or arrived less than min_age before now (a time ahead of it too) */
static int
young(long long min_age, long long now, const struct policy_image *im)
{
	long long t;

	if (min_age <= 0)
		return 0;
	t = since(now, im);
	return t >= 0 && (t >= now || now - t < min_age);
}

/*
 * The rules that keep an image whatever the quota: the reason of the
 * first that holds, else R_FITS (as yet: the quota decides)
 */
static enum reason
pinned(long long min_age, long long now, const struct policy_image *im)
{
	if (!im->tracked || im->size < 0)
		return R_UNMANAGED;
	if (im->users)
		return R_IN_USE;
	if (im->kept)
		return R_KEPT_BY_RULE;
	if (im->refused)
		return R_REFUSED;
	if (young(min_age, now, im))
		return R_TOO_YOUNG;
	return R_FITS;
}

/* left - size, stopping at the floor instead of wrapping */
static long long
take(long long left, long long size)
{
	return left < LLONG_MIN + size ? LLONG_MIN : left - size;
}

struct policy_image *
policy_add(struct policy_in *in)
{
	struct policy_image *im;

	if (!in->img || in->n >= IMAGE_MAX)
		return NULL;
	im = &in->img[in->n++];
	memset(im, 0, sizeof *im);
	return im;
}

/*
 * Mark for deletion the candidates del[0..n) (least recently used first)
 * that the quota does not leave room for: with the disk estimate, the
 * oldest until it fits; else the reference's rule, which keeps from the
 * newest each one that still fits in what is left.
 */
static void
over_quota(const struct policy_in *in, struct policy_out *out, size_t n,
    long long est, long long left, int disk)
{
	const struct policy_image *im;
	size_t i;

	if (disk) {
		for (i = 0; i < n && est > in->quota; i++) {
			out->d[out->del[i]].why = R_DELETE;
			est -= in->img[out->del[i]].unique;
		}
		return;
	}
	for (i = n; i-- > 0;) {
		im = &in->img[out->del[i]];
		if (im->size <= left)
			left -= im->size;
		else
			out->d[out->del[i]].why = R_DELETE;
	}
}

/* what deleting im frees by the estimate in use, added to freed */
static long long
frees(long long freed, const struct policy_image *im, int disk)
{
	long long b = disk ? im->unique : im->size;

	return freed > LLONG_MAX - b ? LLONG_MAX : freed + b;
}

/*
 * --min-free: more of the candidates del[0..n), oldest first, until what
 * the deletions free (unique bytes with the disk estimate, else sizes,
 * which never count less than is freed) covers in->short_free
 */
static void
short_of_free(const struct policy_in *in, struct policy_out *out, size_t n,
    int disk)
{
	long long freed = 0;
	size_t i;

	for (i = 0; i < n; i++)
		if (out->d[out->del[i]].why == R_DELETE)
			freed = frees(freed, &in->img[out->del[i]], disk);
	for (i = 0; i < n && freed < in->short_free; i++) {
		if (out->d[out->del[i]].why == R_DELETE)
			continue;
		out->d[out->del[i]].why = R_DELETE;
		freed = frees(freed, &in->img[out->del[i]], disk);
	}
}

size_t
policy_decide(const struct policy_in *in, struct policy_out *out)
{
	const struct policy_image *im, *img = in->img;
	struct decision *d = out->d;
	long long total = 0, left = in->quota;
	long long min_age = in->min_age, now = in->now;
	size_t i, j, n = in->n, nrest = 0, mru = 0, in_use = 0, managed = 0;
	int over = 0, disk = in->use_disk && in->disk >= 0;
	enum reason why;

	/* in locals: a store to out is not a store to in (one pass of n) */
	for (i = 0; i < n; i++) {
		im = &img[i];
		d[i].why = why = pinned(min_age, now, im);
		d[i].n = why == R_IN_USE ? im->users : 0;
		if (why == R_UNMANAGED)
			continue;
		managed++;
		if (total > LLONG_MAX - im->size)
			over = 1;	/* more than any quota */
		else
			total += im->size;
		if (why != R_FITS) {		/* kept: takes its room */
			in_use += why == R_IN_USE;
			left = take(left, im->size);
		} else if (nrest++ == 0 || !before(im, &img[mru])) {
			mru = i;	/* the newest of the rest */
		}
	}
	out->ndel = 0;
	out->managed = managed;
	/* none in use: the newest is kept (the reference's rule) */
	if (nrest && !in_use) {
		out->d[mru].why = R_MOST_RECENT;
		left = take(left, in->img[mru].size);
	}
	/* a candidate of unknown unique size: the sum rule */
	for (i = 0; i < in->n && disk; i++)
		if (out->d[i].why == R_FITS && (in->img[i].unique < 0 ||
		    in->img[i].unique > in->img[i].size))
			disk = 0;
	/* the sum is never below the disk use: the lower one is the truer */
	if (disk && (over || in->disk < total)) {
		total = in->disk;
		over = 0;
	} else {
		disk = 0;
	}
	out->total = over ? LLONG_MAX : total;
	if (!over && total <= in->quota && in->short_free <= 0)
		return 0;	/* all fits: no need to sort anything */
	/* the rest, least recently used first */
	for (i = 0, nrest = 0; i < in->n; i++)
		if (out->d[i].why == R_FITS)
			out->del[nrest++] = (unsigned)i;
	msort(in->img, out->del, out->tmp, nrest);
	if (over || total > in->quota)
		over_quota(in, out, nrest, total, left, disk);
	if (in->short_free > 0)
		short_of_free(in, out, nrest, disk);
	for (i = 0, j = 0; i < nrest; i++)
		if (out->d[out->del[i]].why == R_DELETE)
			out->del[j++] = out->del[i];
	return out->ndel = j;
}

void
policy_lru(const struct policy_in *in, unsigned *a, unsigned *tmp, size_t n)
{
	msort(in->img, a, tmp, n);
}

const char *
policy_why(const struct decision *d, char *buf, size_t n)
{
	if (d->why == R_IN_USE)
		fmt_snprintf(buf, n, "in use by %u container%s", d->n,
		    d->n == 1 ? "" : "s");
	else
		fmt_snprintf(buf, n, "%s", text[d->why]);
	return buf;
}

long long
policy_young_until(const struct policy_in *in, const struct policy_out *out)
{
	long long t, end = -1;
	size_t i;

	for (i = 0; i < in->n; i++) {
		if (out->d[i].why != R_TOO_YOUNG)
			continue;
		t = since(in->now, &in->img[i]);
		t = t < in->now ? t + in->min_age : in->now + in->min_age;
		if (end < 0 || t < end)
			end = t;
	}
	return end;
}
