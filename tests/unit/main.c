/* See LICENSE file for copyright and license details. */
/*
 * Runs every unit test and prints one line per failure and one summary
 * line: "unit: N passed, N failed".
 */
#include "unit.h"
#include "log.h"

static const struct unit_test *const tables[] = {
	policy_tests, http_tests, jstream_tests, json_tests, opts_tests,
	idtab_tests, state_tests, util_tests, x509_tests,
	docker_tests, fixture_tests, cleaner_tests, fmt_tests,
};

int
main(int argc, char **argv)
{
	const struct unit_test *t;
	size_t i;
	int pass = 0, fail = 0, line;

	log_level = argc > 1 && strcmp(argv[1], "-v") == 0 ? L_DEBUG : -1;
	for (i = 0; i < sizeof tables / sizeof tables[0]; i++) {
		for (t = tables[i]; t->name; t++) {
			if ((line = t->fn()) == 0) {
				pass++;
				continue;
			}
			fail++;
			printf("FAIL - %s (line %d)\n", t->name, line);
		}
	}
	printf("unit: %d passed, %d failed\n", pass, fail);
	return fail != 0;
}
