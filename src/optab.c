/* See LICENSE file for copyright and license details. */
/*
 * The option engine (optab.h): usage text, argv, config file keys and the
 * merge, each a walk over a table of rows. Owns no storage: the fields
 * and the JSON tokens are the caller's.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "json.h"
#include "log.h"
#include "opts.h"
#include "optab.h"

#define FIELD(dst, o) ((char *)(dst) + (o)->off)
#define MAXSECS (366LL * 24 * 3600)	/* as parse_duration: a year */

const char *
opt_item(const struct opt_list *l, size_t i)
{
	return l->bytes + l->at[i];
}

void
opt_names(const struct opt *o, const char *sep, char *out, size_t n)
{
	size_t i, k = 0;
	int w;

	out[0] = '\0';
	for (i = 0; o->names[i]; i++) {
		w = fmt_snprintf(out + k, n - k, "%s%s", i == 0 ? "" : sep ? sep :
		    o->names[i + 1] ? ", " : " or ", o->names[i]);
		if (w < 0 || (size_t)w >= n - k)
			return;
		k += (size_t)w;
	}
}

static int
enum_of(const struct opt *o, const char *s)
{
	int i;

	for (i = 0; o->names[i]; i++)
		if (strcmp(s, o->names[i]) == 0)
			return i;
	return -1;
}

/* append s (len bytes) to l; 0, or -1 with why */
static int
list_add(struct opt_list *l, const char *s, size_t len, char *why,
    size_t whysz)
{
	if (l->n >= OPT_LIST_MAX) {
		fmt_snprintf(why, whysz, "more than %d values", OPT_LIST_MAX);
		return -1;
	}
	if (len >= sizeof l->bytes - l->used) {
		fmt_snprintf(why, whysz, "values longer than %d bytes in all",
		    OPT_LIST_BYTES - 1);
		return -1;
	}
	memcpy(l->bytes + l->used, s, len);
	l->bytes[l->used + len] = '\0';
	l->at[l->n++] = l->used;
	l->used += len + 1;
	return 0;
}

/*
 * The next argument at argv[*i]: its row in *row and its value in *val
 * (NULL for none), *count for OPT_COUNT. 0; 1 after --help or --version;
 * -1 with err.
 */
static int
scan(const struct optab *t, int argc, char **argv, int *i, size_t *row,
    const char **val, int *count, char *err, size_t errsz)
{
	const char *a = argv[*i];
	const struct opt *o;
	size_t k, n;
	int valued;

	if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
		opt_usage(t);
		return 1;
	}
	if (strcmp(a, "--version") == 0) {
		fmt_printf("%s %s\n", t->prog, VERSION);
		fmt_flush();
		return 1;
	}
	*val = NULL;
	*count = 1;
	for (k = 0; k < t->n; k++) {
		o = &t->row[k];
		valued = o->kind != OPT_BOOL && o->kind != OPT_COUNT;
		*row = k;
		if (o->shortf && a[0] == '-' && a[1] == o->shortf) {
			if (!valued && strspn(a + 1, (char[]){ o->shortf, 0 })
			    == strlen(a + 1)) {
				*count = (int)strlen(a + 1);
				return 0;
			}
			if (valued && a[2] == '\0')
				goto next;
		}
		if (!o->flag || strncmp(a, o->flag, n = strlen(o->flag)) != 0)
			continue;
		if (a[n] == '\0' && !valued)
			return 0;
		if (a[n] == '=' && valued) {
			*val = a + n + 1;
			return 0;
		}
		if (a[n] == '\0')
			goto next;
	}
	fmt_snprintf(err, errsz, a[0] == '-' ? "unknown option '%.100s' (see "
	    "--help)" : "unexpected argument '%.100s' (see --help)", a);
	return -1;
next:
	if (*i + 1 >= argc) {
		fmt_snprintf(err, errsz, "option %s needs a value", a);
		return -1;
	}
	*val = argv[++*i];
	return 0;
}

