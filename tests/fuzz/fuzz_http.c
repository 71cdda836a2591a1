/* See LICENSE file for copyright and license details. */
/*
 * The HTTP reply parser and body decoder (http_head, http_body,
 * http_drain). The input is one reply. It is read twice: whole, with the
 * body taken in large pieces, and cut into reads at input-derived points,
 * with the body taken in pieces of input-derived sizes (or drained into a
 * message of such a size). Both readings must agree: head, status,
 * Api-Version, body bytes and outcome.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "http.h"
#include "log.h"
#include "fuzz.h"

struct res {
	int head, body;		/* returns of http_head and of the body */
	int status, major, minor;
	int drained;		/* the body went through http_drain */
	size_t len;		/* body bytes in buf; drained: msg size */
	unsigned char *buf;
};

static struct http h;

static void
body(struct fz *f, struct res *r, size_t size, int split)
{
	unsigned char *b;
	size_t n;
	ssize_t k;

	for (;;) {
		n = split ? 1 + fz_below(f, 700) : 4096;
		b = malloc(n);
		k = http_body(&h, b, n);
		if (k < 0) {
			free(b);
			r->body = -1;
			return;
		}
		FZ_CHECK((size_t)k <= n);
		if (k == 0) {
			free(b);
			break;
		}
		/* a decoded body is never longer than the reply */
		FZ_CHECK(r->len + (size_t)k <= size);
		memcpy(r->buf + r->len, b, (size_t)k);
		r->len += (size_t)k;
		free(b);
	}
	/* the end stays the end */
	b = malloc(1);
	FZ_CHECK(http_body(&h, b, 1) == 0);
	free(b);
}

static void
drain(struct fz *f, struct res *r)
{
	size_t n = fz_below(f, 600);
	char *msg = malloc(n);

	r->drained = 1;
	r->len = n;
	r->body = http_drain(&h, msg, n);
	if (n > 0) {
		FZ_CHECK(memchr(msg, '\0', n) != NULL);
		memcpy(r->buf, msg, n);
	}
	free(msg);
}

static void
run(const uint8_t *data, size_t size, int split, int no_body, struct res *r)
{
	struct fz f;
	struct conn c;
	long long cl;
	int chunked;

	fz_init(&f, data, size, split);
	fz_conn(&f, &c);
	r->head = http_head(&h, &c, no_body);
	FZ_CHECK(r->head == 0 || r->head == -1);
	if (r->head < 0)
		return;
	r->status = h.status;
	r->major = h.api_major;
	r->minor = h.api_minor;
	FZ_CHECK(h.status >= 200 && h.status <= 599);
	FZ_CHECK(h.rpos <= h.rlen && h.rlen <= sizeof h.rbuf);
	cl = h.left;
	chunked = h.chunked;
	if (split && fz_below(&f, 4) == 0) {
		drain(&f, r);
		return;
	}
	body(&f, r, size, split);
	if (r->body < 0)
		return;
	if (no_body || r->status == 204 || r->status == 304)
		FZ_CHECK(r->len == 0);
	else if (!chunked && cl >= 0)
		FZ_CHECK(r->len == (unsigned long long)cl);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct res a, b;
	struct fz f;
	size_t n;
	int no_body;

	log_level = -1;
	fz_init(&f, data, size, 1);
	no_body = fz_below(&f, 8) == 0;	/* as after HEAD */
	memset(&a, 0, sizeof a);
	memset(&b, 0, sizeof b);
	a.buf = malloc(size + 1);
	b.buf = malloc(size + 600);
	run(data, size, 0, no_body, &a);
	run(data, size, 1, no_body, &b);
	FZ_CHECK(a.head == b.head);
	if (a.head == 0) {
		FZ_CHECK(a.status == b.status);
		FZ_CHECK(a.major == b.major && a.minor == b.minor);
		FZ_CHECK(a.body == b.body);
		if (!b.drained) {
			/*
			 * on an error, what a call had decoded is dropped:
			 * how much came out before depends on the pieces
			 */
			n = a.len < b.len ? a.len : b.len;
			FZ_CHECK(a.body < 0 || a.len == b.len);
			FZ_CHECK(memcmp(a.buf, b.buf, n) == 0);
		} else if (b.len > 0 && a.body == 0) {
			/* the message is the body's start, cut at msgsz-1 */
			n = a.len < b.len - 1 ? a.len : b.len - 1;
			FZ_CHECK(memcmp(a.buf, b.buf, n) == 0);
			FZ_CHECK(b.buf[n] == '\0');
		}
	}
	free(a.buf);
	free(b.buf);
	return 0;
}
