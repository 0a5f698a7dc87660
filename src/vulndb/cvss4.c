/*
 * cvss4.c - CVSS v4.0 scoring by FIRST's MacroVector method (specification
 * section 8 and the reference calculator, github.com/FIRSTdotorg/
 * cvss-v4-calculator, whose tables are reproduced here as data).
 *
 * 1. The vector's effective metrics (a Modified metric overrides its base
 *    metric; E:X counts as E:A and CR/IR/AR:X as H) are reduced to six
 *    equivalence classes EQ1..EQ6, the "MacroVector"; its score is looked
 *    up in cvss4_macro[] below.
 * 2. That score belongs to the most severe vectors of the MacroVector.  For
 *    EQ1..EQ4 (EQ3 and EQ6 together) the vector's severity distance from the
 *    first "highest" vector of the MacroVector that it does not exceed is
 *    measured, as a fraction of the MacroVector's depth, and multiplied by
 *    the score gap to the next lower MacroVector in that EQ.
 * 3. The score is the MacroVector score minus the mean of those
 *    proportional distances (over the EQs that have a lower MacroVector),
 *    clamped to 0..10 and rounded to one decimal.  A vector with no impact
 *    at all (VC/VI/VA/SC/SI/SA all N) scores 0.
 * Threat (E), environmental (CR, IR, AR, M*) and supplemental metrics are
 * accepted; the first two change the score as the specification says,
 * supplemental ones never do.
 */
#include "vulndb/vulndb_int.h"

enum {
	M_AV,
	M_AC,
	M_AT,
	M_PR,
	M_UI,
	M_VC,
	M_VI,
	M_VA,
	M_SC,
	M_SI,
	M_SA,
	M_E,
	M_CR,
	M_IR,
	M_AR,
	M_MAV,
	M_MAC,
	M_MAT,
	M_MPR,
	M_MUI,
	M_MVC,
	M_MVI,
	M_MVA,
	M_MSC,
	M_MSI,
	M_MSA,
	M_S,
	M_AU,
	M_R,
	M_V,
	M_RE,
	M_U,
	M_COUNT
};

static const struct cvss_metric_def v4_metrics[M_COUNT] = {
    [M_AV] = {"AV", "N|A|L|P", true},
    [M_AC] = {"AC", "L|H", true},
    [M_AT] = {"AT", "N|P", true},
    [M_PR] = {"PR", "N|L|H", true},
    [M_UI] = {"UI", "N|P|A", true},
    [M_VC] = {"VC", "H|L|N", true},
    [M_VI] = {"VI", "H|L|N", true},
    [M_VA] = {"VA", "H|L|N", true},
    [M_SC] = {"SC", "H|L|N", true},
    [M_SI] = {"SI", "H|L|N", true},
    [M_SA] = {"SA", "H|L|N", true},
    [M_E] = {"E", "X|A|P|U", false},
    [M_CR] = {"CR", "X|H|M|L", false},
    [M_IR] = {"IR", "X|H|M|L", false},
    [M_AR] = {"AR", "X|H|M|L", false},
    [M_MAV] = {"MAV", "X|N|A|L|P", false},
    [M_MAC] = {"MAC", "X|L|H", false},
    [M_MAT] = {"MAT", "X|N|P", false},
    [M_MPR] = {"MPR", "X|N|L|H", false},
    [M_MUI] = {"MUI", "X|N|P|A", false},
    [M_MVC] = {"MVC", "X|H|L|N", false},
    [M_MVI] = {"MVI", "X|H|L|N", false},
    [M_MVA] = {"MVA", "X|H|L|N", false},
    [M_MSC] = {"MSC", "X|H|L|N", false},
    [M_MSI] = {"MSI", "X|S|H|L|N", false},
    [M_MSA] = {"MSA", "X|S|H|L|N", false},
    [M_S] = {"S", "X|N|P", false},
    [M_AU] = {"AU", "X|N|Y", false},
    [M_R] = {"R", "X|A|U|I", false},
    [M_V] = {"V", "X|D|C", false},
    [M_RE] = {"RE", "X|L|M|H", false},
    [M_U] = {"U", "X|Clear|Green|Amber|Red", false},
};

