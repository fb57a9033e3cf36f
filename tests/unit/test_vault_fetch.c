/*
 * test_vault_fetch.c - URL fetches against a real HTTP server: python3 on
 * 127.0.0.1 with two ephemeral ports (A, allowlisted, and B, not), started
 * and killed by this test. Normal fetch, loopback refused unless
 * allowlisted, a redirect from A to B refused, too many redirects, a chunked
 * body past the cap, a Content-Length past the cap, a server that hangs,
 * schemes other than http(s), 404; then the address classifier and the file
 * name sanitiser on their own.
 */
#include "config.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fvlimits.h"
#include "tap.h"
#include "util.h"
#include "vault_fetch.h"

/* The test server, run as python3 server.py; prints "PORT_A PORT_B". */
static const char server_py[] =
	"import http.server, signal, sys, threading, time, urllib.parse\n"
	"signal.alarm(120)  # never outlive a test that crashed\n"
	"class H(http.server.BaseHTTPRequestHandler):\n"
	"    protocol_version = 'HTTP/1.1'\n"
	"    def log_message(self, *a): pass\n"
	"    def send(self, code, body=b'', headers=()):\n"
	"        self.send_response(code)\n"
	"        for k, v in headers: self.send_header(k, v)\n"
	"        self.send_header('Content-Length', str(len(body)))\n"
	"        self.end_headers()\n"
	"        self.wfile.write(body)\n"
	"    def do_GET(self):\n"
	"        p = self.path\n"
	"        try:\n"
	"            if p == '/hello':\n"
	"                self.send(200, b'hello, vault\\n', [('Content-Type', 'text/plain; charset=utf-8'),\n"
	"                          ('Content-Disposition', 'attachment; filename=\"../../etc/evil\\x01name.txt\"')])\n"
	"            elif p == '/utf8name':\n"
	"                self.send(200, b'pdf', [('Content-Disposition',\n"
	"                          'attachment; filename=\"fallback.pdf\"; filename*=UTF-8\\'\\'r%C3%A9ponse%20finale.pdf')])\n"
	"            elif p.startswith('/docs/'):\n"
	"                self.send(200, b'doc', [('Content-Type', 'application/pdf')])\n"
	"            elif p.startswith('/redirect?to='):\n"
	"                self.send(302, b'', [('Location', urllib.parse.unquote(p[len('/redirect?to='):]))])\n"
	"            elif p.startswith('/loop/'):\n"
	"                self.send(302, b'', [('Location', '/loop/%d' % (int(p[6:]) + 1))])\n"
	"            elif p == '/chunked':\n"
	"                self.send_response(200)\n"
	"                self.send_header('Transfer-Encoding', 'chunked')\n"
	"                self.end_headers()\n"
	"                chunk = b'x' * 65536\n"
	"                for i in range(64):\n"
	"                    self.wfile.write(b'%x\\r\\n%s\\r\\n' % (len(chunk), chunk))\n"
	"                self.wfile.write(b'0\\r\\n\\r\\n')\n"
	"            elif p == '/big':\n"
	"                self.send_response(200)\n"
	"                self.send_header('Content-Length', str(64 << 20))\n"
	"                self.end_headers()\n"
	"                for i in range(64): self.wfile.write(bytes(1 << 20))\n"
	"            elif p == '/slow':\n"
	"                time.sleep(20)\n"
	"                self.send(200, b'late')\n"
	"            else:\n"
	"                self.send(404, b'not here\\n')\n"
	"        except (BrokenPipeError, ConnectionResetError):\n"
	"            pass\n"
	"servers = [http.server.ThreadingHTTPServer(('127.0.0.1', 0), H) for i in range(2)]\n"
	"for s in servers:\n"
	"    s.daemon_threads = True\n"
	"    threading.Thread(target=s.serve_forever, daemon=True).start()\n"
	"print(' '.join(str(s.server_address[1]) for s in servers), flush=True)\n"
	"signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))\n"
	"while True: time.sleep(1)\n";

