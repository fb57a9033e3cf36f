/* fuzz_json.c - JSON request bodies, as the HTTP layer parses them. */
#include "config.h"

#include <stdint.h>

#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct error err;
	json_t *j = http_parse_json_body((const char *)data, size, &err);

	json_decref(j);
	return 0;
}
