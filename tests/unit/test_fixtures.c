/* See LICENSE file for copyright and license details. */
/*
 * The Docker module on recorded replies (tests/unit/fixtures/: Docker
 * 20.10 and 28.5 recorded by fixtures/record.sh; Docker 29 and Podman 4.3
 * written by hand from their sources, marked so in each file): what the
 * records say (IDs, sizes, states, images, event kinds and times,
 * outcomes), not only that the replies were read.
 */
#include <stddef.h>
#include <sys/types.h>
#include <time.h>

#include "unit.h"
#include "bounds.h"
#include "util.h"
#include "conn.h"
#include "id.h"
#include "records.h"
#include "docker.h"
#include "memd.h"

/* does id print as hex (with or without "sha256:", a prefix of it) */
static int
id_is(const struct id *id, const char *hex)
{
	char s[ID_TEXT];

	if (strncmp(hex, "sha256:", 7) == 0)
		hex += 7;
	return strncmp(id_hex(id, s), hex, strlen(hex)) == 0;
}

/* after a fresh ping of engine, the fixture name ("ENGINE/FILE") as the
   reply to the next request */
static int
serve_as(const char *engine, const char *name)
{
	char ping[128];
	const char *p, *r;

	memd_init();
	snprintf(ping, sizeof ping, "%s/ping.http", engine);
	if (!(p = memd_fixture(ping)))
		return -1;
	memd_says(p);
	if (docker_negotiate(NULL) != DK_DONE)
		return -1;
	if (!(r = memd_fixture(name)))
		return -1;
	memd_says(r);
	return 0;
}

/* a fixture of engine as the reply to the next request, after its ping */
static int
serve(const char *engine, const char *file)
{
	char name[128];

	snprintf(name, sizeof name, "%s/%s.http", engine, file);
	return serve_as(engine, name);
}

/* ---------------------------------------------------------------- ping */

static int
api_of(const char *engine, int want_major, int want_minor)
{
	char want[16];
	int major, minor;

	if (serve(engine, "ping") < 0)
		return 0;
	snprintf(want, sizeof want, "/v%d.%d", want_major, want_minor);
	return strcmp(docker_api(&major, &minor), want) == 0 &&
	    major == want_major && minor == want_minor;
}

static int
fx_ping(void)
{
	check(api_of("20.10", 1, 41));
	check(api_of("28.5", 1, 51));
	/* 1.52, or our newest if older */
	check(api_of("29", 1, API_MAX_MAJOR * 1000 + API_MAX_MINOR < 1052 ?
	    API_MAX_MINOR : 52));
	check(api_of("podman4.3", 1, 41));
	return 0;
}

/* a ping dated the local clock plus off seconds (-1: no Date); 0 or -1 */
static int
ping_dated(long off)
{
	static char r[256];
	char date[64];
	time_t t = time(NULL) + (off == -1 ? 0 : off);

	strftime(date, sizeof date, "Date: %a, %d %b %Y %H:%M:%S GMT\r\n",
	    gmtime(&t));
	snprintf(r, sizeof r, "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\n%s"
	    "Content-Length: 2\r\n\r\nOK", off == -1 ? "" : date);
	memd_init();
	memd_says(r);
	return docker_negotiate(NULL) == DK_DONE ? 0 : -1;
}

/*
 * The daemon's clock: the Date of /_ping (Sun, 29 Nov 2026 19:29:42 GMT
 * on 28.5), then the latest event's timeNano once one is read; the local
 * clock only without a Date
 */
