/* See LICENSE file for copyright and license details. */
/*
 * The walking API over jsmn: parsing into a caller's token array, lookup
 * by key past nested values, and the typed readers.
 */
#include <limits.h>
#include <stddef.h>

#include "unit.h"
#include "json.h"

static struct jtok toks[64];
static struct json j;

/* parse the literal s into toks; 0 or -1 */
static int
parse(const char *s, unsigned ntok, const char **why)
{
	return json_parse(&j, s, strlen(s), toks, ntok, why);
}

static int
ok(const char *s)
{
	const char *why = NULL;

	return parse(s, 64, &why) == 0 && why == NULL;
}

static int
malformed(const char *s)
{
	const char *why = NULL;

	return parse(s, 64, &why) == -1 && why &&
	    strcmp(why, "malformed") == 0;
}

static int
parse_object(void)
{
	const char *why = NULL;
	static const char s[] =
	    " {\"a\":1,\"b\":[true,null],\"c\":{\"d\":\"e\"}} \n";

	check(json_parse(&j, s, sizeof s - 1, toks, 11, &why) == 0);
	check(j.n == 11 && j.s == s && j.t == toks);
	check(toks[0].type == J_OBJECT && toks[0].size == 3);
	check(toks[1].type == J_STRING && toks[2].type == J_PRIMITIVE);
	check(toks[4].type == J_ARRAY && toks[4].size == 2);
	check(toks[8].type == J_OBJECT && toks[8].size == 1);
	check(json_skip(&j, 0) == 11);
	check(json_skip(&j, 4) == 7);
	check(json_skip(&j, 2) == 3);
	check(json_skip(&j, 8) == 11);
	/* one token short */
	check(json_parse(&j, s, sizeof s - 1, toks, 10, &why) == -1);
	check(strcmp(why, "too many tokens") == 0);
	/* the length bounds the text: what follows is not read */
	check(json_parse(&j, "{}garbage", 2, toks, 64, &why) == 0);
	check(j.n == 1);
	/* any single value */
	check(ok("[]") && ok("\"x\"") && ok("[[[]]]"));
	/* jsmn (strict) wants a primitive ended by a delimiter */
	check(ok("1 ") && ok("null\n"));
	return 0;
}

static int
parse_malformed(void)
{
	const char *why = NULL;

	check(malformed(""));
	check(malformed("   "));
	check(malformed("{"));
	check(malformed("{\"a\":"));
	check(malformed("{\"a\":1"));
	check(malformed("{\"a\":1}}"));
	check(malformed("[1,2}"));
	check(malformed("]"));
	check(malformed("{\"a\":\"b}"));
	check(malformed("{\"a\":bad}"));
	check(malformed("{a:1}"));
	check(malformed("{1:2}"));
	check(malformed("{\"a\":'b'}"));
	/* two top-level values */
	check(malformed("{} {}"));
	check(malformed("{}{}"));
	check(malformed("1 2"));
	check(malformed("[] 1"));
	check(malformed("\"a\" \"b\""));
	/* keys without values, and stray keys */
	check(malformed("{\"a\"}"));
	check(malformed("{\"a\":}"));
	check(malformed("{\"a\":1,\"b\"}"));
	check(malformed("{\"a\":{\"b\"}}"));
	check(malformed("[\"a\":1]"));
	check(malformed("{\"a\":\"b\":1}"));
	check(malformed("{\"a\":1 \"b\":2}"));
	check(malformed("[1,\"b\":2]"));
	check(malformed("[\"a\",\"b\":{}]"));
	/* an error wins over the token count */
	check(parse("{\"a\"}", 2, &why) == -1);
	check(parse("[1,2,3]", 2, &why) == -1);
	check(strcmp(why, "too many tokens") == 0);
	return 0;
}

