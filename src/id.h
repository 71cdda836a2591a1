/* See LICENSE file for copyright and license details. */
/*
 * Image and container IDs: 256-bit values, held as bytes. Text forms are
 * "sha256:" + 64 hex digits (images) and 64 hex digits (containers, and
 * image IDs in Podman events).
 */
#define ID_BYTES 32
#define ID_TEXT 72	/* "sha256:" + 64 + NUL, rounded */

struct id {
	unsigned char b[ID_BYTES];
};

/* parse s[0..n) as either text form; 0 or -1 */
int id_parse(const char *s, size_t n, struct id *id);
/* "sha256:<hex>" into out[ID_TEXT] (image form); returns out */
char *id_image(const struct id *id, char *out);
/* "<hex>" into out[ID_TEXT] (container form); returns out */
char *id_hex(const struct id *id, char *out);
int id_eq(const struct id *a, const struct id *b);
