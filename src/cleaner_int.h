/* See LICENSE file for copyright and license details. */
/*
 * What the rooms of the cleaner share: cleaner.c (the passes, the event
 * handlers, the inventory kept up to date), evict.c (deletions carried
 * out safely), sweep.c (container removal) and loop.c (the daemon loop,
 * state timing, reloads). Each variable says which room owns it.
 * Requires bounds.h, id.h, records.h, opts.h, docker.h.
 */

/* loop.c: the settings in force (replaced on SIGHUP) */
extern const struct settings *cl_set;
/* loop.c saves and clears it; any room sets it: uses changed */
extern int cl_dirty;

/* cleaner.c; any room sets it: use of some image is unaccounted for */
extern int cl_incomplete;
/* cleaner.c; any room sets it: a request to the daemon failed */
extern int cl_trouble;
/* cleaner.c: the followed event stream of the pass (pass(1)); NULL
   when none is open */
extern struct evstream *cl_live;
/*
 * cleaner_ev.c: what ended cl_live while cl_catch_up() read it (EVS_END,
 * EVS_ERROR, EVS_SKIP), 0 if nothing did: loop.c acts on it as on its own
 * read, and clears it
 */
extern int cl_live_fault;
/*
 * evict.c: deletions or removals are under way (cl_handle then leaves
 * the eviction a destroy asks for to them: cl_again)
 */
extern int cl_busy;
/* evict.c; cl_handle sets it: decide again once the deletions are done */
extern int cl_again;

/* evict.c: one image as inspected (scratch of one request at a time) */
extern struct image_info cl_ii;
/*
 * evict.c: when the first grace period (--min-age) of an image kept as too
 * young in the last decision ends, ns since 1970; -1 none
 */
extern long long cl_young_until;

/*
 * cleaner.c: the full pass (inventory, history, sweep, eviction); with
 * follow, cl_live is opened first, so nothing between the passes is
 * missed. 0, or -1 (logged) with nothing deleted and cl_live closed.
 */
int cl_pass(int follow);
/* cleaner_ev.c: one live event */
void cl_handle(const struct event *ev);
/*
 * cleaner.c: a container created at ev->time_ns is a use of its image
 * (live_ev: the container may still be there, so it is inspected for
 * its image and mounts)
 */
void cl_created(const struct event *ev, int live_ev);
struct image;
/* cleaner.c: log, once, an image not cleaned because nobody used it yet */
void cl_untracked(struct image *im);
/*
 * cleaner_ev.c: the live events that came meanwhile (at most CATCH_UP_MAX),
 * handled now, between two deletions: dockerd drops events for a
 * subscriber that does not read
 */
void cl_catch_up(void);
/* cleaner.c, for tests: forget earlier passes (the next is a first one) */
void cl_forget(void);

struct policy_in;
struct policy_out;
/*
 * disk.c: the policy's input (inv_facts, the quota of this moment, the
 * disk use and free space as --accounting and --min-free say) and its
 * decision into out; returns out->ndel
 */
int cl_decide(struct policy_in *in, struct policy_out *out);
/*
 * evict.c: cl_decide, and with a grace period the arrival of the
 * would-be-deleted read and decided again (a few rounds), into in, out
 */
void cl_decision(struct policy_in *in, struct policy_out *out);
/* disk.c: a new pass (the images' path is read again); images changed */
void cl_disk_pass(void);
void cl_disk_stale(void);

/*
 * evict.c: the decision over the current inventory with the settings in
 * force (cl_decision), the one cl_evict acts on: the facts and the
 * decision, evict.c's own, valid until the next call; the metrics of
 * what is managed are set from it. out->del[ndel..in->n) is free for the
 * caller (the report sorts the kept images there).
 */
void cl_decided(struct policy_in **in, struct policy_out **out);
/* evict.c: decide and delete; only with a complete inventory */
void cl_evict(void);
/* evict.c: the references of cl_ii, joined by commas, sanitised, in out */
char *cl_refs_text(char *out, size_t n);
/* report.c: the report (--report, SIGUSR1) to stdout, text or JSON */
void cl_report(void);
/* sweep.c: remove the stopped containers (RemoveStoppedContainers) */
void cl_sweep(void);
/* sweep.c: remove one container (or say so, in a dry run) */
void cl_remove_ctr(const struct id *id);
/*
 * evict.c: a refused or failed request (what, on id; outcome r) logged
 * and counted in the metrics; a failed one is trouble (cl_trouble)
 */
void cl_failed(const char *what, const char *id, enum dk r);
