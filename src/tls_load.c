/* See LICENSE file for copyright and license details. */
/*
 * The TLS files, read once at startup into static storage: the CA bundle
 * (trust anchors), the client certificate chain and its private key, all
 * PEM. Owns that storage; conn_tls.c reads it through tls_creds
 * (tls_load.h). No connection is made here.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bearssl.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "tls.h"
#include "tls_load.h"
#include "util.h"

_Static_assert(TLS_DER_MAX >= 2048 && TLS_FILE_MAX >= TLS_DER_MAX, "TLS");

const int tls_built = 1;
struct tls_creds tls_creds;

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
	size_t len, k;
	int inobj = 0, extra = 1, count = 0;

	if (read_file(path, file_buf, sizeof file_buf, &len) < 0) {
		fmt_snprintf(err, errsz, "TLS file %s: %s", path, strerror(errno));
		return -1;
	}
	if (len == sizeof file_buf) {
		fmt_snprintf(err, errsz, "TLS file %s: larger than %d bytes", path,
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
			fmt_snprintf(name, sizeof name, "%s", br_pem_decoder_name(&pc));
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
				fmt_snprintf(err, errsz, "TLS file %s: an object is "
				    "larger than %d bytes", path, TLS_DER_MAX);
				return -1;
			}
			if (fn(name, err, errsz) < 0)
				return -1;
			count++;
			break;
		case BR_PEM_ERROR:
			fmt_snprintf(err, errsz, "TLS file %s: not valid PEM", path);
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
		fmt_snprintf(err, errsz, "TLS file %s: truncated PEM (no END line)",
		    path);
		return -1;
	}
	if (count == 0) {
		fmt_snprintf(err, errsz, "TLS file %s: no PEM object in it", path);
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
		fmt_snprintf(err, errsz, "TLS file %s: more than %d CA "
		    "certificates", cur_path, TLS_ANCHORS);
		return -1;
	}
	ta = &anchors[nanchors];
	br_x509_decoder_init(&dc, dn_sink, NULL);
	br_x509_decoder_push(&dc, der, der_len);
	if (!(pk = br_x509_decoder_get_pkey(&dc))) {
		fmt_snprintf(err, errsz, "TLS file %s: a certificate is unreadable "
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
		fmt_snprintf(err, errsz, "TLS file %s: unsupported CA key type",
		    cur_path);
		return -1;
	}
	if (anchor_over) {
		fmt_snprintf(err, errsz, "TLS file %s: CA certificates larger than "
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
		fmt_snprintf(err, errsz, "TLS file %s: a chain longer than %d "
		    "certificates or %d bytes", cur_path, TLS_CHAIN_CERTS,
		    TLS_CHAIN_BYTES);
		return -1;
	}
	if (nchain == 0) {
		br_x509_decoder_init(&dc, NULL, NULL);
		br_x509_decoder_push(&dc, der, der_len);
		if (!br_x509_decoder_get_pkey(&dc)) {
			fmt_snprintf(err, errsz, "TLS file %s: the certificate is "
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
		fmt_snprintf(err, errsz, "TLS file %s: more than one key", cur_path);
		return -1;
	}
	br_skey_decoder_init(&keydec);
	br_skey_decoder_push(&keydec, der, der_len);
	if (br_skey_decoder_last_error(&keydec) != 0 ||
	    !(key_type = br_skey_decoder_key_type(&keydec))) {
		fmt_snprintf(err, errsz, "TLS file %s: not a valid RSA or EC private "
		    "key (BearSSL error %d)", cur_path,
		    br_skey_decoder_last_error(&keydec));
		key_type = 0;
		return -1;
	}
	return 0;
}

int
tls_setup(const char *ca, const char *cert, const char *key, int explicit,
    const char *host, char *err, size_t errsz)
{
	int have_cert, have_key;

	(void)host;	/* each message names the file */

	cur_path = ca;
	if (pem_each(ca, add_anchor, err, errsz) < 0)
		return -1;
	if (nanchors == 0) {
		fmt_snprintf(err, errsz, "TLS file %s: no CA certificate in it",
		    ca);
		return -1;
	}
	tls_creds.anchors = anchors;
	tls_creds.nanchors = nanchors;
	/* the CLI goes on without a client certificate it cannot find */
	have_cert = access(cert, F_OK) == 0;
	have_key = access(key, F_OK) == 0;
	if (!explicit && !have_cert && !have_key) {
		warn("no client certificate (%s, %s): a daemon that checks "
		    "clients will refuse", cert, key);
		return 0;
	}
	cur_path = cert;
	if (pem_each(cert, add_chain, err, errsz) < 0)
		return -1;
	if (nchain == 0) {
		fmt_snprintf(err, errsz, "TLS file %s: no certificate in it",
		    cert);
		return -1;
	}
	cur_path = key;
	if (pem_each(key, add_key, err, errsz) < 0)
		return -1;
	if (!key_type) {
		fmt_snprintf(err, errsz, "TLS file %s: no private key in it",
		    key);
		return -1;
	}
	tls_creds.chain = chain;
	tls_creds.nchain = nchain;
	tls_creds.key_type = key_type;
	tls_creds.rsa = br_skey_decoder_get_rsa(&keydec);
	tls_creds.ec = br_skey_decoder_get_ec(&keydec);
	tls_creds.issuer_key_type = issuer_key_type;
	return 0;
}
