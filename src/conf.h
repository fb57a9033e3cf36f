/*
 * conf.h - the instance's settings (the module is not called config.h,
 * which is autoconf's generated header).
 *
 * Precedence: built-in defaults, then the config file (DATA/foivault.conf,
 * or the file given with --config instead), then command-line flags.
 */
#ifndef FOIVAULT_CONF_H
#define FOIVAULT_CONF_H

#include <stdint.h>

#include "util.h"

struct conf {
	/* [server] */
	char *listen;         /* "HOST:PORT"; HOST must be an IP address */
	int threads;
	char *base_url;       /* public URL, for links in e-mail; may be NULL */
	char *share_dir;      /* laws/ and templates/; default PKGDATADIR */
	/* [limits] */
	int max_connections;
	int max_connections_per_ip;
	int connection_timeout;
	uint64_t connection_memory;
	uint64_t max_body;
	/* [smtp] */
	char *smtp_url;       /* e.g. smtp://127.0.0.1:25; NULL = no mail out */
	char *smtp_from;
	char *smtp_user;
	char *smtp_password;
	uint64_t max_upload;  /* largest original file accepted */
	/* [worker] */
	int workers;          /* 0 = one per core */
	uint64_t worker_memory; /* address-space limit per worker */
	int page_timeout;     /* seconds per page before the worker is killed */
	int max_attempts;     /* tries per document before it fails */
	char *languages;      /* default OCR languages, e.g. "eng" */
	/* [fetch] */
	char *fetch_allow;    /* "host:port ..." exempt from the address rules */
	/* [archive]: what one archive may expand to (vault_archive.h) */
	int archive_max_entries;
	uint64_t archive_max_entry_size;
	uint64_t archive_max_total;
	int archive_max_ratio;
	int archive_max_depth;
};

/* Fills c with the built-in defaults. */
void conf_init(struct conf *c);
/* Applies a config file on top of c. Unknown sections or keys are errors. */
int conf_load_file(struct conf *c, const char *path, struct error *err);
/* Applies one "section.key=value" setting (used by the file and by flags). */
int conf_set(struct conf *c, const char *section, const char *key,
	     const char *value, struct error *err);
/* Splits "HOST:PORT" ("[v6]:PORT" too); port 0 = any free port. */
int conf_parse_listen(const char *listen, char **ret_host, int *ret_port,
		      struct error *err);
void conf_release(struct conf *c);

#endif
