/*
 * routes.c - every URL the server answers, in one table: method, path
 * pattern, handler, who may call it and what body it takes. The generic
 * checks in http.c read this table; a handler may assume them done.
 */
#include "config.h"

#include "http.h"
#include "http_handlers.h"

const struct route http_routes[] = {
	{ "GET", "/api/v1/health", http_health, ACCESS_PUBLIC, BODY_NONE },
	{ "POST", "/api/v1/documents", http_document_post, ACCESS_USER,
	  BODY_UPLOAD },
	{ "GET", "/api/v1/documents/{id}", http_document_get, ACCESS_PUBLIC,
	  BODY_NONE },
	{ "GET", "/api/v1/documents/{id}/text", http_document_text,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/documents/{id}/pages/{n}", http_document_page,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/documents/{id}/original", http_document_original,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/documents/{id}/search", http_document_search,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/negotiations", http_negotiations_list, ACCESS_PUBLIC,
	  BODY_NONE },
	{ "GET", "/api/v1/negotiations/{slug}", http_negotiation_get,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/issues", http_issues_list, ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/issues/{slug}", http_issue_get, ACCESS_PUBLIC,
	  BODY_NONE },
	{ "GET", "/api/v1/search", http_search, ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/jurisdictions", http_jurisdictions_list,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/jurisdictions/{code}", http_jurisdiction_get,
	  ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/jurisdictions/{code}/holidays",
	  http_jurisdiction_holidays, ACCESS_PUBLIC, BODY_NONE },
	{ "GET", "/api/v1/deadline", http_deadline_get, ACCESS_PUBLIC,
	  BODY_NONE },
	{ "POST", "/api/v1/deadline", http_deadline_post, ACCESS_PUBLIC,
	  BODY_JSON },
	/* Requests may belong to members-only campaigns: never public. */
	{ "GET", "/api/v1/authorities", http_authorities_list, ACCESS_USER,
	  BODY_NONE },
	{ "GET", "/api/v1/requests/{id}", http_request_get, ACCESS_USER,
	  BODY_NONE },
	{ "GET", "/api/v1/overdue", http_overdue, ACCESS_USER, BODY_NONE },
};

const size_t http_routes_count = sizeof(http_routes) / sizeof(http_routes[0]);
