/*
 * util.h - allocation wrappers, bounded growable buffers, error messages and
 * strict number parsing shared by every module.
 *
 * Allocation failure aborts (there is no sane recovery in a server that is
 * out of memory); sizes that outside input controls are capped instead, with
 * struct buf's maximum.
 */
#ifndef FOIVAULT_UTIL_H
#define FOIVAULT_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#if defined(__GNUC__)
#define PRINTF_LIKE(f, a) __attribute__((format(printf, f, a)))
#else
#define PRINTF_LIKE(f, a)
#endif

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) PRINTF_LIKE(1, 2);

/*
 * A user-facing error message. Functions that can fail for reasons a user
 * must see return -1 (or a negative code) and fill one of these; only main
 * and the HTTP handlers print or send it.
 */
struct error {
	char msg[512];
};

/* Formats the message into err (if not NULL) and returns -1. */
int error_set(struct error *err, const char *fmt, ...) PRINTF_LIKE(2, 3);

/*
 * A growable byte buffer with a hard maximum, so that input cannot grow
 * memory without bound. data is always NUL-terminated (not counted in len).
 */
struct buf {
	char *data;
	size_t len;
	size_t cap;
	size_t max;
};

void buf_init(struct buf *b, size_t max);
/* Appends n bytes; returns 0, or -1 (leaving b unchanged) past the maximum. */
int buf_add(struct buf *b, const void *p, size_t n);
int buf_addstr(struct buf *b, const char *s);
int buf_printf(struct buf *b, const char *fmt, ...) PRINTF_LIKE(2, 3);
void buf_reset(struct buf *b);
/* Returns the data (caller frees) and leaves b empty. */
char *buf_detach(struct buf *b, size_t *ret_len);
void buf_release(struct buf *b);

/*
 * Parses a whole decimal integer in [min, max] (no trailing junk, no empty
 * string). Returns 0 and sets *ret, or -1 with a message naming `what`.
 */
int parse_ll(const char *s, long long min, long long max, const char *what,
	     long long *ret, struct error *err);

/* Parses a size with an optional K, M or G suffix (binary units). */
int parse_size(const char *s, uint64_t max, const char *what, uint64_t *ret,
	       struct error *err);

/* Whether s consists only of valid UTF-8 (no overlongs, no surrogates). */
int utf8_valid(const char *s, size_t len);

/* Monotonic clock in microseconds. */
int64_t now_usec(void);

#endif
