/* See LICENSE file for copyright and license details. */
/*
 * The Docker module's requests: the daemon (struct docker dk), one
 * request at a time on its connection (kept open from one request to the
 * next: HTTP keep-alive; made again when the daemon closed it), the outcome of each (the HTTP
 * status and the daemon's message read here, and nowhere above: Podman's
 * 500 that means Docker's 409 is settled here), the message kept for the
 * log, and the API version negotiated.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "records.h"
#include "docker.h"
#include "docker_int.h"
#include "log.h"
#include "util.h"

_Static_assert(WINDOW_READ >= 512 && WINDOW_READ_LONG >= WINDOW_READ,
    "window reads");

struct docker dk;
struct jtok dk_toks[JSON_TOKENS];

void
docker_init(const struct target *t)
{
	struct docker *d = &dk;

	if (d->alive)
		conn_close(&d->conn);
	memset(d, 0, sizeof *d);
	d->tg = *t;
	d->conn.fd = -1;
	d->api_major = API_MIN_MAJOR;
	d->api_minor = API_MIN_MINOR;
}

const char *
docker_msg(void)
{
	static char out[sizeof dk.msg + 16];

	if (dk.status == 0)
		return "no reply";
	fmt_snprintf(out, sizeof out, "%d %s", dk.status, dk.msg);
	return out;
}

const char *
docker_api(int *major, int *minor)
{
	*major = dk.api_major;
	*minor = dk.api_minor;
	return dk.prefix;
}

int
docker_status(void)
{
	return dk.status;
}

/*
 * Podman's 500s that mean what Docker's 409 means (its compat API maps
 * every other removal failure to 500): matched on the message
 */
static const char *const podman_conflicts[] = {
	"referenced in multiple repositories", "more than one tag",
	"state improper",
};

/* the outcome of a request refused or failed with d->status, d->msg */
static enum dk
refusal(const struct docker *d)
{
	size_t i;

	if (d->status == 0)
		return DK_FAILED;
	if (d->status == 404)
		return DK_GONE;
	if (d->status == 409)
		return DK_CONFLICT;
	if (d->status < 500)
		return DK_REFUSED;
	for (i = 0; i < sizeof podman_conflicts / sizeof podman_conflicts[0];
	    i++)
		if (str_find(d->msg, podman_conflicts[i]))
			return DK_CONFLICT;
	return DK_FAILED;
}

/* a request that could not be made: no reply */
enum dk
dk_not_sent(struct docker *d)
{
	d->status = 0;
	d->msg[0] = '\0';
	return DK_FAILED;
}

static const char *
host_header(const struct target *t)
{
	/* what the Go SDK sends over unix sockets; the real name over TCP */
	return t->kind == T_UNIX ? "api.moby.localhost" : t->host;
}

/*
 * %-encode s into out: for a path segment (an image reference, keeping
 * ":/@"), or a query value (keep: NULL, only unreserved bytes); 0 or -1
 */
int
dk_encode_as(char *out, size_t outsz, const char *s, const char *keep)
{
	size_t o = 0;

	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("-._~", c) ||
		    (keep && strchr(keep, c))) {
			if (o + 1 >= outsz)
				return -1;
			out[o++] = (char)c;
		} else {
			if (o + 3 >= outsz)
				return -1;
			out[o++] = '%';
			hex_encode(out + o, &c, 1, 1);
			o += 2;
		}
	}
	out[o] = '\0';
	return 0;
}

int
dk_encode(char *out, size_t outsz, const char *s)
{
	return dk_encode_as(out, outsz, s, ":/@");
}

/*
 * Take the kept request connection if it can still carry a request: idle
 * for at most KEEPALIVE_IDLE_MS and nothing to read on it (a daemon that
 * closed it, or sent anything unasked, makes it unusable). 1 taken, 0 not
 * (then it is closed).
 */
