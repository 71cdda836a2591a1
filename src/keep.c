/* See LICENSE file for copyright and license details. */
/*
 * The keep rules (keep.h): fnmatch(3) globs on references and IDs, exact
 * labels. No storage but the two pointers to the caller's lists. The glob
 * is this file's own (musl's fnmatch brings 16 KiB of Unicode tables; the
 * references are ASCII).
 */
#include <ctype.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "id.h"
#include "opts.h"
#include "optab.h"
#include "keep.h"
#include "util.h"

static const struct opt_list *pats, *labels;

/* the end of the bracket expression at p ('['): its ']', or NULL */
static const char *
bracket_end(const char *p)
{
	const char *q = p + 1;

	if (*q == '!' || *q == '^')
		q++;
	if (*q == ']')
		q++;		/* a ']' first is itself */
	for (; *q && *q != ']'; q++)
		if (q[0] == '[' && q[1] == ':' && (p = str_find(q + 2, ":]")))
			q = p + 1;
	return *q ? q : NULL;
}

/* a character class name (n bytes) holds c */
static int
in_class(const char *name, size_t n, int c)
{
	static const struct { const char *name; int (*fn)(int); } cls[] = {
		{ "alnum", isalnum }, { "alpha", isalpha },
		{ "blank", isblank }, { "cntrl", iscntrl },
		{ "digit", isdigit }, { "graph", isgraph },
		{ "lower", islower }, { "print", isprint },
		{ "punct", ispunct }, { "space", isspace },
		{ "upper", isupper }, { "xdigit", isxdigit },
	};
	size_t i;

	for (i = 0; i < sizeof cls / sizeof cls[0]; i++)
		if (strlen(cls[i].name) == n &&
		    memcmp(cls[i].name, name, n) == 0)
			return cls[i].fn(c) != 0;
	return 0;
}

/* the bracket expression [p, end] holds c */
static int
in_bracket(const char *p, const char *end, int c)
{
	const char *q = p + 1;
	int neg = 0, in = 0;

	if (*q == '!' || *q == '^') {
		neg = 1;
		q++;
	}
	while (q < end) {
		if (q[0] == '[' && q[1] == ':' && (p = str_find(q + 2, ":]")) &&
		    p < end) {
			in |= in_class(q + 2, (size_t)(p - q - 2), c);
			q = p + 2;
		} else if (q[1] == '-' && q + 2 < end) {
			in |= c >= (unsigned char)q[0] &&
			    c <= (unsigned char)q[2];
			q += 3;
		} else {
			in |= c == (unsigned char)*q++;
		}
	}
	return in != neg;
}

/* the pattern element at *pp matches c; *pp moves past it */
static int
one(const char **pp, int c)
{
	const char *p = *pp, *end;

	if (*p == '\\' && p[1]) {
		*pp = p + 2;
		return c == (unsigned char)p[1];
	}
	*pp = p + 1;
	if (*p == '?')
		return 1;
	if (*p == '[' && (end = bracket_end(p))) {
		*pp = end + 1;
		return in_bracket(p, end, c);
	}
	return c == (unsigned char)*p;	/* an unclosed '[' is itself */
}

int
keep_glob(const char *p, const char *s)
{
	const char *star = NULL, *from = NULL, *q;

	for (;;) {
		if (*p == '*') {
			while (*p == '*')
				p++;
			star = p;	/* where to try again, one byte later */
			from = s;
			continue;
		}
		if (!*s)
			return !*p;
		q = p;
		if (*p && one(&q, (unsigned char)*s)) {
			p = q;
			s++;
			continue;
		}
		if (!star)
			return 0;
		p = star;
		s = ++from;
	}
}

void
keep_rules(const struct opt_list *p, const struct opt_list *l)
{
	pats = p;
	labels = l;
}

int
keep_any(void)
{
	return (pats && pats->n) || (labels && labels->n);
}

int
keep_ref(const char *ref)
{
	size_t i;

	for (i = 0; pats && i < pats->n; i++)
		if (keep_glob(opt_item(pats, i), ref))
			return 1;
	return 0;
}

/* p without its "sha256:", when it is hex digits alone; else NULL */
static const char *
hex_prefix(const char *p)
{
	if (strncmp(p, "sha256:", 7) == 0)
		p += 7;
	return *p && strspn(p, "0123456789abcdef") == strlen(p) ? p : NULL;
}

int
keep_id(const struct id *id)
{
	char full[ID_TEXT];
	const char *p, *hex = full + 7;
	size_t i;

	id_image(id, full);
	for (i = 0; pats && i < pats->n; i++) {
		p = opt_item(pats, i);
		if (keep_glob(p, full) || keep_glob(p, hex))
			return 1;
		if ((p = hex_prefix(p)) && strncmp(hex, p, strlen(p)) == 0)
			return 1;
	}
	return 0;
}

int
keep_label(const char *key, const char *value)
{
	const char *r, *eq;
	size_t i, kn;

	for (i = 0; labels && i < labels->n; i++) {
		r = opt_item(labels, i);
		eq = strchr(r, '=');
		kn = eq ? (size_t)(eq - r) : strlen(r);
		if (strlen(key) == kn && memcmp(key, r, kn) == 0 &&
		    (!eq || (value && strcmp(value, eq + 1) == 0)))
			return 1;
	}
	return 0;
}

/* a rule's text: not empty, shorter than REF_LEN (what a fact can be) */
static int
check_len(const char *s, char *why, size_t whysz)
{
	if (!*s) {
		fmt_snprintf(why, whysz, "empty");
		return -1;
	}
	if (strlen(s) >= REF_LEN) {
		fmt_snprintf(why, whysz, "longer than %d bytes", REF_LEN - 1);
		return -1;
	}
	return 0;
}

int
keep_check_pattern(const void *value, char *why, size_t whysz)
{
	return check_len(value, why, whysz);
}

int
keep_check_label(const void *value, char *why, size_t whysz)
{
	const char *s = value;

	if (check_len(s, why, whysz) < 0)
		return -1;
	if (*s == '=') {
		fmt_snprintf(why, whysz, "no label key before '='");
		return -1;
	}
	return 0;
}
