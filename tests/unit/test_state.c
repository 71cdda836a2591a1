/* See LICENSE file for copyright and license details. */
/*
 * The state file on disk, in a temporary folder: a use from the future is
 * read as a use now; the temporary file is never written through a
 * symlink; the file is 0600 and a folder made for it 0700.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "unit.h"
#include "id.h"
#include "state.h"

static const char hexa[] = "sha256:"
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
static const char hexb[] = "sha256:"
    "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

static char dir[64];

/* a fresh temporary folder in dir; 0 or -1 */
static int
tmpdir(void)
{
	snprintf(dir, sizeof dir, "/tmp/dcunit.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

/* remove dir and what the tests put in it */
static void
rmdir_all(void)
{
	static const char *const names[] = { "state", "state.tmp", "victim",
	    "sub/state", "sub/state.tmp", "sub" };
	char p[128];
	size_t i;

	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, names[i]);
		if (unlink(p) < 0)
			rmdir(p);
	}
	rmdir(dir);
}

static int
put_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static long long
wall_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static struct { struct id id; long long t; } got[4];
static int ngot;

static void
collect(void *ctx, const struct id *id, long long t)
{
	(void)ctx;
	if (ngot < 4) {
		got[ngot].id = *id;
		got[ngot++].t = t;
	}
}

/* one record (image a at 5 s) to save */
static int
one(void *ctx, struct id *id, long long *t)
{
	int *left = ctx;

	if (!*left)
		return 0;
	--*left;
	id_parse(hexa, sizeof hexa - 1, id);
	*t = 5000000000LL;
	return 1;
}

/* a line from the future (LLONG_MAX ns, year 2262) is a use now */
static int
state_future_is_now(void)
{
	char path[128], text[256];
	long long t0, t1;
	int r;

	check(tmpdir() == 0);
	snprintf(path, sizeof path, "%s/state", dir);
	snprintf(text, sizeof text, "docker-cleaner state 1\n%s %lld\n%s 7\n",
	    hexa, LLONG_MAX, hexb);
	r = put_file(path, text);
	ngot = 0;
	t0 = wall_ns();
	if (r == 0)
		r = state_load(path, collect, NULL);
	t1 = wall_ns();
	rmdir_all();
	check(r == 0 && ngot == 2);
	check(got[0].t >= t0 && got[0].t <= t1);
	check(got[1].t == 7);	/* a past use stays as it is */
	return 0;
}

/* a symlink planted at STATE.tmp: its target is untouched; 0600 */
static int
state_tmp_symlink(void)
{
	char path[128], tmp[128], victim[128], buf[16] = "";
	struct stat st;
	int left = 1, r, fd;
	ssize_t n = -1;

	check(tmpdir() == 0);
	snprintf(path, sizeof path, "%s/state", dir);
	snprintf(tmp, sizeof tmp, "%s/state.tmp", dir);
	snprintf(victim, sizeof victim, "%s/victim", dir);
	umask(022);
	r = put_file(victim, "keep me\n");
	if (r == 0)
		r = symlink("victim", tmp);
	if (r == 0)
		r = state_save(path, one, &left);
	if ((fd = open(victim, O_RDONLY)) >= 0) {
		n = read(fd, buf, sizeof buf - 1);
		close(fd);
	}
	if (r == 0)
		r = lstat(path, &st);
	rmdir_all();
	check(r == 0);
	check(n == 8 && memcmp(buf, "keep me\n", 8) == 0);
	check(S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0600);
	return 0;
}

/* a missing folder is made 0700, the file in it 0600 */
static int
state_new_folder(void)
{
	char path[128], sub[128];
	struct stat sd, sf;
	int left = 1, r;

	check(tmpdir() == 0);
	snprintf(sub, sizeof sub, "%s/sub", dir);
	snprintf(path, sizeof path, "%s/sub/state", dir);
	umask(022);
	r = state_save(path, one, &left);
	if (r == 0)
		r = stat(sub, &sd);
	if (r == 0)
		r = stat(path, &sf);
	rmdir_all();
	check(r == 0);
	check((sd.st_mode & 07777) == 0700);
	check((sf.st_mode & 07777) == 0600);
	return 0;
}

const struct unit_test state_tests[] = {
	UNIT(state_future_is_now),
	UNIT(state_tmp_symlink),
	UNIT(state_new_folder),
	{ NULL, NULL }
};
