/* See LICENSE file for copyright and license details. */
/*
 * The Engine API's daemon-wide queries, each one object read member by
 * member (dk_members): /system/df (the images' disk use) and /info (the
 * data root and the image store).
 */
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "fmt.h"
#include "http.h"
#include "id.h"
#include "json.h"
#include "records.h"
#include "docker.h"
#include "docker_int.h"
#include "log.h"
#include "util.h"

struct df_walk {
	int (*cb)(void *, const struct df_image *);
	void *ctx;
	int *skipped;
	long long layers;
};

static int
df_elem(struct json *j, void *arg)
{
	struct df_walk *w = arg;
	struct df_image r;

	if (dk_get_id(j, 0, "Id", &r.id) < 0 ||
	    json_int(j, json_get(j, 0, "Size"), &r.size) < 0 || r.size < 0 ||
	    json_int(j, json_get(j, 0, "SharedSize"), &r.shared) < 0 ||
	    r.shared < 0 || r.shared > r.size) {
		dbg("/system/df: an image without a readable Id, Size or "
		    "SharedSize");
		++*w->skipped;
		return 0;
	}
	return w->cb(w->ctx, &r);
}

/* the value text p[0..n) as JSON, into j (dk_toks); 0 or -1 */
static int
value_of(struct json *j, const char *p, size_t n)
{
	const char *why;

	return json_value(j, p, n, dk_toks, JSON_TOKENS, &why);
}

static int
df_member(const char *key, size_t kn, const char *p, size_t n, void *arg)
{
	struct df_walk *w = arg;
	struct json j;

	if (kn == 12 && memcmp(key, "\"LayersSize\"", 12) == 0 &&
	    (value_of(&j, p, n) < 0 || json_int(&j, 0, &w->layers) < 0 ||
	    w->layers < 0))
		w->layers = -1;
	return 0;
}

enum dk
docker_df(int (*cb)(void *, const struct df_image *), void *ctx,
    long long *layers, int *skipped)
{
	struct docker *d = &dk;
	struct df_walk w = { cb, ctx, skipped, -1 };
	int v = d->api_major * 1000 + d->api_minor, r;

	*layers = -1;
	*skipped = 0;
	if (v < 1025) {
		fmt_snprintf(d->msg, sizeof d->msg, "no /system/df before API 1.25");
		return DK_REFUSED;
	}
	if (dk_request(d, "GET", 1, "%s", v >= 1042 ? "/system/df?type=image" :
	    "/system/df") < 0)
		return DK_FAILED;
	if (d->status != 200)
		return dk_outcome(d, 0, 0);
	r = dk_members(d, "/system/df", "\"Images\"", df_elem, df_member, &w,
	    skipped);
	*layers = w.layers;
	return dk_outcome(d, 1, r == 0);
}

struct root_arg {
	char *root;
	size_t n;
	int containerd, found;
};

static int
info_member(const char *key, size_t kn, const char *p, size_t n, void *arg)
{
	struct root_arg *a = arg;
	struct json jv, *j = &jv;
	char s[128];
	int k, m;

	if (value_of(j, p, n) < 0)
		return 0;
	if (kn == 15 && memcmp(key, "\"DockerRootDir\"", 15) == 0) {
		a->found = json_str(j, 0, a->root, a->n, NULL) == 0 &&
		    a->root[0] == '/';
	} else if (kn == 14 && memcmp(key, "\"DriverStatus\"", 14) == 0 &&
	    j->t[0].type == J_ARRAY) {
		/* [["driver-type","io.containerd.snapshotter.v1"], ...] */
		for (k = 1, m = 0; m < j->t[0].size; m++, k = json_skip(j, k))
			if (j->t[k].type == J_ARRAY && j->t[k].size == 2 &&
			    json_str(j, k + 2, s, sizeof s, NULL) == 0 &&
			    str_find(s, "io.containerd.snapshotter"))
				a->containerd = 1;
	}
	return 0;
}

enum dk
docker_root(char *root, size_t n, int *containerd)
{
	struct docker *d = &dk;
	struct root_arg a = { root, n, 0, 0 };
	int skipped, r;

	*containerd = 0;
	if (dk_request(d, "GET", 1, "/info") < 0)
		return DK_FAILED;
	if (d->status != 200)
		return dk_outcome(d, 0, 0);
	r = dk_members(d, "/info", NULL, NULL, info_member, &a, &skipped);
	if (r == 0 && !a.found) {
		warn("/info: no readable DockerRootDir");
		r = -1;
	}
	*containerd = a.containerd;
	return dk_outcome(d, 1, r == 0);
}

