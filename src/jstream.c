/* See LICENSE file for copyright and license details. */
/*
 * The framer (jstream.h): complete JSON values cut from a byte stream
 * in the caller's window. No state of its own.
 */
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "jstream.h"
#include "jcheck.h"
#include "log.h"

enum {
	S_OPEN,		/* JS_ARRAY: before '[' */
	S_BETWEEN,	/* between values: white space, then a value (or ']') */
	S_COMMA,	/* JS_ARRAY: after a value: ',' or ']' */
	S_VALUE,	/* inside a value */
	S_PRIM,		/* inside a primitive (number, true, false, null) */
	S_CLOSED,	/* JS_ARRAY, JS_OBJECT: after the last ']' or '}' */
	S_OOPEN,	/* JS_OBJECT: before '{' */
	S_KEY,		/* JS_OBJECT: before a key (or '}') */
	S_COLON,	/* JS_OBJECT: after a key: ':' */
	S_OCOMMA,	/* JS_OBJECT: after a member: ',' or '}' */
	S_CHECK		/* JS_ARRAY, indexing: inside an element being checked */
};

void
jstream_init(struct jstream *s, int mode, char *win, size_t cap,
    js_reader read, void *ctx)
{
	memset(s, 0, sizeof *s);
	s->win = win;
	s->cap = cap;
	s->mode = mode;
	s->state = mode == JS_ARRAY ? S_OPEN : mode == JS_OBJECT ? S_OOPEN :
	    S_BETWEEN;
	s->read = read;
	s->ctx = ctx;
	s->nmem = -1;
}

void
jstream_index(struct jstream *s, struct jmember *mem, int max)
{
	s->mem = mem;
	s->memmax = max;
}

static int
space(int c)
{
	/* 0x1e: the record separator of json-seq, harmless to allow */
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0x1e;
}

/* refill the window, keeping the value in progress; 1, 0 at end, -1 */
static int
refill(struct jstream *s)
{
	ssize_t r;
	size_t keep;

	if (s->state == S_VALUE || s->state == S_PRIM || s->state == S_CHECK) {
		if (s->skipping) {
			s->len = s->pos = s->start = 0;
		} else if (s->start > 0) {
			keep = s->len - s->start;
			memmove(s->win, s->win + s->start, keep);
			s->len = keep;
			s->pos -= s->start;
			s->start = 0;
		} else if (s->len == s->cap) {
			/* the value outgrew the window: drop it as it comes */
			s->skipping = 1;
			s->len = s->pos = 0;
		}
	} else {
		s->len = s->pos = s->start = 0;
	}
	if (s->eof)
		return 0;
	r = s->read(s->ctx, s->win + s->len, s->cap - s->len);
	if (r < 0)
		return -1;
	if (r == 0) {
		s->eof = 1;
		return 0;
	}
	s->len += (size_t)r;
	return 1;
}

/* the value ends before s->pos; hand it out */
static int
done(struct jstream *s, const char **p, size_t *n)
{
	int skipped = s->skipping;

	*p = s->win + s->start;
	*n = s->pos - s->start;
	s->start = s->pos;
	s->skipping = 0;
	if (s->mode == JS_OBJECT && !s->inner)
		s->state = s->key ? S_COLON : S_OCOMMA;
	else
		s->state = s->mode == JS_SEQ ? S_BETWEEN : S_COMMA;
	s->key = 0;
	return skipped ? JS_SKIP : JS_VALUE;
}

int
jstream_enter(struct jstream *s)
{
	if (s->mode != JS_OBJECT || s->inner || s->state != S_COLON)
		return -1;
	s->enter = 1;
	return 0;
}

/* an array closed: the end of the stream, or of an entered array */
static int
closed(struct jstream *s)
{
	if (!s->inner) {
		s->state = S_CLOSED;
		return 0;
	}
	s->inner = 0;
	s->state = S_OCOMMA;
	return 1;
}

/*
 * Inside a value: scan the window's bytes with the state in locals (the
 * hot loop of every listing). 1 when the value ended (s->pos after it),
 * 0 when the window ran out first.
 */
static int
value(struct jstream *s)
{
	const char *w = s->win;
	size_t i = s->pos, len = s->len;
	int depth = s->depth, instr = s->instr, esc = s->esc, c, r = 0;

	while (i < len) {
		c = (unsigned char)w[i++];
		if (instr) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"') {
				instr = 0;
				if (depth == 0) {
					r = 1;
					break;
				}
			}
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			depth++;
		} else if ((c == '}' || c == ']') && --depth == 0) {
			r = 1;
			break;
		}
	}
	s->pos = i;
	s->depth = depth;
	s->instr = instr;
	s->esc = esc;
	return r;
}


