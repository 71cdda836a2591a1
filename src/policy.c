/* See LICENSE file for copyright and license details. */
#include <limits.h>
#include <stdlib.h>

#include "policy.h"

static int
cmp(const void *a, const void *b)
{
	const struct pitem *x = a, *y = b;

	if (x->last_used != y->last_used)
		return x->last_used < y->last_used ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

size_t
policy_decide(struct pitem *it, size_t n, long long quota)
{
	long long left = quota;
	size_t i, any_in_use = 0, del = 0;

	if (n == 0)
		return 0;
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
