/* See LICENSE file for copyright and license details. */
/*
 * The server-certificate checks of x509.c on certificates built here in
 * DER: the subjectAltName match (names, wildcards, IPv4, IPv6), the
 * Extended Key Usage rule, the refusal of a certificate without SAN, and
 * hostile encodings (truncated, overlong, long-form and non-minimal
 * lengths, nested SEQUENCEs, extensions twice); and on the certificates
 * openssl made for the fuzzer's seeds (tests/fuzz/corpus/x509/, read from
 * the top of the tree).
 */
#include <stddef.h>

#include "unit.h"
#include "x509.h"

/* a DER builder: bytes appended to a fixed buffer */
struct b {
	unsigned char d[2048];
	size_t n;
};

static void
put(struct b *b, const void *p, size_t n)
{
	if (n > sizeof b->d - b->n)
		n = sizeof b->d - b->n;	/* a test would fail, not overflow */
	memcpy(b->d + b->n, p, n);
	b->n += n;
}

/* tag, minimal length, then p[0..n) */
static void
tlv(struct b *out, int tag, const void *p, size_t n)
{
	unsigned char h[4];
	size_t k = 0;

	h[k++] = (unsigned char)tag;
	if (n >= 256) {
		h[k++] = 0x82;
		h[k++] = (unsigned char)(n >> 8);
	} else if (n >= 128)
		h[k++] = 0x81;
	h[k++] = (unsigned char)n;
	put(out, h, k);
	put(out, p, n);
}

/* out += TLV(tag, in) */
static void
wrap(struct b *out, int tag, const struct b *in)
{
	tlv(out, tag, in->d, in->n);
}

static const unsigned char o_san[] = { 0x55, 0x1d, 0x11 };
static const unsigned char o_eku[] = { 0x55, 0x1d, 0x25 };
static const unsigned char o_bc[] = { 0x55, 0x1d, 0x13 };
static const unsigned char kp_server[] = { 0x2b, 6, 1, 5, 5, 7, 3, 1 };
static const unsigned char kp_client[] = { 0x2b, 6, 1, 5, 5, 7, 3, 2 };
static const unsigned char kp_any[] = { 0x55, 0x1d, 0x25, 0x00 };

/* exts += Extension { oid, critical if crit, OCTET STRING { val } } */
static void
ext(struct b *exts, const unsigned char *oid, size_t olen, int crit,
    const struct b *val)
{
	static const unsigned char t[] = { 0x01, 0x01, 0xff };
	struct b e = { .n = 0 };

	tlv(&e, 0x06, oid, olen);
	if (crit)
		put(&e, t, sizeof t);
	wrap(&e, 0x04, val);
	wrap(exts, 0x30, &e);
}

/* exts += a subjectAltName of the GeneralNames in names */
static void
san(struct b *exts, const struct b *names)
{
	struct b v = { .n = 0 };

	wrap(&v, 0x30, names);
	ext(exts, o_san, sizeof o_san, 0, &v);
}

/* exts += an extKeyUsage of n purposes */
static void
eku(struct b *exts, int crit, const unsigned char *const *oids,
    const size_t *lens, int n)
{
	struct b s = { .n = 0 }, v = { .n = 0 };
	int i;

	for (i = 0; i < n; i++)
		tlv(&s, 0x06, oids[i], lens[i]);
	wrap(&v, 0x30, &s);
	ext(exts, o_eku, sizeof o_eku, crit, &v);
}

static void
dns(struct b *names, const char *s)
{
	tlv(names, 0x82, s, strlen(s));
}

static void
ip(struct b *names, const unsigned char *a, size_t n)
{
	tlv(names, 0x87, a, n);
}

/* what cert() puts after the extensions in tbsCertificate */
static struct b tail;

/*
 * A certificate (CN=localhost, fields as filler: x509.c does not read
 * them) with the Extension list exts, or none when exts is NULL.
 */
