/* See LICENSE file for copyright and license details. */
/*
 * JSON walking over jsmn (json.h): the only file that includes jsmn.h;
 * strings unescaped into a caller's buffer, numbers read. No state: the
 * text and the tokens are the caller's.
 */
#include <limits.h>
#include <stddef.h>
#include <string.h>

#define JSMN_STATIC
#define JSMN_STRICT
#include <jsmn.h>

#include "json.h"
#include "util.h"

/* struct jtok mirrors jsmntok_t so the caller's array is jsmn's array */
_Static_assert(sizeof(struct jtok) == sizeof(jsmntok_t), "jtok layout");
_Static_assert(offsetof(struct jtok, end) == offsetof(jsmntok_t, end),
    "jtok layout");
_Static_assert((int)J_OBJECT == (int)JSMN_OBJECT &&
    (int)J_ARRAY == (int)JSMN_ARRAY && (int)J_STRING == (int)JSMN_STRING &&
    (int)J_PRIMITIVE == (int)JSMN_PRIMITIVE, "jsmn types");

/* a scalar (string or primitive) with a value of its own */
#define HASVAL(t) ((t).type != J_OBJECT && (t).type != J_ARRAY && (t).size)

/*
 * jsmn lets a key go without its value ({"a"}, {"a":}), and a value follow
 * a ':' in an array ([1:2]). Callers take the token after a key for its
 * value: every member of an object must be a key with one value, and no
 * other scalar may have a value.
 */
static int
paired(const struct json *j)
{
	int i, k, m, obj;

	if (HASVAL(j->t[0]))
		return 0;
	for (i = 0; i < j->n; i++) {
		if (j->t[i].type != J_OBJECT && j->t[i].type != J_ARRAY)
			continue;
		obj = j->t[i].type == J_OBJECT;
		for (k = i + 1, m = 0; m < j->t[i].size; m++) {
			if (obj) {
				if (k + 1 >= j->n || j->t[k].type != J_STRING ||
				    j->t[k].size != 1)
					return 0;
				k++;
			}
			if (k >= j->n || HASVAL(j->t[k]))
				return 0;
			k = json_skip(j, k);
		}
	}
	return 1;
}

int
json_parse(struct json *j, const char *s, size_t len, struct jtok *toks,
    unsigned ntok, const char **why)
{
	jsmn_parser p;
	int r;

	j->s = s;
	j->t = toks;
	j->n = 0;
	if (len > INT_MAX) {
		*why = "too large";
		return -1;
	}
	jsmn_init(&p);
	r = jsmn_parse(&p, s, len, (jsmntok_t *)toks, ntok);
	if (r == JSMN_ERROR_NOMEM) {
		*why = "too many tokens";
		return -1;
	}
	if (r <= 0) {
		*why = "malformed";
		return -1;
	}
	/* exactly one value: the first token must span all but white space */
	if (json_skip(&(struct json){ s, toks, r }, 0) != r ||
	    !paired(&(struct json){ s, toks, r })) {
		*why = "malformed";
		return -1;
	}
	j->n = r;
	return 0;
}

int
json_value(struct json *j, const char *s, size_t len, struct jtok *toks,
    unsigned ntok, const char **why)
{
	if (len > 0 && (*s == '{' || *s == '['))
		return json_parse(j, s, len, toks, ntok, why);
	j->s = s;
	j->t = toks;
	j->n = 0;
	*why = "malformed";
	if (len == 0 || len > INT_MAX || ntok < 1 ||
	    (*s == '"' && (len < 2 || s[len - 1] != '"')))
		return -1;
	toks[0].type = *s == '"' ? J_STRING : J_PRIMITIVE;
	toks[0].start = *s == '"';
	toks[0].end = (int)len - (*s == '"');
	toks[0].size = 0;
	j->n = 1;
	return 0;
}

int
json_skip(const struct json *j, int i)
{
	int end = j->t[i].end;

	/* children lie inside the parent's span; iterative, so no recursion */
	for (i++; i < j->n && j->t[i].start < end; i++)
		;
	return i;
}

int
json_eq(const struct json *j, int i, const char *s)
{
	size_t n = strlen(s);

	return i >= 0 && j->t[i].type == J_STRING &&
	    (size_t)(j->t[i].end - j->t[i].start) == n &&
	    memcmp(j->s + j->t[i].start, s, n) == 0;
}

int
json_get(const struct json *j, int obj, const char *key)
{
	int k, m;

	if (obj < 0 || obj >= j->n || j->t[obj].type != J_OBJECT)
		return -1;
	k = obj + 1;
	for (m = 0; m < j->t[obj].size && k + 1 < j->n; m++) {
		if (json_eq(j, k, key))
			return k + 1;
		k = json_skip(j, k + 1);
	}
	return -1;
}

