/* See LICENSE file for copyright and license details. */
/*
 * The server certificate's purpose and names, checked as Go's crypto/x509
 * checks them for the docker CLI, on the DER bytes of the end-entity
 * certificate (x509.h). conn_tls.c calls it once BearSSL has verified the
 * chain, signatures and dates, and gives BearSSL no server name: BearSSL's
 * own name check falls back to the subject's Common Name when there is no
 * subjectAltName and lets the last of several SAN extensions decide, so
 * names are matched here only.
 *
 * Owns no state: a walk over the caller's bytes. No TLS library is
 * included, so the unit tests and a fuzzer link it.
 *
 *   Certificate    ::= SEQUENCE { tbsCertificate, algorithm, signature }
 *   TBSCertificate ::= SEQUENCE { ..., extensions [3] EXPLICIT
 *                                 SEQUENCE OF Extension OPTIONAL }
 *   Extension      ::= SEQUENCE { extnID OBJECT IDENTIFIER,
 *                        critical BOOLEAN DEFAULT FALSE, extnValue OCTET
 *                        STRING }
 * subjectAltName (2.5.29.17): SEQUENCE OF GeneralName, where dNSName is
 * [2] IA5String and iPAddress [7] OCTET STRING (4 or 16 bytes).
 * extKeyUsage (2.5.29.37): SEQUENCE OF OBJECT IDENTIFIER.
 */
#include <arpa/inet.h>
#include <string.h>

#include "x509.h"

/* the bytes from p to end: what is left of an element's contents */
struct der {
	const unsigned char *p, *end;
};

static const unsigned char oid_san[] = { 0x55, 0x1d, 0x11 };
static const unsigned char oid_eku[] = { 0x55, 0x1d, 0x25 };
static const unsigned char oid_server_auth[] = {
	0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };	/* 1.3.6.1.5.5.7.3.1 */
static const unsigned char oid_any_eku[] = { 0x55, 0x1d, 0x25, 0x00 };

/*
 * The next element of d: its tag and contents. 0, or -1 when it is not
 * DER (indefinite or non-minimal length, a multi-byte tag) or does not
 * fit inside d.
 */
static int
der_next(struct der *d, int *tag, struct der *val)
{
	const unsigned char *q = d->p;
	size_t n, k;

	if (d->end - q < 2)
		return -1;
	*tag = *q++;
	if ((*tag & 0x1f) == 0x1f)
		return -1;	/* a high tag number: none in what is read */
	n = *q++;
	if (n & 0x80) {
		/* 0: indefinite (BER); over 3 bytes: larger than any cert */
		k = n & 0x7f;
		if (k == 0 || k > 3 || (size_t)(d->end - q) < k || *q == 0)
			return -1;
		for (n = 0; k > 0; k--)
			n = n << 8 | *q++;
		if (n < 0x80)
			return -1;	/* the long form for a short length */
	}
	if ((size_t)(d->end - q) < n)
		return -1;
	val->p = q;
	val->end = q + n;
	d->p = q + n;
	return 0;
}

/* the next element of d, which must have tag want; 0 or -1 */
static int
der_take(struct der *d, int want, struct der *val)
{
	int tag;

	return der_next(d, &tag, val) < 0 || tag != want ? -1 : 0;
}

static int
is_oid(const struct der *o, const unsigned char *oid, size_t n)
{
	return (size_t)(o->end - o->p) == n && memcmp(o->p, oid, n) == 0;
}

/*
 * The contents of the certificate's SEQUENCE OF Extension into exts
 * (empty when it has none); 0, or -1 when malformed.
 */
static int
extensions(const unsigned char *cert, size_t n, struct der *exts)
{
	struct der d = { cert, cert + n }, c, tbs, x;
	int tag, seen = 0;

	exts->p = exts->end = cert;
	if (der_take(&d, 0x30, &c) < 0 || d.p != d.end ||
	    der_take(&c, 0x30, &tbs) < 0)
		return -1;
	while (tbs.p < tbs.end) {
		if (der_next(&tbs, &tag, &x) < 0)
			return -1;
		if (seen)
			return -1;	/* the extensions come last */
		if (tag != 0xa3)
			continue;
		seen = 1;
		if (der_take(&x, 0x30, exts) < 0 || x.p != x.end)
			return -1;
	}
	return 0;
}

