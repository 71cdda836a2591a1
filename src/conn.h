/* See LICENSE file for copyright and license details. */
/*
 * Transports: one struct conn of callbacks, so HTTP code is the same over a
 * unix socket, TCP, TLS and the in-memory transport of the tests.
 * Requires bounds.h.
 */
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/types.h>

struct conn {
	int fd;			/* for poll(); -1 when there is none */
	int timeout_ms;		/* per read or write; -1 waits for ever */
	long long deadline;	/* mono_ms() (util.h) by which the whole reply must
				   be in; 0 for none (the event stream) */
	int idle;		/* a long-lived stream: a timeout is not logged,
				   and a SIGHUP ends a wait (errno EINTR) */
	int waited;		/* why the last wait gave up: WAIT_* */
	int reused;		/* a kept connection, no reply on it yet: a
				   reset is the caller's to say (fd_read and
				   fd_write do not log ECONNRESET, EPIPE) */
	int busy;		/* fd_read: reads since its last wait, -1 to
				   wait before the next */
	void *ctx;		/* transport state (TLS, test data) */
	/* >0 bytes moved, 0 end of stream (read only), -1 error (logged) */
	ssize_t (*read)(struct conn *, void *, size_t);
	ssize_t (*write)(struct conn *, const void *, size_t);
	void (*close)(struct conn *);
};

enum { T_UNIX, T_TCP, T_TEST };
enum { WAIT_OK, WAIT_TIMEOUT, WAIT_SIGNAL };	/* struct conn's waited */

/* where the daemon is: parsed from --host or DOCKER_HOST */
struct target {
	int kind;
	int tls;		/* T_TCP: TLS with verification */
	char path[108];		/* T_UNIX: socket path */
	char host[256];		/* T_TCP: host name or address */
	char port[8];		/* T_TCP: port */
	char text[HOST_LEN];	/* as given (--host), for messages */
};

/*
 * T_TEST: tests and fuzzers set this to hand out in-memory connections
 * (NULL in the program: a T_TEST target then fails to connect)
 */
extern int (*conn_test_open)(struct conn *c);

/*
 * Set from signal handlers. stopping: every wait gives up (-1, errno
 * EINTR). reloading: waits on idle connections give up the same way;
 * reporting (SIGUSR1: print the report) too.
 * A wait that times out gives -1 with errno ETIMEDOUT.
 */
extern volatile sig_atomic_t stopping, reloading, reporting;
/*
 * Block SIGTERM, SIGINT, SIGHUP and SIGUSR1 (main, before anything
 * waits): they are delivered only inside sig_poll(), so a signal that comes after a
 * check of stopping or reloading ends the wait that follows at once.
 */
void signals_block(void);
/* poll() with those signals open during the wait only; as ppoll() */
int sig_poll(struct pollfd *p, nfds_t n, int timeout_ms);

/*
 * Parse a host URL: unix:///path or tcp://host:port. 0, or -1 with a
 * message in err (errsz bytes).
 */
int target_parse(const char *url, struct target *t, char *err, size_t errsz);
/* connect; 0, or -1 with the reason logged */
int conn_open(const struct target *t, struct conn *c);
/* wait until c can be read (or written); 0, or -1 as for a read */
int conn_wait(struct conn *c, int for_write);
/* write all of buf; 0 or -1 */
int conn_write_all(struct conn *c, const void *buf, size_t n);
void conn_close(struct conn *c);

/* connect a non-blocking socket within CONNECT_TIMEOUT_MS; 0 or -1 */
int connect_fd(int fd, const struct sockaddr *sa, socklen_t len,
    const char *what);
/* a TCP connection to t (conn_tcp.c; fails in a build without TLS) */
int tcp_connect(const struct target *t, struct conn *c);

/* plain file-descriptor transport, used by unix and tcp connections */
ssize_t fd_read(struct conn *c, void *buf, size_t n);
ssize_t fd_write(struct conn *c, const void *buf, size_t n);
void fd_close(struct conn *c);