/*
 * MacroVector scores in tenths, indexed by EQ1 (0-2), EQ2 (0-1), EQ3 (0-2),
 * EQ4 (0-2), EQ5 (0-2), EQ6 (0-1); -1 where the combination does not exist
 * (EQ3=2 with EQ6=0).  Each row below is one EQ1..EQ4 prefix, its six
 * entries EQ5/EQ6 = 00 01 10 11 20 21.
 */
static const signed char cvss4_macro[3 * 2 * 3 * 3 * 3 * 2] = {
    /* 0000xx */ 100, 99, 98, 95, 95, 92,
    /* 0001xx */ 100, 96, 93, 87, 91, 81,
    /* 0002xx */ 93,  90, 89, 80, 81, 68,
    /* 0010xx */ 98,  95, 95, 92, 90, 84,
    /* 0011xx */ 93,  92, 89, 81, 81, 65,
    /* 0012xx */ 88,  80, 78, 70, 69, 48,
    /* 0020xx */ -1,  92, -1, 82, -1, 72,
    /* 0021xx */ -1,  79, -1, 69, -1, 50,
    /* 0022xx */ -1,  69, -1, 55, -1, 27,
    /* 0100xx */ 99,  97, 95, 92, 92, 85,
    /* 0101xx */ 95,  91, 90, 83, 84, 71,
    /* 0102xx */ 92,  81, 82, 71, 72, 53,
    /* 0110xx */ 95,  93, 92, 85, 85, 73,
    /* 0111xx */ 92,  82, 80, 72, 70, 59,
    /* 0112xx */ 84,  70, 71, 52, 50, 30,
    /* 0120xx */ -1,  86, -1, 75, -1, 52,
    /* 0121xx */ -1,  71, -1, 52, -1, 29,
    /* 0122xx */ -1,  63, -1, 29, -1, 17,
    /* 1000xx */ 98,  95, 94, 87, 91, 81,
    /* 1001xx */ 94,  89, 86, 74, 77, 64,
    /* 1002xx */ 87,  75, 74, 63, 63, 49,
    /* 1010xx */ 94,  89, 88, 77, 76, 67,
    /* 1011xx */ 86,  76, 74, 58, 59, 50,
    /* 1012xx */ 72,  57, 57, 52, 52, 25,
    /* 1020xx */ -1,  83, -1, 70, -1, 54,
    /* 1021xx */ -1,  65, -1, 58, -1, 26,
    /* 1022xx */ -1,  53, -1, 21, -1, 13,
    /* 1100xx */ 95,  90, 88, 76, 76, 70,
    /* 1101xx */ 90,  77, 75, 62, 61, 53,
    /* 1102xx */ 77,  66, 68, 59, 52, 30,
    /* 1110xx */ 89,  78, 76, 67, 62, 58,
    /* 1111xx */ 74,  59, 57, 57, 47, 23,
    /* 1112xx */ 61,  52, 57, 29, 24, 16,
    /* 1120xx */ -1,  71, -1, 59, -1, 30,
    /* 1121xx */ -1,  58, -1, 26, -1, 15,
    /* 1122xx */ -1,  23, -1, 13, -1, 6,
    /* 2000xx */ 93,  87, 86, 72, 75, 58,
    /* 2001xx */ 86,  74, 74, 61, 56, 34,
    /* 2002xx */ 70,  54, 52, 40, 40, 22,
    /* 2010xx */ 85,  75, 74, 55, 62, 51,
    /* 2011xx */ 72,  57, 55, 41, 46, 19,
    /* 2012xx */ 53,  36, 34, 19, 19, 8,
    /* 2020xx */ -1,  64, -1, 51, -1, 20,
    /* 2021xx */ -1,  47, -1, 21, -1, 11,
    /* 2022xx */ -1,  24, -1, 9,  -1, 4,
    /* 2100xx */ 88,  75, 73, 53, 60, 50,
    /* 2101xx */ 73,  55, 59, 40, 41, 20,
    /* 2102xx */ 54,  43, 45, 22, 20, 11,
    /* 2110xx */ 75,  55, 58, 45, 40, 21,
    /* 2111xx */ 61,  51, 48, 18, 20, 9,
    /* 2112xx */ 46,  18, 17, 7,  8,  2,
    /* 2120xx */ -1,  53, -1, 24, -1, 14,
    /* 2121xx */ -1,  24, -1, 12, -1, 5,
    /* 2122xx */ -1,  10, -1, 3,  -1, 1,
};

