/* See LICENSE file for copyright and license details. */
/*
 * What the fuzz targets share: an in-memory transport that hands out the
 * fuzz input as the daemon's reply and swallows the request. The reply is
 * read whole, or cut into reads at points derived from the input itself
 * (a hash of it seeds a small generator), so an input always reads the
 * same way and a crash replays from the input alone. Requires conn.h.
 */
#include <stddef.h>
#include <stdint.h>

#define FZ_CUTS 8

struct fz {
	const unsigned char *data;
	size_t len, pos;
	size_t cut[FZ_CUTS];	/* no read crosses these offsets; ascending */
	int ncut;
	size_t maxread;		/* most bytes per read; 0: no limit */
	size_t failat;		/* reads from here give -1; SIZE_MAX: never */
	uint64_t seed, rng;
};

/*
 * Set f to read data[0..len) from its start: whole reads (split 0) or cut
 * ones (split 1). Where reads fail is the same either way.
 */
void fz_init(struct fz *f, const uint8_t *data, size_t len, int split);
/* the next number of f's generator, below n (n > 0) */
unsigned fz_below(struct fz *f, unsigned n);
/* c reads f from where f is */
void fz_conn(struct fz *f, struct conn *c);
/*
 * for conn_test_open: each connection reads fz_cur from its start; one in
 * 32 fails to connect
 */
extern struct fz *fz_cur;
int fz_open(struct conn *c);
/* abort with a message: a broken invariant the sanitizers cannot see */
void fz_fail(const char *what) __attribute__((noreturn));
#define FZ_CHECK(cond) do { if (!(cond)) fz_fail(#cond); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
