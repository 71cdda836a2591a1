/* See LICENSE file for copyright and license details. */
/*
 * The state file: the last use of each image, kept across restarts of the
 * cleaner (the daemon forgets its events when it restarts, and keeps only
 * 256). Text, one record a line, after a version line:
 *
 *	docker-cleaner state 1
 *	sha256:<64 hex digits> <last use, ns since the epoch>
 *
 * Written whole to PATH.tmp (a new file, mode 0600, never through a
 * symlink; a missing folder is made, mode 0700), synced, renamed over
 * PATH, and the directory synced: a reader sees the old file or the new
 * one. Requires id.h.
 */

/*
 * Read path and hand each record to fn. The whole file is checked before
 * any record is handed out; a use later than now is handed out as now
 * (a clock gone back, a corrupt file). 0 done; 1 no such file; -1
 * unreadable, truncated, corrupt or foreign (one warning logged).
 */
int state_load(const char *path,
    void (*fn)(void *ctx, const struct id *id, long long t), void *ctx);
/*
 * Write the records that next() hands out (1 per record, 0 at the end)
 * atomically to path. 0, or -1 with the reason logged.
 */
int state_save(const char *path,
    int (*next)(void *ctx, struct id *id, long long *t), void *ctx);
