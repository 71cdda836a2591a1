/* See LICENSE file for copyright and license details. */
/*
 * The HTTP client over an in-memory transport: the reply is handed out in
 * pieces of chosen sizes, so that every way the bytes can arrive is tried,
 * and the request written is recorded.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

#include "unit.h"
#include "bounds.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "records.h"
#include "docker.h"
#include "docker_int.h"
#include "util.h"

/* the transport's state: the reply, how it is cut, and the request */
struct mem {
	const char *data;
	size_t len, pos;
	const size_t *sizes;	/* read sizes; the last one repeats */
	size_t nsizes, next;
	int fail;		/* read gives -1 at the end of data, not 0 */
	int nreads;
	size_t wmax;		/* most bytes taken per write; 0: all */
	int wfail;		/* write gives -1 */
	char out[HTTP_REQ_MAX + 64];
	size_t outlen;
};

struct result {
	int head;		/* what http_head returned */
	int body;		/* 0, or -1 when http_body failed */
	int status, major, minor;
	size_t len;
	char text[4096];
};

static struct http h;
static struct result ra, rb;

static ssize_t
mem_read(struct conn *c, void *buf, size_t n)
{
	struct mem *m = c->ctx;
	size_t k;

	m->nreads++;
	if (m->pos == m->len)
		return m->fail ? -1 : 0;
	k = m->len - m->pos;
	if (k > n)
		k = n;
	if (m->nsizes) {
		size_t i = m->next < m->nsizes ? m->next : m->nsizes - 1;
		if (k > m->sizes[i])
			k = m->sizes[i];
		m->next++;
	}
	memcpy(buf, m->data + m->pos, k);
	m->pos += k;
	return (ssize_t)k;
}

static ssize_t
mem_write(struct conn *c, const void *buf, size_t n)
{
	struct mem *m = c->ctx;

	if (m->wfail)
		return -1;
	if (m->wmax && n > m->wmax)
		n = m->wmax;
	if (n > sizeof m->out - m->outlen)
		return -1;
	memcpy(m->out + m->outlen, buf, n);
	m->outlen += n;
	return (ssize_t)n;
}

static void
mem_open(struct conn *c, struct mem *m, const char *s, size_t len,
    const size_t *sizes, size_t nsizes)
{
	memset(m, 0, sizeof *m);
	m->data = s;
	m->len = len;
	m->sizes = sizes;
	m->nsizes = nsizes;
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->timeout_ms = -1;
	c->ctx = m;
	c->read = mem_read;
	c->write = mem_write;
}

/*
 * Read the reply s[0..len) cut by sizes, taking the body step bytes at a
 * time, into r. Returns the number of reads made.
 */
static int
run(const char *s, size_t len, const size_t *sizes, size_t nsizes,
    size_t step, int no_body, struct result *r)
{
	struct conn c;
	struct mem m;
	ssize_t n;
	size_t guard;

	mem_open(&c, &m, s, len, sizes, nsizes);
	memset(r, 0, sizeof *r);
	/* stale bytes in the buffer must not be taken for the reply */
	memset(h.rbuf, ' ', sizeof h.rbuf);
	r->head = http_head(&h, &c, no_body);
	r->status = h.status;
	r->major = h.api_major;
	r->minor = h.api_minor;
	if (r->head < 0)
		return m.nreads;
	for (guard = 0; guard < 2 * len + 16; guard++) {
		size_t k = sizeof r->text - r->len;
		if (k > step)
			k = step;
		if (k == 0) {
			r->body = -1;	/* longer than any reply here */
			break;
		}
		if ((n = http_body(&h, r->text + r->len, k)) <= 0) {
			r->body = (int)n;
			break;
		}
		r->len += (size_t)n;
	}
	if (guard == 2 * len + 16)
		r->body = -2;		/* no end: a hang */
	/* the end stays the end */
	if (r->body == 0 && http_body(&h, r->text, 1) != 0)
		r->body = -3;
	return m.nreads;
}

static int
same(const struct result *a, const struct result *b)
{
	return a->head == b->head && a->body == b->body &&
	    a->status == b->status && a->major == b->major &&
	    a->minor == b->minor && a->len == b->len &&
	    memcmp(a->text, b->text, a->len) == 0;
}

/* r is a complete reply with this status and body */
static int
got(const struct result *r, int status, const char *body)
{
	return r->head == 0 && r->body == 0 && r->status == status &&
	    r->len == strlen(body) && memcmp(r->text, body, r->len) == 0;
}

