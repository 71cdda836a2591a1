/* See LICENSE file for copyright and license details. */
/*
 * The JSON framer (jstream) and the walker over jsmn (json.h). The input
 * is a reply body. It is framed as an array (JS_ARRAY) and as a sequence
 * (JS_SEQ), each in a window of an input-derived size, and read twice:
 * whole and cut into reads at input-derived points; both readings must
 * frame the same values. Each value, and the input as a whole, is parsed
 * into a token array of an input-derived size and every token is read
 * through json.h. Framed as an array again, with each element checked
 * and indexed (jstream_index), it must frame the same values, and what
 * the check lets through must be JSON to jsmn, its members where
 * json_get finds them.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "json.h"
#include "jstream.h"
#include "log.h"
#include "fuzz.h"

static const char *const keys[] = { "Id", "Size", "Type", "Action", "Actor",
    "ID", "message", "" };

/* parse s[0..n) (copied, so that no byte past it can be read) and walk it */
static void
walk(struct fz *f, const char *p, size_t n)
{
	static const unsigned ntoks[] = { 1, 3, 16, 64, JSON_TOKENS };
	struct json j;
	struct jtok *t;
	const char *why = NULL;
	char *s, *out;
	size_t outsz, len, k;
	unsigned ntok = ntoks[fz_below(f, 5)];
	long long v;
	int i, b, x, r;

	s = malloc(n ? n : 1);
	memcpy(s, p, n);
	t = malloc(ntok * sizeof *t);
	r = json_parse(&j, s, n, t, ntok, &why);
	FZ_CHECK(r == 0 || (r == -1 && why != NULL));
	if (r < 0)
		goto out;
	FZ_CHECK(j.n >= 1 && (unsigned)j.n <= ntok);
	FZ_CHECK(json_skip(&j, 0) == j.n);
	for (i = 0; i < j.n; i++) {
		FZ_CHECK(t[i].start >= 0 && t[i].start <= t[i].end &&
		    (size_t)t[i].end <= n);
		x = json_skip(&j, i);
		FZ_CHECK(x > i && x <= j.n);
		outsz = fz_below(f, 80);
		out = malloc(outsz);
		if (json_str(&j, i, out, outsz, &len) == 0) {
			FZ_CHECK(t[i].type == J_STRING);
			FZ_CHECK(len < outsz && strlen(out) == len);
		}
		free(out);
		if (json_int(&j, i, &v) == 0)
			FZ_CHECK(t[i].type == J_PRIMITIVE);
		if (json_bool(&j, i, &b) == 0)
			FZ_CHECK(b == 0 || b == 1);
		(void)json_null(&j, i);
		for (k = 0; k < sizeof keys / sizeof keys[0]; k++) {
			x = json_get(&j, i, keys[k]);
			FZ_CHECK(x == -1 || (t[i].type == J_OBJECT && x > i &&
			    x < json_skip(&j, i) && json_eq(&j, x - 1, keys[k])));
		}
	}
	FZ_CHECK(json_get(&j, -1, "Id") == -1 && json_get(&j, j.n, "Id") == -1);
out:
	free(t);
	free(s);
}

/*
 * An element the framer checked and indexed (jstream_index) is JSON to
 * jsmn too, and each member's key leads json_get to the member's value
 */
static void
indexed(const struct jstream *js, const char *p, size_t n)
{
	const struct jmember *m = js->mem, *k;
	struct json j, v;
	struct jtok *t = malloc((n + 1) * sizeof *t);
	struct jtok *tv = malloc((n + 1) * sizeof *tv);
	const char *why;
	char *s = malloc(n), key[64];
	int i, x;

	memcpy(s, p, n);
	FZ_CHECK(js->nmem <= JSON_MEMBERS && *p == '{');
	FZ_CHECK(json_parse(&j, s, n, t, (unsigned)n + 1, &why) == 0);
	FZ_CHECK(t[0].type == J_OBJECT && t[0].size == js->nmem);
	for (i = 0; i < js->nmem; i++, m++) {
		FZ_CHECK(m->k >= 2 && m->kn >= 0 && m->v > m->k + m->kn &&
		    m->vn >= 1 && (size_t)(m->v + m->vn) < n);
		if ((size_t)m->kn >= sizeof key)
			continue;
		for (k = js->mem; k < m; k++)
			if (k->kn == m->kn && !memcmp(p + k->k, p + m->k,
			    (size_t)m->kn))
				break;
		if (k < m)
			continue;	/* json_get finds the first */
		memcpy(key, p + m->k, (size_t)m->kn);
		key[m->kn] = '\0';
		x = json_get(&j, 0, key);
		FZ_CHECK(x > 0);
		x = t[x].type == J_STRING ? t[x].start - 1 : t[x].start;
		FZ_CHECK(x == m->v);
		FZ_CHECK(json_value(&v, s + m->v, (size_t)m->vn, tv,
		    (unsigned)n + 1, &why) == 0);
	}
	free(s);
	free(t);
	free(tv);
}

static ssize_t
reader(void *ctx, void *buf, size_t n)
{
	struct conn *c = ctx;

	return c->read(c, buf, n);
}

static uint64_t
mix(uint64_t h, uint64_t v)
{
	return (h ^ v) * 1099511628211ULL;
}

/*
 * frame the input (index: JS_ARRAY, each element checked and indexed);
 * returns a digest of what was framed, in order
 */
static uint64_t
frame(const uint8_t *data, size_t size, int mode, size_t cap, int split,
    int index)
{
	static struct jmember mem[JSON_MEMBERS];
	struct jstream js;
	struct fz f;
	struct conn c;
	const char *p;
	size_t n, i, count = 0;
	uint64_t d = 14695981039346656037ULL;
	char *win = malloc(cap);
	int r;

	fz_init(&f, data, size, split);
	fz_conn(&f, &c);
	jstream_init(&js, mode, win, cap, reader, &c);
	if (index)
		jstream_index(&js, mem, JSON_MEMBERS);
	for (;;) {
		r = jstream_next(&js, &p, &n);
		d = mix(d, (uint64_t)(r + 2));
		if (r == JS_END || r == JS_ERR)
			break;
		FZ_CHECK(r == JS_VALUE || r == JS_SKIP);
		/* each value takes at least one byte of the input */
		FZ_CHECK(++count <= size);
		if (r == JS_SKIP)
			continue;
		FZ_CHECK(n > 0 && p >= win && p + n <= win + cap);
		d = mix(d, n);
		for (i = 0; i < n; i++)
			d = mix(d, (unsigned char)p[i]);
		if (index && js.nmem >= 0)
			indexed(&js, p, n);
		else if (!split && !index)
			walk(&f, p, n);
	}
	free(win);
	return d;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t caps[] = { 2, 16, 64, 512, 4096, REPLY_WINDOW };
	struct fz f;
	size_t cap;
	int mode;

	log_level = -1;
	fz_init(&f, data, size, 0);
	walk(&f, (const char *)data, size);
	for (mode = JS_ARRAY; mode <= JS_SEQ; mode++) {
		cap = caps[fz_below(&f, sizeof caps / sizeof caps[0])];
		FZ_CHECK(frame(data, size, mode, cap, 0, 0) ==
		    frame(data, size, mode, cap, 1, 0));
	}
	/* checking and indexing changes nothing of what is framed */
	FZ_CHECK(frame(data, size, JS_ARRAY, cap, 0, 0) ==
	    frame(data, size, JS_ARRAY, cap, 1, 1));
	return 0;
}
