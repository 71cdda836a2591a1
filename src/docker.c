/* See LICENSE file for copyright and license details. */
/*
 * The Engine API's listings (images, containers), each read an element at
 * a time into plain records (records.h), and the reply and field readers
 * the Docker module's calls share. The only code that knows the API's
 * paths and field names, with docker_obj.c (one object at a time),
 * docker_sys.c (/system/df, /info) and docker_ev.c (events).
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "jstream.h"
#include "opts.h"
#include "keep.h"
#include "records.h"
#include "docker.h"
#include "docker_int.h"
#include "log.h"
#ifdef DC_HIWATER
#include "hiwater.h"
#endif
#include "util.h"

_Static_assert(REPLY_WINDOW >= 1024 && EVENT_WINDOW >= 1024, "windows");
_Static_assert(EVENT_WINDOW >= REF_LEN + 512,
    "an event naming an image of REF_LEN bytes must fit the event window");
_Static_assert(JSON_TOKENS >= 64, "tokens");
_Static_assert(HTTP_REQ_MAX - 512 >= REF_LEN * 3 + 64,
    "a %-encoded image reference must fit a request path");
_Static_assert(REFS_BYTES >= REF_LEN && REFS_MAX >= 1,
    "one reference of REF_LEN bytes must fit an image's references");

/* one element of a reply at a time: reused for every element */
static char reply_win[REPLY_WINDOW];

#ifdef DC_HIWATER
const struct hw_region hw_docker[] = {
	{"REPLY_WINDOW", reply_win, sizeof reply_win},
	{"JSON_TOKENS", dk_toks, sizeof dk_toks},
	{"HTTP_RECV_MAX (requests)", dk.http.rbuf, sizeof dk.http.rbuf},
	{0},
};
#endif

/* an element as the framer checked and indexed it */
struct jelem {
	const char *s;
	size_t n;
	const struct jmember *m;
	int nm;
};

/*
 * The value of the member key of e as a document in toks[0..ntok) (one
 * is enough for a string or a primitive): 0, -1 absent, -2 unreadable
 */
static int
elem_get(const struct jelem *e, const char *key, struct json *j,
    struct jtok *toks, unsigned ntok)
{
	const struct jmember *m;
	const char *why;
	size_t n = strlen(key), k;

	for (m = e->m; m < e->m + e->nm; m++) {
		if ((size_t)m->kn != n)
			continue;
		/* short keys: no call to compare them */
		for (k = 0; k < n && e->s[(size_t)m->k + k] == key[k]; k++)
			;
		if (k == n)
			return json_value(j, e->s + m->v, (size_t)m->vn, toks,
			    ntok, &why) < 0 ? -2 : 0;
	}
	return -1;
}

/*
 * The values of js until its end: each goes to fn (which returns 0, or -1
 * to stop), or with efn (js indexed, JS_ARRAY) each checked element to
 * efn. Values that do not fit or parse count in *skipped.
 */
