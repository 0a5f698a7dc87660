/*
 * checks_kubelet.c - the CIS 4.2.x checks on the kubelet's effective
 * settings (hb_kubelet_setting, kubelet_load.c): a flag overrides the
 * config field, as in the kubelet itself.
 *
 * Defaults differ between the two: a kubelet started with a config file
 * (KubeletConfiguration v1beta1) defaults to anonymous auth off, Webhook
 * authorization and read-only port 0; one started with flags only
 * defaults to the opposite.  The checks use the default that applies.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hostbench/hostbench.h"

/* ---- the 4.2.x checks ---------------------------------------------------- */

static bool is_true(const char *v)
{
	static const char *const t[] = {"true", "True", "TRUE", "1", "t",
					"T",	"yes",	"Yes",	"on"};
	for (size_t i = 0; v && i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(v, t[i]))
			return true;
	return false;
}

static bool is_false(const char *v)
{
	static const char *const f[] = {"false", "False", "FALSE", "0",	 "f",
					"F",	 "no",	  "No",	   "off"};
	for (size_t i = 0; v && i < sizeof(f) / sizeof(f[0]); i++)
		if (!strcmp(v, f[i]))
			return true;
	return false;
}

/* What a check compares; arg of the generic setting checks. */
enum kcmp {
	K_BOOL_TRUE,	  /* must be true; unset uses dflt */
	K_BOOL_NOT_FALSE, /* must not be false */
	K_SET,		  /* must be set (non-empty) */
	K_UNSET,	  /* must not be set */
	K_NOT_VALUE,	  /* must not contain the word `value` */
	K_EQ,		  /* must equal `value` */
};

struct ksetting {
	const char *flag, *field;
	enum kcmp cmp;
	const char *value;
	/* the default when unset: with a config file / flags only */
	const char *dflt_config, *dflt_flags;
	const char *expected;
};

/* Does the comma-separated list v contain word w? */
static bool list_has(const char *v, const char *w)
{
	size_t wl = strlen(w);

	for (const char *p = v; p && *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		if (n == wl && !memcmp(p, w, wl))
			return true;
		p = e ? e + 1 : p + n;
	}
	return false;
}

static bool kcompare(const struct ksetting *k, const char *v)
{
	switch (k->cmp) {
	case K_BOOL_TRUE:
		return is_true(v);
	case K_BOOL_NOT_FALSE:
		return !is_false(v);
	case K_SET:
		return v && *v;
	case K_UNSET:
		return !v;
	case K_NOT_VALUE:
		return v && !list_has(v, k->value);
	case K_EQ:
		return v && !strcmp(v, k->value);
	}
	return false;
}

static void check_setting(struct hb_ctx *ctx, const struct hb_check *c,
			  struct hb_outcome *out)
{
	const struct ksetting *k = c->arg;
	const char *src, *v = hb_kubelet_setting(ctx, k->flag, k->field, &src);
	const char *dflt;

	if (v) {
		hb_set(out, kcompare(k, v) ? HB_PASS : HB_FAIL, k->expected,
		       "%s = \"%s\"", src, v);
		return;
	}
	if (k->cmp == K_UNSET) {
		hb_set(out, HB_PASS, k->expected, "--%s not set", k->flag);
		return;
	}
	dflt = ctx->config_found ? k->dflt_config : k->dflt_flags;
	if (!dflt) {
		hb_set(out, HB_FAIL, k->expected, "not set (%s)",
		       ctx->config_found ? "no flag, no config field"
					 : ctx->config_note);
		return;
	}
	hb_set(out, kcompare(k, dflt) ? HB_PASS : HB_FAIL, k->expected,
	       "not set; kubelet default %s \"%s\"",
	       ctx->config_found ? "with a config file"
				 : "without a config file",
	       dflt);
}

/* 4.2.5: any duration that is all zeros ("0", "0s", "0h0m0s"). */
static void check_idle_timeout(struct hb_ctx *ctx, const struct hb_check *c,
			       struct hb_outcome *out)
{
	const char *src,
	    *v = hb_kubelet_setting(ctx, "streaming-connection-idle-timeout",
				    "streamingConnectionIdleTimeout", &src);
	const char *exp = "not 0 (default 4h0m0s)";

