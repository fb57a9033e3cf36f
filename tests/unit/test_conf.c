/* test_conf.c - settings: defaults, the file, validation, listen syntax. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "fvlimits.h"
#include "tap.h"

int
main(void)
{
	struct conf c;
	struct error err;
	char path[] = "/tmp/fv-conf-XXXXXX";
	char *host;
	int port, fd;
	FILE *f;

	conf_init(&c);
	is_str(c.listen, "127.0.0.1:8080", "default listen address");
	is_int(c.threads, 4, "default threads");

	fd = mkstemp(path);
	f = fdopen(fd, "w");
	fputs("[server]\nlisten = 127.0.0.1:9999\nthreads = 2\n[limits]\n"
	      "max_body = 2M\n[smtp]\nurl = smtp://127.0.0.1:2525\n", f);
	fclose(f);
	ok(conf_load_file(&c, path, &err) == 0, "a valid file loads");
	is_str(c.listen, "127.0.0.1:9999", "file overrides the default");
	is_int(c.threads, 2, "threads from the file");
	is_int(c.max_body, 2 * 1024 * 1024, "sizes take suffixes");
	is_str(c.smtp_url, "smtp://127.0.0.1:2525", "smtp url");
	ok(conf_set(&c, "server", "threads", "8", &err) == 0 && c.threads == 8,
	   "a flag overrides the file");

	f = fopen(path, "w");
	fputs("[server]\nthreds = 2\n", f);
	fclose(f);
	ok(conf_load_file(&c, path, &err) < 0, "a misspelt key is an error");
	ok(strstr(err.msg, ":2:") && strstr(err.msg, "server.threds"),
	   "the error names the line and key: %s", err.msg);
	ok(conf_set(&c, "server", "threads", "0", &err) < 0, "threads 0 refused");
	ok(conf_set(&c, "server", "threads", "257", &err) < 0,
	   "threads past the cap refused");
	ok(conf_set(&c, "server", "threads", "256", &err) == 0,
	   "threads at the cap accepted");
	ok(conf_set(&c, "limits", "max_body", "1", &err) < 0,
	   "max_body below the minimum refused");
	ok(conf_set(&c, "server", "listen", "localhost", &err) < 0,
	   "listen without a port refused");
	ok(conf_set(&c, "server", "listen", "127.0.0.1:70000", &err) < 0,
	   "port past 65535 refused");
	is_int((long long)c.archive_max_entries, FV_DEFAULT_ARCHIVE_MAX_ENTRIES,
	       "archive limits default to fvlimits.h");
	ok(conf_set(&c, "archive", "max_entries", "50", &err) == 0 &&
	   c.archive_max_entries == 50, "[archive] max_entries");
	ok(conf_set(&c, "archive", "max_total", "10M", &err) == 0 &&
	   c.archive_max_total == 10 * 1024 * 1024,
	   "[archive] max_total takes a size");
	ok(conf_set(&c, "archive", "max_ratio", "1", &err) < 0,
	   "[archive] max_ratio below 2 refused");
	ok(conf_set(&c, "archive", "max_depth", "11", &err) < 0,
	   "[archive] max_depth past 10 refused");
	unlink(path);

	ok(conf_parse_listen("[::1]:8080", &host, &port, &err) == 0 &&
	   strcmp(host, "::1") == 0 && port == 8080, "IPv6 listen address");
	free(host);
	ok(conf_parse_listen("127.0.0.1:0", &host, &port, &err) == 0 &&
	   port == 0, "port 0 means any free port");
	free(host);
	ok(conf_parse_listen(":80", &host, &port, &err) < 0, "missing host refused");
	conf_release(&c);
	return done_testing();
}
