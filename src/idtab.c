/* See LICENSE file for copyright and license details. */
#include <stddef.h>
#include <string.h>

#include "id.h"
#include "idtab.h"

#define AT(t, i) ((struct ident *)((char *)(t)->base + (i) * (t)->esize))

void
idtab_init(struct idtab *t, void *base, size_t esize, size_t nslots,
    size_t max, unsigned *index)
{
	t->base = base;
	t->esize = esize;
	t->nslots = nslots;
	t->max = max < nslots ? max : nslots - 1;
	t->index = index;
	t->count = 1;	/* so that the clear below wipes the index */
	idtab_clear(t);
}

void
idtab_clear(struct idtab *t)
{
	size_t i;

	/* only what was written: untouched memory stays untouched */
	for (i = 0; i < t->count; i++)
		AT(t, i)->used = 0;
	if (t->count)
		memset(t->index, 0, t->nslots * sizeof t->index[0]);
	t->count = 0;
}

static size_t
home(const struct idtab *t, const struct id *id)
{
	unsigned long long h = 0;
	size_t i;

	/* IDs are digests: their first bytes are already well mixed */
	for (i = 0; i < 8; i++)
		h = h << 8 | id->b[i];
	return (size_t)(h % t->nslots);
}

/* the slot holding id, or the free slot where it would go */
static size_t
find(const struct idtab *t, const struct id *id)
{
	size_t i = home(t, id);

	while (t->index[i] && !id_eq(&AT(t, t->index[i] - 1)->id, id))
		i = (i + 1) % t->nslots;
	return i;
}

void *
idtab_get(const struct idtab *t, const struct id *id)
{
	size_t i = find(t, id);

	return t->index[i] ? AT(t, t->index[i] - 1) : NULL;
}

void *
idtab_put(struct idtab *t, const struct id *id, int *isnew)
{
	size_t i = find(t, id);
	struct ident *e;

	if (isnew)
		*isnew = !t->index[i];
	if (t->index[i])
		return AT(t, t->index[i] - 1);
	if (t->count >= t->max)
		return NULL;
	e = AT(t, t->count);
	memset(e, 0, t->esize);
	e->id = *id;
	e->used = 1;
	t->index[i] = (unsigned)++t->count;
	return e;
}

void
idtab_del(struct idtab *t, const struct id *id)
{
	size_t i = find(t, id), j, k, hole, last;

	if (!t->index[i])
		return;
	hole = t->index[i] - 1;
	t->index[i] = 0;
	/* shift back later slots of the probe run into the freed slot */
	for (j = (i + 1) % t->nslots; t->index[j]; j = (j + 1) % t->nslots) {
		k = home(t, &AT(t, t->index[j] - 1)->id);
		/* slot j may move to i if its home is not in (i, j] */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			t->index[i] = t->index[j];
			t->index[j] = 0;
			i = j;
		}
	}
	/* keep the entries dense: the last one fills the hole */
	last = --t->count;
	if (hole != last) {
		memcpy(AT(t, hole), AT(t, last), t->esize);
		t->index[find(t, &AT(t, hole)->id)] = (unsigned)hole + 1;
	}
	AT(t, last)->used = 0;
}

void *
idtab_slot(const struct idtab *t, size_t i)
{
	return i < t->count ? AT(t, i) : NULL;
}
