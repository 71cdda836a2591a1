/* See LICENSE file for copyright and license details. */
/*
 * The check behind jstream_index(): whether the text at w[b] (its '{') is
 * one well-formed JSON object (strings closed, valid escapes, no NUL,
 * numbers and literals as JSON has them, keys, colons, commas and brackets
 * in place, at most JSON_DEPTH deep), its members indexed into
 * mem[0..max) as offsets from b, *nmem of them. Returns the offset after
 * it in w, 0 when w[0..len) ends first, or -1 with *why set (malformed,
 * nested too deep, too many members). Pure; the arguments are the
 * caller's. Requires stddef.h, jstream.h (struct jmember).
 */
long jcheck(const char *w, size_t b, size_t len, struct jmember *mem, int max,
    int *nmem, const char **why);
