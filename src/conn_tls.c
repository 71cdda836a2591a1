/* See LICENSE file for copyright and license details. */
/*
 * TLS with BearSSL: mutual TLS to a dockerd started with --tlsverify, as
 * the docker CLI does it. All in static storage: the trust anchors, the
 * client chain and key (read once, at startup) and TLS_CONNS slots of
 * engine context and I/O buffer. TLS 1.2 (BearSSL has no 1.3); ALPN
 * offers http/1.1 only (dockerd also offers h2).
 *
 * Host names are checked by BearSSL against the DNS names of the server
 * certificate. BearSSL does not match IP addresses: when the host is an IP
 * address, BearSSL's name check is off and the server certificate's own
 * IP-address SAN entries are compared with it here (xw_end_chain).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <bearssl.h>

#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "tls.h"

_Static_assert(TLS_CONNS >= 3, "event stream, history and a request");
_Static_assert(TLS_DER_MAX >= 2048 && TLS_FILE_MAX >= TLS_DER_MAX, "TLS");

const int tls_built = 1;

static br_x509_trust_anchor anchors[TLS_ANCHORS];
static size_t nanchors;
static unsigned char anchor_mem[TLS_ANCHOR_BYTES];
static size_t anchor_used;
static int anchor_over;

static br_x509_certificate chain[TLS_CHAIN_CERTS];
static size_t nchain;
static unsigned char chain_mem[TLS_CHAIN_BYTES];
static size_t chain_used;

static br_skey_decoder_context keydec;	/* holds the client key */
static int key_type;			/* 0: no client certificate */
static unsigned issuer_key_type;	/* of chain[0], for EC keys */

static char file_buf[TLS_FILE_MAX];
static unsigned char der[TLS_DER_MAX];
static size_t der_len;
static int der_over;

static const char *alpn[] = { "http/1.1" };

/*
 * The X.509 engine: BearSSL's minimal one, wrapped to keep the server's
 * certificate and match an IP address against its SAN entries.
 */
struct xwrap {
	const br_x509_class *vtable;
	const br_x509_class **inner;
	unsigned depth;
	unsigned char ee[TLS_DER_MAX];
	size_t eelen;
	int eeover;
	unsigned char ip[16];
	size_t iplen;		/* 0: the host is a name */
};

struct slot {
	br_ssl_client_context sc;
	br_x509_minimal_context xc;
	struct xwrap xw;
	br_sslio_context io;
	unsigned char iobuf[BR_SSL_BUFSIZE_MONO];
	struct conn raw;	/* the TCP connection under it */
	struct conn *outer;	/* the connection the caller sees */
	char host[sizeof ((struct target *)0)->host + 8];
	int used, reported;
};

static struct slot slots[TLS_CONNS];

/* --- loading ----------------------------------------------------------- */

static void
der_sink(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	if (der_len + len > sizeof der) {
		der_over = 1;
		return;
	}
	memcpy(der + der_len, buf, len);
	der_len += len;
}

/*
 * Each PEM object of path to fn(name); returns the count, or -1 with err.
 * fn returns 0, or -1 with err set.
 */
