/* See LICENSE file for copyright and license details. */
/* The build without TLS (make TLS=0): unix sockets only. */
#include <stdio.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "tls.h"

const int tls_built = 0;

int
tls_setup(const char *ca, const char *cert, const char *key, int explicit,
    const char *host, char *err, size_t errsz)
{
	(void)ca;
	(void)cert;
	(void)key;
	(void)explicit;
	fmt_snprintf(err, errsz, "host '%s': this docker-cleaner was built without "
	    "TLS (make TLS=0); it reaches unix sockets only", host);
	return -1;
}

int
tls_wrap(struct conn *c, const struct target *t)
{
	(void)c;
	(void)t;
	return -1;
}

int
tcp_connect(const struct target *t, struct conn *c)
{
	(void)t;
	(void)c;
	return -1;
}
