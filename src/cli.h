/*
 * cli.h - what every subcommand gets from main: the global options, the
 * settings, and helpers for the usual steps (open the database, report an
 * error). Each subcommand lives in cmd_<name>.c and is listed once in the
 * command table in main.c.
 */
#ifndef FOIVAULT_CLI_H
#define FOIVAULT_CLI_H

#include "conf.h"
#include "store.h"
#include "util.h"

/* Exit codes, as DESIGN.md fixes them. */
#define EXIT_OK 0
#define EXIT_USER 1
#define EXIT_USAGE 2

struct jurisdiction_set;

struct cli {
	const char *prog;
	char *data_dir;        /* --data, FOIVAULT_DATA, or ./foivault-data */
	char *config_path;     /* --config; NULL = DATA/foivault.conf if any */
	struct conf conf;
	const struct cli_command *cmd;
};

struct cli_command {
	const char *name;
	const char *summary;   /* one line for 'foivault help' */
	const char *usage;     /* full text for 'foivault CMD --help' */
	int (*run)(struct cli *cli, int argc, char **argv);
};

/* Loads the config file (if any) into cli->conf. */
int cli_load_conf(struct cli *cli, struct error *err);
/* Opens the instance's database (it must exist and be migrated). */
int cli_open_store(struct cli *cli, int flags, struct store **ret,
		   struct error *err);
/* Prints "foivault: MSG" on stderr and returns EXIT_USER. */
int cli_fail(const struct error *err);
/* Prints a usage error and the command's usage line; returns EXIT_USAGE. */
int cli_usage_error(const struct cli *cli, const char *fmt, ...)
	PRINTF_LIKE(2, 3);
/* The share directory's subdirectory (laws, templates), newly allocated. */
char *cli_share_path(const struct cli *cli, const char *name);
/*
 * Loads the law files: the share directory's laws/, then the instance's
 * DATA/laws if it exists. Errors name file:line.
 */
int cli_load_laws(struct cli *cli, struct jurisdiction_set **ret,
		  struct error *err);

int cmd_authority(struct cli *cli, int argc, char **argv);
int cmd_deadline(struct cli *cli, int argc, char **argv);
int cmd_doc(struct cli *cli, int argc, char **argv);
int cmd_fsck(struct cli *cli, int argc, char **argv);
int cmd_ingest(struct cli *cli, int argc, char **argv);
int cmd_init(struct cli *cli, int argc, char **argv);
int cmd_jurisdictions(struct cli *cli, int argc, char **argv);
int cmd_overdue(struct cli *cli, int argc, char **argv);
int cmd_request(struct cli *cli, int argc, char **argv);
int cmd_search(struct cli *cli, int argc, char **argv);
int cmd_serve(struct cli *cli, int argc, char **argv);
int cmd_token(struct cli *cli, int argc, char **argv);
int cmd_user(struct cli *cli, int argc, char **argv);
int cmd_worker(struct cli *cli, int argc, char **argv);

extern const char cmd_authority_usage[];
extern const char cmd_deadline_usage[];
extern const char cmd_doc_usage[];
extern const char cmd_fsck_usage[];
extern const char cmd_ingest_usage[];
extern const char cmd_init_usage[];
extern const char cmd_jurisdictions_usage[];
extern const char cmd_overdue_usage[];
extern const char cmd_request_usage[];
extern const char cmd_search_usage[];
extern const char cmd_serve_usage[];
extern const char cmd_token_usage[];
extern const char cmd_user_usage[];
extern const char cmd_worker_usage[];

#endif
