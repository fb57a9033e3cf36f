/*
 * test_vault_archive.c - archive expansion: the formats, the limits, and
 * hostile archives (bombs, 20,000 entries, traversal, links, devices,
 * encryption, truncation, nesting), all built at test time by python3 (and
 * libarchive for 7z and tar.zst) in a temp dir. At the end the temp dir
 * must hold nothing but the inputs: nothing was written outside tmp/.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <ftw.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"
#include "tap.h"
#include "util.h"
#include "vault_archive.h"

/* The generator of the hostile archives, run as python3 gen.py DIR. */
static const char gen_py[] =
	"import io, os, struct, sys, tarfile, zipfile, zlib\n"
	"d = sys.argv[1]\n"
	"def p(n): return os.path.join(d, n)\n"
	"def add(t, name, data=b'', **kw):\n"
	"    ti = tarfile.TarInfo(name); ti.size = len(data)\n"
	"    for k, v in kw.items(): setattr(ti, k, v)\n"
	"    t.addfile(ti, io.BytesIO(data) if data else None)\n"
	"with zipfile.ZipFile(p('normal.zip'), 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"    z.writestr('a.txt', 'alpha')\n"
	"    z.writestr('d/', '')\n"
	"    z.writestr('d/b.txt', 'bravo')\n"
	"    z.writestr('r\\u00e9sum\\u00e9.txt', 'charlie')\n"
	"    z.writestr('ctl\\x01\\x7fname.txt', 'delta')\n"
	"# 200 MB of zeros; level 1 still compresses them 229:1, and is fast.\n"
	"with zipfile.ZipFile(p('bomb.zip'), 'w', zipfile.ZIP_DEFLATED, compresslevel=1) as z:\n"
	"    with z.open('zeros.bin', 'w', force_zip64=True) as f:\n"
	"        mb = bytes(1 << 20)\n"
	"        for i in range(200): f.write(mb)\n"
	"def many(path, n):\n"
	"    # zipfile is slow per entry: write the stored entries by hand.\n"
	"    crc = zlib.crc32(b'x'); out = bytearray(); cd = bytearray()\n"
	"    for i in range(n):\n"
	"        name = b'f%05d.txt' % i; off = len(out)\n"
	"        out += struct.pack('<IHHHHHIIIHH', 0x04034b50, 20, 0, 0, 0, 0, crc, 1, 1, len(name), 0) + name + b'x'\n"
	"        cd += struct.pack('<IHHHHHHIIIHHHHHII', 0x02014b50, 20, 20, 0, 0, 0, 0, crc, 1, 1, len(name), 0, 0, 0, 0, 0, off) + name\n"
	"    end = struct.pack('<IHHHHIIH', 0x06054b50, 0, 0, n, n, len(cd), len(out), 0)\n"
	"    open(path, 'wb').write(out + cd + end)\n"
	"many(p('many.zip'), 20000)\n"
	"with zipfile.ZipFile(p('traversal.zip'), 'w') as z:\n"
	"    for n in ('../../etc/x', '/abs/y', 'a/../../z', '..\\\\..\\\\w', 'C:/win', 'ok.txt'):\n"
	"        z.writestr(zipfile.ZipInfo(n), 'evil' if n != 'ok.txt' else 'fine')\n"
	"with zipfile.ZipFile(p('zlink.zip'), 'w') as z:\n"
	"    zi = zipfile.ZipInfo('link'); zi.create_system = 3\n"
	"    zi.external_attr = (0o120777 << 16)\n"
	"    z.writestr(zi, '/etc/passwd')\n"
	"    z.writestr('ok.txt', 'fine')\n"
	"with tarfile.open(p('links.tar'), 'w', format=tarfile.GNU_FORMAT) as t:\n"
	"    add(t, 'ok.txt', b'fine')\n"
	"    add(t, 'sym', type=tarfile.SYMTYPE, linkname='/etc/passwd')\n"
	"    add(t, 'hard', type=tarfile.LNKTYPE, linkname='ok.txt')\n"
	"    add(t, 'dev', type=tarfile.CHRTYPE, devmajor=1, devminor=3)\n"
	"    add(t, 'blk', type=tarfile.BLKTYPE, devmajor=8, devminor=0)\n"
	"    add(t, 'fifo', type=tarfile.FIFOTYPE)\n"
	"    add(t, '../up.txt', b'evil')\n"
	"    add(t, '/etc/abs.txt', b'evil')\n"
	"    add(t, 'last.txt', b'end')\n"
	"for mode, ext in (('w:gz', 'tgz'), ('w:bz2', 'tbz2'), ('w:xz', 'txz')):\n"
	"    with tarfile.open(p('plain.' + ext), mode) as t:\n"
	"        add(t, 'dir/one.txt', b'one')\n"
	"        add(t, 'two.txt', b'two')\n"
	"with tarfile.open(p('bomb.tgz'), 'w:gz') as t:\n"
	"    ti = tarfile.TarInfo('zeros.bin'); ti.size = 64 << 20\n"
	"    class Z(io.RawIOBase):\n"
	"        left = 64 << 20\n"
	"        def readinto(self, b):\n"
	"            n = min(len(b), self.left); b[:n] = bytes(n); self.left -= n; return n\n"
	"    t.addfile(ti, Z())\n"
	"def nest(level, top):\n"
	"    if level == top:\n"
	"        return ('deep.txt', b'deepest')\n"
	"    name, data = nest(level + 1, top)\n"
	"    bio = io.BytesIO()\n"
	"    with zipfile.ZipFile(bio, 'w') as z: z.writestr(name, data)\n"
	"    return ('l%d.zip' % level, bio.getvalue())\n"
	"open(p('nest.zip'), 'wb').write(nest(0, 6)[1])\n"
	"rnd = [os.urandom(20000) for i in range(3)]\n"
	"bio = io.BytesIO()\n"
	"with zipfile.ZipFile(bio, 'w') as z:\n"
	"    for i, r in enumerate(rnd): z.writestr('part%d.bin' % i, r)\n"
	"whole = bio.getvalue()\n"
	"open(p('truncated.zip'), 'wb').write(whole[:50000])\n"
	"# A flipped byte inside part1's stored data: its CRC no longer matches.\n"
	"bad = bytearray(whole); at = whole.index(rnd[1]) + 100; bad[at] ^= 0xff\n"
	"open(p('badcrc.zip'), 'wb').write(bytes(bad))\n"
	"# Encryption is a flag bit (0x1) in the local and central headers.\n"
	"bio = io.BytesIO()\n"
	"with zipfile.ZipFile(bio, 'w') as z:\n"
	"    z.writestr('secret.txt', 'not really encrypted')\n"
	"    z.writestr('open.txt', 'open')\n"
	"enc = bytearray(bio.getvalue())\n"
	"lh = enc.index(b'PK\\x03\\x04'); enc[lh + 6] |= 1\n"
	"ch = enc.index(b'PK\\x01\\x02'); enc[ch + 8] |= 1\n"
	"open(p('encrypted.zip'), 'wb').write(bytes(enc))\n"
	"with zipfile.ZipFile(p('sizes.zip'), 'w') as z:\n"
	"    z.writestr('big.bin', os.urandom(5000))\n"
	"    z.writestr('small.txt', 'small')\n"
	"open(p('notarchive.txt'), 'wb').write(b'%PDF-1.4 not an archive at all\\n' * 10)\n"
	"open(p('empty'), 'wb').close()\n"
	"import gzip\n"
	"open(p('single.gz'), 'wb').write(gzip.compress(b'%PDF-1.4 just one file\\n'))\n"
	"# Sizes only in data descriptors and no central directory: libarchive must\n"
	"# read the zip as a stream and cannot know a member's size in advance.\n"
	"class NoSeek(io.RawIOBase):\n"
	"    def __init__(self): self.b = bytearray()\n"
	"    def writable(self): return True\n"
	"    def write(self, x): self.b += x; return len(x)\n"
	"ns = NoSeek()\n"
	"with zipfile.ZipFile(ns, 'w', zipfile.ZIP_DEFLATED) as z:\n"
	"    z.writestr('big.bin', os.urandom(5000))\n"
	"    z.writestr('small.txt', 'small')\n"
	"    z.writestr('tail.txt', 'cut off with the central directory')\n"
	"open(p('streamed.zip'), 'wb').write(bytes(ns.b[:ns.b.index(b'PK\\x01\\x02')]))\n";