static pid_t server_pid = -1;
static int server_out = -1;

/* Starts the server; returns 0 with both ports, or -1. */
static int
start_server(const char *script, int *port_a, int *port_b)
{
	int fds[2];
	char line[64] = "";
	struct pollfd pfd;
	ssize_t n;

	if (pipe(fds) < 0)
		return -1;
	server_pid = fork();
	if (server_pid < 0)
		return -1;
	if (server_pid == 0) {
		dup2(fds[1], 1);
		close(fds[0]);
		close(fds[1]);
		execlp("python3", "python3", script, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	pfd.fd = fds[0];
	pfd.events = POLLIN;
	/*
	 * The server prints its ports within a second; allow ten. Read up to
	 * the newline, and keep the pipe open until the server stops: closing
	 * it early can make the server's own write fail with EPIPE.
	 */
	server_out = fds[0];
	for (size_t len = 0; strchr(line, '\n') == NULL;) {
		if (len + 1 >= sizeof(line) || poll(&pfd, 1, 10000) != 1)
			return -1;
		n = read(fds[0], line + len, sizeof(line) - 1 - len);
		if (n <= 0)
			return -1;
		len += (size_t)n;
		line[len] = '\0';
	}
	return sscanf(line, "%d %d", port_a, port_b) == 2 ? 0 : -1;
}

static void
stop_server(void)
{
	if (server_pid > 0) {
		kill(server_pid, SIGTERM);
		waitpid(server_pid, NULL, 0);
		server_pid = -1;
	}
	if (server_out >= 0) {
		close(server_out);
		server_out = -1;
	}
}

static int
count_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

static char *
slurp(const char *path)
{
	char *s = xcalloc(1, 4096);
	FILE *f = fopen(path, "r");

	if (f) {
		(void)!fread(s, 1, 4095, f);
		fclose(f);
	}
	return s;
}

static const char *
refusal(const char *ip)
{
	struct sockaddr_in in;
	struct sockaddr_in6 in6;

	memset(&in, 0, sizeof(in));
	memset(&in6, 0, sizeof(in6));
	if (inet_pton(AF_INET, ip, &in.sin_addr) == 1) {
		in.sin_family = AF_INET;
		return vault_fetch_ip_refusal((struct sockaddr *)&in,
					      sizeof(in));
	}
	if (inet_pton(AF_INET6, ip, &in6.sin6_addr) == 1) {
		in6.sin6_family = AF_INET6;
		return vault_fetch_ip_refusal((struct sockaddr *)&in6,
					      sizeof(in6));
	}
	return "unparsable";
}

static void
name_is(const char *disposition, const char *url, const char *want,
	const char *what)
{
	char *got = vault_fetch_file_name(disposition, url);

	is_str(got, want, "file name: %s", what);
	free(got);
}

int
main(void)
{
	char dir[] = "/tmp/fv-fetch-XXXXXX";
	struct vault_fetch_opts o;
	struct vault_fetch_result r;
	struct error err;
	char *script, *url, *allow_a = NULL, *allow_b = NULL, *body, *cmd;
	const char *allow[2];
	int port_a = 0, port_b = 0, rc;
	int64_t t0;
	FILE *f;

	signal(SIGPIPE, SIG_IGN);
	memset(&r, 0, sizeof(r));
	if (mkdtemp(dir) == NULL)
		return 1;
	script = xasprintf("%s/server.py", dir);
	f = fopen(script, "w");
	fputs(server_py, f);
	fclose(f);
	if (start_server(script, &port_a, &port_b) < 0) {
		printf("Bail out! the python3 test server did not start\n");
		stop_server();
		return 1;
	}
	diag("servers on ports %d (allowlisted) and %d", port_a, port_b);
	allow_a = xasprintf("127.0.0.1:%d", port_a);
	allow_b = xasprintf("127.0.0.1:%d", port_b);
	allow[0] = allow_a;
	allow[1] = allow_b;
	vault_fetch_opts_default(&o);
	o.allow = allow;
	o.n_allow = 1;
	o.timeout_ms = 5000;

	/* A normal fetch from an allowlisted host:port. */
	url = xasprintf("http://127.0.0.1:%d/hello", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc == 0, "an allowlisted loopback server can be fetched%s%s",
	   rc ? ": " : "", rc ? err.msg : "");
	if (rc == 0) {
		body = slurp(r.tmp_path);
		is_str(body, "hello, vault\n", "the body is in the temp file");
		free(body);
		is_int(r.status, 200, "status 200");
		is_int(r.size, 13, "size 13");
		is_str(r.final_url, url, "final URL");
		is_str(r.content_type, "text/plain; charset=utf-8",
		       "content type");
		is_str(r.file_name, "evil_name.txt", "the Content-Disposition "
		       "name loses its path and control characters");
		ok(strncmp(r.tmp_path, dir, strlen(dir)) == 0,
		   "the temp file is in the given dir");
		unlink(r.tmp_path);
		vault_fetch_result_release(&r);
	}
	free(url);

	url = xasprintf("http://127.0.0.1:%d/utf8name", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc == 0 && strcmp(r.file_name, "r\xc3\xa9ponse finale.pdf") == 0,
	   "filename* (RFC 8187) is preferred: %s", rc ? err.msg : r.file_name);
	if (rc == 0)
		unlink(r.tmp_path);
	vault_fetch_result_release(&r);
	free(url);
	url = xasprintf("http://127.0.0.1:%d/docs/annex%%20B.pdf?x=1", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc == 0 && strcmp(r.file_name, "annex B.pdf") == 0 &&
	   strcmp(r.content_type, "application/pdf") == 0,
	   "without Content-Disposition the name comes from the URL path: %s",
	   rc ? err.msg : r.file_name);
	if (rc == 0)
		unlink(r.tmp_path);
	vault_fetch_result_release(&r);
	free(url);

	/* Loopback without the allowlist. */
	url = xasprintf("http://127.0.0.1:%d/hello", port_a);
	rc = vault_fetch(url, dir, NULL, &r, &err);
	ok(rc < 0 && strstr(err.msg, "refused to connect to 127.0.0.1") &&
	   strstr(err.msg, "loopback"), "127.0.0.1 is refused when not "
	   "allowlisted: %s", err.msg);
	free(url);
	url = xasprintf("http://localhost:%d/hello", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "refused to connect") &&
	   strstr(err.msg, "loopback"), "localhost is not 127.0.0.1 in the "
	   "allowlist: %s", err.msg);
	free(url);

	/* Redirects: to a loopback port that is not allowlisted, then too many. */
	url = xasprintf("http://127.0.0.1:%d/redirect?to=http://127.0.0.1:%d/"
			"hello", port_a, port_b);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "refused to connect to 127.0.0.1") &&
	   strstr(err.msg, "loopback"),
	   "a redirect from A to B (not allowlisted) is refused: %s", err.msg);
	o.n_allow = 2;
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc == 0 && r.redirects == 1 && strstr(r.final_url, allow_b),
	   "with B allowlisted too it is followed to %s",
	   rc ? err.msg : r.final_url);
	if (rc == 0)
		unlink(r.tmp_path);
	vault_fetch_result_release(&r);
	o.n_allow = 1;
	free(url);
	url = xasprintf("http://127.0.0.1:%d/redirect?to=file:///etc/passwd",
			port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "only http and https"),
	   "a redirect to file:// is refused: %s", err.msg);
	free(url);
	url = xasprintf("http://127.0.0.1:%d/loop/0", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "redirects more than 5 times"),
	   "too many redirects: %s", err.msg);
	o.max_redirects = 2;
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "redirects more than 2 times"),
	   "the redirect limit can be set: %s", err.msg);
	o.max_redirects = FV_DEFAULT_FETCH_MAX_REDIRECTS;
	free(url);

	/* Size and time. */
	o.max_size = 1024 * 1024;
	url = xasprintf("http://127.0.0.1:%d/chunked", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "larger than the limit of 1048576"),
	   "a chunked body past the cap is cut off: %s", err.msg);
	free(url);
	url = xasprintf("http://127.0.0.1:%d/big", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "larger than the limit"),
	   "a Content-Length past the cap is refused: %s", err.msg);
	free(url);
	o.max_size = FV_DEFAULT_FETCH_MAX_SIZE;
	o.timeout_ms = 1000;
	url = xasprintf("http://127.0.0.1:%d/slow", port_a);
	t0 = now_usec();
	rc = vault_fetch(url, dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "timed out"), "a server that hangs "
	   "times out: %s", err.msg);
	/* Timed for information only: the suite asserts no timings. */
	diag("gave up after %.1f s (limit 1 s)", (now_usec() - t0) / 1e6);
	o.timeout_ms = 5000;
	free(url);

	/* Schemes, bad URLs, HTTP errors. */
	rc = vault_fetch("ftp://127.0.0.1/x", dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "only http and https URLs can be fetched, "
			    "not ftp"), "ftp:// is refused: %s", err.msg);
	rc = vault_fetch("file:///etc/passwd", dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "not file"), "file:// is refused: %s",
	   err.msg);
	rc = vault_fetch("gopher://127.0.0.1/", dir, &o, &r, &err);
	ok(rc < 0 && strstr(err.msg, "only http"), "gopher:// is refused: %s",
	   err.msg);
	rc = vault_fetch("example.org/no-scheme", dir, &o, &r, &err);
	ok(rc < 0, "a URL without a scheme is refused: %s", err.msg);
	rc = vault_fetch("http://", dir, &o, &r, &err);
	ok(rc < 0, "a URL without a host is refused: %s", err.msg);
	url = xasprintf("http://127.0.0.1:%d/404", port_a);
	rc = vault_fetch(url, dir, &o, &r, &err);
	cmd = xasprintf("HTTP 404 from %s", url);
	is_str(err.msg, cmd, "a 404 is an error that says so");
	free(cmd);
	free(url);
	{
		const char *bad[] = { "127.0.0.1" };
		struct vault_fetch_opts o2 = o;

		o2.allow = bad;
		o2.n_allow = 1;
		rc = vault_fetch("http://example.org/", dir, &o2, &r, &err);
		ok(rc < 0 && strstr(err.msg, "is not host:port"),
		   "an allowlist entry without a port is refused: %s", err.msg);
	}
	is_int(count_dir(dir), 1, "no temp file is left after the failures");
	stop_server();

	/* The address classifier. */
	{
		static const struct {
			const char *ip, *why;
		} cases[] = {
			{ "8.8.8.8", NULL },
			{ "193.0.6.139", NULL },
			{ "2001:67c:2e8:22::c100:68b", NULL },
			{ "2a00:1450:4001:80b::200e", NULL },
			{ "127.0.0.1", "a loopback address" },
			{ "127.255.255.254", "a loopback address" },
			{ "10.1.2.3", "a private address" },
			{ "172.16.0.1", "a private address" },
			{ "172.31.255.255", "a private address" },
			{ "172.32.0.1", NULL },
			{ "192.168.1.1", "a private address" },
			{ "100.64.0.1", "a carrier-grade NAT address" },
			{ "100.127.255.255", "a carrier-grade NAT address" },
			{ "100.128.0.1", NULL },
			{ "169.254.169.254", "a cloud metadata address" },
			{ "169.254.1.1", "a link-local address" },
			{ "0.0.0.0", "an unspecified address (0.0.0.0/8)" },
			{ "224.0.0.1", "a multicast address" },
			{ "255.255.255.255", "a reserved address" },
			{ "192.0.0.192", "an IETF protocol address" },
			{ "198.18.0.1", "a benchmarking address" },
			{ "::1", "a loopback address" },
			{ "::", "an unspecified address" },
			{ "::ffff:127.0.0.1", "an IPv4-mapped address" },
			{ "::ffff:8.8.8.8", "an IPv4-mapped address" },
			{ "::ffff:0:10.0.0.1", "an IPv4-translated address" },
			{ "::10.0.0.1", "an IPv4-compatible address" },
			{ "64:ff9b::10.0.0.1", "a NAT64 address" },
			{ "fd00:ec2::254", "a cloud metadata address" },
			{ "fd12:3456::1", "a unique local (private) address" },
			{ "fc00::1", "a unique local (private) address" },
			{ "fe80::1", "a link-local address" },
			{ "fec0::1", "a site-local (private) address" },
			{ "ff02::1", "a multicast address" },
			{ "2001:db8::1", "a documentation address" },
			{ "2001:0:4136:e378::1", "an IETF protocol address" },
			{ "2002:a00:1::1", "a 6to4 address" },
		};

		for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
			is_str(refusal(cases[i].ip), cases[i].why, "%s",
			       cases[i].ip);
		ok(vault_fetch_ip_refusal(NULL, 0) != NULL,
		   "no address is refused");
	}

	/* The file name sanitiser. */
	name_is(NULL, "https://example.org/a/b/report.pdf", "report.pdf",
		"the URL's last segment");
	name_is(NULL, "https://example.org/", "download", "no name: download");
	name_is(NULL, "https://example.org/a/..", "download", "'..' is no name");
	name_is(NULL, "https://example.org/x%2F..%2F..%2Fetc%2Fpasswd",
		"passwd", "encoded slashes do not survive");
	name_is("attachment; filename=plain.txt", NULL, "plain.txt",
		"an unquoted filename");
	name_is("attachment; filename=\"a \\\"q\\\".txt\"", NULL, "a \"q\".txt",
		"a quoted filename with escapes");
	name_is("attachment; filename=\"C:\\\\Users\\\\x\\\\memo.doc\"", NULL,
		"memo.doc", "a Windows path loses its folders");
	name_is("attachment; filename=\"caf\xe9.txt\"", NULL,
		"caf\xc3\xa9.txt", "a Latin-1 name becomes UTF-8");
	name_is("attachment; filename*=iso-8859-1''caf%E9.txt", NULL,
		"caf\xc3\xa9.txt", "filename* in ISO-8859-1");
	name_is("attachment; filename=\"  ...  \"", "http://h/x.pdf", "x.pdf",
		"a name of dots and spaces falls back to the URL");
	name_is("attachment; filename=\"bell\x07\xc2\x85.txt\"", NULL,
		"bell__.txt", "C0 and C1 controls become '_'");
	name_is("inline", "http://h/y.html", "y.html", "no filename parameter");
	{
		char long_name[600];
		char *got;

		memset(long_name, 'a', sizeof(long_name));
		memcpy(long_name, "attachment; filename=\"", 22);
		/* A 3-byte character straddles the cut. */
		memcpy(long_name + 22 + 197, "\xe2\x82\xac", 3);
		memcpy(long_name + 590, ".pdf\"", 6);
		got = vault_fetch_file_name(long_name, NULL);
		ok(strlen(got) <= FV_MAX_FILE_NAME &&
		   utf8_valid(got, strlen(got)) &&
		   strcmp(got + strlen(got) - 4, ".pdf") == 0,
		   "a long name is cut to %zu bytes at a character boundary "
		   "and keeps its extension", strlen(got));
		free(got);
	}

	unlink(script);
	rmdir(dir);
	free(script);
	free(allow_a);
	free(allow_b);
	return done_testing();
}
