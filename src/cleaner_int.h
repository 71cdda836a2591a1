/* See LICENSE file for copyright and license details. */
/*
 * What the rooms of the cleaner share: cleaner.c (the passes, the event
 * handlers, the inventory kept up to date), evict.c (deletions carried
 * out safely) and loop.c (the daemon loop, state timing, reloads). Each
 * variable says which room owns it. Requires bounds.h, id.h, records.h,
 * opts.h.
 */

/* loop.c: the settings in force (replaced on SIGHUP) */
extern const struct settings *cl_set;
/* loop.c saves and clears it; any room sets it: uses changed */
extern int cl_dirty;

/* cleaner.c; any room sets it: use of some image is unaccounted for */
extern int cl_incomplete;
/* cleaner.c; any room sets it: a request to the daemon failed */
extern int cl_trouble;
/* cleaner.c: the followed event stream of the pass (pass(1)) */
extern struct evstream *cl_live;

/* evict.c: one image as inspected (scratch of one request at a time) */
extern struct image_info cl_ii;

/*
 * cleaner.c: the full pass (inventory, history, sweep, eviction); with
 * follow, cl_live is opened first, so nothing between the passes is
 * missed. 0, or -1 (logged) with nothing deleted and cl_live closed.
 */
int cl_pass(int follow);
/* cleaner.c: one live event */
void cl_handle(const struct event *ev);

/*
 * evict.c: the decision over the current inventory with the settings in
 * force, the one cl_evict acts on: the facts and the decision, evict.c's
 * own, valid until the next call. out->del[ndel..in->n) is free for the
 * caller (the report sorts the kept images there).
 */
struct policy_in;
struct policy_out;
void cl_decide(struct policy_in **in, struct policy_out **out);
/* evict.c: decide and delete; only with a complete inventory */
void cl_evict(void);
/* evict.c: the references of cl_ii, joined by commas, sanitised, in out */
char *cl_refs_text(char *out, size_t n);
/* report.c: the report (--report, SIGUSR1) to stdout, text or JSON */
void cl_report(void);
/* evict.c: remove the stopped containers (RemoveStoppedContainers) */
void cl_sweep(void);
/* evict.c: remove one container (or say so, in a dry run) */
void cl_remove_ctr(const struct id *id);
