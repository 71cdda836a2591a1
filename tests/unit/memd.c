/* See LICENSE file for copyright and license details. */
/*
 * The in-memory daemon of the unit tests (memd.h): replies queued, one
 * per connection; recorded replies read from tests/unit/fixtures/.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "records.h"
#include "docker.h"
#include "memd.h"

enum { QUEUE = 64, POOL = 256 * 1024 };

static const char *queue[QUEUE];
static size_t qhead, qtail;
static const char *reply;	/* the open connection's reply */
static size_t rpos;
static char req[512];		/* the last request line */
static size_t reqlen;
static char pool[POOL];		/* fixtures as served */
static size_t used;

static ssize_t
rd(struct conn *c, void *buf, size_t n)
{
	size_t k = strlen(reply) - rpos;

	(void)c;
	if (k > n)
		k = n;
	memcpy(buf, reply + rpos, k);
	rpos += k;
	return (ssize_t)k;
}

static ssize_t
wr(struct conn *c, const void *buf, size_t n)
{
	const char *p = buf;
	size_t k = 0;

	(void)c;
	/* the first write holds the request line */
	if (reqlen == 0) {
		while (k < n && k < sizeof req - 1 && p[k] != '\r' &&
		    p[k] != '\n')
			k++;
		memcpy(req, p, k);
		req[k] = '\0';
		reqlen = k ? k : 1;
	}
	return (ssize_t)n;
}

static int
open_mem(struct conn *c)
{
	if (qhead == qtail)
		return -1;
	reply = queue[qhead++ % QUEUE];
	reqlen = 0;
	if (!reply)
		return -1;
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->timeout_ms = -1;
	c->read = rd;
	c->write = wr;
	rpos = 0;
	return 0;
}

void
memd_init(void)
{
	struct target t;

	memset(&t, 0, sizeof t);
	t.kind = T_TEST;
	strcpy(t.text, "test");
	conn_test_open = open_mem;
	docker_init(&t);
	qhead = qtail = 0;
	used = 0;
	req[0] = '\0';
}

void
memd_says(const char *r)
{
	if (qtail - qhead < QUEUE)
		queue[qtail++ % QUEUE] = r;
}

size_t
memd_left(void)
{
	return qtail - qhead;
}

const char *
memd_request(void)
{
	return req;
}

const char *
memd_body(const char *r)
{
	const char *p = strstr(r, "\r\n\r\n");

	return p ? p + 4 : "";
}

/* the fixtures' folder: next to this file, as compiled */
static void
fixture_path(char *out, size_t n, const char *name)
{
	const char *slash = strrchr(__FILE__, '/');
	int k = slash ? (int)(slash - __FILE__) : 0;

	snprintf(out, n, "%.*s%sfixtures/%s", k, __FILE__, slash ? "/" : "",
	    name);
}

const char *
memd_fixture(const char *name)
{
	static char raw[64 * 1024];
	char path[512], *p, *body, *out;
	size_t n, head, blen, room;
	FILE *f;
	int k;

	fixture_path(path, sizeof path, name);
	if (!(f = fopen(path, "rb"))) {
		printf("# fixture %s: cannot open\n", path);
		return NULL;
	}
	n = fread(raw, 1, sizeof raw - 1, f);
	fclose(f);
	raw[n] = '\0';
	p = raw;
	while (*p == '#')	/* notes: "hand-written", where from */
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);
	if (!(body = strstr(p, "\n\n"))) {
		printf("# fixture %s: no end of head\n", path);
		return NULL;
	}
	head = (size_t)(body - p) + 1;
	body += 2;
	blen = strlen(body);
	room = sizeof pool - used;
	out = pool + used;
	/* the head with CRLF, a Content-Length, the body */
	for (n = 0; head > 0 && n + 2 < room; p++, head--) {
		if (*p == '\n')
			out[n++] = '\r';
		out[n++] = *p;
	}
	k = snprintf(out + n, room - n, "Content-Length: %zu\r\n\r\n", blen);
	if (k < 0 || (size_t)k + n + blen + 1 > room) {
		printf("# fixture %s: the pool is full\n", path);
		return NULL;
	}
	n += (size_t)k;
	memcpy(out + n, body, blen + 1);
	used += n + blen + 1;
	return out;
}
