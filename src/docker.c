/* See LICENSE file for copyright and license details. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "clock.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "jstream.h"
#include "docker.h"
#include "log.h"
#include "hiwater.h"
#include "util.h"

_Static_assert(REPLY_WINDOW >= 1024 && EVENT_WINDOW >= 1024, "windows");
_Static_assert(EVENT_WINDOW >= REF_LEN + 512,
    "an event naming an image of REF_LEN bytes must fit the event window");
_Static_assert(JSON_TOKENS >= 64, "tokens");
_Static_assert(HTTP_REQ_MAX - 512 >= REF_LEN * 3 + 64,
    "a %-encoded image reference must fit a request path");
_Static_assert(REFS_BYTES >= REF_LEN && REFS_MAX >= 1,
    "one reference of REF_LEN bytes must fit an image's references");

/* one element of a reply at a time: these are reused for every element */
static char reply_win[REPLY_WINDOW];
static struct jtok toks[JSON_TOKENS];

static const char filter_types[] =	/* {"type":["container","image"]} */
    "%7B%22type%22%3A%5B%22container%22%2C%22image%22%5D%7D";

void
docker_regions(void)
{
	hw_add("REPLY_WINDOW", reply_win, sizeof reply_win);
	hw_add("JSON_TOKENS", toks, sizeof toks);
}

void
docker_init(struct docker *d, const struct target *t)
{
	memset(d, 0, sizeof *d);
	d->tg = *t;
	d->conn.fd = -1;
	d->api_major = API_MIN_MAJOR;
	d->api_minor = API_MIN_MINOR;
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
static int
encode_as(char *out, size_t outsz, const char *s, const char *keep)
{
	static const char hex[] = "0123456789ABCDEF";
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
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
	}
	out[o] = '\0';
	return 0;
}

static int
encode(char *out, size_t outsz, const char *s)
{
	return encode_as(out, outsz, s, ":/@");
}

/* connect, send, read the reply head into (c, h); 0 or -1 */
static int
start(struct docker *d, struct conn *c, struct http *h, const char *method,
    const char *path)
{
	d->status = 0;
	d->msg[0] = '\0';
	if (conn_open(&d->tg, c) < 0)
		return -1;
	if (http_request(c, method, host_header(&d->tg), path) < 0 ||
	    http_head(h, c, strcmp(method, "HEAD") == 0) < 0) {
		conn_close(c);
		return -1;
	}
	d->status = h->status;
	return 0;
}

/* a request on the shared connection: printf-style path after the prefix */
static int
request(struct docker *d, const char *method, int versioned,
    const char *fmt, ...)
{
	char path[HTTP_REQ_MAX - 512];	/* the rest: request line, headers */
	va_list ap;
	int n, m;

	n = snprintf(path, sizeof path, "%s", versioned ? d->prefix : "");
	va_start(ap, fmt);
	m = vsnprintf(path + n, sizeof path - (size_t)n, fmt, ap);
	va_end(ap);
	if (m < 0 || (size_t)m >= sizeof path - (size_t)n) {
		warn("request path too long");
		return -1;
	}
	dbg("%s %s", method, path);
	return start(d, &d->conn, &d->http, method, path);
}

static ssize_t
body_reader(void *ctx, void *buf, size_t n)
{
	return http_body(ctx, buf, n);
}

/* end a request: read what is left, keep the daemon's message on failure */
static int
finish(struct docker *d, int ok)
{
	char raw[512];
	struct json j;
	const char *why;
	int m;

	if (!ok && d->status >= 300 && http_drain(&d->http, raw, sizeof raw) == 0) {
		/* {"message":"..."}, or plain text (Podman's 404) */
		if (json_parse(&j, raw, strlen(raw), toks, JSON_TOKENS, &why) == 0 &&
		    (m = json_get(&j, 0, "message")) >= 0)
			(void)json_str(&j, m, raw, sizeof raw, NULL);
		san(d->msg, sizeof d->msg, raw, strcspn(raw, "\n"));
	}
	conn_close(&d->conn);
	return ok ? 0 : -1;
}

int
docker_negotiate(struct docker *d, const char *pin)
{
	char *end;
	long maj, min;

	if (request(d, "GET", 0, "/_ping") < 0)
		return -1;
	if (d->status != 200) {
		finish(d, 0);
		warn("%s: /_ping answered %d: %s", d->tg.text, d->status, d->msg);
		return -1;
	}
	if (pin) {
		if (*pin == 'v')
			pin++;
		maj = strtol(pin, &end, 10);
		if (*end != '.' || end == pin || maj < 0 || maj > 99)
			goto badpin;
		min = strtol(end + 1, &end, 10);
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
			finish(d, 1);
			return -1;
		}
		if (d->api_major * 1000 + d->api_minor >
		    API_MAX_MAJOR * 1000 + API_MAX_MINOR) {
			d->api_major = API_MAX_MAJOR;
			d->api_minor = API_MAX_MINOR;
		}
	}
	finish(d, 1);
	snprintf(d->prefix, sizeof d->prefix, "/v%d.%d", d->api_major,
	    d->api_minor);
	return 0;
