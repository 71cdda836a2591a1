/* See LICENSE file for copyright and license details. */
/*
 * Settings: sizes, the JSON config file, and the command line over both.
 * settings_load reads DOCKER_HOST and a config file: the tests set the one
 * and write the other to a temporary file.
 */
#include <fcntl.h>
#include <stddef.h>
#include <stdlib.h>
#include <sys/types.h>
#include <unistd.h>

#include "unit.h"
#include "bounds.h"
#include "conn.h"
#include "json.h"
#include "log.h"
#include "opts.h"
#include "optab.h"

#define ARGC(a) ((int)(sizeof a / sizeof a[0]) - 1)

static char err[512];
static char path[64];
static struct settings s;
static struct target tg;	/* s.host parsed, as main.c does */

static int
size_is(const char *str, long long want)
{
	const char *why = NULL;
	long long v = -7;

	return parse_size(str, &v, &why) == 0 && v == want;
}

/* parse_size fails, saying why; why contains what, if not NULL */
static int
size_bad(const char *str, const char *what)
{
	const char *why = NULL;
	long long v = -7;

	return parse_size(str, &v, &why) == -1 && v == -7 && why && *why &&
	    (!what || strstr(why, what));
}

static int
sizes(void)
{
	check(size_is("1", 1));
	check(size_is("82", 82));
	check(size_is("0", 0));
	check(size_is("2K", 2LL << 10));
	check(size_is("3k", 3LL << 10));
	check(size_is("4M", 4LL << 20));
	check(size_is("5m", 5LL << 20));
	check(size_is("6G", 6LL << 30));
	check(size_is("7g", 7LL << 30));
	check(size_is("8T", 8LL << 40));
	check(size_is("9t", 9LL << 40));
	check(size_is("10GB", 10LL << 30));
	check(size_is("10gb", 10LL << 30));
	check(size_is("10Gb", 10LL << 30));
	check(size_is("20B", 20));
	check(size_is("20b", 20));
	check(size_is("1.5G", 1610612736));
	check(size_is("0.5K", 512));
	check(size_is("1.0", 1));
	check(size_is("0.0009765625K", 1));
	check(size_is("1.999K", 2046));	/* 2046.976: rounded down */
	check(size_is("007M", 7LL << 20));
	check(size_is("9223372036854775807", 9223372036854775807LL));
	check(size_is("8388607T", 8388607LL << 40));
	check(size_is("8388607.5T", (8388607LL << 40) + (1LL << 39)));
	check(size_is("1048576", 1048576));
	return 0;
}

static int
sizes_bad(void)
{
	check(size_bad("", "empty"));
	check(size_bad("-1", "negative"));
	check(size_bad("-1G", "negative"));
	check(size_bad("12X", NULL));
	check(size_bad("1.5.5G", NULL));
	check(size_bad("G", NULL));
	check(size_bad("B", NULL));
	check(size_bad(".5G", NULL));
	check(size_bad("1.", NULL));
	check(size_bad("1.G", NULL));
	check(size_bad(" 1G", NULL));
	check(size_bad("1 G", NULL));
	check(size_bad("1G ", NULL));
	check(size_bad("+1", NULL));
	check(size_bad("1KB B", NULL));
	check(size_bad("1BB", NULL));
	check(size_bad("1GK", NULL));
	check(size_bad("1P", NULL));
	check(size_bad("0x10", NULL));
	check(size_bad("1e3", NULL));
	check(size_bad("1.5", "fraction"));
	check(size_bad("0.5B", "fraction"));
	check(size_bad("99999999999T", "too large"));
	check(size_bad("18446744073709551616", "too large"));
	check(size_bad("9223372036854775808", "too large"));
	check(size_bad("99999999999999999999999999", "too large"));
	check(size_bad("8388608T", "too large"));
	check(size_bad("8796093022208G", "too large"));
	check(size_bad("1.0000000000000000001K", NULL));
	return 0;
}

static int
dur_is(const char *str, long long want)
{
	const char *why = NULL;
	long long v = -7;

	return parse_duration(str, &v, &why) == 0 && v == want;
}

static int
dur_bad(const char *str, const char *what)
{
	const char *why = NULL;
	long long v = -7;

	return parse_duration(str, &v, &why) == -1 && why && *why &&
	    (!what || strstr(why, what));
}

static int
durations(void)
{
	check(dur_is("90s", 90000));
	check(dur_is("5m", 300000));
	check(dur_is("1h", 3600000));
	check(dur_is("500ms", 500));
	check(dur_is("300", 300000));
	check(dur_is("0", 0));
	check(dur_is("0ms", 0));
	check(dur_is("8784h", 8784LL * 3600000));	/* 366 days */
	check(dur_is("31622400", 31622400000LL));
	check(dur_bad("", "empty"));
	check(dur_bad("-1s", "negative"));
	check(dur_bad("8785h", "too large"));
	check(dur_bad("31622401s", "too large"));
	check(dur_bad("9999999999h", "too large"));
	check(dur_bad("99999999999999999999999s", "too large"));
	check(dur_bad("1.5h", NULL));
	check(dur_bad("5 m", NULL));
	check(dur_bad(" 5m", NULL));
	check(dur_bad("5m ", NULL));
	check(dur_bad("m", NULL));
	check(dur_bad("5M", NULL));
	check(dur_bad("5D", NULL));
	check(dur_bad("5sec", NULL));
	check(dur_bad("1hm", NULL));
	check(dur_bad("+5s", NULL));
	/* days (--min-age), to a year; no overflow on the way */
	check(dur_is("1d", 86400000));
	check(dur_is("366d", 366LL * 86400000));
	check(dur_bad("367d", "too large"));
	check(dur_bad("213503982335d", "too large"));	/* wraps to 9.5 h */
	check(dur_bad("316224000009d", "too large"));
	check(dur_bad("1dd", NULL));
	check(dur_bad("d", NULL));
	return 0;
}

/* config_parse of the literal text into s, preset by fresh() */
static int
conf(const char *text)
{
	return config_parse(&s, text, strlen(text), "/x/dc.json", err,
	    sizeof err);
}

static void
fresh(void)
{
	memset(&s, 0, sizeof s);
	s.quota = 123;
	s.rsc = RSC_ONEXIT;
	s.verbose = 5;
	err[0] = '\0';
}

/* config_parse fails with one message naming the file and each of what */
static int
conf_bad(const char *text, const char *what, const char *what2)
{
	fresh();
	return conf(text) == -1 && strstr(err, "/x/dc.json") &&
	    (!what || strstr(err, what)) && (!what2 || strstr(err, what2)) &&
	    !strchr(err, '\n');
}

