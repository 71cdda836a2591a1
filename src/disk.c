/* See LICENSE file for copyright and license details. */
/*
 * What the quota is measured against (issue 11): the filesystem that
 * holds the images (--quota N%, --min-free: statvfs at every decision, of
 * the path /info names, read again at every pass) and what the images take
 * on it, each layer once (/system/df, asked only when the simple sum of
 * sizes is over the quota or free space is short, and kept until an image
 * comes or goes). Fills the policy's input for the rooms that decide.
 * Owns the images' path and the /system/df totals; the unique sizes live
 * in the inventory.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/types.h>

#include "fmt.h"
#include "bounds.h"
#include "conn.h"
#include "id.h"
#include "idtab.h"
#include "inventory.h"
#include "policy.h"
#include "records.h"
#include "docker.h"
#include "log.h"
#include "util.h"
#include "opts.h"
#include "cleaner_int.h"

static char root[PATH_LEN];	/* the images' filesystem: a path on it */
static int root_known;		/* root read from /info in this pass */
static int df_known;		/* the totals below and the inventory's
				 * unique sizes are up to date */
static long long layers;	/* LayersSize */
static long long others;	/* unique bytes of unmanaged images */
static int said_missing;	/* "no /system/df" was logged */

void
cl_disk_pass(void)
{
	root_known = 0;
	df_known = 0;
}

void
cl_disk_stale(void)
{
	df_known = 0;
}

