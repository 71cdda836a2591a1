/* See LICENSE file for copyright and license details. */
/*
 * The Docker module's outcomes: recorded replies in (an in-memory T_TEST
 * connection), the outcome and the message for the log out. Docker's 409
 * and Podman's 500 of the same meaning are one outcome.
 */
#include <stddef.h>
#include <sys/types.h>

#include "unit.h"
#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "records.h"
#include "docker.h"
#include "opts.h"
#include "keep.h"
#include "memd.h"

/* a daemon at a T_TEST target answering r to the next request */
static void
daemon_says(const char *r)
{
	memd_init();
	memd_says(r);
}

/* the reply status with {"message": text}: Content-Length filled in */
static const char *
answer(char *out, size_t n, const char *status, const char *text)
{
	char body[512];
	int k;

	k = snprintf(body, sizeof body, "{\"message\":\"%s\"}", text);
	snprintf(out, n, "HTTP/1.1 %s\r\nContent-Type: application/json\r\n"
	    "Content-Length: %d\r\n\r\n%s", status, k, body);
	return out;
}

static const char cid_text[] =
    "69cb29e007201ec4fc92515edb79d2e9ab6cfdf8c46919c1ea3c63a2930cc9f3";

static enum dk
delete_image(const char *status, const char *text)
{
	char buf[1024];

	daemon_says(answer(buf, sizeof buf, status, text));
	return docker_delete_image("demo:1");
}

static enum dk
remove_ctr(const char *status, const char *text)
{
	char buf[1024];
	struct id cid;

	if (id_parse(cid_text, sizeof cid_text - 1, &cid) < 0)
		return (enum dk)-1;
	daemon_says(answer(buf, sizeof buf, status, text));
	return docker_remove_container(&cid);
}

