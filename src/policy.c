/* See LICENSE file for copyright and license details. */
/*
 * The eviction rule (see policy.h). A rule that keeps an image whatever
 * the quota is a line in pinned() and a reason in policy.h and text[].
 */
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "id.h"
#include "policy.h"

static const char *const text[] = {
	[R_UNMANAGED] = "unmanaged",
	[R_IN_USE] = "in use",
	[R_KEPT_BY_RULE] = "kept by rule",
	[R_TOO_YOUNG] = "too young",
	[R_MOST_RECENT] = "most recent",
	[R_FITS] = "fits",
	[R_DELETE] = "delete",
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

/*
 * The rules that keep an image whatever the quota; the first that holds
 * sets *d and returns 1. Issue 11's R_KEPT_BY_RULE and R_TOO_YOUNG go
 * here, reading their settings from in.
 */
static int
pinned(const struct policy_in *in, const struct policy_image *im,
    struct decision *d)
{
	(void)in;
	d->n = 0;
	if (!im->tracked || im->size < 0)
		d->why = R_UNMANAGED;
	else if (im->users) {
		d->why = R_IN_USE;
		d->n = im->users;
	} else {
		return 0;
	}
	return 1;
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

	if (in->n >= IMAGE_MAX)
		return NULL;
	im = &in->img[in->n++];
	memset(im, 0, sizeof *im);
	return im;
}

size_t
policy_decide(const struct policy_in *in, struct policy_out *out)
{
	const struct policy_image *im;
	struct decision *d;
	long long total = 0, left = in->quota;
	size_t i, j, nrest = 0, mru = 0, in_use = 0;
	int over = 0;

	out->ndel = out->managed = 0;
	for (i = 0; i < in->n; i++) {
		im = &in->img[i];
		d = &out->d[i];
		if (!pinned(in, im, d)) {
			d->why = R_FITS;	/* as yet: the quota decides */
			d->n = 0;
		}
		if (d->why == R_UNMANAGED)
			continue;
		out->managed++;
		if (total > LLONG_MAX - im->size)
			over = 1;	/* more than any quota */
		else
			total += im->size;
		if (d->why != R_FITS) {		/* kept: takes its room */
			in_use += d->why == R_IN_USE;
			left = take(left, im->size);
		} else if (nrest++ == 0 || !before(im, &in->img[mru])) {
			mru = i;	/* the newest of the rest */
		}
	}
	/* none in use: the newest is kept (the reference's rule) */
	if (nrest && !in_use) {
		out->d[mru].why = R_MOST_RECENT;
		left = take(left, in->img[mru].size);
	}
	out->total = over ? LLONG_MAX : total;
	if (!over && total <= in->quota)
		return 0;	/* all fits: no need to sort anything */
	/* the rest, least recently used first, then fit from the newest */
	for (i = 0, nrest = 0; i < in->n; i++)
		if (out->d[i].why == R_FITS)
			out->del[nrest++] = (unsigned)i;
	msort(in->img, out->del, out->tmp, nrest);
	for (i = nrest; i-- > 0;) {
		im = &in->img[out->del[i]];
		if (im->size <= left)
			left -= im->size;
		else
			out->d[out->del[i]].why = R_DELETE;
	}
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
		snprintf(buf, n, "in use by %u container%s", d->n,
		    d->n == 1 ? "" : "s");
	else
		snprintf(buf, n, "%s", text[d->why]);
	return buf;
}