/*
 * The next extension in exts: its OID and the contents of its OCTET
 * STRING. 0, 1 when there is none left, -1 when malformed.
 */
static int
next_ext(struct der *exts, struct der *oid, struct der *val)
{
	struct der e;
	int tag;

	if (exts->p == exts->end)
		return 1;
	if (der_take(exts, 0x30, &e) < 0 || der_take(&e, 0x06, oid) < 0 ||
	    oid->p == oid->end || der_next(&e, &tag, val) < 0)
		return -1;
	if (tag == 0x01) {	/* critical */
		if (val->end - val->p != 1 || der_next(&e, &tag, val) < 0)
			return -1;
	}
	return tag != 0x04 || e.p != e.end ? -1 : 0;
}

/* is the extension OID oid in exts before the byte at? */
static int
seen_before(struct der exts, const unsigned char *at, const struct der *oid)
{
	struct der o, v;

	while (exts.p < at && next_ext(&exts, &o, &v) == 0)
		if (is_oid(&o, oid->p, (size_t)(oid->end - oid->p)))
			return 1;
	return 0;
}

/* the extKeyUsage value v: X509_OK with serverAuth or any, or the problem */
static int
eku_check(struct der v)
{
	struct der seq, o;
	int ok = 0;

	if (der_take(&v, 0x30, &seq) < 0 || v.p != v.end)
		return X509_MALFORMED;
	while (seq.p < seq.end) {
		if (der_take(&seq, 0x06, &o) < 0 || o.p == o.end)
			return X509_MALFORMED;
		if (is_oid(&o, oid_server_auth, sizeof oid_server_auth) ||
		    is_oid(&o, oid_any_eku, sizeof oid_any_eku))
			ok = 1;
	}
	return ok ? X509_OK : X509_NOT_SERVER;
}

