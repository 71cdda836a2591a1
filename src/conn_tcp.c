/* See LICENSE file for copyright and license details. */
/*
 * TCP connections, for the TLS build only: a build without TLS reaches
 * unix sockets only, and leaves the resolver out of the binary.
 */
#include <netdb.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bounds.h"
#include "conn.h"
#include "log.h"

int
tcp_connect(const struct target *t, struct conn *c)
{
	struct addrinfo hints, *res, *ai;
	int fd = -1, r;

	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	if ((r = getaddrinfo(t->host, t->port, &hints, &res)) != 0) {
		warn("%s: %s", t->text, gai_strerror(r));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next) {
		fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
		    ai->ai_protocol);
		if (fd < 0)
			continue;
		if (connect_fd(fd, ai->ai_addr, ai->ai_addrlen, t->text) == 0)
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		return -1;
	c->fd = fd;
	return 0;
}

