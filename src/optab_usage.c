/* See LICENSE file for copyright and license details. */
/*
 * The help of an option table (opt_usage in optab.h): the usage line, one
 * paragraph per flag, the config keys. Owns nothing.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "fmt.h"
#include "bounds.h"
#include "json.h"
#include "opts.h"
#include "optab.h"

/* the usage line's item for o: "[--quota SIZE]" */
static void
usage_item(const struct opt *o, char *out, size_t n)
{
	char names[128];

	if (o->kind == OPT_ENUM)
		opt_names(o, "|", names, sizeof names);
	if (o->shortf)
		fmt_snprintf(out, n, "[-%c|%s]%s", o->shortf, o->flag,
		    o->kind == OPT_COUNT ? "..." : "");
	else if (o->kind == OPT_BOOL || o->kind == OPT_COUNT)
		fmt_snprintf(out, n, "[%s]%s", o->flag,
		    o->kind == OPT_COUNT ? "..." : "");
	else
		fmt_snprintf(out, n, "[%s %s]%s", o->flag, o->kind == OPT_ENUM ?
		    names : o->arg, o->kind == OPT_LIST ? "..." : "");
}

/* one word of a wrapped paragraph: a new line, indented, past 79 columns */
static void
word(size_t *col, size_t indent, const char *w)
{
	if (*col > indent && *col + 1 + strlen(w) > 79) {
		fmt_printf("\n%*s", (int)indent, "");
		*col = indent;
	} else if (*col != indent) {
		fmt_putchar(' ');
		(*col)++;
	}
	fmt_printf("%s", w);
	*col += strlen(w);
}

void
opt_usage(const struct optab *t)
{
	const struct opt *o;
	const char *h, *nl;
	char it[160];
	size_t i, col, ind = strlen(t->prog) + 8;
	int w;

	col = (size_t)fmt_printf("usage: %s", t->prog);
	for (i = 0; i < t->n; i++)
		if ((o = &t->row[i])->flag) {
			usage_item(o, it, sizeof it);
			word(&col, ind, it);
		}
	word(&col, ind, "[--version]");
	word(&col, ind, "[--help]");
	fmt_printf("\n\n%s\n\n", t->about);
	for (i = 0; i < t->n; i++) {
		if (!(o = &t->row[i])->flag)
			continue;
		if (o->shortf)
			w = fmt_printf("  -%c, %s", o->shortf, o->flag);
		else
			w = fmt_printf("  %s%s%s", o->flag, o->arg ? " " : "",
			    o->arg ? o->arg : "");
		for (h = o->help; h && *h; h = *nl ? nl + 1 : nl) {
			nl = strchr(h, '\n');
			nl = nl ? nl : h + strlen(h);
			if (w > 16) {
				fmt_putchar('\n');
				w = 0;
			}
			fmt_printf("%*s%.*s", 18 - w, "", (int)(nl - h), h);
			w = 18;
		}
		fmt_putchar('\n');
	}
	col = (size_t)fmt_printf("\nConfig keys:") - 1;
	for (i = 0; i < t->n; i++)
		if ((o = &t->row[i])->key) {
			fmt_snprintf(it, sizeof it, "%s%s", o->key,
			    i + 1 < t->n ? "," : ".");
			word(&col, 0, it);
		}
	fmt_printf("\n%s", t->tail);
	fmt_flush();
}
