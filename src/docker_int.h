/* See LICENSE file for copyright and license details. */
/*
 * What the rooms of the Docker module share: docker_req.c (the daemon,
 * one request at a time: connect, send, read the head, the outcome and
 * the message; version negotiation), docker.c (the listings, and the
 * reply and field readers below), docker_obj.c (calls on one object) and
 * docker_ev.c (the event streams). Requires bounds.h,
 * conn.h, http.h, json.h, records.h, docker.h.
 */

/* the daemon and the state of the last request */
struct docker {
	struct target tg;
	int api_major, api_minor;	/* negotiated or pinned */
	char prefix[16];		/* "/v1.41" */
	int podman;		/* /_ping said Libpod-Api-Version */
	int status;		/* HTTP status of the last reply; 0: none */
	char msg[256];		/* sanitised daemon message of the last failure */
	long long date_ns;	/* the Date of the last /_ping, ns; 0 none */
	long long date_mono;	/* mono_ms() when it was read */
	long long last_ev_ns;	/* the latest event time read, ns; 0 none */
	struct conn conn;	/* requests; kept open between them */
	struct http http;
	int alive;		/* conn is open, idle, and may be reused */
	long long idle_since;	/* mono_ms() when it became idle */
};

/* docker_req.c's: the daemon and its request connection */
extern struct docker dk;
/* docker_req.c's: the tokens of one JSON value at a time */
extern struct jtok dk_toks[JSON_TOKENS];


/*
 * %-encode s into out: for a path segment (dk_encode: an image reference,
 * keeping ":/@"), or a query value (keep: NULL, only unreserved bytes);
 * 0 or -1
 */
int dk_encode_as(char *out, size_t outsz, const char *s, const char *keep);
int dk_encode(char *out, size_t outsz, const char *s);
/* connect, send, read the reply head into (c, h), d->status; 0 or -1 */
int dk_start(struct docker *d, struct conn *c, struct http *h,
    const char *method, const char *path);
/*
 * A request on d's own connection: printf-style path after the API
 * prefix (versioned) or alone; 0 or -1 (no reply)
 */
int dk_request(struct docker *d, const char *method, int versioned,
    const char *fmt, ...);
/*
 * The body reader of a reply (ctx: its struct http), for the framer:
 * WINDOW_READ bytes at a time (the event stream); dk_reply_body, for the
 * reply window, reads more at a time once the reply is long (LONG_REPLY)
 */
ssize_t dk_body(void *ctx, void *buf, size_t n);
ssize_t dk_reply_body(void *ctx, void *buf, size_t n);
/*
 * End a request: read what is left, keep the daemon's message on failure.
 * ok: the reply is the one expected (its status, its body read). 0 or -1
 */
int dk_finish(struct docker *d, int ok);
/*
 * End a request whose status was the expected one (st_ok) or not: DK_DONE
 * when body_ok too, DK_UNREADABLE when only the status was, else what the
 * status and message say
 */
enum dk dk_outcome(struct docker *d, int st_ok, int body_ok);
/*
 * The latest time an event can have, ns: the local clock, or the daemon's
 * by its Date (plus the time since) when that is later. Event times beyond
 * it are taken as it.
 */
long long dk_latest(const struct docker *d);
/* a request that could not be made: DK_FAILED, no reply */
enum dk dk_not_sent(struct docker *d);

/*
 * docker.c, shared with docker_obj.c: a JSON reply of d (mode JS_ARRAY or
 * JS_SEQ) an element at a time into fn, elements that do not fit or parse
 * counted in *skipped; 0 or -1
 */
int dk_each(struct docker *d, int mode, const char *what,
    int (*fn)(struct json *, void *), void *arg, int *skipped);
/*
 * docker.c, shared with docker_sys.c: a reply of d that is one object,
 * read member by member: the array of the key inner (with its quotes) an
 * element at a time into fn, each other member whose value fits the
 * window into mfn (the key with its quotes, kn bytes; the value's text, n
 * bytes). 0, or -1 (malformed, cut short, a callback's -1).
 */
int dk_members(struct docker *d, const char *what, const char *inner,
    int (*fn)(struct json *, void *),
    int (*mfn)(const char *, size_t, const char *, size_t, void *),
    void *arg, int *skipped);
/* docker.c: an ID field into id; 0 or -1 */
int dk_get_id(struct json *j, int obj, const char *key, struct id *id);
/* docker.c: the image mounts of the Mounts array at v into r */
void dk_get_mounts(struct json *j, int v, struct ctr_rec *r);
/*
 * docker.c: does the image (its ID, the reference arrays at tags and
 * digests, the labels at labels) match a keep rule? Unreadable facts keep
 * it.
 */
int dk_kept(struct json *j, const struct id *id, int tags, int digests,
    int labels);
