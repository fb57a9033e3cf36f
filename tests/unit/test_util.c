/* test_util.c - bounded buffers, number parsing, UTF-8 validation. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "tap.h"
#include "util.h"

int
main(void)
{
	struct buf b;
	struct error err;
	long long v;
	uint64_t sz;
	char *p;

	buf_init(&b, 8);
	ok(buf_addstr(&b, "12345678") == 0, "buf takes exactly its maximum");
	ok(buf_addstr(&b, "9") < 0, "buf refuses one byte past its maximum");
	is_int(b.len, 8, "a refused add leaves the buffer unchanged");
	is_str(b.data, "12345678", "buf data is NUL-terminated");
	buf_reset(&b);
	ok(buf_printf(&b, "%d-%s", 42, "x") == 0 && strcmp(b.data, "42-x") == 0,
	   "buf_printf formats");
	ok(buf_printf(&b, "%s", "way too long") < 0, "buf_printf respects the cap");
	p = buf_detach(&b, NULL);
	is_str(p, "42-x", "buf_detach hands over the data");
	free(p);
	buf_release(&b);

	buf_init(&b, 1 << 20);
	for (int i = 0; i < 1000; i++)
		buf_addstr(&b, "0123456789");
	is_int(b.len, 10000, "buf grows past its first allocation");
	buf_release(&b);

	ok(parse_ll("42", 0, 100, "n", &v, &err) == 0 && v == 42, "parse 42");
	ok(parse_ll("-5", -10, 10, "n", &v, &err) == 0 && v == -5, "parse -5");
	ok(parse_ll("101", 0, 100, "n", &v, &err) < 0, "101 is out of range");
	ok(strstr(err.msg, "out of range") != NULL, "range error says so: %s",
	   err.msg);
	ok(parse_ll("", 0, 100, "n", &v, &err) < 0, "empty string refused");
	ok(parse_ll("12abc", 0, 100, "n", &v, &err) < 0, "trailing junk refused");
	ok(parse_ll(" 1", 0, 100, "n", &v, &err) < 0, "leading space refused");
	ok(parse_ll("+1", 0, 100, "n", &v, &err) < 0, "plus sign refused");
	ok(parse_ll("99999999999999999999", 0, 100, "n", &v, &err) < 0,
	   "overflow refused");
	ok(parse_size("1M", UINT64_MAX, "s", &sz, &err) == 0 && sz == 1048576,
	   "1M is 1048576 bytes");
	ok(parse_size("4k", UINT64_MAX, "s", &sz, &err) == 0 && sz == 4096,
	   "4k is 4096 bytes");
	ok(parse_size("2G", 1024, "s", &sz, &err) < 0, "a size past max is refused");
	ok(parse_size("M", UINT64_MAX, "s", &sz, &err) < 0, "a bare suffix is refused");

	ok(utf8_valid("N\xc3\xbamero", 7), "valid UTF-8 accepted");
	ok(!utf8_valid("\xc3", 1), "truncated sequence refused");
	ok(!utf8_valid("\xc0\xaf", 2), "overlong '/' refused");
	ok(!utf8_valid("\xed\xa0\x80", 3), "surrogate refused");
	ok(!utf8_valid("\xf4\x90\x80\x80", 4), "code point past U+10FFFF refused");
	return done_testing();
}
