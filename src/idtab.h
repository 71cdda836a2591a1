/* See LICENSE file for copyright and license details. */
/*
 * A fixed-capacity hash table keyed by 256-bit IDs. The entries are kept
 * dense at the start of a caller-owned array (so memory is touched only as
 * entries come), each starting with a struct ident; an index (linear
 * probing) points into it. The index starts at IDTAB_MIN_SLOTS slots of
 * the caller's array of cap slots and is rebuilt at twice the size when
 * more than half full, up to cap: only the part in use is touched. The home
 * slot is a keyed hash (SipHash-2-4) of the whole ID under a key drawn at
 * random once per process, so crafted IDs cannot pile up in one run.
 * Entry pointers stay valid until the next idtab_del.
 */
struct ident {
	struct id id;
	unsigned char used;
};

struct idtab {
	void *base;		/* max entries of esize bytes, count in use */
	size_t esize;
	size_t nslots, cap;	/* index slots in use, and the most there are */
	size_t count, max;	/* entries in use, and the most allowed */
	unsigned *index;	/* nslots slots: entry number + 1, 0 free */
	size_t ahead, iahead;	/* mem_ahead() of the entries, the index */
};

/*
 * base holds max entries, index cap slots; max is kept below cap, and cap
 * below 2^32 (the home slot scales 32 bits of the hash; inventory.c keeps
 * its tables far below)
 */
void idtab_init(struct idtab *t, void *base, size_t esize, size_t cap,
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

/*
 * For tests: set the hash key (16 bytes; before any entry is put, as it
 * applies to every table), and the home slot of id in t as it is now.
 */
void idtab_key(const unsigned char key[16]);
unsigned long long idtab_hash(const struct id *id); /* SipHash-2-4 */
size_t idtab_home(const struct idtab *t, const struct id *id);