/*
 * The next place to cut a reply of len bytes after k: every byte, but in
 * a long reply only every 61st away from its first and last 300 bytes.
 */
static size_t
next(size_t k, size_t len)
{
	return len <= 2048 || k < 300 || k + 300 >= len ? k + 1 : k + 61;
}

/* r is a failure: of the head, or of the body */
static int
failed(const struct result *r)
{
	return r->head == -1 || (r->head == 0 && r->body == -1);
}

/* reading s[0..len) fails: at once, in two reads cut anywhere, byte by byte */
static int
fails(const char *s, size_t len)
{
	static const size_t one = 1;
	size_t two[2] = { 0, SIZE_MAX }, k;

	run(s, len, NULL, 0, 4096, 0, &ra);
	if (!failed(&ra))
		return 0;
	run(s, len, &one, 1, 4096, 0, &ra);
	if (!failed(&ra))
		return 0;
	for (k = 1; k < len; k = next(k, len)) {
		two[0] = k;
		run(s, len, two, 2, 4096, 0, &ra);
		if (!failed(&ra))
			return 0;
	}
	return 1;
}

#define FAILS(lit) fails(lit, sizeof lit - 1)

/*
 * The same result however the reply is cut, and however much of the body
 * is asked for at a time; the result is left in ra.
 */
static int
stable(const char *s, size_t len)
{
	static const size_t one = 1;
	static const size_t steps[] = { 1, 3, 4096 };
	size_t two[2] = { 0, SIZE_MAX }, k, i;

	run(s, len, NULL, 0, 4096, 0, &ra);
	for (i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		run(s, len, &one, 1, steps[i], 0, &rb);
		if (!same(&ra, &rb))
			return 0;
		run(s, len, NULL, 0, steps[i], 0, &rb);
		if (!same(&ra, &rb))
			return 0;
	}
	for (k = 1; k < len; k = next(k, len)) {
		two[0] = k;
		run(s, len, two, 2, 4096, 0, &rb);
		if (!same(&ra, &rb))
			return 0;
		run(s, len, two, 2, 5, 0, &rb);
		if (!same(&ra, &rb))
			return 0;
	}
	return 1;
}

#define STABLE(lit) stable(lit, sizeof lit - 1)

/* append the chunk s, in hex size form fmt, to the reply at *o */
static void
chunk(char *out, size_t *o, const char *fmt, const char *s)
{
	*o += (size_t)sprintf(out + *o, fmt, strlen(s));
	*o += (size_t)sprintf(out + *o, "%s\r\n", s);
}

static const char dockerd_head[] =
    "HTTP/1.1 200 OK\r\n"
    "Api-Version: 1.41\r\n"
    "Content-Type: application/json\r\n"
    "Docker-Experimental: false\r\n"
    "Ostype: linux\r\n"
    "Server: Docker/20.10.24+dfsg1 (linux)\r\n"
    "Date: Mon, 01 Jan 2024 00:00:00 GMT\r\n"
    "Transfer-Encoding: chunked\r\n"
    "\r\n";
static const char *const dockerd_body[] = {
	"[{\"Containers\":-1,\"Created\":1700000000,\"Id\":\"sha256:"
	"5f0a5b1c0a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5\","
	"\"Labels\":null,\"RepoDigests\":[\"debian@sha256:"
	"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\"],"
	"\"RepoTags\":[\"debian:12\"],\"SharedSize\":-1,\"Size\":"
	"116530325,\"VirtualSize\":116530325}",
	(",{\"Containers\":-1,\"Created\":1690000000,\"Id\":\"sha256:aa\","
	"\"Labels\":{\"a\":\"b\"},\"RepoTags\":[]}"),
	"]\n",
};

/* the dockerd-like reply: head, then the body in three chunks */
static size_t
dockerd_reply(char *out, char *body)
{
	size_t o, i;

	strcpy(out, dockerd_head);
	o = sizeof dockerd_head - 1;
	body[0] = '\0';
	for (i = 0; i < 3; i++) {
		chunk(out, &o, i == 1 ? "%zX\r\n" : "%zx\r\n", dockerd_body[i]);
		strcat(body, dockerd_body[i]);
	}
	o += (size_t)sprintf(out + o, "0\r\n\r\n");
	return o;
}

