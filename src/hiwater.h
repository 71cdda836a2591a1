/* See LICENSE file for copyright and license details. */
/*
 * High-water marks of the fixed buffers and of the stack, to prove the
 * memory bounds: with DOCKER_CLEANER_HIGHWATER set, main() paints every
 * registered buffer and a stretch of stack with a canary at startup and,
 * at exit, reports on stderr how far each was written:
 *
 *	highwater NAME USED SIZE
 *
 * (the stack's SIZE is STACK_MAX of config.h). Off, it costs nothing.
 */

/* paint p[0..n) and remember it under name */
void hw_add(const char *name, void *p, size_t n);
/* paint the stack below the caller's frame */
void hw_stack(void);
/* report every region and the stack; returns 0, or -1 if one is over */
int hw_report(void);

/* the modules' fixed buffers, each registered with hw_add */
void docker_regions(void);
void cleaner_regions(void);
void opts_regions(void);