static char base[] = "/tmp/fv-archive-XXXXXX";
static char *in_dir, *tmp_dir;

/* What the callbacks saw in one run. */
struct seen {
	struct buf members; /* "name=first bytes|" */
	struct buf skips;   /* "name: reason|" */
	int fail_at;        /* on_member fails at this member (1-based) */
	int calls;
	int bad_tmp;        /* a temp file outside tmp_dir or of the wrong size */
	int nested;         /* expand members named *.zip, depth + 1 */
	int depth;
	const struct vault_archive_limits *lim;
	struct buf nest_errors;
};

static int on_member(const char *member, const char *tmp_path, uint64_t size,
		     void *ctx, struct error *err);

static void
on_skip(const char *member, const char *reason, void *ctx)
{
	struct seen *s = ctx;

	buf_printf(&s->skips, "%s: %s|", member, reason);
}

static int
on_member(const char *member, const char *tmp_path, uint64_t size, void *ctx,
	  struct error *err)
{
	struct seen *s = ctx;
	char head[33] = "";
	struct stat sb;
	size_t n = strlen(member);
	FILE *f;

	s->calls++;
	if (strncmp(tmp_path, tmp_dir, strlen(tmp_dir)) != 0 ||
	    stat(tmp_path, &sb) < 0 || (uint64_t)sb.st_size != size)
		s->bad_tmp++;
	if (s->nested && n > 4 && strcmp(member + n - 4, ".zip") == 0) {
		struct error e2;

		s->depth++;
		if (vault_archive_extract(tmp_path, tmp_dir, s->depth, s->lim,
					  on_member, on_skip, s, NULL, &e2) < 0)
			buf_printf(&s->nest_errors, "%s: %s|", member, e2.msg);
		s->depth--;
		return 0;
	}
	f = fopen(tmp_path, "r");
	if (f) {
		size_t got = fread(head, 1, 32, f);

		head[got] = '\0';
		fclose(f);
	}
	if (size > 32)
		snprintf(head, sizeof(head), "(%llu bytes)",
			 (unsigned long long)size);
	buf_printf(&s->members, "%s=%s|", member, head);
	if (s->fail_at && s->calls == s->fail_at)
		return error_set(err, "the store is full");
	return 0;
}

