/*
 * test_vault_detect.c - type detection: every kind we index, the ties the
 * file name breaks, zips that are office documents, compressed files that
 * are or are not tars, and files we do not index.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"
#include "vault_detect.h"

#define ARCHIVE_BUF (256 * 1024)

/* An archive in memory: format and filter as libarchive names them. */
static size_t
make_archive(unsigned char *out, const char *format, const char *filter,
	     const char *const *names, size_t n)
{
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format_by_name(a, format);
	if (filter)
		archive_write_add_filter_by_name(a, filter);
	archive_write_open_memory(a, out, ARCHIVE_BUF, &used);
	for (size_t i = 0; i < n; i++) {
		struct archive_entry *e = archive_entry_new();
		const char *data = names[i];
		size_t len = strlen(data);

		/* An ODF mimetype member holds the type after the '='. */
		if (strncmp(names[i], "mimetype=", 9) == 0) {
			data = names[i] + 9;
			len = strlen(data);
			archive_entry_set_pathname(e, "mimetype");
		} else {
			archive_entry_set_pathname(e, names[i]);
		}
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)len);
		archive_write_header(a, e);
		archive_write_data(a, data, len);
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static void
check(const void *data, size_t len, const char *name, enum vault_kind kind,
      const char *mime, const char *what)
{
	struct vault_type t;
	struct error err;

	err.msg[0] = '\0';
	if (vault_detect_mem(data, len, name, &t, &err) < 0) {
		ok(0, "%s: %s", what, err.msg);
		return;
	}
	ok(t.kind == kind && strcmp(t.mime, mime) == 0, "%s: %s (%s)", what,
	   vault_kind_name(t.kind), t.mime);
	if (t.kind != kind || strcmp(t.mime, mime) != 0)
		diag("expected %s (%s)", vault_kind_name(kind), mime);
}

/* A committed fixture, by its path under FIXTURES. */
static void
check_file(const char *fixtures, const char *name, enum vault_kind kind)
{
	char *p = xasprintf("%s/vault/%s", fixtures, name);
	struct vault_type t;
	struct error err;
	int rc = vault_detect_file(p, name, &t, &err);

	ok(rc == 0 && t.kind == kind, "%s is %s (%s)", name,
	   vault_kind_name(kind), rc == 0 ? vault_kind_name(t.kind) : err.msg);
	free(p);
}

#define CHECK(s, name, kind, mime, what) \
	check(s, sizeof(s) - 1, name, kind, mime, what)

