/* See LICENSE file for copyright and license details. */
#include <stddef.h>
#include <string.h>

#include "id.h"
#include "idtab.h"

#define AT(t, i) ((struct ident *)((char *)(t)->base + (i) * (t)->esize))

void
idtab_init(struct idtab *t, void *base, size_t esize, size_t nslots,
    size_t max)
{
	t->base = base;
	t->esize = esize;
	t->nslots = nslots;
	t->max = max < nslots ? max : nslots - 1;
	idtab_clear(t);
}

void
idtab_clear(struct idtab *t)
{
	memset(t->base, 0, t->esize * t->nslots);
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

	while (AT(t, i)->used && !id_eq(&AT(t, i)->id, id))
		i = (i + 1) % t->nslots;
	return i;
}

void *
idtab_get(const struct idtab *t, const struct id *id)
{
	struct ident *e = AT(t, find(t, id));

	return e->used ? e : NULL;
}

void *
idtab_put(struct idtab *t, const struct id *id, int *isnew)
{
	struct ident *e = AT(t, find(t, id));

	if (isnew)
		*isnew = !e->used;
	if (e->used)
		return e;
	if (t->count >= t->max)
		return NULL;
	memset(e, 0, t->esize);
	e->id = *id;
	e->used = 1;
	t->count++;
	return e;
}

void
idtab_del(struct idtab *t, const struct id *id)
{
	size_t i = find(t, id), j, k;

	if (!AT(t, i)->used)
		return;
	AT(t, i)->used = 0;
	t->count--;
	/* shift back later entries of the probe run into the hole */
	for (j = (i + 1) % t->nslots; AT(t, j)->used; j = (j + 1) % t->nslots) {
		k = home(t, &AT(t, j)->id);
		/* entry j may move to i if its home is not in (i, j] */
		if (i <= j ? (k <= i || k > j) : (k <= i && k > j)) {
			memcpy(AT(t, i), AT(t, j), t->esize);
			AT(t, j)->used = 0;
			i = j;
		}
	}
}

void *
idtab_slot(const struct idtab *t, size_t i)
{
	return AT(t, i)->used ? AT(t, i) : NULL;
}