	if (!v) {
		hb_set(out, HB_PASS, exp, "not set (default 4h0m0s)");
		return;
	}
	hb_set(out, strpbrk(v, "123456789") ? HB_PASS : HB_FAIL, exp,
	       "%s = \"%s\"", src, v);
}

/* 4.2.9 (Manual): any level >= 0 passes, as kube-bench does. */
static void check_event_qps(struct hb_ctx *ctx, const struct hb_check *c,
			    struct hb_outcome *out)
{
	const char *src,
	    *v = hb_kubelet_setting(ctx, "event-qps", "eventRecordQPS", &src);
	const char *exp = "0 or a level that captures events (>= 0)";
	char *end;
	long n;

	if (!v) {
		hb_set(out, HB_WARN, exp,
		       "not set (default 50); review manually");
		return;
	}
	errno = 0;
	n = strtol(v, &end, 10);
	hb_set(out, errno || end == v || *end || n < 0 ? HB_FAIL : HB_PASS, exp,
	       "%s = \"%s\"", src, v);
}

/* 4.2.10: serving certificate and key given, or bootstrapped. */
static void check_tls_cert(struct hb_ctx *ctx, const struct hb_check *c,
			   struct hb_outcome *out)
{
	const char *cert, *key, *boot, *src;
	char csrc[300];
	const char *exp = "--tls-cert-file and --tls-private-key-file set "
			  "(or serverTLSBootstrap: true)";

	cert = hb_kubelet_setting(ctx, "tls-cert-file", "tlsCertFile", &src);
	snprintf(csrc, sizeof(csrc), "%.290s", cert ? src : "");
	key = hb_kubelet_setting(ctx, "tls-private-key-file",
				 "tlsPrivateKeyFile", &src);
	if (cert && *cert && key && *key) {
		hb_set(out, HB_PASS, exp, "cert \"%s\" (%s), key \"%s\" (%s)",
		       cert, csrc, key, src);
		return;
	}
	boot = hb_kubelet_setting(ctx, "rotate-server-certificates",
				  "serverTLSBootstrap", &src);
	if (is_true(boot)) {
		hb_set(out, HB_PASS, exp, "%s = \"%s\"", src, boot);
		return;
	}
	hb_set(out, HB_FAIL, exp, "%s%s",
	       cert && *cert ? "key not set"
	       : key && *key ? "cert not set"
			     : "cert and key not set",
	       ctx->config_found ? "" : " (no kubelet config file)");
}

/* 4.2.12: the feature gate, from --feature-gates=A=true,B=false or the
 * featureGates map. */
static void check_rotate_server(struct hb_ctx *ctx, const struct hb_check *c,
				struct hb_outcome *out)
{
	const char *exp = "RotateKubeletServerCertificate not false "
			  "(default true)";
	const char *fg = hb_kvset_get(&ctx->flags, "feature-gates");
	const char *v, *src;

	if (fg) {
		const char *p = strstr(fg, "RotateKubeletServerCertificate=");
		if (p) {
			p += strlen("RotateKubeletServerCertificate=");
			hb_set(out, !strncmp(p, "false", 5) ? HB_FAIL : HB_PASS,
			       exp, "flag --feature-gates (%s) = \"%s\"",
			       ctx->exec_source ? ctx->exec_source : "unit",
			       fg);
			return;
		}
	}
	v = hb_kubelet_setting(
	    ctx, NULL, "featureGates.RotateKubeletServerCertificate", &src);
	if (!v) {
		hb_set(out, HB_PASS, exp, "not set (default true)");
		return;
	}
	hb_set(out, is_false(v) ? HB_FAIL : HB_PASS, exp, "%s = \"%s\"", src,
	       v);
}

/* 4.2.13: only strong cipher suites (the CIS list, plus TLS 1.3 ones). */
static void check_ciphers(struct hb_ctx *ctx, const struct hb_check *c,
			  struct hb_outcome *out)
{
	static const char *const strong[] = {
	    "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
	    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
	    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
	    "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
	    "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
	    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
	    "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
	    "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
	    "TLS_RSA_WITH_AES_256_GCM_SHA384",
	    "TLS_RSA_WITH_AES_128_GCM_SHA256",
	    "TLS_AES_128_GCM_SHA256",
	    "TLS_AES_256_GCM_SHA384",
	    "TLS_CHACHA20_POLY1305_SHA256",
	};
	const char *exp = "only strong suites (ECDHE/RSA with AES-GCM or "
			  "ChaCha20-Poly1305)";
	const char *src, *v = hb_kubelet_setting(ctx, "tls-cipher-suites",
						 "tlsCipherSuites", &src);
	char weak[256] = "";
	size_t wl = 0;

