/* See LICENSE file for copyright and license details. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "json.h"
#include "log.h"
#include "hiwater.h"
#include "opts.h"

_Static_assert(RESYNC_MIN_MS >= 1, "0 is never; the minimum is above it");

static const char usage[] =
"usage: docker-cleaner [--config FILE] [--quota SIZE]\n"
"                      [--remove-stopped-containers never|onexit|always]\n"
"                      [--host URL] [--tlsverify] [--tlscacert FILE]\n"
"                      [--tlscert FILE] [--tlskey FILE] [--state-file PATH]\n"
"                      [--resync-interval DURATION] [--once] [--dry-run]\n"
"                      [-v|--verbose]... [--version] [--help]\n"
"\n"
"Keep the Docker images of a host under a size quota, least recently used\n"
"first, and remove stopped containers.\n"
"\n"
"  --config FILE   JSON config file (default " DEFAULT_CONFIG ")\n"
"  --quota SIZE    space for images: bytes, or K/M/G/T (1024-based) (1G)\n"
"  --remove-stopped-containers MODE\n"
"                  never; onexit: when a container exits; always: onexit,\n"
"                  and every exited container at startup (always)\n"
"  --host URL      daemon: unix:///PATH or tcp://HOST:PORT (DOCKER_HOST,\n"
"                  else " DEFAULT_HOST ")\n"
"  --state-file PATH  last uses of images, kept across restarts\n"
"                  (" DEFAULT_STATE "; \"\" for none)\n"
"  --resync-interval DURATION\n"
"                  take a full new inventory this often (5m; at least\n"
"                  1s; 0: never)\n"
"  --tlsverify     TLS with client certificates to tcp:// hosts\n"
"                  (DOCKER_TLS_VERIFY); files from DOCKER_CERT_PATH, else\n"
"                  ~/.docker: ca.pem, cert.pem, key.pem\n"
"  --tlscacert FILE, --tlscert FILE, --tlskey FILE\n"
"                  those files by name (imply --tlsverify)\n"
"  --once          one pass, then exit\n"
"  --dry-run       decide and report; delete and remove nothing\n"
"  -v, --verbose   more log (-v info, -vv debug)\n"
"\n"
"Config keys: Quota, RemoveStoppedContainers, Verbose, StateFile,\n"
"ResyncInterval, Host, TLSVerify, TLSCACert, TLSCert, TLSKey.\n"
"Exit status: 0 success, 1 failure, 2 bad usage or configuration.\n"
"See docker-cleaner(8).\n";

static const char *const modes[] = { "never", "onexit", "always" };

/* what the command line said; NULL or -1 where it said nothing */
struct given {
	const char *config, *quota, *rsc, *host, *state, *resync;
	const char *tlsca, *tlscert, *tlskey;
	int verbose, tlsverify;
};

int
parse_size(const char *str, long long *out, const char **why)
{
	unsigned long long ip = 0, fp = 0, fscale = 1, mult = 1, v;
	const char *p = str;
	int digits = 0, fdigits = 0, shift = 0;

	if (*p == '\0') {
		*why = "empty";
		return -1;
	}
	if (*p == '-') {
		*why = "negative";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (ip > (ULLONG_MAX - 9) / 10)
			goto big;
		ip = ip * 10 + (unsigned)(*p - '0');
	}
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9'; p++) {
			if (fdigits == 18)
				goto bad;
			fp = fp * 10 + (unsigned)(*p - '0');
			fscale *= 10;
			fdigits++;
		}
		if (fdigits == 0)
			goto bad;
	}
	if (digits == 0)
		goto bad;
	switch (*p) {
	case 'k': case 'K': shift = 10; p++; break;
	case 'm': case 'M': shift = 20; p++; break;
	case 'g': case 'G': shift = 30; p++; break;
	case 't': case 'T': shift = 40; p++; break;
	}
	if (*p == 'b' || *p == 'B')
		p++;
	if (*p != '\0')
		goto bad;
	mult = 1ULL << shift;
	if (ip > (unsigned long long)LLONG_MAX / mult)
		goto big;
	v = ip * mult;
	/* the fraction: fp / fscale of mult, rounded down to whole bytes */
	if (fdigits) {
		unsigned long long f = 0, q = fp, k;
		/* fp < 10^18 and mult <= 2^40: multiply in parts to stay exact */
		for (k = 0; k < (unsigned long long)shift; k++) {
			q *= 2;
			f = f * 2 + q / fscale;
			q %= fscale;
		}
		if (shift == 0 && fp != 0) {
			*why = "a fraction of a byte";
			return -1;
		}
		if (v > (unsigned long long)LLONG_MAX - f)
			goto big;
		v += f;
	}
	*out = (long long)v;
	return 0;