static int
config_values(void)
{
	fresh();
	check(conf("{\"Quota\":\"1000T\",\"RemoveStoppedContainers\":"
	    "\"always\",\"Verbose\":2}") == 0);
	check(s.quota == 1000LL << 40 && s.rsc == RSC_ALWAYS && s.verbose == 2);
	fresh();
	check(conf("{\"Quota\":12345}") == 0 && s.quota == 12345);
	check(s.rsc == RSC_ONEXIT && s.verbose == 5);
	fresh();
	check(conf("{\"Quota\":0,\"Verbose\":0}") == 0);
	check(s.quota == 0 && s.verbose == 0);
	fresh();
	check(conf(" {\n\t\"RemoveStoppedContainers\" : \"never\"\n}\n") == 0);
	check(s.rsc == RSC_NEVER && s.quota == 123 && s.verbose == 5);
	fresh();
	check(conf("{\"RemoveStoppedContainers\":\"onexit\"}") == 0);
	check(s.rsc == RSC_ONEXIT);
	/* absent keys leave the values alone; unknown keys are ignored */
	fresh();
	check(conf("{}") == 0);
	check(s.quota == 123 && s.rsc == RSC_ONEXIT && s.verbose == 5);
	fresh();
	check(conf("{\"Other\":{\"Quota\":\"1G\"},\"X\":[1,2]}") == 0);
	check(s.quota == 123 && s.rsc == RSC_ONEXIT && s.verbose == 5);
	/* the state file and the resync interval */
	fresh();
	check(conf("{\"StateFile\":\"/var/tmp/dc\",\"ResyncInterval\":\"90s\"}")
	    == 0);
	check(strcmp(s.state_file, "/var/tmp/dc") == 0 && s.resync_ms == 90000);
	check(conf("{\"StateFile\":\"\",\"ResyncInterval\":300}") == 0);
	check(s.state_file[0] == '\0' && s.resync_ms == 300000);
	check(conf("{\"ResyncInterval\":0}") == 0 && s.resync_ms == 0);
	check(conf("{\"ResyncInterval\":\"0ms\"}") == 0 && s.resync_ms == 0);
	check(conf("{\"ResyncInterval\":\"1000ms\"}") == 0 &&
	    s.resync_ms == 1000);
	check(conf("{\"ResyncInterval\":1}") == 0 && s.resync_ms == 1000);
	check(s.quota == 123 && s.rsc == RSC_ONEXIT && s.verbose == 5);
	/* escaped key and value */
	fresh();
	check(conf("{\"Quot\\u0061\":\"2\\u0047\"}") == 0);
	check(s.quota == 2LL << 30);
	return 0;
}

static int
config_errors(void)
{
	static char big[32768];
	size_t n, i;

	check(conf_bad("{\"Quota\":\"12X\"}", "Quota", "'12X'"));
	check(conf_bad("{\"Quota\":\"\"}", "Quota", "empty"));
	check(conf_bad("{\"Quota\":\"8388608T\"}", "Quota", "too large"));
	check(conf_bad("{\"Quota\":true}", "Quota", NULL));
	check(conf_bad("{\"Quota\":null}", "Quota", NULL));
	check(conf_bad("{\"Quota\":-5}", "Quota", NULL));
	check(conf_bad("{\"Quota\":1.5}", "Quota", NULL));
	check(conf_bad("{\"Quota\":1e9}", "Quota", NULL));
	check(conf_bad("{\"Quota\":99999999999999999999}", "Quota", NULL));
	check(conf_bad("{\"Quota\":[\"1G\"]}", "Quota", NULL));
	check(conf_bad("{\"Quota\":\"1111111111111111111111111111111111111111"
	    "11111111111111111111111111111111111111111111111\"}", "Quota",
	    "too long"));
	check(conf_bad("{\"RemoveStoppedContainers\":\"sometimes\"}",
	    "RemoveStoppedContainers", "'sometimes'"));
	check(conf_bad("{\"RemoveStoppedContainers\":\"Always\"}",
	    "RemoveStoppedContainers", "'Always'"));
	check(conf_bad("{\"RemoveStoppedContainers\":3}",
	    "RemoveStoppedContainers", "'3'"));
	check(conf_bad("{\"RemoveStoppedContainers\":true}",
	    "RemoveStoppedContainers", NULL));
	check(conf_bad("{\"Verbose\":\"2\"}", "Verbose", NULL));
	check(conf_bad("{\"Verbose\":-1}", "Verbose", NULL));
	check(conf_bad("{\"Verbose\":11}", "Verbose", NULL));
	check(conf_bad("{\"Verbose\":true}", "Verbose", NULL));
	check(conf_bad("{\"ResyncInterval\":\"x\"}", "ResyncInterval", "'x'"));
	check(conf_bad("{\"ResyncInterval\":\"8785h\"}", "ResyncInterval",
	    "'8785h'"));
	check(conf_bad("{\"ResyncInterval\":31622401}", "ResyncInterval",
	    NULL));
	check(conf_bad("{\"ResyncInterval\":-1}", "ResyncInterval", NULL));
	check(conf_bad("{\"ResyncInterval\":1.5}", "ResyncInterval", NULL));
	check(conf_bad("{\"ResyncInterval\":true}", "ResyncInterval", NULL));
	/* under a second: a tight loop against the daemon (0 is never) */
	check(conf_bad("{\"ResyncInterval\":\"1ms\"}", "ResyncInterval",
	    "'1ms'"));
	check(conf_bad("{\"ResyncInterval\":\"999ms\"}", "ResyncInterval",
	    "shorter than 1000 ms"));
	check(s.resync_ms == 0);
	check(conf_bad("{\"StateFile\":5}", "StateFile", NULL));
	check(conf_bad("{\"StateFile\":null}", "StateFile", NULL));
	n = (size_t)sprintf(big, "{\"StateFile\":\"/");
	memset(big + n, 'a', PATH_LEN - 1);
	sprintf(big + n + PATH_LEN - 1, "\"}");
	check(conf_bad(big, "StateFile", NULL));
	big[n + PATH_LEN - 2] = '"';
	big[n + PATH_LEN - 1] = '}';
	big[n + PATH_LEN] = '\0';
	fresh();
	check(conf(big) == 0 && strlen(s.state_file) == PATH_LEN - 1);
	/* a bad value after good ones */
	check(conf_bad("{\"Verbose\":1,\"Quota\":\"1G\",\"Quota\":\"x\"}",
	    "Quota", "'x'"));
	/* not an object, malformed, empty */
	check(conf_bad("[]", "object", NULL));
	check(conf_bad("\"x\"", "object", NULL));
	check(conf_bad("{\"Quota\":", "malformed", NULL));
	check(conf_bad("{\"Quota\"}", "malformed", NULL));
	check(conf_bad("{\"Quota\":\"1G\"", "malformed", NULL));
	check(conf_bad("{\"Quota\":\"1G\"}}", "malformed", NULL));
	check(conf_bad("{} {}", "malformed", NULL));
	check(conf_bad("", NULL, NULL));
	check(conf_bad("   \n", NULL, NULL));
	/* 10,000 levels deep: an error, no crash */
	n = (size_t)sprintf(big, "{\"a\":");
	for (i = 0; i < 10000; i++)
		big[n++] = '[';
	for (i = 0; i < 10000; i++)
		big[n++] = ']';
	big[n++] = '}';
	big[n] = '\0';
	check(conf_bad(big, "too many tokens", NULL));
	/* more keys than CONFIG_TOKENS tokens */
	n = (size_t)sprintf(big, "{");
	for (i = 0; i < CONFIG_TOKENS / 2 + 1; i++)
		n += (size_t)sprintf(big + n, "%s\"k%zu\":%zu", i ? "," : "",
		    i, i);
	sprintf(big + n, ",\"Quota\":\"1G\"}");
	check(conf_bad(big, "too many tokens", NULL));
	check(s.quota == 123);
	/* just fewer: fine */
	n = (size_t)sprintf(big, "{");
	for (i = 0; i < (CONFIG_TOKENS - 3) / 2; i++)
		n += (size_t)sprintf(big + n, "\"k%zu\":%zu,", i, i);
	sprintf(big + n, "\"Quota\":\"1G\"}");
	fresh();
	check(conf(big) == 0 && s.quota == 1LL << 30);
	return 0;
}

