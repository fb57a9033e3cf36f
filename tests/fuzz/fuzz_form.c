/*
 * fuzz_form.c - libFuzzer target for multipart/form-data upload bodies
 * (http_form.c, POST /api/v1/documents).
 *
 * http_form needs a real MHD connection (the post processor reads the
 * Content-Type from it), so each input is sent as an HTTP request to an
 * in-process libmicrohttpd daemon over a socketpair, with no listening
 * socket and no threads: MHD_add_connection() then MHD_run() until the
 * answer comes. That covers libmicrohttpd's boundary and part-header
 * parsing as we call it, and all of ours: the field and file callbacks,
 * the name sanitising, the field, file and body limits, and cleanup.
 *
 * An input is three parts:
 *
 *   MAX_FILE CHUNK\n      the file limit in bytes, and how many bytes of the
 *                         request to write between MHD_run() calls (so the
 *                         body reaches the parser in pieces of that size)
 *   CONTENT-TYPE\n        the Content-Type header's value
 *   BODY                  the rest, sent with a matching Content-Length
 *
 * Checked: an accepted form has one file whose size is what was written to
 * the temp file, a safe name (no '/', '\\' or control character, valid
 * UTF-8, at most FV_MAX_FILE_NAME bytes), at most FV_MAX_FORM_FIELDS - 1
 * fields each within its limits; a refused one gives 400, 413, 422 or 500
 * with a message; and whatever happened, no temp file is left behind.
 *
 * Linked with replay_main.c instead, it replays the corpus in `make check`.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"
#include "http_form.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs are cut here: bigger bodies only repeat what small ones test. */
#define FUZZ_FORM_MAX_INPUT 65536

static struct MHD_Daemon *daemon_;
static char tmp_dir[] = "/tmp/fv-fuzz-form-XXXXXX";
static uint64_t max_file;
static int answered;	/* the handler queued a response */

struct req {
	struct http_form *form;
	int refused;		/* http_form_new() said no */
};

static void
die(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz_form: %s: %s\n", what, detail ? detail : "");
	abort();
}

static void
check_accepted(const struct http_form *f)
{
	const char *name = http_form_file_name(f);
	const char *path = http_form_file_path(f);
	size_t n = http_form_nfields(f);
	struct stat sb;

	if (name == NULL || name[0] == '\0' || strlen(name) > FV_MAX_FILE_NAME ||
	    strpbrk(name, "/\\") != NULL || !utf8_valid(name, strlen(name)) ||
	    strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		die("unsafe file name", name);
	for (const char *p = name; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			die("control character in the file name", name);
	if (path == NULL || stat(path, &sb) < 0)
		die("accepted form without its temp file", path);
	if ((uint64_t)sb.st_size != http_form_file_size(f) ||
	    http_form_file_size(f) > max_file)
		die("file size disagrees with the temp file or the limit", path);
	if (n >= FV_MAX_FORM_FIELDS)
		die("too many fields", NULL);
	for (size_t i = 0; i < n; i++) {
		const char *k = http_form_field_name(f, i);
		const char *v = http_form_field_value(f, i);

		if (k == NULL || v == NULL || strlen(k) > FV_MAX_FORM_FIELD_NAME ||
		    strlen(v) > FV_MAX_FORM_FIELD)
			die("field out of its limits", k);
	}
	if (http_form_field_name(f, n) != NULL ||
	    http_form_field_value(f, n) != NULL)
		die("a field past the end", NULL);
}

static enum MHD_Result
answer(struct MHD_Connection *conn, unsigned int status)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, NULL,
		MHD_RESPMEM_PERSISTENT);
	enum MHD_Result ret = MHD_queue_response(conn, status, resp);

	MHD_destroy_response(resp);
	answered = 1;
	/* To see what a corpus file does: FUZZ_FORM_VERBOSE=1 replay_form F */
	if (getenv("FUZZ_FORM_VERBOSE"))
		fprintf(stderr, "fuzz_form: answered %u\n", status);
	return ret;
}

/* The same steps as http.c's handler for an upload. */
static enum MHD_Result
handler(void *cls, struct MHD_Connection *conn, const char *url,
	const char *method, const char *version, const char *upload_data,
	size_t *upload_data_size, void **req_cls)
{
	struct req *r = *req_cls;
	struct error err = { "" };
	int st;

	(void)cls, (void)url, (void)method, (void)version;
	if (r == NULL) {
		r = xcalloc(1, sizeof(*r));
		*req_cls = r;
		r->form = http_form_new(conn, tmp_dir, max_file, &err);
		if (r->form == NULL) {
			if (err.msg[0] == '\0')
				die("http_form_new failed without a message",
				    NULL);
			r->refused = 1;
		}
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		size_t n = *upload_data_size;

		*upload_data_size = 0;
		if (r->form == NULL)
			return MHD_YES;
		return http_form_feed(r->form, upload_data, n) < 0 ? MHD_NO :
		       MHD_YES;
	}
	if (r->form == NULL)
		return answer(conn, 415);
	st = http_form_finish(r->form, &err);
	if (st == 0) {
		check_accepted(r->form);
		return answer(conn, 201);
	}
	if (st != 400 && st != 413 && st != 422 && st != 500)
		die("unexpected status", err.msg);
	if (err.msg[0] == '\0')
		die("refused without a message", NULL);
	if (http_form_file_path(r->form) != NULL)
		die("refused form kept its temp file", NULL);
	return answer(conn, (unsigned int)st);
}

