/* See LICENSE file for copyright and license details. */
/*
 * TLS for tcp:// hosts (conn_tls.c with BearSSL, or conn_notls.c in a
 * build without it). Requires conn.h.
 */

/* 1 if this binary has TLS */
extern const int tls_built;

/*
 * Read the CA file ca, the client certificate chain cert and its key key
 * into static storage; once, at startup, for the daemon host (its URL, for
 * messages). explicit: cert and key were named, so they must be there;
 * else both missing means no client certificate (a warning). 0, or -1
 * with one line in err naming the file and the problem.
 */
int tls_setup(const char *ca, const char *cert, const char *key,
    int explicit, const char *host, char *err, size_t errsz);

/*
 * Make the connected TCP connection c a TLS connection to t->host and do
 * the handshake. 0, or -1 with the host and the reason logged (c closed).
 */
int tls_wrap(struct conn *c, const struct target *t);
