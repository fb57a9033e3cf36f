/*
 * auth.h - the cryptography of accounts: API tokens and password hashes
 * (libsodium). No SQL here (store_users.c) and no HTTP (http.c).
 *
 * An API token is "fv_" followed by 32 random bytes in unpadded base64url
 * (43 characters). Only its SHA-256 is stored: the token has 256 bits of
 * entropy, so a fast hash cannot be brute-forced and lets the server find
 * it with one index lookup. Passwords are hashed with Argon2id
 * (crypto_pwhash_str, interactive limits); at most FV_MAX_PWHASH_CONCURRENT
 * hashes run at once in a process, the others wait.
 */
#ifndef FOIVAULT_AUTH_H
#define FOIVAULT_AUTH_H

#include <stddef.h>

#include "util.h"

#define AUTH_TOKEN_PREFIX "fv_"
#define AUTH_TOKEN_LEN 46        /* "fv_" + 43 base64url characters */
#define AUTH_HASH_BYTES 32
#define AUTH_PWHASH_LEN 128      /* crypto_pwhash_STRBYTES */

/* A new random token, NUL-terminated. */
void auth_token_new(char ret[AUTH_TOKEN_LEN + 1]);
/*
 * The SHA-256 of a token. -1 if the string cannot be one of our tokens
 * (wrong prefix, length or alphabet): no need to ask the database.
 */
int auth_token_hash(const char *token, size_t len,
		    unsigned char ret[AUTH_HASH_BYTES]);

/* Checks a password's length and encoding; -1 with a message if not ok. */
int auth_password_check(const char *pw, struct error *err);
/* Hashes a password (Argon2id); waits while too many hashes run. */
int auth_password_hash(const char *pw, char ret[AUTH_PWHASH_LEN],
		       struct error *err);
/* 0 if pw matches the stored hash, -1 if not (or the hash is malformed). */
int auth_password_verify(const char *stored, const char *pw);

#endif
