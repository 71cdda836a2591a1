/* See LICENSE file for copyright and license details. */
/*
 * The framer, fed by a reader that hands out its input in pieces of chosen
 * sizes. What comes out is written as one string, the values separated by
 * '|', with <skip>, <end>, <err> for the other results, so that a whole run
 * is compared at once.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "unit.h"
#include "bounds.h"
#include "jstream.h"

struct feed {
	const char *data;
	size_t len, pos;
	const size_t *sizes;	/* read sizes; the last one repeats */
	size_t nsizes, next;
	int fail;		/* -1 at the end of data, not 0 */
};

static char win[65536];
static char outa[65536], outb[65536];
static char big[65536];
/* JS_OBJECT: the key (with its quotes) whose array value is entered */
static const char *enter_key;
/* JS_ARRAY: elements checked and indexed into mem[0..nmax) when nmax */
static struct jmember mem[8];
static int nmax;

static ssize_t
feed_read(void *ctx, void *buf, size_t n)
{
	struct feed *f = ctx;
	size_t k;

	if (f->pos == f->len)
		return f->fail ? -1 : 0;
	k = f->len - f->pos;
	if (k > n)
		k = n;
	if (f->nsizes) {
		size_t i = f->next < f->nsizes ? f->next : f->nsizes - 1;
		if (k > f->sizes[i])
			k = f->sizes[i];
		f->next++;
	}
	memcpy(buf, f->data + f->pos, k);
	f->pos += k;
	return (ssize_t)k;
}

static void
put(char *out, size_t *o, size_t cap, const char *s, size_t n)
{
	if (*o + n >= cap)
		n = cap - 1 - *o;
	memcpy(out + *o, s, n);
	*o += n;
	out[*o] = '\0';
}

/*
 * An indexed element: "<k=v;k=v>", or "<bad: why>" then the element as
 * framed; a member outside the element: "<outside>"
 */
static void
put_members(char *out, size_t *o, const struct jstream *js, const char *p,
    size_t n)
{
	const struct jmember *m;
	int i;

	if (js->nmem < 0) {
		put(out, o, sizeof outa, "<bad: ", 6);
		put(out, o, sizeof outa, js->why, strlen(js->why));
		put(out, o, sizeof outa, ">", 1);
		put(out, o, sizeof outa, p, n);
		return;
	}
	put(out, o, sizeof outa, "<", 1);
	for (i = 0; i < js->nmem; i++) {
		m = &js->mem[i];
		if (m->k < 1 || m->kn < 0 || m->v <= m->k + m->kn ||
		    m->vn < 1 || (size_t)(m->v + m->vn) >= n) {
			put(out, o, sizeof outa, "<outside>", 9);
			return;
		}
		if (i)
			put(out, o, sizeof outa, ";", 1);
		put(out, o, sizeof outa, p + m->k, (size_t)m->kn);
		put(out, o, sizeof outa, "=", 1);
		put(out, o, sizeof outa, p + m->v, (size_t)m->vn);
	}
	put(out, o, sizeof outa, ">", 1);
}

/* frame s[0..len) with a window of cap bytes, cut by sizes, into out */
static char *
frame(char *out, int mode, const char *s, size_t len, size_t cap,
    const size_t *sizes, size_t nsizes, int fail)
{
	struct jstream js;
	struct feed f = { s, len, 0, sizes, nsizes, 0, fail };
	const char *p;
	size_t n, o = 0, cap_out = sizeof outa, calls;
	int r, inside = 0;

	out[0] = '\0';
	jstream_init(&js, mode, win, cap, feed_read, &f);
	if (nmax)
		jstream_index(&js, mem, nmax);
	for (calls = 0; calls < len + 8; calls++) {
		if (calls)
			put(out, &o, cap_out, "|", 1);
		switch ((r = jstream_next(&js, &p, &n))) {
		case JS_VALUE:
			if (p < win || n > cap || p + n > win + cap)
				put(out, &o, cap_out, "<outside>", 9);
			else if (nmax)
				put_members(out, &o, &js, p, n);
			else
				put(out, &o, cap_out, p, n);
			if (enter_key && n == strlen(enter_key) &&
			    memcmp(p, enter_key, n) == 0 && !inside) {
				if (jstream_enter(&js) < 0)
					put(out, &o, cap_out, "<noenter>", 9);
				else
					inside = 1;
				put(out, &o, cap_out, "<in>", 4);
			}
			continue;
		case JS_SKIP:
			put(out, &o, cap_out, "<skip>", 6);
			continue;
		case JS_END:
			if (inside) {
				put(out, &o, cap_out, "<out>", 5);
				inside = 0;
				continue;
			}
			put(out, &o, cap_out, "<end>", 5);
			/* the end stays the end */
			if (jstream_next(&js, &p, &n) != JS_END)
				put(out, &o, cap_out, "<again>", 7);
			return out;
		case JS_ERR:
			put(out, &o, cap_out, "<err>", 5);
			return out;
		default:
			put(out, &o, cap_out, "<bad>", 5);
			return out;
		}
	}
	put(out, &o, cap_out, "<hang>", 6);
	return out;
}

