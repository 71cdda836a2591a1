/* See LICENSE file for copyright and license details. */
/*
 * What tls_load.c reads at startup (tls_setup, tls.h) for conn_tls.c: the
 * trust anchors, the client certificate chain and its key, in static
 * storage owned by tls_load.c, filled once and only read afterwards.
 * Requires bearssl.h.
 */
struct tls_creds {
	const br_x509_trust_anchor *anchors;
	size_t nanchors;
	const br_x509_certificate *chain;	/* end-entity first */
	size_t nchain;
	int key_type;		/* BR_KEYTYPE_RSA or _EC; 0: no client cert */
	const br_rsa_private_key *rsa;		/* the key, by key_type */
	const br_ec_private_key *ec;
	unsigned issuer_key_type;	/* of chain[0]'s signer (EC keys) */
};

extern struct tls_creds tls_creds;