/* the flag's text s into o's field f; 0, or -1 with err */
static int
flag_value(const struct opt *o, void *f, const char *s, char *err,
    size_t errsz)
{
	char why[128];
	const char *w;
	long long v = 0;
	int e = 0;
	size_t len = strlen(s);

	why[0] = '\0';
	switch (o->kind) {
	case OPT_SIZE:
	case OPT_DURATION:
		if ((o->kind == OPT_SIZE ? parse_share(s, o->flags &
		    OPT_PERCENT, &v, &w) : parse_duration(s, &v, &w)) < 0) {
			fmt_snprintf(why, sizeof why, "%s", w);
			goto bad;
		}
		if (o->check && o->check(&v, why, sizeof why) < 0)
			goto bad;
		*(long long *)f = v;
		return 0;
	case OPT_ENUM:
		if ((e = enum_of(o, s)) < 0) {
			opt_names(o, NULL, why + 4, sizeof why - 4);
			memcpy(why, "not ", 4);
			goto bad;
		}
		if (o->check && o->check(&e, why, sizeof why) < 0)
			goto bad;
		*(int *)f = e;
		return 0;
	case OPT_STRING:
	case OPT_PATH:
		if (len >= o->size && o->kind == OPT_PATH) {
			fmt_snprintf(err, errsz, "%s: path longer than %zu bytes",
			    o->flag, o->size - 1);
			return -1;
		}
		if (len >= o->size) {
			fmt_snprintf(err, errsz, "%s '%.40s...': too long", o->flag,
			    s);
			return -1;
		}
		if (o->check && o->check(s, why, sizeof why) < 0)
			goto bad;
		memcpy(f, s, len + 1);
		return 0;
	case OPT_LIST:
		if (list_add(f, s, len, why, sizeof why) < 0 ||
		    (o->check && o->check(s, why, sizeof why) < 0))
			goto bad;
		return 0;
	default:
		return 0;
	}
bad:
	fmt_snprintf(err, errsz, "%s '%.60s': %s", o->flag, s, why);
	return -1;
}

/*
 * The values of the flags given, row by row: the last one given, or each
 * of a list. strings 0: the values to parse; 1: the strings (whose one
 * problem is length). 0, or -1 with err.
 */
static int
values(const struct optab *t, void *dst, const unsigned char *given,
    int strings, int argc, char **argv, char *err, size_t errsz)
{
	const struct opt *o;
	const char *val, *last;
	size_t row, k;
	int i, count;

	for (k = 0; k < t->n; k++) {
		o = &t->row[k];
		if (!given[k] || o->kind == OPT_BOOL || o->kind == OPT_COUNT ||
		    (o->kind == OPT_STRING || o->kind == OPT_PATH) != strings)
			continue;
		if (o->kind == OPT_LIST)
			memset(FIELD(dst, o), 0, o->size);
		for (last = NULL, i = 1; i < argc; i++) {
			/* the scan of opt_args passed: no error here */
			scan(t, argc, argv, &i, &row, &val, &count, err, errsz);
			if (row != k)
				continue;
			if (o->kind == OPT_LIST &&
			    flag_value(o, FIELD(dst, o), val, err, errsz) < 0)
				return -1;
			last = val;
		}
		if (o->kind != OPT_LIST &&
		    flag_value(o, FIELD(dst, o), last, err, errsz) < 0)
			return -1;
	}
	return 0;
}

int
opt_args(const struct optab *t, void *dst, unsigned char *given, int argc,
    char **argv, char *err, size_t errsz)
{
	const struct opt *o;
	const char *val;
	size_t row;
	int i, count, r;

	memset(given, 0, t->n);
	for (i = 1; i < argc; i++) {
		if ((r = scan(t, argc, argv, &i, &row, &val, &count, err,
		    errsz)) != 0)
			return r;
		o = &t->row[row];
		if (o->kind == OPT_COUNT)
			*(int *)FIELD(dst, o) = (given[row] ?
			    *(int *)FIELD(dst, o) : 0) + count;
		else if (o->kind == OPT_BOOL)
			*(int *)FIELD(dst, o) = 1;
		given[row] = 1;
	}
	if (values(t, dst, given, 0, argc, argv, err, errsz) < 0 ||
	    values(t, dst, given, 1, argc, argv, err, errsz) < 0)
		return -1;
	return 0;
}

