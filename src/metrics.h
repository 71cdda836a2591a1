/* See LICENSE file for copyright and license details. */
/*
 * The metrics of --metrics-file: counters over the process's life and the
 * figures of the last pass, written after a pass as Prometheus text
 * (node_exporter's textfile collector), atomically: a temporary file in
 * the same folder, renamed over the old one. Owns the counters and the
 * text buffer (METRICS_MAX). Requires bounds.h.
 */
enum merr {			/* errors by kind (label kind=) */
	ME_CONFLICT,		/* a request refused as things stand (409) */
	ME_REFUSED,		/* any other refusal */
	ME_UNREADABLE,		/* a reply that could not be read */
	ME_FAILED,		/* no reply, or a daemon failure (5xx) */
	ME_PASS,		/* a pass that could not be made */
	ME_INCOMPLETE,		/* a pass with an incomplete inventory */
	ME_KINDS
};

/* an image deleted (bytes: its size, -1 unknown), a container removed */
void metrics_deleted(long long bytes);
void metrics_removed(void);
void metrics_error(enum merr kind);
/* did a counter move since the last metrics_write */
int metrics_changed(void);
/* what the last decision counted against the quota */
void metrics_managed(size_t images, long long bytes, long long quota);
/*
 * After a pass: it could be made (ok), its inventory was complete, it
 * started at start_ns (wall clock) and took ms. Writes path (0644);
 * 0, or -1 (logged).
 */
int metrics_write(const char *path, int ok, int complete, long long start_ns,
    long long ms);