static void
cert(struct b *out, const struct b *exts)
{
	static const unsigned char fill[] = {
		0xa0, 0x03, 0x02, 0x01, 0x02,			/* v3 */
		0x02, 0x01, 0x07,				/* serial */
		0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d,
		0x01, 0x01, 0x0b, 0x05, 0x00,			/* sha256RSA */
		0x30, 0x0d, 0x31, 0x0b, 0x30, 0x09, 0x06, 0x03, 0x55, 0x04,
		0x03, 0x0c, 0x02, 'c', 'a',			/* CN=ca */
		0x30, 0x1e, 0x17, 0x0d, '2', '6', '0', '1', '0', '1', '0',
		'0', '0', '0', '0', '0', 'Z', 0x17, 0x0d, '3', '6', '0',
		'1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z',
		0x30, 0x14, 0x31, 0x12, 0x30, 0x10, 0x06, 0x03, 0x55, 0x04,
		0x03, 0x0c, 0x09, 'l', 'o', 'c', 'a', 'l', 'h', 'o', 's',
		't',						/* CN=localhost */
		0x30, 0x09, 0x30, 0x03, 0x06, 0x01, 0x2a, 0x03, 0x02, 0x00,
		0x00,						/* key */
	};
	static const unsigned char sig[] = {
		0x30, 0x03, 0x06, 0x01, 0x2a, 0x03, 0x02, 0x00, 0x00 };
	struct b tbs = { .n = 0 }, x = { .n = 0 }, c = { .n = 0 };

	put(&tbs, fill, sizeof fill);
	if (exts) {
		wrap(&x, 0x30, exts);
		wrap(&tbs, 0xa3, &x);
	}
	put(&tbs, tail.d, tail.n);
	wrap(&c, 0x30, &tbs);
	put(&c, sig, sizeof sig);
	out->n = 0;
	wrap(out, 0x30, &c);
}

static const unsigned char lo4[] = { 127, 0, 0, 1 };
static const unsigned char lo6[16] = { [15] = 1 };
static struct b crt;

/* the usual server certificate: DNS:localhost, IP:127.0.0.1, IP:::1 */
static void
usual(struct b *exts)
{
	struct b names = { .n = 0 };

	dns(&names, "localhost");
	ip(&names, lo4, 4);
	ip(&names, lo6, 16);
	san(exts, &names);
}

/* crt: a certificate whose one extension is a SAN of names */
static void
san_cert(const struct b *names)
{
	struct b exts = { .n = 0 };

	san(&exts, names);
	cert(&crt, &exts);
}

static int
chk(const struct b *c, const char *host)
{
	return x509_server_check(c->d, c->n, host);
}

static int
ip_san(void)
{
	struct b exts = { .n = 0 };

	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "127.0.0.1") == X509_OK);
	check(chk(&crt, "127.0.0.2") == X509_NO_MATCH);
	check(chk(&crt, "10.0.0.1") == X509_NO_MATCH);
	check(chk(&crt, "::1") == X509_OK);
	check(chk(&crt, "0:0:0:0:0:0:0:1") == X509_OK);
	check(chk(&crt, "::2") == X509_NO_MATCH);
	check(chk(&crt, "fe80::1") == X509_NO_MATCH);
	/* IPv4 in IPv6 form is the same address, as in Go */
	check(chk(&crt, "::ffff:127.0.0.1") == X509_OK);
	check(chk(&crt, "localhost") == X509_OK);
	check(chk(&crt, "LocalHost") == X509_OK);
	check(chk(&crt, "localhost.") == X509_OK);
	check(chk(&crt, "otherhost") == X509_NO_MATCH);
	check(chk(&crt, "localhost.example") == X509_NO_MATCH);
	return 0;
}

