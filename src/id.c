/* See LICENSE file for copyright and license details. */
/*
 * Image and container IDs (id.h): parsed from and written as text, and
 * compared. No state.
 */
#include <stddef.h>
#include <string.h>

#include "id.h"
#include "util.h"

int
id_parse(const char *s, size_t n, struct id *id)
{
	size_t i;

	if (n == 7 + 2 * ID_BYTES && memcmp(s, "sha256:", 7) == 0) {
		s += 7;
		n -= 7;
	}
	if (n != 2 * ID_BYTES)
		return -1;
	/* upper case is not how the daemon writes IDs */
	for (i = 0; i < n; i++)
		if (s[i] >= 'A' && s[i] <= 'F')
			return -1;
	return hex_decode(id->b, s, ID_BYTES);
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
	return memcmp(a->b, b->b, ID_BYTES) == 0;
}
