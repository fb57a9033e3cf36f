/*
 * ini.c - see ini.h. The parser copies what it keeps; a failed parse leaves
 * *ret untouched and releases everything it allocated.
 */
#include "config.h"

#include "ini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"

static void
trim(const char **s, const char **e)
{
	while (*s < *e && (**s == ' ' || **s == '\t'))
		(*s)++;
	while (*e > *s && ((*e)[-1] == ' ' || (*e)[-1] == '\t' ||
			   (*e)[-1] == '\r'))
		(*e)--;
}

static int
valid_name(const char *s, const char *e)
{
	if (s == e)
		return 0;
	for (; s < e; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '_' || *s == '-' ||
		      *s == '.'))
			return 0;
	return 1;
}

int
ini_parse_buffer(const char *data, size_t len, const char *name,
		 struct ini *ret, struct error *err)
{
	struct ini ini = { 0 };
	char *section = xstrdup("");
	size_t cap = 0;
	const char *p = data, *end = data + len;
	int line = 0, rc = -1;

	ini.name = xstrdup(name);
	if (len > INI_MAX_BYTES) {
		error_set(err, "%s: file is larger than %d bytes", name,
			  INI_MAX_BYTES);
		goto out;
	}
	if (memchr(data, '\0', len) != NULL || !utf8_valid(data, len)) {
		error_set(err, "%s: not a UTF-8 text file", name);
		goto out;
	}
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *le = nl ? nl : end;
		const char *s = p, *e = le;

		line++;
		p = nl ? nl + 1 : end;
		if (le - s > INI_MAX_LINE) {
			error_set(err, "%s:%d: line longer than %d bytes", name,
				  line, INI_MAX_LINE);
			goto out;
		}
		trim(&s, &e);
		if (s == e || *s == '#' || *s == ';')
			continue;
		if (*s == '[') {
			const char *ns = s + 1, *ne = e;

			if (e[-1] != ']') {
				error_set(err, "%s:%d: section header must end "
					  "with ']'", name, line);
				goto out;
			}
			ne--;
			trim(&ns, &ne);
			if (!valid_name(ns, ne)) {
				error_set(err, "%s:%d: invalid section name",
					  name, line);
				goto out;
			}
			free(section);
			section = xstrndup(ns, (size_t)(ne - ns));
			continue;
		}
		{
			const char *eq = memchr(s, '=', (size_t)(e - s));
			const char *ks = s, *ke, *vs, *ve = e;
			struct ini_entry *ent;

			if (eq == NULL) {
				error_set(err, "%s:%d: expected 'key = value'",
					  name, line);
				goto out;
			}
			ke = eq;
			vs = eq + 1;
			trim(&ks, &ke);
			trim(&vs, &ve);
			if (!valid_name(ks, ke)) {
				error_set(err, "%s:%d: invalid key name", name,
					  line);
				goto out;
			}
			if (ini.n == cap) {
				cap = cap ? cap * 2 : 16;
				ini.entries = xrealloc(ini.entries,
						       cap * sizeof(*ini.entries));
			}
			ent = &ini.entries[ini.n++];
			ent->section = xstrdup(section);
			ent->key = xstrndup(ks, (size_t)(ke - ks));
			ent->value = xstrndup(vs, (size_t)(ve - vs));
			ent->line = line;
		}
	}
	*ret = ini;
	ini.entries = NULL;
	ini.name = NULL;
	ini.n = 0;
	rc = 0;
out:
	free(section);
	ini_release(&ini);
	return rc;
}

int
ini_parse_file(const char *path, struct ini *ret, struct error *err)
{
	struct buf b;
	char chunk[8192];
	int fd, rc = -1;

	buf_init(&b, INI_MAX_BYTES);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return error_set(err, "%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof(chunk));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			error_set(err, "%s: %s", path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_add(&b, chunk, (size_t)n) < 0) {
			error_set(err, "%s: file is larger than %d bytes", path,
				  INI_MAX_BYTES);
			goto out;
		}
	}
	rc = ini_parse_buffer(b.data ? b.data : "", b.len, path, ret, err);
out:
	close(fd);
	buf_release(&b);
	return rc;
}

const char *
ini_get(const struct ini *ini, const char *section, const char *key)
{
	const char *v = NULL;

	for (size_t i = 0; i < ini->n; i++)
		if (strcmp(ini->entries[i].section, section) == 0 &&
		    strcmp(ini->entries[i].key, key) == 0)
			v = ini->entries[i].value;
	return v;
}

void
ini_release(struct ini *ini)
{
	if (ini == NULL)
		return;
	for (size_t i = 0; i < ini->n; i++) {
		free(ini->entries[i].section);
		free(ini->entries[i].key);
		free(ini->entries[i].value);
	}
	free(ini->entries);
	free(ini->name);
	ini->entries = NULL;
	ini->name = NULL;
	ini->n = 0;
}