static int
ip_only_by_ip(void)
{
	struct b names = { .n = 0 };
	static const unsigned char mapped[16] = {
		[10] = 0xff, [11] = 0xff, 10, 0, 0, 1 };

	/* a dNSName spelling an address does not name the address */
	dns(&names, "127.0.0.1");
	ip(&names, mapped, 16);
	san_cert(&names);
	check(chk(&crt, "127.0.0.1") == X509_NO_MATCH);
	check(chk(&crt, "10.0.0.1") == X509_OK);
	/* an iPAddress does not name a host name */
	names.n = 0;
	ip(&names, lo4, 4);
	san_cert(&names);
	check(chk(&crt, "localhost") == X509_NO_MATCH);
	check(chk(&crt, "127.0.0.1") == X509_OK);
	return 0;
}

static int
no_san(void)
{
	struct b exts = { .n = 0 }, v = { .n = 0 };
	static const unsigned char ca_false[] = { 0x30, 0x00 };

	/* CN=localhost alone names nothing (Go since 1.15) */
	cert(&crt, NULL);
	check(chk(&crt, "localhost") == X509_NO_SAN);
	check(chk(&crt, "127.0.0.1") == X509_NO_SAN);
	put(&v, ca_false, sizeof ca_false);
	ext(&exts, o_bc, sizeof o_bc, 1, &v);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_NO_SAN);
	return 0;
}

static int
several_extensions(void)
{
	struct b exts = { .n = 0 }, names = { .n = 0 }, v = { .n = 0 };
	const unsigned char *p[] = { kp_server };
	size_t l[] = { sizeof kp_server };

	/* two SANs: refused, whichever names the host */
	usual(&exts);
	dns(&names, "other.example");
	san(&exts, &names);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_DUPLICATE);
	check(chk(&crt, "other.example") == X509_DUPLICATE);
	/* two EKUs, and any other extension twice */
	exts.n = 0;
	usual(&exts);
	eku(&exts, 0, p, l, 1);
	eku(&exts, 0, p, l, 1);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_DUPLICATE);
	exts.n = 0;
	tlv(&v, 0x30, "", 0);
	ext(&exts, o_bc, sizeof o_bc, 0, &v);
	usual(&exts);
	ext(&exts, o_bc, sizeof o_bc, 0, &v);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_DUPLICATE);
	/* once each, in any order, is fine */
	exts.n = 0;
	eku(&exts, 1, p, l, 1);
	ext(&exts, o_bc, sizeof o_bc, 1, &v);
	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_OK);
	return 0;
}

static int
extended_key_usage(void)
{
	const unsigned char *p[] = { kp_client, kp_server, kp_any };
	size_t l[] = { sizeof kp_client, sizeof kp_server, sizeof kp_any };
	struct b exts = { .n = 0 };

	usual(&exts);
	eku(&exts, 0, p, l, 1);		/* clientAuth only */
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_NOT_SERVER);
	check(chk(&crt, "127.0.0.1") == X509_NOT_SERVER);
	exts.n = 0;
	usual(&exts);
	eku(&exts, 0, p, l, 2);		/* clientAuth, serverAuth */
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_OK);
	exts.n = 0;
	eku(&exts, 1, p + 1, l + 1, 1);	/* serverAuth, critical, first */
	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_OK);
	exts.n = 0;
	usual(&exts);
	eku(&exts, 0, p + 2, l + 2, 1);	/* anyExtendedKeyUsage */
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_OK);
	exts.n = 0;
	usual(&exts);
	eku(&exts, 0, p, l, 0);		/* present and empty */
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_NOT_SERVER);
	/* the purpose is checked before the name */
	exts.n = 0;
	eku(&exts, 0, p, l, 1);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_NOT_SERVER);
	return 0;
}

static int
eku_malformed(void)
{
	struct b exts = { .n = 0 }, s = { .n = 0 }, v = { .n = 0 };

	/* a purpose that is not an OID */
	tlv(&s, 0x06, kp_server, sizeof kp_server);
	tlv(&s, 0x04, kp_server, sizeof kp_server);
	wrap(&v, 0x30, &s);
	usual(&exts);
	ext(&exts, o_eku, sizeof o_eku, 0, &v);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* bytes after the SEQUENCE inside the OCTET STRING */
	v.n = s.n = exts.n = 0;
	tlv(&s, 0x06, kp_server, sizeof kp_server);
	wrap(&v, 0x30, &s);
	put(&v, "\x05\x00", 2);
	usual(&exts);
	ext(&exts, o_eku, sizeof o_eku, 0, &v);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	return 0;
}

