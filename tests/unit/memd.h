/* See LICENSE file for copyright and license details. */
/*
 * The in-memory daemon of the unit tests: a T_TEST target whose
 * connections each answer the next queued reply (recorded in
 * tests/unit/fixtures/, or written in the test). Owns the queue, the
 * fixture buffers and the last request sent. Requires stddef.h.
 */

/* a fresh daemon (docker_init on a T_TEST target), nothing queued */
void memd_init(void);
/* queue r (not copied) as the reply to the next request; NULL: none
   (that connection fails) */
void memd_says(const char *r);
/* replies queued and not yet taken */
size_t memd_left(void);
/* the request line of the last request ("GET /v1.41/... HTTP/1.1") */
const char *memd_request(void);
/*
 * The recorded reply tests/unit/fixtures/NAME (ENGINE/FILE.http): head and
 * body as recorded, lines starting with '#' before it (notes) left out,
 * CRLF put back and a Content-Length added. NULL (logged to stdout) when
 * it cannot be read. Valid until memd_init().
 */
const char *memd_fixture(const char *name);
/* the body of that fixture (after the head) */
const char *memd_body(const char *reply);