int
main(void)
{
	static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR\0\0\0\1\0\0\0"
				  "\1\x08\0\0\0\0\0\0\0\0";
	static const char jpeg[] = "\xff\xd8\xff\xe0\0\x10JFIF\0\1\1\0\0\1\0\1\0\0";
	static const char gif[] = "GIF89a\1\0\1\0\0\0\0";
	static const char tiff[] = "II*\0\x08\0\0\0\0\0";
	static const char webp[] = "RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0";
	static const char bmp[] = "BM\x3a\0\0\0\0\0\0\0\x36\0\0\0\x28\0\0\0\1\0\0"
				  "\0\1\0\0\0\1\0\x18\0\0\0\0\0\4\0\0\0\0\0\0\0"
				  "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0";
	static const char pdf[] = "%PDF-1.4\n1 0 obj\n<<>>\nendobj\n";
	static const char late_pdf[] = "\x01\x02\x03junk from a scanner\x04\n"
				       "%PDF-1.4\n1 0 obj\n";
	static const char html[] = "<!DOCTYPE html><html><body><p>x</p></body>"
				   "</html>\n";
	static const char short_html[] = "<p>hello</p>\n";
	static const char mail[] = "Received: from x\nFrom: a@b\nTo: c@d\n"
				   "Subject: s\n\nbody\n";
	static const char mail2[] = "MIME-Version: 1.0\r\nFrom: a@b\r\nSubject: "
				    "FOI\r\n  request\r\n\r\nbody\r\n";
	static const char not_mail[] = "Subject: talks\nTo: the minister\n\nnotes\n";
	static const char text[] = "Minutes of the meeting on e-commerce.\n";
	static const char csv[] = "a,b,c\n1,2,3\n4,5,6\n";
	static const char rtf[] = "{\\rtf1\\ansi hello}";
	static const char utf16[] = "\xff\xfeh\0i\0\n\0";
	static const char latin1[] = "caf\xe9 cr\xe8me\n";
	unsigned char *ar = xmalloc(ARCHIVE_BUF);
	const char *fixtures = getenv("FIXTURES");
	struct vault_type t;
	struct error err;
	size_t n;
	int rc;

	CHECK(pdf, NULL, VAULT_KIND_PDF, "application/pdf", "a PDF");
	CHECK(late_pdf, "scan.pdf", VAULT_KIND_PDF, "application/pdf",
	      "a PDF with junk before %PDF, named .pdf");
	CHECK(png, NULL, VAULT_KIND_IMAGE, "image/png", "a PNG");
	CHECK(jpeg, NULL, VAULT_KIND_IMAGE, "image/jpeg", "a JPEG");
	CHECK(gif, NULL, VAULT_KIND_IMAGE, "image/gif", "a GIF");
	CHECK(tiff, NULL, VAULT_KIND_IMAGE, "image/tiff", "a TIFF");
	CHECK(webp, NULL, VAULT_KIND_IMAGE, "image/webp", "a WebP");
	CHECK(bmp, NULL, VAULT_KIND_IMAGE, "image/bmp", "a BMP");
	CHECK(png, "letter.pdf", VAULT_KIND_IMAGE, "image/png",
	      "content wins over a misleading name");
	CHECK(html, NULL, VAULT_KIND_HTML, "text/html", "an HTML page");
	CHECK(short_html, "page.htm", VAULT_KIND_HTML, "text/html",
	      "a fragment libmagic calls text/plain, named .htm");
	CHECK(short_html, NULL, VAULT_KIND_TEXT, "text/plain",
	      "the same without a name");
	CHECK(mail, NULL, VAULT_KIND_EMAIL, "message/rfc822", "an e-mail");
	CHECK(mail2, NULL, VAULT_KIND_EMAIL, "message/rfc822",
	      "an e-mail libmagic calls text/plain (CRLF, folded header)");
	CHECK(text, "reply.eml", VAULT_KIND_EMAIL, "message/rfc822",
	      "text named .eml");
	CHECK(not_mail, NULL, VAULT_KIND_TEXT, "text/plain",
	      "header-like text without a From: is not mail");
	CHECK(text, NULL, VAULT_KIND_TEXT, "text/plain", "plain text");
	CHECK(csv, "budget.csv", VAULT_KIND_TEXT, "text/csv", "a CSV");
	CHECK(utf16, NULL, VAULT_KIND_TEXT, "text/plain", "UTF-16 text");
	CHECK(latin1, NULL, VAULT_KIND_TEXT, "text/plain", "Latin-1 text");
	CHECK(rtf, NULL, VAULT_KIND_UNSUPPORTED, "text/rtf",
	      "RTF is not indexed");
	check("", 0, "empty.pdf", VAULT_KIND_UNSUPPORTED, "application/x-empty",
	      "an empty file");
	check(NULL, 0, NULL, VAULT_KIND_UNSUPPORTED, "application/x-empty",
	      "no bytes at all");
	{
		unsigned char bin[256];

		for (int i = 0; i < 256; i++)
			bin[i] = (unsigned char)(255 - i);
		ok(vault_detect_mem(bin, sizeof(bin), "x.txt", &t, &err) == 0 &&
		   t.kind == VAULT_KIND_UNSUPPORTED && t.mime[0] != '\0',
		   "binary junk named .txt is unsupported (%s)", t.mime);
	}

	/* Archives and compressed files. */
	{
		static const char *const plain[] = { "a.txt", "b/c.pdf" };
		static const char *const docx[] = { "[Content_Types].xml",
			"_rels/.rels", "word/document.xml" };
		static const char *const xlsx[] = { "[Content_Types].xml",
			"xl/workbook.xml", "xl/worksheets/sheet1.xml" };
		static const char *const pptx[] = { "[Content_Types].xml",
			"ppt/presentation.xml" };
		static const char *const odt[] = {
			"mimetype=application/vnd.oasis.opendocument.text",
			"content.xml" };
		static const char *const ods[] = {
			"mimetype=application/vnd.oasis.opendocument.spreadsheet",
			"content.xml" };
		static const char *const epub[] = {
			"mimetype=application/epub+zip", "OEBPS/x.html" };
		static const struct {
			const char *format, *filter;
		} tars[] = { { "pax", NULL }, { "pax", "gzip" },
			     { "pax", "bzip2" }, { "pax", "xz" },
			     { "pax", "zstd" }, { "7zip", NULL } };

		n = make_archive(ar, "zip", NULL, plain, 2);
		check(ar, n, "bundle.zip", VAULT_KIND_ARCHIVE, "application/zip",
		      "a zip");
		n = make_archive(ar, "zip", NULL, docx, 3);
		check(ar, n, NULL, VAULT_KIND_DOCX, "application/vnd."
		      "openxmlformats-officedocument.wordprocessingml.document",
		      "a zip with word/document.xml");
		n = make_archive(ar, "zip", NULL, xlsx, 3);
		check(ar, n, NULL, VAULT_KIND_XLSX, "application/vnd."
		      "openxmlformats-officedocument.spreadsheetml.sheet",
		      "a zip with xl/workbook.xml");
		n = make_archive(ar, "zip", NULL, odt, 2);
		check(ar, n, NULL, VAULT_KIND_ODT,
		      "application/vnd.oasis.opendocument.text",
		      "a zip whose mimetype says ODT");
		n = make_archive(ar, "zip", NULL, ods, 2);
		check(ar, n, NULL, VAULT_KIND_UNSUPPORTED,
		      "application/vnd.oasis.opendocument.spreadsheet",
		      "an ODS is not indexed, nor expanded as an archive");
		n = make_archive(ar, "zip", NULL, epub, 2);
		check(ar, n, NULL, VAULT_KIND_UNSUPPORTED, "application/epub+zip",
		      "an EPUB is not indexed");
		n = make_archive(ar, "zip", NULL, pptx, 2);
		check(ar, n, NULL, VAULT_KIND_UNSUPPORTED, "application/vnd."
		      "openxmlformats-officedocument.presentationml.presentation",
		      "a PPTX is not indexed");
		ok(n > 100, "a zip truncated before its central directory...");
		check(ar, 60, NULL, VAULT_KIND_ARCHIVE, "application/zip",
		      "...is an archive, for the archive module to judge");
		for (size_t i = 0; i < ARRAY_SIZE(tars); i++) {
			struct vault_type tt;

			n = make_archive(ar, tars[i].format, tars[i].filter,
					 plain, 2);
			ok(vault_detect_mem(ar, n, NULL, &tt, &err) == 0 &&
			   tt.kind == VAULT_KIND_ARCHIVE, "%s%s%s is an archive "
			   "(%s)", tars[i].format, tars[i].filter ? "+" : "",
			   tars[i].filter ? tars[i].filter : "", tt.mime);
		}
		n = make_archive(ar, "raw", "gzip", plain, 1);
		check(ar, n, "a.txt.gz", VAULT_KIND_UNSUPPORTED, "application/gzip",
		      "a gzipped file that is not a tar is not an archive");
	}

	/* Files: the committed fixtures, and errors. */
	if (fixtures == NULL)
		fixtures = "tests/fixtures";
	check_file(fixtures, "sample.docx", VAULT_KIND_DOCX);
	check_file(fixtures, "sample.odt", VAULT_KIND_ODT);
	check_file(fixtures, "sample.xlsx", VAULT_KIND_XLSX);
	{
		char path[] = "/tmp/fv-detect-XXXXXX";
		int fd = mkstemp(path);

		(void)!write(fd, mail, sizeof(mail) - 1);
		close(fd);
		rc = vault_detect_file(path, NULL, &t, &err);
		ok(rc == 0 && t.kind == VAULT_KIND_EMAIL, "a file: %s",
		   vault_kind_name(t.kind));
		unlink(path);
		ok(vault_detect_file(path, NULL, &t, &err) < 0 &&
		   strstr(err.msg, "No such file"), "a missing file: %s",
		   err.msg);
	}
	ok(vault_detect_file("/tmp", NULL, &t, &err) < 0 &&
	   strstr(err.msg, "not a regular file"), "a directory: %s", err.msg);
	is_str(vault_kind_name(VAULT_KIND_XLSX), "xlsx", "kind names");
	is_str(vault_kind_name((enum vault_kind)99), "unsupported",
	       "an unknown kind's name");

	free(ar);
	vault_detect_cleanup();
	return done_testing();
}
