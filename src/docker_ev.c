/* See LICENSE file for copyright and license details. */
/*
 * The event streams of the Docker module: /events, followed (live) or
 * bounded (the history), each value read into a struct event; a wait
 * with a timeout that says idle. Owns both streams' connections and
 * windows.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "util.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "jstream.h"
#include "records.h"
#include "docker.h"
#include "docker_int.h"
#include "log.h"
#ifdef DC_HIWATER
#include "hiwater.h"
#endif

/*
 * one open /events reply; the small members first, then the two buffers
 * (the HTTP receive buffer ends struct http), so that a stream touches
 * one page of members and the first pages of its buffers, not one more
 */
struct evstream {
	struct jstream js;
	int open;
	struct conn conn;
	struct http http;
	char win[EVENT_WINDOW];
};
/* the followed stream and the bounded one (the history) */
static struct evstream live, history;

static const char filter_types[] =	/* {"type":["container","image"]} */
    "%7B%22type%22%3A%5B%22container%22%2C%22image%22%5D%7D";

#ifdef DC_HIWATER
const struct hw_region hw_docker_ev[] = {
	{"EVENT_WINDOW (live)", live.win, sizeof live.win},
	{"EVENT_WINDOW (history)", history.win, sizeof history.win},
	{"HTTP_RECV_MAX (live)", live.http.rbuf, sizeof live.http.rbuf},
	{"HTTP_RECV_MAX (history)", history.http.rbuf,
	    sizeof history.http.rbuf},
	{0},
};
#endif

struct evstream *
docker_events_open(const char *since, const char *until)
{
	struct docker *d = &dk;
	struct evstream *es = until ? &history : &live;
	char path[256];
	int n;

	/*
	 * Podman with its events in a file answers nothing with an until in
	 * the past; stream=false (Podman only: Docker ignores it) ends the
	 * reply at the last event, on both its backends. The events after
	 * until are in the live stream too: counting them twice is harmless.
	 */
	if (until && d->podman)
		n = fmt_snprintf(path, sizeof path,
		    "%s/events?since=%s&stream=false&filters=%s", d->prefix,
		    since, filter_types);
	else
		n = fmt_snprintf(path, sizeof path,
		    "%s/events?since=%s%s%s&filters=%s", d->prefix, since,
		    until ? "&until=" : "", until ? until : "", filter_types);
	if (n < 0 || (size_t)n >= sizeof path) {
		warn("request path too long");
		return NULL;
	}
	dbg("GET %s", path);
	docker_events_close(es);
	if (dk_start(d, &es->conn, &es->http, "GET", path) < 0)
		return NULL;
	if (es->http.status != 200) {
		char raw[256], s[128];
		http_drain(&es->http, raw, sizeof raw);
		conn_close(&es->conn);
		warn("/events answered %d: %s", es->http.status,
		    san(s, sizeof s, raw, strcspn(raw, "\n")));
		return NULL;
	}
	if (!until) {
		es->conn.timeout_ms = -1;	/* a quiet daemon is normal */
		es->conn.deadline = 0;		/* and this reply never ends */
		es->conn.idle = 1;
	}
	jstream_init(&es->js, JS_SEQ, es->win, sizeof es->win, dk_body,
	    &es->http);
	es->open = 1;
	return es;
}

void
docker_events_close(struct evstream *es)
{
	if (es && es->open)
		conn_close(&es->conn);
	es->open = 0;
}

static int
action_of(struct json *j, int v, int type)
{
	static const char *const arrive[] = { "pull", "load", "import", "tag",
	    "create", "loadfromarchive" };
	size_t i;

	if (type == EV_CONTAINER) {
		if (json_eq(j, v, "create"))
			return A_CREATE;
		if (json_eq(j, v, "destroy") || json_eq(j, v, "remove"))
			return A_DESTROY;	/* "remove": Podman */
		if (json_eq(j, v, "die"))
			return A_DIE;
		return A_OTHER;
	}
	if (json_eq(j, v, "delete"))
		return A_DELETE;
	if (json_eq(j, v, "untag"))
		return A_UNTAG;
	for (i = 0; i < sizeof arrive / sizeof arrive[0]; i++)
		if (json_eq(j, v, arrive[i]))
			return A_ARRIVE;
	return A_OTHER;
}

static int
event_of(struct json *j, struct event *ev)
{
	char s[REF_LEN];
	size_t n;
	long long t, now;
	int v, actor, attrs;

	memset(ev, 0, sizeof *ev);
	if (j->t[0].type != J_OBJECT)
		return -1;
	v = json_get(j, 0, "Type");
	if (v < 0)	/* before API 1.22: container events only */
		ev->type = EV_CONTAINER;
	else if (json_eq(j, v, "container"))
		ev->type = EV_CONTAINER;
	else if (json_eq(j, v, "image"))
		ev->type = EV_IMAGE;
	else
		return 0;
	v = json_get(j, 0, "Action");
	ev->action = action_of(j, v >= 0 ? v : json_get(j, 0, "status"),
	    ev->type);
	actor = json_get(j, 0, "Actor");
	v = json_get(j, actor, "ID");
	if (v < 0)
		v = json_get(j, 0, "id");
	if (json_str(j, v, s, sizeof s, &n) == 0 && id_parse(s, n, &ev->id) == 0)
		ev->has_id = 1;
	attrs = json_get(j, actor, "Attributes");
	v = json_get(j, attrs, "image");
	if (v < 0)
		v = json_get(j, 0, "from");
	if (ev->type == EV_CONTAINER &&
	    json_str(j, v, ev->image, sizeof ev->image, NULL) < 0)
		ev->image[0] = '\0';
	/*
	 * timeNano, else time (seconds): later than the daemon's clock can
	 * be is that (as best known); negative, -1
	 */
	now = dk_latest(&dk);
	if ((json_int(j, json_get(j, 0, "timeNano"), &t) == 0 &&
	    (ev->time_ns = t_clamp(t, 1, now)) >= 0) ||
	    (json_int(j, json_get(j, 0, "time"), &t) == 0 &&
	    (ev->time_ns = t_clamp(t, 1000000000LL, now)) >= 0)) {
		if (ev->time_ns > dk.last_ev_ns)
			dk.last_ev_ns = ev->time_ns;
		return 0;
	}
	return -1;
}

int
docker_events_next(struct evstream *es, struct event *ev)
{
	struct json j;
	const char *p, *why;
	size_t n;
	int r;

	r = jstream_next(&es->js, &p, &n);
	if (r == JS_SKIP) {
		warn("/events: an event is larger than the %d-byte window",
		    EVENT_WINDOW);
		return EVS_SKIP;
	}
	if (r != JS_VALUE)
		return r == JS_END ? EVS_END : EVS_ERROR;
	if (json_parse(&j, p, n, dk_toks, JSON_TOKENS, &why) < 0) {
		warn("/events: an event is unreadable (%s)", why);
		return EVS_SKIP;
	}
	if (event_of(&j, ev) < 0) {
		warn("/events: an event lacks its type or time");
		return EVS_SKIP;
	}
	return EVS_VALUE;
}

int
docker_events_wait(struct evstream *es, int timeout_ms, struct event *ev)
{
	int r;

	es->conn.timeout_ms = timeout_ms;
	es->conn.waited = WAIT_OK;
	r = docker_events_next(es, ev);
	/* a timeout or a signal: the stream is still intact */
	if (r == EVS_ERROR && es->conn.waited != WAIT_OK)
		return EVS_IDLE;
	return r;
}
