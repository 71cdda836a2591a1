/* See LICENSE file for copyright and license details. */
/*
 * Image and container IDs (id.h): parsed from and written as text, and
 * compared. No state.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "id.h"
#include "util.h"

_Static_assert(2 * ID_BYTES % 8 == 0, "an ID's text is read 8 bytes at a time");

int
id_parse(const char *s, size_t n, struct id *id)
{
	uint64_t x, lower = ~0ULL;
	size_t i;

	if (n == 7 + 2 * ID_BYTES && memcmp(s, "sha256:", 7) == 0) {
		s += 7;
		n -= 7;
	}
	if (n != 2 * ID_BYTES || hex_decode(id->b, s, ID_BYTES) < 0)
		return -1;
	/*
	 * upper case is not how the daemon writes IDs: of the hex digits,
	 * only 'A' to 'F' have the bit 0x20 clear
	 */
	for (i = 0; i < n; i += 8) {
		memcpy(&x, s + i, 8);
		lower &= x;
	}
	return (lower & 0x2020202020202020ULL) == 0x2020202020202020ULL ? 0 : -1;
}

char *
id_hex(const struct id *id, char *out)
{
	return hex_encode(out, id->b, ID_BYTES, 0);
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
	uint64_t x, y, d = 0;
	size_t i;

	/* eight bytes at a time: musl's memcmp goes byte by byte */
	for (i = 0; i < ID_BYTES; i += 8) {
		memcpy(&x, a->b + i, 8);
		memcpy(&y, b->b + i, 8);
		d |= x ^ y;
	}
	return d == 0;
}
