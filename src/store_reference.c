/*
 * store_reference.c - negotiations and policy issues: the built-in reference
 * data that documents and campaigns are linked to.
 *
 * The built-in rows come from the subject matter of the seed documents
 * (WTO e-commerce talks, TPP/CPTPP, TiSA, RCEP, TTIP, USMCA, DEPA and the
 * digital issues they touch). Seeding inserts only the slugs that are
 * missing, so an admin's edits of names and descriptions survive upgrades; a
 * built-in row an admin deleted comes back at the next init (documents may
 * be linked to it by rules, so it must exist).
 */
#include "config.h"

#include "store_internal.h"

#include <string.h>

struct ref_row {
	const char *slug;
	const char *name;
	const char *forum; /* negotiations only */
	const char *description;
};

static const struct ref_row ref_negotiations[] = {
	{ "wto-jsi-ecommerce", "WTO Joint Statement Initiative on E-commerce",
	  "WTO",
	  "Plurilateral talks on electronic commerce launched at Davos in "
	  "January 2019 (INF/ECOM documents)." },
	{ "wto-mc11", "WTO 11th Ministerial Conference (Buenos Aires, 2017)",
	  "WTO", "The ministerial where the e-commerce joint statement was "
	  "first made (WT/MIN(17)/60)." },
	{ "wto-mc12", "WTO 12th Ministerial Conference (Geneva, 2022)", "WTO",
	  "Renewed the moratorium on customs duties on electronic "
	  "transmissions (WT/MIN(22)/32)." },
	{ "wto-work-programme-ecommerce",
	  "WTO Work Programme on Electronic Commerce (1998)", "WTO",
	  "The multilateral work programme and the moratorium on customs "
	  "duties on electronic transmissions." },
	{ "tpp", "Trans-Pacific Partnership (TPP)", "plurilateral",
	  "Signed February 2016; chapter 14 on electronic commerce." },
	{ "cptpp",
	  "Comprehensive and Progressive Agreement for Trans-Pacific "
	  "Partnership (CPTPP)", "plurilateral",
	  "The TPP without the United States, signed March 2018." },
	{ "tisa", "Trade in Services Agreement (TiSA)", "plurilateral",
	  "Services talks among WTO members, 2013-2016, suspended." },
	{ "rcep", "Regional Comprehensive Economic Partnership (RCEP)",
	  "plurilateral", "ASEAN and five partners, signed November 2020." },
	{ "ttip", "Transatlantic Trade and Investment Partnership (TTIP)",
	  "bilateral", "EU-US talks, 2013-2016, not concluded." },
	{ "usmca", "United States-Mexico-Canada Agreement (USMCA / CUSMA / "
	  "T-MEC)", "plurilateral",
	  "NAFTA's successor, in force July 2020; chapter 19 on digital "
	  "trade." },
	{ "depa", "Digital Economy Partnership Agreement (DEPA)",
	  "plurilateral", "Chile, New Zealand and Singapore, signed June "
	  "2020." },
};

static const struct ref_row ref_issues[] = {
	{ "cross-border-data-flows", "Cross-border data flows", NULL,
	  "Rules that oblige governments to allow the transfer of data across "
	  "borders." },
	{ "data-localisation", "Data localisation", NULL,
	  "Bans on requirements to store or process data locally." },
	{ "source-code", "Source code", NULL,
	  "Bans on requiring access to, or transfer of, software source code "
	  "and algorithms." },
	{ "encryption", "Encryption", NULL,
	  "Rules on ICT products that use cryptography." },
	{ "spam", "Spam (unsolicited commercial messages)", NULL,
	  "Regulation of unsolicited commercial electronic messages." },
	{ "e-signatures", "E-signatures and authentication", NULL,
	  "Electronic authentication and electronic signatures." },
	{ "consumer-protection", "Online consumer protection", NULL,
	  "Protection of consumers from fraudulent and deceptive practices "
	  "online." },
	{ "privacy", "Privacy and personal data protection", NULL,
	  "Protection of personal information of users of electronic "
	  "commerce." },
	{ "net-neutrality", "Net neutrality", NULL,
	  "Open internet access and non-discrimination of traffic." },
	{ "customs-duties-electronic-transmissions",
	  "Customs duties on electronic transmissions", NULL,
	  "The WTO moratorium and its permanent extension in trade "
	  "agreements." },
	{ "intermediary-liability", "Intermediary liability", NULL,
	  "Liability of internet intermediaries for third-party content." },
	{ "intellectual-property", "Intellectual property", NULL,
	  "Copyright, patents and enforcement rules in trade agreements." },
	{ "cybersecurity", "Cybersecurity", NULL,
	  "Cooperation on cybersecurity matters." },
	{ "transparency", "Transparency of trade negotiations", NULL,
	  "Access to negotiating texts and public participation." },
};

