/*
 * cmd_k8s_admission.c - `bulwark k8s admission`: load the configuration and
 * the TLS material, start the webhook server (src/k8s/admission_server.c)
 * and run until SIGINT/SIGTERM, writing one audit line per decision.
 * With --namespace-labels api (the default in a pod), namespace labels are
 * read from the API server (src/k8s/admission_nsapi.c) with the pod's
 * service-account credentials, or the config's apiServer settings.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "cli/commands.h"
#include "k8s/k8s.h"

#define PEM_MAX (1u << 20)
#define SA_DIR "/var/run/secrets/kubernetes.io/serviceaccount"

static void usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark k8s admission --tls-cert FILE --tls-key FILE\n"
		"           [--listen [HOST]:PORT] [--config FILE] "
		"[--audit-log FILE]\n"
		"           [--threads N] [--timeout SECONDS] "
		"[--max-connections N] [--fail-open]\n"
		"           [--namespace-labels config|api]\n"
		"\n"
		"Serves a validating admission webhook (AdmissionReview v1 "
		"over TLS) that\n"
		"applies the Pod Security Standards like the PodSecurity "
		"admission controller:\n"
		"POST /validate (or /), POST /mutate (adds a RuntimeDefault "
		"seccomp profile),\n"
		"GET /healthz.  See docs/k8s.md, \"Admission webhook\".\n"
		"\n"
		"--listen          address to listen on (default :8443; port 0 "
		"picks one)\n"
		"--tls-cert/-key   PEM certificate (chain) and private key\n"
		"--config FILE     PodSecurityConfiguration and namespace "
		"labels (YAML)\n"
		"--audit-log FILE  append one JSON line per decision (default "
		"stderr)\n"
		"--threads N       server threads (default 4)\n"
		"--timeout S       idle connection timeout (default 10)\n"
		"--max-connections N  (default 512)\n"
		"--fail-open       allow pods whose object cannot be decoded, "
		"or whose\n"
		"                  namespace cannot be looked up (default "
		"deny)\n"
		"--namespace-labels config|api  where namespace labels come "
		"from (default\n"
		"                  api when KUBERNETES_SERVICE_HOST is set, "
		"else config)\n");
}

/* Reads a whole (small) file, NUL-terminated. */
static char *read_pem(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;

	if (!f) {
		fprintf(stderr, "bulwark k8s admission: %s: %s\n", path,
			strerror(errno));
		return NULL;
	}
	buf = malloc(PEM_MAX + 1);
	if (!buf) {
		fclose(f);
		return NULL;
	}
	n = fread(buf, 1, PEM_MAX + 1, f);
	fclose(f);
	if (n == 0 || n > PEM_MAX) {
		fprintf(stderr, "bulwark k8s admission: %s: %s\n", path,
			n ? "larger than 1 MiB" : "empty");
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

static void free_secret(char *s)
{
	if (!s)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

struct audit_out {
	FILE *f;
	pthread_mutex_t lock;
};

static void write_audit(void *ctx, const char *line, size_t len)
{
	struct audit_out *a = ctx;

	pthread_mutex_lock(&a->lock);
	fwrite(line, 1, len, a->f);
	fputc('\n', a->f);
	fflush(a->f);
	pthread_mutex_unlock(&a->lock);
}

static int parse_uint(const char *s, unsigned max, unsigned *ret)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 1 || (unsigned long)v > max)
		return -1;
	*ret = (unsigned)v;
	return 0;
}

int cmd_k8s_admission(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"tls-cert", required_argument, NULL, 'c'},
	    {"tls-key", required_argument, NULL, 'k'},
	    {"config", required_argument, NULL, 'f'},
	    {"audit-log", required_argument, NULL, 'a'},
	    {"threads", required_argument, NULL, 't'},
	    {"timeout", required_argument, NULL, 'T'},
	    {"max-connections", required_argument, NULL, 'm'},
	    {"fail-open", no_argument, NULL, 'o'},
	    {"namespace-labels", required_argument, NULL, 'n'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *cert_path = NULL, *key_path = NULL, *config = NULL,
		   *audit_path = NULL;
	struct k8s_adm_server_opts so = {.listen = ":8443"};
	struct k8s_adm_config cfg;
	struct k8s_adm_server *srv = NULL;
	struct k8s_adm_nsapi *nsapi = NULL;
	const char *ns_mode =
	    getenv("KUBERNETES_SERVICE_HOST") ? "api" : "config";
	int curl_inited = 0;
	struct audit_out aud = {.f = stderr};
	struct bw_error err;
	char ebuf[BW_ERROR_MSG_MAX + 300];
	char *cert = NULL, *key = NULL;
	sigset_t set;
	int c, sig, rc = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			so.listen = optarg;
			break;
		case 'c':
			cert_path = optarg;
			break;
		case 'k':
			key_path = optarg;
			break;
		case 'f':
			config = optarg;
			break;
		case 'a':
			audit_path = optarg;
			break;
		case 'o':
			break; /* applied after the config is set up */
		case 'n':
			if (strcmp(optarg, "config") && strcmp(optarg, "api")) {
				fprintf(stderr,
					"bulwark k8s admission: "
					"--namespace-labels: want config or "
					"api\n");
				return 2;
			}
			ns_mode = optarg;
			break;
		case 't':
		case 'T':
		case 'm': {
			unsigned v, *dst = c == 't'   ? &so.threads
					   : c == 'T' ? &so.timeout_s
						      : &so.max_conns;
			if (parse_uint(optarg, c == 't' ? 256 : 1000000, &v)) {
				fprintf(stderr,
					"bulwark k8s admission: bad number "
					"'%s'\n",
					optarg);
				return 2;
			}
			*dst = v;
			break;
		}
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc || !cert_path || !key_path) {
		fprintf(stderr, "bulwark k8s admission: --tls-cert and "
				"--tls-key are required\n");
		usage(stderr);
		return 2;
	}
	if (k8s_adm_config_init(&cfg))
		return 2;
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--fail-open"))
			cfg.fail_open = 1;
	bw_error_clear(&err);
	if (config && k8s_adm_config_load(&cfg, config, &err)) {
		fprintf(stderr, "bulwark k8s admission: %s\n",
			bw_error_str(&err, ebuf, sizeof(ebuf)));
		goto out;
	}
	if (!strcmp(ns_mode, "api")) {
		struct k8s_adm_nsapi_opts no = {0};
		char url[300];
		const char *host = getenv("KUBERNETES_SERVICE_HOST");
		const char *port = getenv("KUBERNETES_SERVICE_PORT");

		if (cfg.api_url) {
			no.url = cfg.api_url;
		} else if (host && *host && strlen(host) < 200) {
			snprintf(url, sizeof(url), "https://%s%s%s:%.10s",
				 strchr(host, ':') ? "[" : "", host,
				 strchr(host, ':') ? "]" : "",
				 port && *port ? port : "443");
			no.url = url;
		} else {
			fprintf(stderr,
				"bulwark k8s admission: --namespace-labels "
				"api needs KUBERNETES_SERVICE_HOST or "
				"apiServer.url in --config\n");
			goto out;
		}
		no.ca_file =
		    cfg.api_ca_file ? cfg.api_ca_file : SA_DIR "/ca.crt";
		no.token_file =
		    cfg.api_token_file ? cfg.api_token_file : SA_DIR "/token";
		if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
			fprintf(stderr, "bulwark k8s admission: curl init "
					"failed\n");
			goto out;
		}
		curl_inited = 1;
		if (k8s_adm_nsapi_new(&no, &nsapi, &err)) {
			fprintf(stderr, "bulwark k8s admission: %s\n",
				bw_error_str(&err, ebuf, sizeof(ebuf)));
			goto out;
		}
		so.labels_fn = k8s_adm_nsapi_labels;
		so.labels_ctx = nsapi;
	}
	cert = read_pem(cert_path);
	key = read_pem(key_path);
	if (!cert || !key)
		goto out;
	if (audit_path) {
		aud.f = fopen(audit_path, "a");
		if (!aud.f) {
			fprintf(stderr, "bulwark k8s admission: %s: %s\n",
				audit_path, strerror(errno));
			goto out;
		}
	}
	pthread_mutex_init(&aud.lock, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* block the stop signals before the server threads start, so they
	 * inherit the mask and sigwait below receives them */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	so.cert_pem = cert;
	so.key_pem = key;
	so.cfg = &cfg;
	so.audit = write_audit;
	so.audit_ctx = &aud;
	if (k8s_adm_server_start(&so, &srv, &err)) {
		fprintf(stderr, "bulwark k8s admission: %s\n",
			bw_error_str(&err, ebuf, sizeof(ebuf)));
		goto out_lock;
	}
	fprintf(stderr,
		"bulwark k8s admission: listening on port %u (enforce %s, "
		"namespace labels from %s)\n",
		k8s_adm_server_port(srv), k8s_pss_level_name(cfg.enforce.level),
		nsapi ? "the API server" : "the configuration");
	sigwait(&set, &sig);
	fprintf(stderr, "bulwark k8s admission: %s, stopping\n",
		sig == SIGINT ? "SIGINT" : "SIGTERM");
	k8s_adm_server_stop(srv);
	rc = 0;
out_lock:
	pthread_mutex_destroy(&aud.lock);
out:
	if (aud.f && aud.f != stderr)
		fclose(aud.f);
	free_secret(key);
	free(cert);
	k8s_adm_nsapi_free(nsapi);
	if (curl_inited)
		curl_global_cleanup();
	k8s_adm_config_free(&cfg);
	return rc;
}