big:
	*why = "too large";
	return -1;
bad:
	*why = "not a size (a number with an optional K, M, G or T suffix)";
	return -1;
}

int
parse_duration(const char *str, long long *ms, const char **why)
{
	static const struct { const char *unit; long long ms; } units[] = {
		{ "", 1000 }, { "ms", 1 }, { "s", 1000 }, { "m", 60000 },
		{ "h", 3600000 },
	};
	unsigned long long v = 0;
	const char *p = str;
	size_t i;

	if (*p == '\0') {
		*why = "empty";
		return -1;
	}
	if (*p == '-') {
		*why = "negative";
		return -1;
	}
	for (; *p >= '0' && *p <= '9'; p++) {
		/* a year in ms: more digits can only be more than a year */
		if (v > 366ULL * 24 * 3600000) {
			*why = "too large (more than a year)";
			return -1;
		}
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (p == str)
		goto bad;
	for (i = 0; i < sizeof units / sizeof units[0]; i++) {
		if (strcmp(p, units[i].unit) == 0) {
			*ms = (long long)v * units[i].ms;
			if (*ms > 366LL * 24 * 3600000) {
				*why = "too large (more than a year)";
				return -1;
			}
			return 0;
		}
	}
bad:
	*why = "not a duration (a number with ms, s, m or h)";
	return -1;
}

/* a resync interval other than 0 (never) under the minimum: a tight loop */
static int
resync_short(long long ms)
{
	return ms > 0 && ms < RESYNC_MIN_MS;
}

#define RESYNC_SHORT "shorter than %d ms (0 turns the resync off)"

static int
mode_of(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, modes[i]) == 0)
			return i;
	return -1;
}

/* config keys with string values: tls 1 names a TLS file; -1 may be "" */
static const struct strkey {
	const char *key;
	size_t off, size;
	int tls;
} strkeys[] = {
	{ "Host", offsetof(struct settings, tg.text), sizeof(struct target)
	    - offsetof(struct target, text), 0 },
	{ "TLSCACert", offsetof(struct settings, tlsca), PATH_LEN, 1 },
	{ "TLSCert", offsetof(struct settings, tlscert), PATH_LEN, 1 },
	{ "TLSKey", offsetof(struct settings, tlskey), PATH_LEN, 1 },
	{ "StateFile", offsetof(struct settings, state_file), PATH_LEN, -1 },
};

static const struct strkey *
strkey(const char *key)
{
	size_t i;

	for (i = 0; i < sizeof strkeys / sizeof strkeys[0]; i++)
		if (strcmp(key, strkeys[i].key) == 0)
			return &strkeys[i];
	return NULL;
}

static struct jtok ctoks[CONFIG_TOKENS];

/* the token at i as written in the file, sanitised, for a message */
static void
raw(const struct json *j, int i, char *out, size_t n)
{
	san(out, n, j->s + j->t[i].start,
	    (size_t)(j->t[i].end - j->t[i].start));
}
static char cfgbuf[CONFIG_MAX + 1];	/* one byte more: too large */

void
opts_regions(void)
{
	hw_add("CONFIG_MAX", cfgbuf, sizeof cfgbuf);
	hw_add("CONFIG_TOKENS", ctoks, sizeof ctoks);
}