static int
get(void)
{
	static const char s[] = "{\"x\":{\"b\":0,\"c\":[{\"b\":1}]},"
	    "\"y\":[\"b\",{\"b\":2}],\"b\":3,\"z\":{},\"e\":\"\\u0062\","
	    "\"last\":[]}";
	long long v;
	int i, y;

	check(ok(s));
	/* values that are objects and arrays before the key are skipped */
	check((i = json_get(&j, 0, "b")) > 0);
	check(json_int(&j, i, &v) == 0 && v == 3);
	check((i = json_get(&j, 0, "x")) == 2);
	check(j.t[i].type == J_OBJECT);
	check(json_int(&j, json_get(&j, i, "b"), &v) == 0 && v == 0);
	check(json_get(&j, i, "x") == -1);
	check((y = json_get(&j, 0, "y")) > 0 && j.t[y].type == J_ARRAY);
	/* a string element is no key; an array is no object */
	check(json_get(&j, y, "b") == -1);
	check((i = json_get(&j, 0, "z")) > 0 && j.t[i].size == 0);
	check(json_get(&j, i, "b") == -1);
	check((i = json_get(&j, 0, "last")) == j.n - 1);
	check(j.t[i].type == J_ARRAY);
	/* keys are compared raw, and in full */
	check(json_get(&j, 0, "e") > 0);
	check(json_get(&j, 0, "c") == -1);
	check(json_get(&j, 0, "") == -1);
	check(json_get(&j, 0, "la") == -1);
	check(json_get(&j, 0, "lastx") == -1);
	/* no object there */
	check(json_get(&j, -1, "b") == -1);
	check(json_get(&j, j.n, "b") == -1);
	check(json_get(&j, 1, "b") == -1);
	/* the last key of an object, its value a primitive */
	check(ok("{\"a\":{\"k\":1},\"k\":null}"));
	check((i = json_get(&j, 0, "k")) == 6 && json_null(&j, i));
	return 0;
}

static int
eq(void)
{
	check(ok("{\"key\":\"value\",\"n\":5,\"esc\":\"a\\\"b\"}"));
	check(json_eq(&j, 1, "key"));
	check(json_eq(&j, 2, "value"));
	check(!json_eq(&j, 2, "valu"));
	check(!json_eq(&j, 2, "values"));
	check(!json_eq(&j, 2, "Value"));
	check(!json_eq(&j, 2, ""));
	/* no string: a primitive with the same text, an object, absent */
	check(!json_eq(&j, 4, "5"));
	check(!json_eq(&j, 0, "key"));
	check(!json_eq(&j, -1, "key"));
	/* raw text, no unescaping */
	check(json_eq(&j, 6, "a\\\"b"));
	check(!json_eq(&j, 6, "a\"b"));
	check(ok("\"\""));
	check(json_eq(&j, 0, ""));
	return 0;
}

/* s is one JSON string; its unescaped form into out */
static int
str(const char *s, char *out, size_t outsz, size_t *len)
{
	if (!ok(s))
		return -2;
	return json_str(&j, 0, out, outsz, len);
}

