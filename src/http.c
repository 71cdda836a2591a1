/* See LICENSE file for copyright and license details. */
/*
 * The HTTP/1.1 client (http.h): the request sent, the reply head parsed
 * strictly, the body decoded (length, chunked, until close). Owns no
 * state: each struct http is its caller's.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "http.h"
#include "log.h"
#include "util.h"

_Static_assert(HTTP_RECV_MAX >= HTTP_HEAD_MAX, "head must fit the buffer");
_Static_assert(HTTP_RECV_MAX >= HTTP_READ, "a read must fit the buffer");
_Static_assert(HTTP_RECV_MAX >= HTTP_REQ_MAX, "a request is made in it");

#define CHUNK_LINE_MAX 1024	/* bytes of a chunk-size line or trailer */

enum {
	B_LEN,		/* Content-Length, or until close */
	B_CSIZE,	/* hex digits of a chunk size */
	B_CEXT,		/* rest of the chunk-size line */
	B_CDATA,	/* chunk data */
	B_CEND,		/* CR LF after chunk data */
	B_CENDLF,
	B_TRAILER,	/* start of a trailer line */
	B_TLINE,	/* inside a trailer line */
	B_TCR,		/* CR of the empty line that ends the trailer */
	B_DONE
};

/*
 * The request is made in rbuf, which holds nothing then (a connection is
 * kept only with its last reply read to the end), not in 4 KiB of stack
 */
int
http_request(struct http *h, struct conn *c, const char *method,
    const char *host, const char *path, int keep)
{
	int n;

	h->rpos = h->rlen = 0;
	n = fmt_snprintf(h->rbuf, HTTP_REQ_MAX, "%s %s HTTP/1.1\r\nHost: %s\r\n"
	    "User-Agent: docker-cleaner/" VERSION "\r\n%s\r\n", method, path,
	    host, keep ? "" : "Connection: close\r\n");
	if (n < 0 || n >= HTTP_REQ_MAX) {
		warn("request for %.60s... is too long", path);
		return -1;
	}
	return conn_write_all(c, h->rbuf, (size_t)n);
}

static int
fill(struct http *h)
{
	ssize_t r = h->c->read(h->c, h->rbuf, HTTP_READ);

	if (r < 0)
		return -1;
	h->rpos = 0;
	h->rlen = (size_t)r;
	return r > 0;
}

/* 1 if the comma-separated list v (NUL-terminated) holds token t */
static int
has_token(const char *v, const char *t)
{
	size_t tl = strlen(t), n;

	while (*v) {
		v += strspn(v, " \t,");
		n = strcspn(v, " \t,");
		if (n == tl && strncasecmp(v, t, n) == 0)
			return 1;
		v += n;
	}
	return 0;
}

/*
 * An IMF-fixdate ("Sun, 29 Nov 2026 19:29:42 GMT", RFC 9110), the form
 * the Date header has: Unix seconds, or -1
 */
static long long
imf_date(const char *v, size_t n)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char iso[32];
	const char *m;
	long long ns;

	/* "Www, DD Mon YYYY HH:MM:SS GMT": 29 bytes, fixed places */
	if (n != 29 || v[3] != ',' || v[4] != ' ' || v[7] != ' ' ||
	    v[11] != ' ' || v[16] != ' ' || v[25] != ' ' ||
	    memcmp(v + 26, "GMT", 3) != 0)
		return -1;
	for (m = months; *m && memcmp(m, v + 8, 3) != 0; m += 3)
		;
	if (!*m)
		return -1;
	fmt_snprintf(iso, sizeof iso, "%.4s-%02d-%.2sT%.8sZ", v + 12,
	    (int)((m - months) / 3 + 1), v + 5, v + 17);
	if (rfc3339_ns(iso, strlen(iso), &ns) < 0)
		return -1;
	return ns / 1000000000LL;
}

