/* See LICENSE file for copyright and license details. */
/*
 * TLS for tcp:// hosts (conn_tls.c with BearSSL, or conn_notls.c in a
 * build without it). Requires conn.h and opts.h.
 */

/* 1 if this binary has TLS */
extern const int tls_built;

/*
 * Read the CA file, the client certificate chain and key named in s into
 * static storage; once, at startup. 0, or -1 with one line in err naming
 * the file and the problem.
 */
int tls_setup(const struct settings *s, char *err, size_t errsz);

/*
 * Make the connected TCP connection c a TLS connection to t->host and do
 * the handshake. 0, or -1 with the host and the reason logged (c closed).
 */
int tls_wrap(struct conn *c, const struct target *t);
