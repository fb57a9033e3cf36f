/*
 * vault_fetch.c - see vault_fetch.h.
 *
 * libcurl is told to follow nothing: each hop is its own curl_easy_perform,
 * so that we see every URL before it is requested (scheme, and whether its
 * host:port is allowlisted) and count the hops ourselves. The allowlist
 * decision is per hop; the address check runs in CURLOPT_OPENSOCKETFUNCTION,
 * after DNS, for every connection curl opens (each address it tries), so a
 * name that resolves to a private address, or a redirect to one, is refused
 * without a byte being sent. CURLOPT_PROTOCOLS_STR and
 * CURLOPT_REDIR_PROTOCOLS_STR repeat the scheme rule inside libcurl.
 *
 * The body goes to one temp file, truncated at each hop, so only the final
 * response's body remains. Bytes are counted in the write callback against
 * max_size (CURLOPT_MAXFILESIZE_LARGE refuses a large Content-Length early,
 * but a chunked body has none). No Accept-Encoding is sent, so curl
 * decompresses nothing. Header values we keep are bounded
 * (FV_MAX_FETCH_HEADER) and file names are sanitised before they leave.
 */
#include "config.h"

#include "vault_fetch.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fvlimits.h"

/* State of one fetch, shared with the libcurl callbacks. */
struct fetch {
	int fd;
	uint64_t bytes;
	uint64_t max_size;
	int too_big;
	int write_errno;
	int allowed;            /* this hop's host:port is allowlisted */
	const char *refused;    /* why an address was refused, if one was */
	char refused_addr[INET6_ADDRSTRLEN];
	struct buf disposition; /* this hop's Content-Disposition value */
};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;

static void
curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

void
vault_fetch_opts_default(struct vault_fetch_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->max_size = FV_DEFAULT_FETCH_MAX_SIZE;
	o->timeout_ms = FV_DEFAULT_FETCH_TIMEOUT * 1000L;
	o->connect_timeout_ms = FV_DEFAULT_FETCH_CONNECT_TIMEOUT * 1000L;
	o->max_redirects = FV_DEFAULT_FETCH_MAX_REDIRECTS;
}

void
vault_fetch_result_release(struct vault_fetch_result *r)
{
	if (r == NULL)
		return;
	free(r->tmp_path);
	free(r->final_url);
	free(r->content_type);
	free(r->file_name);
	memset(r, 0, sizeof(*r));
}

/* ---- addresses ------------------------------------------------------------ */

static const char *
ipv4_refusal(uint32_t a)
{
	static const struct {
		uint32_t net, mask;
		const char *why;
	} nets[] = {
		{ 0xa9fea9fe, 0xffffffff, "a cloud metadata address" },
		{ 0x00000000, 0xff000000, "an unspecified address (0.0.0.0/8)" },
		{ 0x0a000000, 0xff000000, "a private address" },
		{ 0x64400000, 0xffc00000, "a carrier-grade NAT address" },
		{ 0x7f000000, 0xff000000, "a loopback address" },
		{ 0xa9fe0000, 0xffff0000, "a link-local address" },
		{ 0xac100000, 0xfff00000, "a private address" },
		{ 0xc0000000, 0xffffff00, "an IETF protocol address" },
		{ 0xc0000200, 0xffffff00, "a documentation address" },
		{ 0xc0586300, 0xffffff00, "a 6to4 relay address" },
		{ 0xc0a80000, 0xffff0000, "a private address" },
		{ 0xc6120000, 0xfffe0000, "a benchmarking address" },
		{ 0xc6336400, 0xffffff00, "a documentation address" },
		{ 0xcb007100, 0xffffff00, "a documentation address" },
		{ 0xe0000000, 0xf0000000, "a multicast address" },
		{ 0xf0000000, 0xf0000000, "a reserved address" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(nets); i++)
		if ((a & nets[i].mask) == nets[i].net)
			return nets[i].why;
	return NULL;
}

static const char *
ipv6_refusal(const unsigned char *b)
{
	static const unsigned char zero[16];
	static const unsigned char metadata[16] = { 0xfd, 0x00, 0x0e, 0xc2, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0, 0x02, 0x54 };
	static const unsigned char nat64[12] = { 0x00, 0x64, 0xff, 0x9b };

	if (memcmp(b, zero, 15) == 0)
		return b[15] == 1 ? "a loopback address" :
		       b[15] == 0 ? "an unspecified address" :
		       "an IPv4-compatible address";
	if (memcmp(b, metadata, 16) == 0)
		return "a cloud metadata address";
	if (memcmp(b, zero, 10) == 0 && b[10] == 0xff && b[11] == 0xff)
		return "an IPv4-mapped address";
	if (memcmp(b, zero, 8) == 0 && b[8] == 0xff && b[9] == 0xff &&
	    b[10] == 0 && b[11] == 0)
		return "an IPv4-translated address";
	if (memcmp(b, zero, 12) == 0)
		return "an IPv4-compatible address";
	if (memcmp(b, nat64, 12) == 0 ||
	    (memcmp(b, nat64, 4) == 0 && b[4] == 0 && b[5] == 1))
		return "a NAT64 address";
	if (b[0] == 0x01 && b[1] == 0x00 && memcmp(b + 2, zero, 6) == 0)
		return "a discard-only address";
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return "a documentation address";
	/* 2001::/23 holds Teredo (which embeds an IPv4 address), ORCHID and
	 * benchmarking: nothing a government publishes documents on. */
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] < 0x02)
		return "an IETF protocol address";
	if (b[0] == 0x20 && b[1] == 0x02)
		return "a 6to4 address";
	if ((b[0] & 0xfe) == 0xfc)
		return "a unique local (private) address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return "a link-local address";
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return "a site-local (private) address";
	if (b[0] == 0xff)
		return "a multicast address";
	return NULL;
}

