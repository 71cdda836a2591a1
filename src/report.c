/* See LICENSE file for copyright and license details. */
/*
 * The report (--report, and SIGUSR1 in daemon mode): every image in
 * eviction order (the deletions, least recently used first, then the kept
 * images, least recently used first) with its facts and the decision of
 * cl_decided(), the one the eviction acts on, then the totals against the
 * quota; as text or one JSON document, to stdout. The references are read
 * per image (inspect, into cl_ii) as the line is printed: nothing is kept
 * per image. Owns no tables.
 */
#include <stdio.h>
#include <string.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "policy.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "util.h"
#include "opts.h"
#include "cleaner_int.h"

/* "1.5 MiB": hsize() without its exact count */
static char *
short_size(char *out, size_t n, long long v)
{
	char *p;

	if (v < 0)
		return strcpy(out, "-");	/* n >= 2: the callers' */
	hsize(out, n, v);
	if ((p = str_find(out, " (")))
		*p = '\0';
	return out;
}

/* a last use as "3h ago" (the largest whole unit), or "never" */
static char *
ago(char *out, size_t n, long long t, long long now)
{
	long long s = t > now ? 0 : (now - t) / 1000000000LL;

	if (t < 0)
		fmt_snprintf(out, n, "never");
	else if (s < 60)
		fmt_snprintf(out, n, "%llds ago", s);
	else if (s < 3600)
		fmt_snprintf(out, n, "%lldm ago", s / 60);
	else if (s < 86400)
		fmt_snprintf(out, n, "%lldh ago", s / 3600);
	else
		fmt_snprintf(out, n, "%lldd ago", s / 86400);
	return out;
}

/* s as a JSON string (s is sanitised: printable ASCII) */
static void
jstr(const char *s)
{
	fmt_putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fmt_putchar('\\');
		fmt_putchar(*s);
	}
	fmt_putchar('"');
}

/* v, or null when negative */
static void
jnum(const char *key, long long v)
{
	if (v < 0)
		fmt_printf("\"%s\":null,", key);
	else
		fmt_printf("\"%s\":%lld,", key, v);
}

/* read the references of image id into cl_ii: 0, or -1 (unknown) */
static int
refs_of(const struct id *id)
{
	char hex[ID_TEXT];

	return docker_inspect_image(id_image(id, hex), &cl_ii) == DK_DONE ?
	    0 : -1;
}

static void
json_image(const struct id *id, const struct policy_image *im,
    const struct decision *d, long long now)
{
	char hex[ID_TEXT], s[REF_LEN], why[64];
	int i;

	fmt_printf("{\"id\":\"%s\",", id_image(id, hex));
	fmt_printf("\"refs\":");
	if (refs_of(id) < 0) {
		fmt_printf("null,");
	} else {
		fmt_putchar('[');
		for (i = 0; i < cl_ii.nrefs; i++) {
			if (i)
				fmt_putchar(',');
			jstr(san(s, sizeof s, cl_ii.refs[i],
			    strlen(cl_ii.refs[i])));
		}
		fmt_printf("],");
	}
	jnum("size", im->size);
	jnum("unique_size", im->unique);
	jnum("last_used", im->last_used < 0 ? -1 :
	    im->last_used / 1000000000LL);
	fmt_printf("\"last_used_ago\":\"%s\",", ago(s, sizeof s, im->last_used,
	    now));
	fmt_printf("\"containers\":%u,\"decision\":\"%s\",\"reason\":", im->users,
	    d->why == R_DELETE ? "delete" : "keep");
	jstr(policy_why(d, why, sizeof why));
	fmt_putchar('}');
}

static void
text_image(const struct id *id, const struct policy_image *im,
    const struct decision *d, long long now)
{
	char hex[ID_TEXT], refs[REFS_BYTES], sz[HSIZE_LEN], us[HSIZE_LEN];
	char when[32], why[64];

	if (refs_of(id) < 0)
		strcpy(refs, "?");
	else
		cl_refs_text(refs, sizeof refs);
	fmt_printf("%-12.12s  %-10s  %-10s  %-10s  %4u  %-6s  %-24s  %s\n",
	    id_hex(id, hex), short_size(sz, sizeof sz, im->size),
	    short_size(us, sizeof us, im->unique),
	    ago(when, sizeof when, im->last_used, now), im->users,
	    d->why == R_DELETE ? "delete" : "keep",
	    policy_why(d, why, sizeof why), refs);
}

void
cl_report(void)
{
	struct policy_in *in;
	struct policy_out *out;
	char a[HSIZE_LEN], b[HSIZE_LEN], c[HSIZE_LEN];
	long long now = now_ns(), del = 0;
	size_t i, n;
	unsigned k;
	int json = cl_set->json;

	cl_decided(&in, &out);
	/* the kept ones after the deletions, least recently used first */
	for (i = 0, n = out->ndel; i < in->n; i++)
		if (out->d[i].why != R_DELETE)
			out->del[n++] = (unsigned)i;
	policy_lru(in, out->del + out->ndel, out->tmp, n - out->ndel);
	for (i = 0; i < out->ndel; i++)
		del += in->img[out->del[i]].size;
	if (json)
		fmt_printf("{\"images\":[");
	else
		fmt_printf("%-12s  %-10s  %-10s  %-10s  %4s  %-6s  %-24s  %s\n",
		    "IMAGE", "SIZE", "UNIQUE", "LAST USE", "CTRS", "ACTION",
		    "REASON", "REFERENCES");
	for (i = 0; i < n && !stopping; i++) {
		k = out->del[i];
		if (json && i)
			fmt_putchar(',');
		if (json)
			json_image(inv_id(k), &in->img[k], &out->d[k], now);
		else
			text_image(inv_id(k), &in->img[k], &out->d[k], now);
	}
	if (json) {
		fmt_printf("],\"managed_images\":%zu,\"managed_bytes\":%lld,"
		    "\"quota\":%lld,\"delete_images\":%zu,\"delete_bytes\":%lld,"
		    "\"complete\":%s}\n", out->managed, out->total, in->quota,
		    out->ndel, del, cl_incomplete ? "false" : "true");
	} else {
		fmt_printf("%zu images, %zu managed: %s of quota %s; to delete: %zu "
		    "images, %s\n", in->n, out->managed,
		    short_size(a, sizeof a, out->total),
		    short_size(b, sizeof b, in->quota), out->ndel,
		    short_size(c, sizeof c, del));
		if (cl_incomplete)
			fmt_printf("inventory incomplete: nothing is deleted until "
			    "a full inventory\n");
	}
	fmt_flush();
}
