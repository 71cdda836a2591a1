/* See LICENSE file for copyright and license details. */
/*
 * The keep rules (keep.h): fnmatch(3) globs on references and IDs, exact
 * labels. No storage but the two pointers to the caller's lists.
 */
#include <fnmatch.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "id.h"
#include "opts.h"
#include "optab.h"
#include "keep.h"

static const struct opt_list *pats, *labels;

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
		if (fnmatch(opt_item(pats, i), ref, 0) == 0)
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
		if (fnmatch(p, full, 0) == 0 || fnmatch(p, hex, 0) == 0)
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
		snprintf(why, whysz, "empty");
		return -1;
	}
	if (strlen(s) >= REF_LEN) {
		snprintf(why, whysz, "longer than %d bytes", REF_LEN - 1);
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
		snprintf(why, whysz, "no label key before '='");
		return -1;
	}
	return 0;
}
