/*
 * datadir.c - see datadir.h. Only creates directories; files inside them
 * belong to the store (database) and the vault (blobs).
 */
#include "config.h"

#include "datadir.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/file.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const subdirs[] = { "vault", "tmp", "laws" };

static int
ensure_dir(const char *path, int create, struct error *err)
{
	struct stat sb;

	if (stat(path, &sb) == 0) {
		if (!S_ISDIR(sb.st_mode))
			return error_set(err, "%s exists and is not a directory",
					 path);
	} else if (errno != ENOENT) {
		return error_set(err, "%s: %s", path, strerror(errno));
	} else if (!create) {
		return error_set(err, "%s does not exist (run 'foivault init' "
				 "first)", path);
	} else if (mkdir(path, 0750) < 0) {
		return error_set(err, "cannot create %s: %s", path,
				 strerror(errno));
	}
	if (access(path, R_OK | W_OK | X_OK) < 0)
		return error_set(err, "%s is not writable by this user: %s",
				 path, strerror(errno));
	return 0;
}

int
datadir_prepare(const char *dir, int create, struct error *err)
{
	if (dir == NULL || *dir == '\0')
		return error_set(err, "empty data directory name");
	if (ensure_dir(dir, create, err) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(subdirs); i++) {
		char *p = datadir_path(dir, subdirs[i]);
		int rc = ensure_dir(p, 1, err);

		free(p);
		if (rc < 0)
			return -1;
	}
	return 0;
}

char *
datadir_path(const char *dir, const char *name)
{
	size_t n = strlen(dir);

	while (n > 1 && dir[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, dir, name);
}

int
datadir_lock_serve(const char *dir, struct error *err)
{
	char *path = datadir_path(dir, "serve.lock");
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0640);

	if (fd < 0) {
		error_set(err, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		error_set(err, "another foivault server is running on %s", dir);
		close(fd);
		free(path);
		return -1;
	}
	free(path);
	return fd;
}

int
datadir_serve_running(const char *dir)
{
	char *path = datadir_path(dir, "serve.lock");
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int running = 0;

	free(path);
	if (fd < 0)
		return 0;
	if (flock(fd, LOCK_SH | LOCK_NB) < 0 && errno == EWOULDBLOCK)
		running = 1;
	close(fd);
	return running;
}
