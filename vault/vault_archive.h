/*
 * vault_archive.h - expanding zip, tar (plain or gzip, bzip2, xz, zstd
 * compressed) and 7z archives into their members, one temp file at a time.
 *
 * Each regular member is written to a new temp file with a generated name in
 * the directory the caller gives, handed to the caller's callback, and
 * deleted when the callback returns: member names are reported, never used
 * as file system paths, so nothing is ever created outside that directory.
 * Links, devices, encrypted members, absolute paths and '..' are refused one
 * member at a time (reported through a second callback); limits on entries,
 * sizes and compression ratio refuse the whole archive before any member is
 * handed over. Nested archives are the caller's to expand, with depth + 1.
 */
#ifndef FOIVAULT_VAULT_ARCHIVE_H
#define FOIVAULT_VAULT_ARCHIVE_H

#include <stdint.h>

#include "util.h"

struct vault_archive_limits {
	uint64_t max_entries;    /* entries of any kind (directories too) */
	uint64_t max_entry_size; /* bytes of one member, as expanded */
	uint64_t max_total;      /* bytes the whole archive expands to */
	uint64_t max_ratio;      /* expanded bytes per compressed byte read */
	int max_depth;           /* deepest nesting level that is expanded */
};

/* What one call did; filled in on failure too. */
struct vault_archive_stats {
	uint64_t entries;  /* entry headers read (in the extraction pass) */
	uint64_t members;  /* members handed to on_member */
	uint64_t skipped;  /* members reported to on_skip */
	uint64_t expanded; /* bytes expanded, delivered or not */
};

/*
 * Called for each regular member, in archive order. member is the member's
 * path inside the archive (valid UTF-8, no control characters); tmp_path is
 * the temp file holding its size bytes, deleted after the call returns.
 * Return 0 to go on, or -1 with err set to stop expanding.
 */
typedef int (*vault_archive_member_fn)(const char *member,
				       const char *tmp_path, uint64_t size,
				       void *ctx, struct error *err);
/* Called for each member that is not extracted, with a reason a user can
 * read ("it is a symbolic link"). Directories are skipped silently. */
typedef void (*vault_archive_skip_fn)(const char *member, const char *reason,
				      void *ctx);

/* Fills l with the defaults from fvlimits.h. */
void vault_archive_limits_default(struct vault_archive_limits *l);

/*
 * Expands the archive at path. depth is 0 for an archive that is not inside
 * another one; past limits->max_depth the archive is refused. limits may be
 * NULL for the defaults; on_skip and stats may be NULL.
 *
 * Returns 0 when the archive was read to its end (members may have been
 * skipped). Returns -1 with err set when it is not a supported archive, when
 * a limit refuses it (then no member has been handed over), when on_member
 * fails, or when it is truncated or corrupt (then the members before the
 * damage have been handed over).
 */
int vault_archive_extract(const char *path, const char *tmp_dir, int depth,
			  const struct vault_archive_limits *limits,
			  vault_archive_member_fn on_member,
			  vault_archive_skip_fn on_skip, void *ctx,
			  struct vault_archive_stats *stats, struct error *err);

#endif
