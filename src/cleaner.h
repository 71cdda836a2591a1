/* See LICENSE file for copyright and license details. */
/*
 * The cleaner: the startup pass (inventory, use history, stopped-container
 * sweep, eviction) and, in daemon mode, the event loop. Requires conn.h
 * and opts.h.
 */

/*
 * Run as s says, against the daemon t (parsed from s->host); returns the
 * exit status (0 or 1). On SIGHUP (reloading set) reload() is asked for
 * new settings: 0 with them filled in, or -1 (logged) to keep the old ones.
 * s is not copied: it stays the settings in force (cl_set), replaced in
 * place on SIGHUP, and must outlive the run.
 */
int cleaner_run(struct settings *s, const struct target *t,
    int (*reload)(struct settings *));
