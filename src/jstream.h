/* See LICENSE file for copyright and license details. */
/*
 * The framer: cuts a JSON byte stream into complete values, one at a time,
 * in a fixed window, so that each can be parsed on its own. Two shapes:
 * JS_ARRAY, the elements of one top-level array (/images/json), and JS_SEQ,
 * a sequence of top-level values (the NDJSON of /events, or one object),
 * and JS_OBJECT, the members of one top-level object as key, value, key,
 * value..., where the value of a key can be entered when it is an array
 * (the Images of /system/df): its elements come one at a time, then
 * JS_END, then the next key. The window and the source belong to the
 * caller.
 */
enum { JS_ARRAY, JS_SEQ, JS_OBJECT };

/*
 * A member of an object, as offsets into the element's text: the key
 * without its quotes (raw, not unescaped), the value's whole text
 */
struct jmember {
	int k, kn, v, vn;
};

/* the byte source: >0 bytes, 0 at the end, -1 on error */
typedef ssize_t (*js_reader)(void *ctx, void *buf, size_t n);

struct jstream {
	char *win;
	size_t cap;		/* window size */
	size_t len;		/* bytes in the window */
	size_t pos;		/* next byte to scan */
	size_t start;		/* start of the value being framed */
	int mode, state, depth, instr, esc, skipping, eof;
	int key;		/* JS_OBJECT: the value framed is a key */
	int enter;		/* JS_OBJECT: jstream_enter() was called */
	int inner;		/* JS_OBJECT: inside an entered array */
	struct jmember *mem;	/* JS_ARRAY, jstream_index(): the caller's */
	int memmax;
	int nmem;		/* members of the last value; -1 unchecked */
	const char *why;	/* why the last value is unchecked */
	js_reader read;
	void *ctx;
};

void jstream_init(struct jstream *s, int mode, char *win, size_t cap,
    js_reader read, void *ctx);
/*
 * Next value: JS_VALUE with *p, *n set (valid until the next call), JS_SKIP
 * when a value did not fit the window (it was read and dropped), JS_END at
 * the end of the stream (after the closing bracket for JS_ARRAY), JS_ERR on
 * malformed framing, a truncated stream or a read error.
 */
enum { JS_ERR = -1, JS_END = 0, JS_VALUE = 1, JS_SKIP = 2 };
int jstream_next(struct jstream *s, const char **p, size_t *n);
/*
 * JS_OBJECT, right after a key: its value must be an array, whose
 * elements the next calls give, then JS_END (anything else: JS_ERR).
 * 0, or -1 when not right after a key.
 */
int jstream_enter(struct jstream *s);
/*
 * JS_ARRAY: check each element as it is framed, in the same pass over its
 * bytes: whether it is one well-formed JSON object (strings closed, valid
 * escapes, no NUL, numbers and literals as JSON has them, keys, colons,
 * commas and brackets in place, at most JSON_DEPTH deep), and index its
 * members into mem[0..max). After a JS_VALUE, s->nmem is the number of
 * members (offsets from the value's start), or -1 with s->why set when the
 * element is no such object or has more than max members. Call after
 * jstream_init.
 */
void jstream_index(struct jstream *s, struct jmember *mem, int max);
