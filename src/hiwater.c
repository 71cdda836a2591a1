/* See LICENSE file for copyright and license details. */
/*
 * The high-water painting of test builds (hiwater.h): owns the list of
 * painted regions (at most HW_REGIONS) and the painted stack.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "hiwater.h"
#include "util.h"

#define CANARY 0xa5

static struct {
	const char *name;
	unsigned char *p;
	size_t n;
} regions[HW_REGIONS];
static size_t nregions;
static uintptr_t stack_low;	/* address of the lowest painted byte */
static size_t stack_painted;

static void
hw_add(const struct hw_region *t)
{
	for (; t->name && nregions < HW_REGIONS; t++) {
		memset(t->p, CANARY, t->n);
		regions[nregions].name = t->name;
		regions[nregions].p = t->p;
		regions[nregions].n = t->n;
		nregions++;
	}
}

/* kept out of line, so its frame is below the caller's */
__attribute__((noinline)) static void
hw_stack(void)
{
	volatile unsigned char pad[STACK_MAX * 2];
	size_t i;

	for (i = 0; i < sizeof pad; i++)
		pad[i] = CANARY;
	stack_low = (uintptr_t)pad;
	stack_painted = sizeof pad;
}

int
hw_start(void)
{
	if (!getenv("DOCKER_CLEANER_HIGHWATER"))
		return 0;
	hw_add(hw_docker);
	hw_add(hw_docker_ev);
	hw_add(hw_evict);
	hw_add(hw_opts);
	hw_add(hw_metrics);
	hw_stack();
	return 1;
}

/* the peak resident set size, from the kernel */
static void
report_rss(void)
{
	char buf[4096], *p;
	size_t n;

	if (read_file("/proc/self/status", buf, sizeof buf - 1, &n) < 0 ||
	    n == 0)
		return;
	buf[n] = '\0';
	if ((p = str_find(buf, "VmHWM:")))
		fmt_dprintf(2, "peak-rss %ld kB\n", (long)str_dec(p + 6, NULL));
}

int
hw_report(void)
{
	size_t i, used, depth = 0;
	int over = 0;

	for (i = 0; i < nregions; i++) {
		for (used = regions[i].n; used > 0; used--)
			if (regions[i].p[used - 1] != CANARY)
				break;
		fmt_dprintf(2, "highwater %s %zu %zu\n", regions[i].name, used,
		    regions[i].n);
	}
	report_rss();
	if (stack_low) {
		/* the deepest write below main's frame, from the bottom up */
		volatile unsigned char *low = (void *)stack_low;
		for (i = 0; i < stack_painted; i++)
			if (low[i] != CANARY)
				break;
		depth = stack_painted - i;
		if (depth >= stack_painted)
			over = 1;	/* all of it written: maybe more */
		if (depth > STACK_MAX)
			over = 1;
		fmt_dprintf(2, "highwater stack %zu %d\n", depth, STACK_MAX);
	}
	return over ? -1 : 0;
}