/*
 * Frame s[0..len) at once, then in two reads cut at every byte (every
 * 61st of a long input), then one byte per read: the results must be the
 * same, and equal want.
 */
static int
framed(int mode, const char *s, size_t len, size_t cap, const char *want)
{
	static const size_t one = 1;
	size_t two[2] = { 0, SIZE_MAX }, k, step = len > 2048 ? 61 : 1;

	frame(outa, mode, s, len, cap, NULL, 0, 0);
	if (strcmp(outa, want) != 0) {
		printf("jstream: got  %s\njstream: want %s\n", outa,
		    want);
		return 0;
	}
	frame(outb, mode, s, len, cap, &one, 1, 0);
	if (strcmp(outa, outb) != 0)
		return 0;
	for (k = 1; k < len; k += step) {
		two[0] = k;
		frame(outb, mode, s, len, cap, two, 2, 0);
		if (strcmp(outa, outb) != 0)
			return 0;
	}
	return 1;
}

#define ARRAY(lit, want) framed(JS_ARRAY, lit, sizeof lit - 1, sizeof win, want)
#define SEQ(lit, want) framed(JS_SEQ, lit, sizeof lit - 1, sizeof win, want)

static int
array_empty(void)
{
	check(ARRAY("[]", "<end>"));
	check(ARRAY("[ ]", "<end>"));
	check(ARRAY(" \r\n\t[\n\n]\n", "<end>"));
	check(framed(JS_ARRAY, "[]", 2, 2, "<end>"));
	return 0;
}

static int
array_values(void)
{
	check(ARRAY("[{\"a\":1}]", "{\"a\":1}|<end>"));
	check(ARRAY("[{\"Id\":\"sha256:ab\",\"Labels\":{\"x\":{\"y\":[]}},"
	    "\"RepoTags\":[\"a:1\",\"b:2\"]}, {\"e\":[[],{}]} ,{}]",
	    "{\"Id\":\"sha256:ab\",\"Labels\":{\"x\":{\"y\":[]}},"
	    "\"RepoTags\":[\"a:1\",\"b:2\"]}|{\"e\":[[],{}]}|{}|<end>"));
	/* arrays as elements */
	check(ARRAY("[[1,2],[],[[{}]]]", "[1,2]|[]|[[{}]]|<end>"));
	/* white space and newlines between */
	check(ARRAY("\n[\n  {\"a\": 1}\r\n ,\t{\"b\": 2}\n]\n",
	    "{\"a\": 1}|{\"b\": 2}|<end>"));
	return 0;
}

