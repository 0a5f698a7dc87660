/*
 * version.c - the public entry points of version comparison: ecosystem name
 * parsing, input checks shared by every scheme, and dispatch to the
 * per-scheme comparators in version_<scheme>.c.  Also the small byte
 * helpers those share.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "vulndb/vulndb_int.h"

struct eco_alias {
	const char *name; /* compared case-insensitively */
	enum vuln_ecosystem eco;
};

/* OSV ecosystem names (https://ossf.github.io/osv-schema/) and the scheme
 * short names, mapped to the scheme that orders their versions. */
static const struct eco_alias eco_aliases[] = {
    {"Debian", VULN_ECO_DPKG},	 {"Ubuntu", VULN_ECO_DPKG},
    {"dpkg", VULN_ECO_DPKG},	 {"Alpine", VULN_ECO_APK},
    {"Wolfi", VULN_ECO_APK},	 {"Chainguard", VULN_ECO_APK},
    {"apk", VULN_ECO_APK},	 {"Red Hat", VULN_ECO_RPM},
    {"AlmaLinux", VULN_ECO_RPM}, {"Rocky Linux", VULN_ECO_RPM},
    {"SUSE", VULN_ECO_RPM},	 {"openSUSE", VULN_ECO_RPM},
    {"Mageia", VULN_ECO_RPM},	 {"openEuler", VULN_ECO_RPM},
    {"rpm", VULN_ECO_RPM},	 {"PyPI", VULN_ECO_PEP440},
    {"pep440", VULN_ECO_PEP440}, {"SemVer", VULN_ECO_SEMVER},
    {"npm", VULN_ECO_NPM},	 {"Go", VULN_ECO_GO},
    {"Maven", VULN_ECO_MAVEN},	 {"crates.io", VULN_ECO_CRATES},
};

static const char *const eco_names[VULN_ECO__COUNT] = {
    [VULN_ECO_DPKG] = "dpkg",
    [VULN_ECO_APK] = "apk",
    [VULN_ECO_RPM] = "rpm",
    [VULN_ECO_PEP440] = "pep440",
    [VULN_ECO_SEMVER] = "semver",
    [VULN_ECO_NPM] = "npm",
    [VULN_ECO_GO] = "go",
    [VULN_ECO_MAVEN] = "maven",
    [VULN_ECO_CRATES] = "crates.io",
};

static int (*const eco_cmp[VULN_ECO__COUNT])(const char *, size_t, const char *,
					     size_t, int *,
					     struct bw_error *) = {
    [VULN_ECO_DPKG] = vuln_cmp_dpkg,	 [VULN_ECO_APK] = vuln_cmp_apk,
    [VULN_ECO_RPM] = vuln_cmp_rpm,	 [VULN_ECO_PEP440] = vuln_cmp_pep440,
    [VULN_ECO_SEMVER] = vuln_cmp_semver, [VULN_ECO_NPM] = vuln_cmp_semver,
    [VULN_ECO_GO] = vuln_cmp_semver,	 [VULN_ECO_MAVEN] = vuln_cmp_maven,
    [VULN_ECO_CRATES] = vuln_cmp_semver,
};

int vuln_ecosystem_parse(const char *name, enum vuln_ecosystem *ret)
{
	size_t n;

	if (!name || !ret)
		return -EINVAL;
	n = strcspn(name, ":");
	for (size_t i = 0; i < sizeof(eco_aliases) / sizeof(eco_aliases[0]);
	     i++) {
		if (strlen(eco_aliases[i].name) == n &&
		    strncasecmp(eco_aliases[i].name, name, n) == 0) {
			*ret = eco_aliases[i].eco;
			return 0;
		}
	}
	return -ENOENT;
}

const char *vuln_ecosystem_name(enum vuln_ecosystem eco)
{
	if ((unsigned)eco >= VULN_ECO__COUNT)
		return "unknown";
	return eco_names[eco];
}

int vuln_version_error(struct bw_error *err, const char *scheme, const char *v,
		       size_t vlen, size_t pos, const char *what)
{
	char shown[96];
	size_t n = vlen < sizeof(shown) - 4 ? vlen : sizeof(shown) - 4;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];

		shown[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	if (n < vlen)
		memcpy(shown + n, "...", 3), n += 3;
	shown[n] = 0;
	return bw_errorf(err, -EINVAL, NULL, 0, (int)pos + 1,
			 "invalid %s version \"%s\": %s (at byte %zu)", scheme,
			 shown, what, pos);
}

static int check_input(enum vuln_ecosystem eco, const char *v, size_t n,
		       struct bw_error *err)
{
	const char *scheme = vuln_ecosystem_name(eco);
	const char *nul;

	if (!v || n == 0)
		return vuln_version_error(err, scheme, "", 0, 0,
					  "empty version");
	if (n > VULNDB_MAX_VERSION)
		return bw_errorf(
		    err, -E2BIG, NULL, 0, 0,
		    "%s version is %zu bytes long, the limit is %d", scheme, n,
		    VULNDB_MAX_VERSION);
	nul = memchr(v, 0, n);
	if (nul)
		return vuln_version_error(err, scheme, v, n, (size_t)(nul - v),
					  "NUL byte in version");
	return 0;
}

int vuln_version_compare(enum vuln_ecosystem eco, const char *a, size_t alen,
			 const char *b, size_t blen, int *ret_cmp,
			 struct bw_error *err)
{
	int r, cmp = 0;

	if ((unsigned)eco >= VULN_ECO__COUNT)
		return bw_errorf(err, -ENOENT, NULL, 0, 0,
				 "unknown version scheme %d", (int)eco);
	if (!ret_cmp)
		return -EINVAL;
	r = check_input(eco, a, alen, err);
	if (!r)
		r = check_input(eco, b, blen, err);
	if (!r)
		r = eco_cmp[eco](a, alen, b, blen, &cmp, err);
	if (r)
		return r;
	*ret_cmp = vuln_sign(cmp);
	return 0;
}

int vuln_numcmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r;

	while (alen > 0 && *a == '0')
		a++, alen--;
	while (blen > 0 && *b == '0')
		b++, blen--;
	if (alen != blen)
		return alen < blen ? -1 : 1;
	r = alen ? memcmp(a, b, alen) : 0;
	return vuln_sign(r);
}

int vuln_bytecmp(const char *a, size_t alen, const char *b, size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int r = n ? memcmp(a, b, n) : 0;

	if (r)
		return vuln_sign(r);
	return alen == blen ? 0 : (alen < blen ? -1 : 1);
}
