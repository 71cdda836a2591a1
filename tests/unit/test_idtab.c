/* See LICENSE file for copyright and license details. */
/*
 * IDs in text and the hash table keyed by them. The table's home slot is a
 * keyed hash of the ID mod the slot count; under a fixed key the tests
 * search for IDs that collide, and runs of them that wrap around the end
 * of the array.
 */
#include <stddef.h>
#include <stdint.h>

#include "unit.h"
#include "id.h"
#include "idtab.h"

#define NSLOTS 16
#define MAX 12

struct ent {
	struct ident h;
	int val;
};

static const char hex64[] =
    "0123456789abcdef0123456789abcdef0123456789abcdeffedcba9876543210";

static struct ent slots[NSLOTS];
static struct idtab t;
static unsigned idx[64];

#define AT_ID(i) (((struct ent *)t.base)[i].h.id)	/* the index: enough slots for every test */

/* the fixed key of the tests: 00 01 .. 0f, the specification's */
static void
test_key(void)
{
	unsigned char k[16];
	int i;

	for (i = 0; i < 16; i++)
		k[i] = (unsigned char)i;
	idtab_key(k);
}

/* an ID whose home in a table of n slots is home; tag tells them apart */
static struct id
mk(size_t n, unsigned home, unsigned tag)
{
	struct idtab probe;
	struct id id;
	unsigned try;

	test_key();
	memset(&probe, 0, sizeof probe);
	probe.nslots = n;
	memset(&id, 0, sizeof id);
	id.b[8] = (unsigned char)tag;
	id.b[9] = (unsigned char)(tag >> 8);
	id.b[31] = 0xa5;
	/* other bytes counted up until the hash lands on home */
	for (try = 0; ; try++) {
		id.b[0] = (unsigned char)try;
		id.b[1] = (unsigned char)(try >> 8);
		id.b[2] = (unsigned char)(try >> 16);
		if (idtab_home(&probe, &id) == home)
			return id;
	}
}

static int
id_text(void)
{
	char img[ID_TEXT + 8], hex[ID_TEXT], bad[80];
	struct id a, b;

	snprintf(img, sizeof img, "sha256:%s", hex64);
	check(id_parse(img, strlen(img), &a) == 0);
	check(id_parse(hex64, 64, &b) == 0);
	check(id_eq(&a, &b));
	check(a.b[0] == 0x01 && a.b[1] == 0x23 && a.b[31] == 0x10);
	/* back to text, both forms */
	check(strcmp(id_image(&a, hex), img) == 0);
	check(strcmp(id_hex(&a, hex), hex64) == 0);
	check(id_hex(&a, hex) == hex);
	/* the length is what counts, not a NUL */
	check(id_parse(img, strlen(img) - 1, &b) == -1);
	check(id_parse(hex64, 63, &b) == -1);
	/* 65 digits, bare and prefixed */
	snprintf(bad, sizeof bad, "%s0", hex64);
	check(id_parse(bad, 65, &b) == -1);
	snprintf(bad, sizeof bad, "sha256:%s0", hex64);
	check(id_parse(bad, strlen(bad), &b) == -1);
	snprintf(bad, sizeof bad, "sha256:%.63s", hex64);
	check(id_parse(bad, strlen(bad), &b) == -1);
	/* upper case, other digests, junk */
	snprintf(bad, sizeof bad, "%s", hex64);
	bad[10] = 'A';
	check(id_parse(bad, 64, &b) == -1);
	snprintf(bad, sizeof bad, "sha512:%s", hex64);
	check(id_parse(bad, strlen(bad), &b) == -1);
	snprintf(bad, sizeof bad, "SHA256:%s", hex64);
	check(id_parse(bad, strlen(bad), &b) == -1);
	snprintf(bad, sizeof bad, "sha256%s0", hex64);
	check(id_parse(bad, strlen(bad), &b) == -1);
	snprintf(bad, sizeof bad, "%s", hex64);
	bad[63] = 'g';
	check(id_parse(bad, 64, &b) == -1);
	bad[63] = '\0';
	check(id_parse(bad, 64, &b) == -1);
	check(id_parse("", 0, &b) == -1);
	/* every byte value round trips */
	for (a.b[0] = 0; ; a.b[0]++) {
		a.b[31] = (unsigned char)~a.b[0];
		check(id_parse(id_image(&a, img), 71, &b) == 0);
		check(id_eq(&a, &b));
		check(id_parse(id_hex(&a, hex), 64, &b) == 0 && id_eq(&a, &b));
		if (a.b[0] == 255)
			break;
	}
	return 0;
}

