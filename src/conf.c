/*
 * conf.c - see conf.h. Settings are listed once, in the table below, with
 * their type and bounds; the file parser and the flag parser both go through
 * conf_set() so a value is validated the same way wherever it comes from.
 */
#include "config.h"

#include "conf.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "fvlimits.h"

enum conf_type { CONF_STR, CONF_INT, CONF_SIZE };

struct conf_key {
	const char *section;
	const char *key;
	enum conf_type type;
	size_t offset;
	long long min, max; /* CONF_INT and CONF_SIZE */
};

#define OFF(f) offsetof(struct conf, f)

static const struct conf_key conf_keys[] = {
	{ "server", "listen", CONF_STR, OFF(listen), 0, 0 },
	{ "server", "threads", CONF_INT, OFF(threads), 1, 256 },
	{ "server", "base_url", CONF_STR, OFF(base_url), 0, 0 },
	{ "server", "share_dir", CONF_STR, OFF(share_dir), 0, 0 },
	{ "limits", "max_connections", CONF_INT, OFF(max_connections), 1, 100000 },
	{ "limits", "max_connections_per_ip", CONF_INT,
	  OFF(max_connections_per_ip), 1, 100000 },
	{ "limits", "connection_timeout", CONF_INT, OFF(connection_timeout), 1,
	  3600 },
	{ "limits", "connection_memory", CONF_SIZE, OFF(connection_memory),
	  4096, 16 * 1024 * 1024 },
	{ "limits", "max_body", CONF_SIZE, OFF(max_body), 1024,
	  1024LL * 1024 * 1024 },
	{ "smtp", "url", CONF_STR, OFF(smtp_url), 0, 0 },
	{ "smtp", "from", CONF_STR, OFF(smtp_from), 0, 0 },
	{ "smtp", "user", CONF_STR, OFF(smtp_user), 0, 0 },
	{ "smtp", "password", CONF_STR, OFF(smtp_password), 0, 0 },
	{ "limits", "max_upload", CONF_SIZE, OFF(max_upload), 1024,
	  64LL * 1024 * 1024 * 1024 },
	{ "worker", "count", CONF_INT, OFF(workers), 0, 256 },
	{ "worker", "memory", CONF_SIZE, OFF(worker_memory), 64 * 1024 * 1024,
	  1024LL * 1024 * 1024 * 1024 },
	{ "worker", "page_timeout", CONF_INT, OFF(page_timeout), 1, 3600 },
	{ "worker", "max_attempts", CONF_INT, OFF(max_attempts), 1, 100 },
	{ "worker", "languages", CONF_STR, OFF(languages), 0, 0 },
	{ "fetch", "allow", CONF_STR, OFF(fetch_allow), 0, 0 },
	{ "archive", "max_entries", CONF_INT, OFF(archive_max_entries), 1,
	  10000000 },
	{ "archive", "max_entry_size", CONF_SIZE, OFF(archive_max_entry_size),
	  1024, 64LL * 1024 * 1024 * 1024 },
	{ "archive", "max_total", CONF_SIZE, OFF(archive_max_total), 1024,
	  1024LL * 1024 * 1024 * 1024 },
	{ "archive", "max_ratio", CONF_INT, OFF(archive_max_ratio), 2,
	  1000000 },
	{ "archive", "max_depth", CONF_INT, OFF(archive_max_depth), 0, 10 },
};

void
conf_init(struct conf *c)
{
	memset(c, 0, sizeof(*c));
	c->listen = xstrdup("127.0.0.1:8080");
	c->threads = FV_DEFAULT_THREADS;
	c->share_dir = xstrdup(PKGDATADIR);
	c->max_connections = FV_DEFAULT_MAX_CONNECTIONS;
	c->max_connections_per_ip = FV_DEFAULT_MAX_PER_IP;
	c->connection_timeout = FV_DEFAULT_CONN_TIMEOUT;
	c->connection_memory = FV_DEFAULT_CONN_MEMORY;
	c->max_body = FV_DEFAULT_MAX_BODY;
	c->max_upload = FV_DEFAULT_MAX_UPLOAD;
	c->workers = FV_DEFAULT_WORKERS;
	c->worker_memory = FV_DEFAULT_WORKER_MEMORY;
	c->page_timeout = FV_DEFAULT_PAGE_TIMEOUT;
	c->max_attempts = FV_DEFAULT_MAX_ATTEMPTS;
	c->languages = xstrdup("eng");
	c->archive_max_entries = FV_DEFAULT_ARCHIVE_MAX_ENTRIES;
	c->archive_max_entry_size = FV_DEFAULT_ARCHIVE_MAX_ENTRY_SIZE;
	c->archive_max_total = FV_DEFAULT_ARCHIVE_MAX_TOTAL;
	c->archive_max_ratio = FV_DEFAULT_ARCHIVE_MAX_RATIO;
	c->archive_max_depth = FV_DEFAULT_ARCHIVE_MAX_DEPTH;
}

