/*
 * vault_detect.c - see vault_detect.h.
 *
 * Content decides; the name only breaks ties libmagic leaves open
 * (text/plain that is really an e-mail, CSV or HTML; a PDF with junk before
 * its header). A zip is opened with libarchive's seekable zip reader alone,
 * which reads only the central directory, and at most
 * FV_DETECT_MAX_ZIP_ENTRIES names are looked at, plus up to 127 bytes of an
 * ODF "mimetype" member. A gzip, bzip2, xz or zstd file is an archive only
 * if what it decompresses to starts with a tar header (one header is read).
 * libmagic is never asked to decompress (MAGIC_COMPRESS is off: it would run
 * external programs).
 */
#include "config.h"

#include "vault_detect.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <magic.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"

#define MIME_DOCX "application/vnd.openxmlformats-officedocument." \
		  "wordprocessingml.document"
#define MIME_XLSX "application/vnd.openxmlformats-officedocument." \
		  "spreadsheetml.sheet"
#define MIME_PPTX "application/vnd.openxmlformats-officedocument." \
		  "presentationml.presentation"
#define MIME_ODT "application/vnd.oasis.opendocument.text"

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_cookie;

/* Where the bytes are: a file (path) or memory. */
struct source {
	const char *path;
	const void *data;
	size_t len;
};

static const struct {
	const char *mime;
	enum vault_kind kind;
} mime_kinds[] = {
	{ "application/pdf", VAULT_KIND_PDF },
	{ "image/png", VAULT_KIND_IMAGE },
	{ "image/jpeg", VAULT_KIND_IMAGE },
	{ "image/tiff", VAULT_KIND_IMAGE },
	{ "image/gif", VAULT_KIND_IMAGE },
	{ "image/webp", VAULT_KIND_IMAGE },
	{ "image/bmp", VAULT_KIND_IMAGE },
	{ "image/x-ms-bmp", VAULT_KIND_IMAGE },
	{ "text/html", VAULT_KIND_HTML },
	{ "message/rfc822", VAULT_KIND_EMAIL },
	{ "application/x-tar", VAULT_KIND_ARCHIVE },
	{ "application/x-7z-compressed", VAULT_KIND_ARCHIVE },
	{ "application/json", VAULT_KIND_TEXT },
	{ "application/xml", VAULT_KIND_TEXT },
	{ "application/csv", VAULT_KIND_TEXT },
	/* RTF is text/rtf but its text is buried in control words. */
	{ "text/rtf", VAULT_KIND_UNSUPPORTED },
};

static const char *const compressed_mimes[] = {
	"application/gzip", "application/x-gzip", "application/x-bzip2",
	"application/x-xz", "application/zstd", "application/x-zstd",
};

static const char *const kind_names[] = {
	[VAULT_KIND_UNSUPPORTED] = "unsupported",
	[VAULT_KIND_PDF] = "pdf",
	[VAULT_KIND_IMAGE] = "image",
	[VAULT_KIND_TEXT] = "text",
	[VAULT_KIND_HTML] = "html",
	[VAULT_KIND_DOCX] = "docx",
	[VAULT_KIND_ODT] = "odt",
	[VAULT_KIND_XLSX] = "xlsx",
	[VAULT_KIND_EMAIL] = "email",
	[VAULT_KIND_ARCHIVE] = "archive",
};

const char *
vault_kind_name(enum vault_kind kind)
{
	if ((size_t)kind >= ARRAY_SIZE(kind_names) || !kind_names[kind])
		return "unsupported";
	return kind_names[kind];
}

void
vault_detect_cleanup(void)
{
	pthread_mutex_lock(&magic_lock);
	if (magic_cookie)
		magic_close(magic_cookie);
	magic_cookie = NULL;
	pthread_mutex_unlock(&magic_lock);
}

/* Copies a MIME type, keeping only the characters a MIME type may have. */
static void
set_mime(struct vault_type *t, const char *mime)
{
	size_t o = 0;

	for (const char *p = mime; *p && o < sizeof(t->mime) - 1; p++) {
		char c = *p;

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || strchr("/.+-_", c))
			t->mime[o++] = c;
	}
	t->mime[o] = '\0';
	if (o == 0)
		snprintf(t->mime, sizeof(t->mime), "application/octet-stream");
}

/* libmagic's MIME type for the head of a file, under magic_lock. */
static int
magic_mime(const void *head, size_t len, struct vault_type *t,
	   struct error *err)
{
	const char *m;
	int rc = -1;