const char *
vault_fetch_ip_refusal(const struct sockaddr *sa, socklen_t len)
{
	if (sa == NULL)
		return "not an internet address";
	if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;

		return ipv4_refusal(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;

		return ipv6_refusal(in6->sin6_addr.s6_addr);
	}
	return "not an internet address";
}

/* Runs after DNS, for every address curl connects to. */
static curl_socket_t
on_open_socket(void *ud, curlsocktype purpose, struct curl_sockaddr *addr)
{
	struct fetch *f = ud;
	const char *why;

	why = vault_fetch_ip_refusal(&addr->addr, addr->addrlen);
	if (why != NULL && !f->allowed) {
		const void *raw = NULL;

		if (addr->family == AF_INET)
			raw = &((struct sockaddr_in *)&addr->addr)->sin_addr;
		else if (addr->family == AF_INET6)
			raw = &((struct sockaddr_in6 *)&addr->addr)->sin6_addr;
		if (raw == NULL || inet_ntop(addr->family, raw, f->refused_addr,
					     sizeof(f->refused_addr)) == NULL)
			snprintf(f->refused_addr, sizeof(f->refused_addr), "?");
		f->refused = why;
		return CURL_SOCKET_BAD;
	}
	return socket(addr->family, addr->socktype | SOCK_CLOEXEC,
		      addr->protocol);
}

/* ---- body and headers ----------------------------------------------------- */

static size_t
on_body(char *p, size_t size, size_t n, void *ud)
{
	struct fetch *f = ud;
	size_t len = size * n;
	const char *c = p;
	size_t left = len;

	if (len > f->max_size || f->bytes > f->max_size - len) {
		f->too_big = 1;
		return CURL_WRITEFUNC_ERROR;
	}
	while (left > 0) {
		ssize_t w = write(f->fd, c, left);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			f->write_errno = errno;
			return CURL_WRITEFUNC_ERROR;
		}
		c += w;
		left -= (size_t)w;
	}
	f->bytes += len;
	return len;
}

/* Keeps this response's Content-Disposition (bounded; longer is dropped). */
static size_t
on_header(char *p, size_t size, size_t n, void *ud)
{
	static const char name[] = "content-disposition:";
	struct fetch *f = ud;
	size_t len = size * n;

	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		buf_reset(&f->disposition);
		return len;
	}
	if (len > sizeof(name) - 1 &&
	    strncasecmp(p, name, sizeof(name) - 1) == 0) {
		size_t s = sizeof(name) - 1, e = len;

		while (s < e && (p[s] == ' ' || p[s] == '\t'))
			s++;
		while (e > s && (p[e - 1] == '\r' || p[e - 1] == '\n' ||
				 p[e - 1] == ' ' || p[e - 1] == '\t'))
			e--;
		buf_reset(&f->disposition);
		if (buf_add(&f->disposition, p + s, e - s) < 0)
			buf_reset(&f->disposition);
	}
	return len;
}

/* ---- file names ----------------------------------------------------------- */

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Percent-decodes s[0..len) into a new string (bad escapes kept as is). */
static char *
percent_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		int h, l;

		if (s[i] == '%' && i + 2 < len &&
		    (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			out[o++] = (char)(h * 16 + l);
			i += 2;
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

/* Latin-1 bytes to UTF-8, for names that are not valid UTF-8. */
static char *
latin1_to_utf8(const char *s)
{
	size_t n = strlen(s);
	char *out = xmalloc(2 * n + 1);
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x80) {
			out[o++] = (char)c;
		} else {
			out[o++] = (char)(0xc0 | (c >> 6));
			out[o++] = (char)(0x80 | (c & 0x3f));
		}
	}
	out[o] = '\0';
	return out;
}

