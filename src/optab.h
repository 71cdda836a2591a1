/* See LICENSE file for copyright and license details. */
/*
 * The option engine: one table of rows (struct opt) drives the usage
 * text, the command line, the JSON config file and the merge of the two
 * into a struct of the caller's (opts.c's struct settings; a test's own
 * struct in the unit tests). Owns no storage; requires bounds.h, json.h
 * and opts.h (struct opt_list).
 */

enum opt_kind {
	OPT_BOOL,	/* int: a flag sets 1; the key true or false */
	OPT_COUNT,	/* int: each flag (-vv counts 2) adds 1; the key 0..max */
	OPT_SIZE,	/* long long bytes: "10G", or the key's whole number */
	OPT_DURATION,	/* long long ms: "90s", or the key's seconds */
	OPT_STRING,	/* char[size], not empty (OPT_EMPTY: may be "") */
	OPT_PATH,	/* the same, a file name: "path longer than" */
	OPT_ENUM,	/* int: the index of the value in names */
	OPT_LIST,	/* struct opt_list: a repeatable flag; a JSON array */
};

/* struct opt's flags; OPT_PERCENT: an OPT_SIZE may be "20%" (-20) */
enum { OPT_EMPTY = 1, OPT_PERCENT = 2 };

/* a list's values (OPT_LIST): defined in opts.h, for struct settings */
struct opt_list;

struct opt {
	const char *flag;	/* "--quota", or NULL: a config key only */
	char shortf;		/* 'v' for -v (OPT_COUNT: -vv...), or 0 */
	const char *key;	/* "Quota", or NULL: a flag only */
	enum opt_kind kind;
	size_t off, size;	/* the field: offsetof, and its sizeof */
	const char *arg;	/* the value in the usage: "SIZE" (NULL: none) */
	const char *help;	/* lines; the first may follow the flag */
	const char *const *names;	/* OPT_ENUM: the values, NULL-ended */
	int max;		/* OPT_COUNT: the highest value of the key */
	int flags;		/* OPT_EMPTY, OPT_PERCENT */
	/*
	 * optional, on a parsed value before it is stored (a long long, an
	 * int, or the text of a string or of one list item): 0, or -1 with
	 * the problem in why (whysz bytes)
	 */
	int (*check)(const void *value, char *why, size_t whysz);
};

/* a table: its rows, and the texts of the help around them */
struct optab {
	const struct opt *row;
	size_t n;
	const char *prog;	/* "docker-cleaner" */
	const char *about;	/* after the usage line */
	const char *tail;	/* after the config keys */
	struct jtok *toks;	/* for the config file: ntoks of them */
	int ntoks;
};

/* o's values: "never, onexit or always" (sep NULL), or with sep between */
void opt_names(const struct opt *o, const char *sep, char *out, size_t n);
/* the item i of l */
const char *opt_item(const struct opt_list *l, size_t i);
/*
 * The usage line, the help of each row and the config keys, to stdout
 * (optab_usage.c)
 */
void opt_usage(const struct optab *t);
/*
 * Scan argv into dst: each flag given is parsed into its field and
 * marked in given[t->n]; the rows' order decides which bad value is named
 * first. 0; 1 after --help or --version (printed); -1 with one line in err.
 */
int opt_args(const struct optab *t, void *dst, unsigned char *given,
    int argc, char **argv, char *err, size_t errsz);
/* copy into dst the fields given[] marks in flags: the command line wins */
void opt_merge(const struct optab *t, void *dst, const void *flags,
    const unsigned char *given);
/*
 * The JSON config file text buf[0..len) into dst: only the keys present;
 * unknown keys are warned about. 0, or -1 with one line in err naming
 * path, the key and the value.
 */
int opt_config(const struct optab *t, void *dst, const char *buf,
    size_t len, const char *path, char *err, size_t errsz);