static int
count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static int leftovers;

/* Expands in_dir/name with limits lim (NULL: defaults) at depth 0. */
static int
run(struct seen *s, const char *name, const struct vault_archive_limits *lim,
    struct vault_archive_stats *st, struct error *err)
{
	char *path = xasprintf("%s/%s", in_dir, name);
	int rc;

	buf_reset(&s->members);
	buf_reset(&s->skips);
	buf_reset(&s->nest_errors);
	buf_addstr(&s->members, "");
	buf_addstr(&s->skips, "");
	buf_addstr(&s->nest_errors, "");
	s->calls = 0;
	s->depth = 0;
	s->lim = lim;
	err->msg[0] = '\0';
	rc = vault_archive_extract(path, tmp_dir, 0, lim, on_member, on_skip,
				   s, st, err);
	if (count_dir(tmp_dir) != 0) {
		diag("%s left files in %s", name, tmp_dir);
		leftovers++;
	}
	free(path);
	return rc;
}

/* Writes a two-member archive with libarchive: 7z, or pax + zstd. */
static int
write_with_libarchive(const char *path, int sevenzip, size_t zeros)
{
	struct archive *a = archive_write_new();
	const char *names[] = { "dir/one.txt", "two.txt" };
	const char *data[] = { "one", "two" };
	int rc = -1;

	if (sevenzip)
		archive_write_set_format_7zip(a);
	else if (archive_write_set_format_pax_restricted(a) != ARCHIVE_OK ||
		 archive_write_add_filter_zstd(a) != ARCHIVE_OK)
		goto out;
	if (archive_write_open_filename(a, path) != ARCHIVE_OK)
		goto out;
	for (int i = 0; i < 2; i++) {
		struct archive_entry *e = archive_entry_new();
		size_t size = zeros ? zeros : strlen(data[i]);

		archive_entry_set_pathname(e, names[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)size);
		archive_write_header(a, e);
		if (zeros) {
			char *z = xcalloc(1, 1 << 20);

			for (size_t done = 0; done < zeros; done += 1 << 20)
				archive_write_data(a, z, 1 << 20);
			free(z);
		} else {
			archive_write_data(a, data[i], size);
		}
		archive_entry_free(e);
	}
	rc = archive_write_close(a) == ARCHIVE_OK ? 0 : -1;
out:
	archive_write_free(a);
	return rc;
}

