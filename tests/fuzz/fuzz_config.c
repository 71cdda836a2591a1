/* See LICENSE file for copyright and license details. */
/*
 * The config file parser (config_parse). The input is a config file. On
 * success every setting must be in range; on failure err must hold one
 * NUL-terminated line, in an error buffer of an input-derived size.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "bounds.h"
#include "conn.h"
#include "opts.h"
#include "log.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct settings s;
	struct fz f;
	char *buf, *err;
	size_t errsz;
	int r;

	log_level = -1;
	fz_init(&f, data, size, 0);
	errsz = 1 + fz_below(&f, 300);
	buf = malloc(size ? size : 1);	/* exactly the file: no NUL after it */
	memcpy(buf, data, size);
	err = malloc(errsz);
	err[0] = '\0';
	memset(&s, 0, sizeof s);
	s.quota = DEFAULT_QUOTA;
	s.rsc = RSC_ALWAYS;
	s.resync_ms = DEFAULT_RESYNC_MS;
	r = config_parse(&s, buf, size, "fuzz.json", err, errsz);
	FZ_CHECK(r == 0 || r == -1);
	FZ_CHECK(memchr(err, '\0', errsz) != NULL);
	if (r == 0) {
		/* bytes, or -P: P% of the images' filesystem */
		FZ_CHECK(s.quota >= -100);
		FZ_CHECK(s.min_free >= -100);	/* the same, 0 none */
		FZ_CHECK(s.accounting == ACC_DISK || s.accounting == ACC_SUM);
		FZ_CHECK(s.min_age_ms >= 0);
		FZ_CHECK(s.rsc >= RSC_NEVER && s.rsc <= RSC_ALWAYS);
		FZ_CHECK(s.verbose >= 0 && s.verbose <= 10);
		FZ_CHECK(s.resync_ms >= 0 &&
		    s.resync_ms <= 366LL * 24 * 3600 * 1000);
		FZ_CHECK(memchr(s.state_file, '\0', sizeof s.state_file));
		FZ_CHECK(memchr(s.host, '\0', sizeof s.host));
		FZ_CHECK(memchr(s.tlsca, '\0', sizeof s.tlsca));
		FZ_CHECK(memchr(s.tlscert, '\0', sizeof s.tlscert));
		FZ_CHECK(memchr(s.tlskey, '\0', sizeof s.tlskey));
		FZ_CHECK(s.tls == 0 || s.tls == 1);
	} else {
		FZ_CHECK(errsz == 1 || err[0] != '\0');
	}
	free(err);
	free(buf);
	return 0;
}