static int
array_strings(void)
{
	/* brackets, braces, commas and escapes inside strings */
	check(ARRAY("[{\"s\":\"]\"},{\"s\":\"}\"},{\"s\":\",\"},{\"s\":\"[{\"},"
	    "{\"s\":\"\\\"]\"},{\"s\":\"\\\\\"},{\"s\":\"\\\\\\\"}\"}]",
	    "{\"s\":\"]\"}|{\"s\":\"}\"}|{\"s\":\",\"}|{\"s\":\"[{\"}|"
	    "{\"s\":\"\\\"]\"}|{\"s\":\"\\\\\"}|{\"s\":\"\\\\\\\"}\"}|<end>"));
	/* strings as elements */
	check(ARRAY("[\"a]b\", \"c}d\",\"e,f\",\"g\\\"h\",\"i\\\\\",\"\"]",
	    "\"a]b\"|\"c}d\"|\"e,f\"|\"g\\\"h\"|\"i\\\\\"|\"\"|<end>"));
	/* keys with the same characters */
	check(ARRAY("[{\"]}\":{\"\\\\\":\"\\\"\"}}]",
	    "{\"]}\":{\"\\\\\":\"\\\"\"}}|<end>"));
	return 0;
}

static int
array_primitives(void)
{
	check(ARRAY("[1,-2.5e3 , true,false\n,null,\"s\",{},[]]",
	    "1|-2.5e3|true|false|null|\"s\"|{}|[]|<end>"));
	check(ARRAY("[0]", "0|<end>"));
	check(ARRAY("[ 123456789 ]", "123456789|<end>"));
	return 0;
}

static int
array_small_window(void)
{
	/* all fit a 16-byte window, though the stream does not */
	static const char s[] = "[{\"a\":1},{\"bb\":[2]},\"cccccccccc\",4]";

	check(framed(JS_ARRAY, s, sizeof s - 1, 16,
	    "{\"a\":1}|{\"bb\":[2]}|\"cccccccccc\"|4|<end>"));
	return 0;
}

static int
seq_values(void)
{
	check(SEQ("{\"a\":1}\n{\"b\":[2]}\n", "{\"a\":1}|{\"b\":[2]}|<end>"));
	/* a final value without a newline */
	check(SEQ("{\"a\":1}\n{\"b\":2}", "{\"a\":1}|{\"b\":2}|<end>"));
	/* primitives and strings, one at the end of the stream */
	check(SEQ("{}\n42", "{}|42|<end>"));
	check(SEQ("true\n\"x]\"\r\n[1]\n-7", "true|\"x]\"|[1]|-7|<end>"));
	check(SEQ("null", "null|<end>"));
	check(SEQ("", "<end>"));
	check(SEQ("\n \r\n", "<end>"));
	/* the record separator of json-seq */
	check(SEQ("\036{\"a\":1}\n\036{}\n", "{\"a\":1}|{}|<end>"));
	return 0;
}

/* big[0..n): an object of exactly n bytes, {"k":"xxx...","a":"]}\""} */
static size_t
object(char *out, size_t n)
{
	static const char tail[] = "\",\"a\":\"]}\\\"\"}";
	size_t pad = n - 6 - (sizeof tail - 1);

	memcpy(out, "{\"k\":\"", 6);
	memset(out + 6, 'x', pad);
	memcpy(out + 6 + pad, tail, sizeof tail - 1);
	return n;
}

static int
window_overflow(void)
{
	static char s[1024], want[1024];
	size_t n, e;

	/* an oversize element between two that fit */
	n = (size_t)sprintf(s, "[{\"a\":1},");
	n += object(s + n, 200);
	n += (size_t)sprintf(s + n, ",{\"b\":2},3]");
	check(framed(JS_ARRAY, s, n, 64, "{\"a\":1}|<skip>|{\"b\":2}|3|<end>"));
	/* first, last, two in a row */
	n = 1;
	s[0] = '[';
	n += object(s + n, 100);
	s[n++] = ',';
	n += object(s + n, 65);
	s[n++] = ',';
	n += object(s + n, 300);
	n += (size_t)sprintf(s + n, ",{\"c\":3},");
	n += object(s + n, 129);
	s[n++] = ']';
	check(framed(JS_ARRAY, s, n, 64,
	    "<skip>|<skip>|<skip>|{\"c\":3}|<skip>|<end>"));
	/* an element of exactly the window size comes out; one more does not */
	n = 1;
	s[0] = '[';
	n += object(s + n, 64);
	s[n++] = ',';
	n += object(s + n, 65);
	s[n++] = ',';
	n += object(s + n, 64);
	s[n++] = ']';
	e = object(want, 64);
	e += (size_t)sprintf(want + e, "|<skip>|");
	e += object(want + e, 64);
	strcpy(want + e, "|<end>");
	check(framed(JS_ARRAY, s, n, 64, want));
	/* NDJSON */
	n = object(s, 100);
	n += (size_t)sprintf(s + n, "\n{\"a\":1}\n");
	n += object(s + n, 64);
	n += (size_t)sprintf(s + n, "\n7");
	e = (size_t)sprintf(want, "<skip>|{\"a\":1}|");
	e += object(want + e, 64);
	strcpy(want + e, "|7|<end>");
	check(framed(JS_SEQ, s, n, 64, want));
	return 0;
}

