/* See LICENSE file for copyright and license details. */
/*
 * The state-file reader (state_load). The input is a state file, read
 * through a memory file. Either nothing is handed out (a bad file), or
 * every record is, and each is in range; a file that loads must also
 * survive a save and a second load unchanged.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "log.h"
#include "state.h"
#include "fuzz.h"

static struct {
	struct id id;
	long long t;
} rec[IMAGE_MAX + 1];
static size_t nrec, again, cursor;

static void
take(void *ctx, const struct id *id, long long t)
{
	(void)ctx;
	FZ_CHECK(nrec <= IMAGE_MAX);
	FZ_CHECK(t >= 0);
	rec[nrec].id = *id;
	rec[nrec++].t = t;
}

static void
check_same(void *ctx, const struct id *id, long long t)
{
	(void)ctx;
	FZ_CHECK(again < nrec);
	FZ_CHECK(id_eq(id, &rec[again].id) && t == rec[again].t);
	again++;
}

static int
give(void *ctx, struct id *id, long long *t)
{
	(void)ctx;
	if (cursor == nrec)
		return 0;
	*id = rec[cursor].id;
	*t = rec[cursor++].t;
	return 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char path[64], saved[] = "/tmp/dc-fuzz-state-XXXXXX";
	int fd, r, sfd;

	log_level = -1;
	nrec = again = cursor = 0;
	if ((fd = memfd_create("state", 0)) < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	r = state_load(path, take, NULL);
	close(fd);
	FZ_CHECK(r == 0 || r == -1);
	if (r != 0) {
		FZ_CHECK(nrec == 0);	/* checked whole before handing out */
		return 0;
	}
	/* what loaded saves, and loads again the same */
	if ((sfd = mkstemp(saved)) < 0)
		return 0;
	close(sfd);
	FZ_CHECK(state_save(saved, give, NULL) == 0);
	FZ_CHECK(state_load(saved, check_same, NULL) == 0);
	FZ_CHECK(again == nrec);
	unlink(saved);
	return 0;
}
