/*
 * http_health.c - GET /api/v1/health: whether the server can reach its
 * database, and how much work is waiting. Monitoring polls it, so it costs
 * one small query; a database problem answers 503 "degraded", not 500, so a
 * monitor can tell "up but unhealthy" from "broken handler".
 */
#include "config.h"

#include "http.h"
#include "http_handlers.h"

void
http_health(struct http_req *r)
{
	struct store_health h;
	struct error err;
	struct store *s;
	json_t *o;

	o = json_pack("{s:s, s:s}", "status", "ok", "version", PACKAGE_VERSION);
	s = http_store_try(r, &err);
	if (s == NULL || store_health(s, &h, &err) < 0) {
		json_object_set_new(o, "status", json_string("degraded"));
		json_object_set_new(o, "database",
				    json_pack("{s:b, s:s}", "ok", 0, "error",
					      err.msg));
		http_send_json(r, 503, o);
		return;
	}
	json_object_set_new(o, "database",
			    json_pack("{s:b, s:i}", "ok", 1, "schema_version",
				      h.schema_version));
	json_object_set_new(o, "queue",
			    json_pack("{s:I, s:I, s:I}", "queued",
				      (json_int_t)h.jobs_queued, "running",
				      (json_int_t)h.jobs_running, "failed",
				      (json_int_t)h.jobs_failed));
	http_send_json(r, 200, o);
}