	pthread_mutex_lock(&magic_lock);
	if (magic_cookie == NULL) {
		magic_cookie = magic_open(MAGIC_MIME_TYPE);
		if (magic_cookie == NULL) {
			error_set(err, "cannot start libmagic: %s",
				  strerror(errno));
			goto out;
		}
		if (magic_load(magic_cookie, NULL) < 0) {
			error_set(err, "cannot load the libmagic database: %s",
				  magic_error(magic_cookie));
			magic_close(magic_cookie);
			magic_cookie = NULL;
			goto out;
		}
	}
	m = magic_buffer(magic_cookie, head, len);
	if (m == NULL) {
		error_set(err, "libmagic failed: %s", magic_error(magic_cookie));
		goto out;
	}
	set_mime(t, m);
	rc = 0;
out:
	pthread_mutex_unlock(&magic_lock);
	return rc;
}

static int
has_suffix(const char *name, const char *suffix)
{
	size_t n, s = strlen(suffix);

	if (name == NULL)
		return 0;
	n = strlen(name);
	return n >= s && strcasecmp(name + n - s, suffix) == 0;
}

static int
source_open(struct archive *a, const struct source *src)
{
	if (src->path)
		return archive_read_open_filename(a, src->path, 64 * 1024);
	return archive_read_open_memory(a, src->data, src->len);
}

/*
 * Looks into a zip for the parts that make it an office document. Anything
 * that is not a readable zip stays "application/zip", an archive, and the
 * archive module will say what is wrong with it.
 */
static void
zip_type(const struct source *src, struct vault_type *t)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;

	t->kind = VAULT_KIND_ARCHIVE;
	set_mime(t, "application/zip");
	if (archive_read_support_format_zip_seekable(a) != ARCHIVE_OK ||
	    source_open(a, src) != ARCHIVE_OK)
		goto out;
	for (int i = 0; i < FV_DETECT_MAX_ZIP_ENTRIES; i++) {
		const char *name;

		if (archive_read_next_header(a, &e) < ARCHIVE_WARN)
			break;
		name = archive_entry_pathname(e);
		if (name == NULL)
			continue;
		if (strcmp(name, "word/document.xml") == 0) {
			t->kind = VAULT_KIND_DOCX;
			set_mime(t, MIME_DOCX);
			break;
		}
		if (strcmp(name, "xl/workbook.xml") == 0) {
			t->kind = VAULT_KIND_XLSX;
			set_mime(t, MIME_XLSX);
			break;
		}
		if (strcmp(name, "ppt/presentation.xml") == 0) {
			t->kind = VAULT_KIND_UNSUPPORTED;
			set_mime(t, MIME_PPTX);
			break;
		}
		if (strcmp(name, "mimetype") == 0) {
			char m[128];
			la_ssize_t n = archive_read_data(a, m, sizeof(m) - 1);

			if (n <= 0)
				continue;
			m[n] = '\0';
			m[strcspn(m, "\r\n ")] = '\0';
			/* Other ODF (spreadsheets, slides) and EPUB are
			 * zips too, but not archives of documents. */
			t->kind = VAULT_KIND_UNSUPPORTED;
			set_mime(t, m);
			if (strcmp(m, MIME_ODT) == 0 ||
			    strcmp(m, MIME_ODT "-template") == 0) {
				t->kind = VAULT_KIND_ODT;
				set_mime(t, MIME_ODT);
			}
			break;
		}
	}
out:
	archive_read_free(a);
}

/* Whether a compressed file holds a tar: reads its first header only. */
static int
is_compressed_tar(const struct source *src)
{
	struct archive *a = archive_read_new();
	struct archive_entry *e;
	int yes = 0;

	if (archive_read_support_format_tar(a) == ARCHIVE_OK &&
	    archive_read_support_filter_gzip(a) == ARCHIVE_OK &&
	    archive_read_support_filter_bzip2(a) == ARCHIVE_OK &&
	    archive_read_support_filter_xz(a) == ARCHIVE_OK &&
	    archive_read_support_filter_zstd(a) == ARCHIVE_OK &&
	    source_open(a, src) == ARCHIVE_OK)
		yes = archive_read_next_header(a, &e) >= ARCHIVE_WARN;
	archive_read_free(a);
	return yes;
}

/* Case-insensitive: does the line at p start with the header name h? */
static int
header_is(const char *p, size_t len, const char *h)
{
	size_t n = strlen(h);

	return len > n && strncasecmp(p, h, n) == 0 && p[n] == ':';
}

/*
 * Whether text/plain is really an RFC 5322 message that libmagic missed: a
 * block of header lines (continuations allowed) up to an empty line, with a
 * From and a Date or Subject or Message-ID among them.
 */
