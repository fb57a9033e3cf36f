/*
 * cmd_search.c - "foivault search": the vault's search from the command
 * line (DESIGN.md fixes the --json shape; docs/search.md the language).
 *
 * The CLI is the instance's operator, who sees every document (viewer
 * NULL), embargoed ones included. The plain output is one block per
 * document: id, title, date, type, links, then its best hit pages with
 * their snippets, hits shown in bold on a terminal and as *word* otherwise.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "fvlimits.h"
#include "vault_query.h"

const char cmd_search_usage[] =
	"usage: foivault [--data DIR] search [--json] [--sort relevance|date|-date]\n"
	"                [--page N] [--per-page N] [--] QUERY...\n"
	"Searches the text of every page in the vault and prints the matching\n"
	"documents with their hit pages and snippets. The words of QUERY are\n"
	"joined with spaces; the language (phrases, OR, -word, prefix*,\n"
	"filters such as issue:source-code or after:2019) is in docs/search.md.\n"
	"  --json          print the results as JSON (docs/api.md, /api/v1/search)\n"
	"  --sort S        relevance (default), date (oldest first) or -date\n"
	"  --page N        page of results, from 1\n"
	"  --per-page N    documents per page (default 20, at most 100)\n"
	"Exit status 0 (also when no document matches), 1 if the query cannot\n"
	"be understood (the message says where), 2 on a usage error.\n";

/* The snippet's HTML (only &-entities and <mark>) as terminal text. */
static void
print_snippet(const char *html, int tty)
{
	static const struct {
		const char *from, *to_tty, *to_plain;
	} subs[] = {
		{ "<mark>", "\033[1m", "*" },
		{ "</mark>", "\033[0m", "*" },
		{ "&lt;", "<", "<" },
		{ "&gt;", ">", ">" },
		{ "&amp;", "&", "&" },
		{ "&quot;", "\"", "\"" },
		{ "&#39;", "'", "'" },
	};

	for (const char *p = html; *p;) {
		size_t i;

		for (i = 0; i < ARRAY_SIZE(subs); i++) {
			size_t n = strlen(subs[i].from);

			if (strncmp(p, subs[i].from, n) == 0) {
				fputs(tty ? subs[i].to_tty : subs[i].to_plain,
				      stdout);
				p += n;
				break;
			}
		}
		if (i == ARRAY_SIZE(subs))
			putchar(*p++);
	}
}

static void
print_slugs(const char *label, json_t *arr)
{
	size_t i;
	json_t *v;

	if (json_array_size(arr) == 0)
		return;
	printf("    %s:", label);
	json_array_foreach(arr, i, v)
		printf(" %s", json_string_value(v));
	putchar('\n');
}

static const char *
str_or(json_t *o, const char *key, const char *def)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s && *s ? s : def;
}

static void
print_results(json_t *res)
{
	int tty = isatty(STDOUT_FILENO);
	json_int_t total = json_integer_value(json_object_get(res, "total"));
	json_int_t page = json_integer_value(json_object_get(res, "page"));
	json_int_t per = json_integer_value(json_object_get(res, "per_page"));
	json_t *results = json_object_get(res, "results"), *d;
	size_t i;

	if (total == 0) {
		puts("no documents match");
		return;
	}
	if (json_array_size(results) == 0) {
		printf("%lld document%s; page %lld is past the last\n",
		       (long long)total, total == 1 ? " matches" : "s match",
		       (long long)page);
		return;
	}
	printf("%lld document%s", (long long)total,
	       total == 1 ? " matches" : "s match");
	if (total > per)
		printf(" (%lld-%lld shown, --page for more)",
		       (long long)((page - 1) * per + 1),
		       (long long)((page - 1) * per +
				   (json_int_t)json_array_size(results)));
	printf("\n");
	json_array_foreach(results, i, d) {
		json_t *pages = json_object_get(d, "pages"), *pg;
		json_int_t hits = json_integer_value(json_object_get(d,
							"hit_pages"));
		size_t k;

		printf("\n%s[%lld] ", tty ? "\033[1m" : "",
		       (long long)json_integer_value(json_object_get(d, "id")));
		fputs(str_or(d, "title", "(untitled)"), stdout);
		printf("%s\n    %s", tty ? "\033[0m" : "", str_or(d, "date",
							       "undated"));
		if (json_string_value(json_object_get(d, "reference")))
			printf(" · %s", str_or(d, "reference", ""));
		printf(" · %s", str_or(d, "type", "unknown type"));
		if (json_string_value(json_object_get(d, "lang")))
			printf(" · %s", str_or(d, "lang", ""));
		if (hits)
			printf(" · %lld hit page%s", (long long)hits,
			       hits == 1 ? "" : "s");
		putchar('\n');
		print_slugs("negotiations", json_object_get(d, "negotiations"));
		print_slugs("issues", json_object_get(d, "issues"));
		json_array_foreach(pages, k, pg) {
			printf("    p. %lld: ", (long long)json_integer_value(
				       json_object_get(pg, "n")));
			print_snippet(str_or(pg, "snippet", ""), tty);
			putchar('\n');
		}
		if (hits > (json_int_t)json_array_size(pages))
			printf("    (%lld more hit page%s)\n",
			       (long long)(hits - (json_int_t)json_array_size(pages)),
			       hits - (json_int_t)json_array_size(pages) == 1 ?
			       "" : "s");
	}
}

