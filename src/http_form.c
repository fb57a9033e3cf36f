/*
 * http_form.c - see http_form.h.
 *
 * The post processor calls form_part() for each piece of each part, with
 * off = the offset of this piece in the part's value; a piece with off 0
 * after a non-empty piece starts a new part. The file is never written
 * under the client's name: it goes to a mkstemp() file in DATA/tmp, and the
 * name is only kept (made safe) as the document's source name.
 */
#include "config.h"

#include "http_form.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "fvlimits.h"

struct form_field {
	char *name;
	struct buf value;
};

struct http_form {
	struct MHD_PostProcessor *pp;
	uint64_t max_file;
	uint64_t total;          /* body bytes fed */
	/* The file part. */
	char *tmp_path;          /* NULL once removed */
	int fd;
	int file_started, file_ended;
	uint64_t file_size;
	char *file_name;
	/* The other fields. */
	struct form_field fields[FV_MAX_FORM_FIELDS];
	size_t nfields;
	int in_field;            /* the last piece was of fields[nfields-1] */
	/* Refused: the status and why (0 while all is well). */
	int status;
	struct error err;
};

char *
http_form_safe_name(const char *raw)
{
	const char *base = raw ? raw : "";
	size_t n;
	char *s;

	for (const char *p = base; *p; p++)
		if (*p == '/' || *p == '\\')
			base = p + 1;
	s = xstrdup(base);
	n = strlen(s);
	if (!utf8_valid(s, n))
		for (size_t i = 0; i < n; i++)
			if ((unsigned char)s[i] >= 0x80)
				s[i] = '_';
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
			s[i] = '_';
	if (n > FV_MAX_FILE_NAME) {
		n = FV_MAX_FILE_NAME;
		/* Cut before a character, never inside one. */
		while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--;
		s[n] = '\0';
	}
	if (n == 0 || strcmp(s, ".") == 0 || strcmp(s, "..") == 0) {
		free(s);
		s = xstrdup("upload");
	}
	return s;
}

static void
remove_file(struct http_form *f)
{
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	if (f->tmp_path) {
		unlink(f->tmp_path);
		free(f->tmp_path);
		f->tmp_path = NULL;
	}
}

static enum MHD_Result PRINTF_LIKE(3, 4)
refuse(struct http_form *f, int status, const char *fmt, ...)
{
	va_list ap;

	if (f->status == 0) {
		f->status = status;
		va_start(ap, fmt);
		vsnprintf(f->err.msg, sizeof(f->err.msg), fmt, ap);
		va_end(ap);
	}
	remove_file(f);
	return MHD_NO;
}

static int
write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

static enum MHD_Result
file_piece(struct http_form *f, const char *key, const char *filename,
	   const char *data, uint64_t off, size_t size)
{
	if (off == 0 && f->file_started && (f->file_size > 0 || f->file_ended))
		return refuse(f, 422, "send one file per request");
	if (!f->file_started) {
		if (strcmp(key, "file") != 0)
			return refuse(f, 422, "the file must be in a form "
				      "field named 'file'");
		if (f->nfields == FV_MAX_FORM_FIELDS)
			return refuse(f, 413, "more than %d form fields",
				      FV_MAX_FORM_FIELDS);
		f->file_started = 1;
		f->file_name = http_form_safe_name(filename);
	}
	if (off != f->file_size)
		return refuse(f, 400, "malformed multipart body");
	if (size > f->max_file - f->file_size)
		return refuse(f, 413, "the file is larger than the limit of "
			      "%llu bytes", (unsigned long long)f->max_file);
	if (size > 0 && write_all(f->fd, data, size) < 0)
		return refuse(f, 500, "cannot write the upload: %s",
			      strerror(errno));
	f->file_size += size;
	f->in_field = 0;
	return MHD_YES;
}

static enum MHD_Result
field_piece(struct http_form *f, const char *key, const char *data,
	    uint64_t off, size_t size)
{
	struct form_field *fl = f->nfields ? &f->fields[f->nfields - 1] : NULL;

	if (f->file_started)
		f->file_ended = 1;
	if (off == 0 && !(f->in_field && fl && fl->value.len == 0 &&
			  strcmp(fl->name, key) == 0)) {
		/* One slot stays free for the file part. */
		if (f->nfields + 1 >= FV_MAX_FORM_FIELDS)
			return refuse(f, 413, "more than %d form fields",
				      FV_MAX_FORM_FIELDS);
		if (strlen(key) > FV_MAX_FORM_FIELD_NAME)
			return refuse(f, 400, "a form field name is longer "
				      "than %d bytes", FV_MAX_FORM_FIELD_NAME);
		fl = &f->fields[f->nfields++];
		fl->name = xstrdup(key);
		buf_init(&fl->value, FV_MAX_FORM_FIELD);
	}
	if (fl == NULL || off != fl->value.len)
		return refuse(f, 400, "malformed multipart body");
	if (memchr(data, '\0', size) != NULL)
		return refuse(f, 400, "form field '%.64s' contains a NUL byte",
			      key);
	if (buf_add(&fl->value, data, size) < 0)
		return refuse(f, 413, "form field '%.64s' is longer than %d "
			      "bytes", key, FV_MAX_FORM_FIELD);
	f->in_field = 1;
	return MHD_YES;
}

