/* See LICENSE file for copyright and license details. */
/*
 * Event sequences through the cleaner (cleaner.c) with the in-memory
 * daemon (memd.c): a first pass, then live events (a container's create,
 * die and destroy, events out of order, an untag, a delete, an arrival,
 * image mounts); after each, the inventory and the policy's decisions:
 * which images a pass would delete under a quota.
 */
#include <stddef.h>
#include <sys/types.h>

#include "unit.h"
#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "records.h"
#include "docker.h"
#include "opts.h"
#include "policy.h"
#include "cleaner_int.h"
#include "memd.h"

/* image X's ID is "sha256:" and 64 times x; containers: 64 digits */
static struct id
idof(char c)
{
	char s[65];
	struct id id;

	memset(s, c, 64);
	s[64] = '\0';
	memset(&id, 0, sizeof id);
	(void)id_parse(s, 64, &id);
	return id;
}

/* a reply of status ("200 OK") with body: a few at a time are kept */
static const char *
answer(const char *status, const char *body)
{
	static char ring[8][4096];
	static unsigned next;
	char *r = ring[next++ % 8];

	snprintf(r, sizeof ring[0], "HTTP/1.1 %s\r\nContent-Type: "
	    "application/json\r\nContent-Length: %zu\r\n\r\n%s", status,
	    strlen(body), body);
	return r;
}

static const char *
ok(const char *body)
{
	return answer("200 OK", body);
}

/* the images a pass would delete under quota, by letter ("bc") */
static const char *
deleted(long long quota)
{
	static struct policy_in in;
	static struct policy_out out;
	static char s[16];
	char hex[ID_TEXT];
	size_t i, n = 0;

	inv_facts(&in);
	in.quota = quota;
	policy_decide(&in, &out);
	for (i = 0; i < out.ndel && n < sizeof s - 1; i++)
		s[n++] = id_hex(inv_id(out.del[i]), hex)[0];
	s[n] = '\0';
	/* in ID order: a, b, c... */
	for (i = 1; i < n; i++)
		if (s[i] < s[i - 1]) {
			char t = s[i];
			s[i] = s[i - 1];
			s[i - 1] = t;
			i = 0;
		}
	return s;
}

static struct event
ev_of(int type, int action, char id, const char *image, long long t)
{
	struct event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = type;
	ev.action = action;
	ev.id = idof(id);
	ev.has_id = 1;
	snprintf(ev.image, sizeof ev.image, "%s", image);
	ev.time_ns = t;
	return ev;
}

#define S 1000000000LL
#define T0 (1795000000LL * S)	/* the times of the story, in the past */
#define IMG(x) "sha256:" x x x x x x x x x x x x x x x x
#define A IMG("aaaa")
#define B IMG("bbbb")
#define C IMG("cccc")
#define D IMG("dddd")
#define C1 "1111111111111111111111111111111111111111111111111111111111111111"

static struct settings set;

/* a first pass: A (in use by C1), B (used by a container gone, in the
   history), C (never used); nothing deleted (a large quota) */
static int
first_pass(void)
{
	char hist[512];

	memset(&set, 0, sizeof set);
	set.quota = 1LL << 40;
	set.rsc = RSC_NEVER;
	strcpy(set.host, "test");
	cl_set = &set;
	inv_init();
	cl_forget();
	memd_init();
	memd_says(memd_fixture("28.5/ping.http"));
	memd_says(ok("[{\"Id\":\"" A "\",\"Size\":1000},{\"Id\":\"" B "\","
	    "\"Size\":2000},{\"Id\":\"" C "\",\"Size\":3000}]"));
	memd_says(ok("[{\"Id\":\"" C1 "\",\"ImageID\":\"" A "\",\"State\":"
	    "\"running\",\"Created\":1795000000}]"));
	snprintf(hist, sizeof hist, "{\"Type\":\"container\",\"Action\":"
	    "\"create\",\"Actor\":{\"ID\":\"%s\",\"Attributes\":{\"image\":"
	    "\"%s\"}},\"time\":1795000010,\"timeNano\":%lld}\n",
	    "2222222222222222222222222222222222222222222222222222222222222222",
	    B, T0 + 10 * S);
	memd_says(ok(hist));
	if (cl_pass(0) < 0 || memd_left() != 0 || cl_incomplete)
		return -1;
	return 0;
}

