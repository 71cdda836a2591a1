/* See LICENSE file for copyright and license details. */
/*
 * The program: settings and host read (bad input: exit 2), signals
 * blocked and handled, logging set up, TLS files loaded, then the
 * cleaner run; the exit status. Only main.c ends the program.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "util.h"
#include "opts.h"
#include "tls.h"
#include "cleaner.h"
#ifdef DC_HIWATER
#include "hiwater.h"
#endif

static void
on_signal(int sig)
{
	if (sig == SIGHUP)
		reloading = 1;
	else if (sig == SIGUSR1)
		reporting = 1;	/* the loop prints the report */
	else
		stopping = 1;
}

/* SIGHUP: the same command line (kept by opts.c), the config file again */
static int
reload(struct settings *s)
{
	char err[512];

	if (settings_reload(s, err, sizeof err) != 0) {
		logm(L_ERROR, "reload: %s", err);
		return -1;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	struct sigaction sa;
	struct settings s;
	struct target tg;
	char err[512], hs[HSIZE_LEN];
	int r;
#ifdef DC_HIWATER
	int hw = hw_start();
#endif

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGPIPE, &sa, NULL);	/* a closed socket is an error */
	sa.sa_handler = on_signal;	/* delivered inside waits only */
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	sigaction(SIGUSR1, &sa, NULL);
	signals_block();

	r = settings_load(&s, argc, argv, err, sizeof err);
	if (r > 0)
		return 0;
	if (r < 0) {
		fmt_dprintf(2, "docker-cleaner: %s\n", err);
		return 2;
	}
	/* a bad host is bad input: exit 2 before anything is contacted */
	if (target_parse(s.host, &tg, err, sizeof err) < 0) {
		fmt_dprintf(2, "docker-cleaner: %s\n", err);
		return 2;
	}
	tg.tls = s.tls;
	log_level = verbose_level(s.verbose);
	if (settings_no_config(&s))
		info("default config file %s not found; relying on the "
		    "command line", settings_no_config(&s));
	if (tg.kind == T_TCP && (tg.tls || !tls_built)) {
		if (tls_setup(s.tlsca, s.tlscert, s.tlskey, s.tls_explicit,
		    s.host, err, sizeof err) < 0) {
			fmt_dprintf(2, "docker-cleaner: %s\n", err);
			return 2;
		}
	} else if (tg.kind == T_TCP) {
		warn("%s: plain TCP: the connection is neither encrypted nor "
		    "authenticated (use --tlsverify)", tg.text);
	}
	info("quota %s, remove stopped containers: %s%s",
	    share_text(hs, sizeof hs, s.quota),
	    s.rsc == RSC_NEVER ? "never" : s.rsc == RSC_ONEXIT ? "onexit" :
	    "always", s.dry_run ? ", dry run" : "");
	r = cleaner_run(&s, &tg, reload);
#ifdef DC_HIWATER
	if (hw && hw_report() < 0)
		return 3;	/* a bound was exceeded: only in this test mode */
#endif
	return r;
}
