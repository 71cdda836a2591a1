/* See LICENSE file for copyright and license details. */
/*
 * High-water marks of the fixed buffers and of the stack, to prove the
 * memory bounds. Test builds only (-DDC_HIWATER, build/hiwater/, made by
 * tests/integration/hiwater.mk): the program `make` builds has none of
 * it. With DOCKER_CLEANER_HIGHWATER set, main() of that build paints every
 * listed buffer and a stretch of stack with a canary at startup and, at
 * exit, reports on stderr how far each was written:
 *
 *	highwater NAME USED SIZE
 *	peak-rss KB kB
 *
 * (the stack's SIZE is STACK_MAX of config.h) and exits 3 if a bound was
 * exceeded. hiwater.c owns the painting; each module that owns a fixed
 * buffer lists it, under #ifdef DC_HIWATER, in a table below.
 */

struct hw_region {
	const char *name;	/* NULL ends a table */
	void *p;
	size_t n;
};

/* the modules' fixed buffers */
extern const struct hw_region hw_docker[];	/* docker.c */
extern const struct hw_region hw_docker_ev[];	/* docker_ev.c */
extern const struct hw_region hw_evict[];	/* evict.c */
extern const struct hw_region hw_opts[];	/* opts.c */
extern const struct hw_region hw_metrics[];	/* metrics.c */

/* with DOCKER_CLEANER_HIGHWATER set: paint every listed buffer and the
 * stack below the caller's frame, and return 1; else 0 */
int hw_start(void);
/* report every region and the stack; returns 0, or -1 if one is over */
int hw_report(void);