static int
seq_pass(void)
{
	struct image *b;
	struct id id;

	check(first_pass() == 0);
	/* the history's until is the daemon's clock (28.5's Date, long
	   before the local clock), a second later than the Date says */
	check(strstr(memd_request(), "until=1795980583.") != NULL);
	id = idof('b');
	check((b = inv_image(&id)) && inv_fact(b)->last_used == T0 + 10 * S);
	check(b->flags & IMG_TRACKED);
	check(strcmp(deleted(0), "bc") == 0);
	/* 3000, of which A (in use) takes 1000: B (used) fits, C (never
	   used) goes */
	check(strcmp(deleted(3000), "c") == 0);
	check(strcmp(deleted(6000), "") == 0);
	return 0;
}

static int
seq_container_life(void)
{
	struct event ev;
	struct id id = idof('3');

	check(first_pass() == 0);
	/* a new container of C: inspected, C in use */
	memd_says(ok("{\"Id\":\"" "3333333333333333333333333333333333333333"
	    "333333333333333333333333\",\"Image\":\"" C "\"}"));
	ev = ev_of(EV_CONTAINER, A_CREATE, '3', "c:1", T0 + 20 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && inv_ctr(&id) != NULL);
	check(strcmp(deleted(0), "b") == 0);
	/* it dies: still there (RemoveStoppedContainers never) */
	ev.action = A_DIE;
	ev.time_ns = T0 + 21 * S;
	cl_handle(&ev);
	check(strcmp(deleted(0), "b") == 0);
	/* destroyed: C unused again, but used later than B */
	ev.action = A_DESTROY;
	cl_handle(&ev);
	check(inv_ctr(&id) == NULL && !cl_incomplete);
	check(strcmp(deleted(0), "bc") == 0);
	/* room for 3000 besides A (in use): C, the newest, stays */
	check(strcmp(deleted(4000), "b") == 0);
	return 0;
}

static int
seq_out_of_order(void)
{
	struct event ev;
	struct id id = idof('4');

	check(first_pass() == 0);
	/* a destroy before its create: nothing to forget */
	ev = ev_of(EV_CONTAINER, A_DESTROY, '4', B, T0 + 31 * S);
	cl_handle(&ev);
	/* then the create: the container is gone (404), its use counts */
	memd_says("HTTP/1.1 404 Not Found\r\nContent-Length: 33\r\n\r\n"
	    "{\"message\":\"No such container\"}\n");
	ev = ev_of(EV_CONTAINER, A_CREATE, '4', B, T0 + 30 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && inv_ctr(&id) == NULL && !cl_incomplete);
	/* no user left behind; B used at 30 s */
	check(strcmp(deleted(0), "bc") == 0);
	check(strcmp(deleted(3000), "c") == 0);
	/* an older use arriving late does not move B back */
	memd_says("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}");
	ev = ev_of(EV_CONTAINER, A_CREATE, '5', B, T0 + 5 * S);
	cl_handle(&ev);
	id = idof('b');
	check(inv_fact(inv_image(&id))->last_used == T0 + 30 * S);
	return 0;
}

static int
seq_images(void)
{
	struct event ev;
	struct id id = idof('d');

	check(first_pass() == 0);
	/* an untag changes nothing */
	ev = ev_of(EV_IMAGE, A_UNTAG, 'b', "", T0 + 40 * S);
	cl_handle(&ev);
	check(strcmp(deleted(0), "bc") == 0);
	/* a delete event for B, still there (Podman's, after an untag):
	   it stays */
	ev.action = A_DELETE;
	memd_says(ok("{\"Id\":\"" B "\",\"Created\":\"2026-11-18T07:30:00Z\"}"));
	cl_handle(&ev);
	check(strcmp(deleted(0), "bc") == 0);
	/* B deleted by someone else: the daemon says it is gone (404) */
	memd_says("HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}");
	cl_handle(&ev);
	check(strcmp(deleted(0), "c") == 0);
	/* D pulled: known, not managed until used */
	ev = ev_of(EV_IMAGE, A_ARRIVE, 'd', "", T0 + 41 * S);
	cl_handle(&ev);
	check(inv_image(&id) && !(inv_image(&id)->flags & IMG_TRACKED));
	check(strcmp(deleted(0), "c") == 0);
	check(memd_left() == 0);
	return 0;
}