static int
nested_names(void)
{
	struct b names = { .n = 0 }, dn = { .n = 0 };
	struct b rdn = { .n = 0 }, set = { .n = 0 }, dir = { .n = 0 };
	struct b other = { .n = 0 }, inner = { .n = 0 };
	static const unsigned char cn[] = {
		0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x09, 'l', 'o', 'c', 'a',
		'l', 'h', 'o', 's', 't' };
	static const unsigned char ten[] = { 10, 1, 2, 3 };

	/* directoryName [4] { Name: SEQUENCE { SET { SEQUENCE {...} } } } */
	put(&rdn, cn, sizeof cn);
	wrap(&set, 0x30, &rdn);
	wrap(&dn, 0x31, &set);
	wrap(&dir, 0x30, &dn);
	wrap(&names, 0xa4, &dir);
	/* otherName [0] { OID, [0] { SEQUENCE { SEQUENCE { } } } } */
	tlv(&other, 0x06, kp_any, sizeof kp_any);
	tlv(&inner, 0x30, "\x30\x00", 2);
	wrap(&other, 0xa0, &inner);
	wrap(&names, 0xa0, &other);
	tlv(&names, 0x81, "root@localhost", 14);	/* rfc822Name */
	ip(&names, ten, 4);
	san_cert(&names);
	/* names inside a directoryName or otherName are no dNSName */
	check(chk(&crt, "localhost") == X509_NO_MATCH);
	check(chk(&crt, "10.1.2.3") == X509_OK);
	return 0;
}

static int
long_lengths(void)
{
	struct b exts = { .n = 0 }, names = { .n = 0 };
	char name[64];
	int i;

	/* 300+ bytes of names: 0x82 lengths; one of 200: 0x81 */
	for (i = 0; i < 20; i++) {
		snprintf(name, sizeof name, "host%02d.example.com", i);
		dns(&names, name);
	}
	memset(name, 'a', 63);
	name[63] = '\0';
	dns(&names, name);
	for (i = 0; i < 20; i++)
		ip(&names, lo6, 16);
	ip(&names, lo4, 4);
	san(&exts, &names);
	check(names.n > 300);
	cert(&crt, &exts);
	check(crt.d[1] == 0x82);
	check(chk(&crt, "host19.example.com") == X509_OK);
	check(chk(&crt, name) == X509_OK);
	check(chk(&crt, "127.0.0.1") == X509_OK);
	check(chk(&crt, "host20.example.com") == X509_NO_MATCH);
	return 0;
}

/* the offset of the first b[..] == {x, y} at or after from */
static size_t
find2(const struct b *b, size_t from, int x, int y)
{
	size_t i;

	for (i = from; i + 1 < b->n; i++)
		if (b->d[i] == x && b->d[i + 1] == y)
			return i;
	return b->n;
}

/* a certificate with the GeneralNames p[0..n) and DNS:localhost's check */
static int
raw_name(const char *p, size_t n)
{
	struct b names = { .n = 0 };

	put(&names, p, n);
	san_cert(&names);
	return chk(&crt, "localhost");
}

static int
truncated(void)
{
	struct b exts = { .n = 0 };
	size_t k;

	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_OK);
	for (k = 0; k < crt.n; k++)
		check(x509_server_check(crt.d, k, "localhost") ==
		    X509_MALFORMED);
	/* and one byte more */
	crt.d[crt.n++] = 0;
	check(chk(&crt, "localhost") == X509_MALFORMED);
	return 0;
}