static int
each_of(struct jstream *js, const char *what,
    int (*fn)(struct json *, void *),
    int (*efn)(const struct jelem *, void *), void *arg, int *skipped)
{
	struct json j;
	const char *p, *why;
	size_t n;
	int r;

	while ((r = jstream_next(js, &p, &n)) != JS_END) {
		if (r == JS_ERR)
			return -1;
		if (r == JS_SKIP) {
			warn("%s: an element is larger than the %d-byte window; "
			    "it is treated as unknown", what, REPLY_WINDOW);
			++*skipped;
			continue;
		}
		if (efn && js->nmem >= 0) {
			if (efn(&(struct jelem){ p, n, js->mem, js->nmem },
			    arg) < 0)
				return -1;
			continue;
		}
		if (efn)
			why = js->why;
		if (efn || json_parse(&j, p, n, dk_toks, JSON_TOKENS, &why) < 0) {
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

/* a JSON reply of d, mode JS_ARRAY (efn: indexed) or JS_SEQ, by each_of */
static int
each(struct docker *d, int mode, const char *what,
    int (*fn)(struct json *, void *),
    int (*efn)(const struct jelem *, void *), void *arg, int *skipped)
{
	/* on the stack: pages the listing's calls touch anyway */
	struct jmember mem[JSON_MEMBERS];
	struct jstream js;

	*skipped = 0;
	jstream_init(&js, mode, reply_win, sizeof reply_win, dk_reply_body,
	    &d->http);
	if (efn)
		jstream_index(&js, mem, JSON_MEMBERS);
	return each_of(&js, what, fn, efn, arg, skipped);
}

int
dk_each(struct docker *d, int mode, const char *what,
    int (*fn)(struct json *, void *), void *arg, int *skipped)
{
	return each(d, mode, what, fn, NULL, arg, skipped);
}

int
dk_members(struct docker *d, const char *what, const char *inner,
    int (*fn)(struct json *, void *),
    int (*mfn)(const char *, size_t, const char *, size_t, void *),
    void *arg, int *skipped)
{
	static char key[64];
	struct jstream js;
	const char *p;
	size_t n, kn;
	int r;

	*skipped = 0;
	jstream_init(&js, JS_OBJECT, reply_win, sizeof reply_win,
	    dk_reply_body,
	    &d->http);
	while ((r = jstream_next(&js, &p, &n)) != JS_END) {
		if (r == JS_ERR)
			return -1;
		kn = r == JS_VALUE && n < sizeof key ? n : 0;
		memcpy(key, p, kn);	/* the value comes in the same window */
		if (inner && kn == strlen(inner) && memcmp(key, inner, kn) == 0) {
			if (jstream_enter(&js) < 0 ||
			    each_of(&js, what, fn, NULL, arg, skipped) < 0)
				return -1;
			continue;
		}
		if ((r = jstream_next(&js, &p, &n)) == JS_ERR || r == JS_END)
			return -1;
		if (r == JS_VALUE && kn && mfn(key, kn, p, n, arg) < 0)
			return -1;
	}
	return 0;
}

/* read the ID string at v into id; 0 or -1 */
static int
get_id(struct json *j, int v, struct id *id)
{
	char s[ID_TEXT + 8];
	size_t n;

	/* an ID has nothing to unescape: its text as it is, when it reads */
	if (v >= 0 && j->t[v].type == J_STRING && id_parse(j->s +
	    j->t[v].start, (size_t)(j->t[v].end - j->t[v].start), id) == 0)
		return 0;
	if (json_str(j, v, s, sizeof s, &n) < 0)
		return -1;
	return id_parse(s, n, id);
}

/* read an ID field into id; 0 or -1 */
int
dk_get_id(struct json *j, int obj, const char *key, struct id *id)
{
	return get_id(j, json_get(j, obj, key), id);
}

/*
 * The references in the array at v: 1 when one matches a keep pattern,
 * 0 none, -1 unreadable
 */
static int
kept_refs(struct json *j, int v)
{
	char s[REF_LEN];
	int k, m;

	if (json_null(j, v))
		return 0;
	if (j->t[v].type != J_ARRAY)
		return -1;
	for (k = v + 1, m = 0; m < j->t[v].size; m++, k = json_skip(j, k)) {
		if (json_str(j, k, s, sizeof s, NULL) < 0)
			return -1;
		if (keep_ref(s))
			return 1;
	}
	return 0;
}

/*
 * The labels object at v: 1 when one matches a keep label. A key or a
 * value longer than REF_LEN cannot equal a rule's (keep.c bounds them):
 * such a value matches a rule of the key alone only.
 */
static int
kept_labels(struct json *j, int v)
{
	char key[REF_LEN], val[REF_LEN];
	int k, m;

	if (json_null(j, v))
		return 0;
	if (j->t[v].type != J_OBJECT)
		return -1;
	for (k = v + 1, m = 0; m < j->t[v].size; m++, k = json_skip(j, k + 1))
		if (json_str(j, k, key, sizeof key, NULL) == 0 &&
		    keep_label(key, json_str(j, k + 1, val, sizeof val,
		    NULL) == 0 ? val : NULL))
			return 1;
	return 0;
}

/*
 * Does the image (its ID, the reference arrays at tags and digests, the
 * labels at labels) match a keep rule? Facts that cannot be read keep it.
 */
int
dk_kept(struct json *j, const struct id *id, int tags, int digests,
    int labels)
{
	char hex[ID_TEXT];
	int r;

	if (!keep_any())
		return 0;
	if (keep_id(id))
		return 1;
	if ((r = kept_refs(j, tags)) == 0 && (r = kept_refs(j, digests)) == 0)
		r = kept_labels(j, labels);
	if (r < 0)
		warn("image %s: references or labels unreadable; kept",
		    id_image(id, hex));
	return r != 0;
}

struct image_walk {
	int (*cb)(void *, const struct image_rec *);
	void *ctx;
	int *skipped;
};

static int
image_elem(const struct jelem *e, void *arg)
{
	struct image_walk *w = arg;
	struct image_rec r;
	struct json j;
	struct jtok t;
	const char *why;
	long long c;

	if (elem_get(e, "Id", &j, &t, 1) < 0 || get_id(&j, 0, &r.id) < 0 ||
	    elem_get(e, "Size", &j, &t, 1) < 0 || json_int(&j, 0, &r.size) < 0 ||
	    r.size < 0) {
		warn("/images/json: an image without a readable Id or Size is "
		    "treated as unknown");
		++*w->skipped;
		return 0;
	}
	/* Unix seconds; a later one is now */
	if (elem_get(e, "Created", &j, &t, 1) < 0 || json_int(&j, 0, &c) < 0 ||
	    (r.created_ns = t_clamp(c, 1000000000LL, now_ns())) < 0)
		r.created_ns = -1;
	r.kept = 0;
	/* only keep rules need the references and labels: then all of it */
	if (keep_any()) {
		if (json_parse(&j, e->s, e->n, dk_toks, JSON_TOKENS,
		    &why) < 0) {
			warn("/images/json: an element is unreadable (%s); it "
			    "is treated as unknown", why);
			++*w->skipped;
			return 0;
		}
		r.kept = dk_kept(&j, &r.id, json_get(&j, 0, "RepoTags"),
		    json_get(&j, 0, "RepoDigests"), json_get(&j, 0, "Labels"));
	}
	return w->cb(w->ctx, &r);
}

/* GET a listing (a JSON array): each element, checked and indexed, to efn */
static enum dk
listing(struct docker *d, const char *path,
    int (*efn)(const struct jelem *, void *), void *arg, int *skipped)
{
	int sk = 0, r;

	*skipped = 0;
	if (dk_request(d, "GET", 1, "%s", path) < 0)
		return DK_FAILED;
	if (d->status != 200) {
		dk_finish(d, 0);
		warn("%s answered %d: %s", path, d->status, d->msg);
		return DK_FAILED;
	}
	r = each(d, JS_ARRAY, path, NULL, efn, arg, &sk);
	*skipped += sk;
	return dk_finish(d, r == 0) == 0 ? DK_DONE : DK_FAILED;
}

enum dk
docker_images(int (*cb)(void *, const struct image_rec *), void *ctx,
    int *skipped)
{
	struct image_walk w = { cb, ctx, skipped };

	return listing(&dk, "/images/json", image_elem, &w, skipped);
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

/*
 * The images of the Mounts of Type "image" in the array at v (absent or
 * null: none) into r, each as named; more than IMAGE_MOUNTS_MAX or an
 * unreadable one: -1, a container whose uses are not all known
 */
void
dk_get_mounts(struct json *j, int v, struct ctr_rec *r)
{
	int k, m;

	r->nmounts = 0;
	if (json_null(j, v))
		return;
	if (j->t[v].type != J_ARRAY) {
		r->nmounts = -1;
		return;
	}
	for (k = v + 1, m = 0; m < j->t[v].size; m++, k = json_skip(j, k)) {
		if (!json_eq(j, json_get(j, k, "Type"), "image"))
			continue;
		if (r->nmounts == IMAGE_MOUNTS_MAX ||
		    json_str(j, json_get(j, k, "Name"), r->mounts[r->nmounts],
		    sizeof r->mounts[0], NULL) < 0 ||
		    !r->mounts[r->nmounts][0]) {
			r->nmounts = -1;
			return;
		}
		r->nmounts++;
	}
}

struct ctr_walk {
	int (*cb)(void *, const struct ctr_rec *);
	void *ctx;
	int *skipped;
};

static int
ctr_elem(const struct jelem *e, void *arg)
{
	struct ctr_walk *w = arg;
	struct ctr_rec r;
	struct json j;
	struct jtok t;
	long long c;
	int v;

	memset(&r, 0, sizeof r);
	if (elem_get(e, "Id", &j, &t, 1) < 0 || get_id(&j, 0, &r.id) < 0) {
		warn("/containers/json: a container without a readable Id");
		++*w->skipped;
		return 0;
	}
	r.has_image = elem_get(e, "ImageID", &j, &t, 1) == 0 &&
	    get_id(&j, 0, &r.image) == 0;
	/* Unix seconds; a later one is now, a missing or negative one 0 */
	if (elem_get(e, "Created", &j, &t, 1) < 0 || json_int(&j, 0, &c) < 0 ||
	    (r.created = t_clamp(c, 1000000000LL, now_ns())) < 0)
		r.created = 0;
	r.state = elem_get(e, "State", &j, &t, 1) == 0 ? state_of(&j, 0) :
	    CS_OTHER;
	/* absent: none; there but unreadable: not all uses known */
	if ((v = elem_get(e, "Mounts", &j, dk_toks, JSON_TOKENS)) == -2)
		r.nmounts = -1;
	else
		dk_get_mounts(&j, v, &r);
	return w->cb(w->ctx, &r);
}

enum dk
docker_containers(int (*cb)(void *, const struct ctr_rec *), void *ctx,
    int *skipped)
{
	struct ctr_walk w = { cb, ctx, skipped };

	return listing(&dk, "/containers/json?all=1", ctr_elem, &w, skipped);
}
