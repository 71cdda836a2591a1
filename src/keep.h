/* See LICENSE file for copyright and license details. */
/*
 * The keep rules (--keep PATTERN, --keep-label KEY[=VALUE]): matching,
 * pure. The rules in force are the caller's lists (struct settings'),
 * named once with keep_rules(); keep.c keeps the two pointers only. Each
 * image gets one bit (kept or not) where its facts are read: docker.c
 * asks keep_ref, keep_id and keep_label while it reads a listing element
 * or an inspect reply.
 */
struct opt_list;	/* opts.h */
struct id;		/* id.h */

/*
 * The glob p matches all of s, as fnmatch(p, s, 0) == 0 in the C locale:
 * * ? [a-z] [!x] [^x] [[:digit:]], and \ quotes the next byte
 */
int keep_glob(const char *p, const char *s);
/* the rules in force from now on (NULL: none); the lists must outlive use */
void keep_rules(const struct opt_list *pats, const struct opt_list *labels);
/* any rule at all */
int keep_any(void);
/* a reference (repo:tag, repo@digest) matches a --keep pattern (fnmatch) */
int keep_ref(const char *ref);
/*
 * The image ID matches a --keep pattern: the glob against "sha256:HEX"
 * and against "HEX"; a pattern of hex digits alone (after an optional
 * "sha256:") also matches the IDs it begins
 */
int keep_id(const struct id *id);
/*
 * a label key=value matches a --keep-label rule (KEY alone: the label
 * exists); value NULL (unreadable) matches the rules of a key alone
 */
int keep_label(const char *key, const char *value);
/*
 * The validators of the two options (struct opt's check): 0, or -1 with
 * the problem in why
 */
int keep_check_pattern(const void *value, char *why, size_t whysz);
int keep_check_label(const void *value, char *why, size_t whysz);