int
config_parse(struct settings *s, const char *buf, size_t n, const char *path,
    char *err, size_t errsz)
{
	struct json j;
	const char *why;
	char v[64], ks[64];
	const struct strkey *sk;
	long long q;
	int k, m, val, b;

	if (json_parse(&j, buf, n, ctoks, CONFIG_TOKENS, &why) < 0) {
		snprintf(err, errsz, "config file %s: %s JSON%s", path, why,
		    strcmp(why, "too many tokens") == 0 ?
		    " (nested or larger than this program reads)" : "");
		return -1;
	}
	if (j.t[0].type != J_OBJECT) {
		snprintf(err, errsz, "config file %s: not a JSON object", path);
		return -1;
	}
	for (k = 1, m = 0; m < j.t[0].size; m++, k = json_skip(&j, k + 1)) {
		val = k + 1;
		if (json_str(&j, k, ks, sizeof ks, NULL) < 0)
			raw(&j, k, ks, sizeof ks);
		if (strcmp(ks, "Quota") == 0) {
			if (j.t[val].type == J_STRING) {
				if (json_str(&j, val, v, sizeof v, NULL) < 0) {
					why = "too long";
					goto badq;
				}
				if (parse_size(v, &q, &why) < 0)
					goto badq;
			} else if (json_int(&j, val, &q) < 0 || q < 0) {
				snprintf(err, errsz, "config file %s: Quota must "
				    "be a size string or a whole number of bytes",
				    path);
				return -1;
			}
			s->quota = q;
		} else if (strcmp(ks, "RemoveStoppedContainers") == 0) {
			if (json_str(&j, val, v, sizeof v, NULL) < 0 ||
			    mode_of(v) < 0) {
				raw(&j, val, v, sizeof v);
				snprintf(err, errsz, "config file %s: "
				    "RemoveStoppedContainers '%s' is not never, "
				    "onexit or always", path, v);
				return -1;
			}
			s->rsc = mode_of(v);
		} else if (strcmp(ks, "Verbose") == 0) {
			if (json_int(&j, val, &q) < 0 || q < 0 || q > 10) {
				snprintf(err, errsz, "config file %s: Verbose "
				    "must be a whole number from 0 to 10", path);
				return -1;
			}
			s->verbose = (int)q;
		} else if (strcmp(ks, "TLSVerify") == 0) {
			if (json_bool(&j, val, &b) < 0) {
				snprintf(err, errsz, "config file %s: TLSVerify "
				    "must be true or false", path);
				return -1;
			}
			s->tg.tls = b;
		} else if ((sk = strkey(ks))) {
			char *dst = (char *)s + sk->off;
			if (json_str(&j, val, dst, sk->size, NULL) < 0 ||
			    (!*dst && sk->tls >= 0)) {
				snprintf(err, errsz, "config file %s: %s must be "
				    "a%s string shorter than %zu bytes", path,
				    ks, sk->tls >= 0 ? " non-empty" : "",
				    sk->size);
				return -1;
			}
			if (sk->tls > 0)
				s->tls_explicit = 1;
		} else if (strcmp(ks, "ResyncInterval") == 0) {
			if (j.t[val].type == J_STRING) {
				if (json_str(&j, val, v, sizeof v, NULL) < 0 ||
				    parse_duration(v, &q, &why) < 0) {
					raw(&j, val, v, sizeof v);
					snprintf(err, errsz, "config file %s: "
					    "ResyncInterval '%s': not a duration "
					    "(a number with ms, s, m or h)", path, v);
					return -1;
				}
			} else if (json_int(&j, val, &q) < 0 || q < 0 ||
			    q > 366LL * 24 * 3600) {
				snprintf(err, errsz, "config file %s: "
				    "ResyncInterval must be a duration string or "
				    "a whole number of seconds", path);
				return -1;
			} else {
				q *= 1000;
			}
			if (resync_short(q)) {
				raw(&j, val, v, sizeof v);
				snprintf(err, errsz, "config file %s: "
				    "ResyncInterval '%s': " RESYNC_SHORT, path,
				    v, (int)RESYNC_MIN_MS);
				return -1;
			}
			s->resync_ms = q;
		} else {
			/* as written in the file, sanitised: no control byte */
			raw(&j, k, ks, sizeof ks);
			warn("config file %s: unknown key '%s' ignored", path, ks);
		}
	}
	return 0;
badq:
	raw(&j, val, v, sizeof v);
	snprintf(err, errsz, "config file %s: Quota '%s': %s", path, v, why);
	return -1;
}

/* at a reload: a config file that cannot be read is an error */
static int strict_config;

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

