/*
 * http_handlers.h - the handlers named in the route table, one file per
 * area (http_<area>.c).
 */
#ifndef FOIVAULT_HTTP_HANDLERS_H
#define FOIVAULT_HTTP_HANDLERS_H

struct http_req;

/* http_health.c */
void http_health(struct http_req *r);

/* http_documents.c */
void http_document_get(struct http_req *r);
void http_document_text(struct http_req *r);
void http_document_page(struct http_req *r);
void http_document_original(struct http_req *r);
void http_document_post(struct http_req *r);

/* http_reference.c */
void http_negotiations_list(struct http_req *r);
void http_negotiation_get(struct http_req *r);
void http_issues_list(struct http_req *r);
void http_issue_get(struct http_req *r);

/* http_search.c */
void http_search(struct http_req *r);
void http_document_search(struct http_req *r);

/* http_jurisdictions.c */
void http_jurisdictions_list(struct http_req *r);
void http_jurisdiction_get(struct http_req *r);
void http_jurisdiction_holidays(struct http_req *r);
void http_deadline_get(struct http_req *r);
void http_deadline_post(struct http_req *r);

/* http_requests.c */
void http_authorities_list(struct http_req *r);
void http_request_get(struct http_req *r);
void http_overdue(struct http_req *r);

#endif
