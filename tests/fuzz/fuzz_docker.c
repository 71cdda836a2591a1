/* See LICENSE file for copyright and license details. */
/*
 * The Engine API calls of docker.c and the reply shapes they walk: /_ping
 * headers, image and container lists, image and container inspect (and an
 * image's head: ID and times), tagging, image and container deletion, and
 * /events. The input is one reply; every call
 * is made against it, each on a fresh connection (a T_TEST target and
 * conn_test_open) that reads the input cut at input-derived points and
 * swallows the request. What the calls hand out is checked for bounds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "fuzz.h"

/* DOCKER_API_VERSION as a user may set it */
static const char *const pins[] = { NULL, NULL, NULL, "1.41", "v1.52", "1.",
    "1.x", "100.1" };
static const char cid_text[] =
    "69cb29e007201ec4fc92515edb79d2e9ab6cfdf8c46919c1ea3c63a2930cc9f3";

static struct image_info ii;
static struct fz fz;

/* the message and the status after any call: sanitised, bounded */
static void
check_docker(void)
{
	const char *msg = docker_msg(), *p;
	int status = docker_status();

	FZ_CHECK(strlen(msg) < 300);
	for (p = msg; *p; p++)
		FZ_CHECK(*p >= 0x20 && *p < 0x7f);
	FZ_CHECK(status == 0 || (status >= 200 && status <= 599));
}

/* an outcome is one of DK_* */
static void
check_outcome(enum dk r)
{
	FZ_CHECK(r == DK_DONE || r == DK_GONE || r == DK_CONFLICT ||
	    r == DK_REFUSED || r == DK_UNREADABLE || r == DK_FAILED);
	check_docker();
}

static int
on_image(void *ctx, const struct image_rec *r)
{
	(void)ctx;
	FZ_CHECK(r->size >= 0);
	return fz_below(&fz, 32) == 0 ? -1 : 0;
}

static int
on_ctr(void *ctx, const struct ctr_rec *r)
{
	(void)ctx;
	FZ_CHECK(r->state >= CS_OTHER && r->state <= CS_DEAD);
	FZ_CHECK(r->has_image == 0 || r->has_image == 1);
	return fz_below(&fz, 32) == 0 ? -1 : 0;
}

static void
check_image_info(void)
{
	const char *end = ii.buf + sizeof ii.buf;
	int i;

	FZ_CHECK(ii.nrefs >= 0 && ii.nrefs <= REFS_MAX);
	for (i = 0; i < ii.nrefs; i++) {
		FZ_CHECK(ii.refs[i] >= ii.buf && ii.refs[i] < end);
		FZ_CHECK(memchr(ii.refs[i], '\0', (size_t)(end - ii.refs[i])));
		FZ_CHECK(strcmp(ii.refs[i], "<none>:<none>") != 0);
	}
}

static void
events(void)
{
	struct evstream *es;
	struct event ev;
	size_t n = 0;
	int r, follow = fz_below(&fz, 2) == 0;

	if (!(es = docker_events_open("0.000000000",
	    follow ? NULL : "1795839063.000000000")))
		return;
	/* a followed stream through the wait, as the daemon loop reads it */
	while ((r = follow ? docker_events_wait(es, 1000, &ev) :
	    docker_events_next(es, &ev)) == EVS_VALUE || r == EVS_SKIP) {
		FZ_CHECK(++n <= fz.len);
		if (r == EVS_SKIP)
			continue;
		FZ_CHECK(ev.type >= EV_OTHER && ev.type <= EV_IMAGE);
		FZ_CHECK(ev.action >= A_OTHER && ev.action <= A_ARRIVE);
		FZ_CHECK(ev.has_id == 0 || ev.has_id == 1);
		FZ_CHECK(memchr(ev.image, '\0', sizeof ev.image) != NULL);
	}
	FZ_CHECK(r == EVS_END || r == EVS_ERROR || (follow && r == EVS_IDLE));
	docker_events_close(es);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct target t;
	struct id cid;
	struct ctr_rec cr;
	struct image_head h;
	const char *ref = "demo:1", *pin, *prefix;
	int skipped, major, minor;

	log_level = -1;
	fz_init(&fz, data, size, 1);
	fz_cur = &fz;
	conn_test_open = fz_open;
	memset(&t, 0, sizeof t);
	t.kind = T_TEST;
	strcpy(t.text, "fuzz");
	if (id_parse(cid_text, sizeof cid_text - 1, &cid) < 0)
		fz_fail("id_parse");
	docker_init(&t);

	pin = pins[fz_below(&fz, sizeof pins / sizeof pins[0])];
	if (docker_negotiate(pin) == DK_DONE) {
		prefix = docker_api(&major, &minor);
		FZ_CHECK(strncmp(prefix, "/v", 2) == 0);
		FZ_CHECK(pin || (major * 1000 + minor <=
		    API_MAX_MAJOR * 1000 + API_MAX_MINOR &&
		    major * 1000 + minor >=
		    API_MIN_MAJOR * 1000 + API_MIN_MINOR));
	}
	check_docker();
	skipped = -1;
	check_outcome(docker_images(on_image, NULL, &skipped));
	FZ_CHECK(skipped >= 0);
	skipped = -1;
	check_outcome(docker_containers(on_ctr, NULL, &skipped));
	FZ_CHECK(skipped >= 0);
	if (docker_inspect_image("demo:1", &ii) == DK_DONE) {
		check_image_info();
		/* as the cleaner does: untag each reference the daemon named */
		if (ii.nrefs > 0)
			ref = ii.refs[fz_below(&fz, (unsigned)ii.nrefs)];
	}
	check_docker();
	/* the lookups before an untag and of a name in the history */
	h.created_ns = h.tagged_ns = -2;
	if (docker_image_head(ref, &h) == DK_DONE)
		FZ_CHECK(h.created_ns >= -1 && h.tagged_ns >= -1);
	check_docker();
	/* a tag put back after a refused delete */
	check_outcome(docker_tag_image(&cid, ref));
	check_outcome(docker_inspect_container(&cid, &cr));
	check_outcome(docker_delete_image(ref));
	check_outcome(docker_remove_container(&cid));
	events();
	check_docker();
	return 0;
}
