/* See LICENSE file for copyright and license details. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "fuzz.h"

struct fz *fz_cur;

void
fz_fail(const char *what)
{
	fprintf(stderr, "fuzz: invariant broken: %s\n", what);
	abort();
}

static uint64_t
next(struct fz *f)
{
	/* xorshift64*; never zero */
	f->rng ^= f->rng >> 12;
	f->rng ^= f->rng << 25;
	f->rng ^= f->rng >> 27;
	return f->rng * 2685821657736338717ULL;
}

unsigned
fz_below(struct fz *f, unsigned n)
{
	return (unsigned)(next(f) >> 32) % n;
}

void
fz_init(struct fz *f, const uint8_t *data, size_t len, int split)
{
	uint64_t h = 14695981039346656037ULL;	/* FNV-1a */
	size_t i, t;
	int k, m;

	memset(f, 0, sizeof *f);
	f->data = data;
	f->len = len;
	for (i = 0; i < len; i++)
		h = (h ^ data[i]) * 1099511628211ULL;
	f->seed = f->rng = h | 1;
	/* one input in 16 fails at a point of its own, one in 16 at its end */
	k = (int)fz_below(f, 16);
	f->failat = k == 0 ? fz_below(f, (unsigned)len + 1) : k == 1 ? len :
	    SIZE_MAX;
	if (!split)
		return;
	f->ncut = (int)fz_below(f, FZ_CUTS + 1);
	for (k = 0; k < f->ncut; k++) {
		t = fz_below(f, (unsigned)len + 1);
		for (m = k; m > 0 && f->cut[m - 1] > t; m--)
			f->cut[m] = f->cut[m - 1];
		f->cut[m] = t;
	}
	if (fz_below(f, 4) == 0)
		f->maxread = 1 + fz_below(f, 16);
}

static ssize_t
fz_read(struct conn *c, void *buf, size_t n)
{
	struct fz *f = c->ctx;
	size_t lim = f->len, k;
	int i;

	/* a read of nothing could not tell the end of the stream */
	FZ_CHECK(n > 0);
	if (f->pos >= f->failat)
		return -1;
	if (f->pos == f->len)
		return 0;
	if (f->failat < lim)
		lim = f->failat;
	for (i = 0; i < f->ncut; i++) {
		if (f->cut[i] > f->pos) {
			if (f->cut[i] < lim)
				lim = f->cut[i];
			break;
		}
	}
	k = lim - f->pos;
	if (k > n)
		k = n;
	if (f->maxread && k > f->maxread)
		k = f->maxread;
	memcpy(buf, f->data + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static ssize_t
fz_write(struct conn *c, const void *buf, size_t n)
{
	(void)c;
	(void)buf;
	return (ssize_t)n;
}

static void
fz_close(struct conn *c)
{
	(void)c;
}

void
fz_conn(struct fz *f, struct conn *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->timeout_ms = -1;
	c->ctx = f;
	c->read = fz_read;
	c->write = fz_write;
	c->close = fz_close;
}

int
fz_open(struct conn *c)
{
	if (fz_below(fz_cur, 32) == 0)
		return -1;	/* the daemon is not there */
	fz_cur->pos = 0;
	fz_conn(fz_cur, c);
	return 0;
}