/*
 * Makes a name safe to show and to offer as a download name: the last path
 * segment only, control characters as '_', trimmed, cut to FV_MAX_FILE_NAME
 * bytes at a character boundary keeping a short extension. NULL if nothing
 * usable is left. Takes ownership of raw.
 */
static char *
sanitise_name(char *raw)
{
	char *name, *s, *ext;
	size_t len, o = 0, extlen = 0;
	const unsigned char *u;

	if (raw == NULL)
		return NULL;
	if (!utf8_valid(raw, strlen(raw))) {
		char *conv = latin1_to_utf8(raw);

		free(raw);
		raw = conv;
	}
	s = raw;
	for (char *p = raw; *p; p++)
		if (*p == '/' || *p == '\\')
			s = p + 1;
	len = strlen(s);
	name = xmalloc(len + 1);
	u = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++) {
		/* C0, DEL, and C1 (U+0080-U+009F, encoded c2 80-9f). */
		if (u[i] < 0x20 || u[i] == 0x7f) {
			name[o++] = '_';
		} else if (u[i] == 0xc2 && i + 1 < len && u[i + 1] < 0xa0) {
			name[o++] = '_';
			i++;
		} else {
			name[o++] = (char)u[i];
		}
	}
	name[o] = '\0';
	free(raw);
	/* Trim spaces at both ends, and dots at the end (Windows drops them). */
	s = name;
	while (*s == ' ')
		s++;
	len = strlen(s);
	while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '.'))
		len--;
	memmove(name, s, len);
	name[len] = '\0';
	if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0) {
		free(name);
		return NULL;
	}
	if (len > FV_MAX_FILE_NAME) {
		ext = strrchr(name, '.');
		if (ext && strlen(ext) <= 16 && ext != name)
			extlen = strlen(ext);
		len = FV_MAX_FILE_NAME - extlen;
		/* Back up to the start of a UTF-8 character. */
		while (len > 0 && ((unsigned char)name[len] & 0xc0) == 0x80)
			len--;
		if (extlen)
			memmove(name + len, ext, extlen);
		name[len + extlen] = '\0';
	}
	return name;
}

/* The value of parameter key (e.g. "filename") in a header value. */
static char *
header_param(const char *v, const char *key)
{
	size_t klen = strlen(key);
	const char *p = v;

	while (*p) {
		const char *start;

		/* Skip to the next parameter, honouring quoted strings. */
		while (*p && *p != ';') {
			if (*p == '"') {
				p++;
				while (*p && *p != '"') {
					if (*p == '\\' && p[1])
						p++;
					p++;
				}
				if (*p)
					p++;
			} else {
				p++;
			}
		}
		if (*p != ';')
			break;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		start = p;
		if (strncasecmp(start, key, klen) != 0)
			continue;
		p = start + klen;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p != '=')
			continue;
		p++;
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '"') {
			struct buf b;

			buf_init(&b, FV_MAX_FETCH_HEADER);
			buf_addstr(&b, "");
			for (p++; *p && *p != '"'; p++) {
				if (*p == '\\' && p[1])
					p++;
				buf_add(&b, p, 1);
			}
			return buf_detach(&b, NULL);
		}
		return xstrndup(p, strcspn(p, "; \t"));
	}
	return NULL;
}

/* RFC 8187 ext-value: charset'language'percent-encoded. */
static char *
ext_value(const char *v)
{
	const char *q1 = strchr(v, '\''), *q2;
	char *dec;

	if (q1 == NULL || (q2 = strchr(q1 + 1, '\'')) == NULL)
		return NULL;
	dec = percent_decode(q2 + 1, strlen(q2 + 1));
	if (strncasecmp(v, "utf-8'", 6) == 0)
		return dec;
	if (strncasecmp(v, "iso-8859-1'", 11) == 0) {
		char *conv = latin1_to_utf8(dec);

		free(dec);
		return conv;
	}
	free(dec);
	return NULL;
}