static enum MHD_Result
form_part(void *cls, enum MHD_ValueKind kind, const char *key,
	  const char *filename, const char *content_type,
	  const char *transfer_encoding, const char *data, uint64_t off,
	  size_t size)
{
	struct http_form *f = cls;

	(void)kind;
	(void)content_type;
	(void)transfer_encoding;
	if (f->status)
		return MHD_NO;
	if (key == NULL)
		return refuse(f, 400, "a form part has no name");
	if (filename != NULL)
		return file_piece(f, key, filename, data, off, size);
	return field_piece(f, key, data, off, size);
}

static int
is_multipart(const char *ctype)
{
	static const char mp[] = "multipart/form-data";

	return ctype && strncasecmp(ctype, mp, sizeof(mp) - 1) == 0 &&
	       (ctype[sizeof(mp) - 1] == ';' || ctype[sizeof(mp) - 1] == ' ' ||
		ctype[sizeof(mp) - 1] == '\0');
}

struct http_form *
http_form_new(struct MHD_Connection *conn, const char *tmp_dir,
	      uint64_t max_file, struct error *err)
{
	const char *ctype = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
		MHD_HTTP_HEADER_CONTENT_TYPE);
	struct http_form *f;

	if (!is_multipart(ctype) || strstr(ctype, "boundary=") == NULL) {
		error_set(err, "the body must be multipart/form-data with a "
			  "boundary");
		return NULL;
	}
	f = xcalloc(1, sizeof(*f));
	f->fd = -1;
	f->max_file = max_file;
	f->pp = MHD_create_post_processor(conn, FV_UPLOAD_PARSE_BUFFER,
					  form_part, f);
	if (f->pp == NULL) {
		error_set(err, "malformed multipart/form-data Content-Type");
		free(f);
		return NULL;
	}
	f->tmp_path = xasprintf("%s/upload.XXXXXX", tmp_dir);
	f->fd = mkostemp(f->tmp_path, O_CLOEXEC);
	if (f->fd < 0) {
		error_set(err, "cannot create a file in %s: %s", tmp_dir,
			  strerror(errno));
		free(f->tmp_path);
		f->tmp_path = NULL;
		http_form_free(f);
		return NULL;
	}
	return f;
}

int
http_form_feed(struct http_form *f, const char *data, size_t len)
{
	f->total += len;
	if (f->total > f->max_file + FV_MAX_UPLOAD_FORM) {
		refuse(f, 413, "the body is larger than the limit of %llu "
		       "bytes", (unsigned long long)(f->max_file +
						      FV_MAX_UPLOAD_FORM));
		return -1;
	}
	if (f->status)
		return 0;
	if (MHD_post_process(f->pp, data, len) != MHD_YES)
		refuse(f, 400, "malformed multipart body");
	return 0;
}

int
http_form_finish(struct http_form *f, struct error *err)
{
	enum MHD_Result done = MHD_destroy_post_processor(f->pp);

	f->pp = NULL;
	if (f->status == 0 && done != MHD_YES)
		refuse(f, 400, "malformed multipart body (incomplete)");
	if (f->status == 0 && !f->file_started)
		refuse(f, 400, "the form has no file: send it in a field "
		       "named 'file' (curl -F file=@PATH)");
	if (f->status) {
		*err = f->err;
		return f->status;
	}
	if (f->fd >= 0) {
		close(f->fd);
		f->fd = -1;
	}
	return 0;
}

size_t
http_form_nfields(const struct http_form *f)
{
	return f->nfields;
}

const char *
http_form_field_name(const struct http_form *f, size_t i)
{
	return i < f->nfields ? f->fields[i].name : NULL;
}

const char *
http_form_field_value(const struct http_form *f, size_t i)
{
	if (i >= f->nfields)
		return NULL;
	return f->fields[i].value.data ? f->fields[i].value.data : "";
}

const char *
http_form_file_path(const struct http_form *f)
{
	return f->tmp_path;
}

uint64_t
http_form_file_size(const struct http_form *f)
{
	return f->file_size;
}

const char *
http_form_file_name(const struct http_form *f)
{
	return f->file_name;
}

void
http_form_free(struct http_form *f)
{
	if (f == NULL)
		return;
	if (f->pp)
		MHD_destroy_post_processor(f->pp);
	remove_file(f);
	for (size_t i = 0; i < f->nfields; i++) {
		free(f->fields[i].name);
		buf_release(&f->fields[i].value);
	}
	free(f->file_name);
	free(f);
}