badpin:
	finish(d, 1);
	warn("DOCKER_API_VERSION '%.20s' is not MAJOR.MINOR", pin);
	return -1;
}

/*
 * Read a JSON reply with the framer: each value goes to fn (which returns
 * 0, or -1 to stop). Values that do not fit or parse count in *skipped.
 */
static int
each(struct docker *d, int mode, const char *what,
    int (*fn)(struct json *, void *), void *arg, int *skipped)
{
	struct jstream js;
	struct json j;
	const char *p, *why;
	size_t n;
	int r;

	*skipped = 0;
	jstream_init(&js, mode, reply_win, sizeof reply_win, body_reader,
	    &d->http);
	while ((r = jstream_next(&js, &p, &n)) != JS_END) {
		if (r == JS_ERR)
			return -1;
		if (r == JS_SKIP) {
			warn("%s: an element is larger than the %d-byte window; "
			    "it is treated as unknown", what, REPLY_WINDOW);
			++*skipped;
			continue;
		}
		if (json_parse(&j, p, n, toks, JSON_TOKENS, &why) < 0) {
			warn("%s: an element is unreadable (%s); it is treated "
			    "as unknown", what, why);
			++*skipped;
			continue;
		}
		if (fn(&j, arg) < 0)
			return -1;
	}
	return 0;
}

/* read an ID field into id; 0 or -1 */
static int
get_id(struct json *j, int obj, const char *key, struct id *id)
{
	char s[ID_TEXT + 8];
	size_t n;
	int v = json_get(j, obj, key);

	if (json_str(j, v, s, sizeof s, &n) < 0)
		return -1;
	return id_parse(s, n, id);
}

struct image_walk {
	int (*cb)(void *, const struct image_rec *);
	void *ctx;
	int *skipped;
};

static int
image_elem(struct json *j, void *arg)
{
	struct image_walk *w = arg;
	struct image_rec r;

	if (get_id(j, 0, "Id", &r.id) < 0 ||
	    json_int(j, json_get(j, 0, "Size"), &r.size) < 0 || r.size < 0) {
		warn("/images/json: an image without a readable Id or Size is "
		    "treated as unknown");
		++*w->skipped;
		return 0;
	}
	return w->cb(w->ctx, &r);
}

/* GET a listing (a JSON array) and hand each element to fn; 0 or -1 */
static int
listing(struct docker *d, const char *path, int (*fn)(struct json *, void *),
    void *arg, int *skipped)
{
	int sk = 0, r;

	*skipped = 0;
	if (request(d, "GET", 1, "%s", path) < 0)
		return -1;
	if (d->status != 200) {
		finish(d, 0);
		warn("%s answered %d: %s", path, d->status, d->msg);
		return -1;
	}
	r = each(d, JS_ARRAY, path, fn, arg, &sk);
	*skipped += sk;
	return finish(d, r == 0);
}

int
docker_images(struct docker *d, int (*cb)(void *, const struct image_rec *),
    void *ctx, int *skipped)
{
	struct image_walk w = { cb, ctx, skipped };

	return listing(d, "/images/json", image_elem, &w, skipped);
}

static int
state_of(struct json *j, int v)
{
	static const char *const names[] = { "", "created", "running",
	    "paused", "restarting", "removing", "exited", "dead" };
	size_t i;

	for (i = 1; i < sizeof names / sizeof names[0]; i++)
		if (json_eq(j, v, names[i]))
			return (int)i;
	if (json_eq(j, v, "stopped"))	/* Podman */
		return CS_EXITED;
	return CS_OTHER;
}

struct ctr_walk {
	int (*cb)(void *, const struct ctr_rec *);
	void *ctx;
	int *skipped;
};

static int
ctr_elem(struct json *j, void *arg)
{
	struct ctr_walk *w = arg;
	struct ctr_rec r;
	long long t;

	memset(&r, 0, sizeof r);
	if (get_id(j, 0, "Id", &r.id) < 0) {
		warn("/containers/json: a container without a readable Id");
		++*w->skipped;
		return 0;
	}
	r.has_image = get_id(j, 0, "ImageID", &r.image) == 0;
	/* Unix seconds; a later one is now, a missing or negative one 0 */
	if (json_int(j, json_get(j, 0, "Created"), &t) < 0 ||
	    (r.created = t_clamp(t, 1000000000LL, now_ns())) < 0)
		r.created = 0;
	r.state = state_of(j, json_get(j, 0, "State"));
	return w->cb(w->ctx, &r);
}