int
jstream_next(struct jstream *s, const char **p, size_t *n)
{
	long e;
	int c, r;

	for (;;) {
		if (s->pos == s->len) {
			if ((r = refill(s)) < 0)
				return JS_ERR;
			if (r == 0) {
				if (s->state == S_PRIM && s->mode == JS_SEQ)
					return done(s, p, n);
				if (s->state == S_CLOSED ||
				    (s->mode == JS_SEQ && s->state == S_BETWEEN))
					return JS_END;
				warn("reply ends in the middle of JSON");
				return JS_ERR;
			}
			continue;
		}
		c = (unsigned char)s->win[s->pos];
		switch (s->state) {
		case S_OPEN:
			s->pos++;
			if (space(c))
				break;
			if (c != '[')
				goto bad;
			s->state = S_BETWEEN;
			s->depth = 0;
			break;
		case S_COMMA:
			s->pos++;
			if (space(c))
				break;
			if (c == ',')
				s->state = S_BETWEEN;
			else if (c == ']' && closed(s))
				return JS_END;	/* of the entered array */
			else if (c != ']')
				goto bad;
			break;
		case S_CLOSED:
			s->pos++;
			if (!space(c))
				goto bad;
			break;
		case S_OOPEN:
			s->pos++;
			if (space(c))
				break;
			if (c != '{')
				goto bad;
			s->state = S_KEY;
			break;
		case S_OCOMMA:
		case S_KEY:
			s->pos++;
			if (space(c))
				break;
			if (c == '}') {
				s->state = S_CLOSED;
				break;
			}
			if (s->state == S_OCOMMA) {
				if (c != ',')
					goto bad;
				s->state = S_KEY;
				break;
			}
			if (c != '"')
				goto bad;
			s->start = s->pos - 1;
			s->instr = 1;
			s->esc = 0;
			s->depth = 0;
			s->key = 1;
			s->state = S_VALUE;
			break;
		case S_COLON:
			s->pos++;
			if (space(c))
				break;
			if (c != ':')
				goto bad;
			if (s->enter) {
				s->enter = 0;
				s->inner = 1;
				s->state = S_OPEN;
			} else {
				s->state = S_BETWEEN;
			}
			break;
		case S_BETWEEN:
			if (space(c)) {
				s->pos++;
				break;
			}
			if (c == ']' && (s->mode == JS_ARRAY || s->inner)) {
				/* "[]"; a trailing ",]" is let through too */
				s->pos++;
				if (closed(s))
					return JS_END;
				break;
			}
			s->start = s->pos++;
			s->instr = s->esc = 0;
			s->depth = 0;
			s->nmem = -1;
			s->why = "not an object";
			if (c == '{' && s->mem && !s->inner) {
				s->state = S_CHECK;
			} else if (c == '{' || c == '[') {
				s->depth = 1;
				s->state = S_VALUE;
			} else if (c == '"') {
				s->instr = 1;
				s->state = S_VALUE;
			} else if (c == '-' || (c >= '0' && c <= '9') ||
			    c == 't' || c == 'f' || c == 'n') {
				s->state = S_PRIM;
			} else {
				goto bad;
			}
			break;
		case S_PRIM:
			if (space(c) || c == ',' || c == ']' || c == '}' ||
			    c == '{' || c == '[' || c == '"')
				return done(s, p, n);
			s->pos++;
			break;
		case S_VALUE:
			if (value(s))
				return done(s, p, n);
			break;
		case S_CHECK:
			if ((e = jcheck(s->win, s->start, s->len, s->mem,
			    s->memmax, &s->nmem, &s->why)) > 0) {
				s->pos = (size_t)e;
				return done(s, p, n);
			}
			if (e == 0 && (s->start > 0 || s->len < s->cap)) {
				s->pos = s->len;	/* refill, then again */
				break;
			}
			/* malformed, or larger than the window: framed alone */
			s->nmem = -1;
			s->pos = s->start + 1;
			s->depth = 1;
			s->state = S_VALUE;
			break;
		}
	}
bad:
	warn("reply is not the JSON expected (byte %d)", c);
	return JS_ERR;
}
