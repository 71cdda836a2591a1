/* See LICENSE file for copyright and license details. */
/*
 * The Engine API (docker.c: the listings; docker_obj.c: calls on one
 * object; docker_req.c: requests, outcomes, version; docker_ev.c:
 * events): the only module that knows its paths, field names, HTTP
 * statuses and daemon messages. Each call sends one request (on a
 * connection kept from one request to the next) and turns the reply into
 * plain records (records.h) and an outcome. The connections and HTTP state are this
 * module's own (static storage): one daemon at a time. Requires
 * bounds.h, id.h, records.h.
 */
struct target;

/*
 * What became of a request. Engine differences are settled here: Docker
 * says 409 where Podman says 500 for the same refusal.
 */
enum dk {
	DK_DONE,	/* done, reply read */
	DK_GONE,	/* no such object (404); for a container removal also
			   "removal already in progress" (409): done by another */
	DK_CONFLICT,	/* refused, as things stand: in use, several
			   references, a child image, a container's state
			   (Docker's 409; Podman's 500 saying the same) */
	DK_REFUSED,	/* any other refusal (other 4xx, an unexpected 1xx-3xx
			   status) */
	DK_UNREADABLE,	/* the expected success status, but the reply could
			   not be read (too large, malformed, cut short) */
	DK_FAILED	/* no reply (connection, timeout, request too long)
			   or a daemon failure (other 5xx) */
};

/* forget any earlier daemon; t is copied */
void docker_init(const struct target *t);
/*
 * "no reply", or "STATUS message" (the daemon's message, sanitised) of
 * the last request that was not DK_DONE: for the log only
 */
const char *docker_msg(void);
/* the API version in use (negotiated or pinned); returns "/vMAJ.MIN" */
const char *docker_api(int *major, int *minor);
/* the HTTP status of the last reply, 0 none: for tests; callers go by
   the outcome */
int docker_status(void);

/*
 * GET /_ping and choose the API version: min(ours, the daemon's), or
 * DOCKER_API_VERSION when pinned (pin: "1.41", NULL if not pinned).
 * DK_DONE, or DK_FAILED with the reason logged.
 */
enum dk docker_negotiate(const char *pin);

/*
 * The daemon's clock now, ns since 1970, for the times sent to it: the
 * local clock when the Date of the last /_ping agrees with it (within
 * that whole second) or there was none; else that Date plus the time
 * since (monotonic): upper 0, no later than the daemon's clock (refined
 * by the latest event time read within that second: the live stream's
 * since), upper 1, no earlier (a second more: the history's until).
 */
long long docker_now(int upper);

/*
 * Listings. cb gets each element that could be read; elements that could
 * not (too large, malformed) are counted in *skipped. DK_DONE when the
 * whole reply was read, DK_FAILED otherwise (logged). cb returning -1
 * stops with DK_FAILED.
 */
enum dk docker_images(int (*cb)(void *, const struct image_rec *),
    void *ctx, int *skipped);
enum dk docker_containers(int (*cb)(void *, const struct ctr_rec *),
    void *ctx, int *skipped);

/*
 * The disk use of the images, each layer once: GET /system/df?type=image
 * (API 1.42+; before, down to 1.25, plain /system/df, which sizes the
 * containers and volumes too: heavier for the daemon). The reply is read
 * as it comes, an image at a time. cb gets each image that could be read
 * (its Size and SharedSize are >= 0); those that could not are counted in
 * *skipped; *layers gets LayersSize, -1 when absent. DK_DONE when the
 * whole reply was read; DK_REFUSED below API 1.25 or on a refusal;
 * DK_FAILED otherwise (logged).
 */
enum dk docker_df(int (*cb)(void *, const struct df_image *), void *ctx,
    long long *layers, int *skipped);
/*
 * GET /info: DockerRootDir into root (n bytes); *containerd 1 when the
 * images are in the containerd image store (DriverStatus names a
 * containerd snapshotter). DK_DONE, or a failure (logged).
 */
enum dk docker_root(char *root, size_t n, int *containerd);

/* the container's image (r->image, r->has_image) and image mounts */
enum dk docker_inspect_container(const struct id *cid, struct ctr_rec *r);
enum dk docker_inspect_image(const char *ref, struct image_info *ii);
/* the ID and times of the image ref names; as docker_inspect_image */
enum dk docker_image_head(const char *ref, struct image_head *h);
/*
 * POST /images/{id}/tag?repo=REPO&tag=TAG: ref (repo:tag) names the image
 * id again, moved from any other image. Not a repo:tag: DK_FAILED.
 */
enum dk docker_tag_image(const struct id *id, const char *ref);
/*
 * The repository of an image reference: its length in ref, and *kind:
 * REF_TAG (repo:tag), REF_DIGEST (repo@sha256:...) or REF_OTHER.
 */
enum { REF_OTHER, REF_TAG, REF_DIGEST };
size_t docker_ref_repo(const char *ref, int *kind);
/* DELETE without force */
enum dk docker_delete_image(const char *ref);
enum dk docker_remove_container(const struct id *cid);

/*
 * /events of containers and images from since (Unix time "S.NNNNNNNNN"),
 * until until (NULL: follow for ever; Podman: to its last event, see
 * docker_ev.c). Two streams can be open at once:
 * one followed, one bounded. The stream, or NULL (logged).
 */
struct evstream;
struct evstream *docker_events_open(const char *since, const char *until);
enum { EVS_VALUE, EVS_IDLE, EVS_END, EVS_ERROR, EVS_SKIP };
/*
 * The next event: EVS_VALUE with *ev filled, EVS_SKIP (an unreadable
 * event, logged), EVS_END, EVS_ERROR. docker_events_wait on a followed
 * stream waits at most timeout_ms (-1: for ever), and says EVS_IDLE when
 * nothing came in that time or a signal ended the wait; the stream stays
 * intact then.
 */
int docker_events_next(struct evstream *es, struct event *ev);
int docker_events_wait(struct evstream *es, int timeout_ms, struct event *ev);
void docker_events_close(struct evstream *es);
