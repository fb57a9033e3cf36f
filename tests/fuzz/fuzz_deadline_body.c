/*
 * fuzz_deadline_body.c - libFuzzer target for the body of
 * POST /api/v1/deadline: the real JSON body parser (http_parse_json_body())
 * and the real, unmodified handler (http_deadline_post() in
 * http_jurisdictions.c, whose body checks are static), computing under the
 * real laws.
 *
 * Only the HTTP plumbing is replaced: the program is linked with
 * -Wl,--wrap for http_body_json, http_laws, http_send_json and
 * http_send_error (see Makefile.am), so the handler's calls to them land in
 * the __wrap_ functions below, which hand it the parsed body and the laws
 * and record its answer. No server, socket or request object is needed.
 *
 * Checked: the handler answers exactly once, with 200 and a JSON object,
 * 404 for an unknown law or 422 with a message; never anything else. An
 * input the server would refuse before the handler (not a JSON object,
 * too deep) stops at the parser, as it does in the server.
 *
 * The laws come from $FOIVAULT_LAWS_DIR (make check and make fuzz set it),
 * else ./src/laws; without them only the parsing is fuzzed.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "http_handlers.h"
#include "jurisdiction.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* FV_MAX_BODY is far larger; events beyond the cap are refused early. */
#define FUZZ_DEADLINE_BODY_MAX_INPUT 65536

static struct jurisdiction_set *laws;
static int laws_tried;
static json_t *body;
static int answers, status;
static char message[512];
static char fake_req;	/* r is only passed through, never read */

json_t *__wrap_http_body_json(struct http_req *r);
const struct jurisdiction_set *__wrap_http_laws(struct http_req *r);
void __wrap_http_send_json(struct http_req *r, int st, json_t *b);
void __wrap_http_send_error(struct http_req *r, int st, const char *code,
			    const char *fmt, ...) PRINTF_LIKE(4, 5);

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_deadline_body: %s: %s\n", what,
		detail ? detail : "");
	abort();
}

json_t *
__wrap_http_body_json(struct http_req *r)
{
	(void)r;
	return body;
}

const struct jurisdiction_set *
__wrap_http_laws(struct http_req *r)
{
	(void)r;
	return laws;
}

void
__wrap_http_send_json(struct http_req *r, int st, json_t *b)
{
	char *s;

	(void)r;
	answers++;
	status = st;
	if (!json_is_object(b))
		die("answer is not a JSON object", NULL);
	s = json_dumps(b, JSON_COMPACT);
	if (s == NULL)
		die("answer does not serialise", NULL);
	free(s);
	json_decref(b);
}

void
__wrap_http_send_error(struct http_req *r, int st, const char *code,
		       const char *fmt, ...)
{
	va_list ap;

	(void)r;
	(void)code;
	answers++;
	status = st;
	va_start(ap, fmt);
	vsnprintf(message, sizeof(message), fmt, ap);
	va_end(ap);
}

static void
load_laws(void)
{
	const char *d = getenv("FOIVAULT_LAWS_DIR");
	const char *dirs[1] = { d && *d ? d : "src/laws" };
	struct error err;

	laws_tried = 1;
	laws = jurisdiction_set_load(dirs, 1, &err);
	if (laws == NULL)
		fprintf(stderr, "fuzz_deadline_body: no laws (%s): set "
			"FOIVAULT_LAWS_DIR; fuzzing the parsing only\n",
			err.msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err = { "" };

	if (!laws_tried)
		load_laws();
	if (size > FUZZ_DEADLINE_BODY_MAX_INPUT)
		size = FUZZ_DEADLINE_BODY_MAX_INPUT;
	body = http_parse_json_body((const char *)data, size, &err);
	if (body == NULL) {
		if (err.msg[0] == '\0')
			die("the parser failed without a message", NULL);
		return 0;
	}
	if (laws == NULL)
		goto out;
	answers = 0;
	status = 0;
	message[0] = '\0';
	http_deadline_post((struct http_req *)&fake_req);
	if (answers != 1)
		die("the handler did not answer exactly once", NULL);
	if (status != 200 && status != 404 && status != 422)
		die("unexpected status", message);
	if (status != 200 && message[0] == '\0')
		die("an error without a message", NULL);
out:
	json_decref(body);
	body = NULL;
	return 0;
}