int
docker_containers(struct docker *d, int (*cb)(void *, const struct ctr_rec *),
    void *ctx, int *skipped)
{
	struct ctr_walk w = { cb, ctx, skipped };

	return listing(d, "/containers/json?all=1", ctr_elem, &w, skipped);
}

struct one_arg {
	int (*fn)(struct json *, void *);
	void *arg;
	int n;
};

static int
one_elem(struct json *j, void *a)
{
	struct one_arg *o = a;

	if (o->n++)
		return -1;
	return o->fn(j, o->arg);
}

/* a reply of exactly one object, into fn; 0 or -1 */
static int
one(struct docker *d, const char *what, int (*fn)(struct json *, void *),
    void *arg)
{
	struct one_arg o = { fn, arg, 0 };
	int skipped;

	if (each(d, JS_SEQ, what, one_elem, &o, &skipped) < 0 || skipped ||
	    o.n != 1)
		return -1;
	return 0;
}

static int
ctr_inspect(struct json *j, void *arg)
{
	return get_id(j, 0, "Image", arg);
}

int
docker_inspect_container(struct docker *d, const struct id *cid,
    struct id *image)
{
	char hex[ID_TEXT];

	if (request(d, "GET", 1, "/containers/%s/json", id_hex(cid, hex)) < 0)
		return -1;
	if (d->status != 200)
		return finish(d, 0);
	if (one(d, "container inspect", ctr_inspect, image) < 0)
		return finish(d, 0);
	return finish(d, 1);
}

/* add the strings of the array at v to ii->refs, skipping <none> forms */
static int
add_refs(struct json *j, int v, struct image_info *ii, size_t *used)
{
	size_t n;
	int k, m;

	if (json_null(j, v))
		return 0;
	if (j->t[v].type != J_ARRAY)
		return -1;
	for (k = v + 1, m = 0; m < j->t[v].size; m++, k = json_skip(j, k)) {
		char *s = ii->buf + *used;
		if (ii->nrefs == REFS_MAX ||
		    json_str(j, k, s, sizeof ii->buf - *used, &n) < 0)
			return -1;
		if (strcmp(s, "<none>:<none>") == 0 ||
		    strcmp(s, "<none>@<none>") == 0)
			continue;
		ii->refs[ii->nrefs++] = s;
		*used += n + 1;
	}
	return 0;
}

static int
img_inspect(struct json *j, void *arg)
{
	struct image_info *ii = arg;
	size_t used = 0;

	ii->nrefs = 0;
	if (get_id(j, 0, "Id", &ii->id) < 0 ||
	    json_int(j, json_get(j, 0, "Size"), &ii->size) < 0) {
		warn("image inspect: no readable Id or Size");
		return -1;
	}
	if (add_refs(j, json_get(j, 0, "RepoTags"), ii, &used) < 0 ||
	    add_refs(j, json_get(j, 0, "RepoDigests"), ii, &used) < 0) {
		warn("image inspect: references unreadable or more than %d "
		    "or %d bytes", REFS_MAX, REFS_BYTES);
		return -1;
	}
	return 0;
}

/* GET /images/{ref}/json, its object read by fn; 0 or -1 */
static int
inspect(struct docker *d, const char *ref, int (*fn)(struct json *, void *),
    void *arg)
{
	char enc[REF_LEN * 3];

	if (encode(enc, sizeof enc, ref) < 0) {
		warn("image reference too long");
		return -1;
	}
	if (request(d, "GET", 1, "/images/%s/json", enc) < 0)
		return -1;
	if (d->status != 200)
		return finish(d, 0);
	if (one(d, "image inspect", fn, arg) < 0)
		return finish(d, 0);
	return finish(d, 1);
}

int
docker_inspect_image(struct docker *d, const char *ref, struct image_info *ii)
{
	return inspect(d, ref, img_inspect, ii);
}

/* an RFC 3339 time field: ns since 1970, or -1 (absent, unset, unreadable) */
static long long
get_time(struct json *j, int obj, const char *key)
{
	char s[64];
	size_t n;
	long long ns;

	if (json_str(j, json_get(j, obj, key), s, sizeof s, &n) < 0 ||
	    rfc3339_ns(s, n, &ns) < 0)
		return -1;
	return ns;
}

static int
head_inspect(struct json *j, void *arg)
{
	struct image_head *h = arg;

	if (get_id(j, 0, "Id", &h->id) < 0) {
		warn("image inspect: no readable Id");
		return -1;
	}
	h->created_ns = get_time(j, 0, "Created");
	h->tagged_ns = get_time(j, json_get(j, 0, "Metadata"), "LastTagTime");
	return 0;
}

