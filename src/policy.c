/* See LICENSE file for copyright and license details. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"

#include "policy.h"

static int
cmp(const void *a, const void *b)
{
	const struct pitem *x = a, *y = b;

	if (x->last_used != y->last_used)
		return x->last_used < y->last_used ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int
before(const struct pitem *x, const struct pitem *y)
{
	return x->last_used < y->last_used ||
	    (x->last_used == y->last_used && x->seq < y->seq);
}

/*
 * Merge sort, bottom-up, through tmp (n items): stable, and several times
 * faster than musl's qsort (a smoothsort) on these 32-byte items.
 */
static void
msort(struct pitem *a, struct pitem *tmp, size_t n)
{
	struct pitem *src = a, *dst = tmp, *t;
	size_t w, lo, mid, hi, i, j, k;

	for (w = 1; w < n; w *= 2) {
		for (lo = 0; lo < n; lo += 2 * w) {
			mid = lo + w < n ? lo + w : n;
			hi = lo + 2 * w < n ? lo + 2 * w : n;
			for (i = lo, j = mid, k = lo; k < hi; k++)
				dst[k] = j < hi && (i >= mid || before(&src[j],
				    &src[i])) ? src[j++] : src[i++];
		}
		t = src;
		src = dst;
		dst = t;
	}
	if (src != a)
		memcpy(a, src, n * sizeof *a);
}

size_t
policy_decide(struct pitem *it, size_t n, long long quota)
{
	static struct pitem tmp[IMAGE_MAX];
	long long left = quota;
	size_t i, any_in_use = 0, del = 0;

	if (n == 0)
		return 0;
	if (n <= IMAGE_MAX)
		msort(it, tmp, n);
	else
		qsort(it, n, sizeof *it, cmp);
	for (i = 0; i < n; i++)
		any_in_use |= it[i].keep != 0;
	if (!any_in_use)
		it[n - 1].keep = 1;	/* the most recently used */
	for (i = 0; i < n; i++) {
		if (!it[i].keep)
			continue;
		/* left only shrinks; stop at the floor instead of wrapping */
		if (left < LLONG_MIN + it[i].size)
			left = LLONG_MIN;
		else
			left -= it[i].size;
	}
	for (i = n; i-- > 0;) {
		if (it[i].keep)
			continue;
		if (it[i].size <= left) {
			it[i].keep = 1;
			left -= it[i].size;
		} else {
			del++;
		}
	}
	return del;
}