/* an address of n bytes (4 or 16) as 16: IPv4 as ::ffff:a.b.c.d, as Go */
static void
ip16(const unsigned char *a, size_t n, unsigned char out[16])
{
	static const unsigned char v4[12] = {
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (n == 16) {
		memcpy(out, a, 16);
		return;
	}
	memcpy(out, v4, sizeof v4);
	memcpy(out + 12, a, 4);
}

/*
 * The subjectAltName value v against host (ip: its address, 16 bytes, or
 * NULL for a name); X509_OK on a match, or the problem.
 */
static int
san_check(struct der v, const char *host, const unsigned char *ip)
{
	struct der seq, g;
	unsigned char a[16];
	const unsigned char *c;
	int tag, match = 0;

	if (der_take(&v, 0x30, &seq) < 0 || v.p != v.end)
		return X509_MALFORMED;
	while (seq.p < seq.end) {
		if (der_next(&seq, &tag, &g) < 0)
			return X509_MALFORMED;
		if (tag == 0x82) {		/* dNSName, IA5String */
			for (c = g.p; c < g.end; c++)
				if (*c >= 0x80)
					return X509_MALFORMED;
			if (!ip && x509_name_match((const char *)g.p,
			    (size_t)(g.end - g.p), host))
				match = 1;
		} else if (tag == 0x87) {	/* iPAddress */
			if (g.end - g.p != 4 && g.end - g.p != 16)
				return X509_MALFORMED;
			ip16(g.p, (size_t)(g.end - g.p), a);
			if (ip && memcmp(a, ip, 16) == 0)
				match = 1;
		}
	}
	return match ? X509_OK : X509_NO_MATCH;
}

int
x509_server_check(const unsigned char *cert, size_t n, const char *host)
{
	struct der exts, all, oid, val, san = { 0 }, eku = { 0 };
	unsigned char addr[16], ip[16];
	const unsigned char *at;
	int r, has_san = 0, has_eku = 0;

	if (extensions(cert, n, &exts) < 0)
		return X509_MALFORMED;
	all = exts;
	for (;;) {
		at = exts.p;
		if ((r = next_ext(&exts, &oid, &val)) < 0)
			return X509_MALFORMED;
		if (r > 0)
			break;
		/* RFC 5280 4.2: never twice (Go refuses it too) */
		if (seen_before(all, at, &oid))
			return X509_DUPLICATE;
		if (is_oid(&oid, oid_san, sizeof oid_san)) {
			san = val;
			has_san = 1;
		} else if (is_oid(&oid, oid_eku, sizeof oid_eku)) {
			eku = val;
			has_eku = 1;
		}
	}
	if (has_eku && (r = eku_check(eku)) != X509_OK)
		return r;
	if (!has_san)
		return X509_NO_SAN;
	if (inet_pton(AF_INET, host, addr) == 1)
		ip16(addr, 4, ip);
	else if (inet_pton(AF_INET6, host, addr) == 1)
		ip16(addr, 16, ip);
	else
		return san_check(san, host, NULL);
	return san_check(san, host, ip);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int
eq_nocase(const char *a, const char *b, size_t n)
{
	for (; n > 0; n--)
		if (lower((unsigned char)*a++) != lower((unsigned char)*b++))
			return 0;
	return 1;
}

/*
 * Is s[0..n) a host name as Go's validHostname sees one: labels of
 * letters, digits, '_' and '-' (not first), none empty; in a pattern the
 * first label may be "*", but not the whole name.
 */
static int
valid_name(const char *s, size_t n, int pattern)
{
	size_t i, j = 0, label = 0;
	int c;

	if (n == 0 || (n == 1 && s[0] == '*'))
		return 0;
	for (i = 0; i <= n; i++) {
		c = i < n ? (unsigned char)s[i] : '.';
		if (c == '.') {
			if (j == 0)
				return 0;
			label++;
			j = 0;
		} else if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '_' || (c == '-' && j > 0) ||
		    (pattern && c == '*' && label == 0 && j == 0 &&
		    (i + 1 == n || s[i + 1] == '.')))
			j++;
		else
			return 0;
	}
	return 1;
}

int
x509_name_match(const char *pat, size_t plen, const char *host)
{
	size_t hlen = strlen(host), dot;

	if (plen == 0 || hlen == 0 || (plen == 1 && pat[0] == '.') ||
	    (hlen == 1 && host[0] == '.'))
		return 0;
	if (plen == hlen && eq_nocase(pat, host, hlen))
		return 1;	/* Go's matchExactly, for any bytes */
	if (host[hlen - 1] == '.')
		hlen--;
	if (!valid_name(host, hlen, 0) || !valid_name(pat, plen, 1))
		return 0;
	if (pat[0] != '*')
		return plen == hlen && eq_nocase(pat, host, hlen);
	/* "*" is host's whole first label: the rest must be equal */
	for (dot = 0; dot < hlen && host[dot] != '.'; dot++)
		;
	return plen - 1 == hlen - dot && eq_nocase(pat + 1, host + dot,
	    hlen - dot);
}

const char *
x509_problem(int e)
{
	switch (e) {
	case X509_OK:
		return "no problem";
	case X509_MALFORMED:
		return "the server certificate is not well-formed DER";
	case X509_DUPLICATE:
		return "the server certificate has an extension twice";
	case X509_NOT_SERVER:
		return "the server certificate is not for a TLS server (its "
		    "Extended Key Usage lacks serverAuth)";
	case X509_NO_SAN:
		return "the server certificate has no subjectAltName (a name "
		    "only in the Common Name is refused, as Go does)";
	case X509_NO_MATCH:
		return "the server certificate is not for this host name or "
		    "address";
	}
	return "the server certificate is refused";
}