static int
fx_clock(void)
{
	static const char baddate[] =
	    "HTTP/1.1 200 OK\r\nApi-Version: 1.41\r\nDate: Sun, 31 Nov 2026 "
	    "19:29:42 GMT\r\nContent-Length: 2\r\n\r\nOK";
	static const char in_second[] =
	    "HTTP/1.1 200 OK\r\nContent-Length: 107\r\n\r\n"
	    "{\"Type\":\"container\",\"Action\":\"create\",\"Actor\":"
	    "{\"ID\":\"x\"},\"time\":1795980582,"
	    "\"timeNano\":1795980582500000000}\n";
	const long long date = 1795980582LL * 1000000000LL;
	struct evstream *es;
	struct event ev;
	long long t, before;

	/* 28.5's Date, long before the local clock: the daemon's clock */
	check(serve("28.5", "ping") == 0);
	t = docker_now(0);
	/* that second, plus the moments the test took */
	check(t >= date && t < date + 5000000000LL);
	/* the upper bound: a second more, the Date being whole seconds */
	check(docker_now(1) >= date + 1000000000LL &&
	    docker_now(1) < date + 6000000000LL);
	/* events before the Date do not move it */
	check(serve("28.5", "events") == 0);
	check((es = docker_events_open("1", "1795980582")));
	check(strstr(memd_request(), "until=1795980582&") != NULL);
	while (docker_events_next(es, &ev) == EVS_VALUE)
		;
	docker_events_close(es);
	check(docker_now(0) >= date && docker_now(0) < date + 5000000000LL);
	/* an event within the Date's second refines it; 20.10's, seconds
	   after 28.5's Date (a clock set back), do not move it */
	memd_init();
	memd_says(memd_fixture("28.5/ping.http"));
	check(docker_negotiate(NULL) == DK_DONE);
	memd_says(in_second);
	check((es = docker_events_open("1", "1795980583")));
	check(docker_events_next(es, &ev) == EVS_VALUE);
	check(ev.time_ns == date + 500000000LL);
	check(docker_events_next(es, &ev) == EVS_END);
	docker_events_close(es);
	check(docker_now(0) >= date + 500000000LL &&
	    docker_now(0) < date + 1000000000LL);
	check(docker_now(1) >= date + 1000000000LL);
	check(serve_as("28.5", "20.10/events.http") == 0);
	check((es = docker_events_open("1", "1795980600")));
	while (docker_events_next(es, &ev) == EVS_VALUE)
		check(ev.time_ns <= now_ns());
	docker_events_close(es);
	check(docker_now(0) < date + 5000000000LL);
	/* a Date that agrees with the local clock: the local clock, finer
	   than whole seconds, for both */
	check(ping_dated(0) == 0);
	before = now_ns();
	check(docker_now(0) >= before && docker_now(1) >= before);
	check(docker_now(1) <= now_ns());
	/* no Date, or an impossible one: the local clock */
	check(ping_dated(-1) == 0);
	before = now_ns();
	t = docker_now(0);
	check(t >= before && t <= now_ns() && docker_now(1) >= t);
	memd_init();
	memd_says(baddate);
	check(docker_negotiate(NULL) == DK_DONE);
	before = now_ns();
	t = docker_now(0);
	check(t >= before && t <= now_ns());
	/* an hour behind: the daemon's */
	check(ping_dated(-3600) == 0);
	before = now_ns();
	check(docker_now(1) <= before - 3598000000000LL);
	check(docker_now(0) >= before - 3602000000000LL);
	return 0;
}

/* -------------------------------------------------------------- images */

struct want_img {
	const char *id;
	long long size;
};

static struct image_rec got_img[8];
static size_t ngot_img;

static int
take_img(void *ctx, const struct image_rec *r)
{
	(void)ctx;
	if (ngot_img < sizeof got_img / sizeof got_img[0])
		got_img[ngot_img] = *r;
	ngot_img++;
	return 0;
}

/* the listing of engine is exactly want[0..n), in order */
static int
images_are(const char *engine, const struct want_img *want, size_t n)
{
	size_t i;
	int skipped = -1;

	ngot_img = 0;
	if (serve(engine, "images") < 0 ||
	    docker_images(take_img, NULL, &skipped) != DK_DONE ||
	    skipped != 0 || ngot_img != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!id_is(&got_img[i].id, want[i].id) ||
		    got_img[i].size != want[i].size)
			return 0;
	return memd_left() == 0;
}

static int
fx_images(void)
{
	static const struct want_img w20[] = {
		{ "3c86dcb0bff203e5af9a7d9d367023b4ec5584dbe774d8cf59a0f3c90ebe3cf5", 1983280 },
		{ "30aee78be221bad235d7cf7e086163d279d7c8747aba6687259e07e7730bb395", 1990448 },
		{ "6b60134ca8c174cc799ebb743d61d8695921dff1bccb28f64f835c951fb0d606", 1986352 },
	}, w28[] = {
		{ "b70c86164053c594da575c655ac9f4fd432f924c819d43f4986c48373f6b40f5", 1983280 },
		{ "2c8d27fa8370366778622cf3038a8ff848eb4d7193d8506ee7ae529e9a73086f", 1986352 },
		{ "d378bdf184cc6b535b2bd77d6704f994b9cf0ba2b8a4b10e1db351c66fe9f116", 1990448 },
	}, w29[] = {
		/* the list's Size: every platform present, not one manifest's */
		{ "f663cfe82f58260704277f5b150f9db63fbe88d26bd7cd353a3e6894b3dcbbaa", 7846244 },
		{ "1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708", 211000 },
	}, wpod[] = {
		{ "f663cfe82f58260704277f5b150f9db63fbe88d26bd7cd353a3e6894b3dcbbaa", 6000 },
	};

	check(images_are("20.10", w20, 3));
	check(images_are("28.5", w28, 3));
	check(images_are("29", w29, 2));
	check(images_are("podman4.3", wpod, 1));
	return 0;
}