int
conf_set(struct conf *c, const char *section, const char *key,
	 const char *value, struct error *err)
{
	const struct conf_key *k = NULL;
	char what[128];

	for (size_t i = 0; i < ARRAY_SIZE(conf_keys); i++)
		if (strcmp(conf_keys[i].section, section) == 0 &&
		    strcmp(conf_keys[i].key, key) == 0)
			k = &conf_keys[i];
	if (k == NULL)
		return error_set(err, "unknown setting '%s.%s'", section, key);
	snprintf(what, sizeof(what), "%s.%s", section, key);
	switch (k->type) {
	case CONF_STR: {
		char **p = (char **)((char *)c + k->offset);

		free(*p);
		*p = *value ? xstrdup(value) : NULL;
		if (strcmp(key, "listen") == 0 && *p != NULL) {
			char *host;
			int port;

			if (conf_parse_listen(*p, &host, &port, err) < 0)
				return -1;
			free(host);
		}
		return 0;
	}
	case CONF_INT: {
		long long v;

		if (parse_ll(value, k->min, k->max, what, &v, err) < 0)
			return -1;
		*(int *)((char *)c + k->offset) = (int)v;
		return 0;
	}
	case CONF_SIZE: {
		uint64_t v;

		if (parse_size(value, (uint64_t)k->max, what, &v, err) < 0)
			return -1;
		if (v < (uint64_t)k->min)
			return error_set(err, "%s: %s is below the minimum of "
					 "%lld bytes", what, value, k->min);
		*(uint64_t *)((char *)c + k->offset) = v;
		return 0;
	}
	}
	return error_set(err, "%s: bad setting type", what);
}

int
conf_load_file(struct conf *c, const char *path, struct error *err)
{
	struct ini ini;
	struct error e2;
	int rc = 0;

	if (ini_parse_file(path, &ini, err) < 0)
		return -1;
	for (size_t i = 0; i < ini.n; i++) {
		const struct ini_entry *ent = &ini.entries[i];

		if (conf_set(c, ent->section, ent->key, ent->value, &e2) < 0) {
			rc = error_set(err, "%s:%d: %s", path, ent->line,
				       e2.msg);
			break;
		}
	}
	ini_release(&ini);
	return rc;
}

int
conf_parse_listen(const char *listen, char **ret_host, int *ret_port,
		  struct error *err)
{
	const char *colon, *hs, *he;
	long long port;

	if (listen[0] == '[') {
		he = strchr(listen, ']');
		if (he == NULL || he[1] != ':')
			return error_set(err, "listen address '%s': expected "
					 "[IPv6]:PORT", listen);
		hs = listen + 1;
		colon = he + 1;
	} else {
		colon = strrchr(listen, ':');
		if (colon == NULL)
			return error_set(err, "listen address '%s': expected "
					 "HOST:PORT", listen);
		hs = listen;
		he = colon;
	}
	if (he == hs)
		return error_set(err, "listen address '%s': missing host",
				 listen);
	if (parse_ll(colon + 1, 0, 65535, "listen port", &port, err) < 0)
		return -1;
	*ret_host = xstrndup(hs, (size_t)(he - hs));
	*ret_port = (int)port;
	return 0;
}

void
conf_release(struct conf *c)
{
	for (size_t i = 0; i < ARRAY_SIZE(conf_keys); i++)
		if (conf_keys[i].type == CONF_STR) {
			char **p = (char **)((char *)c + conf_keys[i].offset);

			free(*p);
			*p = NULL;
		}
}