int
docker_image_head(struct docker *d, const char *ref, struct image_head *h)
{
	return inspect(d, ref, head_inspect, h);
}

size_t
docker_ref_repo(const char *ref, int *kind)
{
	const char *at = strchr(ref, '@'), *colon = strrchr(ref, ':');

	if (at) {
		*kind = REF_DIGEST;
		return (size_t)(at - ref);
	}
	if (colon && !strchr(colon, '/') && colon > ref && colon[1]) {
		*kind = REF_TAG;
		return (size_t)(colon - ref);
	}
	*kind = REF_OTHER;
	return strlen(ref);
}

int
docker_tag_image(struct docker *d, const struct id *id, const char *ref)
{
	char hex[ID_TEXT], repo[REF_LEN * 3], tag[REF_LEN * 3], r[REF_LEN];
	size_t n;
	int kind;

	n = docker_ref_repo(ref, &kind);
	d->status = 0;
	d->msg[0] = '\0';
	if (kind != REF_TAG || n >= sizeof r) {
		warn("'%.60s' is no repo:tag reference", ref);
		return -1;
	}
	memcpy(r, ref, n);
	r[n] = '\0';
	if (encode_as(repo, sizeof repo, r, NULL) < 0 ||
	    encode_as(tag, sizeof tag, ref + n + 1, NULL) < 0) {
		warn("image reference too long");
		return -1;
	}
	if (request(d, "POST", 1, "/images/%s/tag?repo=%s&tag=%s",
	    id_image(id, hex), repo, tag) < 0)
		return -1;
	if (d->status != 201 && d->status != 200)
		return finish(d, 0);
	return finish(d, http_drain(&d->http, NULL, 0) == 0);
}

int
docker_delete_image(struct docker *d, const char *ref)
{
	char enc[REF_LEN * 3];

	if (encode(enc, sizeof enc, ref) < 0) {
		warn("image reference too long");
		return -1;
	}
	if (request(d, "DELETE", 1, "/images/%s", enc) < 0)
		return -1;
	if (d->status != 200)
		return finish(d, 0);
	/* the list of what was untagged and deleted is not needed */
	return finish(d, http_drain(&d->http, NULL, 0) == 0);
}

int
docker_remove_container(struct docker *d, const struct id *cid)
{
	char hex[ID_TEXT];

	if (request(d, "DELETE", 1, "/containers/%s?v=1", id_hex(cid, hex)) < 0)
		return -1;
	if (d->status != 204 && d->status != 200)
		return finish(d, 0);
	return finish(d, http_drain(&d->http, NULL, 0) == 0);
}

int
docker_events_open(struct docker *d, struct evstream *es, const char *since,
    const char *until)
{
	char path[256];

	snprintf(path, sizeof path, "%s/events?since=%s%s%s&filters=%s",
	    d->prefix, since, until ? "&until=" : "", until ? until : "",
	    filter_types);
	dbg("GET %s", path);
	es->open = 0;
	if (start(d, &es->conn, &es->http, "GET", path) < 0)
		return -1;
	if (es->http.status != 200) {
		char raw[256], s[128];
		http_drain(&es->http, raw, sizeof raw);
		conn_close(&es->conn);
		warn("/events answered %d: %s", es->http.status,
		    san(s, sizeof s, raw, strcspn(raw, "\n")));
		return -1;
	}
	if (!until) {
		es->conn.timeout_ms = -1;	/* a quiet daemon is normal */
		es->conn.deadline = 0;		/* and this reply never ends */
		es->conn.idle = 1;
	}
	jstream_init(&es->js, JS_SEQ, es->win, sizeof es->win, body_reader,
	    &es->http);
	es->open = 1;
	return 0;
}

void
docker_events_close(struct evstream *es)
{
	if (es->open)
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
	/* timeNano, else time (seconds): a later one is now; negative, -1 */
	now = now_ns();
	if (json_int(j, json_get(j, 0, "timeNano"), &t) == 0 &&
	    (ev->time_ns = t_clamp(t, 1, now)) >= 0)
		return 0;
	if (json_int(j, json_get(j, 0, "time"), &t) == 0 &&
	    (ev->time_ns = t_clamp(t, 1000000000LL, now)) >= 0)
		return 0;
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
	if (r == JS_SKIP)
		warn("/events: an event is larger than the %d-byte window",
		    EVENT_WINDOW);
	if (r != JS_VALUE)
		return r;
	if (json_parse(&j, p, n, toks, JSON_TOKENS, &why) < 0) {
		warn("/events: an event is unreadable (%s)", why);
		return JS_SKIP;
	}
	if (event_of(&j, ev) < 0) {
		warn("/events: an event lacks its type or time");
		return JS_SKIP;
	}
	return JS_VALUE;
}
