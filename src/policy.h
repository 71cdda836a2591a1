/* See LICENSE file for copyright and license details. */
/*
 * The eviction decision, pure: no I/O, no tables. The reference's rule:
 * keep every image in use; if none is, keep the most recently used one;
 * then, most recently used first, keep each image that still fits in the
 * quota; delete the rest, least recently used first.
 */
struct pitem {
	long long size;		/* bytes, >= 0 */
	long long last_used;	/* any clock; -1: never used (oldest) */
	unsigned seq;		/* tie-break: order of discovery */
	int keep;		/* in: image in use; out: image kept */
	unsigned idx;		/* the caller's: not read */
};

/*
 * Sort it[0..n) least recently used first and decide: on return, keep is 1
 * for each image kept, 0 for each to delete (delete in array order).
 * Returns the number of images to delete.
 */
size_t policy_decide(struct pitem *it, size_t n, long long quota);
