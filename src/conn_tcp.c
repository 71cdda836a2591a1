/* See LICENSE file for copyright and license details. */
/*
 * TCP connections, for the TLS build only: a build without TLS reaches
 * unix sockets only, and leaves the resolver out of the binary.
 * An IP address is connected to as it is; only a host name goes through
 * getaddrinfo(), the one place where the program uses the heap (musl's
 * getaddrinfo allocates its result; freed right after).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "util.h"

/* a socket connected to sa; -1 (logged) when it cannot be */
static int
try_addr(const struct target *t, int family, const struct sockaddr *sa,
    socklen_t len)
{
	int fd;

	if ((fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		warn("%s: socket: %s", t->text, strerror(errno));
		return -1;
	}
	if (connect_fd(fd, sa, len, t->text) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

/* t->host as an IPv4 or IPv6 address into ss; 0 when it is a name */
static socklen_t
numeric(const struct target *t, struct sockaddr_storage *ss)
{
	struct sockaddr_in *in = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
	/* target_parse checked the port: 1 to 65535 */
	uint16_t port = htons((uint16_t)(int)str_dec(t->port, NULL));

	memset(ss, 0, sizeof *ss);
	if (inet_pton(AF_INET, t->host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = port;
		return sizeof *in;
	}
	if (inet_pton(AF_INET6, t->host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = port;
		return sizeof *in6;
	}
	return 0;
}

int
tcp_connect(const struct target *t, struct conn *c)
{
	struct addrinfo hints, *res, *ai;
	struct sockaddr_storage ss;
	socklen_t len;
	int fd = -1, r;

	if ((len = numeric(t, &ss))) {
		if ((fd = try_addr(t, ss.ss_family, (struct sockaddr *)&ss,
		    len)) < 0)
			return -1;
		c->fd = fd;
		return 0;
	}
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(t->host, t->port, &hints, &res)) != 0) {
		warn("%s: %s", t->text, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai && fd < 0; ai = ai->ai_next)
		fd = try_addr(t, ai->ai_family, ai->ai_addr, ai->ai_addrlen);
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	c->fd = fd;
	return 0;
}