/* read the config file; 0, 1 when a missing default is skipped, -1 */
static int
config_load(struct settings *s, const char *path, int explicit, char *err,
    size_t errsz)
{
	char *buf = cfgbuf;
	ssize_t r = 0;
	size_t n = 0;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		if (errno == ENOENT && !explicit && !strict_config) {
			warn("default config file %s not found; relying on the "
			    "command line", path);
			return 1;
		}
		snprintf(err, errsz, "config file %s: %s", path, strerror(errno));
		return -1;
	}
	/* one byte more than allowed tells a file that is too large */
	while (n < sizeof cfgbuf &&
	    (r = read(fd, buf + n, sizeof cfgbuf - n)) > 0)
		n += (size_t)r;
	close(fd);
	if (r < 0) {
		snprintf(err, errsz, "config file %s: %s", path, strerror(errno));
		return -1;
	}
	if (n > CONFIG_MAX) {
		snprintf(err, errsz, "config file %s: larger than %d bytes",
		    path, CONFIG_MAX);
		return -1;
	}
	return config_parse(s, buf, n, path, err, errsz);
}

/* the value of option opt: "--opt=value" or "--opt value" */
static int
optval(int argc, char **argv, int *i, const char *opt, const char **val,
    char *err, size_t errsz)
{
	size_t n = strlen(opt);
	const char *a = argv[*i];

	if (strncmp(a, opt, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return 0;
	if (a[n] == '=') {
		*val = a + n + 1;
		return 1;
	}
	if (*i + 1 >= argc) {
		snprintf(err, errsz, "option %s needs a value", opt);
		return -1;
	}
	*val = argv[++*i];
	return 1;
}

static int
parse_args(struct given *g, struct settings *s, int argc, char **argv,
    char *err, size_t errsz)
{
	static const char *const valued[] = { "--config", "--quota",
	    "--remove-stopped-containers", "--host", "--state-file",
	    "--resync-interval", "--tlscacert", "--tlscert", "--tlskey" };
	const char **slot[9];
	const char *a;
	int i, k, r;

	slot[0] = &g->config;
	slot[1] = &g->quota;
	slot[2] = &g->rsc;
	slot[3] = &g->host;
	slot[4] = &g->state;
	slot[5] = &g->resync;
	slot[6] = &g->tlsca;
	slot[7] = &g->tlscert;
	slot[8] = &g->tlskey;
	for (i = 1; i < argc; i++) {
		a = argv[i];
		for (k = 0; k < 9; k++) {
			if ((r = optval(argc, argv, &i, valued[k], slot[k], err,
			    errsz)) < 0)
				return -1;
			if (r)
				break;
		}
		if (k < 9)
			continue;
		if (strcmp(a, "--once") == 0)
			s->once = 1;
		else if (strcmp(a, "--dry-run") == 0)
			s->dry_run = 1;
		else if (strcmp(a, "--tlsverify") == 0)
			g->tlsverify = 1;
		else if (strcmp(a, "--verbose") == 0)
			g->verbose = g->verbose < 0 ? 1 : g->verbose + 1;
		else if (a[0] == '-' && a[1] == 'v' &&
		    strspn(a + 1, "v") == strlen(a + 1))
			g->verbose = (g->verbose < 0 ? 0 : g->verbose) +
			    (int)strlen(a + 1);
		else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			fputs(usage, stdout);
			return 1;
		} else if (strcmp(a, "--version") == 0) {
			puts("docker-cleaner " VERSION);
			return 1;
		} else if (a[0] == '-') {
			snprintf(err, errsz, "unknown option '%.100s' (see "
			    "--help)", a);
			return -1;
		} else {
			snprintf(err, errsz, "unexpected argument '%.100s' "
			    "(see --help)", a);
			return -1;
		}
	}
	return 0;
}

/*
 * The TLS files: a flag, else the config file's key, else NAME in
 * DOCKER_CERT_PATH, else in ~/.docker. 0 or -1.
 */
static int
tls_paths(struct settings *s, const struct given *g, char *err, size_t errsz)
{
	static const char *const names[] = { "ca.pem", "cert.pem", "key.pem" };
	const char *flag[3] = { g->tlsca, g->tlscert, g->tlskey };
	char *dst[3] = { s->tlsca, s->tlscert, s->tlskey };
	const char *dir = getenv("DOCKER_CERT_PATH"), *home = getenv("HOME");
	int i, n;

	for (i = 0; i < 3; i++) {
		if (flag[i]) {
			s->tls_explicit = 1;
			n = snprintf(dst[i], PATH_LEN, "%s", flag[i]);
		} else if (dst[i][0]) {
			continue;	/* from the config file */
		} else if (dir && *dir) {
			n = snprintf(dst[i], PATH_LEN, "%s/%s", dir, names[i]);
		} else {
			n = snprintf(dst[i], PATH_LEN, "%s/.docker/%s",
			    home && *home ? home : "", names[i]);
		}
		if (n < 0 || n >= PATH_LEN) {
			snprintf(err, errsz, "TLS file path for %s longer than "
			    "%d bytes", names[i], PATH_LEN - 1);
			return -1;
		}
	}
	return 0;
}

int
settings_load(struct settings *s, int argc, char **argv, char *err,
    size_t errsz)
{
	struct given g = { NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
	    NULL, -1, 0 };
	char cfghost[sizeof s->tg.text];
	const char *host, *why, *env;
	int tls;
	long long q, rs = 0;
	int r;

	memset(s, 0, sizeof *s);
	s->quota = DEFAULT_QUOTA;
	s->rsc = RSC_ALWAYS;
	s->resync_ms = DEFAULT_RESYNC_MS;
	strcpy(s->state_file, DEFAULT_STATE);
	if ((r = parse_args(&g, s, argc, argv, err, errsz)) != 0)
		return r;
	/* check the flags before the file, so bad flags are named first */
	if (g.quota && parse_size(g.quota, &q, &why) < 0) {
		snprintf(err, errsz, "--quota '%.60s': %s", g.quota, why);
		return -1;
	}
	if (g.rsc && mode_of(g.rsc) < 0) {
		snprintf(err, errsz, "--remove-stopped-containers '%.60s': not "
		    "never, onexit or always", g.rsc);
		return -1;
	}
	if (g.resync && parse_duration(g.resync, &rs, &why) < 0) {
		snprintf(err, errsz, "--resync-interval '%.60s': %s", g.resync,
		    why);
		return -1;
	}
	if (g.resync && resync_short(rs)) {
		snprintf(err, errsz, "--resync-interval '%.60s': " RESYNC_SHORT,
		    g.resync, (int)RESYNC_MIN_MS);
		return -1;
	}
	if (g.state && strlen(g.state) >= sizeof s->state_file) {
		snprintf(err, errsz, "--state-file: path longer than %zu bytes",
		    sizeof s->state_file - 1);
		return -1;
	}
	if (g.config && strlen(g.config) >= sizeof s->config) {
		snprintf(err, errsz, "--config: path longer than %zu bytes",
		    sizeof s->config - 1);
		return -1;
	}
	snprintf(s->config, sizeof s->config, "%s",
	    g.config ? g.config : default_config());
	if ((r = config_load(s, s->config, g.config != NULL, err, errsz)) < 0)
		return -1;
	if (r == 1)
		s->config[0] = '\0';
	/* the host: --host, the config file's Host, DOCKER_HOST, default */
	tls = s->tg.tls;
	snprintf(cfghost, sizeof cfghost, "%s", s->tg.text);
	host = g.host ? g.host : cfghost[0] ? cfghost : getenv("DOCKER_HOST");
	if (!host || !*host)
		host = DEFAULT_HOST;
	if (target_parse(host, &s->tg, err, errsz) < 0)
		return -1;
	if (tls_paths(s, &g, err, errsz) < 0)
		return -1;
	env = getenv("DOCKER_TLS_VERIFY");
	s->tg.tls = tls || g.tlsverify || (env && *env) || s->tls_explicit;
	if (g.quota)
		s->quota = q;
	if (g.rsc)
		s->rsc = mode_of(g.rsc);
	if (g.verbose >= 0)
		s->verbose = g.verbose;
	if (g.resync)
		s->resync_ms = rs;
	if (g.state)
		strcpy(s->state_file, g.state);
	s->api_pin = getenv("DOCKER_API_VERSION");
	if (s->api_pin && !*s->api_pin)
		s->api_pin = NULL;
	return 0;
}

int
settings_reload(struct settings *s, int argc, char **argv, char *err,
    size_t errsz)
{
	int r;

	strict_config = 1;
	r = settings_load(s, argc, argv, err, errsz);
	strict_config = 0;
	return r;
}
