/*
 * cmd_vault_server.c - `bulwark vault server --config FILE | --dev`: runs
 * the secrets server until SIGINT or SIGTERM, then seals (zeroing every key
 * in memory) and exits 0.
 *
 * --dev: in-memory storage, initialised with one key share and unsealed,
 * the unseal key and root token printed as Vault's dev mode does; plain
 * HTTP on a loopback address unless the config gives a certificate.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>

#include "cli/commands.h"
#include "vault/vault.h"

static void server_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark vault server --config FILE\n"
		"       bulwark vault server --dev [--listen ADDR]\n\n"
		"Runs the secrets server (HashiCorp Vault-compatible HTTP API "
		"under /v1/).\n\n"
		"  --config FILE  YAML or JSON: listen, tls_cert_file, "
		"tls_key_file,\n"
		"                 storage_path, audit_log, tidy_interval\n"
		"  --dev          in memory, initialised and unsealed; prints "
		"the root token\n"
		"  --listen ADDR  override the listen address (HOST:PORT, port "
		"0 = any)\n\n"
		"Stops on SIGINT/SIGTERM, sealing first. Exit 0 on a clean "
		"stop, 2 on a\nusage or configuration error, 1 when the "
		"server cannot run.\n");
}

static void report(const char *what, const struct bw_error *err)
{
	char msg[1024];

	fprintf(stderr, "bulwark vault server: %s: %s\n", what,
		bw_error_str(err, msg, sizeof(msg)));
}

/* The background sweep's report (from its thread): one line on stderr
 * when it removed something or failed. */
static void tidy_report(void *ctx, const struct vault_tidy_stats *st, int rc,
			const char *msg)
{
	(void)ctx;
	fprintf(stderr,
		"==> tidy: %zu tokens revoked, %zu parent links, %zu "
		"accessors, %zu wrapped responses, %zu secret ids, %zu "
		"secret id accessors removed (%zu tokens, %zu secret ids "
		"scanned)%s%s\n",
		st->tokens_revoked, st->parent_links_deleted,
		st->accessors_deleted, st->wrapped_deleted,
		st->secret_ids_deleted, st->secret_id_accessors_deleted,
		st->tokens_scanned, st->secret_ids_scanned,
		rc ? "; error: " : "", rc ? msg : "");
}

static int is_loopback(const char *listen)
{
	return !strncmp(listen, "127.", 4) || !strncmp(listen, "[::1]:", 6) ||
	       !strncmp(listen, "localhost:", 10);
}

/* Initialises with one share and unseals; prints the key and token. */
static int dev_bootstrap(struct vault_core *core, struct bw_error *err)
{
	json_t *out = NULL;
	const char *key, *token;
	int rc = vault_core_init(core, 1, 1, &out, err);

	if (rc)
		return rc;
	key =
	    json_string_value(json_array_get(json_object_get(out, "keys"), 0));
	token = json_string_value(json_object_get(out, "root_token"));
	rc = key && token ? vault_core_unseal(core, key, 0, err) : -EIO;
	if (!rc)
		printf("WARNING! dev mode is enabled! In this mode, Vault runs "
		       "entirely in-memory\nand starts unsealed with a single "
		       "unseal key.\n\n"
		       "Unseal Key: %s\nRoot Token: %s\n\n"
		       "Development mode should NOT be used in production "
		       "installations!\n",
		       json_string_value(json_array_get(
			   json_object_get(out, "keys_base64"), 0)),
		       token);
	json_decref(out);
	return rc;
}

int cmd_vault_server(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"config", required_argument, NULL, 'c'},
	    {"dev", no_argument, NULL, 'd'},
	    {"listen", required_argument, NULL, 'l'},
	    {"help", no_argument, NULL, 'h'},
	    /* hidden: bench/vault/ only, refused without --dev */
	    {"bench-floor", no_argument, NULL, 'B'},
	    {NULL, 0, NULL, 0},
	};
	const char *config = NULL, *listen = NULL;
	struct vault_config cfg = {0};
	struct vault_storage *st = NULL;
	struct vault_core *core = NULL;
	struct vault_server *srv = NULL;
	struct bw_error err;
	sigset_t set;
	int dev = 0, floor = 0, o, sig = 0, status = 1, rc;

	optind = 1;
	while ((o = getopt_long(argc, argv, "c:dl:h", opts, NULL)) != -1) {
		switch (o) {
		case 'c':
			config = optarg;
			break;
		case 'd':
			dev = 1;
			break;
		case 'l':
			listen = optarg;
			break;
		case 'B':
			floor = 1;
			break;
		case 'h':
			server_usage(stdout);
			return 0;
		default:
			server_usage(stderr);
			return 2;
		}
	}
	if (optind != argc || (!config && !dev) || (floor && !dev)) {
		server_usage(stderr);
		return 2;
	}
	bw_error_clear(&err);
	if (config && vault_config_load(config, &cfg, &err)) {
		report("config", &err);
		return 2;
	}
	cfg.dev = dev; /* --dev with a config: its listener and TLS only */
	cfg.bench_floor = floor;
	cfg.tidy_report = tidy_report;
	if (listen) {
		free(cfg.listen);
		cfg.listen = strdup(listen);
	}
	if (!cfg.listen)
		cfg.listen = strdup("127.0.0.1:8200");
	if (!cfg.listen)
		return 1;
	if (dev && !cfg.tls_cert_file && !is_loopback(cfg.listen)) {
		fprintf(stderr, "bulwark vault server: plain HTTP is only "
				"allowed on a loopback address\n");
		vault_config_free(&cfg);
		return 2;
	}
	(void)prctl(PR_SET_DUMPABLE, 0); /* no core dumps with keys in them */

	/* the signals are taken by sigwait below; MHD's threads inherit the
	 * mask, so they never run a handler */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	rc = dev ? vault_storage_mem_open(&st)
		 : vault_storage_sqlite_open(cfg.storage_path, &st, &err);
	if (rc) {
		report("storage", &err);
		goto out;
	}
	rc = vault_core_new(st, &core, &err);
	if (rc) {
		report("storage", &err);
		goto out;
	}
	if (!dev && cfg.audit_log &&
	    (rc = vault_core_enable_audit(core, cfg.audit_log, &err))) {
		report("audit log", &err);
		goto out;
	}
	if (dev && (rc = dev_bootstrap(core, &err))) {
		report("dev mode", &err);
		goto out;
	}
	rc = vault_server_start(&cfg, core, &srv, &err);
	if (rc) {
		report("listen", &err);
		goto out;
	}
	printf("==> Bulwark vault server started (storage: %s, %s)\n"
	       "Listening on %s://%s (port %u)\n",
	       dev ? "inmem" : "sqlite",
	       vault_core_sealed(core) ? "sealed" : "unsealed",
	       cfg.tls_cert_file ? "https" : "http", cfg.listen,
	       vault_server_port(srv));
	fflush(stdout);
	if (sigwait(&set, &sig) == 0)
		fprintf(stderr, "==> %s received, sealing and shutting down\n",
			sig == SIGINT ? "SIGINT" : "SIGTERM");
	status = 0;
out:
	vault_server_stop(srv);
	if (core)
		vault_core_seal(core);
	vault_core_free(core);
	vault_storage_close(st);
	vault_config_free(&cfg);
	return status;
}