static int
is_dir(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/*
 * The path of the images' filesystem, from /info once a pass. On the
 * containerd image store the images are in containerd's root, which /info
 * does not name: dockerd's own containerd keeps it in
 * DockerRootDir/containerd/daemon; else the system containerd's default,
 * /var/lib/containerd; else DockerRootDir. 0, or -1 (logged).
 */
static int
images_root(void)
{
	static const char sys[] = "/var/lib/containerd";
	char own[PATH_LEN + 32];
	int containerd;
	enum dk r;

	if (root_known)
		return 0;
	if ((r = docker_root(root, sizeof root, &containerd)) != DK_DONE) {
		logerr("the images' filesystem is unknown (/info: %s); nothing "
		    "deleted for --quota N%% or --min-free in this pass",
		    r == DK_UNREADABLE ? "no DockerRootDir" : docker_msg());
		return -1;
	}
	if (containerd) {
		fmt_snprintf(own, sizeof own, "%s/containerd/daemon", root);
		if (is_dir(own) && strlen(own) < sizeof root)
			strcpy(root, own);
		else if (is_dir(sys))
			strcpy(root, sys);
		info("containerd image store: measuring the filesystem of %s",
		    root);
	}
	root_known = 1;
	return 0;
}

/*
 * statvfs of the images' filesystem: its size and the space free to
 * unprivileged users, in bytes. 0, or -1 (logged, a failed pass).
 */
static int
fs_of(long long *size, long long *avail)
{
	struct statvfs v;
	unsigned long long u = 1;

	if (images_root() < 0 || statvfs(root, &v) < 0) {
		if (root_known)
			logerr("%s: cannot measure its filesystem: %s; nothing "
			    "deleted for --quota N%% or --min-free in this pass",
			    root, strerror(errno));
		cl_trouble = 1;
		return -1;
	}
	u = v.f_frsize ? v.f_frsize : v.f_bsize;
	*size = v.f_blocks > (unsigned long long)LLONG_MAX / u ? LLONG_MAX :
	    (long long)(v.f_blocks * u);
	*avail = v.f_bavail > (unsigned long long)LLONG_MAX / u ? LLONG_MAX :
	    (long long)(v.f_bavail * u);
	return 0;
}

/* pct (1 to 100) of size, rounded down */
static long long
share(long long size, long long pct)
{
	return size / 100 * pct + size % 100 * pct / 100;
}

static int
df_image(void *ctx, const struct df_image *r)
{
	struct image *im = inv_image(&r->id);

	(void)ctx;
	if (im && (im->flags & IMG_TRACKED) && inv_size(im) >= 0)
		inv_fact(im)->unique = r->size - r->shared;
	else if (others <= LLONG_MAX - (r->size - r->shared))
		others += r->size - r->shared;
	return 0;
}

/* managed images of in without a unique size */
static size_t
unknown(const struct policy_in *in)
{
	size_t i, n = 0;

	for (i = 0; i < in->n; i++)
		n += in->img[i].tracked && in->img[i].size >= 0 &&
		    in->img[i].unique < 0;
	return n;
}

/* the bytes of in's managed images that no other image uses, and others' */
static long long
own_bytes(const struct policy_in *in)
{
	long long n = others;
	size_t i;

	for (i = 0; i < in->n; i++)
		if (in->img[i].tracked && in->img[i].unique > 0)
			n = n > LLONG_MAX - in->img[i].unique ? LLONG_MAX :
			    n + in->img[i].unique;
	return n;
}

/*
 * Read /system/df into the inventory's unique sizes and the totals, and
 * in (inv_facts again). 0, or -1 (one line logged): the sum of sizes for
 * this decision.
 */
static int
df_read(struct policy_in *in)
{
	const char *why = NULL;
	int skipped, maj, min;
	enum dk r;

	inv_unique_clear();
	others = 0;
	r = docker_df(df_image, NULL, &layers, &skipped);
	(void)docker_api(&maj, &min);
	if (r == DK_GONE || r == DK_REFUSED) {
		/* missing (an old API, a daemon without it): said once */
		if (!said_missing++)
			warn("/system/df: %s; the quota counts the sum of image "
			    "sizes", maj * 1000 + min < 1025 ? "not before API "
			    "1.25" : docker_msg());
		return -1;
	}
	if (r != DK_DONE)
		why = r == DK_UNREADABLE ? "unreadable" : docker_msg();
	else if (skipped)
		why = "images without sizes";
	else if (layers < 0)
		why = "no LayersSize";
	inv_facts(in);		/* with the unique sizes */
	if (!why && unknown(in))
		why = "managed images missing";
	/*
	 * LayersSize below the bytes each image alone holds: a daemon that
	 * does not measure its layers (Podman says 0): said once, the sum
	 */
	if (!why && layers < own_bytes(in)) {
		if (!said_missing++)
			warn("/system/df: LayersSize %lld is below the images' "
			    "own bytes (%lld); the quota counts the sum of "
			    "image sizes", layers, own_bytes(in));
		return -1;
	}
	if (why) {
		warn("/system/df: %s; the quota counts the sum of image sizes "
		    "in this pass", why);
		if (r == DK_FAILED)
			cl_trouble = 1;
		return -1;
	}
	df_known = 1;
	return 0;
}

int
cl_decide(struct policy_in *in, struct policy_out *out)
{
	long long sum = 0, size = 0, avail = 0, want;
	size_t i;
	int fs = 0;

	inv_facts(in);
	in->quota = cl_set->quota;
	in->min_age = cl_set->min_age_ms * 1000000LL;	/* --min-age */
	in->now = now_ns();
	in->use_disk = 0;
	in->short_free = 0;
	if (cl_set->quota < 0 || cl_set->min_free)
		fs = fs_of(&size, &avail) == 0;
	if (cl_set->quota < 0)
		in->quota = fs ? share(size, -cl_set->quota) : LLONG_MAX;
	if (cl_set->min_free && fs) {
		want = cl_set->min_free < 0 ? share(size, -cl_set->min_free) :
		    cl_set->min_free;
		in->short_free = want > avail ? want - avail : 0;
		if (in->short_free)
			info("%lld bytes free on the images' filesystem, "
			    "%lld wanted", avail, want);
	}
	for (i = 0; i < in->n; i++)
		if (in->img[i].tracked && in->img[i].size >= 0)
			sum = sum > LLONG_MAX - in->img[i].size ? LLONG_MAX :
			    sum + in->img[i].size;
	/* an image managed since /system/df was read: read it again */
	if (df_known && unknown(in))
		df_known = 0;
	/* the sum is never below the disk use: under the quota, enough */
	if (cl_set->accounting == ACC_DISK &&
	    (sum > in->quota || in->short_free > 0) &&
	    (df_known || df_read(in) == 0)) {
		in->use_disk = 1;
		in->disk = layers - others;
		dbg("on disk: %lld bytes (%lld of unmanaged images), summed: "
		    "%lld", in->disk, others, sum);
	}
	return (int)policy_decide(in, out);
}