static int unexpected;

/* Everything under base must be an input, the generator or the tmp dirs. */
static int
check_path(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	const char *rel = path + strlen(base);
	static const char *const ok_paths[] = { "", "/gen.py", "/in", "/a",
						"/a/b", "/a/b/tmp" };

	for (size_t i = 0; i < ARRAY_SIZE(ok_paths); i++)
		if (strcmp(rel, ok_paths[i]) == 0)
			return 0;
	if (strncmp(rel, "/in/", 4) == 0 && strchr(rel + 4, '/') == NULL)
		return 0;
	diag("unexpected file: %s", path);
	unexpected++;
	return 0;
}

static int
has(const struct buf *b, const char *s)
{
	return b->data != NULL && strstr(b->data, s) != NULL;
}

int
main(void)
{
	struct vault_archive_limits lim;
	struct vault_archive_stats st;
	struct error err;
	struct seen s;
	char *cmd, *p;
	int64_t t0;
	FILE *f;
	int rc;

	setlocale(LC_CTYPE, "C.UTF-8");
	memset(&s, 0, sizeof(s));
	buf_init(&s.members, 1 << 20);
	buf_init(&s.skips, 1 << 20);
	buf_init(&s.nest_errors, 1 << 16);
	if (mkdtemp(base) == NULL)
		return 1;
	in_dir = xasprintf("%s/in", base);
	/* tmp is two levels down, so that ../../etc/x would land in base. */
	tmp_dir = xasprintf("%s/a/b/tmp", base);
	cmd = xasprintf("mkdir -p %s %s", in_dir, tmp_dir);
	if (system(cmd) != 0)
		return 1;
	free(cmd);
	p = xasprintf("%s/gen.py", base);
	f = fopen(p, "w");
	fputs(gen_py, f);
	fclose(f);
	cmd = xasprintf("python3 %s %s", p, in_dir);
	t0 = now_usec();
	if (system(cmd) != 0) {
		printf("Bail out! python3 could not build the test archives\n");
		return 1;
	}
	diag("archives built in %.2f s", (now_usec() - t0) / 1e6);
	free(cmd);
	free(p);
	p = xasprintf("%s/plain.7z", in_dir);
	ok(write_with_libarchive(p, 1, 0) == 0, "built a 7z archive");
	free(p);
	p = xasprintf("%s/plain.tar.zst", in_dir);
	ok(write_with_libarchive(p, 0, 0) == 0, "built a tar.zst archive");
	free(p);
	p = xasprintf("%s/bomb.7z", in_dir);
	ok(write_with_libarchive(p, 1, 8 << 20) == 0, "built a 7z bomb");
	free(p);

	/* Plain archives of every supported kind. */
	rc = run(&s, "normal.zip", NULL, &st, &err);
	ok(rc == 0, "normal.zip expands");
	is_str(s.members.data, "a.txt=alpha|d/b.txt=bravo|r\xc3\xa9sum\xc3\xa9"
	       ".txt=charlie|ctl??name.txt=delta|", "its members, in order, "
	       "control characters in names shown as '?'");
	is_str(s.skips.data, "", "the directory entry is skipped silently");
	ok(st.entries == 5 && st.members == 4 && st.skipped == 0,
	   "stats: %llu entries, %llu members",
	   (unsigned long long)st.entries, (unsigned long long)st.members);
	is_int(s.bad_tmp, 0, "each temp file is in tmp/ and has the member's size");
	{
		static const char *const kinds[] = { "plain.tgz", "plain.tbz2",
			"plain.txz", "plain.tar.zst", "plain.7z" };

		for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
			rc = run(&s, kinds[i], NULL, &st, &err);
			ok(rc == 0 &&
			   has(&s.members, "dir/one.txt=one|two.txt=two|"),
			   "%s expands: %s %s", kinds[i], s.members.data,
			   err.msg);
		}
	}

	/* Bombs are refused after a few MB, before any member is handed over. */
	t0 = now_usec();
	rc = run(&s, "bomb.zip", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "compression bomb"), "a 200 MB zip bomb is refused: "
	   "%s", err.msg);
	ok(st.expanded < 4 << 20, "after %llu bytes expanded (%.2f s)",
	   (unsigned long long)st.expanded, (now_usec() - t0) / 1e6);
	is_int(s.calls, 0, "no member of the bomb was handed over");
	rc = run(&s, "bomb.tgz", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "compression bomb") && st.expanded < 4 << 20,
	   "a tar.gz bomb is refused after %llu bytes: %s",
	   (unsigned long long)st.expanded, err.msg);
	rc = run(&s, "bomb.7z", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "compression bomb") && st.expanded < 4 << 20,
	   "a 7z bomb is refused after %llu bytes: %s",
	   (unsigned long long)st.expanded, err.msg);

	/* 20,000 entries: refused fast and whole. */
	t0 = now_usec();
	rc = run(&s, "many.zip", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "more than the limit of 10000 entries"),
	   "an archive of 20,000 entries is refused: %s", err.msg);
	/* Timed for information only: the suite asserts no timings. */
	diag("refused in %.2f s", (now_usec() - t0) / 1e6);
	is_int(s.calls, 0, "and none of its members was handed over");

	/* The limits, at and just past each one. */
	vault_archive_limits_default(&lim);
	lim.max_entries = 5;
	rc = run(&s, "normal.zip", &lim, &st, &err);
	ok(rc == 0,
	   "5 entries pass a limit of 5");
	lim.max_entries = 4;
	rc = run(&s, "normal.zip", &lim, &st, &err);
	ok(rc < 0 && s.calls == 0,
	   "5 entries fail a limit of 4: %s", err.msg);
	vault_archive_limits_default(&lim);
	lim.max_total = 5 + 5 + 7 + 5;
	rc = run(&s, "normal.zip", &lim, &st, &err);
	ok(rc == 0,
	   "22 bytes pass a total limit of 22");
	lim.max_total--;
	rc = run(&s, "normal.zip", &lim, &st, &err);
	ok(rc < 0 && s.calls == 0 &&
	   strstr(err.msg, "expands to more than"),
	   "and fail a limit of 21, with no member handed over: %s", err.msg);
	vault_archive_limits_default(&lim);
	lim.max_entry_size = 5000;
	rc = run(&s, "sizes.zip", &lim, &st, &err);
	ok(rc == 0 && s.calls == 2,
	   "a 5000-byte member passes a member limit of 5000");
	lim.max_entry_size = 4999;
	rc = run(&s, "sizes.zip", &lim, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "small.txt=small|") == 0 &&
	   strcmp(s.skips.data, "big.bin: it is larger than the limit of "
		  "4999 bytes|") == 0,
	   "past it, that member alone is skipped: %s", s.skips.data);
	rc = run(&s, "streamed.zip", &lim, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "truncated"), "a zip without sizes in its headers "
	   "or a central directory is read as a stream: %s", err.msg);
	ok(has(&s.skips, "big.bin: it is larger than the limit of 4999") &&
	   has(&s.members, "small.txt=small|"), "its real bytes are counted: "
	   "%s / %s / %s", s.skips.data, s.members.data, err.msg);
	lim.max_ratio = 0;
	rc = run(&s, "normal.zip", &lim, &st, &err);
	ok(rc < 0,
	   "a ratio limit of 0 is an error: %s", err.msg);

	/* Names that would escape, links, devices, encryption. */
	rc = run(&s, "traversal.zip", NULL, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "ok.txt=fine|") == 0,
	   "traversal.zip: only ok.txt is extracted");
	ok(has(&s.skips, "../../etc/x: its path contains '..'|") &&
	   has(&s.skips, "/abs/y: its path is absolute|") &&
	   has(&s.skips, "a/../../z: its path contains '..'|") &&
	   /* libarchive turns the backslashes into slashes. */
	   has(&s.skips, "w: its path contains '..'|") &&
	   has(&s.skips, "C:/win: its path is absolute (it starts with a drive"),
	   "each other member is reported with its reason: %s", s.skips.data);
	rc = run(&s, "zlink.zip", NULL, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "ok.txt=fine|") == 0 &&
	   strcmp(s.skips.data, "link: it is a symbolic link|") == 0,
	   "a symlink in a zip is skipped: %s", s.skips.data);
	rc = run(&s, "links.tar", NULL, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "ok.txt=fine|last.txt=end|") == 0,
	   "links.tar: the regular members are extracted: %s",
	   s.members.data);
	is_str(s.skips.data, "sym: it is a symbolic link|hard: it is a hard link|"
	       "dev: it is a device|blk: it is a device|fifo: it is a FIFO|"
	       "../up.txt: its path contains '..'|/etc/abs.txt: its path is "
	       "absolute|", "links, devices, FIFOs and bad paths are skipped");
	rc = run(&s, "encrypted.zip", NULL, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "open.txt=open|") == 0 &&
	   strcmp(s.skips.data, "secret.txt: it is encrypted|") == 0,
	   "an encrypted member is skipped, the others extracted: %s %s",
	   s.skips.data, err.msg);

	/* Damage. */
	rc = run(&s, "truncated.zip", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "truncated or corrupt"),
	   "a truncated zip is an error: %s", err.msg);
	is_str(s.members.data, "part0.bin=(20000 bytes)|part1.bin=(20000 bytes)|",
	       "the members before the damage are handed over");
	rc = run(&s, "badcrc.zip", NULL, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "part0.bin=(20000 bytes)|part2.bin=(20000 "
		  "bytes)|") == 0 && has(&s.skips, "part1.bin: it is corrupt"),
	   "a member with a bad CRC is skipped, the others extracted: %s",
	   s.skips.data);
	rc = run(&s, "notarchive.txt", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "not a zip, tar or 7z archive"),
	   "a text file is not an archive: %s", err.msg);
	rc = run(&s, "empty", NULL, &st, &err);
	ok(rc < 0,
	   "an empty file is not an archive: %s", err.msg);
	rc = run(&s, "single.gz", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "not a zip, tar or 7z archive"),
	   "a gzipped file that is not a tar is refused: %s", err.msg);
	rc = run(&s, "does-not-exist.zip", NULL, &st, &err);
	ok(rc < 0 &&
	   strstr(err.msg, "No such file"), "a missing file: %s", err.msg);

	/* Nesting: the caller recurses with depth + 1. */
	s.nested = 1;
	rc = run(&s, "nest.zip", NULL, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "") == 0 &&
	   has(&s.nest_errors, "l4.zip: archives nested more than 3 deep"),
	   "nesting stops below depth 3: %s", s.nest_errors.data);
	vault_archive_limits_default(&lim);
	lim.max_depth = 5;
	rc = run(&s, "nest.zip", &lim, &st, &err);
	ok(rc == 0 &&
	   strcmp(s.members.data, "deep.txt=deepest|") == 0,
	   "with a depth limit of 5 the innermost member is reached: %s",
	   s.nest_errors.data);
	s.nested = 0;

	/* The caller's failure stops the expansion. */
	s.fail_at = 2;
	rc = run(&s, "normal.zip", NULL, &st, &err);
	ok(rc < 0 &&
	   strcmp(err.msg, "the store is full") == 0 && s.calls == 2,
	   "on_member's error stops the expansion: %s", err.msg);
	s.fail_at = 0;
	{
		char *missing = xasprintf("%s/nope", base);
		char *zip = xasprintf("%s/normal.zip", in_dir);

		rc = vault_archive_extract(zip, missing, 0, NULL, on_member,
					   NULL, &s, NULL, &err);
		ok(rc < 0 &&
		   strstr(err.msg, "not a directory"),
		   "a missing temp dir is an error: %s", err.msg);
		free(missing);
		free(zip);
	}

	is_int(leftovers, 0, "no run left a temp file behind");
	nftw(base, check_path, 16, FTW_PHYS);
	is_int(unexpected, 0, "nothing was written outside tmp/");

	cmd = xasprintf("rm -rf %s", base);
	(void)!system(cmd);
	free(cmd);
	free(in_dir);
	free(tmp_dir);
	buf_release(&s.members);
	buf_release(&s.skips);
	buf_release(&s.nest_errors);
	return done_testing();
}
