/* See LICENSE file for copyright and license details. */
/* The program's own printf family: see fmt.h. */
#include <limits.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "bounds.h"
#include "fmt.h"
#include "util.h"

#define NONE SIZE_MAX	/* no precision */

/* where text goes: into b[0..cap), then (fd >= 0) written to fd */
struct sink {
	char *b;
	size_t cap, len;	/* room in b, bytes held */
	size_t total;		/* bytes of text produced, held or cut */
	int fd;			/* -1: a string, cut at cap */
};

static char outbuf[OUT_BUF];
static struct sink out = { outbuf, sizeof outbuf, 0, 0, 1 };

static void
flush(struct sink *s)
{
	(void)write_all(s->fd, s->b, s->len);
	s->len = 0;
}

/* the n bytes at p, or n times c when p is NULL */
static void
emit(struct sink *s, const char *p, size_t n, char c)
{
	size_t k;

	s->total += n;
	while (n > 0) {
		if (s->len == s->cap) {
			if (s->fd < 0)
				return;
			flush(s);
		}
		k = s->cap - s->len < n ? s->cap - s->len : n;
		if (p) {
			memcpy(s->b + s->len, p, k);
			p += k;
		} else {
			memset(s->b + s->len, c, k);
		}
		s->len += k;
		n -= k;
	}
}

/* sign (0: none), z zeros and the n bytes at p, in width w */
static void
field(struct sink *s, char sign, size_t z, const char *p, size_t n,
    size_t w, int left)
{
	size_t all = (sign != 0) + z + n, pad = w > all ? w - all : 0;

	if (!left)
		emit(s, NULL, pad, ' ');
	emit(s, &sign, sign != 0, 0);
	emit(s, NULL, z, '0');
	emit(s, p, n, 0);
	if (left)
		emit(s, NULL, pad, ' ');
}

/* the number after a '.' or as a width: digits, or '*' (*star set) */
static size_t
count(const char **f, int *star)
{
	size_t v = 0;

	*star = **f == '*';
	if (*star)
		(*f)++;
	else
		for (; **f >= '0' && **f <= '9'; (*f)++)
			v = v * 10 + (size_t)(**f - '0');
	return v;
}

static void
format(struct sink *s, const char *f, va_list ap)
{
	char num[24], *q, sign, c;	/* 20 digits of ULLONG_MAX */
	const char *p, *start;
	size_t w, prec, n, z;
	unsigned long long u;
	long long v;
	int left, zero, len, wstar, pstar = 0, a = 0;

	for (;;) {
		for (p = f; *p && *p != '%'; p++)
			;
		emit(s, f, (size_t)(p - f), 0);
		if (!*p)
			return;
		start = p++;
		left = zero = 0;
		for (;; p++) {
			if (*p == '-')
				left = 1;
			else if (*p == '0')
				zero = 1;
			else
				break;
		}
		w = count(&p, &wstar);
		prec = NONE;
		if (*p == '.') {
			p++;
			prec = count(&p, &pstar);
		}
		for (len = 0; *p == 'l' && len < 2; p++)
			len++;
		if (*p == 'z' && !len) {
			len = 3;
			p++;
		}
		c = *p;
		if (!c || !strchr("diusc%", c) || (len && !strchr("diu", c))) {
			/* unknown: as written, no argument read */
			p += c != 0;
			emit(s, start, (size_t)(p - start), 0);
			f = p;
			continue;
		}
		f = p + 1;
		if (wstar && (a = va_arg(ap, int)) < 0) {
			left = 1;
			w = 0U - (unsigned)a;
		} else if (wstar) {
			w = (size_t)a;
		}
		if (prec != NONE && pstar)
			prec = (a = va_arg(ap, int)) < 0 ? NONE : (size_t)a;
		sign = 0;
		switch (c) {
		case 'd':
		case 'i':
			v = len == 2 ? va_arg(ap, long long) :
			    len == 1 ? va_arg(ap, long) :
			    len == 3 ? (long long)va_arg(ap, size_t) :
			    va_arg(ap, int);
			if (v < 0)
				sign = '-';
			u = v < 0 ? 0ULL - (unsigned long long)v :
			    (unsigned long long)v;
			goto number;
		case 'u':
			u = len == 2 ? va_arg(ap, unsigned long long) :
			    len == 1 ? va_arg(ap, unsigned long) :
			    len == 3 ? va_arg(ap, size_t) :
			    va_arg(ap, unsigned);
number:
			q = num + sizeof num;
			do
				*--q = (char)('0' + u % 10);
			while ((u /= 10) > 0);
			n = (size_t)(num + sizeof num - q);
			if (prec == 0 && *q == '0')
				n = 0;	/* C: no digit for 0 at precision 0 */
			z = prec != NONE && prec > n ? prec - n : 0;
			if (zero && !left && prec == NONE &&
			    w > n + (sign != 0))
				z = w - n - (sign != 0);
			field(s, sign, z, q, n, w, left);
			break;
		case 's':
			if (!(p = va_arg(ap, const char *)))
				p = "(null)";
			n = prec == NONE ? strlen(p) : strnlen(p, prec);
			field(s, 0, 0, p, n, w, left);
			break;
		case 'c':
			num[0] = (char)va_arg(ap, int);
			field(s, 0, 0, num, 1, w, left);
			break;
		default:	/* %% */
			emit(s, "%", 1, 0);
		}
	}
}

static int
result(const struct sink *s, size_t t0)
{
	return s->total - t0 > INT_MAX ? -1 : (int)(s->total - t0);
}

int
fmt_vsnprintf(char *o, size_t n, const char *f, va_list ap)
{
	struct sink s = { o, n ? n - 1 : 0, 0, 0, -1 };

	format(&s, f, ap);
	if (n > 0)
		o[s.len] = '\0';
	return result(&s, 0);
}

int
fmt_snprintf(char *o, size_t n, const char *f, ...)
{
	va_list ap;
	int r;

	va_start(ap, f);
	r = fmt_vsnprintf(o, n, f, ap);
	va_end(ap);
	return r;
}

int
fmt_printf(const char *f, ...)
{
	va_list ap;
	size_t t0 = out.total;

	va_start(ap, f);
	format(&out, f, ap);
	va_end(ap);
	return result(&out, t0);
}

int
fmt_putchar(int c)
{
	char b = (char)c;

	emit(&out, &b, 1, 0);
	return c;
}

void
fmt_flush(void)
{
	flush(&out);
}

int
fmt_dprintf(int fd, const char *f, ...)
{
	char b[OUT_BUF];
	struct sink s = { b, sizeof b, 0, 0, fd };
	va_list ap;

	va_start(ap, f);
	format(&s, f, ap);
	va_end(ap);
	flush(&s);
	return result(&s, 0);
}
