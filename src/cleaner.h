/* See LICENSE file for copyright and license details. */
/*
 * The cleaner: the startup pass (inventory, use history, stopped-container
 * sweep, eviction) and, in daemon mode, the event loop. Requires opts.h.
 */

/* run as s says; returns the exit status (0 or 1) */
int cleaner_run(const struct settings *s);