static int
errors(void)
{
	check(ARRAY("", "<err>"));
	check(ARRAY("  ", "<err>"));
	check(ARRAY("[{\"a\":1", "<err>"));
	check(ARRAY("[{\"a\":\"1}]", "<err>"));
	check(ARRAY("[{\"a\":1}", "{\"a\":1}|<err>"));
	check(ARRAY("[{},", "{}|<err>"));
	check(ARRAY("[", "<err>"));
	check(ARRAY("[1", "<err>"));
	check(ARRAY("x[]", "<err>"));
	check(ARRAY("{}", "<err>"));
	check(ARRAY("[1 2]", "1|<err>"));
	check(ARRAY("[{} {}]", "{}|<err>"));
	check(ARRAY("{} {}", "<err>"));
	check(ARRAY("[,1]", "<err>"));
	check(ARRAY("[x]", "<err>"));
	check(ARRAY("[]x", "<err>"));
	check(ARRAY("[][]", "<err>"));
	check(SEQ("{\"a\":1", "<err>"));
	check(SEQ("{}\n{", "{}|<err>"));
	check(SEQ("\"abc", "<err>"));
	check(SEQ("]", "<err>"));
	check(SEQ("{}\n,{}", "{}|<err>"));
	return 0;
}

static int
errors_read(void)
{
	static const char s[] = "[{\"a\":1},{\"b\":2}]";
	size_t k;

	/* the reader fails after k bytes: an error, after what was whole */
	for (k = 0; k < sizeof s; k++) {
		frame(outa, JS_ARRAY, s, k, sizeof win, NULL, 0, 1);
		check(strcmp(outa, k < 8 ? "<err>" : k < 16 ?
		    "{\"a\":1}|<err>" : "{\"a\":1}|{\"b\":2}|<err>") == 0);
		frame(outa, JS_SEQ, s + 1, k, sizeof win, NULL, 0, 1);
		check(strcmp(outa, k < 7 ? "<err>" : "{\"a\":1}|<err>") == 0);
	}
	return 0;
}

static int
deep(void)
{
	size_t n = 0, i;

	/* 10,000 levels in a big window: one value */
	big[n++] = '[';
	for (i = 0; i < 10000; i++)
		big[n++] = '[';
	for (i = 0; i < 10000; i++)
		big[n++] = ']';
	n += (size_t)sprintf(big + n, ",{\"a\":1}]");
	frame(outa, JS_ARRAY, big, n, sizeof win, NULL, 0, 0);
	check(strlen(outa) == 20000 + strlen("|{\"a\":1}|<end>"));
	check(strcmp(outa + 20000, "|{\"a\":1}|<end>") == 0);
	check(outa[0] == '[' && outa[9999] == '[' && outa[10000] == ']');
	/* beyond a small window: skipped, and what follows is fine */
	check(framed(JS_ARRAY, big, n, 64, "<skip>|{\"a\":1}|<end>"));
	/* unclosed: an error */
	check(framed(JS_ARRAY, big, 10001, 64, "<err>"));
	check(framed(JS_SEQ, big + 1, 10000, sizeof win, "<err>"));
	return 0;
}

#define OBJ(lit, want) framed(JS_OBJECT, lit, sizeof lit - 1, sizeof win, want)