char *
vault_fetch_file_name(const char *disposition, const char *url)
{
	char *name = NULL;

	if (disposition != NULL) {
		char *v = header_param(disposition, "filename*");

		if (v) {
			name = sanitise_name(ext_value(v));
			free(v);
		}
		if (name == NULL)
			name = sanitise_name(header_param(disposition,
							  "filename"));
	}
	if (name == NULL && url != NULL) {
		CURLU *u = curl_url();
		char *path = NULL;

		if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK &&
		    curl_url_get(u, CURLUPART_PATH, &path, 0) == CURLUE_OK &&
		    path != NULL) {
			const char *last = strrchr(path, '/');

			last = last ? last + 1 : path;
			name = sanitise_name(percent_decode(last, strlen(last)));
		}
		curl_free(path);
		curl_url_cleanup(u);
	}
	return name ? name : xstrdup("download");
}

/* ---- fetching ------------------------------------------------------------- */

/*
 * Checks a URL before it is requested: http or https, a host, and whether
 * its host:port is allowlisted (host compared as curl normalises it,
 * without case).
 */
static int
check_url(const char *url, const struct vault_fetch_opts *o,
	  int *ret_allowed, struct error *err)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL;
	int rc = -1;

	*ret_allowed = 0;
	if (strlen(url) > FV_MAX_URL_LENGTH) {
		error_set(err, "the URL is longer than %d bytes",
			  FV_MAX_URL_LENGTH);
		goto out;
	}
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) !=
	    CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK) {
		error_set(err, "not a valid URL: %.200s", url);
		goto out;
	}
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0) {
		error_set(err, "only http and https URLs can be fetched, not "
			  "%.20s: %.200s", scheme, url);
		goto out;
	}
	if (curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) !=
	    CURLUE_OK) {
		error_set(err, "the URL has no host: %.200s", url);
		goto out;
	}
	for (size_t i = 0; i < o->n_allow; i++) {
		const char *a = o->allow[i];
		const char *colon = strrchr(a, ':');

		if (colon && (size_t)(colon - a) == strlen(host) &&
		    strncasecmp(a, host, strlen(host)) == 0 &&
		    strcmp(colon + 1, port) == 0)
			*ret_allowed = 1;
	}
	rc = 0;
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	return rc;
}

static int
check_opts(const struct vault_fetch_opts *o, struct error *err)
{
	if (o->n_allow > FV_MAX_FETCH_ALLOW)
		return error_set(err, "the fetch allowlist has more than %d "
				 "entries", FV_MAX_FETCH_ALLOW);
	for (size_t i = 0; i < o->n_allow; i++) {
		const char *colon = strrchr(o->allow[i], ':');
		long long port;

		if (colon == NULL || colon == o->allow[i] ||
		    parse_ll(colon + 1, 1, 65535, "port", &port, NULL) < 0)
			return error_set(err, "fetch allowlist entry '%.100s' "
					 "is not host:port", o->allow[i]);
	}
	if (o->max_redirects < 0 || o->timeout_ms <= 0 ||
	    o->connect_timeout_ms <= 0)
		return error_set(err, "fetch timeouts must be positive");
	return 0;
}

/* A short printable copy of a header value. */
static char *
printable(const char *s)
{
	size_t n = strlen(s), o = 0;
	char *out;

	if (n > FV_MAX_FETCH_HEADER)
		n = FV_MAX_FETCH_HEADER;
	out = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x20 && s[i] < 0x7f)
			out[o++] = s[i];
	out[o] = '\0';
	return out;
}

int
vault_fetch(const char *url, const char *tmp_dir,
	    const struct vault_fetch_opts *opts,
	    struct vault_fetch_result *ret, struct error *err)
{
	struct vault_fetch_opts defaults;
	struct fetch f;
	char errbuf[CURL_ERROR_SIZE];
	char *tmp = NULL, *cur = NULL, *ua = NULL;
	CURL *h = NULL;
	int64_t deadline;
	long status = 0;
	int hops = 0, rc = -1;