/* Severity levels (in steps of 0.1) used for the distance within a
 * MacroVector, indexed by metric letter. */
static int v4_level(int metric, char v)
{
	switch (metric) {
	case M_AV:
		return v == 'N' ? 0 : v == 'A' ? 1 : v == 'L' ? 2 : 3;
	case M_PR:
		return v == 'N' ? 0 : v == 'L' ? 1 : 2;
	case M_UI:
		return v == 'N' ? 0 : v == 'P' ? 1 : 2;
	case M_AC:
		return v == 'L' ? 0 : 1;
	case M_AT:
		return v == 'N' ? 0 : 1;
	case M_VC:
	case M_VI:
	case M_VA:
		return v == 'H' ? 0 : v == 'L' ? 1 : 2;
	case M_SC:
		return v == 'H' ? 1 : v == 'L' ? 2 : 3;
	case M_SI:
	case M_SA:
		return v == 'S' ? 0 : v == 'H' ? 1 : v == 'L' ? 2 : 3;
	default: /* CR, IR, AR */
		return v == 'H' ? 0 : v == 'M' ? 1 : 2;
	}
}

/* The highest-severity vectors of each MacroVector part ("max_composed"),
 * as metric letters in the order given by the *_metrics arrays. */
static const int eq1_metrics[] = {M_AV, M_PR, M_UI};
static const char *const eq1_max[3][3] = {
    {"NNN"}, {"ANN", "NLN", "NNP"}, {"PNN", "ALP"}};
static const int eq2_metrics[] = {M_AC, M_AT};
static const char *const eq2_max[2][2] = {{"LN"}, {"HN", "LP"}};
static const int eq36_metrics[] = {M_VC, M_VI, M_VA, M_CR, M_IR, M_AR};
static const char *const eq36_max[3][2][5] = {
    {{"HHHHHH"}, {"HHLMMH", "HHHMMM"}},
    {{"LHHHHH", "HLHHHH"}, {"LHLHMH", "LHHHMM", "HLHMHM", "HLLMHH", "LLHHHM"}},
    {{NULL}, {"LLLHHH"}},
};
static const int eq4_metrics[] = {M_SC, M_SI, M_SA};
static const char *const eq4_max[3][1] = {{"HSS"}, {"HHH"}, {"LLL"}};

/* Depth of each MacroVector part, in steps of 0.1 ("max_severity"). */
static const int eq1_depth[3] = {1, 4, 5};
static const int eq2_depth[2] = {1, 2};
static const int eq36_depth[3][2] = {{7, 6}, {8, 8}, {0, 10}};
static const int eq4_depth[3] = {6, 5, 4};

struct v4_vec {
	char v[M_COUNT]; /* effective letter of every scoring metric */
	char msi, msa;	 /* MSI/MSA as written ('X' when absent) */
};

static char v4_letter(const int *m, int metric)
{
	const char *vals = v4_metrics[metric].values;

	if (m[metric] < 0)
		return 'X';
	for (int i = 0; i < m[metric]; i++)
		while (*vals++ != '|')
			;
	return *vals;
}

