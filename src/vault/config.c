/*
 * config.c - the server's configuration file: a flat mapping, in YAML
 *
 *   listen: "127.0.0.1:8200"
 *   tls_cert_file: /etc/bulwark/vault.crt
 *   tls_key_file: /etc/bulwark/vault.key
 *   storage_path: /var/lib/bulwark/vault.db
 *   audit_log: /var/log/bulwark/vault-audit.log
 *   tidy_interval: 5m        # the background sweep; "0" turns it off
 *
 * or the same keys as a JSON object (a file whose first non-blank byte is
 * "{").  Unknown keys, non-scalar values and a tidy_interval that is not a
 * duration are errors with their line.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vault/vault.h"

#define CONFIG_MAX_BYTES (1u << 20)

static char **field(struct vault_config *cfg, const char *key)
{
	static const struct {
		const char *name;
		size_t off;
	} fields[] = {
	    {"listen", offsetof(struct vault_config, listen)},
	    {"tls_cert_file", offsetof(struct vault_config, tls_cert_file)},
	    {"tls_key_file", offsetof(struct vault_config, tls_key_file)},
	    {"storage_path", offsetof(struct vault_config, storage_path)},
	    {"audit_log", offsetof(struct vault_config, audit_log)},
	    {"tidy_interval", offsetof(struct vault_config, tidy_interval)},
	};

	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
		if (!strcmp(key, fields[i].name))
			return (char **)((char *)cfg + fields[i].off);
	return NULL;
}

static int set_field(struct vault_config *cfg, const char *path,
		     const char *key, const char *val, size_t vlen, int line,
		     struct bw_error *err)
{
	char **f = field(cfg, key);

	if (!f)
		return bw_errorf(err, -EINVAL, path, line, 0,
				 "unknown key \"%s\"", key);
	if (memchr(val, '\0', vlen))
		return bw_errorf(err, -EINVAL, path, line, 0,
				 "%s: NUL in value", key);
	free(*f);
	*f = strndup(val, vlen);
	if (!*f)
		return -ENOMEM;
	if (f == &cfg->tidy_interval) {
		long long secs;

		if (vault_parse_duration(*f, &secs))
			return bw_errorf(err, -EINVAL, path, line, 0,
					 "tidy_interval: \"%s\" is not a "
					 "duration (\"30s\", \"5m\", \"1h\", "
					 "\"0\" to turn the sweep off)",
					 *f);
	}
	return 0;
}

static int load_json(const char *path, const char *text, size_t len,
		     struct vault_config *cfg, struct bw_error *err)
{
	json_error_t je;
	json_t *o = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
	const char *k;
	json_t *v;
	int rc = 0;

	if (!json_is_object(o)) {
		json_decref(o);
		return bw_errorf(err, -EINVAL, path, je.line, je.column, "%s",
				 o ? "not a JSON object" : je.text);
	}
	json_object_foreach(o, k, v)
	{
		if (!json_is_string(v)) {
			rc = bw_errorf(err, -EINVAL, path, 0, 0,
				       "%s: want a string", k);
			break;
		}
		rc = set_field(cfg, path, k, json_string_value(v),
			       json_string_length(v), 0, err);
		if (rc)
			break;
	}
	json_decref(o);
	return rc;
}

struct yaml_ctx {
	struct vault_config *cfg;
	const char *path;
};

static int yaml_field(void *ctx, const char *key, const char *val, size_t vlen,
		      int line, struct bw_error *err)
{
	struct yaml_ctx *y = ctx;

	return set_field(y->cfg, y->path, key, val, vlen, line, err);
}

static int load_yaml(const char *path, const char *text, size_t len,
		     struct vault_config *cfg, struct bw_error *err)
{
	struct yaml_ctx y = {cfg, path};

	return vault_flat_yaml(text, len, path, yaml_field, &y, err);
}

int vault_config_parse(const char *text, size_t n, const char *path,
		       struct vault_config *ret, struct bw_error *err)
{
	struct vault_config cfg = {0};
	size_t i = 0;
	int rc;

	if (n > CONFIG_MAX_BYTES)
		return bw_errorf(err, -E2BIG, path, 0, 0, "larger than 1 MiB");
	while (i < n && strchr(" \t\r\n", text[i]))
		i++;
	if (i < n && text[i] == '{')
		rc = load_json(path, text, n, &cfg, err);
	else
		rc = load_yaml(path, text, n, &cfg, err);
	if (!rc && !cfg.storage_path)
		rc = bw_errorf(err, -EINVAL, path, 0, 0,
			       "storage_path is required");
	if (!rc && (!cfg.tls_cert_file || !cfg.tls_key_file))
		rc = bw_errorf(err, -EINVAL, path, 0, 0,
			       "tls_cert_file and tls_key_file are required "
			       "(plain HTTP only with --dev)");
	if (rc) {
		vault_config_free(&cfg);
		return rc;
	}
	*ret = cfg;
	return 0;
}

int vault_config_load(const char *path, struct vault_config *ret,
		      struct bw_error *err)
{
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n;
	int rc;

	if (!f)
		return bw_errorf(err, -errno, path, 0, 0, "cannot open: %s",
				 strerror(errno));
	text = malloc(CONFIG_MAX_BYTES + 1);
	if (!text) {
		fclose(f);
		return -ENOMEM;
	}
	n = fread(text, 1, CONFIG_MAX_BYTES + 1, f);
	fclose(f);
	rc = vault_config_parse(text, n, path, ret, err);
	free(text);
	return rc;
}

void vault_config_free(struct vault_config *cfg)
{
	if (!cfg)
		return;
	free(cfg->listen);
	free(cfg->tls_cert_file);
	free(cfg->tls_key_file);
	free(cfg->storage_path);
	free(cfg->audit_log);
	free(cfg->tidy_interval);
	memset(cfg, 0, sizeof(*cfg));
}
