/* See LICENSE file for copyright and license details. */
/*
 * The ID hash tables (idtab.h) over caller-owned arrays: linear probing,
 * the index rebuilt larger inside its maximum. Owns the SipHash key, one
 * for every table, drawn once (getrandom).
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "bounds.h"
#include "id.h"
#include "idtab.h"
#include "util.h"

#define AT(t, i) ((struct ident *)((char *)(t)->base + (i) * (t)->esize))

_Static_assert(IDTAB_MIN_SLOTS >= 2, "IDTAB_MIN_SLOTS");

static uint64_t key0, key1;	/* the hash key, for every table */
static int keyed;

static inline uint64_t
le64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

void
idtab_key(const unsigned char key[16])
{
	key0 = le64(key);
	key1 = le64(key + 8);
	keyed = 1;
}

/* a key from the kernel, once per process */
static void
draw_key(void)
{
	unsigned char k[16];
	struct timespec ts;
	uint64_t v;
	size_t i;

	if (keyed)
		return;
	/*
	 * GRND_NONBLOCK: early at boot the pool may not be ready, and
	 * waiting for it would hang the start. Then (or on a kernel without
	 * getrandom) the key is made of the time and the pid: weak against
	 * someone who can guess both, but no worse than a fixed hash.
	 */
	if (getrandom(k, sizeof k, GRND_NONBLOCK) != (ssize_t)sizeof k) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		v = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec ^
		    (uint64_t)getpid() << 40;
		clock_gettime(CLOCK_REALTIME, &ts);
		for (i = 0; i < sizeof k; i++) {
			v ^= (uint64_t)ts.tv_nsec + i;
			v *= 0x9e3779b97f4a7c15u;	/* mix: golden ratio */
			k[i] = (unsigned char)(v >> 56);
		}
	}
	idtab_key(k);
}

#define ROTL(x, b) ((x) << (b) | (x) >> (64 - (b)))

static void
sipround(uint64_t v[4], int rounds)
{
	while (rounds-- > 0) {
		v[0] += v[1]; v[1] = ROTL(v[1], 13); v[1] ^= v[0];
		v[0] = ROTL(v[0], 32);
		v[2] += v[3]; v[3] = ROTL(v[3], 16); v[3] ^= v[2];
		v[0] += v[3]; v[3] = ROTL(v[3], 21); v[3] ^= v[0];
		v[2] += v[1]; v[1] = ROTL(v[1], 17); v[1] ^= v[2];
		v[2] = ROTL(v[2], 32);
	}
}

/* SipHash-2-4 of the 32 bytes of id, as its specification has it */
static uint64_t
siphash(const struct id *id)
{
	uint64_t v[4], m;
	size_t i;

	v[0] = key0 ^ 0x736f6d6570736575u;
	v[1] = key1 ^ 0x646f72616e646f6du;
	v[2] = key0 ^ 0x6c7967656e657261u;
	v[3] = key1 ^ 0x7465646279746573u;
	for (i = 0; i <= ID_BYTES; i += 8) {
		/* the last block is the length alone: 32 is a multiple of 8 */
		m = i < ID_BYTES ? le64(id->b + i) : (uint64_t)ID_BYTES << 56;
		v[3] ^= m;
		sipround(v, 2);
		v[0] ^= m;
	}
	v[2] ^= 0xff;
	sipround(v, 4);
	return v[0] ^ v[1] ^ v[2] ^ v[3];
}

unsigned long long
idtab_hash(const struct id *id)
{
	return siphash(id);
}

size_t
idtab_home(const struct idtab *t, const struct id *id)
{
	/* the hash's top 32 bits scaled to nslots: no division */
	return (size_t)((siphash(id) >> 32) * (uint64_t)t->nslots >> 32);
}

/* the slot after i (no division: this is the probe loop) */
static inline size_t
next_slot(const struct idtab *t, size_t i)
{
	return i + 1 < t->nslots ? i + 1 : 0;
}

/* zero the index's nslots slots and point them at the entries again */
static void
reindex(struct idtab *t)
{
	size_t i, j;

	mem_ahead(t->index, t->nslots * sizeof t->index[0],
	    t->cap * sizeof t->index[0], &t->iahead);
	memset(t->index, 0, t->nslots * sizeof t->index[0]);
	for (i = 0; i < t->count; i++) {
		j = idtab_home(t, &AT(t, i)->id);
		while (t->index[j])
			j = next_slot(t, j);
		t->index[j] = (unsigned)i + 1;
	}
}

void
idtab_init(struct idtab *t, void *base, size_t esize, size_t cap,
    size_t max, unsigned *index)
{
	draw_key();
	t->base = base;
	t->esize = esize;
	t->cap = cap;
	t->nslots = cap < IDTAB_MIN_SLOTS ? cap : IDTAB_MIN_SLOTS;
	t->max = max < cap ? max : cap - 1;
	t->index = index;
	t->count = 0;
	t->ahead = t->iahead = 0;
	reindex(t);
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

/* the slot holding id, or the free slot where it would go */
static size_t
find(const struct idtab *t, const struct id *id)
{
	size_t i = idtab_home(t, id);

	while (t->index[i] && !id_eq(&AT(t, t->index[i] - 1)->id, id))
		i = next_slot(t, i);
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
	/* past half full: twice the slots, while the array has them */
	if (2 * (t->count + 1) > t->nslots && t->nslots < t->cap) {
		t->nslots = t->nslots <= t->cap / 2 ? 2 * t->nslots : t->cap;
		reindex(t);
		i = find(t, id);
	}
	mem_ahead(t->base, (t->count + 1) * t->esize, t->max * t->esize,
	    &t->ahead);
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
	for (j = next_slot(t, i); t->index[j]; j = next_slot(t, j)) {
		k = idtab_home(t, &AT(t, t->index[j] - 1)->id);
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
