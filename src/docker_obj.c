/* See LICENSE file for copyright and license details. */
/*
 * The Engine API's calls on one object: container and image inspects (an
 * image's references, keep bit and times), tag, image delete, container
 * removal, each turned into plain records (records.h) and an outcome.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "jstream.h"
#include "records.h"
#include "docker.h"
#include "docker_int.h"
#include "log.h"
#include "util.h"

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

	if (dk_each(d, JS_SEQ, what, one_elem, &o, &skipped) < 0 || skipped ||
	    o.n != 1)
		return -1;
	return 0;
}

static int
ctr_inspect(struct json *j, void *arg)
{
	struct ctr_rec *r = arg;

	if (dk_get_id(j, 0, "Image", &r->image) < 0)
		return -1;
	r->has_image = 1;
	dk_get_mounts(j, json_get(j, 0, "Mounts"), r);
	return 0;
}

enum dk
docker_inspect_container(const struct id *cid, struct ctr_rec *r)
{
	struct docker *d = &dk;
	char hex[ID_TEXT];

	memset(r, 0, sizeof *r);
	r->id = *cid;
	if (dk_request(d, "GET", 1, "/containers/%s/json", id_hex(cid, hex)) < 0)
		return DK_FAILED;
	if (d->status != 200)
		return dk_outcome(d, 0, 0);
	return dk_outcome(d, 1, one(d, "container inspect", ctr_inspect,
	    r) == 0);
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

/*
 * Podman and the containerd image store list a digest for each
 * repository an image has a tag in (that repository @ the image's
 * digest): not a reference of its own, it goes with the repository's
 * tags. Left out (tags are refs[0..ntags)), so the tags can go by name
 * and come back, and the image by ID, as on Docker's own store.
 */
static void
derived_digests(struct image_info *ii, int ntags)
{
	size_t n, m;
	int i, k, o = ntags, kind;

	for (i = ntags; i < ii->nrefs; i++) {
		n = docker_ref_repo(ii->refs[i], &kind);
		for (k = 0; k < ntags; k++) {
			m = docker_ref_repo(ii->refs[k], &kind);
			if (m == n && memcmp(ii->refs[k], ii->refs[i], n) == 0)
				break;
		}
		if (k == ntags)
			ii->refs[o++] = ii->refs[i];
	}
	ii->nrefs = o;
}

static int
img_inspect(struct json *j, void *arg)
{
	struct image_info *ii = arg;
	size_t used = 0;
	int ntags;

	ii->nrefs = 0;
	if (dk_get_id(j, 0, "Id", &ii->id) < 0 ||
	    json_int(j, json_get(j, 0, "Size"), &ii->size) < 0) {
		warn("image inspect: no readable Id or Size");
		return -1;
	}
	ntags = add_refs(j, json_get(j, 0, "RepoTags"), ii, &used) < 0 ? -1 :
	    ii->nrefs;
	if (ntags < 0 ||
	    add_refs(j, json_get(j, 0, "RepoDigests"), ii, &used) < 0) {
		warn("image inspect: references unreadable or more than %d "
		    "or %d bytes", REFS_MAX, REFS_BYTES);
		return -1;
	}
	ii->kept = dk_kept(j, &ii->id, json_get(j, 0, "RepoTags"),
	    json_get(j, 0, "RepoDigests"),
	    json_get(j, json_get(j, 0, "Config"), "Labels"));
	/* the containerd store: its images have a Descriptor (API 1.48+) */
	ii->cd_store = json_get(j, 0, "Descriptor") >= 0;
	if (dk.podman || ii->cd_store)
		derived_digests(ii, ntags);
	return 0;
}

/* GET /images/{ref}/json, its object read by fn */
static enum dk
inspect(struct docker *d, const char *ref, int (*fn)(struct json *, void *),
    void *arg)
{
	char enc[REF_LEN * 3];

	if (dk_encode(enc, sizeof enc, ref) < 0) {
		warn("image reference too long");
		return dk_not_sent(d);
	}
	if (dk_request(d, "GET", 1, "/images/%s/json", enc) < 0)
		return DK_FAILED;
	if (d->status != 200)
		return dk_outcome(d, 0, 0);
	return dk_outcome(d, 1, one(d, "image inspect", fn, arg) == 0);
}

enum dk
docker_inspect_image(const char *ref, struct image_info *ii)
{
	return inspect(&dk, ref, img_inspect, ii);
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

	if (dk_get_id(j, 0, "Id", &h->id) < 0) {
		warn("image inspect: no readable Id");
		return -1;
	}
	h->created_ns = get_time(j, 0, "Created");
	h->tagged_ns = get_time(j, json_get(j, 0, "Metadata"), "LastTagTime");
	return 0;
}

enum dk
docker_image_head(const char *ref, struct image_head *h)
{
	return inspect(&dk, ref, head_inspect, h);
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

enum dk
docker_tag_image(const struct id *id, const char *ref)
{
	struct docker *d = &dk;
	char hex[ID_TEXT], repo[REF_LEN * 3], tag[REF_LEN * 3], r[REF_LEN];
	size_t n;
	int kind;

	n = docker_ref_repo(ref, &kind);
	if (kind != REF_TAG || n >= sizeof r) {
		warn("'%.60s' is no repo:tag reference", ref);
		return dk_not_sent(d);
	}
	memcpy(r, ref, n);
	r[n] = '\0';
	if (dk_encode_as(repo, sizeof repo, r, NULL) < 0 ||
	    dk_encode_as(tag, sizeof tag, ref + n + 1, NULL) < 0) {
		warn("image reference too long");
		return dk_not_sent(d);
	}
	if (dk_request(d, "POST", 1, "/images/%s/tag?repo=%s&tag=%s",
	    id_image(id, hex), repo, tag) < 0)
		return DK_FAILED;
	if (d->status != 201 && d->status != 200)
		return dk_outcome(d, 0, 0);
	return dk_outcome(d, 1, http_drain(&d->http, NULL, 0) == 0);
}

enum dk
docker_delete_image(const char *ref)
{
	struct docker *d = &dk;
	char enc[REF_LEN * 3];

	if (dk_encode(enc, sizeof enc, ref) < 0) {
		warn("image reference too long");
		return dk_not_sent(d);
	}
	if (dk_request(d, "DELETE", 1, "/images/%s", enc) < 0)
		return DK_FAILED;
	if (d->status != 200)
		return dk_outcome(d, 0, 0);
	/* the list of what was untagged and deleted is not needed */
	return dk_outcome(d, 1, http_drain(&d->http, NULL, 0) == 0);
}

enum dk
docker_remove_container(const struct id *cid)
{
	struct docker *d = &dk;
	char hex[ID_TEXT];
	enum dk r;

	if (dk_request(d, "DELETE", 1, "/containers/%s?v=1", id_hex(cid, hex)) < 0)
		return DK_FAILED;
	if (d->status == 204 || d->status == 200)
		return dk_outcome(d, 1, http_drain(&d->http, NULL, 0) == 0);
	r = dk_outcome(d, 0, 0);
	/* a second removal of the same container is no failure */
	if (d->status == 409 && str_find(d->msg, "already in progress"))
		return DK_GONE;
	return r;
}
