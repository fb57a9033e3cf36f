/*
 * vault_archive.c - see vault_archive.h.
 *
 * An archive is read twice. The first pass (scan) reads every entry and
 * expands every byte exactly as the second does, but writes nothing and
 * calls nobody: it applies the archive-wide limits (entry count, total size,
 * compression ratio), so that an archive a limit refuses hands over no member
 * at all. The second pass (extract) writes each regular member to a temp
 * file, calls on_member, and deletes the file. Damage found by the scan does
 * not stop the extract pass: the members before the damage are delivered.
 *
 * Every expanded byte is counted as it comes out of libarchive, never taken
 * from a header, and the ratio compares it with the compressed bytes
 * libarchive has consumed from the file so far (archive_filter_bytes(a, -1)),
 * so a bomb is stopped after about FV_ARCHIVE_RATIO_GRACE bytes whatever its
 * headers claim. Refused members are read and thrown away through the same
 * counting (skipping them would expand them anyway in a compressed tar or a
 * 7z solid block), except where skipping costs no expansion: a zip member or
 * a plain tar member whose header already declares it too large.
 *
 * Only the zip, tar and 7z formats and the gzip, bzip2, xz and zstd filters
 * are enabled, and each must be built into libarchive: its fallback to
 * external programs is refused. Member names are validated and reported but
 * never passed to a file system call; temp files get mkstemp names.
 */
#include "config.h"

#include "vault_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"

#define READ_BLOCK (64 * 1024)

enum pass { PASS_SCAN, PASS_EXTRACT };

/* How a pass ended, in increasing order of how final it is. */
enum outcome {
	OUT_OK = 0,
	OUT_DAMAGED,  /* truncated or corrupt: the extract pass still runs */
	OUT_REFUSED,  /* not an archive, or a limit: nothing is delivered */
	OUT_FAILED    /* on_member failed or a temp file could not be written */
};

struct expand {
	const struct vault_archive_limits *lim;
	enum pass pass;
	const char *tmp_dir;
	struct archive *a;
	vault_archive_member_fn on_member;
	vault_archive_skip_fn on_skip;
	void *ctx;
	struct vault_archive_stats st;
	unsigned char *block;
};

void
vault_archive_limits_default(struct vault_archive_limits *l)
{
	l->max_entries = FV_DEFAULT_ARCHIVE_MAX_ENTRIES;
	l->max_entry_size = FV_DEFAULT_ARCHIVE_MAX_ENTRY_SIZE;
	l->max_total = FV_DEFAULT_ARCHIVE_MAX_TOTAL;
	l->max_ratio = FV_DEFAULT_ARCHIVE_MAX_RATIO;
	l->max_depth = FV_DEFAULT_ARCHIVE_MAX_DEPTH;
}

static const char *
aerr(struct archive *a)
{
	const char *s = archive_error_string(a);

	return s ? s : "unknown error";
}

