/* See LICENSE file for copyright and license details. */
/*
 * The check of one listed element (jcheck.h): one pass over its bytes, in
 * the framer's window, from its start each time (jstream.c scans again an
 * element that a refill cut). No state of its own.
 */
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "jstream.h"
#include "jcheck.h"

/* the string bodies, most of the bytes, go 8 at a time */
#define ONES 0x0101010101010101ULL
/* a zero byte in x (exact as to whether, not where) */
#define ZERO(x) (((x) - ONES) & ~(x) & (ONES << 7))
#define DIGIT(c) ((c) >= '0' && (c) <= '9')

static int
ws(int c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

static int
hexdigit(int c)
{
	return DIGIT(c) || ((c | 32) >= 'a' && (c | 32) <= 'f');
}

/*
 * The string whose body starts at w[i]: the offset after its closing
 * quote, 0 when the window ends first, -1 malformed (a NUL, a bad escape)
 */
static long
string(const char *w, size_t i, size_t len)
{
	uint64_t x;
	int c, k;

	for (;;) {
		/* the lowest byte flagged in x is the first special one */
		for (; len - i >= 8; i += 8) {
			memcpy(&x, w + i, 8);
			x = ZERO(x) | ZERO(x ^ ONES * '"') | ZERO(x ^ ONES * '\\');
			if (x) {
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
				i += (size_t)__builtin_ctzll(x) / 8;
#endif
				break;
			}
		}
		for (;;) {
			if (i == len)
				return 0;
			c = (unsigned char)w[i++];
			if (c == '"')
				return (long)i;
			if (c == '\0')
				return -1;
			if (c == '\\')
				break;
		}
		if (i == len)
			return 0;
		c = (unsigned char)w[i++];
		if (c == 'u') {
			for (k = 0; k < 4; k++, i++)
				if (i == len)
					return 0;
				else if (!hexdigit((unsigned char)w[i]))
					return -1;
		} else if (c != '"' && c != '\\' && c != '/' && c != 'b' &&
		    c != 'f' && c != 'n' && c != 'r' && c != 't') {
			return -1;
		}
	}
}

/* the offset after the digits at w[i] (none: i) */
static size_t
digits(const char *w, size_t i, size_t len)
{
	while (i < len && DIGIT(w[i]))
		i++;
	return i;
}

/* the number at w[i], as JSON has it: as string() */
static long
number(const char *w, size_t i, size_t len)
{
	size_t d;

	if (w[i] == '-')
		i++;
	d = i;
	i = i < len && w[i] == '0' ? i + 1 : digits(w, i, len);
	if (i == d)
		goto none;
	if (i < len && w[i] == '.') {
		d = ++i;
		if ((i = digits(w, i, len)) == d)
			goto none;
	}
	if (i < len && (w[i] | 32) == 'e') {
		if (++i < len && (w[i] == '+' || w[i] == '-'))
			i++;
		d = i;
		if ((i = digits(w, i, len)) == d)
			goto none;
	}
	return i < len ? (long)i : 0;
none:	/* digits were due at w[i] */
	return i < len ? -1 : 0;
}

/* the literal lit (n bytes) at w[i]: as string() */
static long
literal(const char *w, size_t i, size_t len, const char *lit, size_t n)
{
	if (len - i < n)
		return memcmp(w + i, lit, len - i) == 0 ? 0 : -1;
	return memcmp(w + i, lit, n) == 0 ? (long)(i + n) : -1;
}

/* skip white space at w[i]; when the window ends first, return 0 */
#define WS() do {							\
	while (i < len && (unsigned char)w[i] <= ' ' &&			\
	    ws((unsigned char)w[i]))					\
		i++;							\
	if (i == len)							\
		return 0;						\
} while (0)

long
jcheck(const char *w, size_t b, size_t len, struct jmember *mem, int max,
    int *nmem, const char **why)
{
	size_t i = b;
	char ends[JSON_DEPTH];	/* what closes each level: '}' or ']' */
	struct jmember *m = mem;
	long e;
	unsigned d = 0;
	int c, first = 0;	/* first: right after '{' or '[' */

	*nmem = 0;
	*why = "malformed";
value:
	WS();
	c = (unsigned char)w[i];
	if (first && c == ']') {
		i++;
		goto pop;
	}
	first = 0;
	if (d == 1)		/* a member's value starts */
		m->v = (int)(i - b);
	if (c == '{' || c == '[') {
		if (d == JSON_DEPTH) {
			*why = "nested too deep";
			return -1;
		}
		ends[d++] = (char)(c + 2);	/* '}' or ']' */
		i++;
		first = 1;
		if (c == '{')
			goto key;
		goto value;
	}
	if (c == '"')
		e = string(w, i + 1, len);
	else if (c == '-' || DIGIT(c))
		e = number(w, i, len);
	else if (c == 't')
		e = literal(w, i, len, "true", 4);
	else if (c == 'f')
		e = literal(w, i, len, "false", 5);
	else if (c == 'n')
		e = literal(w, i, len, "null", 4);
	else
		e = -1;
	if (e <= 0)
		return e;
	i = (size_t)e;
after:
	if (d == 1) {		/* a member's value ended */
		m->vn = (int)(i - b) - m->v;
		(*nmem)++;
	}
	if (d == 0)
		return (long)i;
	WS();
	c = w[i++];
	if (c == ',') {
		if (ends[d - 1] == '}')
			goto key;
		goto value;
	}
	if (c != ends[d - 1])
		return -1;
pop:
	d--;
	goto after;
key:
	WS();
	if (first && w[i] == '}') {
		i++;
		first = 0;
		goto pop;
	}
	first = 0;
	if (w[i] != '"' || (e = string(w, i + 1, len)) < 0)
		return -1;
	if (e == 0)
		return 0;
	if (d == 1) {
		if (*nmem == max) {
			*why = "too many members";
			return -1;
		}
		m = &mem[*nmem];
		m->k = (int)(i + 1 - b);
		m->kn = (int)((size_t)e - 1 - (i + 1));
	}
	i = (size_t)e;
	WS();
	if (w[i++] != ':')
		return -1;
	goto value;
}
#undef WS