static int
pem_each(const char *path, int (*fn)(const char *, char *, size_t),
    char *err, size_t errsz)
{
	br_pem_decoder_context pc;
	const char *p = file_buf;
	char name[128];
	size_t len = 0, k;
	ssize_t r;
	int fd, inobj = 0, extra = 1, count = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		snprintf(err, errsz, "TLS file %s: %s", path, strerror(errno));
		return -1;
	}
	while (len < sizeof file_buf &&
	    (r = read(fd, file_buf + len, sizeof file_buf - len)) > 0)
		len += (size_t)r;
	close(fd);
	if (len == sizeof file_buf) {
		snprintf(err, errsz, "TLS file %s: larger than %d bytes", path,
		    TLS_FILE_MAX - 1);
		return -1;
	}
	br_pem_decoder_init(&pc);
	while (len > 0) {
		k = br_pem_decoder_push(&pc, p, len);
		p += k;
		len -= k;
		switch (br_pem_decoder_event(&pc)) {
		case BR_PEM_BEGIN_OBJ:
			snprintf(name, sizeof name, "%s", br_pem_decoder_name(&pc));
			der_len = 0;
			der_over = 0;
			br_pem_decoder_setdest(&pc, der_sink, NULL);
			inobj = 1;
			break;
		case BR_PEM_END_OBJ:
			if (!inobj)
				break;
			inobj = 0;
			if (der_over) {
				snprintf(err, errsz, "TLS file %s: an object is "
				    "larger than %d bytes", path, TLS_DER_MAX);
				return -1;
			}
			if (fn(name, err, errsz) < 0)
				return -1;
			count++;
			break;
		case BR_PEM_ERROR:
			snprintf(err, errsz, "TLS file %s: not valid PEM", path);
			return -1;
		}
		if (len == 0 && extra) {
			/* as BearSSL's tools do: a last line may lack its end */
			extra = 0;
			p = "\n";
			len = 1;
		}
	}
	if (inobj) {
		snprintf(err, errsz, "TLS file %s: truncated PEM (no END line)",
		    path);
		return -1;
	}
	if (count == 0) {
		snprintf(err, errsz, "TLS file %s: no PEM object in it", path);
		return -1;
	}
	return count;
}

static unsigned char *
anchor_copy(const void *src, size_t n)
{
	unsigned char *dst = anchor_mem + anchor_used;

	if (n > sizeof anchor_mem - anchor_used) {
		anchor_over = 1;
		return NULL;
	}
	memcpy(dst, src, n);
	anchor_used += n;
	return dst;
}

static void
dn_sink(void *ctx, const void *buf, size_t len)
{
	(void)ctx;
	anchor_copy(buf, len);
}

static const char *cur_path;	/* the file being read, for messages */

static int
is_cert(const char *name)
{
	return strcmp(name, "CERTIFICATE") == 0 ||
	    strcmp(name, "X509 CERTIFICATE") == 0;
}

/* a CA certificate into a trust anchor */
static int
add_anchor(const char *name, char *err, size_t errsz)
{
	br_x509_decoder_context dc;
	br_x509_trust_anchor *ta;
	const br_x509_pkey *pk;
	size_t dn_start = anchor_used;

	if (!is_cert(name))
		return 0;	/* a CA file may hold other objects */
	if (nanchors == TLS_ANCHORS) {
		snprintf(err, errsz, "TLS file %s: more than %d CA "
		    "certificates", cur_path, TLS_ANCHORS);
		return -1;
	}
	ta = &anchors[nanchors];
	br_x509_decoder_init(&dc, dn_sink, NULL);
	br_x509_decoder_push(&dc, der, der_len);
	if (!(pk = br_x509_decoder_get_pkey(&dc))) {
		snprintf(err, errsz, "TLS file %s: a certificate is unreadable "
		    "(BearSSL error %d)", cur_path,
		    br_x509_decoder_last_error(&dc));
		return -1;
	}
	ta->dn.data = anchor_mem + dn_start;
	ta->dn.len = anchor_used - dn_start;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = anchor_copy(pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		ta->pkey.key.rsa.e = anchor_copy(pk->key.rsa.e, pk->key.rsa.elen);
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
	} else if (pk->key_type == BR_KEYTYPE_EC) {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = anchor_copy(pk->key.ec.q, pk->key.ec.qlen);
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
	} else {
		snprintf(err, errsz, "TLS file %s: unsupported CA key type",
		    cur_path);
		return -1;
	}
	if (anchor_over) {
		snprintf(err, errsz, "TLS file %s: CA certificates larger than "
		    "%d bytes in all", cur_path, TLS_ANCHOR_BYTES);
		return -1;
	}
	nanchors++;
	return 0;
}