void
opt_merge(const struct optab *t, void *dst, const void *flags,
    const unsigned char *given)
{
	size_t k;

	for (k = 0; k < t->n; k++)
		if (given[k])
			memcpy(FIELD(dst, &t->row[k]),
			    (const char *)flags + t->row[k].off, t->row[k].size);
}

/* the token at i as written in the file, sanitised, for a message */
static void
raw(const struct json *j, int i, char *out, size_t n)
{
	san(out, n, j->s + j->t[i].start,
	    (size_t)(j->t[i].end - j->t[i].start));
}

/* the JSON array at i into a list; 0, or -1 with why */
static int
conf_list(const struct opt *o, const struct json *j, int i,
    struct opt_list *l, char *why, size_t whysz)
{
	char msg[128], item[64];
	size_t len;
	int e, m;

	memset(l, 0, sizeof *l);
	if (j->t[i].type != J_ARRAY)
		goto bad;
	for (e = i + 1, m = 0; m < j->t[i].size; m++, e = json_skip(j, e)) {
		if (j->t[e].type != J_STRING)
			goto bad;
		if (l->n >= OPT_LIST_MAX)
			return list_add(l, "", 0, why, whysz);
		if (json_str(j, e, l->bytes + l->used,
		    sizeof l->bytes - l->used, &len) < 0) {
			fmt_snprintf(why, whysz, "values longer than %d bytes in "
			    "all, or a bad escape", OPT_LIST_BYTES - 1);
			return -1;
		}
		l->at[l->n++] = l->used;
		l->used += len + 1;
		if (o->check && o->check(opt_item(l, l->n - 1), msg,
		    sizeof msg) < 0) {
			san(item, sizeof item, opt_item(l, l->n - 1), len);
			fmt_snprintf(why, whysz, "'%s': %s", item, msg);
			return -1;
		}
	}
	return 0;
bad:
	fmt_snprintf(why, whysz, "must be a JSON array of strings");
	return -1;
}