static char v4_effective(const int *m, int base, int mod)
{
	char v = v4_letter(m, mod);

	return v != 'X' ? v : v4_letter(m, base);
}

static void v4_effective_all(const int *m, struct v4_vec *e)
{
	static const int mods[][2] = {
	    {M_AV, M_MAV}, {M_AC, M_MAC}, {M_AT, M_MAT}, {M_PR, M_MPR},
	    {M_UI, M_MUI}, {M_VC, M_MVC}, {M_VI, M_MVI}, {M_VA, M_MVA},
	    {M_SC, M_MSC}, {M_SI, M_MSI}, {M_SA, M_MSA},
	};
	char c;

	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++)
		e->v[mods[i][0]] = v4_effective(m, mods[i][0], mods[i][1]);
	c = v4_letter(m, M_E);
	e->v[M_E] = c == 'X' ? 'A' : c;
	for (int r = M_CR; r <= M_AR; r++) {
		c = v4_letter(m, r);
		e->v[r] = c == 'X' ? 'H' : c;
	}
	e->msi = v4_letter(m, M_MSI);
	e->msa = v4_letter(m, M_MSA);
}

static void v4_macro(const struct v4_vec *e, int eq[6])
{
	const char *v = e->v;
	bool av_n = v[M_AV] == 'N', pr_n = v[M_PR] == 'N',
	     ui_n = v[M_UI] == 'N';

	if (av_n && pr_n && ui_n)
		eq[0] = 0;
	else if ((av_n || pr_n || ui_n) && v[M_AV] != 'P')
		eq[0] = 1;
	else
		eq[0] = 2;
	eq[1] = (v[M_AC] == 'L' && v[M_AT] == 'N') ? 0 : 1;
	if (v[M_VC] == 'H' && v[M_VI] == 'H')
		eq[2] = 0;
	else if (v[M_VC] == 'H' || v[M_VI] == 'H' || v[M_VA] == 'H')
		eq[2] = 1;
	else
		eq[2] = 2;
	if (e->msi == 'S' || e->msa == 'S')
		eq[3] = 0;
	else if (v[M_SC] == 'H' || v[M_SI] == 'H' || v[M_SA] == 'H')
		eq[3] = 1;
	else
		eq[3] = 2;
	eq[4] = v[M_E] == 'A' ? 0 : v[M_E] == 'P' ? 1 : 2;
	eq[5] = ((v[M_CR] == 'H' && v[M_VC] == 'H') ||
		 (v[M_IR] == 'H' && v[M_VI] == 'H') ||
		 (v[M_AR] == 'H' && v[M_VA] == 'H'))
		    ? 0
		    : 1;
}

/* MacroVector score in tenths, or -1 when it does not exist. */
static int v4_lookup(int e1, int e2, int e3, int e4, int e5, int e6)
{
	if (e1 < 0 || e1 > 2 || e2 < 0 || e2 > 1 || e3 < 0 || e3 > 2 ||
	    e4 < 0 || e4 > 2 || e5 < 0 || e5 > 2 || e6 < 0 || e6 > 1)
		return -1;
	return cvss4_macro[((((e1 * 2 + e2) * 3 + e3) * 3 + e4) * 3 + e5) * 2 +
			   e6];
}

/* Distance of the vector from a max vector over some metrics; sets
 * *negative when the vector is more severe than the max in any metric. */
static int v4_distance(const struct v4_vec *e, const int *metrics, size_t n,
		       const char *max, bool *negative)
{
	int sum = 0;

	for (size_t i = 0; i < n; i++) {
		int d = v4_level(metrics[i], e->v[metrics[i]]) -
			v4_level(metrics[i], max[i]);

		if (d < 0)
			*negative = true;
		sum += d;
	}
	return sum;
}

#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Distances (EQ1, EQ2, EQ3+EQ6, EQ4) from the first highest vector of the
 * MacroVector that the vector does not exceed (else from the last one). */
