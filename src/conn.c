/* See LICENSE file for copyright and license details. */
/*
 * The transports' common part (conn.h): host URLs parsed into a target,
 * unix sockets, connecting with a timeout, waits that a signal ends, and
 * the fd read and write of every transport. Owns the signal flags
 * (stopping, reloading) and the mask open during a wait.
 */
#define _GNU_SOURCE		/* ppoll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "log.h"
#include "opts.h"
#include "tls.h"
#include "util.h"

_Static_assert(CONNECT_TIMEOUT_MS > 0 && REPLY_TIMEOUT_MS > 0, "timeouts");

volatile sig_atomic_t stopping, reloading, reporting;
int (*conn_test_open)(struct conn *c);
static sigset_t wait_mask;	/* the mask inside a wait: the signals open */
static int masked;		/* signals_block() was called */

void
signals_block(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, &wait_mask) < 0)
		return;
	/* open inside waits even if the parent had them blocked */
	sigdelset(&wait_mask, SIGTERM);
	sigdelset(&wait_mask, SIGINT);
	sigdelset(&wait_mask, SIGHUP);
	sigdelset(&wait_mask, SIGUSR1);
	masked = 1;
}

int
sig_poll(struct pollfd *p, nfds_t n, int timeout_ms)
{
	struct timespec ts, *tp = NULL;
	sigset_t pend, old;
	int r;

	if (timeout_ms >= 0) {
		ts.tv_sec = timeout_ms / 1000;
		ts.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
		tp = &ts;
	}
	r = ppoll(p, n, tp, masked ? &wait_mask : NULL);
	/*
	 * ppoll() that finds a descriptor ready returns without delivering
	 * a pending signal: deliver it now, for the next check to see (a
	 * busy pass would never wait long enough otherwise).
	 */
	if (r >= 0 && masked && sigpending(&pend) == 0 &&
	    (sigismember(&pend, SIGTERM) == 1 ||
	    sigismember(&pend, SIGINT) == 1 ||
	    sigismember(&pend, SIGHUP) == 1 ||
	    sigismember(&pend, SIGUSR1) == 1)) {
		sigprocmask(SIG_SETMASK, &wait_mask, &old);
		sigprocmask(SIG_SETMASK, &old, NULL);
	}
	return r;
}

#ifdef DC_TEST_HOOKS
/*
 * Test copies only (tests/integration/hooks.mk): a pause between the
 * stop-flag check and the wait, where a signal used to be lost.
 * DC_TEST_DELAY_MS before every wait, DC_TEST_IDLE_DELAY_MS before an
 * endless wait on the event stream.
 */
static void
hook_delay(int endless)
{
	const char *v = getenv("DC_TEST_DELAY_MS");
	struct timespec ts;
	long ms;

	if (endless && (!v || !*v))
		v = getenv("DC_TEST_IDLE_DELAY_MS");
	if (!v || (ms = (long)str_dec(v, NULL)) <= 0)
		return;
	warn("test hook: delay %ld ms before a wait", ms);
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = ms % 1000 * 1000000L;
	nanosleep(&ts, NULL);
}
#endif

/*
 * Wait until c->fd is ready for events, for timeout_ms and within
 * c->deadline; 0, or -1 with errno and c->waited set.
 */
static int
wait_fd(struct conn *c, short events, int timeout_ms, const char *what)
{
	struct pollfd p = { c->fd, events, 0 };
	long long end = mono_ms() + timeout_ms, now;
	int r, left, whole = 0;

	if (c->deadline > 0 && (timeout_ms < 0 || c->deadline < end)) {
		end = c->deadline;
		whole = 1;
		timeout_ms = end > mono_ms() ? (int)(end - mono_ms()) : 0;
	}
	c->waited = WAIT_OK;
	for (;;) {
		/* the signals are blocked here: none comes before sig_poll */
		if (stopping || ((reloading || reporting) && c->idle)) {
			c->waited = WAIT_SIGNAL;
			errno = EINTR;
			return -1;
		}
#ifdef DC_TEST_HOOKS
		hook_delay(c->idle && timeout_ms < 0);
#endif
		now = mono_ms();
		left = timeout_ms < 0 ? -1 : end > now ? (int)(end - now) : 0;
		/* past the whole reply's deadline, even with bytes there */
		r = whole && left == 0 ? 0 : sig_poll(&p, 1, left);
		if (r > 0)
			return 0;
		if (r == 0) {
			if (whole)
				warn("%s: the reply took longer than %d ms in "
				    "all", what, REPLY_DEADLINE_MS);
			else if (!c->idle)
				warn("%s: no answer within %d ms", what,
				    timeout_ms);
			c->waited = WAIT_TIMEOUT;
			errno = ETIMEDOUT;
			return -1;
		}
		if (errno != EINTR) {
			warn("%s: poll: %s", what, strerror(errno));
			return -1;
		}
	}
}

