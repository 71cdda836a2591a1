/* See LICENSE file for copyright and license details. */
/*
 * The plain records the Docker module hands out (images, containers,
 * events, an inspected image) and their enums. No transport here: the
 * inventory, the policy and their tests need only this. Requires
 * bounds.h, id.h.
 */
struct image_rec {
	struct id id;
	long long size;
	long long created_ns;	/* Created, ns since 1970; -1 unknown */
	int kept;		/* matches a keep rule (keep.h) */
};

enum { CS_OTHER, CS_CREATED, CS_RUNNING, CS_PAUSED, CS_RESTARTING,
	CS_REMOVING, CS_EXITED, CS_DEAD };

struct ctr_rec {
	struct id id;
	struct id image;
	int has_image;		/* ImageID was present and readable */
	long long created;	/* ns since the epoch, at most now; 0 unknown */
	int state;		/* CS_* */
	/* the images it mounts (Mounts of Type "image"), each as named;
	   -1: more than IMAGE_MOUNTS_MAX, or unreadable */
	int nmounts;
	char mounts[IMAGE_MOUNTS_MAX][REF_LEN];
};

enum { EV_OTHER, EV_CONTAINER, EV_IMAGE };
enum { A_OTHER, A_CREATE, A_DESTROY, A_DIE, A_DELETE, A_UNTAG, A_ARRIVE };

struct event {
	int type;		/* EV_* */
	int action;		/* A_*; A_ARRIVE: image pull, load, import, tag */
	struct id id;		/* Actor.ID when it is an ID */
	int has_id;
	char image[REF_LEN];	/* container events: the image as given */
	long long time_ns;	/* ns since the epoch, in [0, now] */
};

/* an image as inspected: ID, size and its references (tags, digests) */
struct image_info {
	struct id id;
	long long size;
	int kept;		/* matches a keep rule (keep.h) */
	int cd_store;		/* has a Descriptor: the containerd image
				   store (its inspect Size is not the list's) */
	int nrefs;
	const char *refs[REFS_MAX];	/* point into buf */
	char buf[REFS_BYTES];
};

/* an image as inspected, without its references */
struct image_head {
	struct id id;
	long long created_ns;	/* Created, ns since 1970; -1 unset/unreadable */
	long long tagged_ns;	/* Metadata.LastTagTime; -1 unset/unreadable */
};

/* an image of /system/df: Size and SharedSize, bytes (-1 unknown) */
struct df_image {
	struct id id;
	long long size;
	long long shared;	/* of size, bytes other images use too */
};