static int
put_get_del(void)
{
	struct id a = mk(NSLOTS, 3, 1), b = mk(NSLOTS, 7, 2);
	struct ent *e, *f;
	int isnew = -1;

	idtab_init(&t, slots, sizeof slots[0], NSLOTS, MAX, idx);
	check(t.count == 0 && t.max == MAX);
	check(idtab_get(&t, &a) == NULL);
	check((e = idtab_put(&t, &a, &isnew)) != NULL && isnew == 1);
	check(id_eq(&e->h.id, &a) && e->h.used && e->val == 0);
	e->val = 11;
	check(t.count == 1);
	/* again: the same entry, untouched */
	isnew = -1;
	check(idtab_put(&t, &a, &isnew) == e && isnew == 0 && e->val == 11);
	check(idtab_put(&t, &a, NULL) == e);
	check(t.count == 1);
	check(idtab_get(&t, &a) == e);
	check((f = idtab_put(&t, &b, &isnew)) && isnew == 1 && f != e);
	f->val = 22;
	check(t.count == 2);
	check(idtab_get(&t, &b) == f && idtab_get(&t, &a) == e);
	idtab_del(&t, &a);
	check(t.count == 1 && idtab_get(&t, &a) == NULL);
	/* b may have moved (pointers hold until a deletion): find it again */
	check((f = idtab_get(&t, &b)) && f->val == 22 && f == slots);
	/* deleting what is not there changes nothing */
	idtab_del(&t, &a);
	check(t.count == 1);
	/* a new entry is zeroed, though its slot held one before */
	check((e = idtab_put(&t, &a, &isnew)) && isnew == 1 && e->val == 0);
	idtab_clear(&t);
	check(t.count == 0 && idtab_get(&t, &a) == NULL &&
	    idtab_get(&t, &b) == NULL);
	return 0;
}

static int
full(void)
{
	struct id id;
	struct ent *e;
	size_t i, n;
	int isnew;

	idtab_init(&t, slots, sizeof slots[0], NSLOTS, MAX, idx);
	for (i = 0; i < MAX; i++) {
		id = mk(NSLOTS, (unsigned)(i * 5 % NSLOTS), (unsigned)i);
		check((e = idtab_put(&t, &id, &isnew)) && isnew == 1);
		e->val = (int)i;
	}
	check(t.count == MAX);
	id = mk(NSLOTS, 0, 99);
	check(idtab_put(&t, &id, &isnew) == NULL);
	check(t.count == MAX && idtab_get(&t, &id) == NULL);
	/* what is there can still be found and put */
	for (i = 0; i < MAX; i++) {
		id = mk(NSLOTS, (unsigned)(i * 5 % NSLOTS), (unsigned)i);
		check((e = idtab_put(&t, &id, &isnew)) && isnew == 0 &&
		    e->val == (int)i);
	}
	/* iteration sees each entry once */
	for (i = n = 0; i < NSLOTS; i++)
		if ((e = idtab_slot(&t, i)))
			n++;
	check(n == MAX);
	/* one out, one in */
	id = mk(NSLOTS, (unsigned)(4 * 5 % NSLOTS), 4);
	idtab_del(&t, &id);
	id = mk(NSLOTS, 0, 99);
	check(idtab_put(&t, &id, &isnew) && isnew == 1 && t.count == MAX);
	/* max is kept below the slot count, so a probe always ends */
	idtab_init(&t, slots, sizeof slots[0], NSLOTS, 1000, idx);
	check(t.max == NSLOTS - 1);
	for (i = 0; i < NSLOTS - 1; i++) {
		id = mk(NSLOTS, 9, (unsigned)i);
		check(idtab_put(&t, &id, NULL));
	}
	id = mk(NSLOTS, 9, 500);
	check(idtab_put(&t, &id, NULL) == NULL && idtab_get(&t, &id) == NULL);
	return 0;
}

