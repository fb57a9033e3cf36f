/*
 * replay_main.c - runs a fuzz target's LLVMFuzzerTestOneInput over the
 * files of its corpus, so `make check` replays every committed input
 * (seeds and old crashers) in ordinary and sanitizer builds without
 * libFuzzer. Prints one TAP line per file; a crash fails the test run.
 */
#include "config.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int count;

static void
replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *data = NULL;
	size_t n = 0, cap = 0;
	char chunk[65536];
	size_t r;

	if (f == NULL) {
		printf("not ok %d - cannot open %s\n", ++count, path);
		return;
	}
	while ((r = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (n + r > cap) {
			cap = (n + r) * 2;
			data = realloc(data, cap);
			if (data == NULL)
				abort();
		}
		memcpy(data + n, chunk, r);
		n += r;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(data ? data : (const uint8_t *)"", n);
	free(data);
	printf("ok %d - %s\n", ++count, path);
	fflush(stdout);
}

/*
 * Without arguments, replays $FUZZ_CORPUS/NAME, where the program is called
 * replay_NAME: that is how `make check` runs it.
 */
int
main(int argc, char **argv)
{
	char defdir[4096];
	char *defargv[2];
	const char *base = strrchr(argv[0], '/');
	const char *corpus = getenv("FUZZ_CORPUS");

	base = base ? base + 1 : argv[0];
	if (argc < 2) {
		if (corpus == NULL || strncmp(base, "replay_", 7) != 0) {
			fprintf(stderr, "usage: %s FILE|DIR... (or set "
				"FUZZ_CORPUS)\n", argv[0]);
			return 2;
		}
		snprintf(defdir, sizeof(defdir), "%s/%s", corpus, base + 7);
		defargv[0] = argv[0];
		defargv[1] = defdir;
		argv = defargv;
		argc = 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat sb;
		DIR *d;
		struct dirent *e;

		if (stat(argv[i], &sb) == 0 && S_ISDIR(sb.st_mode)) {
			d = opendir(argv[i]);
			while (d && (e = readdir(d)) != NULL) {
				char path[4096];

				if (e->d_name[0] == '.')
					continue;
				snprintf(path, sizeof(path), "%s/%s", argv[i],
					 e->d_name);
				replay_file(path);
			}
			if (d)
				closedir(d);
		} else {
			replay_file(argv[i]);
		}
	}
	printf("1..%d\n", count);
	return 0;
}
