/* See LICENSE file for copyright and license details. */
/*
 * The program's options: one table (rows[]) that the engine of optab.c
 * turns into the help, the command line, the config file keys and their
 * merge; the defaults; the host and TLS files, which come from the
 * environment too. Owns the config file buffer and what the command line
 * said, kept for settings_reload.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fmt.h"
#include "bounds.h"
#include "json.h"
#include "log.h"
#include "util.h"
#ifdef DC_HIWATER
#include "hiwater.h"
#endif
#include "opts.h"
#include "optab.h"
#include "keep.h"

_Static_assert(RESYNC_MIN_MS >= 1, "0 is never; the minimum is above it");

static const char *const modes[] = { "never", "onexit", "always", NULL };
static const char *const accountings[] = { "disk", "sum", NULL };

/* a resync interval other than 0 (never) under the minimum: a tight loop */
static int
resync_check(const void *value, char *why, size_t whysz)
{
	long long ms = *(const long long *)value;

	if (ms > 0 && ms < RESYNC_MIN_MS) {
		fmt_snprintf(why, whysz, "shorter than %d ms (0 turns the resync "
		    "off)", (int)RESYNC_MIN_MS);
		return -1;
	}
	return 0;
}

/* a metrics file: its folder must exist, and it must not be one */
static int
metrics_check(const void *value, char *why, size_t whysz)
{
	const char *path = value, *slash = strrchr(path, '/');
	char dir[PATH_LEN];
	struct stat st;

	if (!*path) {
		fmt_snprintf(why, whysz, "empty");
		return -1;
	}
	/* the folder: "." without a slash, "/" for "/NAME" */
	fmt_snprintf(dir, sizeof dir, "%.*s", !slash ? 1 : slash == path ? 1 :
	    (int)(slash - path), slash ? path : ".");
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fmt_snprintf(why, whysz, "folder %s does not exist", dir);
		return -1;
	}
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		fmt_snprintf(why, whysz, "a folder");
		return -1;
	}
	return 0;
}

#define AT(f) .off = offsetof(struct settings, f), \
	.size = sizeof(((struct settings *)0)->f)

/* an option: a row here (with a validator where needed), and the docs */
static const struct opt rows[] = {
	{ .flag = "--config", .kind = OPT_PATH, AT(config), .arg = "FILE",
	  .help = "JSON config file (default " DEFAULT_CONFIG ")" },
	{ .flag = "--quota", .key = "Quota", .kind = OPT_SIZE, AT(quota),
	  .flags = OPT_PERCENT, .arg = "SIZE", .help = "space for images: "
	  "bytes, or K/M/G/T (1024-based) (1G),\nor N% of the filesystem "
	  "holding them (local daemon)" },
	{ .flag = "--accounting", .key = "Accounting", .kind = OPT_ENUM,
	  AT(accounting), .names = accountings, .arg = "HOW",
	  .help = "disk: the quota counts each layer once (/system/df);\n"
	  "sum: the sum of the images' sizes (disk)" },
	{ .flag = "--min-free", .key = "MinFree", .kind = OPT_SIZE,
	  AT(min_free), .flags = OPT_PERCENT, .arg = "SIZE",
	  .help = "also delete while the filesystem of the images has less\n"
	  "free space: a size or N% (local daemon; 0: off) (0)" },
	{ .flag = "--remove-stopped-containers",
	  .key = "RemoveStoppedContainers", .kind = OPT_ENUM, AT(rsc),
	  .names = modes, .arg = "MODE", .help = "never; onexit: when a "
	  "container exits; always: onexit,\nand every exited container at "
	  "startup (always)" },
	{ .flag = "--host", .key = "Host", .kind = OPT_STRING, AT(host),
	  .arg = "URL", .help = "daemon: unix:///PATH or tcp://HOST:PORT "
	  "(DOCKER_HOST,\nelse " DEFAULT_HOST ")" },
	{ .flag = "--tlsverify", .key = "TLSVerify", .kind = OPT_BOOL, AT(tls),
	  .help = "TLS with client certificates to tcp:// hosts\n"
	  "(DOCKER_TLS_VERIFY); files from DOCKER_CERT_PATH, else\n"
	  "~/.docker: ca.pem, cert.pem, key.pem" },
	{ .flag = "--tlscacert", .key = "TLSCACert", .kind = OPT_PATH,
	  AT(tlsca), .arg = "FILE", .help = "the CA certificates (implies "
	  "--tlsverify)" },
	{ .flag = "--tlscert", .key = "TLSCert", .kind = OPT_PATH, AT(tlscert),
	  .arg = "FILE", .help = "the client certificate (implies "
	  "--tlsverify)" },
	{ .flag = "--tlskey", .key = "TLSKey", .kind = OPT_PATH, AT(tlskey),
	  .arg = "FILE", .help = "its private key (implies --tlsverify)" },
	{ .flag = "--state-file", .key = "StateFile", .kind = OPT_PATH,
	  AT(state_file), .flags = OPT_EMPTY, .arg = "PATH",
	  .help = "last uses of images, kept across restarts\n(" DEFAULT_STATE
	  "; \"\" for none)" },
	{ .flag = "--resync-interval", .key = "ResyncInterval",
	  .kind = OPT_DURATION, AT(resync_ms), .check = resync_check,
	  .arg = "DURATION", .help = "take a full new inventory this often "
	  "(5m; at least\n1s; 0: never)" },
	{ .flag = "--keep", .key = "KeepImages", .kind = OPT_LIST, AT(keep),
	  .check = keep_check_pattern, .arg = "PATTERN", .help = "never "
	  "delete images whose repo:tag, repo@digest or ID\nmatches this "
	  "glob (fnmatch; hex digits: an ID prefix);\nrepeatable" },
	{ .flag = "--keep-label", .key = "KeepLabels", .kind = OPT_LIST,
	  AT(keep_label), .check = keep_check_label, .arg = "KEY[=VALUE]",
	  .help = "never delete images with this label (and value);\n"
	  "repeatable" },
	{ .flag = "--min-age", .key = "MinAge", .kind = OPT_DURATION,
	  AT(min_age_ms), .arg = "DURATION", .help = "never delete an image "
	  "used or arrived less than this\nago (0: none)" },
	{ .flag = "--once", .kind = OPT_BOOL, AT(once),
	  .help = "one pass, then exit" },
	{ .flag = "--dry-run", .kind = OPT_BOOL, AT(dry_run),
	  .help = "decide and report; delete and remove nothing" },
	{ .flag = "--verbose", .shortf = 'v', .key = "Verbose",
	  .kind = OPT_COUNT, .max = 10, AT(verbose),
	  .help = "more log (-v info, -vv debug)" },
	{ .flag = "--report", .kind = OPT_BOOL, AT(report),
	  .help = "one pass: print each image, its decision and why;\n"
	  "delete and remove nothing" },
	{ .flag = "--json", .kind = OPT_BOOL, AT(json),
	  .help = "reports (--report, SIGUSR1) as one JSON document" },
	{ .flag = "--metrics-file", .key = "MetricsFile", .kind = OPT_PATH,
	  AT(metrics_file), .check = metrics_check, .arg = "PATH",
	  .help = "after every pass, metrics in Prometheus text format" },
};
#define NROWS (sizeof rows / sizeof rows[0])