static void
completed(void *cls, struct MHD_Connection *conn, void **req_cls,
	  enum MHD_RequestTerminationCode toe)
{
	struct req *r = *req_cls;

	(void)cls, (void)conn, (void)toe;
	if (r == NULL)
		return;
	http_form_free(r->form);
	free(r);
	*req_cls = NULL;
}

static void
cleanup(void)
{
	MHD_stop_daemon(daemon_);
	daemon_ = NULL;
	rmdir(tmp_dir);
}

static void
setup(void)
{
	if (mkdtemp(tmp_dir) == NULL)
		die("mkdtemp", strerror(errno));
	atexit(cleanup);
	daemon_ = MHD_start_daemon(MHD_USE_NO_LISTEN_SOCKET, 0, NULL, NULL,
				   handler, NULL,
				   MHD_OPTION_NOTIFY_COMPLETED, completed, NULL,
				   MHD_OPTION_CONNECTION_TIMEOUT, 0u,
				   MHD_OPTION_END);
	if (daemon_ == NULL)
		die("MHD_start_daemon", NULL);
}

static void
tmp_dir_is_empty(void)
{
	DIR *d = opendir(tmp_dir);
	struct dirent *e;

	if (d == NULL)
		die("opendir", strerror(errno));
	while ((e = readdir(d)) != NULL)
		if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
			die("a temp file was left behind", e->d_name);
	closedir(d);
}

/* A line of data (without '\n' or '\r') into buf; advances *p. */
static void
take_line(const uint8_t **p, const uint8_t *end, char *buf, size_t n)
{
	size_t k = 0;

	while (*p < end && **p != '\n') {
		if (**p != '\r' && **p != '\0' && k + 1 < n)
			buf[k++] = (char)**p;
		(*p)++;
	}
	if (*p < end)
		(*p)++;
	buf[k] = '\0';
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *p = data, *end;
	char line[256], ctype[512];
	unsigned long long mf = 1024;
	unsigned int chunk = 0;
	struct buf req;
	struct sockaddr_in sin = { .sin_family = AF_INET };
	int sv[2];
	size_t off = 0;

	if (daemon_ == NULL)
		setup();
	if (size > FUZZ_FORM_MAX_INPUT)
		size = FUZZ_FORM_MAX_INPUT;
	end = data + size;
	take_line(&p, end, line, sizeof(line));
	if (sscanf(line, "%llu %u", &mf, &chunk) < 1)
		mf = 1024;
	max_file = mf % (1u << 20);
	chunk = chunk == 0 ? 1u << 20 : chunk % 4096 + 1;
	take_line(&p, end, ctype, sizeof(ctype));

	buf_init(&req, FUZZ_FORM_MAX_INPUT + 1024);
	buf_printf(&req, "POST /api/v1/documents HTTP/1.1\r\nHost: x\r\n"
		   "Content-Type: %s\r\nContent-Length: %zu\r\n"
		   "Connection: close\r\n\r\n", ctype, (size_t)(end - p));
	buf_add(&req, (const char *)p, (size_t)(end - p));

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		die("socketpair", strerror(errno));
	fcntl(sv[1], F_SETFL, O_NONBLOCK);
	if (MHD_add_connection(daemon_, sv[0], (struct sockaddr *)&sin,
			       sizeof(sin)) != MHD_YES)
		die("MHD_add_connection", strerror(errno));
	answered = 0;
	/* Write in chunks, letting MHD parse between them, until answered. */
	for (int idle = 0; idle < 64 && !answered;) {
		ssize_t w = 0;

		if (off < req.len) {
			size_t n = req.len - off < chunk ? req.len - off : chunk;

			w = send(sv[1], req.data + off, n, MSG_NOSIGNAL);
			if (w > 0)
				off += (size_t)w;
			else if (errno == EPIPE || errno == ECONNRESET)
				break;
		}
		MHD_run(daemon_);
		idle = w > 0 ? 0 : idle + 1;
	}
	/* Hanging up makes MHD end the connection and call completed(). */
	close(sv[1]);
	for (int i = 0; i < 8; i++)
		MHD_run(daemon_);
	buf_release(&req);
	tmp_dir_is_empty();
	return 0;
}