static int
write_all(int fd, const void *p, size_t n)
{
	const char *c = p;

	while (n > 0) {
		ssize_t w = write(fd, c, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		c += w;
		n -= (size_t)w;
	}
	return 0;
}

/*
 * A copy of a member name fit to show and store: bytes that are not valid
 * UTF-8, and control characters (C0, DEL, C1), become '?'.
 */
static char *
printable_name(const char *raw)
{
	const unsigned char *s = (const unsigned char *)raw;
	size_t len = strlen(raw);
	char *out = xmalloc(len + 1);
	size_t i = 0, o = 0;

	while (i < len) {
		unsigned c = s[i];
		size_t n = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 :
			   (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;

		if (n == 0 || n > len - i || !utf8_valid(raw + i, n) ||
		    c < 0x20 || c == 0x7f || (c == 0xc2 && s[i + 1] < 0xa0)) {
			out[o++] = '?';
			i++;
			continue;
		}
		memcpy(out + o, raw + i, n);
		o += n;
		i += n;
	}
	out[o] = '\0';
	return out;
}

/*
 * Why a member name may not be extracted, or NULL. The name is never used
 * as a path, but a caller may show or recreate it, so names that would
 * escape a directory are refused here once for everyone. Backslashes count
 * as separators: archives made on Windows use them.
 */
static const char *
name_refusal(const char *name)
{
	const char *p = name;

	if (name == NULL || *name == '\0')
		return "it has no name";
	if (strlen(name) > FV_MAX_MEMBER_NAME)
		return "its name is too long";
	if (name[0] == '/' || name[0] == '\\')
		return "its path is absolute";
	if (((name[0] >= 'A' && name[0] <= 'Z') ||
	     (name[0] >= 'a' && name[0] <= 'z')) && name[1] == ':')
		return "its path is absolute (it starts with a drive letter)";
	while (*p) {
		size_t n = strcspn(p, "/\\");

		if (n == 2 && p[0] == '.' && p[1] == '.')
			return "its path contains '..'";
		p += n;
		if (*p)
			p++;
	}
	return NULL;
}

/* A limit refuses the archive. */
static int PRINTF_LIKE(2, 3)
refuse(struct error *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return OUT_REFUSED;
}

/* The archive is damaged at entry number at (counted from 1). */
static int
damaged(struct expand *x, uint64_t at, struct error *err)
{
	error_set(err, "the archive is truncated or corrupt at entry %llu: %s",
		  (unsigned long long)at, aerr(x->a));
	return OUT_DAMAGED;
}

/*
 * Reads the current member's data to its end, counting every byte against
 * the archive's limits, and writes it to fd unless fd < 0. A member that
 * outgrows its own limit or turns out corrupt is finished with a reason in
 * why (the next member may be fine); the archive's limits and fatal errors
 * end the pass.
 */
static int
drain(struct expand *x, int fd, uint64_t *ret_size, char *why, size_t why_len,
      struct error *err)
{
	const struct vault_archive_limits *lim = x->lim;
	uint64_t size = 0;

	for (;;) {
		la_ssize_t n = archive_read_data(x->a, x->block, READ_BLOCK);
		la_int64_t packed;

		if (n == 0)
			break;
		if (n < 0) {
			if (n == ARCHIVE_FATAL)
				return damaged(x, x->st.entries, err);
			snprintf(why, why_len, "it is corrupt (%s)", aerr(x->a));
			break;
		}
		size += (uint64_t)n;
		x->st.expanded += (uint64_t)n;
		if (x->st.expanded > lim->max_total)
			return refuse(err, "the archive expands to more than "
				      "the limit of %llu bytes",
				      (unsigned long long)lim->max_total);
		packed = archive_filter_bytes(x->a, -1);
		if (packed < 1)
			packed = 1;
		if (x->st.expanded > FV_ARCHIVE_RATIO_GRACE &&
		    x->st.expanded / lim->max_ratio > (uint64_t)packed)
			return refuse(err, "the archive expands more than %llu "
				      "times (%llu bytes from %lld): refused "
				      "as a compression bomb",
				      (unsigned long long)lim->max_ratio,
				      (unsigned long long)x->st.expanded,
				      (long long)packed);
		if (size > lim->max_entry_size) {
			if (why[0] == '\0')
				snprintf(why, why_len, "it is larger than the "
					 "limit of %llu bytes",
					 (unsigned long long)lim->max_entry_size);
			fd = -1;
		}
		if (fd >= 0 && write_all(fd, x->block, (size_t)n) < 0) {
			error_set(err, "cannot write a temp file in %s: %s",
				  x->tmp_dir, strerror(errno));
			return OUT_FAILED;
		}
	}
	*ret_size = size;
	return OUT_OK;
}

/* Skipping a member's data without expanding it. */
static int
skip_cheaply(struct expand *x, struct error *err)
{
	if (archive_read_data_skip(x->a) == ARCHIVE_FATAL)
		return damaged(x, x->st.entries, err);
	return OUT_OK;
}

/* Whether skipping a member whose size is declared expands nothing. */
static int
skip_is_cheap(struct archive *a)
{
	int fmt = archive_format(a) & ARCHIVE_FORMAT_BASE_MASK;

	return fmt == ARCHIVE_FORMAT_ZIP ||
	       (fmt == ARCHIVE_FORMAT_TAR && archive_filter_count(a) <= 1);
}

static void
report_skip(struct expand *x, const char *name, const char *why)
{
	if (x->pass != PASS_EXTRACT)
		return;
	x->st.skipped++;
	if (x->on_skip)
		x->on_skip(name, why, x->ctx);
}

static int
one_entry(struct expand *x, struct archive_entry *e, struct error *err)
{
	const char *raw = archive_entry_pathname_utf8(e);
	unsigned type = archive_entry_filetype(e);
	const char *refusal = NULL;
	char why[256] = "";
	char *name = NULL, *tmp = NULL;
	uint64_t size = 0;
	int fd = -1, rc = OUT_OK;

	if (raw == NULL)
		raw = archive_entry_pathname(e);
	if (raw == NULL)
		raw = "";
	name = printable_name(raw);
	if (type == AE_IFDIR)
		goto out;
	if (archive_entry_is_encrypted(e))
		refusal = "it is encrypted";
	else if (archive_entry_hardlink(e) != NULL)
		refusal = "it is a hard link";
	else if (type == AE_IFLNK)
		refusal = "it is a symbolic link";
	else if (type == AE_IFCHR || type == AE_IFBLK)
		refusal = "it is a device";
	else if (type == AE_IFIFO)
		refusal = "it is a FIFO";
	else if (type == AE_IFSOCK)
		refusal = "it is a socket";
	else if (type != AE_IFREG)
		refusal = "it is not a regular file";
	else
		refusal = name_refusal(raw);
	if (refusal) {
		snprintf(why, sizeof(why), "%s", refusal);
		if (archive_entry_is_encrypted(e))
			rc = skip_cheaply(x, err);
		else
			rc = drain(x, -1, &size, why, sizeof(why), err);
		goto out;
	}
	if (archive_entry_size_is_set(e) &&
	    (uint64_t)archive_entry_size(e) > x->lim->max_entry_size) {
		snprintf(why, sizeof(why), "it is larger than the limit of "
			 "%llu bytes",
			 (unsigned long long)x->lim->max_entry_size);
		if (skip_is_cheap(x->a))
			rc = skip_cheaply(x, err);
		else
			rc = drain(x, -1, &size, why, sizeof(why), err);
		goto out;
	}
	if (x->pass == PASS_EXTRACT) {
		tmp = xasprintf("%s/member.XXXXXX", x->tmp_dir);
		fd = mkostemp(tmp, O_CLOEXEC);
		if (fd < 0) {
			error_set(err, "cannot create a temp file in %s: %s",
				  x->tmp_dir, strerror(errno));
			free(tmp);
			tmp = NULL;
			rc = OUT_FAILED;
			goto out;
		}
	}
	rc = drain(x, fd, &size, why, sizeof(why), err);
	if (fd >= 0 && close(fd) < 0 && rc == OUT_OK) {
		error_set(err, "cannot write a temp file in %s: %s",
			  x->tmp_dir, strerror(errno));
		rc = OUT_FAILED;
	}
	fd = -1;
	if (rc != OUT_OK || why[0] != '\0' || x->pass != PASS_EXTRACT)
		goto out;
	x->st.members++;
	if (x->on_member(name, tmp, size, x->ctx, err) < 0)
		rc = OUT_FAILED;
out:
	/* A member cut short by damage is not reported: the error says it. */
	if (rc == OUT_OK && why[0] != '\0')
		report_skip(x, name, why);
	if (fd >= 0)
		close(fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(name);
	return rc;
}

static int
open_reader(struct expand *x, const char *path, int *ret_fd,
	    struct error *err)
{
	struct stat sb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		error_set(err, "%s: %s", path, strerror(errno));
		return OUT_FAILED;
	}
	*ret_fd = fd;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		error_set(err, "%s: not a regular file", path);
		return OUT_FAILED;
	}
	x->a = archive_read_new();
	/* Each returns ARCHIVE_WARN when libarchive would run an external
	 * program instead of built-in code: refuse that. */
	if (archive_read_support_format_zip(x->a) != ARCHIVE_OK ||
	    archive_read_support_format_tar(x->a) != ARCHIVE_OK ||
	    archive_read_support_format_7zip(x->a) != ARCHIVE_OK ||
	    archive_read_support_filter_gzip(x->a) != ARCHIVE_OK ||
	    archive_read_support_filter_bzip2(x->a) != ARCHIVE_OK ||
	    archive_read_support_filter_xz(x->a) != ARCHIVE_OK ||
	    archive_read_support_filter_zstd(x->a) != ARCHIVE_OK) {
		error_set(err, "this libarchive lacks built-in support for a "
			  "format we need: %s", aerr(x->a));
		return OUT_FAILED;
	}
	if (archive_read_open_fd(x->a, fd, READ_BLOCK) != ARCHIVE_OK)
		return refuse(err, "not a zip, tar or 7z archive (%s)",
			      aerr(x->a));
	return OUT_OK;
}

static int
run_pass(struct expand *x, const char *path, struct error *err)
{
	struct archive_entry *e;
	int fd = -1, rc;

	memset(&x->st, 0, sizeof(x->st));
	rc = open_reader(x, path, &fd, err);
	while (rc == OUT_OK) {
		int r = archive_read_next_header(x->a, &e);

		if (r == ARCHIVE_EOF)
			break;
		if (r < ARCHIVE_WARN) {
			if (x->st.entries == 0)
				rc = refuse(err, "not a zip, tar or 7z archive "
					    "(%s)", aerr(x->a));
			else
				rc = damaged(x, x->st.entries + 1, err);
			break;
		}
		if (++x->st.entries > x->lim->max_entries) {
			rc = refuse(err, "the archive has more than the limit "
				    "of %llu entries",
				    (unsigned long long)x->lim->max_entries);
			break;
		}
		rc = one_entry(x, e, err);
	}
	if (x->a)
		archive_read_free(x->a);
	x->a = NULL;
	if (fd >= 0)
		close(fd);
	return rc;
}

int
vault_archive_extract(const char *path, const char *tmp_dir, int depth,
		      const struct vault_archive_limits *limits,
		      vault_archive_member_fn on_member,
		      vault_archive_skip_fn on_skip, void *ctx,
		      struct vault_archive_stats *stats, struct error *err)
{
	struct vault_archive_limits defaults;
	struct expand x;
	struct error scratch;
	struct stat sb;
	int rc = -1, outcome;

	memset(&x, 0, sizeof(x));
	if (err == NULL)
		err = &scratch;
	if (limits == NULL) {
		vault_archive_limits_default(&defaults);
		limits = &defaults;
	}
	if (limits->max_ratio == 0) {
		error_set(err, "the archive ratio limit must be at least 1");
		goto out;
	}
	if (depth > limits->max_depth) {
		error_set(err, "archives nested more than %d deep are not "
			  "expanded", limits->max_depth);
		goto out;
	}
	if (stat(tmp_dir, &sb) < 0 || !S_ISDIR(sb.st_mode)) {
		error_set(err, "%s: not a directory", tmp_dir);
		goto out;
	}
	x.lim = limits;
	x.tmp_dir = tmp_dir;
	x.on_member = on_member;
	x.on_skip = on_skip;
	x.ctx = ctx;
	x.block = xmalloc(READ_BLOCK);

	x.pass = PASS_SCAN;
	outcome = run_pass(&x, path, err);
	if (outcome == OUT_REFUSED || outcome == OUT_FAILED)
		goto out;
	x.pass = PASS_EXTRACT;
	outcome = run_pass(&x, path, err);
	if (outcome == OUT_OK)
		rc = 0;
out:
	if (stats)
		*stats = x.st;
	free(x.block);
	return rc;
}
