/*
 * cvss3.c - CVSS v3.0 / v3.1 base score, from the specification (section
 * 7.1 and Appendix A):
 *   ISS = 1 - (1-C)(1-I)(1-A)
 *   Impact = 6.42*ISS                                  (scope unchanged)
 *          = 7.52*(ISS-0.029) - 3.25*(ISS-0.02)^15     (scope changed)
 *   Exploitability = 8.22 * AV * AC * PR * UI
 *   Base = 0 if Impact <= 0, else Roundup(min(Impact + Expl, 10)), with
 *   the sum multiplied by 1.08 first when the scope changed.
 * Roundup is the smallest one-decimal number >= x; v3.1 computes it on
 * integers (x * 100000) to avoid binary floating-point surprises, v3.0
 * uses ceil(x * 10) / 10.  Temporal and environmental metrics are
 * validated but do not change the base score.
 */
#include "vulndb/vulndb_int.h"

enum { V3_AV, V3_AC, V3_PR, V3_UI, V3_S, V3_C, V3_I, V3_A, V3_NMETRICS = 22 };

static const struct cvss_metric_def v3_metrics[V3_NMETRICS] = {
    {"AV", "N|A|L|P", true},	 {"AC", "L|H", true},
    {"PR", "N|L|H", true},	 {"UI", "N|R", true},
    {"S", "U|C", true},		 {"C", "H|L|N", true},
    {"I", "H|L|N", true},	 {"A", "H|L|N", true},
    {"E", "X|U|P|F|H", false},	 {"RL", "X|O|T|W|U", false},
    {"RC", "X|U|R|C", false},	 {"CR", "X|L|M|H", false},
    {"IR", "X|L|M|H", false},	 {"AR", "X|L|M|H", false},
    {"MAV", "X|N|A|L|P", false}, {"MAC", "X|L|H", false},
    {"MPR", "X|N|L|H", false},	 {"MUI", "X|N|R", false},
    {"MS", "X|U|C", false},	 {"MC", "X|N|L|H", false},
    {"MI", "X|N|L|H", false},	 {"MA", "X|N|L|H", false},
};

static const double v3_av[] = {0.85, 0.62, 0.55, 0.2};
static const double v3_ac[] = {0.77, 0.44};
static const double v3_pr_u[] = {0.85, 0.62, 0.27};
static const double v3_pr_c[] = {0.85, 0.68, 0.5};
static const double v3_ui[] = {0.85, 0.62};
static const double v3_cia[] = {0.56, 0.22, 0.0};

/* Scores are non-negative, so (long long) truncation is floor. */
static double roundup31(double x)
{
	long long i = (long long)(x * 100000.0 + 0.5);

	if (i % 10000 == 0)
		return (double)i / 100000.0;
	return (double)(i / 10000 + 1) / 10.0;
}

static double roundup30(double x)
{
	double t = x * 10.0 - 1e-9;
	long long i = (long long)t;

	return (double)(i + (t > (double)i ? 1 : 0)) / 10.0;
}

int vuln_cvss3_score(const char *vector, const char *body, int minor,
		     double *ret_score, struct bw_error *err)
{
	int m[V3_NMETRICS];
	bool changed;
	double iss, impact, expl, sum;
	int r;

	r = cvss_parse_metrics(vector, body, v3_metrics, V3_NMETRICS, m, err);
	if (r)
		return r;
	changed = m[V3_S] == 1;
	iss = 1 - (1 - v3_cia[m[V3_C]]) * (1 - v3_cia[m[V3_I]]) *
		      (1 - v3_cia[m[V3_A]]);
	if (changed) {
		double p15 = 1;

		for (int k = 0; k < 15; k++)
			p15 *= iss - 0.02;
		impact = 7.52 * (iss - 0.029) - 3.25 * p15;
	} else {
		impact = 6.42 * iss;
	}
	expl = 8.22 * v3_av[m[V3_AV]] * v3_ac[m[V3_AC]] *
	       (changed ? v3_pr_c : v3_pr_u)[m[V3_PR]] * v3_ui[m[V3_UI]];
	if (impact <= 0) {
		*ret_score = 0;
		return 0;
	}
	sum = changed ? 1.08 * (impact + expl) : impact + expl;
	if (sum > 10)
		sum = 10;
	*ret_score = minor == 0 ? roundup30(sum) : roundup31(sum);
	return 0;
}