/*
 * The config file's text (one byte more than CONFIG_MAX: too large) and,
 * right after the text, its CONFIG_TOKENS JSON tokens (config_parse): a
 * small file and its tokens share a page, not one page each
 */
static union {
	char text[CONFIG_MAX + 1];
	struct jtok t[(CONFIG_MAX + 1) / sizeof(struct jtok) + 1 +
	    CONFIG_TOKENS];
} cfg;

static const struct optab tab = {
	rows, NROWS, "docker-cleaner",
	"Keep the Docker images of a host under a size quota, least recently "
	"used\nfirst, and remove stopped containers.",
	"Exit status: 0 success, 1 failure, 2 bad usage or configuration.\n"
	"See docker-cleaner(8).\n",
	NULL, CONFIG_TOKENS,	/* toks: placed by config_parse */
};

/* what the command line said: the values, and which flags it gave */
static struct settings flags;
static unsigned char given[NROWS];

#ifdef DC_HIWATER
const struct hw_region hw_opts[] = {
	{"CONFIG_MAX (tokens)", cfg.text, sizeof cfg},
	{0},
};
#endif

/* did the command line give flag */
static int
said(const char *flag)
{
	size_t i;

	for (i = 0; i < NROWS; i++)
		if (rows[i].flag && strcmp(rows[i].flag, flag) == 0)
			return given[i];
	return 0;
}

int
config_parse(struct settings *s, const char *buf, size_t n, const char *path,
    char *err, size_t errsz)
{
	struct optab t = tab;

	/*
	 * the tokens start past the text when it is cfg's (config_load read
	 * at most CONFIG_MAX bytes into it), at its start when not (the text
	 * is the caller's, of any length: the unit tests)
	 */
	t.toks = buf == cfg.text && n <= CONFIG_MAX ?
	    cfg.t + n / sizeof cfg.t[0] + 1 : cfg.t;
	if (opt_config(&t, s, buf, n, path, err, errsz) < 0)
		return -1;
	if (*s->tlsca || *s->tlscert || *s->tlskey)
		s->tls_explicit = 1;	/* named by the file */
	return 0;
}

#ifdef DC_TEST_HOOKS
/* test copies only (tests/integration/hooks.mk): another default file */
static const char *
default_config(void)
{
	const char *p = getenv("DC_TEST_DEFAULT_CONFIG");

	return p && *p ? p : DEFAULT_CONFIG;
}
#else
#define default_config() DEFAULT_CONFIG
#endif

const char *
settings_no_config(const struct settings *s)
{
	return s->config[0] ? NULL : default_config();
}

/*
 * Read the config file; 0, 1 when a missing default is skipped (not at a
 * reload: strict), -1.
 */