/* "--name VALUE" or "--name=VALUE": the value, or NULL if a is not name. */
static const char *
option_value(int argc, char **argv, int *i, const char *name, int *missing)
{
	const char *a = argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n) != 0 || (a[n] != '\0' && a[n] != '='))
		return NULL;
	if (a[n] == '=')
		return a + n + 1;
	if (*i + 1 >= argc) {
		*missing = 1;
		return NULL;
	}
	return argv[++*i];
}

int
cmd_search(struct cli *cli, int argc, char **argv)
{
	struct store_search_opts o = {
		.page = 1, .per_page = FV_SEARCH_DEFAULT_PER_PAGE, .facets = 1,
	};
	struct vault_query_where where;
	struct vault_query *q = NULL;
	struct store *s = NULL;
	struct error err;
	struct buf text;
	json_t *res = NULL;
	int i, json = 0, rc = EXIT_USER;

	for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		const char *v;
		int missing = 0;
		long long n;

		if (strcmp(argv[i], "--") == 0) {
			i++;
			break;
		}
		if (strcmp(argv[i], "--json") == 0) {
			json = 1;
		} else if ((v = option_value(argc, argv, &i, "--sort",
					     &missing)) != NULL) {
			if (store_search_sort_parse(v, &o.sort) < 0)
				return cli_usage_error(cli, "--sort takes "
						       "relevance, date or -date");
		} else if ((v = option_value(argc, argv, &i, "--page",
					     &missing)) != NULL) {
			if (parse_ll(v, 1, FV_SEARCH_MAX_PAGE, "--page", &n,
				     &err) < 0)
				return cli_usage_error(cli, "%s", err.msg);
			o.page = (int)n;
		} else if ((v = option_value(argc, argv, &i, "--per-page",
					     &missing)) != NULL) {
			if (parse_ll(v, 1, FV_SEARCH_MAX_PER_PAGE, "--per-page",
				     &n, &err) < 0)
				return cli_usage_error(cli, "%s", err.msg);
			o.per_page = (int)n;
		} else if (missing) {
			return cli_usage_error(cli, "option '%s' needs a value",
					       argv[i]);
		} else {
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[i]);
		}
	}
	if (i >= argc)
		return cli_usage_error(cli, "search needs a query");
	/* Longer than the parser takes is refused by the parser, with its
	 * message; the buffer only needs to hold that much and a bit. */
	buf_init(&text, 4 * FV_MAX_QUERY_BYTES);
	for (int k = i; k < argc; k++)
		if ((k > i && buf_add(&text, " ", 1) < 0) ||
		    buf_addstr(&text, argv[k]) < 0)
			break;
	if (vault_query_parse(text.data ? text.data : "", text.len, &q,
			      &where, &err) < 0) {
		fprintf(stderr, "foivault: search: %s\n  %s\n  %*s^\n", err.msg,
			where.snippet, (int)where.caret, "");
		goto out;
	}
	if (cli_open_store(cli, 0, &s, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	o.text = text.data;
	res = store_search(s, NULL, q, &o, &err);
	if (res == NULL) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json) {
		json_dumpf(res, stdout, JSON_INDENT(2) | JSON_REAL_PRECISION(6));
		putchar('\n');
	} else {
		print_results(res);
	}
	rc = EXIT_OK;
out:
	json_decref(res);
	store_close(s);
	vault_query_free(q);
	buf_release(&text);
	return rc;
}
