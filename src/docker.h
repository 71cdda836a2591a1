/* See LICENSE file for copyright and license details. */
/*
 * The Docker Engine API: the only module that knows its paths and field
 * names. Each call opens a connection, sends one request and turns the
 * reply into plain records. Requires config.h, conn.h, http.h, jstream.h,
 * id.h.
 */
struct docker {
	struct target tg;
	int api_major, api_minor;	/* negotiated or pinned */
	char prefix[16];		/* "/v1.41" */
	int status;		/* HTTP status of the last reply; 0: none */
	char msg[256];		/* sanitised daemon message of the last failure */
	struct conn conn;
	struct http http;
};

struct image_rec {
	struct id id;
	long long size;
};

enum { CS_OTHER, CS_CREATED, CS_RUNNING, CS_PAUSED, CS_RESTARTING,
	CS_REMOVING, CS_EXITED, CS_DEAD };

struct ctr_rec {
	struct id id;
	struct id image;
	int has_image;		/* ImageID was present and readable */
	long long created;	/* ns since the epoch, at most now; 0 unknown */
	int state;		/* CS_* */
};

enum { EV_OTHER, EV_CONTAINER, EV_IMAGE };
enum { A_OTHER, A_CREATE, A_DESTROY, A_DIE, A_DELETE, A_UNTAG, A_ARRIVE };

struct event {
	int type;		/* EV_* */
	int action;		/* A_*; A_ARRIVE: image pull, load, import, tag */
	struct id id;		/* Actor.ID when it is an ID */
	int has_id;
	char image[REF_LEN];	/* container events: the image as given */
	long long time_ns;	/* ns since the epoch, in [0, now] */
};

/* an image as inspected: ID, size and its references (tags, digests) */
struct image_info {
	struct id id;
	long long size;
	int nrefs;
	const char *refs[REFS_MAX];	/* point into buf */
	char buf[REFS_BYTES];
};

/* an image as inspected, without its references */
struct image_head {
	struct id id;
	long long created_ns;	/* Created, ns since 1970; -1 unset/unreadable */
	long long tagged_ns;	/* Metadata.LastTagTime; -1 unset/unreadable */
};

/* one open /events reply */
struct evstream {
	struct conn conn;
	struct http http;
	struct jstream js;
	int open;
	char win[EVENT_WINDOW];
};

void docker_init(struct docker *d, const struct target *t);
/*
 * GET /_ping and choose the API version: min(ours, the daemon's), or
 * DOCKER_API_VERSION when pinned (pin: "1.41", NULL if not pinned).
 * 0, or -1 with the reason logged.
 */
int docker_negotiate(struct docker *d, const char *pin);

/*
 * Listings. cb gets each element that could be read; elements that could
 * not (too large, malformed) are counted in *skipped. 0 when the whole
 * reply was read, -1 otherwise (logged). cb returning -1 stops with -1.
 */
int docker_images(struct docker *d,
    int (*cb)(void *, const struct image_rec *), void *ctx, int *skipped);
int docker_containers(struct docker *d,
    int (*cb)(void *, const struct ctr_rec *), void *ctx, int *skipped);

/* 0, or -1 (d->status 404: no such object) */
int docker_inspect_container(struct docker *d, const struct id *cid,
    struct id *image);
int docker_inspect_image(struct docker *d, const char *ref,
    struct image_info *ii);
/* the ID and times of the image ref names; as docker_inspect_image */
int docker_image_head(struct docker *d, const char *ref,
    struct image_head *h);
/*
 * POST /images/{id}/tag?repo=REPO&tag=TAG: ref (repo:tag) names the image
 * id again, moved from any other image. 0, or -1 with d->status, d->msg.
 */
int docker_tag_image(struct docker *d, const struct id *id, const char *ref);
/*
 * The repository of an image reference: its length in ref, and *kind:
 * REF_TAG (repo:tag), REF_DIGEST (repo@sha256:...) or REF_OTHER.
 */
enum { REF_OTHER, REF_TAG, REF_DIGEST };
size_t docker_ref_repo(const char *ref, int *kind);
/* DELETE without force. 0, or -1 with d->status and d->msg */
int docker_delete_image(struct docker *d, const char *ref);
int docker_remove_container(struct docker *d, const struct id *cid);

/*
 * /events of containers and images from since (Unix time "S.NNNNNNNNN"),
 * until until (NULL: follow for ever). 0 or -1.
 */
int docker_events_open(struct docker *d, struct evstream *es,
    const char *since, const char *until);
/* JS_VALUE with *ev filled, JS_SKIP (unreadable event), JS_END, JS_ERR */
int docker_events_next(struct evstream *es, struct event *ev);
void docker_events_close(struct evstream *es);
