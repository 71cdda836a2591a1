/* See LICENSE file for copyright and license details. */
/*
 * jsmn, behind a small walking API. Only json.c includes jsmn.h. A parsed
 * document borrows its text and a caller-owned token array: both must stay
 * unchanged while the struct json is used.
 */
enum { J_OBJECT = 1, J_ARRAY, J_STRING, J_PRIMITIVE };	/* jsmn 1.1.0 */

struct jtok {
	int type, start, end, size;
};

struct json {
	const char *s;
	struct jtok *t;
	int n;		/* tokens used */
};

/*
 * Parse s[0..len) as exactly one JSON value into toks[0..ntok).
 * 0 on success; -1 with *why set ("too many tokens", "malformed").
 */
int json_parse(struct json *j, const char *s, size_t len, struct jtok *toks,
    unsigned ntok, const char **why);
/*
 * One value's text s[0..len), as the framer cut it out: a string or a
 * primitive as one token in toks (no parse; the readers below check it),
 * an object or an array parsed as json_parse does. 0, or -1 with *why.
 */
int json_value(struct json *j, const char *s, size_t len, struct jtok *toks,
    unsigned ntok, const char **why);
/* index of the token after the value at i and everything inside it */
int json_skip(const struct json *j, int i);
/* value of key in the object at obj, or -1 (also when obj is no object) */
int json_get(const struct json *j, int obj, const char *key);
/* does the string token at i equal s (raw text compare, no unescaping) */
int json_eq(const struct json *j, int i, const char *s);
/* is the token at i the primitive null (or absent: i < 0) */
int json_null(const struct json *j, int i);
/*
 * Unescape the string token at i into out (outsz bytes, NUL-terminated).
 * 0 on success; -1 if it is no string, does not fit, has a bad escape or a
 * NUL character. *len (if not NULL) gets the length.
 */
int json_str(const struct json *j, int i, char *out, size_t outsz,
    size_t *len);
/* the integer token at i (no fraction, no exponent, no overflow), 0 or -1 */
int json_int(const struct json *j, int i, long long *v);
/* the boolean token at i: 0 or -1 */
int json_bool(const struct json *j, int i, int *v);