/* config_parse of text with the warnings (stderr) caught in out */
static int
conf_log(const char *text, char *out, size_t n)
{
	char tmp[] = "/tmp/dc-unit-log-XXXXXX";
	int fd, saved, level = log_level, r;
	ssize_t got;

	if ((fd = mkstemp(tmp)) < 0)
		return -2;
	unlink(tmp);
	saved = dup(2);
	dup2(fd, 2);
	log_level = L_WARN;
	r = conf(text);
	log_level = level;
	dup2(saved, 2);
	close(saved);
	got = pread(fd, out, n - 1, 0);
	close(fd);
	out[got > 0 ? got : 0] = '\0';
	return r;
}

/* an unknown key reaches the log sanitised: one line, no escape sequence */
static int
config_unknown_key(void)
{
	char log[1024], *nl;

	fresh();
	check(conf_log("{\"Evil\\nerror: forged\\u001b[2J\":1}", log,
	    sizeof log) == 0);
	check(strstr(log, "unknown key") && strstr(log, "Evil"));
	nl = strchr(log, '\n');
	check(nl && nl[1] == '\0');	/* the line's own end only */
	check(!strchr(log, 0x1b));
	/* raw control bytes in the key, as the JSON parser lets them through */
	fresh();
	check(conf_log("{\"Bell\a\x1b[31m\":1}", log, sizeof log) == 0);
	check(!strchr(log, 0x1b) && !strchr(log, '\a'));
	return 0;
}

/* what follows the text is not read */
static int
config_bounds(void)
{
	static const char text[] = "{\"Quota\":\"1000T\"}";
	static const char cut[] = "{\"Quota\"}\"1000T\"}";

	fresh();
	check(config_parse(&s, text, sizeof text - 1, "/x/dc.json", err,
	    sizeof err) == 0);
	check(s.quota == 1000LL << 40);
	/* a key without a value: no value from a stale token */
	fresh();
	check(config_parse(&s, cut, 9, "/x/dc.json", err, sizeof err) == -1);
	check(s.quota == 123);
	fresh();
	check(config_parse(&s, text, 10, "/x/dc.json", err, sizeof err) == -1);
	return 0;
}