/* ---------------------------------------------------------- containers */

struct want_ctr {
	const char *id, *image;
	int state;
	long long created_s;
	const char *mount;	/* the image it mounts, or NULL */
};

static struct ctr_rec got_ctr[8];
static size_t ngot_ctr;

static int
take_ctr(void *ctx, const struct ctr_rec *r)
{
	(void)ctx;
	if (ngot_ctr < sizeof got_ctr / sizeof got_ctr[0])
		got_ctr[ngot_ctr] = *r;
	ngot_ctr++;
	return 0;
}

static int
ctrs_are(const char *engine, const struct want_ctr *want, size_t n)
{
	size_t i;
	int skipped = -1;

	ngot_ctr = 0;
	if (serve(engine, "containers") < 0 ||
	    docker_containers(take_ctr, NULL, &skipped) != DK_DONE ||
	    skipped != 0 || ngot_ctr != n)
		return 0;
	for (i = 0; i < n; i++)
		if (!id_is(&got_ctr[i].id, want[i].id) ||
		    !got_ctr[i].has_image ||
		    !id_is(&got_ctr[i].image, want[i].image) ||
		    got_ctr[i].state != want[i].state ||
		    got_ctr[i].created != want[i].created_s * 1000000000LL ||
		    got_ctr[i].nmounts != (want[i].mount != NULL) ||
		    (want[i].mount &&
		    strcmp(got_ctr[i].mounts[0], want[i].mount) != 0))
			return 0;
	return 1;
}

static int
fx_containers(void)
{
	static const struct want_ctr w20[] = {
		{ "1134a71ab3c1fd96de21a1c3e291787760dea03d07050cbbdc754ea7ab889d15",
		    "6b60134ca8c1", CS_EXITED, 1795980587, NULL },
		{ "f3903f6ed17825e8fa6592be5db77b6ff2163aafad992b6bf64099bd71d97689",
		    "30aee78be221", CS_RUNNING, 1795980586, NULL },
		{ "f9c8af4cdfc2b853d045ccddfbdc165f8229175a32954e2a9f99b4b3f89bf9b0",
		    "6b60134ca8c1", CS_CREATED, 1795980586, NULL },
	}, w28[] = {
		/* the first mounts fx-b:1 (d378...) as an image too */
		{ "ac97bcdc8444f46b19c3a872b32ad7e7ae28238468afe15099628901e2ec5455",
		    "2c8d27fa8370", CS_CREATED, 1795980581, "fx-b:1" },
		{ "052505b82b5a95f6227887a0db2b63a62bb1ad1d3bf07444ef4bd2cd7a120baf",
		    "2c8d27fa8370", CS_EXITED, 1795980580, NULL },
		{ "70c42bcd356176a322ddbaa5c3b517b78a6e054ec81b0df7f8807b78fabc1d38",
		    "d378bdf184cc", CS_RUNNING, 1795980579, NULL },
		{ "df5cd69c907fe8df415f8f25f12a9da9087ea1609c795adfdd52fbcbb0732f6d",
		    "2c8d27fa8370", CS_CREATED, 1795980579, NULL },
	}, w29[] = {
		{ "69cb29e007201ec4fc92515edb79d2e9ab6cfdf8c46919c1ea3c63a2930cc9f3",
		    "f663cfe82f58", CS_EXITED, 1795839060, NULL },
		{ "7d1e2f3a4b5c6d7e8f9011223344556677889900aabbccddeeff001122334455",
		    "1f2a3b4c5d6e", CS_RUNNING, 1795839061, "demo:1" },
	};

	check(ctrs_are("20.10", w20, 3));
	check(ctrs_are("28.5", w28, 4));
	check(ctrs_are("29", w29, 2));
	return 0;
}

/* ------------------------------------------------------------- inspect */

