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

/* Uploads (POST /api/v1/documents, multipart/form-data). The file part is
 * capped by [limits] max_upload as it streams to DATA/tmp; the rest of the
 * form (part headers, boundaries, fields) by these. */
#define FV_MAX_UPLOAD_FORM (256 * 1024) /* bytes of the form besides the file */
#define FV_MAX_FORM_FIELDS 64           /* fields of one form, file included */
#define FV_MAX_FORM_FIELD 4096          /* bytes of one field's value */
#define FV_MAX_FORM_FIELD_NAME 256      /* bytes of one field's name */
#define FV_UPLOAD_PARSE_BUFFER (64 * 1024) /* the multipart parser's buffer */

/* Accounts and API tokens (src/auth.c, src/store_users.c). */
/* Argon2id hashes computed at once: each takes ~64 MiB for ~0.1 s
 * (crypto_pwhash MEMLIMIT_INTERACTIVE), so a burst of logins must queue
 * rather than exhaust memory. */
#define FV_MAX_PWHASH_CONCURRENT 2
#define FV_MIN_PASSWORD 12            /* bytes */
#define FV_MAX_PASSWORD 1024          /* bytes; Argon2 hashes any length */
#define FV_MAX_USER_NAME 64           /* bytes of a user name */
#define FV_MAX_EMAIL 254              /* RFC 5321's path limit */
#define FV_MAX_TOKEN_NAME 100         /* bytes of a token's label */
#define FV_MAX_AUDIT_LIST 10000       /* audit rows one listing returns */
#define FV_TOKEN_TOUCH_INTERVAL 60    /* s between last_used updates */

/* Law files (src/laws and DATA/laws) and holiday calendars. */
#define FV_MAX_LAW_FILES 1000        /* per directory */
#define FV_MAX_LAW_DIRS 8
#define FV_MAX_HOLIDAY_RULES 4096    /* per calendar */
#define FV_MAX_CALENDAR_PARTS 16     /* parts of a union, plus the common one */
#define FV_MAX_RULE_EXCEPT 32        /* years in one rule's except= list */
#define FV_MAX_RULE_WORDS 16         /* words before the ':' of a rule */
#define FV_MAX_HOLIDAY_NAME 200      /* bytes in one rule's name */
#define FV_MAX_DAY_NAMES 8           /* distinct holiday names on one day */
#define FV_MAX_DAY_NAME_LEN 1024     /* a day's combined name */
#define FV_MAX_LAW_TEXT 2000         /* bytes in one law fact (name, note) */
#define FV_MAX_LAW_LIST 64           /* languages, sources of one law */

/* Deadline computations. */
#define FV_MAX_DEADLINE_EVENTS 1000  /* events of one request */
#define FV_MAX_PERIOD 1000           /* number in one period (days, weeks) */
#define FV_MAX_VERY_OVERDUE_FACTOR 10

/* Workers. */
#define FV_DEFAULT_WORKERS 0                /* [worker] count; 0 = one per core */
/* [worker] memory: address space per worker; Tesseract with three
 * languages and a 300 dpi A3 page stays well under 1 GiB. */
#define FV_DEFAULT_WORKER_MEMORY (2048ULL * 1024 * 1024)
#define FV_DEFAULT_PAGE_TIMEOUT 120         /* [worker] page_timeout (s) */
#define FV_DEFAULT_MAX_ATTEMPTS 3           /* [worker] max_attempts */
#define FV_JOB_LEASE 300                    /* s; renewed after every page */
#define FV_DEFAULT_MAX_UPLOAD (512ULL * 1024 * 1024) /* [limits] max_upload */

/*
 * Vault: type detection, archives, URL fetches and text extraction (all run
 * in workers on untrusted bytes). The archive and fetch defaults can be
 * overridden per call through struct vault_archive_limits and struct
 * vault_fetch_opts; the proposed foivault.conf key is in brackets.
 */
/* libmagic sees this many leading bytes: every signature it knows for our
 * formats is in the first few KiB, and it bounds libmagic's work. */
