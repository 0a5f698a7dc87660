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

#include <yaml.h>

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

static int load_yaml(const char *path, const char *text, size_t len,
		     struct vault_config *cfg, struct bw_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	char key[64] = "";
	int have_key = 0, depth = 0, rc = 0, done = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!done && !rc) {
		int line;

		if (!yaml_parser_parse(&p, &ev)) {
			rc = bw_errorf(err, -EINVAL, path,
				       (int)p.problem_mark.line + 1,
				       (int)p.problem_mark.column + 1, "%s",
				       p.problem ? p.problem : "YAML error");
			break;
		}
		line = (int)ev.start_mark.line + 1;
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_MAPPING_START_EVENT:
			if (++depth > 1)
				rc = bw_errorf(err, -EINVAL, path, line, 0,
					       "%s: want a scalar value",
					       have_key ? key : "mapping");
			break;
		case YAML_MAPPING_END_EVENT:
			depth--;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_ALIAS_EVENT:
			rc = bw_errorf(err, -EINVAL, path, line, 0,
				       "want a flat mapping of strings");
			break;
		case YAML_SCALAR_EVENT:
			if (depth != 1) {
				rc = bw_errorf(err, -EINVAL, path, line, 0,
					       "want a mapping");
			} else if (!have_key) {
				if (ev.data.scalar.length >= sizeof(key)) {
					rc = bw_errorf(err, -EINVAL, path, line,
						       0, "key too long");
					break;
				}
				memcpy(key, ev.data.scalar.value,
				       ev.data.scalar.length);
				key[ev.data.scalar.length] = '\0';
				have_key = 1;
			} else {
				rc = set_field(
				    cfg, path, key,
				    (const char *)ev.data.scalar.value,
				    ev.data.scalar.length, line, err);
				have_key = 0;
			}
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc;
}

int vault_config_load(const char *path, struct vault_config *ret,
		      struct bw_error *err)
{
	struct vault_config cfg = {0};
	FILE *f = fopen(path, "rb");
	char *text;
	size_t n, i = 0;
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
	if (n > CONFIG_MAX_BYTES) {
		free(text);
		return bw_errorf(err, -E2BIG, path, 0, 0, "larger than 1 MiB");
	}
	while (i < n && strchr(" \t\r\n", text[i]))
		i++;
	if (i < n && text[i] == '{')
		rc = load_json(path, text, n, &cfg, err);
	else
		rc = load_yaml(path, text, n, &cfg, err);
	free(text);
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