static int
request_written(void)
{
	static const char want[] = "GET /v1.41/images/json?all=1 HTTP/1.1\r\n"
	    "Host: docker\r\n";
	static const char want2[] = "DELETE /v1.41/images/sha256:ab?noprune=1 "
	    "HTTP/1.1\r\nHost: localhost\r\n";
	struct conn c;
	struct mem m;
	char *e;

	mem_open(&c, &m, "", 0, NULL, 0);
	check(http_request(&h, &c, "GET", "docker",
	    "/v1.41/images/json?all=1", 1) == 0);
	m.out[m.outlen] = '\0';
	check(strncmp(m.out, want, sizeof want - 1) == 0);
	/* kept open: HTTP/1.1's default, nothing said */
	check(!strstr(m.out, "Connection:"));
	/* one head, ended by the empty line, nothing after it */
	e = strstr(m.out, "\r\n\r\n");
	check(e && e + 4 == m.out + m.outlen);
	check(strlen(m.out) == m.outlen);
	/* a write that takes a few bytes at a time gets it all */
	mem_open(&c, &m, "", 0, NULL, 0);
	m.wmax = 3;
	check(http_request(&h, &c, "DELETE", "localhost",
	    "/v1.41/images/sha256:ab?noprune=1", 0) == 0);
	m.out[m.outlen] = '\0';
	check(strncmp(m.out, want2, sizeof want2 - 1) == 0);
	check(strstr(m.out, "\r\nConnection: close\r\n") != NULL);
	check(m.outlen > 4 && memcmp(m.out + m.outlen - 4, "\r\n\r\n", 4) == 0);
	return 0;
}

static int
request_errors(void)
{
	static char path[HTTP_REQ_MAX + 1];
	struct conn c;
	struct mem m;

	/* too long: nothing is written */
	memset(path, 'a', sizeof path - 1);
	path[0] = '/';
	mem_open(&c, &m, "", 0, NULL, 0);
	check(http_request(&h, &c, "GET", "docker", path, 1) == -1);
	check(m.outlen == 0);
	/* the transport fails */
	mem_open(&c, &m, "", 0, NULL, 0);
	m.wfail = 1;
	check(http_request(&h, &c, "GET", "docker", "/_ping", 1) == -1);
	return 0;
}

static int
head_fields(void)
{
	static const char r1[] = "HTTP/1.1 404 Not Found\r\n"
	    "content-length: 5\r\nApi-Version: 1.41\r\n\r\nhello";
	static const char r2[] = "HTTP/1.1 200 OK\r\n"
	    "Libpod-API-Version: 4.3.1\r\nAPI-Version: 1.40\r\n"
	    "CONTENT-LENGTH:2\r\n\r\n[]";
	static const char r3[] = "HTTP/1.0 500 Internal Server Error\r\n"
	    "api-version:   1.43  \r\nContent-Length: 0\r\n\r\n";
	static const char r4[] = "HTTP/1.1 200\r\n"
	    "Api-Version: 1.41x\r\nContent-Length: 2\r\n\r\nok";
	static const char r5[] = "HTTP/1.1 200 OK\r\nApi-Version: 1\r\n"
	    "Content-Length: 2\r\nContent-Length: 2\r\n\r\nok";

	check(STABLE(r1));
	check(got(&ra, 404, "hello"));
	check(ra.major == 1 && ra.minor == 41);
	check(STABLE(r2));
	check(got(&ra, 200, "[]"));
	check(ra.major == 1 && ra.minor == 40);
	check(STABLE(r3));
	check(got(&ra, 500, ""));
	check(ra.major == 1 && ra.minor == 43);
	/* a malformed or absent version is 0.0 */
	check(STABLE(r4));
	check(got(&ra, 200, "ok"));
	check(ra.major == 0 && ra.minor == 0);
	check(STABLE(r5));
	check(got(&ra, 200, "ok"));
	check(ra.major == 0 && ra.minor == 0);
	return 0;
}

