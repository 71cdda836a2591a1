/* See LICENSE file for copyright and license details. */
/*
 * HTTP/1.1 client, one request at a time on a connection. The reply head
 * is read into a fixed buffer; the body is handed out through http_body(),
 * which hides Content-Length, chunked and read-until-close framing.
 * http_reusable() says when the connection can carry the next request.
 */
struct conn;

struct http {
	struct conn *c;
	int status;		/* status code of the reply */
	int api_major, api_minor; /* Api-Version header; 0.0 if absent */
	long long date_s;	/* Date header, Unix seconds; -1 absent, bad */
	int libpod;		/* a Libpod-Api-Version header: Podman */
	int chunked;
	int close;		/* the connection ends with this reply: HTTP/1.0,
				   "Connection: close", or a body framed by it */
	int silent;		/* http_head: the peer closed before a byte */
	long long left;		/* Content-Length bytes left; -1 until close */
	int st;			/* body decoder state */
	unsigned long long chunk; /* bytes left in the chunk, or its size */
	int ndig;		/* digits or bytes read of the current line */
	unsigned long long body; /* body bytes handed out so far */
	size_t rpos, rlen;	/* unread bytes are rbuf[rpos..rlen) */
	char rbuf[HTTP_RECV_MAX];
};

/*
 * Write one request with method, path (already %-encoded) and a Host
 * header; keep: ask to keep the connection open after the reply (else
 * "Connection: close"). The request is made in h's rbuf (what it held
 * is dropped): h is the struct http that reads the reply. 0, or -1 with
 * the reason logged.
 */
int http_request(struct http *h, struct conn *c, const char *method,
    const char *host, const char *path, int keep);
/*
 * Read and parse the reply head. no_body: the request was HEAD.
 * 0, or -1 with the reason logged; except when the peer closed before
 * sending a byte: -1 with h->silent set and nothing logged (a kept
 * connection the peer had closed; the caller decides).
 */
int http_head(struct http *h, struct conn *c, int no_body);
/*
 * Up to n body bytes into buf: >0 bytes, 0 at the end of the body, -1 on
 * error (truncated, malformed chunking, transport failure; logged).
 */
ssize_t http_body(struct http *h, void *buf, size_t n);
/*
 * Read the rest of the body; its first msgsz-1 bytes go to msg
 * (NUL-terminated, not sanitised). 0 or -1.
 */
int http_drain(struct http *h, char *msg, size_t msgsz);
/*
 * 1 when the reply was read to its end, nothing more came, and the
 * connection may carry another request; else 0
 */
int http_reusable(const struct http *h);