int
json_null(const struct json *j, int i)
{
	return i < 0 || (j->t[i].type == J_PRIMITIVE && j->s[j->t[i].start] == 'n');
}

static int
hex4(const char *p, unsigned *v)
{
	unsigned char b[2];

	if (hex_decode(b, p, 2) < 0)
		return -1;
	*v = (unsigned)b[0] << 8 | b[1];
	return 0;
}

/* put code point u as UTF-8; -1 if it does not fit */
static int
utf8(char *out, size_t outsz, size_t *o, unsigned u)
{
	unsigned char b[4];
	size_t n, k;

	if (u < 0x80) {
		b[0] = (unsigned char)u;
		n = 1;
	} else if (u < 0x800) {
		b[0] = (unsigned char)(0xc0 | u >> 6);
		b[1] = (unsigned char)(0x80 | (u & 0x3f));
		n = 2;
	} else if (u < 0x10000) {
		b[0] = (unsigned char)(0xe0 | u >> 12);
		b[1] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u & 0x3f));
		n = 3;
	} else {
		b[0] = (unsigned char)(0xf0 | u >> 18);
		b[1] = (unsigned char)(0x80 | (u >> 12 & 0x3f));
		b[2] = (unsigned char)(0x80 | (u >> 6 & 0x3f));
		b[3] = (unsigned char)(0x80 | (u & 0x3f));
		n = 4;
	}
	if (*o + n >= outsz)
		return -1;
	for (k = 0; k < n; k++)
		out[(*o)++] = (char)b[k];
	return 0;
}

int
json_str(const struct json *j, int i, char *out, size_t outsz, size_t *len)
{
	const char *p, *e;
	size_t o = 0;
	unsigned u, lo;

	if (i < 0 || j->t[i].type != J_STRING || outsz == 0)
		return -1;
	p = j->s + j->t[i].start;
	e = j->s + j->t[i].end;
	while (p < e) {
		if (*p != '\\') {
			if (*p == '\0' || o + 1 >= outsz)
				return -1;
			out[o++] = *p++;
			continue;
		}
		if (++p >= e)
			return -1;
		switch (*p++) {
		case '"': u = '"'; break;
		case '\\': u = '\\'; break;
		case '/': u = '/'; break;
		case 'b': u = '\b'; break;
		case 'f': u = '\f'; break;
		case 'n': u = '\n'; break;
		case 'r': u = '\r'; break;
		case 't': u = '\t'; break;
		case 'u':
			if (e - p < 4 || hex4(p, &u) < 0)
				return -1;
			p += 4;
			if (u >= 0xd800 && u < 0xdc00) {
				if (e - p < 6 || p[0] != '\\' || p[1] != 'u' ||
				    hex4(p + 2, &lo) < 0 || lo < 0xdc00 ||
				    lo > 0xdfff)
					return -1;
				p += 6;
				u = 0x10000 + ((u - 0xd800) << 10) +
				    (lo - 0xdc00);
			} else if (u >= 0xdc00 && u < 0xe000) {
				return -1;
			}
			if (u == 0)
				return -1;
			break;
		default:
			return -1;
		}
		if (utf8(out, outsz, &o, u) < 0)
			return -1;
	}
	out[o] = '\0';
	if (len)
		*len = o;
	return 0;
}

int
json_int(const struct json *j, int i, long long *v)
{
	const char *p, *e;
	unsigned long long u = 0, lim;
	unsigned d, last;
	int neg = 0;

	if (i < 0 || j->t[i].type != J_PRIMITIVE)
		return -1;
	p = j->s + j->t[i].start;
	e = j->s + j->t[i].end;
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	if (p == e)
		return -1;
	/* the largest value: lim * 10 + d, with lim and d as below */
	lim = (unsigned long long)LLONG_MAX / 10;
	last = (unsigned)(LLONG_MAX % 10) + (unsigned)neg;
	for (; p < e; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		d = (unsigned)(*p - '0');
		if (u > lim || (u == lim && d > last))
			return -1;
		u = u * 10 + d;
	}
	*v = neg ? (long long)(0 - u) : (long long)u;
	return 0;
}

int
json_bool(const struct json *j, int i, int *v)
{
	if (i < 0 || j->t[i].type != J_PRIMITIVE)
		return -1;
	if (j->t[i].end - j->t[i].start == 4 &&
	    memcmp(j->s + j->t[i].start, "true", 4) == 0)
		*v = 1;
	else if (j->t[i].end - j->t[i].start == 5 &&
	    memcmp(j->s + j->t[i].start, "false", 5) == 0)
		*v = 0;
	else
		return -1;
	return 0;
}