static int
head_lf_only(void)
{
	static const char r[] = "HTTP/1.1 201 Created\nApi-Version: 1.24\n"
	    "Content-Length: 3\n\nabc";
	static const char mixed[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	    "\nxyz";

	check(STABLE(r));
	check(got(&ra, 201, "abc"));
	check(ra.major == 1 && ra.minor == 24);
	check(STABLE(mixed));
	check(got(&ra, 200, "xyz"));
	return 0;
}

static int
head_max(void)
{
	static char r[HTTP_HEAD_MAX + 64];
	static const char start[] = "HTTP/1.1 200 OK\r\nX-Pad: ";
	static const char end[] = "\r\nContent-Length: 2\r\n\r\n";
	size_t pad = HTTP_HEAD_MAX - (sizeof start - 1) - (sizeof end - 1);

	/* exactly HTTP_HEAD_MAX bytes of head: fine */
	memcpy(r, start, sizeof start - 1);
	memset(r + sizeof start - 1, 'p', pad);
	memcpy(r + sizeof start - 1 + pad, end, sizeof end - 1);
	memcpy(r + HTTP_HEAD_MAX, "ok", 2);
	check(stable(r, HTTP_HEAD_MAX + 2));
	check(got(&ra, 200, "ok"));
	/* one more: too long */
	memcpy(r, start, sizeof start - 1);
	memset(r + sizeof start - 1, 'p', pad + 1);
	memcpy(r + sizeof start - 1 + pad + 1, end, sizeof end - 1);
	memcpy(r + HTTP_HEAD_MAX + 1, "ok", 2);
	check(fails(r, HTTP_HEAD_MAX + 3));
	/* no end at all */
	memset(r, 'x', sizeof r);
	check(fails(r, sizeof r));
	return 0;
}

/*
 * A long body, one piece (Content-Length) or many small chunks (events),
 * read as the JSON windows read it: the bytes are all there, in order, and
 * the receive buffer was written no further than HTTP_READ (the rest of a
 * body goes straight to the reader), so its other pages stay untouched.
 */
static int
rbuf_untouched(const char *s, size_t len, const char *body, size_t blen)
{
	static char out[40000];
	struct conn c;
	struct mem m;
	size_t o = 0, i;
	ssize_t n;

	mem_open(&c, &m, s, len, NULL, 0);
	memset(h.rbuf, ' ', sizeof h.rbuf);
	if (http_head(&h, &c, 0) < 0 || h.status != 200)
		return 0;
	while (o < sizeof out && (n = http_body(&h, out + o,
	    sizeof out - o < 4096 ? sizeof out - o : 4096)) > 0)
		o += (size_t)n;
	if (o != blen || memcmp(out, body, blen) != 0 || !http_reusable(&h))
		return 0;
	for (i = HTTP_READ; i < sizeof h.rbuf; i++)
		if (h.rbuf[i] != ' ')
			return 0;
	return 1;
}

static int
body_straight(void)
{
	static char r[40000], body[30000];
	size_t n, i, k, b;

	for (i = 0; i < sizeof body; i++)
		body[i] = (char)('a' + i % 26);
	n = (size_t)snprintf(r, sizeof r, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %zu\r\n\r\n", sizeof body);
	memcpy(r + n, body, sizeof body);
	check(rbuf_untouched(r, n + sizeof body, body, sizeof body));
	/* 40 chunks of 600 bytes: 24,000 bytes and their framing */
	n = (size_t)snprintf(r, sizeof r, "HTTP/1.1 200 OK\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n");
	for (k = 0, b = 0; k < 40; k++, b += 600) {
		n += (size_t)snprintf(r + n, sizeof r - n, "258\r\n");
		memcpy(r + n, body + b, 600);
		n += 600;
		n += (size_t)snprintf(r + n, sizeof r - n, "\r\n");
	}
	n += (size_t)snprintf(r + n, sizeof r - n, "0\r\n\r\n");
	check(rbuf_untouched(r, n, body, b));
	return 0;
}

static int
body_length(void)
{
	static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 26\r\n\r\n"
	    "abcdefghijklmnopqrstuvwxyz";
	/* bytes after the body (a second reply) are not part of it */
	static const char extra[] = "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n"
	    "\r\nabcHTTP/1.1 200 OK\r\n";

	check(STABLE(r));
	check(got(&ra, 200, "abcdefghijklmnopqrstuvwxyz"));
	check(STABLE(extra));
	check(got(&ra, 200, "abc"));
	return 0;
}

static int
body_chunked(void)
{
	static const char r1[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n";
	/* upper and lower hex, extensions, a zero-padded size */
	static const char r2[] = "HTTP/1.1 200 OK\r\ntransfer-encoding: Chunked"
	    "\r\n\r\nA;name=val\r\n0123456789\r\n1a ; x=\"y;z\"\r\n"
	    "abcdefghijklmnopqrstuvwxyz\r\n001B\r\nABCDEFGHIJKLMNOPQRSTUVWXYZ-"
	    "\r\n0;last=1\r\n\r\n";
	/* trailers */
	static const char r3[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\nY: 2\r\n\r\n";
	/* LF-only line ends, head and body */
	static const char r4[] = "HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n"
	    "\n3\nabc\n2;e\nde\n0\nT: x\n\n";
	/* no data chunks at all */
	static const char r5[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n0\r\n\r\n";
	/* chunked wins over a Content-Length */
	static const char r6[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
	/* the largest size accepted: 15 hex digits */
	static const char r7[] = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked"
	    "\r\n\r\n000000000000001\r\nx\r\n0\r\n\r\n";

	check(STABLE(r1));
	check(got(&ra, 200, "hello world"));
	check(STABLE(r2));
	check(got(&ra, 200, "0123456789abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ-"));
	check(STABLE(r3));
	check(got(&ra, 200, "abc"));
	check(STABLE(r4));
	check(got(&ra, 200, "abcde"));
	check(STABLE(r5));
	check(got(&ra, 200, ""));
	check(STABLE(r6));
	check(got(&ra, 200, "abc"));
	check(STABLE(r7));
	check(got(&ra, 200, "x"));
	return 0;
}

static int
body_dockerd(void)
{
	static char r[2048], body[1024];
	size_t n = dockerd_reply(r, body);

	check(strstr(r, "\r\n\r\n137\r\n[{\"Containers\""));
	check(stable(r, n));
	check(got(&ra, 200, body));
	check(ra.major == 1 && ra.minor == 41);
	return 0;
}

static int
body_until_close(void)
{
	static const char r[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n"
	    "{\"status\":\"pull\"}\n{\"status\":\"tag\"}\n";
	static const char empty[] = "HTTP/1.0 200 OK\r\n\r\n";

	check(STABLE(r));
	check(got(&ra, 200, "{\"status\":\"pull\"}\n{\"status\":\"tag\"}\n"));
	check(STABLE(empty));
	check(got(&ra, 200, ""));
	return 0;
}

static int
body_none(void)
{
	static const char r204[] = "HTTP/1.1 204 No Content\r\n"
	    "Api-Version: 1.41\r\n\r\n";
	/* what follows a 204 is not its body */
	static const char r204x[] = "HTTP/1.1 204 No Content\r\n\r\njunk";
	static const char r304[] = "HTTP/1.1 304 Not Modified\r\n\r\n";
	static const char rhead[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 1234\r\nTransfer-Encoding: chunked\r\n\r\n";
	static const char rzero[] = "HTTP/1.1 200 OK\r\n"
	    "Content-Length: 0\r\n\r\n";
	int reads;

	check(STABLE(r204));
	check(got(&ra, 204, ""));
	check(STABLE(r204x));
	check(got(&ra, 204, ""));
	check(STABLE(r304));
	check(got(&ra, 304, ""));
	check(STABLE(rzero));
	check(got(&ra, 200, ""));
	/* HEAD: the body is not read, though the head announces one */
	reads = run(rhead, sizeof rhead - 1, NULL, 0, 4096, 1, &ra);
	check(got(&ra, 200, ""));
	check(reads == 1);
	return 0;
}

static int
errors_head(void)
{
	static const char nul[] = "HTTP/1.1 200 OK\r\nX: a\0b\r\n"
	    "Content-Length: 0\r\n\r\n";
	static const char del[] = "HTTP/1.1 200 OK\r\nX: a\177b\r\n\r\n";

	check(FAILS(""));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r"));
	check(FAILS("HTTP/1.1 200 OK"));
	check(FAILS("HTTP/2 200\r\n\r\n"));
	check(FAILS("HTTP/2.0 200 OK\r\n\r\n"));
	check(FAILS("FOO\r\n\r\n"));
	check(FAILS("\r\n\r\n"));
	check(FAILS("\n\nHTTP/1.1 200 OK\r\n\r\n"));
	check(FAILS("http/1.1 200 OK\r\n\r\n"));
	check(FAILS("HTTP/1.1 abc OK\r\n\r\n"));
	check(FAILS("HTTP/1.1 99 OK\r\n\r\n"));
	check(FAILS("HTTP/1.1 600 OK\r\n\r\n"));
	check(FAILS("HTTP/1.1 2000 OK\r\n\r\n"));
	check(FAILS("HTTP/1.1 200OK\r\n\r\n"));
	check(FAILS("HTTP/1.1 20\r\n\r\n"));
	/* the status must be on the status line, not after the head */
	check(FAILS("HTTP/1.1\r\n\r\n200 "));
	check(FAILS("HTTP/1.1 \r\n\r\n200 "));
	check(FAILS("HTTP/1.1 \n\n200 OK\r\n\r\n"));
	/* an interim reply is not the reply */
	check(FAILS("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n\r\n"));
	check(fails(nul, sizeof nul - 1));
	check(FAILS(del));
	check(FAILS("HTTP/1.1 200 OK\r\nX: \001\r\n\r\n"));
	/* header lines */
	check(FAILS("HTTP/1.1 200 OK\r\nno colon\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\n: empty name\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nX: a\r\n folded\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n"
	    "Content-Length: 3\r\n\r\nabc"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\nx"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length:\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: 1 2\r\n\r\nx"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: "
	    "9999999999999999999\r\n\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nx"));
	check(FAILS("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n"
	    "\r\n0\r\n\r\n"));
	return 0;
}

#define TE "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"

static int
errors_body(void)
{
	static char r[4096];
	size_t n;

	check(FAILS(TE "0000000000000001\r\nx\r\n0\r\n\r\n"));
	check(FAILS(TE "ffffffffffffffffff\r\n"));
	check(FAILS(TE "\r\nhello\r\n0\r\n\r\n"));
	check(FAILS(TE ";x=y\r\nhello\r\n0\r\n\r\n"));
	check(FAILS(TE "5x\r\nhello\r\n0\r\n\r\n"));
	check(FAILS(TE "-5\r\nhello\r\n0\r\n\r\n"));
	check(FAILS(TE "0x5\r\nhello\r\n0\r\n\r\n"));
	check(FAILS(TE "5\r\nhelloX\r\n0\r\n\r\n"));
	check(FAILS(TE "5\r\nhello0\r\n\r\n"));
	check(FAILS(TE "5\r\nhello\rX0\r\n\r\n"));
	check(FAILS(TE "3\r\nhello\r\n0\r\n\r\n"));
	check(FAILS(TE "0\r\n\rX"));
	/* truncated */
	check(FAILS(TE));
	check(FAILS(TE "5"));
	check(FAILS(TE "5\r\n"));
	check(FAILS(TE "5\r\nhel"));
	check(FAILS(TE "5\r\nhello"));
	check(FAILS(TE "5\r\nhello\r\n"));
	check(FAILS(TE "5\r\nhello\r\n0\r\n"));
	check(FAILS(TE "5\r\nhello\r\n0\r\nX: 1\r\n"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
	check(FAILS("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n"));
	/* an overlong chunk extension, and trailer line */
	n = (size_t)sprintf(r, TE "5;");
	memset(r + n, 'x', 2000);
	n += 2000;
	n += (size_t)sprintf(r + n, "\r\nhello\r\n0\r\n\r\n");
	check(fails(r, n));
	n = (size_t)sprintf(r, TE "5\r\nhello\r\n0\r\nX: ");
	memset(r + n, 'x', 2000);
	n += 2000;
	n += (size_t)sprintf(r + n, "\r\n\r\n");
	check(fails(r, n));
	/* a long (but not overlong) extension is fine */
	n = (size_t)sprintf(r, TE "5;");
	memset(r + n, 'x', 1000);
	n += 1000;
	n += (size_t)sprintf(r + n, "\r\nhello\r\n0\r\nX: ");
	memset(r + n, 'y', 1000);
	n += 1000;
	n += (size_t)sprintf(r + n, "\r\n\r\n");
	check(stable(r, n));
	check(got(&ra, 200, "hello"));
	return 0;
}

static int
errors_transport(void)
{
	static const char r[] = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n"
	    "\r\nhello";
	static const char rc[] = "HTTP/1.1 200 OK\r\nConnection: close\r\n"
	    "\r\nhello";
	struct conn c;
	struct mem m;
	char buf[64];

	/* a read error in the head */
	mem_open(&c, &m, r, 10, NULL, 0);
	m.fail = 1;
	check(http_head(&h, &c, 0) == -1);
	/* in the body, also when the body runs until close */
	mem_open(&c, &m, r, sizeof r - 1, NULL, 0);
	m.fail = 1;
	check(http_head(&h, &c, 0) == 0);
	check(http_body(&h, buf, sizeof buf) == 5);
	check(http_body(&h, buf, sizeof buf) == -1);
	mem_open(&c, &m, rc, sizeof rc - 1, NULL, 0);
	m.fail = 1;
	check(http_head(&h, &c, 0) == 0);
	check(http_body(&h, buf, sizeof buf) == 5);
	check(http_body(&h, buf, sizeof buf) == -1);
	return 0;
}

static int
drain(void)
{
	static const char r[] = "HTTP/1.1 404 Not Found\r\n"
	    "Content-Type: application/json\r\nContent-Length: 46\r\n\r\n"
	    "{\"message\":\"No such image: sha256:0123456789\"}";
	static char big[4096], want[1024];
	struct conn c;
	struct mem m;
	char msg[16], all[128];
	size_t n, i;

	mem_open(&c, &m, r, sizeof r - 1, NULL, 0);
	check(http_head(&h, &c, 0) == 0 && h.status == 404);
	check(http_drain(&h, msg, sizeof msg) == 0);
	check(strcmp(msg, "{\"message\":\"No ") == 0);
	check(m.pos == m.len);
	mem_open(&c, &m, r, sizeof r - 1, NULL, 0);
	check(http_head(&h, &c, 0) == 0);
	check(http_drain(&h, all, sizeof all) == 0);
	check(strcmp(all, "{\"message\":\"No such image: sha256:0123456789\"}")
	    == 0);
	/* no buffer: the body is read and dropped */
	mem_open(&c, &m, r, sizeof r - 1, NULL, 0);
	check(http_head(&h, &c, 0) == 0);
	check(http_drain(&h, NULL, 0) == 0);
	check(m.pos == m.len);
	/* a chunked body longer than the drain's own buffer, byte by byte */
	n = (size_t)sprintf(big, TE);
	for (i = 0; i < 10; i++) {
		n += (size_t)sprintf(big + n, "64\r\n%0100zu\r\n", i);
		sprintf(want + 100 * i, "%0100zu", i);
	}
	n += (size_t)sprintf(big + n, "0\r\n\r\n");
	mem_open(&c, &m, big, n, (const size_t[]){ 1 }, 1);
	check(http_head(&h, &c, 0) == 0);
	check(http_drain(&h, all, sizeof all) == 0);
	check(strlen(all) == sizeof all - 1);
	check(strncmp(all, want, sizeof all - 1) == 0);
	check(m.pos == m.len);
	/* a truncated body is an error, what was read is kept */
	mem_open(&c, &m, r, sizeof r - 10, NULL, 0);
	check(http_head(&h, &c, 0) == 0);
	check(http_drain(&h, msg, sizeof msg) == -1);
	check(strcmp(msg, "{\"message\":\"No ") == 0);
	return 0;
}

/* read the reply s to its end (step bytes at a time); http_reusable() */
static int
reusable_after(const char *s, size_t step, int no_body)
{
	struct conn c;
	struct mem m;
	char buf[256];
	ssize_t n;

	mem_open(&c, &m, s, strlen(s), NULL, 0);
	if (http_head(&h, &c, no_body) < 0)
		return -1;
	while ((n = http_body(&h, buf, step)) > 0)
		;
	return n < 0 ? -1 : http_reusable(&h);
}

static int
keep_alive(void)
{
	struct conn c;
	struct mem m;
	char buf[4];

	/* framed by length or chunks, read to the end: reusable */
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
	    "hello", 2, 0) == 1);
	check(reusable_after(TE "5\r\nhello\r\n0\r\n\r\n", 3, 0) == 1);
	check(reusable_after("HTTP/1.1 204 No Content\r\n\r\n", 8, 0) == 1);
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n",
	    8, 1) == 1);
	/* the daemon ends it: Connection: close (any case, in a list) */
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Connection: close\r\n\r\nhello", 8, 0) == 0);
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "connection: Upgrade, CLOSE\r\n\r\nhello", 8, 0) == 0);
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
	    "Connection: keep-alive\r\n\r\nhello", 8, 0) == 1);
	/* HTTP/1.0, and a body that ends with the connection */
	check(reusable_after("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n"
	    "hello", 8, 0) == 0);
	check(reusable_after("HTTP/1.1 200 OK\r\n\r\nhello", 8, 0) == 0);
	/* bytes after the reply that nobody asked for */
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n"
	    "helloHTTP/1.1 200 OK\r\n", 8, 0) == 0);
	/* a body not read to its end */
	mem_open(&c, &m, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
	    40, NULL, 0);
	check(http_head(&h, &c, 0) == 0);
	check(http_body(&h, buf, 2) == 2);
	check(http_reusable(&h) == 0);
	/* a head that failed: not reusable, whatever came before */
	check(reusable_after("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
	    8, 0) == 1);
	check(reusable_after("HTTP/1.1 2x0 OK\r\n\r\n", 8, 0) == -1);
	check(http_reusable(&h) == 0);
	/* closed before a byte: silent (the caller's to say); after: not */
	mem_open(&c, &m, "", 0, NULL, 0);
	check(http_head(&h, &c, 0) == -1 && h.silent == 1);
	mem_open(&c, &m, "HTTP/1.1", 8, NULL, 0);
	check(http_head(&h, &c, 0) == -1 && h.silent == 0);
	return 0;
}