/* JS_OBJECT: members as key|value, the Images array entered */
static int
object_members(void)
{
	enter_key = "\"Images\"";
	check(OBJ("{}", "<end>"));
	check(OBJ(" { } \n", "<end>"));
	check(OBJ("{\"a\":1}", "\"a\"|1|<end>"));
	check(OBJ("{\"LayersSize\": 42 ,\"x\" :{\"y\":[1]},\"s\":\"}\\\"\"}",
	    "\"LayersSize\"|42|\"x\"|{\"y\":[1]}|\"s\"|\"}\\\"\"|<end>"));
	/* the entered array: its elements, then the members after it */
	check(OBJ("{\"Images\":[{\"Id\":\"a\"},{\"Id\":\"b\"}],\"LayersSize\":7,"
	    "\"Containers\":[{\"c\":1}]}",
	    "\"Images\"<in>|{\"Id\":\"a\"}|{\"Id\":\"b\"}|<out>|\"LayersSize\"|7|"
	    "\"Containers\"|[{\"c\":1}]|<end>"));
	check(OBJ("{\"LayersSize\":0,\"Images\": [ ] }",
	    "\"LayersSize\"|0|\"Images\"<in>|<out>|<end>"));
	/* a key that is not entered keeps its array whole */
	check(OBJ("{\"Images2\":[1,2]}", "\"Images2\"|[1,2]|<end>"));
	enter_key = NULL;
	return 0;
}

static int
object_window(void)
{
	static char s[1024];
	size_t n;

	/* an oversize element of the entered array, and an oversize member */
	enter_key = "\"Images\"";
	n = (size_t)sprintf(s, "{\"Images\":[{\"a\":1},");
	n += object(s + n, 200);
	n += (size_t)sprintf(s + n, ",{\"b\":2}],\"Big\":");
	n += object(s + n, 100);
	n += (size_t)sprintf(s + n, ",\"LayersSize\":5}");
	check(framed(JS_OBJECT, s, n, 64, "\"Images\"<in>|{\"a\":1}|<skip>|"
	    "{\"b\":2}|<out>|\"Big\"|<skip>|\"LayersSize\"|5|<end>"));
	enter_key = NULL;
	return 0;
}

static int
object_errors(void)
{
	enter_key = "\"Images\"";
	check(OBJ("", "<err>"));
	check(OBJ("[]", "<err>"));
	check(OBJ("{", "<err>"));
	check(OBJ("{\"a\"}", "\"a\"|<err>"));
	check(OBJ("{\"a\":1", "\"a\"|<err>"));
	check(OBJ("{\"a\":1,", "\"a\"|1|<err>"));
	check(OBJ("{\"a\":]}", "\"a\"|<err>"));
	check(OBJ("{1:2}", "<err>"));
	check(OBJ("{\"a\":1 \"b\":2}", "\"a\"|1|<err>"));
	check(OBJ("{}{}", "<err>"));
	/* an entered value that is no array */
	check(OBJ("{\"Images\":{}}", "\"Images\"<in>|<err>"));
	check(OBJ("{\"Images\":null}", "\"Images\"<in>|<err>"));
	/* an entered array not closed */
	check(OBJ("{\"Images\":[{}", "\"Images\"<in>|{}|<err>"));
	check(OBJ("{\"Images\":[{}]", "\"Images\"<in>|{}|<out>|<err>"));
	enter_key = NULL;
	return 0;
}

static int
object_enter_misuse(void)
{
	struct jstream js;
	struct feed f = { "{\"a\":[1]}", 9, 0, NULL, 0, 0, 0 };
	const char *p;
	size_t n;

	/* only right after a key of JS_OBJECT */
	jstream_init(&js, JS_ARRAY, win, sizeof win, feed_read, &f);
	check(jstream_enter(&js) < 0);
	jstream_init(&js, JS_OBJECT, win, sizeof win, feed_read, &f);
	check(jstream_enter(&js) < 0);
	check(jstream_next(&js, &p, &n) == JS_VALUE);	/* "a" */
	check(jstream_enter(&js) == 0);
	check(jstream_next(&js, &p, &n) == JS_VALUE && n == 1 && *p == '1');
	check(jstream_enter(&js) < 0);		/* inside: no */
	check(jstream_next(&js, &p, &n) == JS_END);	/* of the array */
	check(jstream_next(&js, &p, &n) == JS_END);	/* of the object */
	return 0;
}

