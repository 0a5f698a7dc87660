/*
 * flat_yaml.c - the reader for the secrets server's small config files
 * (the server's --config, the OCI hook's config): one YAML mapping of
 * scalar keys to scalar values, nothing nested, no sequences or aliases
 * (libyaml events; each error names the file and line).
 */
#include <errno.h>
#include <string.h>

#include <yaml.h>

#include "vault/vault.h"

#define FLAT_KEY_MAX 64

/* One event of the stream: 0 to go on, 1 at its end, or an error. */
static int flat_event(const yaml_event_t *ev, const char *path, char *key,
		      int *have_key, int *depth, vault_flat_fn fn, void *ctx,
		      struct bw_error *err)
{
	int line = (int)ev->start_mark.line + 1;
	const char *v = (const char *)ev->data.scalar.value;
	size_t vl = ev->data.scalar.length;

	switch (ev->type) {
	case YAML_STREAM_END_EVENT:
		return 1;
	case YAML_MAPPING_START_EVENT:
		if (++*depth > 1)
			return bw_errorf(err, -EINVAL, path, line, 0,
					 "%s: want a scalar value, not a "
					 "mapping",
					 *have_key ? key : "mapping");
		return 0;
	case YAML_MAPPING_END_EVENT:
		--*depth;
		return 0;
	case YAML_SEQUENCE_START_EVENT:
	case YAML_ALIAS_EVENT:
		return bw_errorf(err, -EINVAL, path, line, 0,
				 "want a flat mapping of strings");
	case YAML_SCALAR_EVENT:
		if (*depth != 1)
			return bw_errorf(err, -EINVAL, path, line, 0,
					 "want a mapping");
		if (!*have_key) {
			if (vl >= FLAT_KEY_MAX || memchr(v, '\0', vl))
				return bw_errorf(err, -EINVAL, path, line, 0,
						 "bad key (NUL, or over %d "
						 "bytes)",
						 FLAT_KEY_MAX - 1);
			memcpy(key, v, vl);
			key[vl] = '\0';
			*have_key = 1;
			return 0;
		}
		*have_key = 0;
		return fn(ctx, key, v, vl, line, err);
	default:
		return 0;
	}
}

int vault_flat_yaml(const char *text, size_t len, const char *path,
		    vault_flat_fn fn, void *ctx, struct bw_error *err)
{
	yaml_parser_t p;
	yaml_event_t ev;
	char key[FLAT_KEY_MAX] = "";
	int have_key = 0, depth = 0, rc = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (!rc) {
		if (!yaml_parser_parse(&p, &ev)) {
			rc = bw_errorf(err, -EINVAL, path,
				       (int)p.problem_mark.line + 1,
				       (int)p.problem_mark.column + 1, "%s",
				       p.problem ? p.problem : "YAML error");
			break;
		}
		rc =
		    flat_event(&ev, path, key, &have_key, &depth, fn, ctx, err);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	return rc == 1 ? 0 : rc;
}