/* every one of ids[0..n) is in t with val i, or absent where gone[i] */
static int
all_found(const struct id *ids, const int *gone, size_t n)
{
	struct ent *e;
	size_t i, used = 0;

	for (i = 0; i < n; i++) {
		e = idtab_get(&t, &ids[i]);
		if (gone[i] ? e != NULL : (!e || e->val != (int)i ||
		    !id_eq(&e->h.id, &ids[i])))
			return 0;
	}
	for (i = 0; i < t.nslots; i++)
		if (idtab_slot(&t, i))
			used++;
	return used == t.count;
}

static int
collisions(void)
{
	struct id ids[MAX];
	int gone[MAX];
	struct ent *e;
	size_t i, k, d;

	/*
	 * a run at home 13: 13, 14, 15, 0, 1 (wrapped); then IDs at homes
	 * 14, 0 and 1 in the middle of it, found past it
	 */
	static const unsigned homes[] = { 13, 13, 14, 13, 0, 13, 1, 15, 13 };
	size_t n = sizeof homes / sizeof homes[0];

	/* delete each in turn, from each order of insertion */
	for (k = 0; k < n; k++) {
		for (d = 0; d < n; d++) {
			idtab_init(&t, slots, sizeof slots[0], NSLOTS, MAX, idx);
			for (i = 0; i < n; i++) {
				size_t j = (i + k) % n;
				ids[j] = mk(NSLOTS, homes[j], (unsigned)j);
				gone[j] = 0;
			}
			for (i = 0; i < n; i++) {
				size_t j = (i + k) % n;
				check((e = idtab_put(&t, &ids[j], NULL)));
				e->val = (int)j;
			}
			check(all_found(ids, gone, n));
			/* then the rest, one at a time, from d on */
			for (i = 0; i < n; i++) {
				size_t j = (d + i) % n;
				idtab_del(&t, &ids[j]);
				gone[j] = 1;
				check(t.count == n - i - 1);
				check(all_found(ids, gone, n));
			}
		}
	}
	return 0;
}

/* xorshift: the same sequence every run */
static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

/* random puts and deletes against a plain array, in n slots */
static int
random_ops(size_t n, size_t max, uint32_t seed)
{
	enum { POOL = 40 };
	static struct ent big[64];
	struct id ids[POOL];
	int gone[POOL], isnew;
	size_t i, op, live = 0, lim = max < n ? max : n - 1;
	struct ent *e;

	idtab_init(&t, big, sizeof big[0], n, max, idx);
	for (i = 0; i < POOL; i++) {
		/* few homes, so runs are long and wrap */
		ids[i] = mk(n, (unsigned)(rnd(&seed) % 4 + n - 2) % (unsigned)n,
		    (unsigned)i);
		gone[i] = 1;
	}
	for (op = 0; op < 10000; op++) {
		i = rnd(&seed) % POOL;
		if (rnd(&seed) % 2) {
			e = idtab_put(&t, &ids[i], &isnew);
			if (!gone[i]) {
				if (!e || isnew != 0 || e->val != (int)i)
					return 0;
			} else if (live == lim) {
				if (e)
					return 0;
			} else {
				if (!e || isnew != 1 || e->val != 0)
					return 0;
				e->val = (int)i;
				gone[i] = 0;
				live++;
			}
		} else {
			idtab_del(&t, &ids[i]);
			if (!gone[i])
				live--;
			gone[i] = 1;
		}
		if (t.count != live || !all_found(ids, gone, POOL))
			return 0;
	}
	return 1;
}

static int
randomized(void)
{
	check(random_ops(16, 12, 1));
	check(random_ops(16, 16, 7));
	check(random_ops(13, 12, 42));
	check(random_ops(7, 5, 3));
	check(random_ops(64, 40, 9));
	return 0;
}

/* SipHash-2-4 as specified: the reference vector for 32 bytes */
static int
hash_vector(void)
{
	struct idtab probe;
	struct id id;
	int i;

	test_key();
	for (i = 0; i < ID_BYTES; i++)
		id.b[i] = (unsigned char)i;
	check(idtab_hash(&id) == 0x7127512f72f27cceu);
	/* and every byte counts */
	for (i = 0; i < ID_BYTES; i++) {
		id.b[i] ^= 1;
		check(idtab_hash(&id) != 0x7127512f72f27cceu);
		id.b[i] ^= 1;
	}
	/* the home slot is the hash's top 32 bits scaled to the slots */
	memset(&probe, 0, sizeof probe);
	probe.nslots = 1000;
	check(idtab_home(&probe, &id) == (0x7127512f72f27cceu >> 32) * 1000 >> 32);
	probe.nslots = (size_t)1 << 31;
	check(idtab_home(&probe, &id) == 0x7127512f72f27cceu >> 33);
	return 0;
}