static int
bad_lengths(void)
{
	struct b exts = { .n = 0 }, good;
	size_t at;

	usual(&exts);
	cert(&good, &exts);
	/* the SAN's dNSName "localhost": 0x82 0x09 */
	at = find2(&good, 0, 0x82, 0x09);
	check(at < good.n);
	crt = good;
	crt.d[at + 1] = 0x0a;		/* overlong: runs into the next */
	check(chk(&crt, "localhost") != X509_OK);
	crt.d[at + 1] = 0x7f;		/* past its parent */
	check(chk(&crt, "localhost") == X509_MALFORMED);
	crt.d[at + 1] = 0x80;		/* indefinite */
	check(chk(&crt, "localhost") == X509_MALFORMED);
	crt.d[at + 1] = 0x84;		/* 4 length bytes */
	check(chk(&crt, "localhost") == X509_MALFORMED);
	crt.d[at + 1] = 0xff;
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* the outer length one short, one long */
	crt = good;
	at = crt.d[1] == 0x81 ? 2 : crt.d[1] == 0x82 ? 3 : 1;
	crt.d[at]--;
	check(chk(&crt, "localhost") == X509_MALFORMED);
	crt.d[at] += 2;
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* the same certificate with one GeneralName in a bad encoding */
	check(raw_name("\x82\x09localhost", 11) == X509_OK);
	check(raw_name("\x82\x81\x09localhost", 12) == X509_MALFORMED);
	check(raw_name("\x82\x82\x00\x09localhost", 13) == X509_MALFORMED);
	check(raw_name("\x9f\x02\x09\x00", 4) == X509_MALFORMED);
	check(raw_name("\x82\x80localhost\x00\x00", 13) == X509_MALFORMED);
	check(raw_name("\x80\x82\x00\x80" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef" "\x82\x09localhost", 143) ==
	    X509_MALFORMED);
	/* a long form where it is needed is fine */
	check(raw_name("\x80\x81\x80" "0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef" "\x82\x09localhost", 142) ==
	    X509_OK);
	return 0;
}

static int
bad_structure(void)
{
	struct b exts = { .n = 0 }, names = { .n = 0 }, v = { .n = 0 };
	struct b e = { .n = 0 };
	static const unsigned char five[] = { 1, 2, 3, 4, 5 };

	/* an address of 5 bytes; a dNSName not ASCII */
	ip(&names, five, 5);
	san_cert(&names);
	check(chk(&crt, "1.2.3.4") == X509_MALFORMED);
	names.n = exts.n = 0;
	dns(&names, "l\xc3\xb6" "calhost");
	san_cert(&names);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* a critical flag of two bytes */
	exts.n = 0;
	tlv(&e, 0x06, o_bc, sizeof o_bc);
	tlv(&e, 0x01, "\xff\xff", 2);
	tlv(&e, 0x04, "\x30\x00", 2);
	wrap(&exts, 0x30, &e);
	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* no OCTET STRING; one element too many */
	exts.n = e.n = 0;
	tlv(&e, 0x06, o_bc, sizeof o_bc);
	wrap(&exts, 0x30, &e);
	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	exts.n = e.n = 0;
	tlv(&e, 0x06, o_bc, sizeof o_bc);
	tlv(&e, 0x04, "\x30\x00", 2);
	tlv(&e, 0x04, "\x30\x00", 2);
	wrap(&exts, 0x30, &e);
	usual(&exts);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* GeneralNames not a SEQUENCE */
	exts.n = 0;
	dns(&v, "localhost");
	ext(&exts, o_san, sizeof o_san, 0, &v);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	/* an element after the extensions in tbsCertificate; [3] twice */
	exts.n = 0;
	usual(&exts);
	tlv(&tail, 0x02, "\x01", 1);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	tail.n = 0;
	tlv(&tail, 0xa3, "\x30\x00", 2);
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_MALFORMED);
	tail.n = 0;
	/* the same without them */
	cert(&crt, &exts);
	check(chk(&crt, "localhost") == X509_OK);
	return 0;
}

