/*
 * vault_ingest.h - what a worker does with one job: fetch a URL, or take a
 * stored original, detect its type, turn it into pages of text (text layer,
 * OCR, or extraction), expand archives into new documents, link the
 * document to negotiations and issues by rule, and finish it.
 *
 * Runs only inside worker processes: it parses untrusted bytes.
 */
#ifndef FOIVAULT_VAULT_INGEST_H
#define FOIVAULT_VAULT_INGEST_H

#include <signal.h>

#include "conf.h"
#include "store.h"
#include "util.h"

struct vault_ingest;

/*
 * One per worker. Heavy parts (the Tesseract engines) are created on first
 * use and kept. stop is checked between pages.
 */
struct vault_ingest *vault_ingest_new(const char *data_dir,
				      const struct conf *conf, struct store *s,
				      const char *owner,
				      volatile sig_atomic_t *stop,
				      struct error *err);
void vault_ingest_free(struct vault_ingest *vi);

/*
 * Processes a claimed job. A problem with the document (bad file, limit
 * exceeded) ends the document as failed with the reason and returns 0;
 * -1 means the job could not be handled for another reason (database) and
 * should be given back.
 */
int vault_ingest_run(struct vault_ingest *vi, const struct store_job *job,
		     struct error *err);

#endif