static int
take_kept(struct docker *d)
{
	struct pollfd p;

	if (!d->alive)
		return 0;
	d->alive = 0;
	p.fd = d->conn.fd;
	p.events = POLLIN;
	p.revents = 0;
	if (mono_ms() - d->idle_since <= KEEPALIVE_IDLE_MS && p.fd >= 0 &&
	    poll(&p, 1, 0) == 0) {
		d->conn.timeout_ms = REPLY_TIMEOUT_MS;
		d->conn.deadline = mono_ms() + REPLY_DEADLINE_MS;
		d->conn.reused = 1;
		return 1;
	}
	conn_close(&d->conn);
	return 0;
}

/*
 * connect (or take the kept connection: requests on d->conn), send, read
 * the reply head into (c, h); 0 or -1. A kept connection that the daemon
 * closed before answering (an end of stream or a reset before the first
 * byte of a reply, or a refused write) is made again once and the request
 * sent again: the daemon had not read it.
 */
int
dk_start(struct docker *d, struct conn *c, struct http *h, const char *method,
    const char *path)
{
	int keep = c == &d->conn, reused = keep && take_kept(d), r, sent, e;

	d->status = 0;
	d->msg[0] = '\0';
	for (;;) {
		if (!reused && conn_open(&d->tg, c) < 0)
			return -1;
		h->silent = 0;
		r = http_request(h, c, method, host_header(&d->tg), path,
		    keep);
		sent = r == 0;
		if (r == 0)
			r = http_head(h, c, strcmp(method, "HEAD") == 0);
		e = errno;
		c->reused = 0;
		if (r == 0)
			break;
		conn_close(c);
		if (!reused || (sent && !h->silent && e != ECONNRESET)) {
			if (h->silent)
				warn("connection closed without a reply");
			return -1;
		}
		dbg("kept connection closed by the daemon; connecting again");
		reused = 0;
	}
	d->status = h->status;
	return 0;
}

/* a request on the shared connection: printf-style path after the prefix */
int
dk_request(struct docker *d, const char *method, int versioned,
    const char *fmt, ...)
{
	char path[HTTP_REQ_MAX - 512];	/* the rest: request line, headers */
	va_list ap;
	int n, m;

	n = fmt_snprintf(path, sizeof path, "%s", versioned ? d->prefix : "");
	va_start(ap, fmt);
	m = fmt_vsnprintf(path + n, sizeof path - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= sizeof path - (size_t)n) {
		warn("request path too long");
		return -1;
	}
	dbg("%s %s", method, path);
	return dk_start(d, &d->conn, &d->http, method, path);
}

ssize_t
dk_body(void *ctx, void *buf, size_t n)
{
	/* the window is touched only as far as a value plus WINDOW_READ */
	return http_body(ctx, buf, n < WINDOW_READ ? n : WINDOW_READ);
}

ssize_t
dk_reply_body(void *ctx, void *buf, size_t n)
{
	struct http *h = ctx;
	size_t most = h->body < LONG_REPLY ? WINDOW_READ : WINDOW_READ_LONG;

	/* a long reply earns longer reads */
	return http_body(h, buf, n < most ? n : most);
}

/*
 * End a request: read what is left, keep the daemon's message on failure.
 * ok: the reply is the one expected (its status, its body read)
 */
int
dk_finish(struct docker *d, int ok)
{
	char raw[512];
	struct json j;
	const char *why;
	int m;

	if (!ok && d->status >= 300 && http_drain(&d->http, raw, sizeof raw) == 0) {
		/* {"message":"..."}, or plain text (Podman's 404) */
		if (json_parse(&j, raw, strlen(raw), dk_toks, JSON_TOKENS, &why) == 0 &&
		    (m = json_get(&j, 0, "message")) >= 0)
			(void)json_str(&j, m, raw, sizeof raw, NULL);
		san(d->msg, sizeof d->msg, raw, strcspn(raw, "\n"));
	}
	if (http_reusable(&d->http)) {
		d->alive = 1;
		d->idle_since = mono_ms();
	} else
		conn_close(&d->conn);
	return ok ? 0 : -1;
}

/*
 * End a request whose status was the expected one (st_ok) or not: DK_DONE
 * when body_ok too, DK_UNREADABLE when only the status was, else what the
 * status and message say
 */