static int
names(void)
{
	static const struct {
		const char *pat, *host;
		int want;
	} t[] = {
		{ "localhost", "localhost", 1 },
		{ "LOCALHOST", "localhost", 1 },
		{ "docker.example", "Docker.Example.", 1 },
		{ "docker.example", "docker.example..", 0 },
		{ "docker.example", "docker.example.com", 0 },
		{ "docker.example", "example", 0 },
		{ "*.example.com", "a.example.com", 1 },
		{ "*.example.com", "A.EXAMPLE.COM", 1 },
		{ "*.example.com", "a.example.com.", 1 },
		{ "*.example.com", "a.b.example.com", 0 },
		{ "*.example.com", "example.com", 0 },
		{ "*.example.com", ".example.com", 0 },
		{ "*.com", "example.com", 1 },
		{ "*", "localhost", 0 },
		{ "*.", "localhost.", 0 },
		{ "f*.example.com", "foo.example.com", 0 },
		{ "*o.example.com", "foo.example.com", 0 },
		{ "a.*.example.com", "a.b.example.com", 0 },
		{ "*.*.example.com", "a.b.example.com", 0 },
		{ "*.example.com", "*.example.com", 1 },	/* exact */
		{ "*.example.com", "a*.example.com", 0 },
		{ "*.example..com", "a.example..com", 0 },
		{ "", "localhost", 0 },
		{ ".", ".", 0 },
		{ "-a.example", "-a.example", 1 },	/* exact, any bytes */
		{ "*.example", "-a.example", 0 },
		{ "*.example", "a_b.example", 1 },
		{ "*.example", "a-b.example", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++)
		if (x509_name_match(t[i].pat, strlen(t[i].pat), t[i].host) !=
		    t[i].want) {
			printf("# name '%s' host '%s'\n", t[i].pat, t[i].host);
			return __LINE__;
		}
	/* a NUL inside the certificate's name */
	check(!x509_name_match("localhost\0.evil", 15, "localhost"));
	check(!x509_name_match("*.example\0x", 11, "a.example"));
	return 0;
}

static int
wildcard_in_cert(void)
{
	struct b n = { .n = 0 };

	dns(&n, "*.docker.example");
	san_cert(&n);
	check(chk(&crt, "node1.docker.example") == X509_OK);
	check(chk(&crt, "docker.example") == X509_NO_MATCH);
	check(chk(&crt, "a.node1.docker.example") == X509_NO_MATCH);
	check(*x509_problem(X509_NO_SAN) != '\0');
	return 0;
}

/* a seed of the fuzzer, made by openssl, against host */
static int
seed(const char *name, const char *host)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof path, "tests/fuzz/corpus/x509/%s.der", name);
	if (!(f = fopen(path, "rb")))
		return -1;
	crt.n = fread(crt.d, 1, sizeof crt.d, f);
	fclose(f);
	return chk(&crt, host);
}

static int
openssl_made(void)
{
	check(seed("server", "localhost") == X509_OK);
	check(seed("server", "127.0.0.1") == X509_OK);
	check(seed("server", "::1") == X509_OK);
	check(seed("server", "docker.example") == X509_NO_MATCH);
	check(seed("clientonly", "localhost") == X509_NOT_SERVER);
	check(seed("cnonly", "localhost") == X509_NO_SAN);
	/* critical EKU; a dirName CN=localhost and otherName in the SAN */
	check(seed("wildcard", "node.docker.example") == X509_OK);
	check(seed("wildcard", "docker.example") == X509_OK);
	check(seed("wildcard", "10.0.0.1") == X509_OK);
	check(seed("wildcard", "localhost") == X509_NO_MATCH);
	check(seed("rsa-any", "::1") == X509_OK);
	return 0;
}

const struct unit_test x509_tests[] = {
	UNIT(openssl_made),
	UNIT(ip_san),
	UNIT(ip_only_by_ip),
	UNIT(no_san),
	UNIT(several_extensions),
	UNIT(extended_key_usage),
	UNIT(eku_malformed),
	UNIT(nested_names),
	UNIT(long_lengths),
	UNIT(truncated),
	UNIT(bad_lengths),
	UNIT(bad_structure),
	UNIT(names),
	UNIT(wildcard_in_cert),
	{ NULL, NULL },
};
