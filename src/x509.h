/* See LICENSE file for copyright and license details. */
/*
 * The checks on the server's end-entity certificate that BearSSL does not
 * make, as Go's crypto/x509 makes them for the docker CLI (x509.c). Plain
 * C over DER bytes, no TLS library: the unit tests and a fuzzer call it.
 */
#include <stddef.h>

/* what x509_server_check found; x509_problem says it in words */
enum {
	X509_OK,
	X509_MALFORMED,		/* not DER as a certificate should be */
	X509_DUPLICATE,		/* an extension appears twice */
	X509_NOT_SERVER,	/* Extended Key Usage without serverAuth */
	X509_NO_SAN,		/* no subjectAltName: names only in the CN */
	X509_NO_MATCH		/* the host is not among its SAN entries */
};

/*
 * The server certificate cert[0..n) (DER) for host (a DNS name, or an
 * IPv4 or IPv6 address in text):
 * - an Extended Key Usage extension, if present, lists serverAuth or
 *   anyExtendedKeyUsage;
 * - a subjectAltName extension names host: an address by an iPAddress
 *   entry, a name by a dNSName entry (x509_name_match). The subject's
 *   Common Name is never used; no subjectAltName is X509_NO_SAN.
 * The certificate is read as far as these need, strictly: minimal DER
 * lengths, every element inside its parent, no extension twice.
 * Returns X509_OK or the first problem found.
 */
int x509_server_check(const unsigned char *cert, size_t n, const char *host);

/*
 * Does the dNSName pattern pat[0..plen) name host? Case-insensitive
 * (ASCII) equality; or, for valid host names, "*" as the whole left-most
 * label of the pattern matches one label of host, and a trailing dot on
 * host is ignored (Go's rules). 1 or 0.
 */
int x509_name_match(const char *pat, size_t plen, const char *host);

/* the problem e (X509_*) in words, for "TLS to HOST: ..." */
const char *x509_problem(int e);
