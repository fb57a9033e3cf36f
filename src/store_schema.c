/*
 * store_schema.c - the database schema as a list of migrations.
 *
 * Rules for whoever adds one: append, never edit a migration that has been
 * released; each entry runs in one transaction together with the bump of
 * PRAGMA user_version; write it so that it works on a database that has all
 * the earlier ones. docs/architecture.md describes the tables.
 */
#include "config.h"

#include "store_internal.h"

const char *const store_migrations[] = {
	/* 1: reference data and the durable job queue. */
	"CREATE TABLE negotiations ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  forum TEXT,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE TABLE issues ("
	"  id INTEGER PRIMARY KEY,"
	"  slug TEXT NOT NULL UNIQUE,"
	"  name TEXT NOT NULL,"
	"  description TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	/*
	 * A job is claimed by setting state = 'running' with a lease; a lease
	 * that runs out (the worker died) makes the job claimable again, and
	 * attempts counts how often that happened.
	 */
	"CREATE TABLE jobs ("
	"  id INTEGER PRIMARY KEY,"
	"  kind TEXT NOT NULL,"
	"  payload TEXT NOT NULL DEFAULT '{}',"
	"  state TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (state IN ('queued','running','done','failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  lease_until INTEGER,"
	"  error TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE INDEX jobs_state ON jobs(state, id);",

	/*
	 * 2: the vault. A document is one original file (unique by SHA-256;
	 * NULL until a URL has been fetched) with every name and source it
	 * arrived under in document_sources. Pages are written as a worker
	 * goes, but reach the full-text index (pages_fts, external content)
	 * only when the whole document is done, in one transaction, so a
	 * half-processed document is never searchable. Links to negotiations
	 * and issues keep their provenance; a manual decision (link or
	 * reject) always wins over a rule.
	 */
	"ALTER TABLE jobs ADD COLUMN owner TEXT;"
	"CREATE TABLE documents ("
	"  id INTEGER PRIMARY KEY,"
	"  sha256 TEXT UNIQUE,"
	"  size INTEGER,"
	"  title TEXT NOT NULL DEFAULT '',"
	"  mime TEXT,"
	"  kind TEXT,"
	"  lang TEXT,"
	"  doc_date TEXT,"
	"  reference TEXT,"
	"  status TEXT NOT NULL DEFAULT 'queued' CHECK (status IN"
	"    ('queued','processing','done','failed','unsupported')),"
	"  error TEXT,"
	"  pages INTEGER NOT NULL DEFAULT 0,"
	"  pages_done INTEGER NOT NULL DEFAULT 0,"
	"  request_id INTEGER,"
	"  parent_id INTEGER REFERENCES documents(id) ON DELETE SET NULL,"
	"  duplicate_of INTEGER REFERENCES documents(id) ON DELETE SET NULL,"
	"  embargo_until TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  indexed_at TEXT"
	");"
	"CREATE INDEX documents_status ON documents(status);"
	"CREATE INDEX documents_parent ON documents(parent_id);"
	"CREATE TABLE document_sources ("
	"  id INTEGER PRIMARY KEY,"
	"  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN"
	"    ('path','upload','url','archive_member','email_attachment')),"
	"  name TEXT NOT NULL,"
	"  ref TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE INDEX document_sources_doc ON document_sources(document_id);"
	"CREATE TABLE pages ("
	"  id INTEGER PRIMARY KEY,"
	"  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  n INTEGER NOT NULL,"
	"  text TEXT NOT NULL DEFAULT '',"
	"  source TEXT NOT NULL CHECK (source IN ('text_layer','ocr','text','none')),"
	"  confidence REAL,"
	"  langs TEXT,"
	"  width INTEGER,"
	"  height INTEGER,"
	"  dpi INTEGER,"
	"  ms INTEGER,"
	"  words TEXT,"
	"  note TEXT,"
	"  UNIQUE (document_id, n)"
	");"
	"CREATE VIRTUAL TABLE pages_fts USING fts5(text, content='pages',"
	"  content_rowid='id', tokenize='unicode61 remove_diacritics 2',"
	"  prefix='2 3');"
	"CREATE TABLE document_negotiations ("
	"  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  negotiation_id INTEGER NOT NULL REFERENCES negotiations(id) ON DELETE CASCADE,"
	"  provenance TEXT NOT NULL CHECK (provenance IN ('manual','campaign','rule')),"
	"  decision TEXT NOT NULL DEFAULT 'link' CHECK (decision IN ('link','reject')),"
	"  score REAL,"
	"  rule TEXT,"
	"  PRIMARY KEY (document_id, negotiation_id)"
	");"
	"CREATE TABLE document_issues ("
	"  document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,"
	"  issue_id INTEGER NOT NULL REFERENCES issues(id) ON DELETE CASCADE,"
	"  provenance TEXT NOT NULL CHECK (provenance IN ('manual','campaign','rule')),"
	"  decision TEXT NOT NULL DEFAULT 'link' CHECK (decision IN ('link','reject')),"
	"  score REAL,"
	"  rule TEXT,"
	"  PRIMARY KEY (document_id, issue_id)"
	");",

	/*
	 * 3: accounts. A user has a site role and a status; only active users
	 * act. API tokens are stored as the SHA-256 of the token (tokens are
	 * 32 random bytes, so a fast hash is enough and the token itself is
	 * never stored). The audit log is append-only: triggers refuse UPDATE
	 * and DELETE, and users are disabled, never deleted, so that every
	 * actor_id keeps meaning someone. document_sources.user_id records who
	 * uploaded or submitted a document over the API.
	 */
	"CREATE TABLE users ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  email TEXT NOT NULL UNIQUE COLLATE NOCASE,"
	"  password_hash TEXT,"
	"  role TEXT NOT NULL CHECK (role IN"
	"    ('admin','coordinator','advocate','researcher')),"
	"  status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN"
	"    ('pending','active','disabled')),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE TABLE api_tokens ("
	"  id INTEGER PRIMARY KEY,"
	"  user_id INTEGER NOT NULL REFERENCES users(id),"
	"  name TEXT NOT NULL,"
	"  hash BLOB NOT NULL UNIQUE CHECK (length(hash) = 32),"
	"  scope TEXT NOT NULL CHECK (scope IN ('read','write')),"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  last_used TEXT,"
	"  revoked_at TEXT"
	");"
	"CREATE INDEX api_tokens_user ON api_tokens(user_id);"
	"CREATE TABLE audit_log ("
	"  id INTEGER PRIMARY KEY,"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  actor_id INTEGER REFERENCES users(id),"
	"  action TEXT NOT NULL,"
	"  object TEXT,"
	"  detail TEXT"
	");"
	"CREATE INDEX audit_log_actor ON audit_log(actor_id, id);"
	"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log"
	" BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;"
	"ALTER TABLE document_sources ADD COLUMN"
	"  user_id INTEGER REFERENCES users(id);",

	/*
	 * 4: search. Every full-text hit is a pages rowid that search maps to
	 * its document and page number; through the table that costs a read
	 * of the page's whole row (its text), through this covering index a
	 * few bytes (store_search.c names it with INDEXED BY).
	 */
	"CREATE INDEX pages_document_of ON pages(id, document_id, n);",

	/*
	 * 5: authorities and requests (docs/coordinating.md). An authority is
	 * unique by jurisdiction and case-folded name. A request's state and
	 * dates are derived from its events (request.c recomputes them with
	 * the deadline engine on every event and stores them here, so that
	 * listings need no law); dates are YYYY-MM-DD in the law's calendar,
	 * NULL while unknown (a draft, or a paused clock). campaign_id is a
	 * plain nullable integer without a foreign key: there is no campaigns
	 * table yet, and the migration that adds one will add the reference.
	 * request_events is append-only, like audit_log: triggers refuse
	 * UPDATE and DELETE, and a correction is a new event.
	 */
	"CREATE TABLE authorities ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"
	"  jurisdiction TEXT NOT NULL,"
	"  email TEXT,"
	"  portal_url TEXT,"
	"  tags TEXT NOT NULL DEFAULT '',"
	"  notes TEXT NOT NULL DEFAULT '',"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE UNIQUE INDEX authorities_name ON authorities(jurisdiction, lower(name));"
	"CREATE TABLE requests ("
	"  id INTEGER PRIMARY KEY,"
	"  authority_id INTEGER NOT NULL REFERENCES authorities(id),"
	"  campaign_id INTEGER,"
	"  title TEXT NOT NULL,"
	"  reference TEXT,"
	"  state TEXT NOT NULL DEFAULT 'draft',"
	"  received TEXT,"
	"  due TEXT,"
	"  very_overdue TEXT,"
	"  appeal_by TEXT,"
	"  explanation TEXT,"
	"  created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  updated_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now'))"
	");"
	"CREATE INDEX requests_authority ON requests(authority_id);"
	"CREATE INDEX requests_state_due ON requests(state, due);"
	"CREATE TABLE request_events ("
	"  id INTEGER PRIMARY KEY,"
	"  request_id INTEGER NOT NULL REFERENCES requests(id),"
	"  at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	"  date TEXT NOT NULL,"
	"  kind TEXT NOT NULL,"
	"  amount INTEGER,"
	"  actor_id INTEGER REFERENCES users(id),"
	"  note TEXT NOT NULL DEFAULT ''"
	");"
	"CREATE INDEX request_events_request ON request_events(request_id, id);"
	"CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events"
	" BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;"
	"CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events"
	" BEGIN SELECT RAISE(ABORT, 'request events are append-only'); END;",
};

const int store_migrations_count =
	(int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