#define FV_DETECT_HEAD_BYTES (64 * 1024)
/* Zip entries looked at to tell DOCX/XLSX/ODT from a plain zip: their marker
 * parts come first in practice, and a plain zip may have thousands. */
#define FV_DETECT_MAX_ZIP_ENTRIES 1000
/* [limits] archive_entries: entries of any kind in one archive; an archive
 * with more is refused before any member is extracted. */
#define FV_DEFAULT_ARCHIVE_MAX_ENTRIES 10000
/* [limits] archive_entry_size: bytes of one member, counted as they are
 * written (not from the header); as large as an upload may be. */
#define FV_DEFAULT_ARCHIVE_MAX_ENTRY_SIZE FV_DEFAULT_MAX_UPLOAD
/* [limits] archive_total: bytes one archive expands to, all members. */
#define FV_DEFAULT_ARCHIVE_MAX_TOTAL (2048ULL * 1024 * 1024)
/* [limits] archive_ratio: expanded bytes per compressed byte read. Real
 * documents compress less than 20:1; zeros deflate at ~1000:1. */
#define FV_DEFAULT_ARCHIVE_MAX_RATIO 100
/* The ratio is checked once this many bytes have been expanded, so that a
 * small, very compressible text file is not taken for a bomb. */
#define FV_ARCHIVE_RATIO_GRACE (1024 * 1024)
/* [limits] archive_depth: archives inside archives, below the outermost. */
#define FV_DEFAULT_ARCHIVE_MAX_DEPTH 3
/* Bytes in one member's name: longer names are refused (no real file
 * system allows more than 4096 for a whole path). */
#define FV_MAX_MEMBER_NAME 4096
/* [limits] fetch_size: bytes of one fetched URL, as for an upload. */
#define FV_DEFAULT_FETCH_MAX_SIZE FV_DEFAULT_MAX_UPLOAD
#define FV_DEFAULT_FETCH_TIMEOUT 300        /* [limits] fetch_timeout (s, all hops) */
#define FV_DEFAULT_FETCH_CONNECT_TIMEOUT 15 /* [limits] fetch_connect_timeout (s) */
#define FV_DEFAULT_FETCH_MAX_REDIRECTS 5    /* [limits] fetch_redirects */
#define FV_MAX_FETCH_ALLOW 256              /* host:port entries in the allowlist */
/* Bytes kept of a Content-Disposition or Content-Type header. */
#define FV_MAX_FETCH_HEADER 2048
/* Bytes in a file name taken from a server or URL (most file systems allow
 * 255; leave room for a suffix). */
#define FV_MAX_FILE_NAME 200
/* [limits] text_size: bytes of text kept from one document; more is cut at
 * a character boundary and the document is marked truncated. */
#define FV_DEFAULT_TEXT_MAX_OUTPUT (32 * 1024 * 1024)
/* Bytes of an HTML or plain text file read for its text. */
#define FV_MAX_TEXT_INPUT (64 * 1024 * 1024)
/* Bytes of one XML part of a DOCX, ODT or XLSX, uncompressed: a 1000-page
 * DOCX has a document.xml of ~20 MiB. */
#define FV_MAX_OFFICE_PART (64 * 1024 * 1024)
#define FV_MAX_XML_DEPTH 256          /* nested elements in one XML part */
#define FV_MAX_XML_NAME 256           /* bytes of an element or attribute name */
#define FV_MAX_XML_ATTRS 64           /* attributes kept per element */
#define FV_MAX_XLSX_SHEETS 1024       /* sheets of one workbook */
#define FV_MAX_XLSX_STRINGS (4 * 1024 * 1024) /* shared strings of one workbook */
#define FV_MAX_XLSX_COLUMNS 16384     /* Excel's own limit (column XFD) */

/*
 * OCR: PDFs (MuPDF), page images (Leptonica) and Tesseract, in ocr/. Each
 * cap is checked before the work it bounds starts: a page count before any
 * page is read, an image's declared size before it is decoded, a page's
 * pixel size before it is rendered.
 */
/* Pages of one PDF or multi-page TIFF: a 5000-page release is already a
 * box of paper; more is a broken or hostile page tree. */