/* write text to a new temporary file, named in path */
static int
file(const char *text)
{
	int fd;
	size_t n = strlen(text);

	strcpy(path, "/tmp/dc-unit-XXXXXX");
	if ((fd = mkstemp(path)) < 0)
		return -1;
	if (write(fd, text, n) != (ssize_t)n) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* the file at path rewritten with text */
static int
rewrite(const char *text)
{
	FILE *f = fopen(path, "w");
	int r;

	if (!f)
		return -1;
	r = fputs(text, f);
	return fclose(f) == 0 && r >= 0 ? 0 : -1;
}

/*
 * settings_load with stdout (usage, version) thrown away, then the host
 * parsed into tg as main.c does (a bad host: -1 with err)
 */
static int
load(int argc, char **argv)
{
	int fd, saved, r;

	memset(&s, 0x55, sizeof s);
	err[0] = '\0';
	fflush(stdout);
	saved = dup(1);
	if ((fd = open("/dev/null", O_WRONLY)) >= 0) {
		dup2(fd, 1);
		close(fd);
	}
	r = settings_load(&s, argc, argv, err, sizeof err);
	fflush(stdout);
	if (saved >= 0) {
		dup2(saved, 1);
		close(saved);
	}
	memset(&tg, 0x55, sizeof tg);
	if (r == 0 && target_parse(s.host, &tg, err, sizeof err) < 0)
		return -1;
	tg.tls = s.tls;
	return r;
}

static const char full[] = "{\"Quota\":\"1000T\",\"RemoveStoppedContainers\":"
    "\"always\",\"Verbose\":2}";

static int
load_file(void)
{
	char *a1[] = { "docker-cleaner", "--config", path, NULL };
	char *a2[] = { "docker-cleaner", "--config", path, "--quota", "1G",
	    "--remove-stopped-containers", "never", "--verbose", NULL };
	char *a3[] = { "docker-cleaner", "--config", path, "-v", "--once",
	    "--dry-run", NULL };
	int r;

	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_API_VERSION");
	check(file(full) == 0);
	r = load(ARGC(a1), a1);
	check(r == 0 && s.quota == 1000LL << 40 && s.rsc == RSC_ALWAYS &&
	    s.verbose == 2);
	check(strcmp(s.config, path) == 0);
	check(s.once == 0 && s.dry_run == 0 && s.api_pin == NULL);
	check(tg.kind == T_UNIX && strcmp(tg.path, "/var/run/docker.sock")
	    == 0);
	/* flags override the file */
	r = load(ARGC(a2), a2);
	check(r == 0 && s.quota == 1LL << 30 && s.rsc == RSC_NEVER &&
	    s.verbose == 1);
	r = load(ARGC(a3), a3);
	check(r == 0 && s.quota == 1000LL << 40 && s.rsc == RSC_ALWAYS &&
	    s.verbose == 1 && s.once == 1 && s.dry_run == 1);
	unlink(path);
	/* the file's "never" stays when no flag says otherwise */
	check(file("{\"RemoveStoppedContainers\":\"never\"}") == 0);
	r = load(ARGC(a1), a1);
	check(r == 0 && s.rsc == RSC_NEVER && s.quota == DEFAULT_QUOTA &&
	    s.verbose == 0);
	r = load(ARGC(a3), a3);
	check(r == 0 && s.rsc == RSC_NEVER && s.verbose == 1);
	unlink(path);
	return 0;
}

static int
load_forms(void)
{
	char cfg[80];
	char *a1[] = { "docker-cleaner", "-vv", "--quota=5M", cfg, NULL };
	char *a2[] = { "docker-cleaner", "-v", "--verbose", "-vvv", cfg,
	    "--remove-stopped-containers=onexit", NULL };
	char *a3[] = { "docker-cleaner", "--config", path, "--quota", "0",
	    "-vv", NULL };
	int r;

	unsetenv("DOCKER_HOST");
	check(file(full) == 0);
	snprintf(cfg, sizeof cfg, "--config=%s", path);
	r = load(ARGC(a1), a1);
	check(r == 0 && s.verbose == 2 && s.quota == 5LL << 20);
	check(s.rsc == RSC_ALWAYS && strcmp(s.config, path) == 0);
	r = load(ARGC(a2), a2);
	check(r == 0 && s.verbose == 5 && s.rsc == RSC_ONEXIT);
	r = load(ARGC(a3), a3);
	check(r == 0 && s.quota == 0 && s.verbose == 2);
	unlink(path);
	return 0;
}

static int
load_state(void)
{
	static char longp[PATH_LEN + 1];
	char *a1[] = { "docker-cleaner", "--config", path, NULL };
	char *a2[] = { "docker-cleaner", "--config", path, "--state-file",
	    "/tmp/dc-state", "--resync-interval", "10m", NULL };
	char *a3[] = { "docker-cleaner", "--config", path, "--state-file=",
	    "--resync-interval=0", NULL };
	char *a4[] = { "docker-cleaner", "--config", path, "--resync-interval",
	    "5x", NULL };
	char *a5[] = { "docker-cleaner", "--config", path, "--state-file",
	    longp, NULL };
	char *a6[] = { "docker-cleaner", "--config", "/nonexistent/dc.json",
	    "--resync-interval", "1.5h", NULL };
	char *a7[] = { "docker-cleaner", "--config", path,
	    "--resync-interval=1ms", NULL };
	char *a8[] = { "docker-cleaner", "--config", path,
	    "--resync-interval", "1s", NULL };

	unsetenv("DOCKER_HOST");
	check(file("{\"StateFile\":\"/var/tmp/dc\",\"ResyncInterval\":\"1h\"}")
	    == 0);
	check(load(ARGC(a1), a1) == 0);
	check(strcmp(s.state_file, "/var/tmp/dc") == 0 &&
	    s.resync_ms == 3600000);
	/* flags override the file */
	check(load(ARGC(a2), a2) == 0);
	check(strcmp(s.state_file, "/tmp/dc-state") == 0 &&
	    s.resync_ms == 600000);
	check(load(ARGC(a3), a3) == 0);
	check(s.state_file[0] == '\0' && s.resync_ms == 0);
	check(load(ARGC(a4), a4) == -1 && strstr(err, "'5x'"));
	/* under a second: refused, naming the value; 1 s is fine */
	check(load(ARGC(a7), a7) == -1 && strstr(err, "--resync-interval") &&
	    strstr(err, "'1ms'") && strstr(err, "shorter than 1000 ms"));
	check(load(ARGC(a8), a8) == 0 && s.resync_ms == 1000);
	memset(longp, 'a', PATH_LEN);
	longp[0] = '/';
	check(load(ARGC(a5), a5) == -1 && strstr(err, "--state-file"));
	/* a bad flag is named before the missing file */
	check(load(ARGC(a6), a6) == -1 && strstr(err, "'1.5h'"));
	unlink(path);
	/* without either: the defaults */
	check(file("{}") == 0);
	check(load(ARGC(a1), a1) == 0);
	check(strcmp(s.state_file, DEFAULT_STATE) == 0 &&
	    s.resync_ms == DEFAULT_RESYNC_MS);
	unlink(path);
	return 0;
}

static int
load_defaults(void)
{
	char *a1[] = { "docker-cleaner", NULL };
	char *a2[] = { "docker-cleaner", "--quota", "2G", NULL };

	/* the default file is not there: defaults, and a warning */
	if (access(DEFAULT_CONFIG, F_OK) == 0)
		return 0;
	unsetenv("DOCKER_HOST");
	setenv("DOCKER_API_VERSION", "1.41", 1);
	check(load(ARGC(a1), a1) == 0);
	check(s.quota == DEFAULT_QUOTA && s.rsc == RSC_ALWAYS);
	check(s.verbose == 0);
	check(s.config[0] == '\0' && s.once == 0 && s.dry_run == 0);
	/* main says it once, at info level */
	check(settings_no_config(&s) &&
	    strcmp(settings_no_config(&s), DEFAULT_CONFIG) == 0);
	check(s.api_pin && strcmp(s.api_pin, "1.41") == 0);
	check(tg.kind == T_UNIX && strcmp(tg.path, "/var/run/docker.sock")
	    == 0);
	setenv("DOCKER_API_VERSION", "", 1);
	check(load(ARGC(a2), a2) == 0 && s.quota == 2LL << 30);
	check(s.api_pin == NULL);
	unsetenv("DOCKER_API_VERSION");
	/* at a reload it is an error, naming the file: the old config stays */
	err[0] = '\0';
	check(settings_reload(&s, err, sizeof err) == -1);
	check(strstr(err, DEFAULT_CONFIG) && strstr(err, "No such file"));
	return 0;
}

/* a reload reads the config file as a start does */
static int
load_reload(void)
{
	char *a1[] = { "docker-cleaner", "--config", path, "--quota", "3G",
	    NULL };

	unsetenv("DOCKER_HOST");
	/* the command line is kept from the start; the file changes after */
	check(file("{}") == 0);
	check(load(ARGC(a1), a1) == 0 && s.rsc == RSC_ALWAYS);
	check(settings_no_config(&s) == NULL);	/* a file was read */
	check(rewrite("{\"Quota\":\"1G\",\"RemoveStoppedContainers\":"
	    "\"never\"}") == 0);
	check(settings_reload(&s, err, sizeof err) == 0);
	check(s.quota == 3LL << 30 && s.rsc == RSC_NEVER);
	unlink(path);
	check(settings_reload(&s, err, sizeof err) == -1);
	check(strstr(err, path));
	/* and a start after a reload is lenient again */
	check(load(1, a1) == 0 || access(DEFAULT_CONFIG, F_OK) == 0);
	return 0;
}

/* --keep, --keep-label, --min-age and their keys (issue 11) */
static int
load_keep(void)
{
	char *a1[] = { "docker-cleaner", "--config", path, "--keep",
	    "debian:*", "--keep=3f2a", "--keep-label", "keep",
	    "--keep-label=tier=gold", "--min-age", "2d", NULL };
	char *a2[] = { "docker-cleaner", "--config", path, NULL };

	unsetenv("DOCKER_HOST");
	check(file("{\"KeepImages\":[\"f*\"],\"KeepLabels\":[\"a=b\"],"
	    "\"MinAge\":\"90s\"}") == 0);
	/* the flags win over the file, list by list */
	check(load(ARGC(a1), a1) == 0);
	check(s.keep.n == 2 && strcmp(opt_item(&s.keep, 0), "debian:*") == 0 &&
	    strcmp(opt_item(&s.keep, 1), "3f2a") == 0);
	check(s.keep_label.n == 2 &&
	    strcmp(opt_item(&s.keep_label, 0), "keep") == 0 &&
	    strcmp(opt_item(&s.keep_label, 1), "tier=gold") == 0);
	check(s.min_age_ms == 2 * 86400000LL);
	check(load(ARGC(a2), a2) == 0);
	check(s.keep.n == 1 && strcmp(opt_item(&s.keep, 0), "f*") == 0 &&
	    s.keep_label.n == 1 &&
	    strcmp(opt_item(&s.keep_label, 0), "a=b") == 0 &&
	    s.min_age_ms == 90000);
	/* a number of seconds; none by default */
	check(rewrite("{\"MinAge\":60}") == 0);
	check(load(ARGC(a2), a2) == 0 && s.min_age_ms == 60000 &&
	    s.keep.n == 0 && s.keep_label.n == 0);
	check(rewrite("{}") == 0);
	check(load(ARGC(a2), a2) == 0 && s.min_age_ms == 0);
	unlink(path);
	return 0;
}

/* one line naming the flag, the value and the problem */
static int
flag_bad(const char *flag, const char *val, const char *what)
{
	char *av[] = { "docker-cleaner", "--config", "/nonexistent/dc.json",
	    (char *)flag, (char *)val, NULL };

	return load(ARGC(av), av) == -1 && strstr(err, flag) &&
	    strstr(err, what) && !strchr(err, '\n');
}

static int
load_keep_errors(void)
{
	static char *av[OPT_LIST_MAX * 2 + 4];
	static char big[REF_LEN + 1];
	int i, n = 0;

	check(flag_bad("--keep", "", "empty"));
	check(flag_bad("--keep-label", "", "empty"));
	check(flag_bad("--keep-label", "=v", "'=v'"));
	check(flag_bad("--keep-label", "=v", "key"));
	check(flag_bad("--min-age", "5x", "'5x'"));
	check(flag_bad("--min-age", "-1h", "negative"));
	check(flag_bad("--min-age", "213503982335d", "too large"));
	memset(big, 'a', REF_LEN);
	check(flag_bad("--keep", big, "longer than"));
	check(flag_bad("--keep-label", big, "longer than"));
	big[REF_LEN - 1] = '\0';	/* just fits */
	av[n++] = "docker-cleaner";
	av[n++] = "--keep";
	av[n++] = big;
	av[n] = NULL;
	check(load(n, av) == 0 && s.keep.n == 1);
	for (i = 1; i < OPT_LIST_MAX; i++) {
		av[n++] = "--keep";
		av[n++] = "k";
	}
	av[n] = NULL;
	check(load(n, av) == 0 && s.keep.n == OPT_LIST_MAX);
	av[n++] = "--keep=one-more";
	av[n] = NULL;
	check(load(n, av) == -1 && strstr(err, "one-more") &&
	    strstr(err, "more than"));
	/* the config file's keys */
	check(conf_bad("{\"KeepImages\":[\"\"]}", "KeepImages", "empty"));
	check(conf_bad("{\"KeepImages\":\"x\"}", "KeepImages", "array"));
	check(conf_bad("{\"KeepImages\":[1]}", "KeepImages", "array"));
	check(conf_bad("{\"KeepLabels\":[\"=v\"]}", "KeepLabels", "'=v'"));
	check(conf_bad("{\"MinAge\":\"5x\"}", "MinAge", "'5x'"));
	check(conf_bad("{\"MinAge\":\"-1h\"}", "MinAge", "'-1h'"));
	check(conf_bad("{\"MinAge\":-1}", "MinAge", NULL));
	check(conf_bad("{\"MinAge\":\"400d\"}", "MinAge", "'400d'"));
	return 0;
}

static int
load_host(void)
{
	char *a1[] = { "docker-cleaner", "--config", path, NULL };
	char *a2[] = { "docker-cleaner", "--config", path, "--host",
	    "tcp://docker.example:2376", NULL };
	char *a3[] = { "docker-cleaner", "--config", path, "--host", "tcp://x",
	    NULL };
	char *a4[] = { "docker-cleaner", "--config", path, "--host",
	    "unix://relative", NULL };
	char *a5[] = { "docker-cleaner", "--config", path, "--host=", NULL };

	check(file("{}") == 0);
	setenv("DOCKER_HOST", "unix:///tmp/dc-unit.sock", 1);
	check(load(ARGC(a1), a1) == 0);
	check(tg.kind == T_UNIX && strcmp(tg.path, "/tmp/dc-unit.sock")
	    == 0);
	/* --host wins over DOCKER_HOST */
	check(load(ARGC(a2), a2) == 0);
	check(tg.kind == T_TCP && strcmp(tg.host, "docker.example") == 0 &&
	    strcmp(tg.port, "2376") == 0);
	check(load(ARGC(a3), a3) == -1 && strstr(err, "tcp://x"));
	check(load(ARGC(a4), a4) == -1 && strstr(err, "unix://relative"));
	/* an empty one means the default */
	check(load(ARGC(a5), a5) == 0);
	check(tg.kind == T_UNIX && strcmp(tg.path, "/var/run/docker.sock")
	    == 0);
	setenv("DOCKER_HOST", "tcp://nope", 1);
	check(load(ARGC(a1), a1) == -1 && strstr(err, "tcp://nope"));
	setenv("DOCKER_HOST", "", 1);
	check(load(ARGC(a1), a1) == 0 && tg.kind == T_UNIX);
	unsetenv("DOCKER_HOST");
	unlink(path);
	return 0;
}

static int
load_errors(void)
{
	char *a1[] = { "docker-cleaner", "--config", "/nonexistent/dc.json",
	    NULL };
	char *a2[] = { "docker-cleaner", "--frobnicate", NULL };
	char *a3[] = { "docker-cleaner", "--quota", "12X", "--config",
	    "/nonexistent/dc.json", NULL };
	char *a4[] = { "docker-cleaner", "--remove-stopped-containers",
	    "sometimes", NULL };
	char *a5[] = { "docker-cleaner", "--quota", NULL };
	char *a6[] = { "docker-cleaner", "stray", NULL };
	char *a7[] = { "docker-cleaner", "--config", path, NULL };
	char *a8[] = { "docker-cleaner", "--quotas", "1G", NULL };
	char *a9[] = { "docker-cleaner", "-vx", NULL };
	static char big[CONFIG_MAX + 2];
	size_t n, i;

	unsetenv("DOCKER_HOST");
	check(load(ARGC(a1), a1) == -1 && strstr(err, "/nonexistent/dc.json"));
	check(load(ARGC(a2), a2) == -1 && strstr(err, "--frobnicate"));
	/* a bad flag is named before the missing file */
	check(load(ARGC(a3), a3) == -1 && strstr(err, "'12X'"));
	check(load(ARGC(a4), a4) == -1 && strstr(err, "sometimes"));
	check(load(ARGC(a5), a5) == -1 && strstr(err, "--quota"));
	check(load(ARGC(a6), a6) == -1 && strstr(err, "stray"));
	check(load(ARGC(a8), a8) == -1 && strstr(err, "--quotas"));
	check(load(ARGC(a9), a9) == -1 && strstr(err, "-vx"));
	/* a bad file */
	check(file("{\"Quota\":\"12X\"}") == 0);
	check(load(ARGC(a7), a7) == -1 && strstr(err, path) &&
	    strstr(err, "'12X'"));
	unlink(path);
	/* a file larger than CONFIG_MAX, and one of just CONFIG_MAX */
	memset(big, ' ', sizeof big);
	big[0] = '{';
	big[CONFIG_MAX] = '}';
	big[CONFIG_MAX + 1] = '\0';
	check(file(big) == 0);
	check(load(ARGC(a7), a7) == -1 && strstr(err, path) &&
	    strstr(err, "larger"));
	unlink(path);
	big[CONFIG_MAX - 1] = '}';
	big[CONFIG_MAX] = '\0';
	check(file(big) == 0);
	check(load(ARGC(a7), a7) == 0);
	unlink(path);
	/*
	 * CONFIG_MAX bytes and nearly CONFIG_TOKENS tokens: the tokens, after
	 * the text in the same buffer, fit (SANITIZE=1 sees any overflow)
	 */
	memset(big, ' ', sizeof big);
	n = (size_t)sprintf(big, "{\"x\":[0");	/* ignored, with a warning */
	for (i = 1; i < CONFIG_TOKENS - 5; i++)
		n += (size_t)sprintf(big + n, ",%zu", i % 10);
	n += (size_t)sprintf(big + n, "],\"Quota\":\"2G\"");
	big[n] = ' ';
	big[CONFIG_MAX - 1] = '}';
	big[CONFIG_MAX] = '\0';
	check(file(big) == 0);
	check(load(ARGC(a7), a7) == 0 && s.quota == 2LL << 30);
	unlink(path);
	/* a directory */
	a7[2] = "/tmp";
	check(load(ARGC(a7), a7) == -1 && strstr(err, "/tmp"));
	return 0;
}

static int
load_done(void)
{
	char *a1[] = { "docker-cleaner", "--help", NULL };
	char *a2[] = { "docker-cleaner", "--version", NULL };
	char *a3[] = { "docker-cleaner", "-h", "--frobnicate", NULL };

	check(load(ARGC(a1), a1) == 1);
	check(load(ARGC(a2), a2) == 1);
	check(load(ARGC(a3), a3) == 1);
	return 0;
}

/* the TLS settings: flags, config keys, DOCKER_CERT_PATH, the defaults */
static int
load_tls(void)
{
	char *a1[] = { "docker-cleaner", "--config", path, "--host",
	    "tcp://h:2376", NULL };
	char *a2[] = { "docker-cleaner", "--config", path, "--host",
	    "tcp://h:2376", "--tlscert", "/c/cert.pem", NULL };
	char *a3[] = { "docker-cleaner", "--config", path, "--tlsverify",
	    NULL };

	check(file("{}") == 0);
	unsetenv("DOCKER_HOST");
	unsetenv("DOCKER_TLS_VERIFY");
	setenv("DOCKER_CERT_PATH", "/certs", 1);
	/* no TLS asked for: plain TCP; the files default to the cert path */
	check(load(ARGC(a1), a1) == 0 && tg.kind == T_TCP && !tg.tls);
	check(strcmp(s.tlsca, "/certs/ca.pem") == 0);
	check(strcmp(s.tlskey, "/certs/key.pem") == 0 && !s.tls_explicit);
	/* DOCKER_TLS_VERIFY, any non-empty value */
	setenv("DOCKER_TLS_VERIFY", "0", 1);
	check(load(ARGC(a1), a1) == 0 && tg.tls);
	unsetenv("DOCKER_TLS_VERIFY");
	/* naming a file implies TLS */
	check(load(ARGC(a2), a2) == 0 && tg.tls && s.tls_explicit);
	check(strcmp(s.tlscert, "/c/cert.pem") == 0);
	check(strcmp(s.tlsca, "/certs/ca.pem") == 0);
	unlink(path);
	/* the config file's keys; the host from the file */
	check(file("{\"Host\":\"tcp://d:2376\",\"TLSVerify\":true,"
	    "\"TLSCACert\":\"/f/ca.pem\"}") == 0);
	unsetenv("DOCKER_CERT_PATH");
	setenv("HOME", "/home/u", 1);
	check(load(ARGC(a3), a3) == 0 && tg.kind == T_TCP && tg.tls);
	check(strcmp(tg.host, "d") == 0 && strcmp(s.tlsca, "/f/ca.pem") == 0);
	check(strcmp(s.tlscert, "/home/u/.docker/cert.pem") == 0);
	unlink(path);
	/* bad values: one line naming the file and the key */
	check(file("{\"TLSVerify\":\"yes\"}") == 0);
	check(load(ARGC(a3), a3) == -1 && strstr(err, "TLSVerify"));
	unlink(path);
	check(file("{\"TLSKey\":\"\"}") == 0);
	check(load(ARGC(a3), a3) == -1 && strstr(err, "TLSKey"));
	unlink(path);
	return 0;
}

/* the engine on a table of its own, with a repeatable (list) option */
struct tset {
	struct opt_list keep;
	int verbose;
	long long quota;
};

static int
no_star(const void *value, char *why, size_t whysz)
{
	if (strchr(value, '*')) {
		snprintf(why, whysz, "no * here");
		return -1;
	}
	return 0;
}

#define TAT(f) .off = offsetof(struct tset, f), \
	.size = sizeof(((struct tset *)0)->f)
static const struct opt trows[] = {
	{ .flag = "--keep", .key = "Keep", .kind = OPT_LIST, TAT(keep),
	  .arg = "PATTERN", .help = "keep these", .check = no_star },
	{ .flag = "--quota", .key = "Quota", .kind = OPT_SIZE, TAT(quota),
	  .arg = "SIZE", .help = "a size" },
	{ .flag = "--verbose", .shortf = 'v', .key = "Verbose",
	  .kind = OPT_COUNT, .max = 3, TAT(verbose), .help = "more" },
};
static struct jtok ttoks[64];
static const struct optab ttab = { trows, 3, "t", "About.", "Tail.\n",
	ttoks, 64 };

static struct tset tf, tc;
static unsigned char tgiven[3];

/* argv into tf; a config text into tc; then the merge into tc */
static int
tload(int argc, char **argv, const char *text)
{
	memset(&tf, 0, sizeof tf);
	memset(&tc, 0, sizeof tc);
	err[0] = '\0';
	if (opt_args(&ttab, &tf, tgiven, argc, argv, err, sizeof err) != 0)
		return -1;
	if (opt_config(&ttab, &tc, text, strlen(text), "/x/t.json", err,
	    sizeof err) < 0)
		return -2;
	opt_merge(&ttab, &tc, &tf, tgiven);
	return 0;
}

static int
list_flags(void)
{
	char *a1[] = { "t", "--keep", "a", "--keep=b:c", "-vv", "--keep",
	    "", NULL };
	char *a2[] = { "t", "--quota", "1K", NULL };
	char *a3[] = { "t", "--keep", "x*", NULL };
	char *a4[] = { "t", "--keep", NULL };

	/* each value, in order; the flags override the file's list */
	check(tload(ARGC(a1), a1, "{\"Keep\":[\"f\"],\"Verbose\":1}") == 0);
	check(tc.keep.n == 3 && strcmp(opt_item(&tc.keep, 0), "a") == 0 &&
	    strcmp(opt_item(&tc.keep, 1), "b:c") == 0 &&
	    strcmp(opt_item(&tc.keep, 2), "") == 0);
	check(tc.verbose == 2 && tgiven[0] && tgiven[2] && !tgiven[1]);
	/* a list not given on the command line: the file's stays */
	check(tload(ARGC(a2), a2, "{\"Keep\":[\"f\",\"g\"]}") == 0);
	check(tc.keep.n == 2 && strcmp(opt_item(&tc.keep, 1), "g") == 0 &&
	    tc.quota == 1024);
	/* the validator, per value; a missing value */
	check(tload(ARGC(a3), a3, "{}") == -1 && strstr(err, "--keep") &&
	    strstr(err, "'x*'") && strstr(err, "no * here"));
	check(tload(ARGC(a4), a4, "{}") == -1 && strstr(err, "--keep"));
	return 0;
}

static int
list_bounds(void)
{
	static char *av[OPT_LIST_MAX * 2 + 3];
	static char big[OPT_LIST_BYTES + 1], text[OPT_LIST_BYTES * 2 + 64];
	int i, n = 0;

	av[n++] = "t";
	for (i = 0; i < OPT_LIST_MAX; i++) {
		av[n++] = "--keep";
		av[n++] = "k";
	}
	av[n] = NULL;
	check(tload(n, av, "{}") == 0 && tc.keep.n == OPT_LIST_MAX);
	av[n++] = "--keep=one-more";
	av[n] = NULL;
	check(tload(n, av, "{}") == -1 && strstr(err, "one-more") &&
	    strstr(err, "more than"));
	/* the bytes: one value that fills them all is one too many */
	memset(big, 'b', OPT_LIST_BYTES);
	av[1] = "--keep";
	av[2] = big;
	av[3] = NULL;
	check(tload(3, av, "{}") == -1 && strstr(err, "bytes"));
	big[OPT_LIST_BYTES - 1] = '\0';
	check(tload(3, av, "{}") == 0 && tc.keep.n == 1 &&
	    strlen(opt_item(&tc.keep, 0)) == OPT_LIST_BYTES - 1);
	/* in the file too */
	n = sprintf(text, "{\"Keep\":[");
	for (i = 0; i <= OPT_LIST_MAX; i++)
		n += sprintf(text + n, "%s\"k%d\"", i ? "," : "", i);
	sprintf(text + n, "]}");
	check(tload(1, av, text) == -2 && strstr(err, "Keep") &&
	    strstr(err, "more than"));
	sprintf(text, "{\"Keep\":[\"%s\"]}", big);
	check(tload(1, av, text) == 0 && tc.keep.n == 1);
	big[OPT_LIST_BYTES - 1] = 'b';
	sprintf(text, "{\"Keep\":[\"%s\"]}", big);
	check(tload(1, av, text) == -2 && strstr(err, "bytes"));
	return 0;
}

static int
list_config(void)
{
	char *a1[] = { "t", NULL };

	check(tload(1, a1, "{\"Keep\":[]}") == 0 && tc.keep.n == 0);
	check(tload(1, a1, "{\"Keep\":[\"a\",\"b\\u0041\"]}") == 0);
	check(tc.keep.n == 2 && strcmp(opt_item(&tc.keep, 1), "bA") == 0);
	/* not an array of strings: one line naming the file and the key */
	check(tload(1, a1, "{\"Keep\":\"a\"}") == -2 && strstr(err, "Keep") &&
	    strstr(err, "/x/t.json") && strstr(err, "array of strings"));
	check(tload(1, a1, "{\"Keep\":[\"a\",1]}") == -2 &&
	    strstr(err, "array of strings"));
	check(tload(1, a1, "{\"Keep\":[[\"a\"]]}") == -2 &&
	    strstr(err, "array of strings"));
	check(tload(1, a1, "{\"Keep\":[\"a*\"]}") == -2 &&
	    strstr(err, "'a*'") && strstr(err, "no * here"));
	check(tload(1, a1, "{\"Verbose\":4}") == -2 && strstr(err, "0 to 3"));
	return 0;
}

/* the help comes from the table: the usage line names each flag */
static int
list_usage(void)
{
	char out[2048];
	char *a1[] = { "t", "--help", NULL };
	int fd, saved;
	ssize_t got;
	char tmp[] = "/tmp/dc-unit-usage-XXXXXX";

	if ((fd = mkstemp(tmp)) < 0)
		return 1;
	unlink(tmp);
	fflush(stdout);
	saved = dup(1);
	dup2(fd, 1);
	check(opt_args(&ttab, &tf, tgiven, 2, a1, err, sizeof err) == 1);
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	got = pread(fd, out, sizeof out - 1, 0);
	close(fd);
	out[got > 0 ? got : 0] = '\0';
	check(strstr(out, "usage: t [--keep PATTERN]... [--quota SIZE]"));
	check(strstr(out, "[-v|--verbose]..."));
	check(strstr(out, "  --keep PATTERN  keep these\n"));
	check(strstr(out, "Config keys: Keep, Quota, Verbose.\nTail.\n"));
	return 0;
}

/* issue 11: --quota N%, --min-free, --accounting; a share needs unix:// */
static int
load_disk(void)
{
	char *a1[] = { "docker-cleaner", "--quota", "20%", "--min-free", "5%",
	    "--accounting", "sum", NULL };
	char *a2[] = { "docker-cleaner", "--config", path, NULL };
	char *a3[] = { "docker-cleaner", "--quota", "20%", "--host",
	    "tcp://127.0.0.1:2375", NULL };
	char *a4[] = { "docker-cleaner", "--min-free", "1G", "--host",
	    "tcp://127.0.0.1:2375", NULL };
	char *a5[] = { "docker-cleaner", "--quota", "100%", "--min-free",
	    "2G", NULL };
	const char *bad[] = { "0%", "101%", "abc%", "%", "20%%", "-5%",
	    " 5%", "1.5%", "1000%" };
	char *a6[] = { "docker-cleaner", "--quota", NULL, NULL };
	char *a7[] = { "docker-cleaner", "--accounting", "layers", NULL };
	const char *why;
	long long v;
	size_t i;
	int r;

	unsetenv("DOCKER_HOST");
	r = load(ARGC(a1), a1);
	check(r == 0 && s.quota == -20 && s.min_free == -5 &&
	    s.accounting == ACC_SUM);
	r = load(ARGC(a5), a5);
	check(r == 0 && s.quota == -100 && s.min_free == 2LL << 30 &&
	    s.accounting == ACC_DISK);
	/* the defaults: disk, no minimum */
	check(load(1, a1) == 0 && s.accounting == ACC_DISK && s.min_free == 0 &&
	    s.quota == DEFAULT_QUOTA);
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		a6[2] = (char *)bad[i];
		check(load(ARGC(a6), a6) < 0 && strstr(err, bad[i]) &&
		    strstr(err, "--quota"));
	}
	check(parse_share("7%", 0, &v, &why) < 0);	/* a size only */
	check(parse_share("7%", 1, &v, &why) == 0 && v == -7);
	check(parse_share("7M", 1, &v, &why) == 0 && v == 7LL << 20);
	check(load(ARGC(a7), a7) < 0 && strstr(err, "'layers'"));
	/* a tcp:// daemon: its filesystem is not here */
	check(load(ARGC(a3), a3) < 0 && strstr(err, "'20%'") &&
	    strstr(err, "tcp://127.0.0.1:2375"));
	check(load(ARGC(a4), a4) < 0 && strstr(err, "min-free") &&
	    strstr(err, "tcp://"));
	setenv("DOCKER_HOST", "tcp://127.0.0.1:2375", 1);
	check(load(ARGC(a1), a1) < 0 && strstr(err, "'20%'"));
	unsetenv("DOCKER_HOST");
	/* the config file */
	check(file("{\"Quota\":\"30%\",\"MinFree\":\"512M\","
	    "\"Accounting\":\"sum\"}") == 0);
	r = load(ARGC(a2), a2);
	check(r == 0 && s.quota == -30 && s.min_free == 512LL << 20 &&
	    s.accounting == ACC_SUM);
	check(rewrite("{\"Quota\":\"0%\"}") == 0);
	check(load(ARGC(a2), a2) < 0 && strstr(err, "Quota '0%'"));
	check(rewrite("{\"MinFree\":\"101%\"}") == 0);
	check(load(ARGC(a2), a2) < 0 && strstr(err, "MinFree"));
	check(rewrite("{\"Accounting\":\"layers\"}") == 0);
	check(load(ARGC(a2), a2) < 0 && strstr(err, "Accounting"));
	check(rewrite("{\"Quota\":\"20%\",\"Host\":\"tcp://h:1\"}") == 0);
	check(load(ARGC(a2), a2) < 0 && strstr(err, "tcp://h:1"));
	unlink(path);
	return 0;
}

const struct unit_test opts_tests[] = {
	UNIT(load_disk),
	UNIT(load_tls),
	UNIT(sizes),
	UNIT(sizes_bad),
	UNIT(durations),
	UNIT(config_values),
	UNIT(config_errors),
	UNIT(config_bounds),
	UNIT(config_unknown_key),
	UNIT(load_file),
	UNIT(load_forms),
	UNIT(load_state),
	UNIT(load_defaults),
	UNIT(load_reload),
	UNIT(load_keep),
	UNIT(load_keep_errors),
	UNIT(load_host),
	UNIT(load_errors),
	UNIT(load_done),
	UNIT(list_flags),
	UNIT(list_bounds),
	UNIT(list_config),
	UNIT(list_usage),
	{ NULL, NULL }
};
