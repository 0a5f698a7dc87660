/*
 * cvss2.c - CVSS v2 base score (for old NVD records), from the v2 guide:
 *   Impact = 10.41 * (1 - (1-C)(1-I)(1-A))
 *   Exploitability = 20 * AV * AC * Au
 *   Base = round1((0.6*Impact + 0.4*Exploitability - 1.5) * f(Impact)),
 *   f = 0 when Impact is 0, else 1.176.
 * Temporal and environmental metrics are validated but not applied.
 */
#include "vulndb/vulndb_int.h"

enum { V2_AV, V2_AC, V2_AU, V2_C, V2_I, V2_A, V2_NMETRICS = 14 };

static const struct cvss_metric_def v2_metrics[V2_NMETRICS] = {
    {"AV", "L|A|N", true},	  {"AC", "H|M|L", true},
    {"Au", "M|S|N", true},	  {"C", "N|P|C", true},
    {"I", "N|P|C", true},	  {"A", "N|P|C", true},
    {"E", "U|POC|F|H|ND", false}, {"RL", "OF|TF|W|U|ND", false},
    {"RC", "UC|UR|C|ND", false},  {"CDP", "N|L|LM|MH|H|ND", false},
    {"TD", "N|L|M|H|ND", false},  {"CR", "L|M|H|ND", false},
    {"IR", "L|M|H|ND", false},	  {"AR", "L|M|H|ND", false},
};

static const double v2_av[] = {0.395, 0.646, 1.0};
static const double v2_ac[] = {0.35, 0.61, 0.71};
static const double v2_au[] = {0.45, 0.56, 0.704};
static const double v2_cia[] = {0.0, 0.275, 0.660};

int vuln_cvss2_score(const char *vector, const char *body, double *ret_score,
		     struct bw_error *err)
{
	int m[V2_NMETRICS];
	double impact, expl, f;
	int r;

	r = cvss_parse_metrics(vector, body, v2_metrics, V2_NMETRICS, m, err);
	if (r)
		return r;
	impact = 10.41 * (1 - (1 - v2_cia[m[V2_C]]) * (1 - v2_cia[m[V2_I]]) *
				  (1 - v2_cia[m[V2_A]]));
	expl = 20 * v2_av[m[V2_AV]] * v2_ac[m[V2_AC]] * v2_au[m[V2_AU]];
	f = impact == 0 ? 0 : 1.176;
	*ret_score = cvss_round1((0.6 * impact + 0.4 * expl - 1.5) * f);
	if (*ret_score < 0)
		*ret_score = 0;
	return 0;
}
