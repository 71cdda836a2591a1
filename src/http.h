/* See LICENSE file for copyright and license details. */
/*
 * HTTP/1.1 client, one request per connection. The reply head is read into
 * a fixed buffer; the body is handed out through http_body(), which hides
 * Content-Length, chunked and read-until-close framing.
 */
struct conn;

struct http {
	struct conn *c;
	int status;		/* status code of the reply */
	int api_major, api_minor; /* Api-Version header; 0.0 if absent */
	int libpod;		/* a Libpod-Api-Version header: Podman */
	int chunked;
	long long left;		/* Content-Length bytes left; -1 until close */
	int st;			/* body decoder state */
	unsigned long long chunk; /* bytes left in the chunk, or its size */
	int ndig;		/* digits or bytes read of the current line */
	size_t rpos, rlen;	/* unread bytes are rbuf[rpos..rlen) */
	char rbuf[HTTP_RECV_MAX];
};

/*
 * Write one request with method, path (already %-encoded) and a Host
 * header. 0, or -1 with the reason logged.
 */
int http_request(struct conn *c, const char *method, const char *host,
    const char *path);
/*
 * Read and parse the reply head. no_body: the request was HEAD.
 * 0, or -1 with the reason logged.
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