/* JS_ARRAY, indexed: as ARRAY */
#define INDEXED(lit, want) indexed(lit, sizeof lit - 1, sizeof win, want)

static int
indexed(const char *s, size_t len, size_t cap, const char *want)
{
	int r;

	nmax = 4;
	r = framed(JS_ARRAY, s, len, cap, want);
	nmax = 0;
	return r;
}

static int
index_members(void)
{
	check(INDEXED("[{\"Id\":\"sha256:ab\",\"Size\":5,\"Labels\":null,"
	    "\"RepoTags\":[\"a:1\"]},{},{ \"a\" : { \"b\" : [ 1 , {} ] } }]",
	    "<Id=\"sha256:ab\";Size=5;Labels=null;RepoTags=[\"a:1\"]>|<>|"
	    "<a={ \"b\" : [ 1 , {} ] }>|<end>"));
	/* strings of every length around 8 bytes, escapes, special bytes */
	check(INDEXED("[{\"k\":\"\",\"1234567\":\"12345678\",\"123456789\":"
	    "\"x\\\"y\\\\z\\/\\b\\f\\n\\r\\t\\u00aF]}\\\"\"},"
	    "{\"\\\"}\":\"{[,:\\u0000\",\"t\":true,\"f\":false}]",
	    "<k=\"\";1234567=\"12345678\";123456789=\"x\\\"y\\\\z\\/\\b"
	    "\\f\\n\\r\\t\\u00aF]}\\\"\">|<\\\"}=\"{[,:\\u0000\";t=true;"
	    "f=false>|<end>"));
	/* numbers as JSON has them */
	check(INDEXED("[{\"a\":0,\"b\":-1.5e+3,\"c\":12E-01,\"d\":-0}]",
	    "<a=0;b=-1.5e+3;c=12E-01;d=-0>|<end>"));
	/* other elements are no objects: framed, not indexed */
	check(INDEXED("[[{\"a\":1}],\"s\",7,{\"a\":1}]",
	    "<bad: not an object>[{\"a\":1}]|<bad: not an object>\"s\"|"
	    "<bad: not an object>7|<a=1>|<end>"));
	return 0;
}

/* the nmem of each element of s[0..len) into got[0..max): how many */
static int
nmems(const char *s, size_t len, char *got, int max)
{
	struct jstream js;
	struct feed f = { s, len, 0, NULL, 0, 0, 0 };
	const char *p;
	size_t n;
	int k = 0;

	jstream_init(&js, JS_ARRAY, win, sizeof win, feed_read, &f);
	jstream_index(&js, mem, 8);
	while (k < max && jstream_next(&js, &p, &n) == JS_VALUE)
		got[k++] = (char)js.nmem;
	return k;
}