/* a container of A that mounts C (by name): C is in use while it lives */
static int
seq_image_mount(void)
{
	struct event ev;

	check(first_pass() == 0);
	memd_says(ok("{\"Id\":\"" "6666666666666666666666666666666666666666"
	    "666666666666666666666666\",\"Image\":\"" A "\",\"Mounts\":["
	    "{\"Type\":\"bind\",\"Source\":\"/x\"},"
	    "{\"Type\":\"image\",\"Name\":\"c:1\",\"Destination\":\"/c\"}]}"));
	memd_says(ok("{\"Id\":\"" C "\",\"Created\":\"2026-11-18T07:30:00Z\","
	    "\"Metadata\":{\"LastTagTime\":\"0001-01-01T00:00:00Z\"}}"));
	ev = ev_of(EV_CONTAINER, A_CREATE, '6', "a:1", T0 + 50 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && !cl_incomplete);
	check(strstr(memd_request(), "/images/c:1/json") != NULL);
	check(strcmp(deleted(0), "b") == 0);
	ev.action = A_DESTROY;
	cl_handle(&ev);
	check(strcmp(deleted(0), "bc") == 0);
	/* C's use: the container's creation, the newest: C stays */
	check(strcmp(deleted(4000), "b") == 0);
	/* a mount whose name arrived after the container: which image it
	   mounts is unknown, so nothing can be deleted */
	memd_says(ok("{\"Id\":\"" "7777777777777777777777777777777777777777"
	    "777777777777777777777777\",\"Image\":\"" A "\",\"Mounts\":["
	    "{\"Type\":\"image\",\"Name\":\"c:1\"}]}"));
	memd_says(ok("{\"Id\":\"" C "\",\"Created\":\"2026-11-18T11:10:00Z\"}"));
	ev = ev_of(EV_CONTAINER, A_CREATE, '7', "a:1", T0 + 60 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && cl_incomplete);
	cl_incomplete = 0;
	return 0;
}

/*
 * The daemon's replies to the deletion of image id (size bytes, one tag):
 * its inspect, then refusal, or when NULL a 200 that names it deleted
 */
static void
deletes(const char *id, long long size, const char *tag, const char *refusal)
{
	char body[256];

	snprintf(body, sizeof body, "{\"Id\":\"%s\",\"Size\":%lld,"
	    "\"RepoTags\":[\"%s\"]}", id, size, tag);
	memd_says(ok(body));
	snprintf(body, sizeof body, "[{\"Deleted\":\"%s\"}]", id);
	memd_says(refusal ? refusal : ok(body));
}

/*
 * A deletion the daemon refuses (409: a child image) is not asked again
 * at every decision (an untag and a restore each time, before): the
 * image stays, counted, "refused by the daemon", until an image leaves
 * the inventory; then it is tried again
 */
static int
seq_refused(void)
{
	struct event ev;
	struct id b = idof('b'), c = idof('c');
	struct image *im;

	check(first_pass() == 0);
	set.accounting = ACC_SUM;
	set.quota = 3000;
	/* B in use too (container 3): C, 3000 bytes, is over the quota */
	memd_says(ok("{\"Id\":\"" "3333333333333333333333333333333333333333"
	    "333333333333333333333333\",\"Image\":\"" B "\"}"));
	ev = ev_of(EV_CONTAINER, A_CREATE, '3', "b:1", T0 + 20 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && strcmp(deleted(3000), "c") == 0);
	/* the eviction: C read, deleted by ID: refused */
	deletes(C, 3000, "c:1", answer("409 Conflict", "{\"message\":"
	    "\"conflict: unable to delete cccccccccccc (cannot be forced) - "
	    "image has dependent child images\"}"));
	cl_trouble = 0;
	cl_evict();
	check(memd_left() == 0 && strncmp(memd_request(), "DELETE ", 7) == 0);
	check((im = inv_image(&c)) && inv_fact(im)->refused);
	check(strcmp(deleted(3000), "") == 0 && !cl_trouble);
	/* a container destroyed: a decision, and C is not asked again (a
	   request would fail: nothing is queued) */
	ev = ev_of(EV_CONTAINER, A_DESTROY, '9', "x:1", T0 + 30 * S);
	cl_handle(&ev);
	check(!cl_trouble && inv_image(&c) && !cl_again);
	/* container 3 goes: B, unused, goes in C's place (C counts) */
	deletes(B, 2000, "b:1", NULL);
	ev = ev_of(EV_CONTAINER, A_DESTROY, '3', "b:1", T0 + 31 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && !cl_trouble && !inv_image(&b));
	/* an image left: C's refusal with it; C is over the quota again */
	check((im = inv_image(&c)) && !inv_fact(im)->refused);
	check(strcmp(deleted(3000), "c") == 0);
	/* and the next decision asks for it: deleted now */
	deletes(C, 3000, "c:1", NULL);
	ev = ev_of(EV_CONTAINER, A_DESTROY, '9', "x:1", T0 + 32 * S);
	cl_handle(&ev);
	check(memd_left() == 0 && !cl_trouble && !inv_image(&c));
	return 0;
}

const struct unit_test cleaner_tests[] = {
	UNIT(seq_pass),
	UNIT(seq_container_life),
	UNIT(seq_out_of_order),
	UNIT(seq_images),
	UNIT(seq_image_mount),
	UNIT(seq_refused),
	{ NULL, NULL },
};
