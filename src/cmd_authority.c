/*
 * cmd_authority.c - "foivault authority": add, list and import the public
 * bodies that receive requests (docs/coordinating.md).
 *
 * Every authority passes authority_check() (authority.c) against the loaded
 * laws, so an unknown jurisdiction code is refused here, before the store.
 * import reports every line (added, updated, unchanged or rejected with the
 * reason) and keeps going past bad lines; its exit status is 1 if any line
 * was rejected, so scripts notice, although the good lines are imported.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authority.h"
#include "cli.h"
#include "fvlimits.h"
#include "jurisdiction.h"

const char cmd_authority_usage[] =
	"usage: foivault [--data DIR] authority add --name NAME "
	"--jurisdiction CODE\n"
	"           [--email ADDRESS] [--portal URL] [--tags T,...] "
	"[--notes TEXT]\n"
	"       foivault [--data DIR] authority list [--json] "
	"[--jurisdiction CODE]\n"
	"       foivault [--data DIR] authority import [--json] FILE.csv\n"
	"Public bodies that receive requests. An authority is unique by\n"
	"jurisdiction and name (case-insensitive); the jurisdiction must be a\n"
	"loaded law ('foivault jurisdictions' lists them). import reads a CSV\n"
	"file with the header name,jurisdiction,email,portal,tags (any order;\n"
	"name and jurisdiction required), adds new authorities, updates known\n"
	"ones and prints one line per record: LINE<TAB>RESULT<TAB>ID-or-REASON.\n"
	"Exit status 1 if any line was rejected (the others are imported).\n";

static int
authority_add(struct cli *cli, int argc, char **argv)
{
	struct authority_input in = { 0 };
	struct jurisdiction_set *laws = NULL;
	struct store *s = NULL;
	struct store_authority a;
	struct error err;
	int64_t id;
	int rc = EXIT_USER;

	for (int i = 2; i < argc; i++) {
		char **dst;

		if (i + 1 >= argc) {
			rc = cli_usage_error(cli, "%s needs a value", argv[i]);
			goto out;
		}
		if (strcmp(argv[i], "--name") == 0)
			dst = &in.name;
		else if (strcmp(argv[i], "--jurisdiction") == 0)
			dst = &in.jurisdiction;
		else if (strcmp(argv[i], "--email") == 0)
			dst = &in.email;
		else if (strcmp(argv[i], "--portal") == 0)
			dst = &in.portal_url;
		else if (strcmp(argv[i], "--tags") == 0)
			dst = &in.tags;
		else if (strcmp(argv[i], "--notes") == 0)
			dst = &in.notes;
		else {
			rc = cli_usage_error(cli, "unknown option '%s'",
					     argv[i]);
			goto out;
		}
		free(*dst);
		*dst = xstrdup(argv[++i]);
	}
	if (in.name == NULL || in.jurisdiction == NULL) {
		rc = cli_usage_error(cli, "authority add needs --name and "
				     "--jurisdiction");
		goto out;
	}
	if (cli_load_laws(cli, &laws, &err) < 0 ||
	    authority_check(&in, laws, &a, &err) < 0 ||
	    cli_open_store(cli, 0, &s, &err) < 0 ||
	    store_authority_put(s, &a, 0, &id, NULL, &err) < 0) {
		rc = cli_fail(&err);
		goto out;
	}
	printf("%lld\n", (long long)id);
	rc = EXIT_OK;
out:
	store_close(s);
	jurisdiction_set_free(laws);
	authority_input_release(&in);
	return rc;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v ? v : "";
}

static int
authority_list(struct cli *cli, int argc, char **argv)
{
	const char *jur = NULL;
	struct store *s = NULL;
	struct error err;
	json_t *arr, *o, *t;
	size_t i, k;
	int json = 0;

	for (int a = 2; a < argc; a++) {
		if (strcmp(argv[a], "--json") == 0)
			json = 1;
		else if (strcmp(argv[a], "--jurisdiction") == 0 &&
			 a + 1 < argc)
			jur = argv[++a];
		else
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[a]);
	}
	if (cli_open_store(cli, STORE_READONLY, &s, &err) < 0 ||
	    (arr = store_authorities_json(s, jur, &err)) == NULL) {
		store_close(s);
		return cli_fail(&err);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		json_array_foreach(arr, i, o) {
			printf("%lld\t%s\t%s\t%s\t", (long long)
			       json_integer_value(json_object_get(o, "id")),
			       str(o, "jurisdiction"), str(o, "name"),
			       str(o, "email"));
			json_array_foreach(json_object_get(o, "tags"), k, t)
				printf("%s%s", k ? "," : "",
				       json_string_value(t));
			putchar('\n');
		}
	}
	json_decref(arr);
	store_close(s);
	return EXIT_OK;
}

/* Reads a whole file of at most max bytes. */
static char *
read_file(const char *path, size_t max, size_t *ret_len, struct error *err)
{
	FILE *f = fopen(path, "rb");
	struct buf b;
	char chunk[65536];
	size_t n;

	if (f == NULL) {
		error_set(err, "%s: %s", path, strerror(errno));
		return NULL;
	}
	buf_init(&b, max);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		if (buf_add(&b, chunk, n) < 0) {
			error_set(err, "%s: larger than %zu bytes", path, max);
			goto fail;
		}
	if (ferror(f)) {
		error_set(err, "%s: %s", path, strerror(errno));
		goto fail;
	}
	fclose(f);
	return buf_detach(&b, ret_len);
fail:
	fclose(f);
	buf_release(&b);
	return NULL;
}

