/* See LICENSE file for copyright and license details. */
/*
 * The program's own printf family, so that the libc's (its float
 * formatting and its FILE streams) is not linked. C99 semantics for the
 * conversions the program uses: d i u (lengths l, ll, z), s, c and %%;
 * flags '-' and '0', a width and a precision (either may be '*'). Any
 * other conversion is copied as written and reads no argument. A NULL
 * %s prints "(null)". Owns the standard output buffer.
 */
#include <stdarg.h>
#include <stddef.h>

/*
 * Like vsnprintf/snprintf: at most n - 1 bytes and a NUL into out (when
 * n > 0); returns the length the whole text has (-1 past INT_MAX).
 */
int fmt_vsnprintf(char *out, size_t n, const char *f, va_list ap)
	__attribute__((format(printf, 3, 0)));
int fmt_snprintf(char *out, size_t n, const char *f, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * To standard output, held in a buffer of OUT_BUF bytes until it is full
 * or fmt_flush() writes it (call it before exiting); returns the bytes
 * the text has.
 */
int fmt_printf(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* one byte c to standard output, as fmt_printf("%c", c); returns c */
int fmt_putchar(int c);
/* write what standard output holds */
void fmt_flush(void);

/*
 * To file descriptor fd at once (through an OUT_BUF stack buffer, one
 * write for a shorter text); returns the bytes the text has.
 */
int fmt_dprintf(int fd, const char *f, ...)
	__attribute__((format(printf, 2, 3)));