/*
 * fd_read over a socket that always has data: it reads without a wait,
 * but makes one every BUSY_READS reads, where a stop and the reply's
 * deadline are seen; an empty socket is waited for, not spun on
 */
static int
busy_reads(void)
{
	static char fill[BUSY_READS * 64 + 64];
	struct conn c;
	char buf[16];
	int sv[2], n, r;

	check(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	check(fcntl(sv[0], F_SETFL, fcntl(sv[0], F_GETFL) | O_NONBLOCK) == 0);
	memset(fill, 'x', sizeof fill);
	check(write(sv[1], fill, sizeof fill) == (ssize_t)sizeof fill);
	memset(&c, 0, sizeof c);
	c.fd = sv[0];
	c.timeout_ms = 200;
	/* a stop: BUSY_READS reads of what is there, then the wait ends it */
	stopping = 1;
	for (n = 0; (r = (int)fd_read(&c, buf, sizeof buf)) > 0; n++)
		check(r == (int)sizeof buf);
	stopping = 0;
	check(r == -1 && n == BUSY_READS && c.waited == WAIT_SIGNAL);
	/* a deadline passed: the same */
	c.busy = 0;
	c.deadline = mono_ms() - 1;
	for (n = 0; (r = (int)fd_read(&c, buf, sizeof buf)) > 0; n++)
		;
	check(r == -1 && n == BUSY_READS && c.waited == WAIT_TIMEOUT);
	/* neither: the rest comes in, then an empty socket times out */
	c.deadline = 0;
	for (n = 0; (r = (int)fd_read(&c, buf, sizeof buf)) > 0; n++)
		;
	check(r == -1 && c.waited == WAIT_TIMEOUT);
	check(n == (int)(sizeof fill / sizeof buf) - 2 * BUSY_READS);
	/* data after a wait: read at once, and the end of the stream */
	check(write(sv[1], "ab", 2) == 2);
	check(fd_read(&c, buf, sizeof buf) == 2 && memcmp(buf, "ab", 2) == 0);
	close(sv[1]);
	check(fd_read(&c, buf, sizeof buf) == 0);
	close(sv[0]);
	return 0;
}

/*
 * The reply window's reader: WINDOW_READ bytes at a time until the body is
 * LONG_REPLY long, then up to WINDOW_READ_LONG; the event stream's reader
 * keeps to WINDOW_READ
 */
static int
long_reads(void)
{
	static char r[LONG_REPLY + 4 * WINDOW_READ_LONG + 64];
	static char win[REPLY_WINDOW];
	struct conn c;
	struct mem m;
	size_t n, total, len = LONG_REPLY + 3 * WINDOW_READ_LONG;
	ssize_t k;
	int longer = 0, pass;

	n = (size_t)snprintf(r, sizeof r, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %zu\r\n\r\n", len);
	memset(r + n, 'y', len);
	for (pass = 0; pass < 2; pass++) {
		mem_open(&c, &m, r, n + len, NULL, 0);
		check(http_head(&h, &c, 0) == 0);
		for (total = 0;; total += (size_t)k) {
			k = pass ? dk_body(&h, win, sizeof win) :
			    dk_reply_body(&h, win, sizeof win);
			check(k >= 0);
			if (k == 0)
				break;
			if (pass || total < LONG_REPLY)
				check(k <= WINDOW_READ);
			else if (k > WINDOW_READ)
				longer++;
		}
		check(total == len);
	}
	check(WINDOW_READ_LONG == WINDOW_READ || longer > 0);
	return 0;
}

const struct unit_test http_tests[] = {
	UNIT(keep_alive),
	UNIT(request_written),
	UNIT(request_errors),
	UNIT(head_fields),
	UNIT(head_lf_only),
	UNIT(head_max),
	UNIT(body_length),
	UNIT(body_straight),
	UNIT(body_chunked),
	UNIT(body_dockerd),
	UNIT(body_until_close),
	UNIT(body_none),
	UNIT(errors_head),
	UNIT(errors_body),
	UNIT(errors_transport),
	UNIT(drain),
	UNIT(busy_reads),
	UNIT(long_reads),
	{ NULL, NULL }
};
