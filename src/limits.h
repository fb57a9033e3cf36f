/*
 * limits.h - every limit on what outside input may cost us, in one place.
 *
 * Each FV_DEFAULT_* value is the default of a setting an admin can change in
 * foivault.conf (documented in docs/admin.md, key in brackets); FV_MAX_*
 * values are hard caps of the formats themselves. Each has a test at and just
 * past the limit.
 */
#ifndef FOIVAULT_LIMITS_H
#define FOIVAULT_LIMITS_H

/* Configuration and data files (foivault.conf, law files). */
#define INI_MAX_BYTES (1024 * 1024)
#define INI_MAX_LINE 4096

/* HTTP server. */
#define FV_DEFAULT_MAX_CONNECTIONS 512      /* [limits] max_connections */
#define FV_DEFAULT_MAX_PER_IP 32            /* [limits] max_connections_per_ip */
#define FV_DEFAULT_CONN_TIMEOUT 30          /* [limits] connection_timeout (s) */
#define FV_DEFAULT_CONN_MEMORY (64 * 1024)  /* [limits] connection_memory */
#define FV_DEFAULT_MAX_BODY (1024 * 1024)   /* [limits] max_body (JSON bodies) */
#define FV_DEFAULT_THREADS 4                /* [server] threads */
#define FV_MAX_PATH_SEGMENTS 16
#define FV_MAX_URL_LENGTH 4096
#define FV_MAX_JSON_DEPTH 32

/* Workers. */
#define FV_DEFAULT_WORKERS 0                /* [worker] count; 0 = one per core */

#endif