int
conn_wait(struct conn *c, int for_write)
{
	return wait_fd(c, for_write ? POLLOUT : POLLIN, c->timeout_ms,
	    for_write ? "write" : "read");
}

ssize_t
fd_read(struct conn *c, void *buf, size_t n)
{
	ssize_t r;

	/*
	 * Read first and wait only when nothing is there: a long reply is
	 * one syscall per read, not three. Every BUSY_READS reads a wait is
	 * made anyway, where a stop signal and the reply's deadline are seen.
	 */
	for (;;) {
		if (c->busy >= BUSY_READS || c->busy < 0) {
			if (wait_fd(c, POLLIN, c->timeout_ms, "read") < 0)
				return -1;
			c->busy = 0;
		}
		r = read(c->fd, buf, n);
		if (r >= 0) {
			c->busy++;
			return r;
		}
		c->busy = -1;	/* nothing there: wait before the next try */
		if (errno != EINTR && errno != EAGAIN) {
			if (!(c->reused && errno == ECONNRESET))
				warn("read: %s", strerror(errno));
			return -1;
		}
	}
}

ssize_t
fd_write(struct conn *c, const void *buf, size_t n)
{
	ssize_t r;

	for (;;) {
		if (wait_fd(c, POLLOUT, c->timeout_ms, "write") < 0)
			return -1;
		r = write(c->fd, buf, n);
		if (r > 0)
			return r;
		if (r < 0 && errno != EINTR && errno != EAGAIN) {
			if (!(c->reused && (errno == EPIPE ||
			    errno == ECONNRESET)))
				warn("write: %s", strerror(errno));
			return -1;
		}
	}
}

void
fd_close(struct conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}