/* header line name: value; s is the line without CR LF */
static int
header(struct http *h, char *s, size_t n)
{
	char *colon = memchr(s, ':', n), *v;
	size_t nl, vl;
	long long cl;
	int maj, min;

	if (!colon || colon == s) {
		warn("reply has a malformed header line");
		return -1;
	}
	nl = (size_t)(colon - s);
	v = colon + 1;
	vl = n - nl - 1;
	while (vl && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	v[vl] = '\0';
	if (nl == 14 && strncasecmp(s, "content-length", 14) == 0) {
		if (vl == 0 || vl > 18 || strspn(v, "0123456789") != vl) {
			warn("reply has a bad Content-Length");
			return -1;
		}
		cl = str_dec(v, NULL);	/* 18 digits or fewer: fits */
		if (h->left >= 0 && h->left != cl) {
			warn("reply has two different Content-Lengths");
			return -1;
		}
		h->left = cl;
	} else if (nl == 17 && strncasecmp(s, "transfer-encoding", 17) == 0) {
		if (strcasecmp(v, "chunked") != 0) {
			warn("reply has an unsupported Transfer-Encoding");
			return -1;
		}
		h->chunked = 1;
	} else if (nl == 10 && strncasecmp(s, "connection", 10) == 0) {
		if (has_token(v, "close"))
			h->close = 1;
	} else if (nl == 4 && strncasecmp(s, "date", 4) == 0) {
		h->date_s = imf_date(v, vl);
	} else if (nl == 18 && strncasecmp(s, "libpod-api-version", 18) == 0) {
		h->libpod = 1;
	} else if (nl == 11 && strncasecmp(s, "api-version", 11) == 0) {
		/* MAJOR.MINOR, nothing else; anything odd is no version */
		size_t a = strspn(v, "0123456789"), b;
		b = a < vl && v[a] == '.' ? strspn(v + a + 1, "0123456789") : 0;
		if (a >= 1 && a <= 2 && b >= 1 && b <= 3 && a + 1 + b == vl) {
			maj = (int)(long)str_dec(v, NULL);
			min = (int)(long)str_dec(v + a + 1, NULL);
			h->api_major = maj;
			h->api_minor = min;
		}
	}
	return 0;
}

static int
dig(char c)
{
	return c >= '0' && c <= '9';
}

int
http_head(struct http *h, struct conn *c, int no_body)
{
	size_t len = 0, i, ls;
	char *end = NULL, *p;
	int r;

	h->c = c;
	h->status = 0;
	h->api_major = h->api_minor = 0;
	h->date_s = -1;
	h->libpod = 0;
	h->chunked = 0;
	h->close = 1;		/* until a head is read */
	h->silent = 0;
	h->left = -1;
	h->chunk = 0;
	h->ndig = 0;
	h->body = 0;
	h->rpos = h->rlen = 0;
	/* read until the empty line; the head must fit HTTP_HEAD_MAX */
	while (!end) {
		ssize_t n;
		if (len == HTTP_HEAD_MAX) {
			warn("reply head is longer than %d bytes", HTTP_HEAD_MAX);
			return -1;
		}
		n = c->read(c, h->rbuf + len, HTTP_HEAD_MAX - len < HTTP_READ ?
		    HTTP_HEAD_MAX - len : HTTP_READ);
		if (n < 0)
			return -1;
		if (n == 0) {
			if (len == 0) {
				h->silent = 1;	/* the caller's to say */
				return -1;
			}
			warn("connection closed in the reply head");
			return -1;
		}
		i = len >= 3 ? len - 3 : 0;
		len += (size_t)n;
		for (; i + 1 < len && !end; i++) {
			if (h->rbuf[i] == '\n' && h->rbuf[i + 1] == '\n')
				end = h->rbuf + i + 2;
			else if (i + 3 < len && memcmp(h->rbuf + i, "\r\n\r\n", 4) == 0)
				end = h->rbuf + i + 4;
		}
	}
	h->rpos = (size_t)(end - h->rbuf);
	h->rlen = len;
	for (p = h->rbuf; p < end; p++) {
		unsigned char ch = (unsigned char)*p;
		if ((ch < 0x20 && ch != '\r' && ch != '\n' && ch != '\t') || ch == 0x7f) {
			warn("reply head has binary data");
			return -1;
		}
	}
	/*
	 * status line: "HTTP/1.x NNN", then a space or the line end; checked
	 * byte by byte, as rbuf is not NUL-terminated and the code must not
	 * be taken from past the line
	 */
	p = h->rbuf;
	r = end - p >= 14 && memcmp(p, "HTTP/1.", 7) == 0 && dig(p[7]) &&
	    p[8] == ' ' && dig(p[9]) && dig(p[10]) && dig(p[11]) ?
	    (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0') : 0;
	if (r < 100 || r > 599 || (p[12] != ' ' && p[12] != '\r' &&
	    p[12] != '\n')) {
		char s[64];
		warn("reply is not HTTP/1.x: '%s'", san(s, sizeof s, h->rbuf,
		    strcspn(h->rbuf, "\r\n") < 40 ? strcspn(h->rbuf, "\r\n") : 40));
		return -1;
	}
	h->status = r;
	h->close = p[7] == '0';	/* HTTP/1.0: no keep-alive, none kept */
	p = (char *)memchr(h->rbuf, '\n', (size_t)(end - h->rbuf)) + 1;
	while (p < end) {
		char *nl = memchr(p, '\n', (size_t)(end - p));
		ls = (size_t)(nl - p);
		if (ls && p[ls - 1] == '\r')
			ls--;
		if (ls == 0)
			break;
		if (*p == ' ' || *p == '\t') {
			warn("reply has a folded header line");
			return -1;
		}
		if (header(h, p, ls) < 0)
			return -1;
		p = nl + 1;
	}
	if (r < 200) {
		warn("unexpected interim reply %d", r);
		return -1;
	}
	if (no_body || r == 204 || r == 304) {
		h->st = B_DONE;
		h->chunked = 0;
	} else if (h->chunked) {
		h->st = B_CSIZE;
	} else {
		h->st = h->left == 0 ? B_DONE : B_LEN;
		if (h->left < 0)
			h->close = 1;	/* the body ends with the connection */
	}
	return 0;
}

static int
bad_chunk(const char *why)
{
	warn("reply has a malformed chunked body: %s", why);
	return -1;
}

/* one framing byte of the chunked coding; 0 or -1 */
static int
frame_byte(struct http *h, int c)
{
	int v;

	switch (h->st) {
	case B_CSIZE:
		if ((v = hex_val(c)) >= 0) {
			if (h->ndig >= 15)
				return bad_chunk("chunk size too large");
			h->chunk = h->chunk << 4 | (unsigned)v;
			h->ndig++;
			return 0;
		}
		if (h->ndig == 0)
			return bad_chunk("no chunk size");
		if (c == '\n')
			break;
		if (c != '\r' && c != ';' && c != ' ' && c != '\t')
			return bad_chunk("junk after chunk size");
		h->st = B_CEXT;
		h->ndig = 0;
		return 0;
	case B_CEXT:
		if (c == '\n')
			break;
		if (++h->ndig > CHUNK_LINE_MAX)
			return bad_chunk("chunk extension too long");
		return 0;
	case B_CEND:
		if (c == '\r') {
			h->st = B_CENDLF;
			return 0;
		}
		/* FALLTHROUGH */
	case B_CENDLF:
		if (c != '\n')
			return bad_chunk("no line end after chunk data");
		h->st = B_CSIZE;
		h->chunk = 0;
		h->ndig = 0;
		return 0;
	case B_TRAILER:
		if (c == '\n')
			h->st = B_DONE;
		else if (c == '\r')
			h->st = B_TCR;
		else {
			h->st = B_TLINE;
			h->ndig = 0;
		}
		return 0;
	case B_TCR:
		if (c != '\n')
			return bad_chunk("bad end of trailer");
		h->st = B_DONE;
		return 0;
	case B_TLINE:
		if (c == '\n')
			h->st = B_TRAILER;
		else if (++h->ndig > CHUNK_LINE_MAX)
			return bad_chunk("trailer line too long");
		return 0;
	}
	/* end of a chunk-size line */
	h->st = h->chunk ? B_CDATA : B_TRAILER;
	h->ndig = 0;
	return 0;
}

/* body bytes that may be taken now: at most n, the length or chunk left */
static size_t
room(const struct http *h, size_t n)
{
	if (h->st == B_LEN && h->left >= 0 && n > (unsigned long long)h->left)
		n = (size_t)h->left;
	if (h->st == B_CDATA && n > h->chunk)
		n = (size_t)h->chunk;
	return n;
}

/* k body bytes taken: the length or chunk left goes down by them */
static void
took(struct http *h, size_t k)
{
	if (h->st == B_LEN && h->left >= 0) {
		h->left -= (long long)k;
		if (h->left == 0)
			h->st = B_DONE;
	} else if (h->st == B_CDATA) {
		h->chunk -= k;
		if (h->chunk == 0)
			h->st = B_CEND;
	}
}

/*
 * Body bytes go straight from the connection to buf when rbuf is empty;
 * rbuf takes the head and the framing of chunks, HTTP_READ bytes at a
 * time, so that a long body touches no more of it than that
 */
ssize_t
http_body(struct http *h, void *buf, size_t n)
{
	char *out = buf;
	size_t o = 0, k;
	ssize_t got = 0;
	int data, r;

	while (o < n && h->st != B_DONE) {
		data = h->st == B_LEN || h->st == B_CDATA;
		if (h->rpos == h->rlen) {
			if (o > 0)
				break;	/* hand out what we have first */
			if (data) {
				got = h->c->read(h->c, out, room(h, n));
				r = got < 0 ? -1 : got > 0;
			} else {
				r = fill(h);
			}
			if (r < 0)
				return -1;
			if (r == 0) {
				if (h->st == B_LEN && h->left < 0) {
					h->st = B_DONE;
					break;
				}
				warn("connection closed in the reply body");
				return -1;
			}
			if (data) {
				o = (size_t)got;
				took(h, o);
				continue;
			}
		}
		if (data) {
			k = room(h, n - o);
			if (k > h->rlen - h->rpos)
				k = h->rlen - h->rpos;
			memcpy(out + o, h->rbuf + h->rpos, k);
			o += k;
			h->rpos += k;
			took(h, k);
			continue;
		}
		if (frame_byte(h, (unsigned char)h->rbuf[h->rpos++]) < 0)
			return -1;
	}
	h->body += o;
	return (ssize_t)o;
}

int
http_drain(struct http *h, char *msg, size_t msgsz)
{
	char buf[512];
	size_t m = 0;
	ssize_t r;

	while ((r = http_body(h, buf, sizeof buf)) > 0) {
		size_t k = (size_t)r;
		if (msg && m + 1 < msgsz) {
			if (k > msgsz - 1 - m)
				k = msgsz - 1 - m;
			memcpy(msg + m, buf, k);
			m += k;
		}
	}
	if (msg && msgsz)
		msg[m] = '\0';
	return r < 0 ? -1 : 0;
}

int
http_reusable(const struct http *h)
{
	return h->st == B_DONE && !h->close && h->rpos == h->rlen;
}
