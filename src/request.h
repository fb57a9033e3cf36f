/*
 * request.h - FOI requests as a state machine over an append-only event
 * timeline, with due dates from the deadline engine (docs/coordinating.md).
 *
 * A request's state is the effect of its last state-changing event; which
 * events may follow which state is one table in request.c. Every event
 * replays the whole timeline through deadline_compute() and stores the due
 * date, the very-overdue date, the requester's appeal deadline and the
 * explanation on the request, so that listings and the overdue report need
 * no law. Day 0 is the `sent` event's date, except under a law whose clock
 * starts at registration (EU), where an `acknowledged` event's date (the
 * registration the institution reports) replaces it.
 */
#ifndef FOIVAULT_REQUEST_H
#define FOIVAULT_REQUEST_H

#include <jansson.h>

#include "store.h"
#include "util.h"

struct jurisdiction_set;

/* Whether kind is an event kind ("sent", "fee-requested", "note" ...). */
int request_kind_valid(const char *kind);
/*
 * The state after event kind in state, or NULL with a message naming the
 * current state and the kinds it allows.
 */
const char *request_transition(const char *state, const char *kind,
			       struct error *err);
/* "sent, acknowledged, ..." (static): the kinds allowed in state. */
const char *request_allowed_kinds(const char *state);

/*
 * Logs an event on request id: checks the transition, recomputes the
 * dates with the law of the request's authority and stores both, in one
 * transaction. date -1 means today (UTC); amount -1 means none (extended:
 * the law's usual length). Returns 0, 1 if there is no such request, or -1
 * with a message (invalid transition, events the law cannot count ...).
 */
int request_add_event(struct store *s, const struct jurisdiction_set *laws,
		      int64_t id, const char *kind, int date, int amount,
		      int64_t actor, const char *note, struct error *err);

/*
 * The request with its timeline and the deadline's working, the appeal
 * window and the oversight body, as JSON. NULL with err empty if there is
 * no such request.
 */
json_t *request_show_json(struct store *s, const struct jurisdiction_set *laws,
			  int64_t id, struct error *err);

/*
 * Requests awaiting the authority whose due date is before as_of, most
 * overdue first: [{id,title,reference,authority,authority_id,jurisdiction,
 * due,days_overdue,very_overdue,very_overdue_date,state,last_event,
 * last_event_date}].
 */
json_t *request_overdue_json(struct store *s, int as_of, struct error *err);
/* The same as CSV (RFC 4180, with a header line), newly allocated. */
char *request_overdue_csv(const json_t *rows, size_t *ret_len);

/* Today (UTC) as a day number (calendar.h). */
int request_today(void);

#endif
