/*
 * auth.c - see auth.h.
 *
 * The bound on concurrent password hashing is a counter under a mutex and
 * a condition variable, shared by verify and hash: a burst of logins then
 * costs at most FV_MAX_PWHASH_CONCURRENT * 64 MiB at once, and the rest
 * queue instead of failing.
 */
#include "config.h"

#include "auth.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

#include "fvlimits.h"

_Static_assert(AUTH_PWHASH_LEN == crypto_pwhash_STRBYTES,
	       "AUTH_PWHASH_LEN must match libsodium");
_Static_assert(AUTH_HASH_BYTES == crypto_hash_sha256_BYTES,
	       "AUTH_HASH_BYTES must match libsodium");

#define TOKEN_RANDOM_BYTES 32

static pthread_mutex_t pw_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t pw_cond = PTHREAD_COND_INITIALIZER;
static int pw_running;

static void
pw_enter(void)
{
	pthread_mutex_lock(&pw_lock);
	while (pw_running >= FV_MAX_PWHASH_CONCURRENT)
		pthread_cond_wait(&pw_cond, &pw_lock);
	pw_running++;
	pthread_mutex_unlock(&pw_lock);
}

static void
pw_leave(void)
{
	pthread_mutex_lock(&pw_lock);
	pw_running--;
	pthread_cond_signal(&pw_cond);
	pthread_mutex_unlock(&pw_lock);
}

void
auth_token_new(char ret[AUTH_TOKEN_LEN + 1])
{
	unsigned char rnd[TOKEN_RANDOM_BYTES];

	randombytes_buf(rnd, sizeof(rnd));
	memcpy(ret, AUTH_TOKEN_PREFIX, 3);
	sodium_bin2base64(ret + 3, AUTH_TOKEN_LEN + 1 - 3, rnd, sizeof(rnd),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(rnd, sizeof(rnd));
}

int
auth_token_hash(const char *token, size_t len,
		unsigned char ret[AUTH_HASH_BYTES])
{
	if (len != AUTH_TOKEN_LEN || memcmp(token, AUTH_TOKEN_PREFIX, 3) != 0)
		return -1;
	for (size_t i = 3; i < len; i++) {
		char c = token[i];

		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
		      (c >= '0' && c <= '9') || c == '-' || c == '_'))
			return -1;
	}
	crypto_hash_sha256(ret, (const unsigned char *)token, len);
	return 0;
}

int
auth_password_check(const char *pw, struct error *err)
{
	size_t n = strlen(pw);

	if (n < FV_MIN_PASSWORD)
		return error_set(err, "the password is too short (at least %d "
				 "bytes)", FV_MIN_PASSWORD);
	if (n > FV_MAX_PASSWORD)
		return error_set(err, "the password is too long (at most %d "
				 "bytes)", FV_MAX_PASSWORD);
	if (!utf8_valid(pw, n))
		return error_set(err, "the password is not valid UTF-8");
	return 0;
}

int
auth_password_hash(const char *pw, char ret[AUTH_PWHASH_LEN],
		   struct error *err)
{
	int rc;

	if (auth_password_check(pw, err) < 0)
		return -1;
	pw_enter();
	rc = crypto_pwhash_str(ret, pw, strlen(pw),
			       crypto_pwhash_OPSLIMIT_INTERACTIVE,
			       crypto_pwhash_MEMLIMIT_INTERACTIVE);
	pw_leave();
	if (rc != 0)
		return error_set(err, "cannot hash the password (out of "
				 "memory)");
	return 0;
}

int
auth_password_verify(const char *stored, const char *pw)
{
	int rc;

	if (stored == NULL || strlen(pw) > FV_MAX_PASSWORD)
		return -1;
	pw_enter();
	rc = crypto_pwhash_str_verify(stored, pw, strlen(pw));
	pw_leave();
	return rc == 0 ? 0 : -1;
}