/* elements the index refuses: framed as before, the next ones read */
static int
index_malformed(void)
{
	static const char *const bad[] = {
	    "{\"a\":1,}", "{\"a\"}", "{\"a\":}", "{\"a\" 1}", "{,\"a\":1}",
	    "{\"a\":1 \"b\":2}", "{\"a\":[1,]}", "{\"a\":[,1]}",
	    "{\"a\":[1 2]}", "{\"a\":{1:2}}", "{\"a\":{\"b\"}}",
	    "{\"a\":[1:2]}", "{1:2}", "{\"a\":01}", "{\"a\":1.}",
	    "{\"a\":.5}", "{\"a\":1e}", "{\"a\":-}", "{\"a\":+1}",
	    "{\"a\":1-2}", "{\"a\":tru}", "{\"a\":nul}", "{\"a\":truex}",
	    "{\"a\":True}", "{\"a\":x}", "{\"a\":\"\\x\"}",
	    "{\"a\":\"\\u12G4\"}", "{\"a\":\"\\u12\"}", "{\"a\\q\":1}",
	    "{\"a\":1\x1e}", "{\"a\":\"x\"\"y\"}",	    "{\"a\":1,\"b\":2,\"c\":3,\"d\":4,\"e\":5}",
	};
	static char s[256], want[512];
	size_t i, n;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		n = (size_t)sprintf(s, "[{\"x\":1},%s,{\"y\":2}]", bad[i]);
		sprintf(want, "<x=1>|<bad: %s>%s|<y=2>|<end>",
		    i + 1 < sizeof bad / sizeof bad[0] ? "malformed" :
		    "too many members", bad[i]);
		check(indexed(s, n, sizeof win, want));
	}
	/* a NUL in a string or between tokens: refused, the rest read */
	n = (size_t)sprintf(s, "[{\"a\":\"x\"},{\"b\":\"x");
	s[n++] = '\0';
	n += (size_t)sprintf(s + n, "y\"},{\"c\":1 ");
	s[n++] = '\0';
	n += (size_t)sprintf(s + n, "},{\"d\":[]}]");
	check(nmems(s, n, want, 8) == 4);
	check(want[0] == 1 && want[1] == -1 && want[2] == -1 && want[3] == 1);
	/* cut short inside an element: the reply is cut short */
	check(INDEXED("[{\"a\":1},{\"b\":\"x", "<a=1>|<err>"));
	check(INDEXED("[{\"a\":1},{\"b\":12", "<a=1>|<err>"));
	check(INDEXED("[{\"a\":1},{\"b\":tr", "<a=1>|<err>"));
	/* brackets mismatched: refused, then the framer's count fails */
	check(INDEXED("[{\"a\":1},{\"b\":[}, {\"c\":2}]",
	    "<a=1>|<bad: malformed>{\"b\":[}, {\"c\":2}]|<err>"));
	return 0;
}

/* nested too deep for the check, larger than the window: as before */
static int
index_limits(void)
{
	static char s[8192], want[8192];
	size_t n = 0, e, k;

	n = (size_t)sprintf(s, "[{\"a\":");
	for (k = 0; k < JSON_DEPTH; k++)
		s[n++] = '[';
	for (k = 0; k < JSON_DEPTH; k++)
		s[n++] = ']';
	n += (size_t)sprintf(s + n, "},{\"b\":1}]");
	e = (size_t)sprintf(want, "<bad: nested too deep>");
	memcpy(want + e, s + 1, n - 10);
	e += n - 10;
	strcpy(want + e, "|<b=1>|<end>");
	check(indexed(s, n, sizeof win, want));
	/* one level less is fine */
	n = (size_t)sprintf(s, "[{\"a\":");
	for (k = 0; k < JSON_DEPTH - 1; k++)
		s[n++] = '[';
	for (k = 0; k < JSON_DEPTH - 1; k++)
		s[n++] = ']';
	n += (size_t)sprintf(s + n, "}]");
	e = (size_t)sprintf(want, "<a=");
	memcpy(want + e, s + 6, n - 8);
	e += n - 8;
	strcpy(want + e, ">|<end>");
	check(indexed(s, n, sizeof win, want));
	/* larger than the window: skipped, the next one fits */
	n = (size_t)sprintf(s, "[{\"a\":1},");
	n += object(s + n, 200);
	n += (size_t)sprintf(s + n, ",{\"b\":2}]");
	check(indexed(s, n, 64, "<a=1>|<skip>|<b=2>|<end>"));
	/* exactly the window */
	n = (size_t)sprintf(s, "[");
	n += object(s + n, 64);
	n += (size_t)sprintf(s + n, "]");
	e = (size_t)sprintf(want, "<k=\"");
	memset(want + e, 'x', 64 - 19);
	e += 64 - 19;
	strcpy(want + e, "\";a=\"]}\\\"\">|<end>");
	check(indexed(s, n, 64, want));
	return 0;
}

const struct unit_test jstream_tests[] = {
	UNIT(index_members),
	UNIT(index_malformed),
	UNIT(index_limits),
	UNIT(object_members),
	UNIT(object_window),
	UNIT(object_errors),
	UNIT(object_enter_misuse),
	UNIT(array_empty),
	UNIT(array_values),
	UNIT(array_strings),
	UNIT(array_primitives),
	UNIT(array_small_window),
	UNIT(seq_values),
	UNIT(window_overflow),
	UNIT(errors),
	UNIT(errors_read),
	UNIT(deep),
	{ NULL, NULL }
};
