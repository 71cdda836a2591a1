/* See LICENSE file for copyright and license details. */
/*
 * The server-certificate walker (x509.c). The input is a certificate in
 * DER, checked for each of a few hosts (names, a wildcard's, IPv4, IPv6)
 * from a buffer of its exact size, so that a read past it is an ASan
 * report. Invariants: a known result; the same result twice; a
 * certificate that passes the walk is malformed when cut short by a byte
 * (its outer SEQUENCE must span the input). The name matcher gets the input too, as a
 * pattern and a host: its result does not depend on the host's case.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "x509.h"
#include "fuzz.h"

static const char *const hosts[] = {
	"localhost", "LocalHost.", "127.0.0.1", "::1", "::ffff:10.0.0.1",
	"docker.example", "node.docker.example", "10.0.0.1",
};

/* the host in upper case, as far as ASCII letters go */
static void
upper(char *s)
{
	for (; *s; s++)
		if (*s >= 'a' && *s <= 'z')
			*s = (char)(*s - 'a' + 'A');
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned char *cert = malloc(size ? size : 1);
	char host[65], up[65];
	size_t i, plen, hlen;
	int r;

	memcpy(cert, data, size);
	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		r = x509_server_check(cert, size, hosts[i]);
		FZ_CHECK(r >= X509_OK && r <= X509_NO_MATCH);
		FZ_CHECK(*x509_problem(r) != '\0');
		FZ_CHECK(x509_server_check(cert, size, hosts[i]) == r);
		if (r != X509_MALFORMED)
			FZ_CHECK(x509_server_check(cert, size - 1, hosts[i]) ==
			    X509_MALFORMED);
	}
	/* pattern: up to the first NUL (64 bytes at most); host: the rest */
	for (plen = 0; plen < size && plen < 64 && data[plen]; plen++)
		;
	hlen = size - plen > 1 ? size - plen - 1 : 0;
	if (hlen > 64)
		hlen = 64;
	memcpy(host, data + size - hlen, hlen);
	host[hlen] = '\0';
	memcpy(up, host, hlen + 1);
	upper(up);
	r = x509_name_match((const char *)cert, plen, host);
	FZ_CHECK(r == 0 || r == 1);
	FZ_CHECK(x509_name_match((const char *)cert, plen, up) == r);
	free(cert);
	return 0;
}
