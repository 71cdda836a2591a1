/* See LICENSE file for copyright and license details. */
/*
 * A fixed-capacity hash table keyed by 256-bit IDs: open addressing with
 * linear probing over a caller-owned array of entries, each of which starts
 * with a struct ident. Entry pointers stay valid until the next idtab_del.
 */
struct ident {
	struct id id;
	unsigned char used;
};

struct idtab {
	void *base;		/* nslots entries of esize bytes */
	size_t esize, nslots;
	size_t count, max;	/* entries in use, and the most allowed */
};

void idtab_init(struct idtab *t, void *base, size_t esize, size_t nslots,
    size_t max);
/* the entry with id, or NULL */
void *idtab_get(const struct idtab *t, const struct id *id);
/* the entry with id, made (zeroed, id set) if new; NULL when full */
void *idtab_put(struct idtab *t, const struct id *id, int *isnew);
void idtab_del(struct idtab *t, const struct id *id);
/* the entry in slot i, or NULL if that slot is free: for iteration */
void *idtab_slot(const struct idtab *t, size_t i);
void idtab_clear(struct idtab *t);
