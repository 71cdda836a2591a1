/* See LICENSE file for copyright and license details. */
/*
 * The framer: cuts a JSON byte stream into complete values, one at a time,
 * in a fixed window, so that each can be parsed on its own. Two shapes:
 * JS_ARRAY, the elements of one top-level array (/images/json), and JS_SEQ,
 * a sequence of top-level values (the NDJSON of /events, or one object).
 * The window and the source belong to the caller.
 */
enum { JS_ARRAY, JS_SEQ };

/* the byte source: >0 bytes, 0 at the end, -1 on error */
typedef ssize_t (*js_reader)(void *ctx, void *buf, size_t n);

struct jstream {
	char *win;
	size_t cap;		/* window size */
	size_t len;		/* bytes in the window */
	size_t pos;		/* next byte to scan */
	size_t start;		/* start of the value being framed */
	int mode, state, depth, instr, esc, skipping, eof;
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