#define GMAX 3000
#define GCAP (GMAX + GMAX / 2)
static struct ent gslots[GMAX];
static unsigned gidx[GCAP];
static struct id gids[GMAX + 500];
static int ggone[GMAX + 500];

/* the index and entries past what is used still hold the fill */
static int
untouched(size_t hiwater)
{
	size_t i;

	for (i = t.nslots; i < GCAP; i++)
		if (gidx[i] != 0x5a5a5a5au)
			return 0;
	for (i = hiwater; i < GMAX; i++)
		if (gslots[i].val != 0x5a5a5a5a)
			return 0;
	return 1;
}

/*
 * The index grows by doubling as entries come, never past its cap, and
 * never past half full until it reaches the cap; puts, gets and deletions
 * interleaved, against a plain array
 */
static int
growth(void)
{
	enum { POOL = GMAX + 500 };
	uint32_t seed = 12345;
	size_t i, op, live = 0, hiwater = 0, last = 0, grew = 0;
	struct ent *e;
	int isnew;

	test_key();
	memset(gidx, 0x5a, sizeof gidx);
	memset(gslots, 0x5a, sizeof gslots);
	idtab_init(&t, gslots, sizeof gslots[0], GCAP, GMAX, gidx);
	check(t.nslots == 64 && t.cap == GCAP && untouched(0));
	for (i = 0; i < POOL; i++) {
		memset(&gids[i], 0, sizeof gids[i]);
		gids[i].b[0] = (unsigned char)(rnd(&seed));
		gids[i].b[30] = (unsigned char)i;
		gids[i].b[31] = (unsigned char)(i >> 8);
		ggone[i] = 1;
	}
	for (op = 0; op < 40000; op++) {
		/* mostly puts at first, so the table fills, then churns */
		i = rnd(&seed) % POOL;
		if (rnd(&seed) % 8 < (op < 20000 ? 7u : 3u)) {
			e = idtab_put(&t, &gids[i], &isnew);
			if (!ggone[i]) {
				check(e && isnew == 0 && e->val == (int)i);
			} else if (live == GMAX) {
				check(e == NULL);
			} else {
				check(e && isnew == 1 && e->val == 0);
				e->val = (int)i;
				ggone[i] = 0;
				live++;
			}
		} else if (rnd(&seed) % 2) {
			e = idtab_get(&t, &gids[i]);
			check(ggone[i] ? e == NULL : e && e->val == (int)i);
		} else {
			idtab_del(&t, &gids[i]);
			if (!ggone[i])
				live--;
			ggone[i] = 1;
		}
		check(t.count == live);
		hiwater = live > hiwater ? live : hiwater;
		/* half full at most, until the cap */
		check(t.nslots == GCAP || 2 * t.count <= t.nslots);
		check(t.nslots >= last && t.nslots <= GCAP);
		if (t.nslots != last) {
			check(last == 0 || t.nslots == 2 * last ||
			    t.nslots == GCAP);
			grew++;
			last = t.nslots;
			check(all_found(gids, ggone, POOL) && untouched(hiwater));
		} else if (op % 500 == 0) {
			check(all_found(gids, ggone, POOL) && untouched(hiwater));
		}
	}
	/* 64 .. 4096, then the cap of 4500 */
	check(t.nslots == GCAP && grew == 8 && hiwater == GMAX);
	check(all_found(gids, ggone, POOL) && untouched(hiwater));
	/* a clear keeps the size; the table works on */
	idtab_clear(&t);
	check(t.count == 0 && idtab_get(&t, &gids[0]) == NULL);
	check((e = idtab_put(&t, &gids[0], &isnew)) && isnew == 1);
	return 0;
}