int
conn_write_all(struct conn *c, const void *buf, size_t n)
{
	const char *p = buf;
	ssize_t r;

	while (n > 0) {
		if ((r = c->write(c, p, n)) <= 0)
			return -1;
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

void
conn_close(struct conn *c)
{
	if (c->close)
		c->close(c);
	c->close = NULL;
	c->fd = -1;
}

int
target_parse(const char *url, struct target *t, char *err, size_t errsz)
{
	const char *p, *colon;
	size_t n;

	memset(t, 0, sizeof *t);
	if (strlen(url) >= sizeof t->text) {
		fmt_snprintf(err, errsz, "host '%.40s...': too long", url);
		return -1;
	}
	strcpy(t->text, url);
	if (strncmp(url, "unix://", 7) == 0) {
		p = url + 7;
		n = strlen(p);
		if (n == 0 || p[0] != '/') {
			fmt_snprintf(err, errsz, "host '%s': a unix socket needs an "
			    "absolute path (unix:///var/run/docker.sock)", url);
			return -1;
		}
		if (n >= sizeof t->path) {
			fmt_snprintf(err, errsz, "host '%s': socket path longer "
			    "than %zu bytes", url, sizeof t->path - 1);
			return -1;
		}
		t->kind = T_UNIX;
		memcpy(t->path, p, n + 1);
		return 0;
	}
	if (strncmp(url, "tcp://", 6) == 0) {
		p = url + 6;
		n = strlen(p);
		if (n && p[n - 1] == '/')
			n--;
		if (*p == '[') {	/* [v6addr]:port */
			const char *e = memchr(p, ']', n);
			if (!e || e + 1 >= p + n || e[1] != ':') {
				fmt_snprintf(err, errsz, "host '%s': needs a port "
				    "(tcp://[ADDRESS]:PORT)", url);
				return -1;
			}
			colon = e + 1;
			if ((size_t)(e - p - 1) >= sizeof t->host)
				goto toolong;
			memcpy(t->host, p + 1, (size_t)(e - p - 1));
		} else {
			colon = memchr(p, ':', n);
			if (!colon) {
				fmt_snprintf(err, errsz, "host '%s': needs a port "
				    "(tcp://HOST:PORT, 2376 for TLS)", url);
				return -1;
			}
			if ((size_t)(colon - p) >= sizeof t->host)
				goto toolong;
			memcpy(t->host, p, (size_t)(colon - p));
		}
		if (t->host[0] == '\0' || strchr(t->host, '/')) {
			fmt_snprintf(err, errsz, "host '%s': bad host name", url);
			return -1;
		}
		n -= (size_t)(colon + 1 - p);
		if (n == 0 || n >= sizeof t->port ||
		    strspn(colon + 1, "0123456789") < n) {
			fmt_snprintf(err, errsz, "host '%s': bad port", url);
			return -1;
		}
		memcpy(t->port, colon + 1, n);
		if ((int)str_dec(t->port, NULL) < 1 || (int)str_dec(t->port, NULL) > 65535) {
			fmt_snprintf(err, errsz, "host '%s': port out of range", url);
			return -1;
		}
		t->kind = T_TCP;
		return 0;
	}
	fmt_snprintf(err, errsz, "host '%s': unsupported; use unix:///PATH or "
	    "tcp://HOST:PORT", url);
	return -1;
toolong:
	fmt_snprintf(err, errsz, "host '%s': host name too long", url);
	return -1;
}

/* why a connect failed, in words a first run can act on */
static void
connect_failed(const char *what, int e)
{
	warn("cannot connect to %s: %s%s", what, strerror(e),
	    e == ENOENT || e == ECONNREFUSED ? " (is dockerd running? is "
	    "DOCKER_HOST or --host right?)" : e == EACCES || e == EPERM ?
	    " (run as root or in the docker group)" : "");
}

int
connect_fd(int fd, const struct sockaddr *sa, socklen_t len, const char *what)
{
	struct conn c = { .fd = fd };
	int e = 0;
	socklen_t el = sizeof e;

	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) < 0)
		return -1;
	if (connect(fd, sa, len) == 0)
		return 0;
	if (errno != EINPROGRESS && errno != EAGAIN) {
		connect_failed(what, errno);
		return -1;
	}
	if (wait_fd(&c, POLLOUT, CONNECT_TIMEOUT_MS, what) < 0)
		return -1;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) < 0 || e) {
		connect_failed(what, e ? e : errno);
		return -1;
	}
	return 0;
}

static int
open_unix(const struct target *t, struct conn *c)
{
	struct sockaddr_un sa;
	int fd;

	memset(&sa, 0, sizeof sa);
	sa.sun_family = AF_UNIX;
	memcpy(sa.sun_path, t->path, strlen(t->path) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		warn("socket: %s", strerror(errno));
		return -1;
	}
	if (connect_fd(fd, (struct sockaddr *)&sa, sizeof sa, t->path) < 0) {
		close(fd);
		return -1;
	}
	c->fd = fd;
	return 0;
}

int
conn_open(const struct target *t, struct conn *c)
{
	memset(c, 0, sizeof *c);
	c->fd = -1;
	c->timeout_ms = REPLY_TIMEOUT_MS;
	c->deadline = mono_ms() + REPLY_DEADLINE_MS;
	c->read = fd_read;
	c->write = fd_write;
	c->close = fd_close;
	if (t->kind == T_UNIX)
		return open_unix(t, c);
	if (t->kind == T_TEST)
		return conn_test_open ? conn_test_open(c) : -1;
	if (tcp_connect(t, c) < 0)
		return -1;
	return t->tls ? tls_wrap(c, t) : 0;
}
