/* See LICENSE file for copyright and license details. */
#include <stddef.h>
#include <string.h>

#include "id.h"

static int
nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;	/* upper case is not how the daemon writes IDs */
}

int
id_parse(const char *s, size_t n, struct id *id)
{
	size_t i;
	int hi, lo;

	if (n == 7 + 2 * ID_BYTES && memcmp(s, "sha256:", 7) == 0) {
		s += 7;
		n -= 7;
	}
	if (n != 2 * ID_BYTES)
		return -1;
	for (i = 0; i < ID_BYTES; i++) {
		if ((hi = nibble(s[2 * i])) < 0 || (lo = nibble(s[2 * i + 1])) < 0)
			return -1;
		id->b[i] = (unsigned char)(hi << 4 | lo);
	}
	return 0;
}

char *
id_hex(const struct id *id, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < ID_BYTES; i++) {
		out[2 * i] = hex[id->b[i] >> 4];
		out[2 * i + 1] = hex[id->b[i] & 15];
	}
	out[2 * ID_BYTES] = '\0';
	return out;
}

char *
id_image(const struct id *id, char *out)
{
	memcpy(out, "sha256:", 7);
	id_hex(id, out + 7);
	return out;
}

int
id_eq(const struct id *a, const struct id *b)
{
	return memcmp(a->b, b->b, ID_BYTES) == 0;
}