/* a certificate of the client chain, end-entity first */
static int
add_chain(const char *name, char *err, size_t errsz)
{
	br_x509_decoder_context dc;

	if (!is_cert(name))
		return 0;
	if (nchain == TLS_CHAIN_CERTS ||
	    der_len > sizeof chain_mem - chain_used) {
		snprintf(err, errsz, "TLS file %s: a chain longer than %d "
		    "certificates or %d bytes", cur_path, TLS_CHAIN_CERTS,
		    TLS_CHAIN_BYTES);
		return -1;
	}
	if (nchain == 0) {
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, der, der_len);
		if (!br_x509_decoder_get_pkey(&dc)) {
			snprintf(err, errsz, "TLS file %s: the certificate is "
			    "unreadable (BearSSL error %d)", cur_path,
			    br_x509_decoder_last_error(&dc));
			return -1;
		}
		issuer_key_type = (unsigned)br_x509_decoder_get_signer_key_type(&dc);
	}
	memcpy(chain_mem + chain_used, der, der_len);
	chain[nchain].data = chain_mem + chain_used;
	chain[nchain].data_len = der_len;
	chain_used += der_len;
	nchain++;
	return 0;
}

/* the client key: PKCS#1 (RSA), SEC1 (EC) or PKCS#8 */
static int
add_key(const char *name, char *err, size_t errsz)
{
	if (strcmp(name, "RSA PRIVATE KEY") != 0 &&
	    strcmp(name, "EC PRIVATE KEY") != 0 &&
	    strcmp(name, "PRIVATE KEY") != 0)
		return 0;	/* e.g. EC PARAMETERS before the key */
	if (key_type) {
		snprintf(err, errsz, "TLS file %s: more than one key", cur_path);
		return -1;
	}
	br_skey_decoder_init(&keydec);
	br_skey_decoder_push(&keydec, der, der_len);
	if (br_skey_decoder_last_error(&keydec) != 0 ||
	    !(key_type = br_skey_decoder_key_type(&keydec))) {
		snprintf(err, errsz, "TLS file %s: not a valid RSA or EC private "
		    "key (BearSSL error %d)", cur_path,
		    br_skey_decoder_last_error(&keydec));
		key_type = 0;
		return -1;
	}
	return 0;
}

int
tls_setup(const struct settings *s, char *err, size_t errsz)
{
	int have_cert, have_key;

	cur_path = s->tlsca;
	if (pem_each(s->tlsca, add_anchor, err, errsz) < 0)
		return -1;
	if (nanchors == 0) {
		snprintf(err, errsz, "TLS file %s: no CA certificate in it",
		    s->tlsca);
		return -1;
	}
	/* the CLI goes on without a client certificate it cannot find */
	have_cert = access(s->tlscert, F_OK) == 0;
	have_key = access(s->tlskey, F_OK) == 0;
	if (!s->tls_explicit && !have_cert && !have_key) {
		warn("no client certificate (%s, %s): a daemon that checks "
		    "clients will refuse", s->tlscert, s->tlskey);
		return 0;
	}
	cur_path = s->tlscert;
	if (pem_each(s->tlscert, add_chain, err, errsz) < 0)
		return -1;
	if (nchain == 0) {
		snprintf(err, errsz, "TLS file %s: no certificate in it",
		    s->tlscert);
		return -1;
	}
	cur_path = s->tlskey;
	if (pem_each(s->tlskey, add_key, err, errsz) < 0)
		return -1;
	if (!key_type) {
		snprintf(err, errsz, "TLS file %s: no private key in it",
		    s->tlskey);
		return -1;
	}
	return 0;
}

/* --- the server's IP address against its certificate ------------------ */

