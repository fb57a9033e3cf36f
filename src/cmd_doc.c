/*
 * cmd_doc.c - "foivault doc": look at one document.
 *
 *   doc text ID      its text, pages separated by form feeds (DESIGN.md)
 *   doc show ID      its metadata, status, sources and links (JSON)
 *   doc link ID ...  link it to (or, with --reject, unlink it from)
 *                    negotiations and issues by hand
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

const char cmd_doc_usage[] =
	"usage: foivault [--data DIR] doc text ID\n"
	"       foivault [--data DIR] doc show ID\n"
	"       foivault [--data DIR] doc link ID [--reject] "
	"[--negotiation SLUG]... [--issue SLUG]...\n"
	"text: prints the document's text, pages separated by form feeds.\n"
	"show: prints its metadata, processing status, sources and links as "
	"JSON.\n"
	"link: links it by hand to negotiations and issues; --reject records\n"
	"      that it is not about them (rules will not link it again).\n";

/* The text of a whole document may be large, but not unbounded. */
#define DOC_TEXT_MAX (512u * 1024 * 1024)

static int
parse_id(struct cli *cli, const char *s, int64_t *ret)
{
	long long v;
	struct error err;

	if (parse_ll(s, 1, INT64_MAX, "document id", &v, &err) < 0)
		return cli_usage_error(cli, "%s", err.msg);
	*ret = v;
	return 0;
}

static int
doc_text(struct cli *cli, struct store *s, int64_t id)
{
	struct buf b;
	struct error err;
	char *st = NULL, *e = NULL;
	int rc = EXIT_USER;

	buf_init(&b, DOC_TEXT_MAX);
	if (store_document_status(s, id, &st, &e, &err) < 0)
		goto fail;
	if (strcmp(st, "done") != 0) {
		error_set(&err, "document %lld is %s%s%s: it has no text yet",
			  (long long)id, st, e ? ": " : "", e ? e : "");
		if (strcmp(st, "failed") == 0 || strcmp(st, "unsupported") == 0)
			error_set(&err, "document %lld has no text (%s%s%s)",
				  (long long)id, st, e ? ": " : "", e ? e : "");
		goto fail;
	}
	if (store_document_text(s, id, &b, &err) < 0)
		goto fail;
	fwrite(b.data ? b.data : "", 1, b.len, stdout);
	if (b.len && b.data[b.len - 1] != '\n')
		fputc('\n', stdout);
	rc = EXIT_OK;
	goto out;
fail:
	rc = cli_fail(&err);
out:
	(void)cli;
	free(st);
	free(e);
	buf_release(&b);
	return rc;
}

static int
doc_link(struct cli *cli, struct store *s, int64_t id, int argc, char **argv)
{
	const char *decision = "link";
	struct error err;
	json_t *o;
	int any = 0;

	o = store_document_json(s, NULL, id, &err);
	if (o == NULL) {
		if (!err.msg[0])
			error_set(&err, "no document %lld", (long long)id);
		return cli_fail(&err);
	}
	json_decref(o);
	for (int i = 0; i < argc; i++) {
		const char *what;

		if (strcmp(argv[i], "--reject") == 0) {
			decision = "reject";
			continue;
		}
		if (strcmp(argv[i], "--negotiation") == 0)
			what = "negotiation";
		else if (strcmp(argv[i], "--issue") == 0)
			what = "issue";
		else
			return cli_usage_error(cli, "unknown argument '%s'",
					       argv[i]);
		if (i + 1 >= argc)
			return cli_usage_error(cli, "%s needs a slug", argv[i]);
		if (store_document_link(s, id, what, argv[++i], "manual",
					decision, -1, NULL, &err) < 0)
			return cli_fail(&err);
		any = 1;
	}
	if (!any)
		return cli_usage_error(cli, "nothing to link: give --negotiation "
				       "or --issue");
	return EXIT_OK;
}

int
cmd_doc(struct cli *cli, int argc, char **argv)
{
	struct store *s = NULL;
	struct error err;
	int64_t id = 0;
	int rc;

	if (argc < 3)
		return cli_usage_error(cli, "doc needs an action and an id");
	if (parse_id(cli, argv[2], &id) != 0)
		return EXIT_USAGE;
	if (strcmp(argv[1], "text") != 0 && strcmp(argv[1], "show") != 0 &&
	    strcmp(argv[1], "link") != 0)
		return cli_usage_error(cli, "unknown action '%s'", argv[1]);
	if (strcmp(argv[1], "link") != 0 && argc > 3)
		return cli_usage_error(cli, "unexpected argument '%s'", argv[3]);
	if (cli_open_store(cli, 0, &s, &err) < 0)
		return cli_fail(&err);
	if (strcmp(argv[1], "text") == 0) {
		rc = doc_text(cli, s, id);
	} else if (strcmp(argv[1], "link") == 0) {
		rc = doc_link(cli, s, id, argc - 3, argv + 3);
	} else {
		json_t *o = store_document_json(s, NULL, id, &err);

		if (o == NULL) {
			if (!err.msg[0])
				error_set(&err, "no document %lld",
					  (long long)id);
			rc = cli_fail(&err);
		} else {
			json_dumpf(o, stdout, JSON_INDENT(2));
			fputc('\n', stdout);
			json_decref(o);
			rc = EXIT_OK;
		}
	}
	store_close(s);
	return rc;
}