static int
looks_like_mail(const char *s, size_t len)
{
	int from = 0, other = 0, lines = 0;
	size_t i = 0;

	while (i < len) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t n = nl ? (size_t)(nl - (s + i)) : len - i;
		const char *line = s + i;
		size_t k = 0;

		if (n > 0 && line[n - 1] == '\r')
			n--;
		if (n == 0)
			return lines > 0 && from && other;
		if (nl == NULL)
			return 0;
		if (line[0] == ' ' || line[0] == '\t') {
			if (lines == 0)
				return 0;
		} else {
			while (k < n && line[k] != ':' && line[k] > ' ' &&
			       line[k] < 0x7f)
				k++;
			if (k == 0 || k == n || line[k] != ':')
				return 0;
			from |= header_is(line, n, "From");
			other |= header_is(line, n, "Date") ||
				 header_is(line, n, "Subject") ||
				 header_is(line, n, "Message-ID");
		}
		lines++;
		i += (size_t)(nl - (s + i)) + 1;
	}
	return 0;
}

/* "%PDF-" within the first 1024 bytes, where PDF readers look for it. */
static int
has_pdf_header(const char *s, size_t len)
{
	size_t n = len < 1024 ? len : 1024;

	for (size_t i = 0; i + 5 <= n; i++)
		if (memcmp(s + i, "%PDF-", 5) == 0)
			return 1;
	return 0;
}

static int
detect(const struct source *src, const char *head, size_t head_len,
       const char *name, struct vault_type *ret, struct error *err)
{
	struct vault_type t;
	int is_zip;

	memset(&t, 0, sizeof(t));
	if (magic_mime(head, head_len, &t, err) < 0)
		return -1;
	t.kind = VAULT_KIND_UNSUPPORTED;
	for (size_t i = 0; i < ARRAY_SIZE(mime_kinds); i++)
		if (strcmp(t.mime, mime_kinds[i].mime) == 0)
			t.kind = mime_kinds[i].kind;
	if (t.kind == VAULT_KIND_UNSUPPORTED && strncmp(t.mime, "text/", 5) == 0
	    && strcmp(t.mime, "text/rtf") != 0)
		t.kind = VAULT_KIND_TEXT;

	is_zip = head_len >= 4 && memcmp(head, "PK\3\4", 4) == 0;
	if (is_zip || strcmp(t.mime, "application/zip") == 0 ||
	    strncmp(t.mime, "application/vnd.openxmlformats", 30) == 0 ||
	    strncmp(t.mime, "application/vnd.oasis.opendocument", 34) == 0) {
		zip_type(src, &t);
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(compressed_mimes); i++) {
		if (strcmp(t.mime, compressed_mimes[i]) == 0) {
			/* A compressed single file is not something we
			 * index; keep its MIME type for the listing. */
			t.kind = is_compressed_tar(src) ? VAULT_KIND_ARCHIVE :
				 VAULT_KIND_UNSUPPORTED;
			goto out;
		}
	}
	if (t.kind != VAULT_KIND_PDF &&
	    (strcmp(t.mime, "application/octet-stream") == 0 ||
	     (t.kind == VAULT_KIND_TEXT && has_suffix(name, ".pdf"))) &&
	    has_pdf_header(head, head_len)) {
		t.kind = VAULT_KIND_PDF;
		set_mime(&t, "application/pdf");
		goto out;
	}
	if (t.kind == VAULT_KIND_TEXT) {
		if (has_suffix(name, ".eml") || looks_like_mail(head, head_len)) {
			t.kind = VAULT_KIND_EMAIL;
			set_mime(&t, "message/rfc822");
		} else if (has_suffix(name, ".html") || has_suffix(name, ".htm")
			   || has_suffix(name, ".xhtml")) {
			t.kind = VAULT_KIND_HTML;
			set_mime(&t, "text/html");
		} else if (has_suffix(name, ".csv")) {
			set_mime(&t, "text/csv");
		}
	}
out:
	*ret = t;
	return 0;
}

int
vault_detect_mem(const void *data, size_t len, const char *name,
		 struct vault_type *ret, struct error *err)
{
	struct source src = { NULL, data ? data : "", data ? len : 0 };

	return detect(&src, src.data,
		      src.len < FV_DETECT_HEAD_BYTES ? src.len :
		      FV_DETECT_HEAD_BYTES, name, ret, err);
}

int
vault_detect_file(const char *path, const char *name, struct vault_type *ret,
		  struct error *err)
{
	struct source src = { path, NULL, 0 };
	char *head = NULL;
	size_t len = 0;
	struct stat sb;
	int fd, rc = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode)) {
		error_set(err, "%s: not a regular file", path);
		goto out;
	}
	head = xmalloc(FV_DETECT_HEAD_BYTES);
	while (len < FV_DETECT_HEAD_BYTES) {
		ssize_t n = read(fd, head + len, FV_DETECT_HEAD_BYTES - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			error_set(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	rc = detect(&src, head, len, name, ret, err);
out:
	free(head);
	close(fd);
	return rc;
}
