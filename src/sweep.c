/* See LICENSE file for copyright and license details. */
/*
 * Removing containers (RemoveStoppedContainers): one container, and the
 * sweep of every exited one, with the daemon's events read between two
 * removals. Owns the ID list of the containers to remove.
 */
#include <stddef.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "opts.h"
#include "metrics.h"
#include "cleaner_int.h"

static _Alignas(TABLE_ALIGN) struct id cids[CONTAINER_MAX]; /* to remove */

void
cl_remove_ctr(const struct id *id)
{
	char hex[ID_TEXT];
	enum dk r;

	id_hex(id, hex);
	if (cl_set->dry_run) {
		fmt_printf("would remove container %s\n", hex);
		fmt_flush();
		return;
	}
	if ((r = docker_remove_container(id)) == DK_DONE) {
		info("removed container %s", hex);
		metrics_removed();
		inv_ctr_del(id);
	} else if (r == DK_GONE) {
		dbg("container %s: already removed", hex);
	} else {
		cl_failed("remove container", hex, r);
	}
}

void
cl_sweep(void)
{
	size_t i, n;

	info("checking for stopped containers");
	n = inv_ctr_in_state(CS_EXITED, cids, CONTAINER_MAX);
	cl_busy = 1;
	for (i = 0; i < n && !stopping; i++) {
		cl_remove_ctr(&cids[i]);
		cl_catch_up();
	}
	cl_busy = 0;
}