static int
fx_inspect(void)
{
	static struct image_info ii;
	static struct ctr_rec cr;
	struct image_head h;
	struct id cid;
	static const char c20[] =
	    "f9c8af4cdfc2b853d045ccddfbdc165f8229175a32954e2a9f99b4b3f89bf9b0",
	    c28[] =
	    "ac97bcdc8444f46b19c3a872b32ad7e7ae28238468afe15099628901e2ec5455";

	check(serve("20.10", "image_inspect") == 0);
	check(docker_inspect_image("fx-a:1", &ii) == DK_DONE);
	check(id_is(&ii.id, "6b60134ca8c174cc799ebb743d61d8695921dff1bccb28f64f835c951fb0d606"));
	check(ii.size == 1986352 && ii.nrefs == 1);
	check(strcmp(ii.refs[0], "fx-a:1") == 0);
	/* its times: Created, Metadata.LastTagTime (RFC 3339, ns) */
	check(serve("28.5", "image_inspect") == 0);
	check(docker_image_head("fx-a:1", &h) == DK_DONE);
	check(id_is(&h.id, "2c8d27fa8370"));
	check(h.created_ns == 1795980579363911170LL);
	check(h.tagged_ns == 1795980579831880316LL);
	/*
	 * Docker 29 (the containerd store: a Descriptor): the host
	 * platform's Size; the tag, and its repository's digest, which goes
	 * with the tag (not a reference of its own to untag)
	 */
	check(serve("29", "image_inspect") == 0);
	check(docker_inspect_image("demo:1", &ii) == DK_DONE);
	check(ii.size == 4000000 && ii.nrefs == 1 && ii.cd_store);
	check(strcmp(ii.refs[0], "demo:1") == 0);
	/* a container's image */
	check(id_parse(c20, sizeof c20 - 1, &cid) == 0);
	check(serve("20.10", "ctr_inspect") == 0);
	check(docker_inspect_container(&cid, &cr) == DK_DONE);
	check(cr.has_image && id_is(&cr.image, "6b60134ca8c1"));
	check(cr.nmounts == 0);
	check(strstr(memd_request(), "/v1.41/containers/f9c8af4cdfc2") != NULL);
	/* 28.5: Image fx-a:1, and fx-b:1 mounted as an image (API 1.48+) */
	check(id_parse(c28, sizeof c28 - 1, &cid) == 0);
	check(serve("28.5", "ctr_inspect_mount") == 0);
	check(docker_inspect_container(&cid, &cr) == DK_DONE);
	check(cr.has_image && id_is(&cr.image, "2c8d27fa8370"));
	check(cr.nmounts == 1 && strcmp(cr.mounts[0], "fx-b:1") == 0);
	return 0;
}

/* -------------------------------------------------------------- events */

struct want_ev {
	int type, action;
	const char *id, *image;
	long long t;
};

static int
events_are(const char *engine, const struct want_ev *want, size_t n)
{
	struct evstream *es;
	struct event ev;
	size_t i = 0;
	int r;

	if (serve(engine, "events") < 0 ||
	    !(es = docker_events_open("1", "2000000000")))
		return 0;
	while ((r = docker_events_next(es, &ev)) != EVS_END) {
		if (r != EVS_VALUE)
			return 0;
		if (ev.type == EV_OTHER)	/* networks, volumes: no use */
			continue;
		if (i >= n || ev.type != want[i].type ||
		    ev.action != want[i].action || !ev.has_id ||
		    !id_is(&ev.id, want[i].id) ||
		    strcmp(ev.image, want[i].image) != 0 ||
		    ev.time_ns != want[i].t) {
			printf("# %s: event %zu differs\n", engine, i);
			return 0;
		}
		i++;
	}
	docker_events_close(es);
	return i == n;
}