#define OCR_MAX_PAGES 5000
/* Pixels of one page image, decoded or rendered. An A2 sheet at 300 dpi has
 * 35 million; Tesseract needs about 10 bytes per pixel on top of the image,
 * which keeps one page under FV_DEFAULT_WORKER_MEMORY. */
#define OCR_MAX_PIXELS (64LL * 1024 * 1024)
/* Pixels of either side of a page image: Tesseract keeps coordinates in
 * 16-bit integers and refuses larger images. */
#define OCR_MAX_SIDE 32767
/* Bytes of an image file, read into memory whole to be decoded (a 1000-page
 * G4 fax is ~50 MiB). */
#define OCR_MAX_IMAGE_BYTES (512LL * 1024 * 1024)
/* Bytes MuPDF may allocate for one open PDF (fonts, decoded images, the
 * rendered page); past it the PDF fails with a clear message instead of the
 * worker being killed by its memory limit. */
#define OCR_MAX_PDF_MEMORY (1024LL * 1024 * 1024)
/* Bytes of UTF-8 text from one page's text layer: a dense page has ~10 KiB;
 * more is a hostile content stream repeating glyphs. */
#define OCR_MAX_PAGE_TEXT (4 * 1024 * 1024)
/* Rendering resolution for OCR: the default, and the range a caller may ask
 * for. A page too large for OCR_MAX_PIXELS is rendered at a lower
 * resolution, but never below OCR_MIN_DPI (text is unreadable below it). */
#define OCR_DEFAULT_DPI 300
#define OCR_MIN_DPI 70
#define OCR_MAX_DPI 1200

/* Search results (src/store_search.c, foivault search, GET /api/v1/search). */
#define FV_SEARCH_DEFAULT_PER_PAGE 20
#define FV_SEARCH_MAX_PER_PAGE 100    /* documents on one page of results */
#define FV_SEARCH_MAX_PAGE 1000       /* pages of results one may ask for */
#define FV_SEARCH_SNIPPET_PAGES 3     /* hit pages shown per document */
#define FV_SEARCH_FACET_VALUES 50     /* values listed per facet */
/* Hit pages listed by a search inside one document (as many as it has). */
#define FV_SEARCH_DOC_MAX_PAGES OCR_MAX_PAGES

/* Search queries (vault/vault_query.c, docs/search.md). */
#define FV_MAX_QUERY_BYTES 1000       /* bytes of one query as typed */
#define FV_MAX_QUERY_TERMS 64         /* words and phrases of one query */
#define FV_MAX_QUERY_FILTERS 16       /* filters (issue:, after:, ...) */
#define FV_MAX_QUERY_DEPTH 16         /* parentheses inside parentheses */
#define FV_MAX_QUERY_FILTER_VALUE 200 /* bytes of one filter's value */
/* Bytes of the FTS5 expression made from one query (at most ~3x its size). */
#define FV_MAX_QUERY_MATCH (16 * 1024)
/* Entries of FTS5's parser stack one expression may need: SQLite 3.40 has
 * 100 (fts5YYSTACKDEPTH), and refuses deeper expressions. */
#define FV_MAX_QUERY_FTS5_COST 90

/* Authorities, requests and their CSV import (authority.c, csv.c). */
#define FV_MAX_CSV_FILE (16 * 1024 * 1024) /* bytes of one imported file */
#define FV_MAX_CSV_RECORD 8192        /* bytes of one record (quoted newlines too) */
#define FV_MAX_CSV_FIELDS 32          /* fields of one record */
#define FV_MAX_AUTHORITY_NAME 200     /* bytes of an authority's name */
#define FV_MAX_AUTHORITY_TEXT 2000    /* bytes of a portal URL, tags or notes */
#define FV_MAX_REQUEST_TITLE 500      /* bytes of a request's title */
#define FV_MAX_REQUEST_REFERENCE 200  /* bytes of an authority's reference */
#define FV_MAX_EVENT_NOTE 10000       /* bytes of one event's note */
#define FV_MAX_REQUEST_LIST 100000    /* rows one listing returns */

#endif