static int
str_unescape(void)
{
	char out[64];
	size_t n;

	check(str("\"plain\"", out, sizeof out, &n) == 0);
	check(n == 5 && strcmp(out, "plain") == 0);
	check(str("\"\"", out, sizeof out, &n) == 0);
	check(n == 0 && out[0] == '\0');
	check(str("\"a\\nb\"", out, sizeof out, &n) == 0);
	check(n == 3 && strcmp(out, "a\nb") == 0);
	check(str("\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"", out, sizeof out, &n) == 0);
	check(n == 8 && strcmp(out, "\"\\/\b\f\n\r\t") == 0);
	/* \u: one, two, three and four bytes of UTF-8 */
	check(str("\"caf\\u00e9\"", out, sizeof out, &n) == 0);
	check(n == 5 && strcmp(out, "caf\xc3\xa9") == 0);
	check(str("\"\\u0041\\u00E9\\u20ac\"", out, sizeof out, &n) == 0);
	check(n == 6 && strcmp(out, "A\xc3\xa9\xe2\x82\xac") == 0);
	check(str("\"\\ud83d\\ude00\"", out, sizeof out, &n) == 0);
	check(n == 4 && strcmp(out, "\xf0\x9f\x98\x80") == 0);
	check(str("\"x\\uDBFF\\uDFFFy\"", out, sizeof out, &n) == 0);
	check(n == 6 && strcmp(out, "x\xf4\x8f\xbf\xbfy") == 0);
	/* UTF-8 in the text passes through */
	check(str("\"\xc3\xa9\"", out, sizeof out, &n) == 0);
	check(n == 2 && strcmp(out, "\xc3\xa9") == 0);
	/* len may be NULL */
	check(str("\"ab\"", out, sizeof out, NULL) == 0);
	check(strcmp(out, "ab") == 0);
	return 0;
}

static int
str_errors(void)
{
	char out[64];

	/* lone surrogates, and a high one with no low one after it */
	check(str("\"\\ude00\"", out, sizeof out, NULL) == -1);
	check(str("\"\\ud83d\"", out, sizeof out, NULL) == -1);
	check(str("\"\\ud83dx\"", out, sizeof out, NULL) == -1);
	check(str("\"\\ud83d\\u0041\"", out, sizeof out, NULL) == -1);
	check(str("\"\\ud83d\\ud83d\"", out, sizeof out, NULL) == -1);
	check(str("\"\\ud83d\\n\"", out, sizeof out, NULL) == -1);
	/* NUL */
	check(str("\"a\\u0000b\"", out, sizeof out, NULL) == -1);
	/* not a string */
	check(ok("[1,{},null]"));
	check(json_str(&j, 1, out, sizeof out, NULL) == -1);
	check(json_str(&j, 2, out, sizeof out, NULL) == -1);
	check(json_str(&j, -1, out, sizeof out, NULL) == -1);
	check(json_str(&j, 0, out, sizeof out, NULL) == -1);
	/* output too small, by one byte, for each width */
	check(str("\"abcd\"", out, 5, NULL) == 0);
	check(str("\"abcd\"", out, 4, NULL) == -1);
	check(str("\"abc\\n\"", out, 5, NULL) == 0);
	check(str("\"abc\\n\"", out, 4, NULL) == -1);
	check(str("\"\\u00e9\"", out, 3, NULL) == 0);
	check(str("\"\\u00e9\"", out, 2, NULL) == -1);
	check(str("\"\\u20ac\"", out, 4, NULL) == 0);
	check(str("\"\\u20ac\"", out, 3, NULL) == -1);
	check(str("\"\\ud83d\\ude00\"", out, 5, NULL) == 0);
	check(str("\"\\ud83d\\ude00\"", out, 4, NULL) == -1);
	check(str("\"\"", out, 1, NULL) == 0);
	check(str("\"\"", out, 0, NULL) == -1);
	return 0;
}

/* s is one JSON value; json_int of it (as an array element) */
static int
num(const char *s, long long *v)
{
	char a[64];

	snprintf(a, sizeof a, "[%s]", s);
	if (!ok(a))
		return -2;
	return json_int(&j, 1, v);
}

static int
ints(void)
{
	long long v;

	check(num("0", &v) == 0 && v == 0);
	check(num("-0", &v) == 0 && v == 0);
	check(num("-5", &v) == 0 && v == -5);
	check(num("116530325", &v) == 0 && v == 116530325);
	check(num("9223372036854775807", &v) == 0 && v == LLONG_MAX);
	check(num("-9223372036854775808", &v) == 0 && v == LLONG_MIN);
	/* nothing is stored on failure */
	v = 42;
	check(num("9223372036854775808", &v) == -1 && v == 42);
	check(num("-9223372036854775809", &v) == -1);
	check(num("18446744073709551616", &v) == -1);
	check(num("99999999999999999999999", &v) == -1);
	check(num("1.5", &v) == -1);
	check(num("1.0", &v) == -1);
	check(num("1e3", &v) == -1);
	check(num("1E3", &v) == -1);
	check(num("-", &v) == -1);
	check(num("true", &v) == -1);
	check(num("null", &v) == -1);
	check(num("\"5\"", &v) == -1);
	check(num("[5]", &v) == -1);
	check(json_int(&j, -1, &v) == -1 && v == 42);
	check(json_int(&j, 0, &v) == -1 && v == 42);
	return 0;
}

static int
bools(void)
{
	int v = 7;

	check(ok("[true,false,null,1,\"true\",0]"));
	check(json_bool(&j, 1, &v) == 0 && v == 1);
	check(json_bool(&j, 2, &v) == 0 && v == 0);
	v = 7;
	check(json_bool(&j, 3, &v) == -1 && v == 7);
	check(json_bool(&j, 4, &v) == -1);
	check(json_bool(&j, 5, &v) == -1);
	check(json_bool(&j, 6, &v) == -1);
	check(json_bool(&j, 0, &v) == -1);
	check(json_bool(&j, -1, &v) == -1 && v == 7);
	return 0;
}

static int
nulls(void)
{
	check(ok("{\"a\":null,\"b\":\"null\",\"c\":0,\"d\":false,\"e\":{}}"));
	check(json_null(&j, json_get(&j, 0, "a")));
	check(!json_null(&j, json_get(&j, 0, "b")));
	check(!json_null(&j, json_get(&j, 0, "c")));
	check(!json_null(&j, json_get(&j, 0, "d")));
	check(!json_null(&j, json_get(&j, 0, "e")));
	check(!json_null(&j, 0));
	/* absent */
	check(json_get(&j, 0, "f") == -1);
	check(json_null(&j, json_get(&j, 0, "f")));
	check(json_null(&j, -1));
	return 0;
}

/* one value's text, as the framer cuts it out */
#define VAL(lit) json_value(&j, lit, sizeof lit - 1, toks, 64, &why)

static int
values(void)
{
	static const char big[] = "12345678901234567890";
	struct jtok one;
	const char *why;
	char s[16];
	long long v;
	int b;

	/* scalars: one token, no parse; the readers check them */
	check(VAL("\"a\\u0062\"") == 0 && j.n == 1 && j.t[0].type == J_STRING);
	check(json_str(&j, 0, s, sizeof s, NULL) == 0 && strcmp(s, "ab") == 0);
	check(VAL("\"\"") == 0 && json_str(&j, 0, s, sizeof s, NULL) == 0 &&
	    s[0] == '\0');
	check(VAL("-42") == 0 && j.t[0].type == J_PRIMITIVE &&
	    json_int(&j, 0, &v) == 0 && v == -42);
	check(VAL("true") == 0 && json_bool(&j, 0, &b) == 0 && b == 1);
	check(VAL("null") == 0 && json_null(&j, 0));
	check(json_value(&j, big, sizeof big - 1, toks, 64, &why) == 0 &&
	    json_int(&j, 0, &v) == -1);
	/* one token is enough for a scalar */
	check(json_value(&j, "7", 1, &one, 1, &why) == 0 && j.t == &one &&
	    json_int(&j, 0, &v) == 0 && v == 7);
	/* containers parsed */
	check(VAL("[1,\"x\"]") == 0 && j.n == 3 && j.t[0].type == J_ARRAY &&
	    j.t[0].size == 2);
	check(VAL("{\"k\":[]}") == 0 && j.n == 3 && json_get(&j, 0, "k") == 2);
	check(json_value(&j, "[1]", 3, &one, 1, &why) == -1);
	/* not one value */
	check(VAL("") == -1 && j.n == 0);
	check(VAL("\"") == -1 && j.n == 0);
	check(VAL("\"ab") == -1);
	check(VAL("[1") == -1);
	check(VAL("{\"a\"}") == -1);
	return 0;
}

const struct unit_test json_tests[] = {
	UNIT(values),
	UNIT(parse_object),
	UNIT(parse_malformed),
	UNIT(get),
	UNIT(eq),
	UNIT(str_unescape),
	UNIT(str_errors),
	UNIT(ints),
	UNIT(bools),
	UNIT(nulls),
	{ NULL, NULL }
};