/* one DER element at *p (before end): tag, value; 0 or -1 */
static int
der_next(const unsigned char **p, const unsigned char *end, int *tag,
    const unsigned char **val, size_t *len)
{
	const unsigned char *q = *p;
	size_t n, k;

	if (end - q < 2)
		return -1;
	*tag = *q++;
	n = *q++;
	if (n & 0x80) {
		k = n & 0x7f;
		if (k == 0 || k > 3 || (size_t)(end - q) < k)
			return -1;
		for (n = 0; k > 0; k--)
			n = n << 8 | *q++;
	}
	if ((size_t)(end - q) < n)
		return -1;
	*val = q;
	*len = n;
	*p = q + n;
	return 0;
}

/* does the certificate cert[0..n) list ip[0..iplen) as an IP SAN */
static int
san_has_ip(const unsigned char *cert, size_t n, const unsigned char *ip,
    size_t iplen)
{
	static const unsigned char san_oid[] = { 0x55, 0x1d, 0x11 };
	const unsigned char *p = cert, *e = cert + n, *v, *tbs, *te, *x, *xe;
	const unsigned char *ext, *ee, *f, *fe, *g, *ge, *oid = NULL;
	size_t len, olen = 0;
	int tag;

	if (der_next(&p, e, &tag, &v, &len) < 0 || tag != 0x30)
		return 0;
	p = v;
	e = v + len;
	if (der_next(&p, e, &tag, &tbs, &len) < 0 || tag != 0x30)
		return 0;
	te = tbs + len;
	/* the extensions are [3] inside tbsCertificate */
	for (p = tbs; p < te;) {
		if (der_next(&p, te, &tag, &x, &len) < 0)
			return 0;
		if (tag != 0xa3)
			continue;
		xe = x + len;
		if (der_next(&x, xe, &tag, &ext, &len) < 0 || tag != 0x30)
			return 0;
		for (ee = ext + len; ext < ee;) {
			if (der_next(&ext, ee, &tag, &f, &len) < 0 || tag != 0x30)
				return 0;
			fe = f + len;
			for (oid = NULL; f < fe;) {
				if (der_next(&f, fe, &tag, &g, &len) < 0)
					return 0;
				if (tag == 0x06) {
					oid = g;
					olen = len;
				} else if (tag == 0x04 && oid &&
				    olen == sizeof san_oid &&
				    memcmp(oid, san_oid, olen) == 0) {
					/* GeneralNames; iPAddress is [7] */
					ge = g + len;
					if (der_next(&g, ge, &tag, &v, &len) < 0 ||
					    tag != 0x30)
						return 0;
					for (ge = v + len; v < ge;) {
						const unsigned char *nv;
						if (der_next(&v, ge, &tag, &nv,
						    &len) < 0)
							return 0;
						if (tag == 0x87 && len == iplen &&
						    memcmp(nv, ip, iplen) == 0)
							return 1;
					}
				}
			}
		}
	}
	return 0;
}

#define XW(ctx) ((struct xwrap *)(void *)(ctx))

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct xwrap *x = XW(ctx);

	x->depth = 0;
	x->eelen = 0;
	x->eeover = 0;
	(*x->inner)->start_chain(x->inner, server_name);
}

static void
xw_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct xwrap *x = XW(ctx);

	(*x->inner)->start_cert(x->inner, length);
}

static void
xw_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct xwrap *x = XW(ctx);

	if (x->depth == 0) {
		if (len > sizeof x->ee - x->eelen)
			x->eeover = 1;
		else {
			memcpy(x->ee + x->eelen, buf, len);
			x->eelen += len;
		}
	}
	(*x->inner)->append(x->inner, buf, len);
}

static void
xw_end_cert(const br_x509_class **ctx)
{
	struct xwrap *x = XW(ctx);

	(*x->inner)->end_cert(x->inner);
	x->depth++;
}

static unsigned
xw_end_chain(const br_x509_class **ctx)
{
	struct xwrap *x = XW(ctx);
	unsigned r = (*x->inner)->end_chain(x->inner);

	if (r != 0 || x->iplen == 0)
		return r;
	if (x->eeover || !san_has_ip(x->ee, x->eelen, x->ip, x->iplen))
		return BR_ERR_X509_BAD_SERVER_NAME;
	return 0;
}