enum dk
dk_outcome(struct docker *d, int st_ok, int body_ok)
{
	dk_finish(d, st_ok && body_ok);
	if (st_ok)
		return body_ok ? DK_DONE : DK_UNREADABLE;
	return refusal(d);
}

/* the daemon's clock by its Date: whole seconds, plus the time since */
static long long
date_now(const struct docker *d)
{
	return d->date_ns + (mono_ms() - d->date_mono) * 1000000LL;
}

long long
dk_latest(const struct docker *d)
{
	long long local = now_ns(), t;

	if (d->date_ns <= 0)
		return local;
	t = date_now(d);
	return t > local ? t : local;
}

long long
docker_now(int upper)
{
	const struct docker *d = &dk;
	long long t;

	if (d->date_ns <= 0)
		return now_ns();
	t = date_now(d);
	if (upper)	/* the Date is whole seconds: its clock is before the next */
		return t + 1000000000LL;
	/* a later event within that second refines it */
	if (d->last_ev_ns > t && d->last_ev_ns < t + 1000000000LL)
		t = d->last_ev_ns;
	return t;
}

enum dk
docker_negotiate(const char *pin)
{
	struct docker *d = &dk;
	char *end;
	long maj, min;
	long long t;

	if (dk_request(d, "GET", 0, "/_ping") < 0)
		return DK_FAILED;
	if (d->status != 200) {
		dk_finish(d, 0);
		warn("%s: /_ping answered %d: %s", d->tg.text, d->status, d->msg);
		return DK_FAILED;
	}
	(void)http_drain(&d->http, NULL, 0);	/* "OK": read, so the
						   connection can be kept */
	/* the daemon's clock, for the times sent back to it */
	d->date_ns = 0;
	if (d->http.date_s > 0 && d->http.date_s < 9223372036LL) {
		d->date_ns = d->http.date_s * 1000000000LL;
		d->date_mono = mono_ms();
		/*
		 * The local clock read after the reply, within the Date's second
		 * (and half a second for the reply to come): the clocks agree,
		 * and the local one is the finer
		 */
		t = now_ns() - d->date_ns;
		if (t >= 0 && t < 1500000000LL)
			d->date_ns = 0;
	}
	d->podman = d->http.libpod;
	if (pin) {
		if (*pin == 'v')
			pin++;
		maj = (long)str_dec(pin, &end);
		if (*end != '.' || end == pin || maj < 0 || maj > 99)
			goto badpin;
		min = (long)str_dec(end + 1, &end);
		if (*end || min < 0 || min > 999)
			goto badpin;
		d->api_major = (int)maj;
		d->api_minor = (int)min;
	} else if (d->http.api_major == 0) {
		warn("%s sends no Api-Version; assuming %d.%d", d->tg.text,
		    API_MIN_MAJOR, API_MIN_MINOR);
		d->api_major = API_MIN_MAJOR;
		d->api_minor = API_MIN_MINOR;
	} else {
		d->api_major = d->http.api_major;
		d->api_minor = d->http.api_minor;
		if (d->api_major * 1000 + d->api_minor <
		    API_MIN_MAJOR * 1000 + API_MIN_MINOR) {
			warn("%s speaks API %d.%d; at least %d.%d is needed",
			    d->tg.text, d->api_major, d->api_minor,
			    API_MIN_MAJOR, API_MIN_MINOR);
			dk_finish(d, 1);
			return DK_FAILED;
		}
		if (d->api_major * 1000 + d->api_minor >
		    API_MAX_MAJOR * 1000 + API_MAX_MINOR) {
			d->api_major = API_MAX_MAJOR;
			d->api_minor = API_MAX_MINOR;
		}
	}
	dk_finish(d, 1);
	fmt_snprintf(d->prefix, sizeof d->prefix, "/v%d.%d", d->api_major,
	    d->api_minor);
	return DK_DONE;
badpin:
	dk_finish(d, 1);
	warn("DOCKER_API_VERSION '%.20s' is not MAJOR.MINOR", pin);
	return DK_FAILED;
}