static int
authority_import(struct cli *cli, int argc, char **argv)
{
	struct jurisdiction_set *laws = NULL;
	struct store *s = NULL;
	const char *path = NULL;
	struct error err;
	json_t *rep = NULL, *o;
	char *data = NULL;
	size_t len, i;
	int json = 0, rc = EXIT_USER;

	for (int k = 2; k < argc; k++) {
		if (strcmp(argv[k], "--json") == 0)
			json = 1;
		else if (argv[k][0] == '-' && argv[k][1] != '\0')
			return cli_usage_error(cli, "unknown option '%s'",
					       argv[k]);
		else if (path == NULL)
			path = argv[k];
		else
			return cli_usage_error(cli, "one FILE only");
	}
	if (path == NULL)
		return cli_usage_error(cli, "authority import needs a FILE");
	if ((data = read_file(strcmp(path, "-") == 0 ? "/dev/stdin" : path,
			      FV_MAX_CSV_FILE, &len, &err)) == NULL ||
	    cli_load_laws(cli, &laws, &err) < 0 ||
	    cli_open_store(cli, 0, &s, &err) < 0 ||
	    (rep = authority_import_csv(s, laws, data, len, &err)) == NULL) {
		rc = cli_fail(&err);
		goto out;
	}
	if (json) {
		json_dumpf(rep, stdout, JSON_INDENT(2));
		putchar('\n');
	} else {
		json_array_foreach(json_object_get(rep, "lines"), i, o) {
			json_t *id = json_object_get(o, "id");

			printf("%lld\t%s\t", (long long)json_integer_value(
				       json_object_get(o, "line")),
			       str(o, "result"));
			if (id)
				printf("%lld\t%s\n", (long long)
				       json_integer_value(id), str(o, "name"));
			else
				printf("%s\n", str(o, "reason"));
		}
		fprintf(stderr, "foivault: %lld added, %lld updated, %lld "
			"unchanged, %lld rejected\n",
			(long long)json_integer_value(json_object_get(rep,
								"added")),
			(long long)json_integer_value(json_object_get(rep,
								"updated")),
			(long long)json_integer_value(json_object_get(rep,
								"unchanged")),
			(long long)json_integer_value(json_object_get(rep,
								"rejected")));
	}
	rc = json_integer_value(json_object_get(rep, "rejected")) ?
		EXIT_USER : EXIT_OK;
out:
	json_decref(rep);
	free(data);
	store_close(s);
	jurisdiction_set_free(laws);
	return rc;
}

int
cmd_authority(struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error(cli, "authority needs a subcommand "
				       "(add, list, import)");
	if (strcmp(argv[1], "add") == 0)
		return authority_add(cli, argc, argv);
	if (strcmp(argv[1], "list") == 0)
		return authority_list(cli, argc, argv);
	if (strcmp(argv[1], "import") == 0)
		return authority_import(cli, argc, argv);
	return cli_usage_error(cli, "unknown subcommand '%s'", argv[1]);
}