static int
fx_events(void)
{
	static const struct want_ev w20[] = {
		{ EV_IMAGE, A_ARRIVE, "6b60134ca8c1", "", 1795980585873631898LL },
		{ EV_IMAGE, A_ARRIVE, "6b60134ca8c1", "", 1795980585873749151LL },
		{ EV_IMAGE, A_ARRIVE, "30aee78be221", "", 1795980586311447570LL },
		{ EV_IMAGE, A_ARRIVE, "30aee78be221", "", 1795980586311550356LL },
		{ EV_IMAGE, A_ARRIVE, "6b60134ca8c1", "", 1795980586390808886LL },
		{ EV_CONTAINER, A_CREATE, "f9c8af4cdfc2", "fx-a:1", 1795980586485841113LL },
		{ EV_CONTAINER, A_CREATE, "f3903f6ed178", "fx-b:1", 1795980586580431179LL },
		{ EV_CONTAINER, A_OTHER, "f3903f6ed178", "fx-b:1", 1795980587068664395LL },
		{ EV_CONTAINER, A_CREATE, "1134a71ab3c1", "fx-a:1", 1795980587169507687LL },
		{ EV_CONTAINER, A_OTHER, "1134a71ab3c1", "fx-a:1", 1795980588037572648LL },
		{ EV_CONTAINER, A_DIE, "1134a71ab3c1", "fx-a:1", 1795980588207817748LL },
		{ EV_IMAGE, A_ARRIVE, "3c86dcb0bff2", "", 1795980588665912510LL },
		{ EV_IMAGE, A_ARRIVE, "3c86dcb0bff2", "", 1795980588665973486LL },
		{ EV_CONTAINER, A_CREATE, "e6edd16e5769", "fx-b:1", 1795980588801148059LL },
		{ EV_CONTAINER, A_DESTROY, "e6edd16e5769", "fx-b:1", 1795980588942342474LL },
		{ EV_IMAGE, A_UNTAG, "6b60134ca8c1", "", 1795980589014031725LL },
	}, w28[] = {
		{ EV_IMAGE, A_ARRIVE, "2c8d27fa8370", "", 1795980579369781998LL },
		{ EV_IMAGE, A_ARRIVE, "2c8d27fa8370", "", 1795980579369916865LL },
		{ EV_IMAGE, A_ARRIVE, "d378bdf184cc", "", 1795980579670638822LL },
		{ EV_IMAGE, A_ARRIVE, "d378bdf184cc", "", 1795980579670779610LL },
		{ EV_IMAGE, A_ARRIVE, "2c8d27fa8370", "", 1795980579832736594LL },
		{ EV_CONTAINER, A_CREATE, "df5cd69c907f", "fx-a:1", 1795980579923015449LL },
		{ EV_CONTAINER, A_CREATE, "70c42bcd3561", "fx-b:1", 1795980580016766760LL },
		{ EV_CONTAINER, A_OTHER, "70c42bcd3561", "fx-b:1", 1795980580261341003LL },
		{ EV_CONTAINER, A_CREATE, "052505b82b5a", "fx-a:1", 1795980580415616935LL },
		{ EV_CONTAINER, A_OTHER, "052505b82b5a", "fx-a:1", 1795980580788042871LL },
		{ EV_CONTAINER, A_DIE, "052505b82b5a", "fx-a:1", 1795980580935992768LL },
		{ EV_IMAGE, A_ARRIVE, "b70c86164053", "", 1795980581064350223LL },
		{ EV_IMAGE, A_ARRIVE, "b70c86164053", "", 1795980581064415988LL },
		{ EV_CONTAINER, A_CREATE, "ac97bcdc8444", "fx-a:1", 1795980581136678559LL },
		{ EV_CONTAINER, A_CREATE, "82ea9eebc49d", "fx-b:1", 1795980581233432311LL },
		{ EV_CONTAINER, A_DESTROY, "82ea9eebc49d", "fx-b:1", 1795980581322375455LL },
		{ EV_IMAGE, A_UNTAG, "2c8d27fa8370", "", 1795980581401963191LL },
	}, w29[] = {
		/* no status, id, from: Type, Action and Actor only */
		{ EV_IMAGE, A_ARRIVE, "f663cfe82f58", "", 1795839058100000000LL },
		{ EV_CONTAINER, A_CREATE, "69cb29e00720", "demo:1", 1795839060200000000LL },
		{ EV_CONTAINER, A_DIE, "69cb29e00720", "demo:1", 1795839061300000000LL },
		{ EV_CONTAINER, A_DESTROY, "69cb29e00720", "demo:1", 1795839065000000000LL },
		{ EV_IMAGE, A_UNTAG, "f663cfe82f58", "", 1795839066000000000LL },
		{ EV_IMAGE, A_DELETE, "f663cfe82f58", "", 1795839066500000000LL },
	}, wpod[] = {
		/* "remove" is Docker's "destroy"; image IDs without sha256: */
		{ EV_CONTAINER, A_CREATE, "69cb29e00720", "docker.io/library/demo:1", 1795839060200000000LL },
		{ EV_CONTAINER, A_DESTROY, "69cb29e00720", "docker.io/library/demo:1", 1795839065000000000LL },
		{ EV_IMAGE, A_UNTAG, "f663cfe82f58", "", 1795839066000000000LL },
		{ EV_IMAGE, A_DELETE, "f663cfe82f58", "", 1795839066500000000LL },
	};

	check(events_are("20.10", w20, sizeof w20 / sizeof w20[0]));
	check(events_are("28.5", w28, sizeof w28 / sizeof w28[0]));
	check(events_are("29", w29, sizeof w29 / sizeof w29[0]));
	check(events_are("podman4.3", wpod, sizeof wpod / sizeof wpod[0]));
	return 0;
}

