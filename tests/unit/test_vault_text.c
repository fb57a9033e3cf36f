/*
 * test_vault_text.c - text extraction: encodings of plain text, HTML (markup,
 * scripts, entities, tables, pre), the committed DOCX/ODT/XLSX fixtures, and
 * hostile input (DTDs, deep nesting, huge parts, bad references, cut
 * documents), always checking that the output is valid UTF-8 with no
 * control characters but tab, newline and the form feeds between pages.
 */
#include "config.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fvlimits.h"
#include "tap.h"
#include "util.h"
#include "vault_text.h"

/* Whether s is what every extraction must produce. */
static int
clean(const char *s, size_t n)
{
	if (!utf8_valid(s, n) || strlen(s) != n)
		return 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\f') ||
		    c == 0x7f)
			return 0;
	}
	return 1;
}

static void
text_is(enum vault_kind kind, const char *in, size_t n, const char *want,
	const char *what)
{
	struct vault_text t;
	struct error err;

	if (vault_text_extract_mem(kind, in, n, 0, &t, &err) < 0) {
		ok(0, "%s: %s", what, err.msg);
		return;
	}
	is_str(t.text, want, "%s", what);
	ok(clean(t.text, t.len) && t.pages == 1 && !t.truncated,
	   "%s: clean, one page", what);
	vault_text_release(&t);
}

#define TEXT_IS(kind, s, want, what) text_is(kind, s, sizeof(s) - 1, want, what)

static void
xml_is(enum vault_kind kind, const char *xml, const char *want,
       const char *what)
{
	struct vault_text t;
	struct error err;

	if (vault_text_from_xml(kind, xml, strlen(xml), 0, &t, &err) < 0) {
		ok(0, "%s: %s", what, err.msg);
		return;
	}
	is_str(t.text, want, "%s", what);
	vault_text_release(&t);
}

/* A zip in memory of (name, content) pairs; returns its size. */
static size_t
make_zip(char *out, size_t cap, const char *const *parts, size_t n,
	 size_t zeros_in_last)
{
	struct archive *a = archive_write_new();
	size_t used = 0;

	archive_write_set_format_zip(a);
	archive_write_open_memory(a, out, cap, &used);
	for (size_t i = 0; i < n; i += 2) {
		struct archive_entry *e = archive_entry_new();
		size_t len = strlen(parts[i + 1]);
		int last = i + 2 >= n;

		archive_entry_set_pathname(e, parts[i]);
		archive_entry_set_filetype(e, AE_IFREG);
		archive_entry_set_perm(e, 0644);
		archive_entry_set_size(e, (la_int64_t)(len + (last ?
						   zeros_in_last : 0)));
		archive_write_header(a, e);
		archive_write_data(a, parts[i + 1], len);
		if (last && zeros_in_last) {
			char *z = xcalloc(1, 1 << 20);

			for (size_t done = 0; done < zeros_in_last;
			     done += 1 << 20)
				archive_write_data(a, z, 1 << 20);
			free(z);
		}
		archive_entry_free(e);
	}
	archive_write_close(a);
	archive_write_free(a);
	return used;
}

static void
fixture(const char *dir, const char *name, enum vault_kind kind,
	const char *want, unsigned pages)
{
	char *p = xasprintf("%s/vault/%s", dir, name);
	struct vault_text t;
	struct error err;

	if (vault_text_extract_file(kind, p, 0, &t, &err) < 0) {
		ok(0, "%s: %s", name, err.msg);
		free(p);
		return;
	}
	is_str(t.text, want, "%s: its text", name);
	ok(clean(t.text, t.len) && t.pages == pages && !t.truncated,
	   "%s: clean, %u page(s) (got %u)", name, pages, t.pages);
	vault_text_release(&t);
	free(p);
}