static int
seed(struct store *s, const char *sql, const struct ref_row *rows, size_t n,
     int with_forum, struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, sql, err);

	if (st == NULL)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int k = 1;

		sqlite3_reset(st);
		sqlite3_bind_text(st, k++, rows[i].slug, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, k++, rows[i].name, -1, SQLITE_STATIC);
		if (with_forum)
			sqlite3_bind_text(st, k++, rows[i].forum, -1,
					  SQLITE_STATIC);
		sqlite3_bind_text(st, k++, rows[i].description, -1,
				  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			return store_fail(s, err, "seeding reference data");
		}
	}
	sqlite3_finalize(st);
	return 0;
}

int
store_seed_reference(struct store *s, struct error *err)
{
	if (seed(s, "INSERT OR IGNORE INTO negotiations(slug, name, forum, "
		 "description) VALUES (?, ?, ?, ?)", ref_negotiations,
		 ARRAY_SIZE(ref_negotiations), 1, err) < 0)
		return -1;
	return seed(s, "INSERT OR IGNORE INTO issues(slug, name, description) "
		    "VALUES (?, ?, ?)", ref_issues, ARRAY_SIZE(ref_issues), 0,
		    err);
}

static json_t *
row_json(sqlite3_stmt *st, int with_forum)
{
	json_t *o = json_object();
	int k = 0;

	json_object_set_new(o, "slug", store_json_text(st, k++));
	json_object_set_new(o, "name", store_json_text(st, k++));
	if (with_forum)
		json_object_set_new(o, "forum", store_json_text(st, k++));
	json_object_set_new(o, "description", store_json_text(st, k++));
	return o;
}

static json_t *
list(struct store *s, const char *sql, int with_forum, const char *slug,
     struct error *err)
{
	sqlite3_stmt *st = store_prepare(s, sql, err);
	json_t *arr;
	int rc;

	if (st == NULL)
		return NULL;
	if (slug)
		sqlite3_bind_text(st, 1, slug, -1, SQLITE_TRANSIENT);
	arr = json_array();
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		json_array_append_new(arr, row_json(st, with_forum));
	if (rc != SQLITE_DONE) {
		store_fail(s, err, "database");
		json_decref(arr);
		arr = NULL;
	}
	sqlite3_finalize(st);
	return arr;
}

json_t *
store_negotiations_list(struct store *s, struct error *err)
{
	return list(s, "SELECT slug, name, forum, description FROM negotiations "
		    "ORDER BY name", 1, NULL, err);
}

json_t *
store_issues_list(struct store *s, struct error *err)
{
	return list(s, "SELECT slug, name, description FROM issues "
		    "ORDER BY name", 0, NULL, err);
}

static json_t *
first(json_t *arr)
{
	json_t *o;

	if (arr == NULL)
		return NULL;
	o = json_array_get(arr, 0);
	json_incref(o);
	json_decref(arr);
	return o;
}

json_t *
store_negotiation_get(struct store *s, const char *slug, struct error *err)
{
	if (err)
		err->msg[0] = '\0';
	return first(list(s, "SELECT slug, name, forum, description FROM "
			  "negotiations WHERE slug = ?", 1, slug, err));
}

json_t *
store_issue_get(struct store *s, const char *slug, struct error *err)
{
	if (err)
		err->msg[0] = '\0';
	return first(list(s, "SELECT slug, name, description FROM issues "
			  "WHERE slug = ?", 0, slug, err));
}
