/* See LICENSE file for copyright and license details. */
/* The build without TLS (make TLS=0): unix sockets only. */
#include <stdio.h>

#include "bounds.h"
#include "conn.h"
#include "opts.h"
#include "tls.h"

const int tls_built = 0;

int
tls_setup(const struct settings *s, char *err, size_t errsz)
{
	(void)s;
	snprintf(err, errsz, "host '%s': this docker-cleaner was built without "
	    "TLS (make TLS=0); it reaches unix sockets only", s->tg.text);
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
