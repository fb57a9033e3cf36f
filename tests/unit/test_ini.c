/* test_ini.c - the INI reader: syntax, repeated keys, limits, errors. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "ini.h"
#include "fvlimits.h"
#include "tap.h"

static int
parse(const char *text, struct ini *ini, struct error *err)
{
	return ini_parse_buffer(text, strlen(text), "t.ini", ini, err);
}

int
main(void)
{
	struct ini ini;
	struct error err;
	char *big;

	ok(parse("# comment\n; other\n\ntop = 1\n[server]\n listen = 127.0.0.1:80 \r\n"
		 "[law]\nholiday = a\nholiday = b\n", &ini, &err) == 0,
	   "a valid file parses");
	is_str(ini_get(&ini, "", "top"), "1", "keys before any section");
	is_str(ini_get(&ini, "server", "listen"), "127.0.0.1:80",
	       "values are trimmed, CRLF tolerated");
	is_int(ini.n, 4, "repeated keys are all kept");
	is_str(ini_get(&ini, "law", "holiday"), "b", "ini_get returns the last");
	is_int(ini.entries[2].line, 8, "entries remember their line");
	ok(ini_get(&ini, "server", "nope") == NULL, "missing key is NULL");
	ini_release(&ini);

	ok(parse("[server\n", &ini, &err) < 0, "unclosed section refused");
	ok(strstr(err.msg, "t.ini:1") != NULL, "error names file and line: %s",
	   err.msg);
	ok(parse("a = 1\njust words\n", &ini, &err) < 0, "line without '=' refused");
	ok(strstr(err.msg, "t.ini:2") != NULL, "error points at line 2: %s",
	   err.msg);
	ok(parse("bad key = 1\n", &ini, &err) < 0, "key with a space refused");
	ok(parse("[]\n", &ini, &err) < 0, "empty section name refused");
	ok(ini_parse_buffer("a = \0x\n", 7, "t.ini", &ini, &err) < 0,
	   "NUL byte refused");
	ok(parse("a = \xff\n", &ini, &err) < 0, "invalid UTF-8 refused");

	big = malloc(INI_MAX_LINE + 16);
	memset(big, 'x', INI_MAX_LINE + 10);
	memcpy(big, "a = ", 4);
	big[INI_MAX_LINE] = '\0';
	ok(parse(big, &ini, &err) == 0, "a line of exactly the maximum parses");
	ini_release(&ini);
	big[INI_MAX_LINE] = 'x';
	big[INI_MAX_LINE + 1] = '\0';
	ok(parse(big, &ini, &err) < 0, "a line one byte longer is refused");
	free(big);

	big = malloc(INI_MAX_BYTES + 2);
	memset(big, '#', INI_MAX_BYTES + 1);
	for (size_t i = 100; i < INI_MAX_BYTES; i += 100)
		big[i] = '\n';
	big[INI_MAX_BYTES + 1] = '\0';
	ok(ini_parse_buffer(big, INI_MAX_BYTES + 1, "t.ini", &ini, &err) < 0,
	   "a file past the size limit is refused");
	ok(ini_parse_buffer(big, INI_MAX_BYTES, "t.ini", &ini, &err) == 0,
	   "a file at the size limit parses");
	ini_release(&ini);
	free(big);

	ok(ini_parse_file("/nonexistent/x.ini", &ini, &err) < 0 &&
	   strstr(err.msg, "No such file") != NULL,
	   "a missing file gives the system's reason: %s", err.msg);
	return done_testing();
}