static const br_x509_pkey *
xw_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct xwrap *x = (const void *)ctx;

	return (*x->inner)->get_pkey((const br_x509_class *const *)x->inner,
	    usages);
}

static const br_x509_class xw_class = {
	sizeof(struct xwrap), xw_start_chain, xw_start_cert, xw_append,
	xw_end_cert, xw_end_chain, xw_get_pkey
};

/* --- connections ------------------------------------------------------- */

static const char *
alert_name(int a)
{
	switch (a) {
	case 40: return "handshake_failure";
	case 42: return "bad_certificate";
	case 43: return "unsupported_certificate";
	case 44: return "certificate_revoked";
	case 45: return "certificate_expired";
	case 46: return "certificate_unknown";
	case 48: return "unknown_ca";
	case 51: return "decrypt_error";
	case 70: return "protocol_version";
	case 80: return "internal_error";
	case 116: return "certificate_required";
	}
	return "alert";
}

/* why a TLS connection failed, in words */
static const char *
explain(int e, char *buf, size_t n)
{
	switch (e) {
	case BR_ERR_X509_NOT_TRUSTED:
		return "the server certificate is not signed by a trusted CA";
	case BR_ERR_X509_EXPIRED:
		return "the server certificate has expired (or is not valid "
		    "yet)";
	case BR_ERR_X509_BAD_SERVER_NAME:
		return "the server certificate is not for this host name or "
		    "address";
	case BR_ERR_IO:
		/* dockerd may close before its alert is read */
		return "the daemon closed the connection in the handshake: "
		    "no client certificate, or one it does not trust?";
	case BR_ERR_UNSUPPORTED_VERSION:
	case BR_ERR_BAD_VERSION:
	case BR_ERR_BAD_LENGTH:
	case BR_ERR_TOO_LARGE:
		snprintf(buf, n, "the server does not speak TLS (a plain "
		    "port?) (BearSSL error %d)", e);
		return buf;
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT) {
		snprintf(buf, n, "the daemon refused the handshake with alert "
		    "%d (%s): no client certificate, or one it does not "
		    "trust?", e - BR_ERR_RECV_FATAL_ALERT,
		    alert_name(e - BR_ERR_RECV_FATAL_ALERT));
		return buf;
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_RECV_FATAL_ALERT) {
		snprintf(buf, n, "the server certificate is invalid (BearSSL "
		    "X.509 error %d)", e);
		return buf;
	}
	snprintf(buf, n, "handshake failed (BearSSL error %d)", e);
	return buf;
}

/* log why the connection failed, once */
static void
report(struct slot *sl)
{
	char buf[160];
	int e;

	if (sl->reported || stopping)
		return;
	sl->reported = 1;
	if (br_ssl_engine_current_state(&sl->sc.eng) != BR_SSL_CLOSED)
		return;		/* a transport error, already logged */
	if ((e = br_ssl_engine_last_error(&sl->sc.eng)) != 0)
		warn("TLS to %s: %s", sl->host, explain(e, buf, sizeof buf));
}

static int
low_read(void *ctx, unsigned char *buf, size_t len)
{
	struct slot *sl = ctx;
	ssize_t r = fd_read(&sl->raw, buf, len);

	return r > 0 ? (int)r : -1;
}

static int
low_write(void *ctx, const unsigned char *buf, size_t len)
{
	struct slot *sl = ctx;
	ssize_t r = fd_write(&sl->raw, buf, len);

	return r > 0 ? (int)r : -1;
}

