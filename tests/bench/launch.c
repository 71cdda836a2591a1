/* See LICENSE file for copyright and license details. */
/*
 * launch FILE CMD [ARG...]: run CMD as a child of this small static process
 * and write its rusage to FILE as "maxrss_kib utime_s stime_s status".
 *
 * Why: Linux keeps a process's peak RSS across exec, so a child forked from
 * Python starts with Python's ~10 MiB as its "peak". Forked from this
 * process, the floor is a few hundred KiB. SIGTERM or SIGINT to launch
 * kills the child (SIGKILL) and still reports. Built by tests/bench/run.sh
 * with musl-gcc -static.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

static volatile pid_t child;

static void
on_signal(int sig)
{
	(void)sig;
	if (child > 0)
		kill(child, SIGKILL);
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct rusage ru;
	FILE *f;
	int st;

	if (argc < 3) {
		fprintf(stderr, "usage: launch FILE CMD [ARG...]\n");
		return 2;
	}
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	if ((child = fork()) < 0)
		return 1;
	if (child == 0) {
		sa.sa_handler = SIG_DFL;
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGINT, &sa, NULL);
		execvp(argv[2], argv + 2);
		_exit(127);
	}
	while (wait4(child, &st, 0, &ru) < 0)
		;
	if (!(f = fopen(argv[1], "w")))
		return 1;
	fprintf(f, "%ld %ld.%06ld %ld.%06ld %d\n", ru.ru_maxrss,
	    (long)ru.ru_utime.tv_sec, (long)ru.ru_utime.tv_usec,
	    (long)ru.ru_stime.tv_sec, (long)ru.ru_stime.tv_usec,
	    WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
	fclose(f);
	return 0;
}
