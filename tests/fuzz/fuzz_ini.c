/* fuzz_ini.c - the INI reader (foivault.conf and law files). */
#include "config.h"

#include <stdint.h>

#include "conf.h"
#include "ini.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ini ini;
	struct error err;
	struct conf c;

	if (ini_parse_buffer((const char *)data, size, "fuzz", &ini, &err) < 0)
		return 0;
	/* Feed what parsed through the settings table too. */
	conf_init(&c);
	for (size_t i = 0; i < ini.n; i++)
		conf_set(&c, ini.entries[i].section, ini.entries[i].key,
			 ini.entries[i].value, &err);
	conf_release(&c);
	ini_release(&ini);
	return 0;
}