static ssize_t
tls_read(struct conn *c, void *buf, size_t n)
{
	struct slot *sl = c->ctx;
	int r;

	/*
	 * Wait here, not inside BearSSL: a timeout or a signal on an idle
	 * stream must leave the TLS engine untouched, ready to go on.
	 */
	if (!(br_ssl_engine_current_state(&sl->sc.eng) & BR_SSL_RECVAPP) &&
	    conn_wait(c, 0) < 0)
		return -1;
	if ((r = br_sslio_read(&sl->io, buf, n)) < 0) {
		if (br_ssl_engine_last_error(&sl->sc.eng) == 0)
			return 0;	/* closed with close_notify */
		report(sl);
		return -1;
	}
	return r;
}

static ssize_t
tls_write(struct conn *c, const void *buf, size_t n)
{
	struct slot *sl = c->ctx;

	if (br_sslio_write_all(&sl->io, buf, n) < 0 ||
	    br_sslio_flush(&sl->io) < 0) {
		report(sl);
		return -1;
	}
	return (ssize_t)n;
}

static void
tls_close(struct conn *c)
{
	struct slot *sl = c->ctx;

	/* no close_notify exchange: it could wait on a dead peer */
	fd_close(&sl->raw);
	sl->used = 0;
	c->ctx = NULL;
}

int
tls_wrap(struct conn *c, const struct target *t)
{
	unsigned char seed[32];
	struct slot *sl = NULL;
	int i, is_ip;

	for (i = 0; i < TLS_CONNS; i++)
		if (!slots[i].used)
			sl = &slots[i];
	if (!sl) {
		warn("TLS to %s: more than %d connections", t->host, TLS_CONNS);
		fd_close(c);
		return -1;
	}
	memset(sl, 0, sizeof *sl);
	sl->used = 1;
	sl->raw = *c;
	sl->outer = c;
	snprintf(sl->host, sizeof sl->host, "%s:%s", t->host, t->port);
	br_ssl_client_init_full(&sl->sc, &sl->xc, anchors, nanchors);
	br_ssl_engine_set_versions(&sl->sc.eng, BR_TLS12, BR_TLS12);
	if (key_type == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(&sl->sc, chain, nchain,
		    br_skey_decoder_get_rsa(&keydec),
		    br_rsa_pkcs1_sign_get_default());
	else if (key_type == BR_KEYTYPE_EC)
		br_ssl_client_set_single_ec(&sl->sc, chain, nchain,
		    br_skey_decoder_get_ec(&keydec), BR_KEYTYPE_SIGN,
		    issuer_key_type, br_ec_get_default(),
		    br_ecdsa_sign_asn1_get_default());
	br_ssl_engine_set_buffer(&sl->sc.eng, sl->iobuf, sizeof sl->iobuf, 0);
	br_ssl_engine_set_protocol_names(&sl->sc.eng, alpn, 1);
	sl->xw.vtable = &xw_class;
	sl->xw.inner = &sl->xc.vtable;
	is_ip = 0;
	if (inet_pton(AF_INET, t->host, sl->xw.ip) == 1) {
		sl->xw.iplen = 4;
		is_ip = 1;
	} else if (inet_pton(AF_INET6, t->host, sl->xw.ip) == 1) {
		sl->xw.iplen = 16;
		is_ip = 1;
	}
	br_ssl_engine_set_x509(&sl->sc.eng, &sl->xw.vtable);
	if (getrandom(seed, sizeof seed, 0) == (ssize_t)sizeof seed)
		br_ssl_engine_inject_entropy(&sl->sc.eng, seed, sizeof seed);
	if (!br_ssl_client_reset(&sl->sc, is_ip ? NULL : t->host, 0)) {
		report(sl);
		goto fail;
	}
	br_sslio_init(&sl->io, &sl->sc.eng, low_read, sl, low_write, sl);
	/* the handshake now, so its failure is reported as such */
	if (br_sslio_flush(&sl->io) < 0) {
		report(sl);
		goto fail;
	}
	c->ctx = sl;
	c->read = tls_read;
	c->write = tls_write;
	c->close = tls_close;
	return 0;
fail:
	fd_close(&sl->raw);
	sl->used = 0;
	c->fd = -1;
	return -1;
}