static int
config_load(struct settings *s, const char *path, int explicit, int strict,
    char *err, size_t errsz)
{
	char *buf = cfg.text;
	size_t n;

	/* one byte more than allowed tells a file that is too large */
	if (read_file(path, buf, sizeof cfg.text, &n) < 0) {
		/* said at info level by the caller (settings_no_config) */
		if (errno == ENOENT && !explicit && !strict)
			return 1;
		fmt_snprintf(err, errsz, "config file %s: %s", path, strerror(errno));
		return -1;
	}
	if (n > CONFIG_MAX) {
		fmt_snprintf(err, errsz, "config file %s: larger than %d bytes",
		    path, CONFIG_MAX);
		return -1;
	}
	return config_parse(s, buf, n, path, err, errsz);
}

/* the host: --host, the config file's Host, DOCKER_HOST, the default */
static int
host_of(struct settings *s, char *err, size_t errsz)
{
	const char *env = getenv("DOCKER_HOST");

	if (said("--host") || s->host[0])
		;
	else if (env && strlen(env) >= sizeof s->host) {
		fmt_snprintf(err, errsz, "host '%.40s...': too long", env);
		return -1;
	} else if (env) {
		strcpy(s->host, env);
	}
	if (!s->host[0])
		strcpy(s->host, DEFAULT_HOST);
	return 0;
}

/*
 * The TLS files: a flag, else the config file's key, else NAME in
 * DOCKER_CERT_PATH, else in ~/.docker. 0 or -1.
 */
static int
tls_paths(struct settings *s, char *err, size_t errsz)
{
	static const char *const names[] = { "ca.pem", "cert.pem", "key.pem" };
	static const char *const flag[] = { "--tlscacert", "--tlscert",
	    "--tlskey" };
	char *dst[3] = { s->tlsca, s->tlscert, s->tlskey };
	const char *dir = getenv("DOCKER_CERT_PATH"), *home = getenv("HOME");
	int i, n;

	for (i = 0; i < 3; i++) {
		if (said(flag[i]))
			s->tls_explicit = 1;
		if (said(flag[i]) || dst[i][0])
			continue;	/* the flag, or the config file */
		if (dir && *dir)
			n = fmt_snprintf(dst[i], PATH_LEN, "%s/%s", dir, names[i]);
		else
			n = fmt_snprintf(dst[i], PATH_LEN, "%s/.docker/%s",
			    home && *home ? home : "", names[i]);
		if (n < 0 || n >= PATH_LEN) {
			fmt_snprintf(err, errsz, "TLS file path for %s longer than "
			    "%d bytes", names[i], PATH_LEN - 1);
			return -1;
		}
	}
	return 0;
}

/* a share of the images' filesystem needs it visible: a local daemon */
static int
local_check(const struct settings *s, char *err, size_t errsz)
{
	long long v = s->quota < 0 ? s->quota : s->min_free;

	if ((s->quota >= 0 && !s->min_free) || strncmp(s->host, "tcp://", 6))
		return 0;
	fmt_snprintf(err, errsz, "%s '%lld%s': the images' filesystem is measured "
	    "here, so the daemon must be local (unix://), not %.100s",
	    s->quota < 0 ? "quota" : "min-free", v < 0 ? -v : v,
	    v < 0 ? "%" : " bytes", s->host);
	return -1;
}

/* s from the defaults, the config file, the command line kept, the env */
static int
settings_make(struct settings *s, int strict, char *err, size_t errsz)
{
	const char *env;
	int r;

	memset(s, 0, sizeof *s);
	s->quota = DEFAULT_QUOTA;
	s->rsc = RSC_ALWAYS;
	s->resync_ms = DEFAULT_RESYNC_MS;
	strcpy(s->state_file, DEFAULT_STATE);
	fmt_snprintf(s->config, sizeof s->config, "%s",
	    said("--config") ? flags.config : default_config());
	if ((r = config_load(s, s->config, said("--config"), strict, err,
	    errsz)) < 0)
		return -1;
	if (r == 1)
		s->config[0] = '\0';
	opt_merge(&tab, s, &flags, given);
	if (host_of(s, err, errsz) < 0 || local_check(s, err, errsz) < 0 ||
	    tls_paths(s, err, errsz) < 0)
		return -1;
	env = getenv("DOCKER_TLS_VERIFY");
	s->tls = s->tls || (env && *env) || s->tls_explicit;
	s->api_pin = getenv("DOCKER_API_VERSION");
	if (s->api_pin && !*s->api_pin)
		s->api_pin = NULL;
	return 0;
}

int
settings_load(struct settings *s, int argc, char **argv, char *err,
    size_t errsz)
{
	static int loaded;	/* flags is zero (static) until a first load */
	int r;

	/*
	 * the flags are checked before the file, so bad ones are named first.
	 * flags is cleared for a second load only (the unit tests): its pages
	 * are touched only as far as the flags given
	 */
	if (loaded)
		memset(&flags, 0, sizeof flags);
	loaded = 1;
	if ((r = opt_args(&tab, &flags, given, argc, argv, err, errsz)) != 0)
		return r;
	return settings_make(s, 0, err, errsz);
}

int
settings_reload(struct settings *s, char *err, size_t errsz)
{
	static struct settings fresh;

	if (settings_make(&fresh, 1, err, errsz) < 0)
		return -1;
	*s = fresh;
	return 0;
}