	if (!v || !*v) {
		hb_set(out, HB_FAIL, exp,
		       "not set (Go defaults include CBC "
		       "and 3DES suites)");
		return;
	}
	for (const char *p = v; *p;) {
		const char *e = strchr(p, ',');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		bool ok = false;

		while (n && *p == ' ') {
			p++;
			n--;
		}
		while (n && p[n - 1] == ' ')
			n--;
		for (size_t i = 0; i < sizeof(strong) / sizeof(strong[0]); i++)
			if (strlen(strong[i]) == n && !memcmp(strong[i], p, n))
				ok = true;
		if (!ok && n && wl + n + 2 < sizeof(weak)) {
			if (wl)
				weak[wl++] = ',';
			memcpy(weak + wl, p, n);
			wl += n;
			weak[wl] = '\0';
		}
		if (!e)
			break;
		p = e + 1;
	}
	if (wl)
		hb_set(out, HB_FAIL, exp, "%s has weak suites: %s", src, weak);
	else
		hb_set(out, HB_PASS, exp, "%s = \"%s\"", src, v);
}

#define S4_2 "4.2 Kubelet"
#define RESTART                                                                \
	" then: systemctl daemon-reload && systemctl restart kubelet.service"

static const struct ksetting k_anon = {
    "anonymous-auth", "authentication.anonymous.enabled",
    K_BOOL_NOT_FALSE, NULL,
    "false",	      "true",
    "false"};
static const struct ksetting k_authz = {"authorization-mode",
					"authorization.mode",
					K_NOT_VALUE,
					"AlwaysAllow",
					"Webhook",
					"AlwaysAllow",
					"not AlwaysAllow (Webhook)"};
static const struct ksetting k_clientca = {"client-ca-file",
					   "authentication.x509.clientCAFile",
					   K_SET,
					   NULL,
					   NULL,
					   NULL,
					   "set to the client CA bundle"};
static const struct ksetting k_roport = {
    "read-only-port", "readOnlyPort", K_EQ, "0", "0", "10255", "0"};
static const struct ksetting k_protect = {"protect-kernel-defaults",
					  "protectKernelDefaults",
					  K_BOOL_TRUE,
					  NULL,
					  "false",
					  "false",
					  "true"};
static const struct ksetting k_iptables = {"make-iptables-util-chains",
					   "makeIPTablesUtilChains",
					   K_BOOL_TRUE,
					   NULL,
					   "true",
					   "true",
					   "true"};
static const struct ksetting k_hostname = {
    "hostname-override", NULL, K_UNSET, NULL, NULL, NULL, "not set"};
static const struct ksetting k_rotate = {"rotate-certificates",
					 "rotateCertificates",
					 K_BOOL_NOT_FALSE,
					 NULL,
					 "true",
					 "true",
					 "not false"};

/* 4.2.1: anonymous-auth must be false (the one setting that must be
 * explicitly or by default false). */
static void check_anon(struct hb_ctx *ctx, const struct hb_check *c,
		       struct hb_outcome *out)
{
	const struct ksetting *k = c->arg;
	const char *src, *v = hb_kubelet_setting(ctx, k->flag, k->field, &src);
	const char *dflt = ctx->config_found ? k->dflt_config : k->dflt_flags;

	if (v)
		hb_set(out, is_false(v) ? HB_PASS : HB_FAIL, k->expected,
		       "%s = \"%s\"", src, v);
	else
		hb_set(out, is_false(dflt) ? HB_PASS : HB_FAIL, k->expected,
		       "not set; kubelet default %s \"%s\"",
		       ctx->config_found ? "with a config file"
					 : "without a config file",
		       dflt);
}