static void v4_distances(const struct v4_vec *e, const int eq[6], int d[4])
{
	const char *const *m1 = eq1_max[eq[0]], *const *m2 = eq2_max[eq[1]];
	const char *const *m36 = eq36_max[eq[2]][eq[5]];
	const char *const *m4 = eq4_max[eq[3]];

	for (size_t a = 0; a < 3 && m1[a]; a++)
		for (size_t b = 0; b < 2 && m2[b]; b++)
			for (size_t c = 0; c < 5 && m36[c]; c++)
				for (size_t f = 0; f < 1 && m4[f]; f++) {
					bool neg = false;

					d[0] = v4_distance(e, eq1_metrics, 3,
							   m1[a], &neg);
					d[1] = v4_distance(e, eq2_metrics, 2,
							   m2[b], &neg);
					d[2] = v4_distance(e, eq36_metrics, 6,
							   m36[c], &neg);
					d[3] = v4_distance(e, eq4_metrics, 3,
							   m4[f], &neg);
					if (!neg)
						return;
				}
}

static double v4_score(const struct v4_vec *e)
{
	static const int impact[] = {M_VC, M_VI, M_VA, M_SC, M_SI, M_SA};
	int eq[6], d[4] = {0, 0, 0, 0}, lower[5], depth[4], n_lower = 0;
	double value, mean = 0;
	bool none = true;

	for (size_t i = 0; i < NELEM(impact); i++)
		none = none && e->v[impact[i]] == 'N';
	if (none)
		return 0.0;
	v4_macro(e, eq);
	value = v4_lookup(eq[0], eq[1], eq[2], eq[3], eq[4], eq[5]) / 10.0;

	lower[0] = v4_lookup(eq[0] + 1, eq[1], eq[2], eq[3], eq[4], eq[5]);
	lower[1] = v4_lookup(eq[0], eq[1] + 1, eq[2], eq[3], eq[4], eq[5]);
	if (eq[2] == 0 && eq[5] == 0) {
		int l = v4_lookup(eq[0], eq[1], 0, eq[3], eq[4], 1);
		int r = v4_lookup(eq[0], eq[1], 1, eq[3], eq[4], 0);

		lower[2] = l > r ? l : r;
	} else if (eq[2] == 1 && eq[5] == 0) {
		lower[2] = v4_lookup(eq[0], eq[1], 1, eq[3], eq[4], 1);
	} else if (eq[2] < 2) { /* 01 -> 11, 11 -> 21 */
		lower[2] = v4_lookup(eq[0], eq[1], eq[2] + 1, eq[3], eq[4], 1);
	} else {
		lower[2] = -1;
	}
	lower[3] = v4_lookup(eq[0], eq[1], eq[2], eq[3] + 1, eq[4], eq[5]);
	lower[4] = v4_lookup(eq[0], eq[1], eq[2], eq[3], eq[4] + 1, eq[5]);

	v4_distances(e, eq, d);
	depth[0] = eq1_depth[eq[0]];
	depth[1] = eq2_depth[eq[1]];
	depth[2] = eq36_depth[eq[2]][eq[5]];
	depth[3] = eq4_depth[eq[3]];
	for (int i = 0; i < 5; i++) {
		if (lower[i] < 0)
			continue;
		n_lower++;
		/* EQ5 has no distance within its MacroVector */
		if (i < 4)
			mean += (value - lower[i] / 10.0) * d[i] / depth[i];
	}
	if (n_lower)
		mean /= n_lower;
	value -= mean;
	if (value < 0)
		value = 0;
	if (value > 10)
		value = 10;
	return cvss_round1(value);
}

int vuln_cvss4_score(const char *vector, const char *body, double *ret_score,
		     struct bw_error *err)
{
	int m[M_COUNT];
	struct v4_vec e;
	int r;

	r = cvss_parse_metrics(vector, body, v4_metrics, M_COUNT, m, err);
	if (r)
		return r;
	v4_effective_all(m, &e);
	*ret_score = v4_score(&e);
	return 0;
}
