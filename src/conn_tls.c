/* See LICENSE file for copyright and license details. */
/*
 * TLS connections with BearSSL: mutual TLS to a dockerd started with
 * --tlsverify, as the docker CLI does it. Owns TLS_CONNS static slots of
 * engine context, I/O buffer and the server's certificate; the trust
 * anchors and the client chain and key come from tls_load.c. TLS 1.2
 * (BearSSL has no 1.3); ALPN offers http/1.1 only (dockerd also offers h2).
 *
 * The server's chain is verified by BearSSL's minimal X.509 engine
 * (signatures up to a trusted CA, dates, key usage), wrapped here (xw_*)
 * to keep the end-entity certificate and hand it to x509.c, which checks
 * its Extended Key Usage and matches the host against its subjectAltName
 * as Go does. BearSSL is given no server name to match (it would accept a
 * name found only in the Common Name); SNI still carries the host name.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include <bearssl.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "tls.h"
#include "tls_load.h"
#include "x509.h"

_Static_assert(TLS_CONNS >= 3, "event stream, history and a request");

static const char *alpn[] = { "http/1.1" };

/*
 * The X.509 engine: BearSSL's minimal one, wrapped to keep the server's
 * end-entity certificate and check it with x509.c.
 */
struct xwrap {
	const br_x509_class *vtable;
	const br_x509_class **inner;
	unsigned depth;
	unsigned char ee[TLS_DER_MAX];
	size_t eelen;
	int eeover;
	const char *host;	/* to match: a name or an address */
	int why;		/* X509_* from x509_server_check */
};

struct slot {
	br_ssl_client_context sc;
	br_x509_minimal_context xc;
	struct xwrap xw;
	br_sslio_context io;
	unsigned char iobuf[BR_SSL_BUFSIZE_MONO];
	struct conn raw;	/* the TCP connection under it */
	struct conn *outer;	/* the connection the caller sees */
	char host[sizeof ((struct target *)0)->host + 8];	/* host:port */
	char name[sizeof ((struct target *)0)->host];	/* the host alone */
	int used, reported;
	int ready;		/* the handshake is done */
};

static struct slot slots[TLS_CONNS];

/* --- the X.509 wrapper ------------------------------------------------ */

#define XW(ctx) ((struct xwrap *)(void *)(ctx))

static void
xw_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct xwrap *x = XW(ctx);

	(void)server_name;	/* matched by x509.c, from x->host */
	x->depth = 0;
	x->eelen = 0;
	x->eeover = 0;
	x->why = X509_OK;
	(*x->inner)->start_chain(x->inner, NULL);
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

	if (r != 0)
		return r;
	if (x->eeover)
		return BR_ERR_X509_LIMIT_EXCEEDED;
	switch ((x->why = x509_server_check(x->ee, x->eelen, x->host))) {
	case X509_OK:
		return 0;
	case X509_NOT_SERVER:
		return BR_ERR_X509_FORBIDDEN_KEY_USAGE;
	case X509_NO_SAN:
	case X509_NO_MATCH:
		return BR_ERR_X509_BAD_SERVER_NAME;
	}
	return BR_ERR_X509_INVALID_VALUE;
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
		fmt_snprintf(buf, n, "the server does not speak TLS (a plain "
		    "port?) (BearSSL error %d)", e);
		return buf;
	}
	if (e >= BR_ERR_RECV_FATAL_ALERT && e < BR_ERR_SEND_FATAL_ALERT) {
		fmt_snprintf(buf, n, "the daemon refused the handshake with alert "
		    "%d (%s): no client certificate, or one it does not "
		    "trust?", e - BR_ERR_RECV_FATAL_ALERT,
		    alert_name(e - BR_ERR_RECV_FATAL_ALERT));
		return buf;
	}
	if (e >= BR_ERR_X509_OK && e < BR_ERR_RECV_FATAL_ALERT) {
		fmt_snprintf(buf, n, "the server certificate is invalid (BearSSL "
		    "X.509 error %d)", e);
		return buf;
	}
	fmt_snprintf(buf, n, "handshake failed (BearSSL error %d)", e);
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
	if (sl->xw.eeover)
		warn("TLS to %s: the server certificate is larger than %d "
		    "bytes", sl->host, TLS_DER_MAX);
	else if (sl->xw.why != X509_OK)
		warn("TLS to %s: %s", sl->host, x509_problem(sl->xw.why));
	else if ((e = br_ssl_engine_last_error(&sl->sc.eng)) == BR_ERR_IO &&
	    sl->ready)
		warn("TLS to %s: the connection failed or was closed inside "
		    "a TLS record", sl->host);
	else if (e != 0)
		warn("TLS to %s: %s", sl->host, explain(e, buf, sizeof buf));
}

/*
 * The TCP connection for BearSSL's own reads and writes, inside a record
 * or a handshake. Its whole-reply deadline is the caller's connection's as
 * it is now: the caller changes it after connecting (the event stream has
 * none). The rest stays as at connect: the peer must go on within
 * REPLY_TIMEOUT_MS, and a SIGHUP does not cut a record in two (tls_read
 * waits between records with the caller's own settings).
 */
static struct conn *
low_conn(struct slot *sl)
{
	sl->raw.deadline = sl->outer->deadline;
	return &sl->raw;
}

static int
low_read(void *ctx, unsigned char *buf, size_t len)
{
	ssize_t r = fd_read(low_conn(ctx), buf, len);

	return r > 0 ? (int)r : -1;
}

static int
low_write(void *ctx, const unsigned char *buf, size_t len)
{
	ssize_t r = fd_write(low_conn(ctx), buf, len);

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
	const struct tls_creds *cr = &tls_creds;
	unsigned char seed[32], ip[16];
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
	sl->raw.timeout_ms = REPLY_TIMEOUT_MS;
	sl->raw.idle = 0;
	sl->outer = c;
	fmt_snprintf(sl->host, sizeof sl->host, "%s:%s", t->host, t->port);
	br_ssl_client_init_full(&sl->sc, &sl->xc, cr->anchors, cr->nanchors);
	br_ssl_engine_set_versions(&sl->sc.eng, BR_TLS12, BR_TLS12);
	if (cr->key_type == BR_KEYTYPE_RSA)
		br_ssl_client_set_single_rsa(&sl->sc, cr->chain, cr->nchain,
		    cr->rsa, br_rsa_pkcs1_sign_get_default());
	else if (cr->key_type == BR_KEYTYPE_EC)
		br_ssl_client_set_single_ec(&sl->sc, cr->chain, cr->nchain,
		    cr->ec, BR_KEYTYPE_SIGN, cr->issuer_key_type,
		    br_ec_get_default(), br_ecdsa_sign_asn1_get_default());
	br_ssl_engine_set_buffer(&sl->sc.eng, sl->iobuf, sizeof sl->iobuf, 0);
	br_ssl_engine_set_protocol_names(&sl->sc.eng, alpn, 1);
	sl->xw.vtable = &xw_class;
	sl->xw.inner = &sl->xc.vtable;
	fmt_snprintf(sl->name, sizeof sl->name, "%s", t->host);
	sl->xw.host = sl->name;
	br_ssl_engine_set_x509(&sl->sc.eng, &sl->xw.vtable);
	if (getrandom(seed, sizeof seed, 0) == (ssize_t)sizeof seed)
		br_ssl_engine_inject_entropy(&sl->sc.eng, seed, sizeof seed);
	/* SNI carries a host name, never an address (RFC 6066) */
	is_ip = inet_pton(AF_INET, t->host, ip) == 1 ||
	    inet_pton(AF_INET6, t->host, ip) == 1;
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
	sl->ready = 1;
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