const struct hb_check hb_checks_kubelet[] = {
    {"4.2.1", S4_2, "Ensure that the --anonymous-auth argument is set to false",
     1,
     "Set authentication: anonymous: enabled: false in the kubelet config "
     "file, or --anonymous-auth=false in KUBELET_SYSTEM_PODS_ARGS;" RESTART,
     check_anon, &k_anon},
    {"4.2.2", S4_2,
     "Ensure that the --authorization-mode argument is not set to AlwaysAllow",
     1,
     "Set authorization: mode: Webhook in the kubelet config file, or "
     "--authorization-mode=Webhook;" RESTART,
     check_setting, &k_authz},
    {"4.2.3", S4_2,
     "Ensure that the --client-ca-file argument is set as appropriate", 1,
     "Set authentication: x509: clientCAFile: to the CA bundle (e.g. "
     "/etc/kubernetes/pki/ca.crt) in the kubelet config file, or "
     "--client-ca-file;" RESTART,
     check_setting, &k_clientca},
    {"4.2.4", S4_2, "Verify that the --read-only-port argument is set to 0", 1,
     "Set readOnlyPort: 0 in the kubelet config file, or "
     "--read-only-port=0;" RESTART,
     check_setting, &k_roport},
    {"4.2.5", S4_2,
     "Ensure that the --streaming-connection-idle-timeout argument is not set "
     "to 0",
     1,
     "Set streamingConnectionIdleTimeout: to a non-zero duration (e.g. "
     "5m) in the kubelet config file, or "
     "--streaming-connection-idle-timeout=5m;" RESTART,
     check_idle_timeout, NULL},
    {"4.2.6", S4_2,
     "Ensure that the --protect-kernel-defaults argument is set to true", 1,
     "Set protectKernelDefaults: true in the kubelet config file (and set "
     "the kernel parameters BW-HOST-033..038 first, or the kubelet will "
     "not start), or --protect-kernel-defaults=true;" RESTART,
     check_setting, &k_protect},
    {"4.2.7", S4_2,
     "Ensure that the --make-iptables-util-chains argument is set to true", 1,
     "Set makeIPTablesUtilChains: true in the kubelet config file, or "
     "remove --make-iptables-util-chains=false;" RESTART,
     check_setting, &k_iptables},
    {"4.2.8", S4_2, "Ensure that the --hostname-override argument is not set",
     1,
     "Remove --hostname-override from the kubelet unit and its "
     "environment files;" RESTART,
     check_setting, &k_hostname},
    {"4.2.9", S4_2,
     "Ensure that the --event-qps argument is set to 0 or a level which "
     "ensures appropriate event capture (Manual)",
     2,
     "Set eventRecordQPS: to an appropriate level in the kubelet config "
     "file, or --event-qps;" RESTART,
     check_event_qps, NULL},
    {"4.2.10", S4_2,
     "Ensure that the --tls-cert-file and --tls-private-key-file arguments are "
     "set as appropriate",
     1,
     "Set tlsCertFile: and tlsPrivateKeyFile: in the kubelet config file "
     "(or serverTLSBootstrap: true with CSR approval), or --tls-cert-file "
     "and --tls-private-key-file;" RESTART,
     check_tls_cert, NULL},
    {"4.2.11", S4_2,
     "Ensure that the --rotate-certificates argument is not set to false", 1,
     "Set rotateCertificates: true in the kubelet config file, or remove "
     "--rotate-certificates=false;" RESTART,
     check_setting, &k_rotate},
    {"4.2.12", S4_2,
     "Verify that the RotateKubeletServerCertificate argument is set to true",
     1,
     "Set featureGates: RotateKubeletServerCertificate: true in the "
     "kubelet config file, or --feature-gates="
     "RotateKubeletServerCertificate=true;" RESTART,
     check_rotate_server, NULL},
    {"4.2.13", S4_2,
     "Ensure that the Kubelet only makes use of Strong Cryptographic Ciphers",
     1,
     "Set tlsCipherSuites: to TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,"
     "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,"
     "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,"
     "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"
     "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,"
     "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384 (or a subset) in the "
     "kubelet config file, or --tls-cipher-suites;" RESTART,
     check_ciphers, NULL},
};
const size_t hb_n_checks_kubelet =
    sizeof(hb_checks_kubelet) / sizeof(hb_checks_kubelet[0]);