/* deletions shift runs that wrap around the end of a rebuilt index */
static int
grown_collisions(void)
{
	static const unsigned homes[] = { 253, 253, 254, 253, 0, 253, 1, 255,
	    253, 255 };
	enum { N = sizeof homes / sizeof homes[0], FILL = 100 };
	struct id ids[FILL + N];
	int gone[FILL + N];
	struct ent *e;
	uint32_t seed = 77;
	size_t i, k, d;

	/* the filler: any IDs */
	for (i = 0; i < FILL; i++)
		for (k = 0; k < ID_BYTES; k++)
			ids[i].b[k] = (unsigned char)rnd(&seed);
	for (i = 0; i < N; i++)
		ids[FILL + i] = mk(256, homes[i], (unsigned)i);
	for (k = 0; k < N; k++) {
		for (d = 0; d < N; d++) {
			idtab_init(&t, gslots, sizeof gslots[0], GCAP, GMAX,
			    gidx);
			/* 100 entries: the index is at 256 slots */
			for (i = 0; i < FILL; i++) {
				gone[i] = 0;
				check((e = idtab_put(&t, &ids[i], NULL)));
				e->val = (int)i;
			}
			check(t.nslots == 256);
			for (i = 0; i < N; i++)
				gone[FILL + i] = 0;
			for (i = 0; i < N; i++) {
				size_t j = FILL + (i + k) % N;
				check((e = idtab_put(&t, &ids[j], NULL)));
				e->val = (int)j;
			}
			check(t.nslots == 256);
			check(all_found(ids, gone, FILL + N));
			for (i = 0; i < N; i++) {
				size_t j = FILL + (d + i) % N;
				idtab_del(&t, &ids[j]);
				gone[j] = 1;
				check(all_found(ids, gone, FILL + N));
			}
			/* and the filler, from the middle */
			for (i = 0; i < FILL; i++) {
				size_t j = (i * 7 + d) % FILL;
				idtab_del(&t, &ids[j]);
				gone[j] = 1;
				check(all_found(ids, gone, FILL + N));
			}
			check(t.count == 0);
		}
	}
	return 0;
}

/*
 * Flooding: IDs alike in their first 28 bytes (the old hash used the first
 * 8 only, and put them all in one run) spread over the index like random
 * ones: the longest run of used slots stays short
 */
static int
flood(void)
{
	size_t i, k, run = 0, longest = 0, disp = 0, h;
	size_t worst[2] = { 0, 0 }, mean[2] = { 0, 0 };
	uint32_t seed = 99;
	struct id id;
	int alike;

	/* random IDs first, then the alike ones */
	for (alike = 0; alike < 2; alike++) {
		test_key();
		idtab_init(&t, gslots, sizeof gslots[0], GCAP, GMAX, gidx);
		memset(&id, 0xee, sizeof id);
		for (i = 0; i < GMAX; i++) {
			for (k = 0; !alike && k < 28; k++)
				id.b[k] = (unsigned char)rnd(&seed);
			id.b[28] = (unsigned char)(i >> 24);
			id.b[29] = (unsigned char)(i >> 16);
			id.b[30] = (unsigned char)(i >> 8);
			id.b[31] = (unsigned char)i;
			check(idtab_put(&t, &id, NULL));
		}
		check(t.count == GMAX);
		for (i = longest = run = disp = 0; i < 2 * t.nslots; i++) {
			run = t.index[i % t.nslots] ? run + 1 : 0;
			longest = run > longest ? run : longest;
		}
		/* the mean distance of an entry from its home */
		for (i = 0; i < t.nslots; i++) {
			if (!t.index[i])
				continue;
			h = idtab_home(&t, &AT_ID(t.index[i] - 1));
			disp += (i + t.nslots - h) % t.nslots;
		}
		worst[alike] = longest;
		mean[alike] = disp;
	}
	/* measured: runs of 41 and 56, distances of 2732 and 3481 */
	check(worst[1] < 2 * worst[0] + 8 && worst[1] < 100);
	check(mean[1] < 2 * mean[0] && mean[1] < 3 * GMAX);
	return 0;
}

const struct unit_test idtab_tests[] = {
	UNIT(id_text),
	UNIT(put_get_del),
	UNIT(full),
	UNIT(collisions),
	UNIT(randomized),
	UNIT(hash_vector),
	UNIT(growth),
	UNIT(grown_collisions),
	UNIT(flood),
	{ NULL, NULL }
};