	memset(&f, 0, sizeof(f));
	f.fd = -1;
	buf_init(&f.disposition, FV_MAX_FETCH_HEADER);
	if (opts == NULL) {
		vault_fetch_opts_default(&defaults);
		opts = &defaults;
	}
	if (check_opts(opts, err) < 0)
		goto out;
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		error_set(err, "cannot start libcurl: %s",
			  curl_easy_strerror(curl_init_rc));
		goto out;
	}
	cur = xstrdup(url);
	if (check_url(cur, opts, &f.allowed, err) < 0)
		goto out;
	tmp = xasprintf("%s/fetch.XXXXXX", tmp_dir);
	f.fd = mkostemp(tmp, O_CLOEXEC);
	if (f.fd < 0) {
		error_set(err, "cannot create a temp file in %s: %s", tmp_dir,
			  strerror(errno));
		free(tmp);
		tmp = NULL;
		goto out;
	}
	f.max_size = opts->max_size;
	ua = opts->user_agent ? xstrdup(opts->user_agent) :
	     xasprintf("foivault/%s", PACKAGE_VERSION);
	h = curl_easy_init();
	if (h == NULL) {
		error_set(err, "cannot start libcurl");
		goto out;
	}
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY, "");
	curl_easy_setopt(h, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_HTTPGET, 1L);
	curl_easy_setopt(h, CURLOPT_USERAGENT, ua);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, on_open_socket);
	curl_easy_setopt(h, CURLOPT_OPENSOCKETDATA, &f);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, &f);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, &f);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, opts->connect_timeout_ms);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE,
			 (curl_off_t)(opts->max_size > INT64_MAX ? INT64_MAX :
				      opts->max_size));
	deadline = now_usec() + (int64_t)opts->timeout_ms * 1000;

	for (;;) {
		int64_t left = (deadline - now_usec()) / 1000;
		char *next = NULL;
		CURLcode res;

		if (left <= 0) {
			error_set(err, "fetching %.200s timed out after %ld s",
				  url, opts->timeout_ms / 1000);
			goto out;
		}
		if (ftruncate(f.fd, 0) < 0 || lseek(f.fd, 0, SEEK_SET) < 0) {
			error_set(err, "cannot write to %s: %s", tmp_dir,
				  strerror(errno));
			goto out;
		}
		f.bytes = 0;
		f.refused = NULL;
		buf_reset(&f.disposition);
		errbuf[0] = '\0';
		curl_easy_setopt(h, CURLOPT_URL, cur);
		curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)left);
		res = curl_easy_perform(h);
		if (res != CURLE_OK) {
			if (f.refused && hops > 0)
				error_set(err, "refused to connect to %s (for "
					  "%.150s, where %.150s redirected): "
					  "%s; only public addresses are "
					  "fetched unless [fetch] allow lists "
					  "the host:port", f.refused_addr, cur,
					  url, f.refused);
			else if (f.refused)
				error_set(err, "refused to connect to %s (for "
					  "%.200s): %s; only public addresses "
					  "are fetched unless [fetch] allow "
					  "lists the host:port",
					  f.refused_addr, cur, f.refused);
			else if (f.too_big || res == CURLE_FILESIZE_EXCEEDED)
				error_set(err, "%.200s is larger than the limit "
					  "of %llu bytes", cur,
					  (unsigned long long)opts->max_size);
			else if (f.write_errno)
				error_set(err, "cannot write to %s: %s", tmp_dir,
					  strerror(f.write_errno));
			else if (res == CURLE_OPERATION_TIMEDOUT)
				error_set(err, "fetching %.200s timed out: %s",
					  cur, errbuf[0] ? errbuf :
					  curl_easy_strerror(res));
			else
				error_set(err, "cannot fetch %.200s: %s", cur,
					  errbuf[0] ? errbuf :
					  curl_easy_strerror(res));
			goto out;
		}
		curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
		if (status >= 300 && status < 400 &&
		    curl_easy_getinfo(h, CURLINFO_REDIRECT_URL, &next) ==
		    CURLE_OK && next != NULL) {
			if (hops >= opts->max_redirects) {
				error_set(err, "%.200s redirects more than %d "
					  "times", url, opts->max_redirects);
				goto out;
			}
			hops++;
			free(cur);
			cur = xstrdup(next);
			if (check_url(cur, opts, &f.allowed, err) < 0)
				goto out;
			continue;
		}
		break;
	}
	if (status < 200 || status > 299) {
		error_set(err, "HTTP %ld from %.200s", status, cur);
		goto out;
	}
	if (fsync(f.fd) < 0 || close(f.fd) < 0) {
		f.fd = -1;
		error_set(err, "cannot write to %s: %s", tmp_dir,
			  strerror(errno));
		goto out;
	}
	f.fd = -1;
	{
		char *ct = NULL;

		memset(ret, 0, sizeof(*ret));
		curl_easy_getinfo(h, CURLINFO_CONTENT_TYPE, &ct);
		ret->content_type = ct ? printable(ct) : NULL;
	}
	ret->file_name = vault_fetch_file_name(f.disposition.len ?
					       f.disposition.data : NULL, cur);
	ret->tmp_path = tmp;
	ret->final_url = cur;
	ret->status = status;
	ret->size = f.bytes;
	ret->redirects = hops;
	tmp = NULL;
	cur = NULL;
	rc = 0;
out:
	if (f.fd >= 0)
		close(f.fd);
	if (tmp)
		unlink(tmp);
	free(tmp);
	free(cur);
	free(ua);
	buf_release(&f.disposition);
	if (h)
		curl_easy_cleanup(h);
	return rc;
}