static int
outcome_done(void)
{
	struct id cid;

	check(id_parse(cid_text, sizeof cid_text - 1, &cid) == 0);
	daemon_says("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
	check(docker_delete_image("demo:1") == DK_DONE);
	daemon_says("HTTP/1.1 204 No Content\r\n\r\n");
	check(docker_remove_container(&cid) == DK_DONE);
	daemon_says("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	check(docker_tag_image(&cid, "demo:1") == DK_DONE);
	return 0;
}

static int
outcome_gone(void)
{
	check(delete_image("404 Not Found", "No such image: demo:1") ==
	    DK_GONE);
	check(strcmp(docker_msg(), "404 No such image: demo:1") == 0);
	check(remove_ctr("404 Not Found", "No such container: c1") == DK_GONE);
	/* a second removal of the same container is no failure */
	check(remove_ctr("409 Conflict", "removal of container c1 is already "
	    "in progress") == DK_GONE);
	/* but a delete of an image is not a removal of a container */
	check(delete_image("409 Conflict", "removal of image is already in "
	    "progress") == DK_CONFLICT);
	return 0;
}

static int
outcome_conflict(void)
{
	check(delete_image("409 Conflict", "conflict: unable to delete "
	    "f663cfe82f58 (must be forced) - image is referenced in multiple "
	    "repositories") == DK_CONFLICT);
	check(strncmp(docker_msg(), "409 conflict: unable to delete", 30) == 0);
	check(remove_ctr("409 Conflict", "container is running: stop the "
	    "container before removing or force remove") == DK_CONFLICT);
	/* Podman: 500 for the same refusals */
	check(delete_image("500 Internal Server Error", "unable to delete "
	    "f663cfe82f58 - image is referenced in multiple repositories") ==
	    DK_CONFLICT);
	check(strncmp(docker_msg(), "500 unable to delete", 20) == 0);
	check(remove_ctr("500 Internal Server Error", "container state "
	    "improper") == DK_CONFLICT);
	return 0;
}

static int
outcome_failed(void)
{
	struct id cid;

	check(delete_image("500 Internal Server Error", "unable to remove "
	    "filesystem") == DK_FAILED);
	check(strcmp(docker_msg(), "500 unable to remove filesystem") == 0);
	check(remove_ctr("503 Service Unavailable", "busy") == DK_FAILED);
	/* no daemon: no reply */
	check(id_parse(cid_text, sizeof cid_text - 1, &cid) == 0);
	daemon_says(NULL);
	check(docker_remove_container(&cid) == DK_FAILED);
	check(strcmp(docker_msg(), "no reply") == 0);
	/* not a repo:tag: nothing sent */
	daemon_says("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
	check(docker_tag_image(&cid, "demo@sha256:abc") == DK_FAILED);
	check(strcmp(docker_msg(), "no reply") == 0);
	return 0;
}

static int
outcome_refused(void)
{
	check(remove_ctr("400 Bad Request", "bad parameter") == DK_REFUSED);
	check(strcmp(docker_msg(), "400 bad parameter") == 0);
	check(delete_image("403 Forbidden", "no") == DK_REFUSED);
	return 0;
}

static int
outcome_unreadable(void)
{
	struct image_info ii;
	struct image_head h;

	/* the expected status, a body that is no image */
	daemon_says("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\n{\"Id\":1");
	check(docker_inspect_image("demo:1", &ii) == DK_UNREADABLE);
	check(strcmp(docker_msg(), "200 ") == 0);
	/* an unexpected success status is a refusal, as before */
	daemon_says("HTTP/1.1 201 Created\r\nContent-Length: 2\r\n\r\n{}");
	check(docker_image_head("demo:1", &h) == DK_REFUSED);
	daemon_says("HTTP/1.1 404 Not Found\r\nContent-Length: 21\r\n\r\n"
	    "no such image: demo:1");
	check(docker_image_head("demo:1", &h) == DK_GONE);
	check(strcmp(docker_msg(), "404 no such image: demo:1") == 0);
	return 0;
}

static struct image_rec recs[8];
static int nrecs;

static int
take_rec(void *ctx, const struct image_rec *r)
{
	(void)ctx;
	if (nrecs < 8)
		recs[nrecs++] = *r;
	return 0;
}

/* a 200 reply with body b: Content-Length filled in */
static const char *
ok_body(char *out, size_t n, const char *b)
{
	snprintf(out, n, "HTTP/1.1 200 OK\r\nContent-Type: application/json"
	    "\r\nContent-Length: %zu\r\n\r\n%s", strlen(b), b);
	return out;
}

#define H(c) "sha256:" c \
    "0000000000000000000000000000000000000000000000000000000000001"
/*
 * The keep rules are matched where the facts are read: a listing's
 * RepoTags, RepoDigests, Labels and Id; an inspect's Config.Labels. Facts
 * that cannot be read keep the image. Created is read too (--min-age).
 */
static int
keep_facts(void)
{
	static const char list[] = "["
	    "{\"Id\":\"" H("aaa") "\",\"Size\":10,\"Created\":1700000000,"
	    "\"RepoTags\":[\"debian:12\"],\"RepoDigests\":null,"
	    "\"Labels\":null},"
	    "{\"Id\":\"" H("bbb") "\",\"Size\":20,\"Created\":1700000001,"
	    "\"RepoTags\":[\"<none>:<none>\"],"
	    "\"RepoDigests\":[\"r.io/app@sha256:abcd\"],\"Labels\":{}},"
	    "{\"Id\":\"" H("ccc") "\",\"Size\":30,\"RepoTags\":[],"
	    "\"Labels\":{\"x\":\"y\",\"keep\":\"yes\"}},"
	    "{\"Id\":\"" H("ddd") "\",\"Size\":40,\"Created\":1700000002,"
	    "\"RepoTags\":[\"other:1\"],\"Labels\":{\"tier\":\"silver\"}},"
	    "{\"Id\":\"" H("3f2") "\",\"Size\":50,\"RepoTags\":null},"
	    "{\"Id\":\"" H("eee") "\",\"Size\":60,\"Labels\":5}]";
	static const char insp[] = "{\"Id\":\"" H("ddd") "\",\"Size\":40,"
	    "\"RepoTags\":[\"other:1\"],\"RepoDigests\":[],"
	    "\"Labels\":{\"tier\":\"gold\"},"
	    "\"Config\":{\"Labels\":{\"tier\":\"gold\"}}}";
	static const char insp2[] = "{\"Id\":\"" H("ddd") "\",\"Size\":40,"
	    "\"Labels\":{\"tier\":\"gold\"},\"Config\":{\"Labels\":null}}";
	static struct opt_list pats, labels;
	static const char *const pv[] = { "debian:*", "r.io/app@*", "3f2" };
	static const char *const lv[] = { "keep", "tier=gold" };
	static char buf[4096];
	static struct image_info ii;
	const int want[] = { 1, 1, 1, 0, 1, 1 };
	int i, skipped;
	size_t k;

	for (i = 0; i < 3; i++) {
		k = strlen(pv[i]);
		memcpy(pats.bytes + pats.used, pv[i], k + 1);
		pats.at[pats.n++] = pats.used;
		pats.used += k + 1;
	}
	for (i = 0; i < 2; i++) {
		k = strlen(lv[i]);
		memcpy(labels.bytes + labels.used, lv[i], k + 1);
		labels.at[labels.n++] = labels.used;
		labels.used += k + 1;
	}
	/* no rules: nothing kept */
	keep_rules(NULL, NULL);
	daemon_says(ok_body(buf, sizeof buf, list));
	nrecs = 0;
	check(docker_images(take_rec, NULL, &skipped) == DK_DONE);
	check(nrecs == 6 && skipped == 0);
	for (i = 0; i < 6; i++)
		check(!recs[i].kept);
	check(recs[0].created_ns == 1700000000LL * 1000000000LL &&
	    recs[1].created_ns == 1700000001LL * 1000000000LL &&
	    recs[2].created_ns == -1);
	keep_rules(&pats, &labels);
	daemon_says(ok_body(buf, sizeof buf, list));
	nrecs = 0;
	check(docker_images(take_rec, NULL, &skipped) == DK_DONE);
	check(nrecs == 6);
	for (i = 0; i < 6; i++)
		check(recs[i].kept == want[i]);
	/* an inspect: the labels of its Config */
	daemon_says(ok_body(buf, sizeof buf, insp));
	check(docker_inspect_image(H("ddd"), &ii) == DK_DONE && ii.kept);
	daemon_says(ok_body(buf, sizeof buf, insp2));
	check(docker_inspect_image(H("ddd"), &ii) == DK_DONE && !ii.kept);
	keep_rules(NULL, NULL);
	return 0;
}

/*
 * The image listing, read from the members the framer indexed: escapes
 * still unescaped, the first of two same keys, and elements it refuses
 * (malformed, no object, no readable Id or Size) counted as skipped
 */
#define TAIL "0000000000000000000000000000000000000000000000000000000000001"
static int
image_members(void)
{
	static const char list[] = "["
	    "{\"Id\":\"" H("aaa") "\",\"Size\":10,\"Created\":1700000000},"
	    "{\"Id\":\"sha256:\\u0062bb" TAIL "\",\"Size\":20},"
	    "{\"Id\":\"sha256:ABC" TAIL "\",\"Size\":1},"
	    "{\"Id\":\"" H("ccc") "\",\"Size\":30,},"
	    "[{\"Id\":\"" H("ccc") "\",\"Size\":30}],"
	    "{\"Id\":\"" H("ddd") "\"},"
	    "{\"Id\":\"" H("ddd") "\",\"Size\":\"5\"},"
	    "{\"Id\":\"" H("ddd") "\",\"Size\":-5},"
	    "{\"Id\":\"" H("eee") "\",\"Size\":50,\"Created\":\"x\"},"
	    "{\"Size\":60,\"Id\":\"" H("fff") "\",\"Id\":\"" H("aaa") "\"}]";
	static char buf[4096];
	static const char *const ids[] = { H("aaa"), H("bbb"), H("eee"),
	    H("fff") };
	static const long long sizes[] = { 10, 20, 50, 60 };
	struct id id;
	int i, skipped;

	keep_rules(NULL, NULL);
	daemon_says(ok_body(buf, sizeof buf, list));
	nrecs = 0;
	check(docker_images(take_rec, NULL, &skipped) == DK_DONE);
	check(nrecs == 4 && skipped == 6);
	for (i = 0; i < 4; i++)
		check(id_parse(ids[i], strlen(ids[i]), &id) == 0 &&
		    id_eq(&id, &recs[i].id) && recs[i].size == sizes[i]);
	check(recs[0].created_ns == 1700000000LL * 1000000000LL &&
	    recs[1].created_ns == -1 && recs[2].created_ns == -1);
	return 0;
}

static struct ctr_rec crecs[8];
static int ncrecs;

static int
take_ctr(void *ctx, const struct ctr_rec *r)
{
	(void)ctx;
	if (ncrecs < 8)
		crecs[ncrecs++] = *r;
	return 0;
}

/*
 * The container listing, from the indexed members: Mounts absent (none),
 * unreadable (too many tokens) or no array (uses not all known), State
 * and ImageID missing; refused elements counted as skipped
 */
static int
ctr_members(void)
{
	static char body[16384], buf[16400];
	size_t n;
	int i, skipped;

	n = (size_t)sprintf(body, "["
	    "{\"Id\":\"abc" TAIL "\",\"ImageID\":\"" H("aaa") "\","
	    "\"State\":\"exited\",\"Created\":1700000000,"
	    "\"Mounts\":[{\"Type\":\"image\",\"Name\":\"a:1\"},"
	    "{\"Type\":\"volume\"}]},"
	    "{\"Id\":\"abc" TAIL "\",\"State\":5},"
	    "{\"Id\":\"abc" TAIL "\",\"Mounts\":5},"
	    "{\"Id\":\"abc" TAIL "\",\"Mounts\":null,\"State\":\"running\",},"
	    "{\"Id\":5},"
	    "{\"Id\":\"abc" TAIL "\",\"Mounts\":[");
	for (i = 0; i < JSON_TOKENS; i++)
		n += (size_t)sprintf(body + n, "%s{}", i ? "," : "");
	sprintf(body + n, "]}]");
	daemon_says(ok_body(buf, sizeof buf, body));
	ncrecs = 0;
	check(docker_containers(take_ctr, NULL, &skipped) == DK_DONE);
	check(ncrecs == 4 && skipped == 2);
	check(crecs[0].has_image && crecs[0].state == CS_EXITED &&
	    crecs[0].created == 1700000000LL * 1000000000LL &&
	    crecs[0].nmounts == 1 && strcmp(crecs[0].mounts[0], "a:1") == 0);
	check(!crecs[1].has_image && crecs[1].state == CS_OTHER &&
	    crecs[1].created == 0 && crecs[1].nmounts == 0);
	check(crecs[2].nmounts == -1 && crecs[3].nmounts == -1);
	return 0;
}
#undef TAIL
#undef H
/* issue 11: GET /system/df of 20.10 (API 1.41), recorded: a:1 and a:2
 * imported from one 3 MB layer tar, c:1 alone */
static const char df_body[] =
    "{\"LayersSize\":5230384,\"Images\":[{\"Containers\":0,\"Created\":"
    "1795980740,\"Id\":\"sha256:31971eaa312790596fe98d93557b6f53b487f4b"
    "875a85e1717a1a4aeb3de971f\",\"Labels\":null,\"ParentId\":\"\",\"Re"
    "poDigests\":null,\"RepoTags\":[\"c:1\"],\"SharedSize\":0,\"Size\":"
    "2084656,\"VirtualSize\":2084656},{\"Containers\":0,\"Created\":179"
    "5980738,\"Id\":\"sha256:447008a1e5a8b11635a71277fdd8a7a51dd6cd65ea"
    "0509af77f0fa9bb7f0e658\",\"Labels\":null,\"ParentId\":\"\",\"RepoD"
    "igests\":null,\"RepoTags\":[\"a:2\"],\"SharedSize\":3145728,\"Size"
    "\":3145728,\"VirtualSize\":3145728},{\"Containers\":0,\"Created\":"
    "1795980737,\"Id\":\"sha256:5b70e9f6062bd07fd802d290b94be7fbd715035"
    "07e444532b10a00a136888035\",\"Labels\":null,\"ParentId\":\"\",\"Re"
    "poDigests\":null,\"RepoTags\":[\"a:1\"],\"SharedSize\":3145728,\"S"
    "ize\":3145728,\"VirtualSize\":3145728}],\"Containers\":[],\"Volume"
    "s\":[],\"BuildCache\":null,\"BuilderSize\":0}";

static char dfbuf[8192];
static int ndf;
static struct df_image dfs[4];

static int
df_cb(void *ctx, const struct df_image *r)
{
	(void)ctx;
	if (ndf < 4)
		dfs[ndf] = *r;
	ndf++;
	return 0;
}

/* a daemon pinned to API pin, then answering body (status 200) */
static void
daemon_api(const char *pin, const char *body)
{
	daemon_says("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	docker_negotiate(pin);
	snprintf(dfbuf, sizeof dfbuf, "HTTP/1.1 200 OK\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n%s",
	    strlen(body), body);
	memd_says(dfbuf);
	ndf = 0;
}

static int
df_recorded(void)
{
	char hex[ID_TEXT];
	long long layers;
	int skipped;

	daemon_api("1.41", df_body);
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_DONE);
	check(layers == 5230384 && skipped == 0 && ndf == 3);
	check(strcmp(id_hex(&dfs[0].id, hex), "31971eaa312790596fe98d93557b6f"
	    "53b487f4b875a85e1717a1a4aeb3de971f") == 0);
	check(dfs[0].size == 2084656 && dfs[0].shared == 0);
	check(dfs[1].size == 3145728 && dfs[1].shared == 3145728);
	check(dfs[2].size == 3145728 && dfs[2].shared == 3145728);
	/* LayersSize after the images, and the members of 1.52 around */
	daemon_api("1.52", "{\"ImageUsage\":{\"TotalSize\":9},\"Images\":"
	    "[{\"Id\":\"sha256:31971eaa312790596fe98d93557b6f53b487f4b875a85e1"
	    "717a1a4aeb3de971f\",\"Size\":5,\"SharedSize\":2}],"
	    "\"LayersSize\":77,\"Containers\":null}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_DONE);
	check(layers == 77 && ndf == 1 && dfs[0].size == 5 &&
	    dfs[0].shared == 2);
	return 0;
}

static int
df_incomplete(void)
{
	long long layers;
	int skipped;

	/* an image without SharedSize (or -1, or above Size): skipped */
	daemon_api("1.41", "{\"LayersSize\":1,\"Images\":[{\"Id\":\"sha256:"
	    "31971eaa312790596fe98d93557b6f53b487f4b875a85e1717a1a4aeb3de971f\","
	    "\"Size\":5},{\"Id\":\"sha256:31971eaa312790596fe98d93557b6f53b4"
	    "87f4b875a85e1717a1a4aeb3de971f\",\"Size\":5,\"SharedSize\":-1},"
	    "{\"Id\":\"sha256:31971eaa312790596fe98d93557b6f53b487f4b875a85e17"
	    "17a1a4aeb3de971f\",\"Size\":5,\"SharedSize\":6},{\"Id\":\"x\","
	    "\"Size\":5,\"SharedSize\":0}]}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_DONE);
	check(layers == 1 && skipped == 4 && ndf == 0);
	/* no LayersSize, or an unreadable one */
	daemon_api("1.41", "{\"Images\":[]}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_DONE &&
	    layers == -1);
	daemon_api("1.41", "{\"LayersSize\":\"9\",\"Images\":[]}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_DONE &&
	    layers == -1);
	/* cut short, or no object */
	daemon_api("1.41", "{\"LayersSize\":9,\"Images\":[{}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_UNREADABLE);
	daemon_api("1.41", "[]");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_UNREADABLE);
	daemon_api("1.41", "{\"Images\":{}}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_UNREADABLE);
	/* below API 1.25: not asked */
	daemon_api("1.24", "{\"LayersSize\":9,\"Images\":[]}");
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_REFUSED &&
	    layers == -1);
	check(memd_left() == 1);	/* its reply was not asked for */
	/* a refusal */
	daemon_says("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK");
	docker_negotiate("1.41");
	memd_says(answer(dfbuf, sizeof dfbuf, "500 Internal Server Error", "x"));
	check(docker_df(df_cb, NULL, &layers, &skipped) == DK_FAILED);
	return 0;
}

static int
info_root(void)
{
	char root[64];
	int cd;

	daemon_api("1.41", "{\"ID\":\"x\",\"Driver\":\"overlay2\","
	    "\"DriverStatus\":[[\"Backing Filesystem\",\"extfs\"]],"
	    "\"DockerRootDir\":\"/var/lib/docker\",\"Plugins\":{}}");
	check(docker_root(root, sizeof root, &cd) == DK_DONE);
	check(strcmp(root, "/var/lib/docker") == 0 && cd == 0);
	/* the containerd image store */
	daemon_api("1.51", "{\"DockerRootDir\":\"/d\",\"Driver\":"
	    "\"overlayfs\",\"DriverStatus\":[[\"driver-type\","
	    "\"io.containerd.snapshotter.v1\"]]}");
	check(docker_root(root, sizeof root, &cd) == DK_DONE);
	check(strcmp(root, "/d") == 0 && cd == 1);
	/* missing, relative, too long */
	daemon_api("1.41", "{\"Driver\":\"vfs\"}");
	check(docker_root(root, sizeof root, &cd) == DK_UNREADABLE);
	daemon_api("1.41", "{\"DockerRootDir\":\"var\"}");
	check(docker_root(root, sizeof root, &cd) == DK_UNREADABLE);
	daemon_api("1.41", "{\"DockerRootDir\":\"/0123456789012345678901234"
	    "56789012345678901234567890123456789012345678901234567890\"}");
	check(docker_root(root, sizeof root, &cd) == DK_UNREADABLE);
	return 0;
}

const struct unit_test docker_tests[] = {
	UNIT(df_recorded),
	UNIT(df_incomplete),
	UNIT(info_root),
	UNIT(outcome_done),
	UNIT(outcome_gone),
	UNIT(outcome_conflict),
	UNIT(outcome_failed),
	UNIT(outcome_refused),
	UNIT(outcome_unreadable),
	UNIT(image_members),
	UNIT(ctr_members),
	UNIT(keep_facts),
	{ NULL, NULL },
};
