/* See LICENSE file for copyright and license details. */
/*
 * The unit-test harness: a test is `static int name(void)` that returns 0
 * when it passes, or the line of the failed check (check() returns
 * __LINE__, as jsmn's tests do). Each file lists its tests in a table
 * run by main.c.
 */
#include <stdio.h>
#include <string.h>

#define check(cond) do { if (!(cond)) return __LINE__; } while (0)

struct unit_test {
	const char *name;
	int (*fn)(void);
};
#define UNIT(fn) { #fn, fn }

/* each test file defines one table, ended by { NULL, NULL } */
extern const struct unit_test policy_tests[], http_tests[], jstream_tests[],
    json_tests[], opts_tests[], idtab_tests[], state_tests[],
    util_tests[], x509_tests[], docker_tests[], fixture_tests[],
    cleaner_tests[], fmt_tests[];