int
main(void)
{
	const char *fixtures = getenv("FIXTURES");
	struct vault_text t;
	struct error err;
	struct buf big;
	char *zip = xmalloc(1 << 20);
	size_t n;
	int rc;

	if (fixtures == NULL)
		fixtures = "tests/fixtures";

	/* Plain text and its encodings. */
	TEXT_IS(VAULT_KIND_TEXT, "h\xc3\xa9llo\r\nworld\rthird\n",
		"h\xc3\xa9llo\nworld\nthird\n", "UTF-8, CRLF and CR line ends");
	TEXT_IS(VAULT_KIND_TEXT, "\xef\xbb\xbfwith BOM", "with BOM",
		"a UTF-8 BOM is dropped");
	TEXT_IS(VAULT_KIND_TEXT, "\xff\xfeh\0i\0\n\0\xac\x20",
		"hi\n\xe2\x82\xac", "UTF-16LE by its BOM");
	TEXT_IS(VAULT_KIND_TEXT, "\xfe\xff\0a\xd8\x3d\xde\x00\xd8\x00\0b",
		"a\xf0\x9f\x98\x80\xef\xbf\xbd" "b",
		"UTF-16BE: a surrogate pair, and a lone surrogate as U+FFFD");
	TEXT_IS(VAULT_KIND_TEXT, "caf\xe9 \x80 na\xefve",
		"caf\xc3\xa9 \xe2\x82\xac na\xc3\xafve",
		"not UTF-8: read as Windows-1252");
	TEXT_IS(VAULT_KIND_TEXT, "d\xc3\xa9j\xc3\xa0 vu \xff ok",
		"d\xc3\xa9j\xc3\xa0 vu \xef\xbf\xbd ok",
		"mostly UTF-8: one bad byte is U+FFFD");
	TEXT_IS(VAULT_KIND_TEXT, "a\x01" "b\fc\0d\x7f" "e\xc2\x85" "f",
		"ab\ncd" "e\n" "f",
		"controls dropped; form feeds, NEL become newlines (no fake pages)");
	TEXT_IS(VAULT_KIND_TEXT, "", "", "empty text");

	/* The output cap cuts at a character boundary. */
	rc = vault_text_extract_mem(VAULT_KIND_TEXT, "\xc3\xa9\xc3\xa9\xc3\xa9"
				    "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 14, 9,
				    &t, &err);
	ok(rc == 0 && t.len == 8 && t.truncated && clean(t.text, t.len),
	   "a cap of 9 bytes keeps 4 two-byte characters, marked truncated");
	vault_text_release(&t);
	rc = vault_text_extract_mem(VAULT_KIND_TEXT, "abcdefghij", 10, 10, &t,
				    &err);
	ok(rc == 0 && t.len == 10 && !t.truncated,
	   "10 bytes fit a cap of 10 and are not marked truncated");
	vault_text_release(&t);

	/* HTML. */
	TEXT_IS(VAULT_KIND_HTML,
		"<!DOCTYPE html><html><head><title>FOI &amp; you</title>"
		"<style>p{color:red}</style><script>var x = \"<p>not text</p>"
		"\";</script></head><body><h1>Release</h1>"
		"<p>Para one   with\n spaces&nbsp;and &eacute;&#233;&#x20ac;"
		"&#150;</p><div>Block<br>after br</div>"
		"<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td></td>"
		"<td>3</td></tr></table><pre>  keep\n  this</pre>"
		"<!-- comment <p>hidden</p> --><p>a < b &unknown; end</p>"
		"<SCRIPT type=x>document.write('<b>no</b>')</SCRIPT >"
		"<P CLASS=x>upper case</P></body></html>",
		"FOI & you\nRelease\nPara one with spaces\xc2\xa0" "and "
		"\xc3\xa9\xc3\xa9\xe2\x82\xac\xe2\x80\x93\nBlock\nafter br\n"
		"A\tB\n1\t\t3\n  keep\n  this\na < b &unknown; end\n"
		"upper case\n",
		"HTML: title, blocks, entities, table, pre; no script or style");
	TEXT_IS(VAULT_KIND_HTML, "<p>caf\xe9</p>", "caf\xc3\xa9\n",
		"HTML in Windows-1252");
	TEXT_IS(VAULT_KIND_HTML, "<p>cut<b", "cut\n", "HTML cut inside a tag");
	TEXT_IS(VAULT_KIND_HTML, "<script>never closed <p>x</p>", "",
		"an unclosed script hides the rest, and ends");
	TEXT_IS(VAULT_KIND_HTML, "<p title='a>b'>q</p><p a=\"unclosed>x",
		"q\n", "'>' in quoted attributes, an unclosed quote");
	buf_init(&big, 16 << 20);
	for (int i = 0; i < 200000; i++)
		buf_addstr(&big, "<div>");
	buf_addstr(&big, "deep");
	rc = vault_text_extract_mem(VAULT_KIND_HTML, big.data, big.len, 0, &t,
				    &err);
	ok(rc == 0 && strcmp(t.text, "deep\n") == 0,
	   "200,000 nested divs: HTML has no depth to overflow");
	vault_text_release(&t);

	/* The office fixtures. */
	fixture(fixtures, "sample.docx", VAULT_KIND_DOCX,
		"Trade in Services Agreement\nArticle 1: Cross-border data "
		"flows\nTab\tseparated & escaped <ok> caf\xc3\xa9 \xe2\x82\xac\n"
		"Deleted:\nParty\tPosition\nEU (second paragraph)\tOpposes\n"
		"L\xc3\xadnea con acentos\nafter break\n", 1);
	fixture(fixtures, "sample.odt", VAULT_KIND_ODT,
		"Heading\nFirst   spaced\ttabbed\nnext line\nSpan inside & more\n"
		"A1\tB1\nNote end\n", 1);
	fixture(fixtures, "sample.xlsx", VAULT_KIND_XLSX,
		"Item\tCost\nRich text\t42.5\nInline\t\tTRUE\n85\n\f"
		"Donn\xc3\xa9" "es\n", 2);
	{
		char *p = xasprintf("%s/vault/sample.xlsx", fixtures);

		rc = vault_text_extract_file(VAULT_KIND_XLSX, p, 12, &t, &err);
		ok(rc == 0 && t.truncated && t.len <= 12 &&
		   clean(t.text, t.len), "an XLSX with a 12-byte cap: '%s'",
		   rc ? err.msg : t.text);
		vault_text_release(&t);
		rc = vault_text_extract_file(VAULT_KIND_DOCX, p, 0, &t, &err);
		ok(rc < 0 && strstr(err.msg, "not a DOCX"),
		   "an XLSX is not a DOCX: %s", err.msg);
		free(p);
	}

	/* Office XML parts on their own, and hostile ones. */
	xml_is(VAULT_KIND_DOCX, "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\"/>"
	       "</w:tabs></w:pPr><w:r><w:t>no stray tab</w:t></w:r></w:p>",
	       "no stray tab\n", "DOCX tab stops are not tabs");
	xml_is(VAULT_KIND_DOCX, "<w:p><mc:AlternateContent><mc:Choice><w:t>box"
	       "</w:t></mc:Choice><mc:Fallback><w:t>box</w:t></mc:Fallback>"
	       "</mc:AlternateContent></w:p>", "box\n",
	       "a DOCX text box is not read twice");
	xml_is(VAULT_KIND_DOCX, "<w:t>&#0;&#xD800;&#x110000;&#99999999999;"
	       "&#x41;&bogus;&</w:t>", "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"
	       "&#99999999999;A&bogus;&\n", "bad character references");
	xml_is(VAULT_KIND_DOCX, "<w:t><![CDATA[<raw> & ]]></w:t>", "<raw> & \n",
	       "CDATA is text, not markup (DOCX keeps spaces)");
	xml_is(VAULT_KIND_DOCX, "<w:t>never closed", "never closed\n",
	       "an unclosed element");
	xml_is(VAULT_KIND_XLSX, "<row><c r=\"A1\" t=\"s\"><v>7</v></c>"
	       "<c r=\"C1\"><v>x</v></c></row>", "\t\tx\n",
	       "a shared string without a table is empty");
	rc = vault_text_from_xml(VAULT_KIND_XLSX, "<row><c r=\"ZZZZZ1\"><v>"
				 "far</v></c></row>", 37, 0, &t, &err);
	ok(rc == 0 && strspn(t.text, "\t") == FV_MAX_XLSX_COLUMNS - 1 &&
	   strcmp(t.text + FV_MAX_XLSX_COLUMNS - 1, "far\n") == 0,
	   "a column past XFD is put in the last column");
	vault_text_release(&t);
	rc = vault_text_from_xml(VAULT_KIND_DOCX, "<!DOCTYPE x [<!ENTITY a "
				 "\"aaaa\"><!ENTITY b \"&a;&a;&a;\">]><w:t>&b;"
				 "</w:t>", 80, 0, &t, &err);
	ok(rc < 0 && strstr(err.msg, "document type"),
	   "a DTD (entity expansion) is refused: %s", err.msg);
	buf_reset(&big);
	for (int i = 0; i < FV_MAX_XML_DEPTH - 1; i++)
		buf_addstr(&big, "<w:x>");
	buf_addstr(&big, "<w:t>ok</w:t>");
	rc = vault_text_from_xml(VAULT_KIND_DOCX, big.data, big.len, 0, &t,
				 &err);
	ok(rc == 0 && strcmp(t.text, "ok\n") == 0, "XML nested %d deep is "
	   "read", FV_MAX_XML_DEPTH);
	vault_text_release(&t);
	buf_reset(&big);
	for (int i = 0; i < FV_MAX_XML_DEPTH; i++)
		buf_addstr(&big, "<w:x>");
	buf_addstr(&big, "<w:t>ok</w:t>");
	rc = vault_text_from_xml(VAULT_KIND_DOCX, big.data, big.len, 0, &t,
				 &err);
	ok(rc < 0 && strstr(err.msg, "nested more than"), "one level deeper "
	   "is refused: %s", err.msg);
	buf_reset(&big);
	buf_addstr(&big, "<w:t");
	for (int i = 0; i < 100000; i++)
		buf_printf(&big, " a%d='%d'", i, i);
	buf_addstr(&big, ">many attributes</w:t>");
	rc = vault_text_from_xml(VAULT_KIND_DOCX, big.data, big.len, 0, &t,
				 &err);
	ok(rc == 0 && strcmp(t.text, "many attributes\n") == 0,
	   "100,000 attributes on one element");
	vault_text_release(&t);
	buf_release(&big);

	/* Damaged and hostile office zips. */
	{
		static const char *const no_doc[] = { "word/other.xml", "<x/>" };
		static const char *const bomb[] = { "word/document.xml",
						    "<w:t>zeros follow" };
		static const char *const bad_sheets[] = {
			"xl/workbook.xml", "<workbook><sheets><sheet name=\"a\" "
			"r:id=\"rId1\"/><sheet name=\"b\" r:id=\"rId9\"/>"
			"</sheets></workbook>",
			"xl/_rels/workbook.xml.rels", "<Relationships>"
			"<Relationship Id=\"rId1\" Target=\"worksheets/s1.xml\"/>"
			"</Relationships>",
			"xl/sharedStrings.xml", "<sst><si><t>only</t></si>",
			"xl/worksheets/s1.xml", "<row><c t=\"s\"><v>0</v></c>"
			"<c t=\"s\"><v>5</v></c><c t=\"s\"><v>-1</v></c>"
			"<c t=\"s\"><v>x</v></c><c t=\"b\"><v>0</v></c></row>" };
		char *p;

		n = make_zip(zip, 1 << 20, no_doc, 2, 0);
		rc = vault_text_extract_mem(VAULT_KIND_DOCX, zip, n, 0, &t, &err);
		ok(rc < 0 && strstr(err.msg, "has no word/document.xml"),
		   "a zip without word/document.xml: %s", err.msg);
		rc = vault_text_extract_mem(VAULT_KIND_DOCX, "PK not a zip", 12,
					    0, &t, &err);
		ok(rc < 0, "not a zip at all: %s", err.msg);
		n = make_zip(zip, 1 << 20, bomb, 2, FV_MAX_OFFICE_PART);
		rc = vault_text_extract_mem(VAULT_KIND_DOCX, zip, n, 0, &t, &err);
		ok(rc < 0 && strstr(err.msg, "larger than the limit of"),
		   "a %zu-byte DOCX whose document.xml expands past 64 MiB: %s",
		   n, err.msg);
		n = make_zip(zip, 1 << 20, bad_sheets, 8, 0);
		rc = vault_text_extract_mem(VAULT_KIND_XLSX, zip, n, 0, &t, &err);
		ok(rc == 0 && strcmp(t.text, "only\t\t\t\tFALSE\n\f") == 0 &&
		   t.pages == 2, "bad string indexes are empty cells, a sheet "
		   "without a part an empty page: %s", rc ? err.msg : "");
		vault_text_release(&t);

		p = xasprintf("%s/vault/sample.docx", fixtures);
		{
			FILE *f = fopen(p, "rb");

			n = f ? fread(zip, 1, 1 << 20, f) : 0;
			if (f)
				fclose(f);
		}
		free(p);
		{
			int bad = 0, errors = 0;

			for (size_t cut = 0; cut < n; cut += 97) {
				err.msg[0] = '\0';
				rc = vault_text_extract_mem(VAULT_KIND_DOCX, zip,
							    cut, 0, &t, &err);
				if (rc == 0) {
					bad += !clean(t.text, t.len);
					vault_text_release(&t);
				} else {
					errors++;
					bad += err.msg[0] == '\0';
				}
			}
			ok(bad == 0 && errors > 0, "sample.docx cut at every 97th "
			   "byte: %d errors with a message, the rest clean "
			   "text", errors);
		}
	}

	rc = vault_text_extract_mem(VAULT_KIND_PDF, "%PDF", 4, 0, &t, &err);
	ok(rc < 0 && strstr(err.msg, "no text extraction for pdf"),
	   "a PDF is not for this module: %s", err.msg);
	rc = vault_text_extract_file(VAULT_KIND_TEXT, "/nonexistent/x.txt", 0,
				     &t, &err);
	ok(rc < 0 && strstr(err.msg, "No such file"), "a missing file: %s",
	   err.msg);
	{
		char path[] = "/tmp/fv-text-XXXXXX";
		int fd = mkstemp(path);

		(void)!write(fd, "<p>from a file</p>", 18);
		close(fd);
		rc = vault_text_extract_file(VAULT_KIND_HTML, path, 0, &t, &err);
		ok(rc == 0 && strcmp(t.text, "from a file\n") == 0,
		   "HTML from a file");
		vault_text_release(&t);
		unlink(path);
	}
	vault_text_release(NULL);
	free(zip);
	return done_testing();
}
