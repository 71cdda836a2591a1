/* See LICENSE file for copyright and license details. */
/*
 * Settings from the command line and the JSON config file, validated.
 * A flag given on the command line overrides the file; one not given does
 * not. Owns the settings' defaults, the table of options (opts.c) and what
 * the command line said, kept for settings_reload. Requires bounds.h; the
 * daemon URL is kept as text (the cleaner's caller parses it).
 */
enum { RSC_NEVER, RSC_ONEXIT, RSC_ALWAYS };
enum { ACC_DISK, ACC_SUM };	/* --accounting: what the quota measures */

#define DEFAULT_CONFIG "/etc/arvados/docker-cleaner/docker-cleaner.json"
#define DEFAULT_HOST "unix:///var/run/docker.sock"
#define DEFAULT_QUOTA (1LL << 30)
#define DEFAULT_STATE "/var/lib/docker-cleaner/state"
#define DEFAULT_RESYNC_MS (5 * 60 * 1000LL)

/* a list's values, NUL-separated in bytes; the item at[i] (optab.h) */
struct opt_list {
	size_t n, used;
	size_t at[OPT_LIST_MAX];
	char bytes[OPT_LIST_BYTES];
};

struct settings {
	char config[PATH_LEN];	/* the config file read, or "" */
	long long quota;	/* bytes; -P: P% of the images' filesystem */
	int accounting;		/* ACC_*: each layer once, or sizes summed */
	long long min_free;	/* bytes, or -P (P%), to keep free; 0 none */
	int rsc;		/* RemoveStoppedContainers: RSC_* */
	int verbose;		/* 0: errors and warnings; 1 info; 2 debug */
	int once, dry_run;
	char state_file[PATH_LEN];	/* "" keeps no state */
	long long resync_ms;	/* full inventory this often; 0 never */
	char host[HOST_LEN];	/* the daemon's URL, as given */
	int tls;		/* TLS with verification (tcp://) */
	char tlsca[PATH_LEN], tlscert[PATH_LEN], tlskey[PATH_LEN];
	int tls_explicit;	/* cert and key named by flag or config */
	const char *api_pin;	/* DOCKER_API_VERSION or NULL */
	struct opt_list keep;	/* --keep PATTERN: globs (keep.h) */
	struct opt_list keep_label;	/* --keep-label KEY[=VALUE] */
	long long min_age_ms;	/* --min-age: 0 none */
	int report, json;	/* --report: one pass, print, delete nothing;
				 * --json: reports as JSON */
	char metrics_file[PATH_LEN];	/* "" writes none */
};

/*
 * Fill s from argv, the environment and the config file; the command line
 * is kept for settings_reload (argv must outlive it).
 * 0: run; 1: done (--help or --version printed); -1: bad input, with one
 * line in err (errsz bytes) naming the value and the problem.
 */
int settings_load(struct settings *s, int argc, char **argv, char *err,
    size_t errsz);
/*
 * At a reload (SIGHUP): the command line of the last settings_load and
 * the config file read again. A config file that cannot be read, the
 * default one too, is an error (-1), and s is left as it was.
 */
int settings_reload(struct settings *s, char *err, size_t errsz);
/*
 * After settings_load: the default config file's path when it was missing
 * (then the command line and the defaults are all), else NULL.
 */
const char *settings_no_config(const struct settings *s);
/*
 * "10G", "512m", "1.5T", "20GB", "1048576": 1024-based, case-insensitive
 * suffix K M G T, optional trailing B. 0, or -1 with the problem in why.
 * (parse.c)
 */
int parse_size(const char *str, long long *out, const char **why);
/*
 * A size, or with pct a share of a filesystem too: "20%" (a whole number
 * from 1 to 100) gives -20. 0, or -1 with the problem in why. (parse.c)
 */
int parse_share(const char *str, int pct, long long *out, const char **why);
/* v of parse_share as text: "20% of the images' filesystem", or a size */
const char *share_text(char *out, size_t n, long long v);
/*
 * "90s", "5m", "1h", "1d", "500ms", "300" (seconds): 0, or -1 with why set.
 * (parse.c)
 */
int parse_duration(const char *str, long long *ms, const char **why);
/* the config file text buf[0..n) into s (only keys present); 0 or -1 */
int config_parse(struct settings *s, const char *buf, size_t n,
    const char *path, char *err, size_t errsz);
