/*
 * vault_fetch.h - fetching a document from an http or https URL that a user
 * gave us, without letting that URL reach anything but the public internet.
 *
 * Only http and https, for the first request and every redirect; redirects
 * are followed by us, each one re-checked, at most max_redirects. Every
 * connection's address is checked after DNS resolution: private, loopback,
 * link-local, CGNAT, multicast, reserved, IPv4-mapped/translated IPv6 and
 * cloud metadata addresses are refused, unless the URL's host:port is in the
 * admin's allowlist. Proxies from the environment are ignored. The body is
 * written to a temp file and counted as it arrives (a chunked response has no
 * length to check in advance); the whole fetch, redirects included, has one
 * deadline.
 */
#ifndef FOIVAULT_VAULT_FETCH_H
#define FOIVAULT_VAULT_FETCH_H

#include <stdint.h>
#include <sys/socket.h>

#include "util.h"

struct vault_fetch_opts {
	/* "host:port" entries ("files.example.org:443", "127.0.0.1:8080",
	 * "[::1]:8080") that may be reached even at a refused address. */
	const char *const *allow;
	size_t n_allow;
	uint64_t max_size;       /* bytes of the body */
	long timeout_ms;         /* the whole fetch, all redirects */
	long connect_timeout_ms; /* each connection */
	int max_redirects;
	const char *user_agent;  /* NULL: foivault/VERSION */
};

struct vault_fetch_result {
	char *tmp_path;     /* the body; the caller stores and removes it */
	char *final_url;    /* after redirects */
	long status;        /* the final HTTP status, 2xx */
	char *content_type; /* as the server sent it, or NULL */
	char *file_name;    /* sanitised, never NULL or empty */
	uint64_t size;
	int redirects;
};

/* Fills o with the defaults from fvlimits.h and an empty allowlist. */
void vault_fetch_opts_default(struct vault_fetch_opts *o);

/*
 * Fetches url into a new temp file in tmp_dir. opts may be NULL for the
 * defaults. Returns 0 and fills *ret, or -1 with err set ("HTTP 404 from
 * URL", "refused to connect to 10.0.0.1: a private address", ...); on
 * failure no temp file is left.
 */
int vault_fetch(const char *url, const char *tmp_dir,
		const struct vault_fetch_opts *opts,
		struct vault_fetch_result *ret, struct error *err);

/* Frees the strings of r (the temp file is the caller's). */
void vault_fetch_result_release(struct vault_fetch_result *r);

/*
 * Why a connection to this address is refused ("a loopback address"), or
 * NULL if it is a public internet address.
 */
const char *vault_fetch_ip_refusal(const struct sockaddr *sa, socklen_t len);

/*
 * A file name for a fetched document: from a Content-Disposition header
 * value (filename*= preferred to filename=; may be NULL), else from the last
 * segment of the URL's path, else "download". Never NULL; no slashes, no
 * control characters, valid UTF-8, at most FV_MAX_FILE_NAME bytes, not "."
 * or "..". Newly allocated.
 */
char *vault_fetch_file_name(const char *disposition, const char *url);

#endif