/* ------------------------------------------------------------ outcomes */

static enum dk
delete_as(const char *engine, const char *file, const char *ref)
{
	if (serve(engine, file) < 0)
		return (enum dk)-1;
	return docker_delete_image(ref);
}

static int
fx_outcomes(void)
{
	static const char *const engines[] = { "20.10", "28.5" };
	static const char running[] =
	    "70c42bcd356176a322ddbaa5c3b517b78a6e054ec81b0df7f8807b78fabc1d38";
	struct id cid;
	size_t i;

	for (i = 0; i < 2; i++) {
		check(delete_as(engines[i], "delete_200", "fx-c:1") == DK_DONE);
		check(delete_as(engines[i], "delete_404", "fx-none:1") ==
		    DK_GONE);
		check(strcmp(docker_msg(), "404 No such image: fx-none:1") == 0);
		/* a tag of an image a container uses */
		check(delete_as(engines[i], "delete_409", "fx-b:1") ==
		    DK_CONFLICT);
		check(strstr(docker_msg(), "is using its referenced image"));
		/* a running container */
		check(id_parse(running, sizeof running - 1, &cid) == 0);
		check(serve(engines[i], "ctr_remove_409") == 0);
		check(docker_remove_container(&cid) == DK_CONFLICT);
		/* 20.10: "You cannot remove a running container", 28.5:
		   "container is running" */
		check(strncmp(docker_msg(), "409 ", 4) == 0 &&
		    strstr(docker_msg(), "running"));
	}
	/* Podman refuses an image of several tags with 500: a conflict */
	check(delete_as("podman4.3", "delete_multi", "f663cfe82f58") ==
	    DK_CONFLICT);
	return 0;
}

static const char mount_ctr[] =
    "69cb29e007201ec4fc92515edb79d2e9ab6cfdf8c46919c1ea3c63a2930cc9f3";

/* an inspect of mount_ctr mounting n images m0:1, m1:1, ... */
static const char *
mounts_reply(int n)
{
	static char body[8192], reply[9000];
	size_t k;
	int i;

	k = (size_t)snprintf(body, sizeof body, "{\"Id\":\"%s\",\"Image\":"
	    "\"sha256:%s\",\"Mounts\":[", mount_ctr, mount_ctr);
	for (i = 0; i < n && k < sizeof body; i++)
		k += (size_t)snprintf(body + k, sizeof body - k,
		    "%s{\"Type\":\"image\",\"Name\":\"m%d:1\"}", i ? "," : "",
		    i);
	if (k < sizeof body)
		snprintf(body + k, sizeof body - k, "]}");
	snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\n"
	    "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
	return reply;
}

/* more image mounts than IMAGE_MOUNTS_MAX: not all known (-1) */
static int
fx_mounts_over(void)
{
	static struct ctr_rec cr;
	char last[16];
	struct id cid;

	check(id_parse(mount_ctr, sizeof mount_ctr - 1, &cid) == 0);
	memd_init();
	memd_says(mounts_reply(IMAGE_MOUNTS_MAX + 1));
	check(docker_inspect_container(&cid, &cr) == DK_DONE);
	check(cr.has_image && cr.nmounts == -1);
	/* exactly the bound: all of them */
	memd_init();
	memd_says(mounts_reply(IMAGE_MOUNTS_MAX));
	check(docker_inspect_container(&cid, &cr) == DK_DONE);
	check(cr.nmounts == IMAGE_MOUNTS_MAX);
	snprintf(last, sizeof last, "m%d:1", IMAGE_MOUNTS_MAX - 1);
	check(strcmp(cr.mounts[IMAGE_MOUNTS_MAX - 1], last) == 0);
	return 0;
}

const struct unit_test fixture_tests[] = {
	UNIT(fx_ping),
	UNIT(fx_clock),
	UNIT(fx_images),
	UNIT(fx_containers),
	UNIT(fx_inspect),
	UNIT(fx_events),
	UNIT(fx_outcomes),
	UNIT(fx_mounts_over),
	{ NULL, NULL },
};
