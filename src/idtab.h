/* See LICENSE file for copyright and license details. */
/*
 * A fixed-capacity hash table keyed by 256-bit IDs. The entries are kept
 * dense at the start of a caller-owned array (so memory is touched only as
 * entries come), each starting with a struct ident; an index of nslots
 * slots (linear probing) points into it. Entry pointers stay valid until
 * the next idtab_del.
 */
struct ident {
	struct id id;
	unsigned char used;
};

struct idtab {
	void *base;		/* max entries of esize bytes, count in use */
	size_t esize, nslots;
	size_t count, max;	/* entries in use, and the most allowed */
	unsigned *index;	/* nslots slots: entry number + 1, 0 free */
};

/* base holds max entries, index nslots slots; max is kept below nslots */
void idtab_init(struct idtab *t, void *base, size_t esize, size_t nslots,
    size_t max, unsigned *index);
/* the entry with id, or NULL */
void *idtab_get(const struct idtab *t, const struct id *id);
/* the entry with id, made (zeroed, id set) if new; NULL when full */
void *idtab_put(struct idtab *t, const struct id *id, int *isnew);
/* remove id; the last entry moves into its place */
void idtab_del(struct idtab *t, const struct id *id);
/* entry i (0 <= i < count), or NULL past the last: for iteration */
void *idtab_slot(const struct idtab *t, size_t i);
void idtab_clear(struct idtab *t);