/* the value at token val for the row o, into dst; 0, or -1 with err */
static int
conf_value(const struct opt *o, const struct json *j, int val, void *dst,
    const char *path, char *err, size_t errsz)
{
	static struct opt_list list;
	char v[64], why[256], names[128];
	const char *w;
	long long q;
	int b;

	why[0] = '\0';
	switch (o->kind) {
	case OPT_BOOL:
		if (json_bool(j, val, &b) < 0) {
			fmt_snprintf(err, errsz, "config file %s: %s must be true "
			    "or false", path, o->key);
			return -1;
		}
		*(int *)FIELD(dst, o) = b;
		return 0;
	case OPT_COUNT:
		if (json_int(j, val, &q) < 0 || q < 0 || q > o->max) {
			fmt_snprintf(err, errsz, "config file %s: %s must be a whole "
			    "number from 0 to %d", path, o->key, o->max);
			return -1;
		}
		*(int *)FIELD(dst, o) = (int)q;
		return 0;
	case OPT_ENUM:
		if (json_str(j, val, v, sizeof v, NULL) < 0 ||
		    (b = enum_of(o, v)) < 0) {
			raw(j, val, v, sizeof v);
			opt_names(o, NULL, names, sizeof names);
			fmt_snprintf(err, errsz, "config file %s: %s '%s' is not %s",
			    path, o->key, v, names);
			return -1;
		}
		if (o->check && o->check(&b, why, sizeof why) < 0)
			goto bad;
		*(int *)FIELD(dst, o) = b;
		return 0;
	case OPT_STRING:
	case OPT_PATH:
		if (json_str(j, val, FIELD(dst, o), o->size, NULL) < 0 ||
		    (!*FIELD(dst, o) && !(o->flags & OPT_EMPTY))) {
			fmt_snprintf(err, errsz, "config file %s: %s must be a%s "
			    "string shorter than %zu bytes", path, o->key,
			    o->flags & OPT_EMPTY ? "" : " non-empty", o->size);
			return -1;
		}
		if (o->check && o->check(FIELD(dst, o), why, sizeof why) < 0)
			goto bad;
		return 0;
	case OPT_LIST:
		if (conf_list(o, j, val, &list, why, sizeof why) < 0) {
			fmt_snprintf(err, errsz, "config file %s: %s: %s", path,
			    o->key, why);
			return -1;
		}
		memcpy(FIELD(dst, o), &list, sizeof list);
		return 0;
	case OPT_SIZE:
	case OPT_DURATION:
		break;
	}
	if (j->t[val].type == J_STRING) {
		if (json_str(j, val, v, sizeof v, NULL) < 0) {
			fmt_snprintf(why, sizeof why, o->kind == OPT_SIZE ?
			    "too long" : "not a duration (a number with ms, s, "
			    "m, h or d)");
			goto bad;
		}
		if ((o->kind == OPT_SIZE ? parse_share(v, o->flags &
		    OPT_PERCENT, &q, &w) : parse_duration(v, &q, &w)) < 0) {
			fmt_snprintf(why, sizeof why, "%s", o->kind == OPT_SIZE ? w :
			    "not a duration (a number with ms, s, m, h or d)");
			goto bad;
		}
	} else if (json_int(j, val, &q) < 0 || q < 0 ||
	    (o->kind == OPT_DURATION && q > MAXSECS)) {
		fmt_snprintf(err, errsz, "config file %s: %s must be a %s string or "
		    "a whole number of %s", path, o->key, o->kind == OPT_SIZE ?
		    "size" : "duration", o->kind == OPT_SIZE ? "bytes" :
		    "seconds");
		return -1;
	} else if (o->kind == OPT_DURATION) {
		q *= 1000;
	}
	if (o->check && o->check(&q, why, sizeof why) < 0)
		goto bad;
	*(long long *)FIELD(dst, o) = q;
	return 0;
bad:
	raw(j, val, v, sizeof v);
	fmt_snprintf(err, errsz, "config file %s: %s '%s': %s", path, o->key, v,
	    why);
	return -1;
}

int
opt_config(const struct optab *t, void *dst, const char *buf, size_t len,
    const char *path, char *err, size_t errsz)
{
	struct json j;
	const char *why;
	char ks[64];
	size_t r;
	int k, m;

	if (json_parse(&j, buf, len, t->toks, t->ntoks, &why) < 0) {
		fmt_snprintf(err, errsz, "config file %s: %s JSON%s", path, why,
		    strcmp(why, "too many tokens") == 0 ?
		    " (nested or larger than this program reads)" : "");
		return -1;
	}
	if (j.t[0].type != J_OBJECT) {
		fmt_snprintf(err, errsz, "config file %s: not a JSON object", path);
		return -1;
	}
	for (k = 1, m = 0; m < j.t[0].size; m++, k = json_skip(&j, k + 1)) {
		if (json_str(&j, k, ks, sizeof ks, NULL) < 0)
			raw(&j, k, ks, sizeof ks);
		for (r = 0; r < t->n; r++)
			if (t->row[r].key && strcmp(ks, t->row[r].key) == 0)
				break;
		if (r < t->n) {
			if (conf_value(&t->row[r], &j, k + 1, dst, path, err,
			    errsz) < 0)
				return -1;
			continue;
		}
		/* as written in the file, sanitised: no control byte */
		raw(&j, k, ks, sizeof ks);
		warn("config file %s: unknown key '%s' ignored", path, ks);
	}
	return 0;
}
