/* test_http_route.c - route pattern matching and the route table. */
#include "config.h"

#include <string.h>

#include "http.h"
#include "fvlimits.h"
#include "tap.h"

static int
match(const char *pattern, const char *path, const char **v0, const char **v1)
{
	char buf[256];
	const char *names[4], *values[4];
	size_t lens[4], n = 0;
	static char keep[256];

	if (!http_route_match(pattern, path, buf, sizeof(buf), names, lens,
			      values, 4, &n))
		return -1;
	memcpy(keep, buf, sizeof(buf));
	if (n > 0 && v0)
		*v0 = keep + (values[0] - buf);
	if (n > 1 && v1)
		*v1 = keep + (values[1] - buf);
	return (int)n;
}

int
main(void)
{
	const char *a = NULL, *b = NULL;

	is_int(match("/api/v1/health", "/api/v1/health", NULL, NULL), 0,
	       "a literal path matches");
	is_int(match("/api/v1/health", "/api/v1/health/", NULL, NULL), -1,
	       "a trailing slash does not");
	is_int(match("/api/v1/health", "/api/v1/healthz", NULL, NULL), -1,
	       "a longer segment does not");
	is_int(match("/api/v1/health", "/api/v1", NULL, NULL), -1,
	       "a shorter path does not");
	is_int(match("/api/v1/j/{code}", "/api/v1/j/GB-SCT", &a, NULL), 1,
	       "one parameter");
	is_str(a, "GB-SCT", "its value");
	is_int(match("/api/v1/j/{code}/holidays/{year}", "/api/v1/j/US/holidays/2025",
		     &a, &b), 2, "two parameters");
	is_str(a, "US", "first value is cut at its segment");
	is_str(b, "2025", "second value");
	is_int(match("/api/v1/j/{code}", "/api/v1/j/", NULL, NULL), -1,
	       "an empty parameter does not match");
	is_int(match("/api/v1/j/{code}", "/api/v1/j/a/b", NULL, NULL), -1,
	       "a parameter does not swallow slashes");
	is_int(match("/", "/", NULL, NULL), 0, "the root");
	is_int(match("/api", "", NULL, NULL), -1, "an empty path");

	/* Every route is well-formed: absolute, known method, a handler. */
	for (size_t i = 0; i < http_routes_count; i++) {
		const struct route *r = &http_routes[i];

		ok(r->pattern[0] == '/' && r->handler != NULL &&
		   (strcmp(r->method, "GET") == 0 || strcmp(r->method, "POST") == 0 ||
		    strcmp(r->method, "PUT") == 0 || strcmp(r->method, "PATCH") == 0 ||
		    strcmp(r->method, "DELETE") == 0),
		   "route %s %s is well-formed", r->method, r->pattern);
		for (size_t j = 0; j < i; j++)
			if (strcmp(http_routes[j].method, r->method) == 0 &&
			    strcmp(http_routes[j].pattern, r->pattern) == 0)
				ok(0, "route %s %s is listed twice", r->method,
				   r->pattern);
	}
	return done_testing();
}
