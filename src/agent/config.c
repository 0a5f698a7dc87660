/*
 * config.c - the agent's YAML configuration file (/etc/bulwark/bulwark.yaml).
 *
 * Keys follow falco.yaml where Falco has one, so an existing falco.yaml's
 * output section mostly carries over:
 *
 *   rules_files: [/etc/bulwark/rules.d, /etc/bulwark/my_rules.yaml]
 *   priority: notice            # minimum rule priority evaluated
 *   json_output: true
 *   buffer_size: 16777216       # ring buffer bytes (power of two)
 *   stdout_output: {enabled: true}
 *   file_output: {enabled: true, filename: /var/log/bulwark/alerts.json}
 *   syslog_output: {enabled: false}
 *   http_output: {enabled: true, url: http://falcosidekick:2801/,
 *                 insecure: false, ca_cert: /path/ca.pem}
 *
 * Unknown keys are errors (a typo must not silently disable an output).
 * Command-line options given after --config override the file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "agent/agent.h"

#define CONFIG_MAX_SIZE (1u << 20)
#define CONFIG_MAX_STRINGS 128

struct cfg_ctx {
	const char *path;
	yaml_document_t *doc;
	struct bw_agent_config *cfg;
	char **strings; /* owned copies handed to cfg */
	size_t nstrings;
	struct bw_error *err;
};

static int node_err(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int node_err(struct cfg_ctx *c, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[BW_ERROR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return bw_errorf(c->err, -EINVAL, c->path, (int)n->start_mark.line + 1,
			 (int)n->start_mark.column + 1, "%s", msg);
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value
						 : NULL;
}

static int keep(struct cfg_ctx *c, const yaml_node_t *n, const char **out)
{
	const char *s = scalar(n);

	if (!s)
		return node_err(c, n, "expected a string");
	if (c->nstrings + 1 >= CONFIG_MAX_STRINGS)
		return node_err(c, n, "too many strings in config");
	c->strings[c->nstrings] = strdup(s);
	if (!c->strings[c->nstrings])
		return -ENOMEM;
	*out = c->strings[c->nstrings++];
	return 0;
}

static int get_bool(struct cfg_ctx *c, const yaml_node_t *n, bool *out)
{
	const char *s = scalar(n);

	if (s && (!strcmp(s, "true") || !strcmp(s, "yes") || !strcmp(s, "on"))) {
		*out = true;
		return 0;
	}
	if (s && (!strcmp(s, "false") || !strcmp(s, "no") || !strcmp(s, "off"))) {
		*out = false;
		return 0;
	}
	return node_err(c, n, "expected true or false");
}

/* Walks a mapping's pairs: calls fn(key, value) for each. */
typedef int (*pair_fn)(struct cfg_ctx *c, const char *key, yaml_node_t *v,
		       void *arg);

static int each_pair(struct cfg_ctx *c, yaml_node_t *map, pair_fn fn, void *arg)
{
	if (map->type != YAML_MAPPING_NODE)
		return node_err(c, map, "expected a mapping");
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start;
	     p < map->data.mapping.pairs.top; p++) {
		yaml_node_t *k = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *v = yaml_document_get_node(c->doc, p->value);
		const char *ks = scalar(k);
		int r;

		if (!ks || !v)
			return node_err(c, k ? k : map, "expected a string key");
		r = fn(c, ks, v, arg);
		if (r)
			return r;
	}
	return 0;
}

struct output_section {
	bool enabled;
	const char *filename, *url, *ca_cert;
	bool insecure, has_insecure;
};

static int output_pair(struct cfg_ctx *c, const char *key, yaml_node_t *v,
		       void *arg)
{
	struct output_section *o = arg;

	if (!strcmp(key, "enabled"))
		return get_bool(c, v, &o->enabled);
	if (!strcmp(key, "filename"))
		return keep(c, v, &o->filename);
	if (!strcmp(key, "url"))
		return keep(c, v, &o->url);
	if (!strcmp(key, "ca_cert"))
		return keep(c, v, &o->ca_cert);
	if (!strcmp(key, "insecure")) {
		o->has_insecure = true;
		return get_bool(c, v, &o->insecure);
	}
	if (!strcmp(key, "keep_alive") || !strcmp(key, "format"))
		return 0; /* accepted from falco.yaml, no effect here */
	return node_err(c, v, "unknown output option '%s'", key);
}

static int top_pair(struct cfg_ctx *c, const char *key, yaml_node_t *v,
		    void *arg)
{
	struct bw_agent_config *cfg = c->cfg;
	struct output_section o = {0};
	int r;

	(void)arg;
	if (!strcmp(key, "rules_files") || !strcmp(key, "rules_file")) {
		if (v->type == YAML_SCALAR_NODE) {
			cfg->nrules_paths = 0;
			return keep(c, v, &cfg->rules_paths[cfg->nrules_paths++]);
		}
		if (v->type != YAML_SEQUENCE_NODE)
			return node_err(c, v, "rules_files must be a list");
		cfg->nrules_paths = 0;
		for (yaml_node_item_t *i = v->data.sequence.items.start;
		     i < v->data.sequence.items.top; i++) {
			if (cfg->nrules_paths >= AGENT_MAX_RULES_PATHS)
				return node_err(c, v, "too many rules_files");
			r = keep(c, yaml_document_get_node(c->doc, *i),
				 &cfg->rules_paths[cfg->nrules_paths]);
			if (r)
				return r;
			cfg->nrules_paths++;
		}
		return 0;
	}
	if (!strcmp(key, "priority")) {
		const char *s = scalar(v);

		if (!s || rules_priority_parse(s, &cfg->min_priority))
			return node_err(c, v, "unknown priority '%s'", s ? s : "");
		return 0;
	}
	if (!strcmp(key, "json_output")) {
		bool b = false;

		r = get_bool(c, v, &b);
		if (r)
			return r;
		cfg->out.format = b ? BW_OUT_JSON : BW_OUT_TEXT;
		return 0;
	}
	if (!strcmp(key, "buffer_size")) {
		const char *s = scalar(v);
		char *end;
		unsigned long long n = s ? strtoull(s, &end, 10) : 0;

		if (!s || *end || n < 4096 || n > (1ull << 30) || (n & (n - 1)))
			return node_err(c, v, "buffer_size must be a power of two between 4096 and 1 GiB");
		cfg->ringbuf_bytes = n;
		return 0;
	}
	if (!strcmp(key, "stdout_output") || !strcmp(key, "file_output") ||
	    !strcmp(key, "syslog_output") || !strcmp(key, "http_output")) {
		r = each_pair(c, v, output_pair, &o);
		if (r)
			return r;
		if (!strcmp(key, "stdout_output"))
			cfg->out.to_stdout = o.enabled;
		else if (!strcmp(key, "syslog_output"))
			cfg->out.to_syslog = o.enabled;
		else if (!strcmp(key, "file_output"))
			cfg->out.file = o.enabled ? o.filename : NULL;
		else {
			cfg->out.webhook_url = o.enabled ? o.url : NULL;
			if (o.ca_cert)
				cfg->out.ca_file = o.ca_cert;
			if (o.has_insecure)
				cfg->out.insecure = o.insecure;
		}
		if (!strcmp(key, "file_output") && o.enabled && !o.filename)
			return node_err(c, v, "file_output needs a filename");
		if (!strcmp(key, "http_output") && o.enabled && !o.url)
			return node_err(c, v, "http_output needs a url");
		return 0;
	}
	return node_err(c, v, "unknown configuration key '%s'", key);
}

int agent_config_parse(const char *name, const char *buf, size_t len,
		       struct bw_agent_config *cfg, char ***ret_strings,
		       struct bw_error *err)
{
	struct cfg_ctx c = {.path = name, .cfg = cfg, .err = err};
	yaml_parser_t parser;
	yaml_document_t doc;
	yaml_node_t *root;
	int r;

	if (len > CONFIG_MAX_SIZE)
		return bw_errorf(err, -EFBIG, name, 0, 0, "config larger than %u bytes",
				 CONFIG_MAX_SIZE);
	c.strings = calloc(CONFIG_MAX_STRINGS, sizeof(char *));
	if (!c.strings)
		return -ENOMEM;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &doc)) {
		r = bw_errorf(err, -EINVAL, name, (int)parser.problem_mark.line + 1,
			      (int)parser.problem_mark.column + 1, "invalid YAML: %s",
			      parser.problem ? parser.problem : "parse error");
		yaml_parser_delete(&parser);
		agent_config_strings_free(c.strings);
		return r;
	}
	c.doc = &doc;
	root = yaml_document_get_root_node(&doc);
	r = root ? each_pair(&c, root, top_pair, NULL) : 0; /* empty file is ok */
	yaml_document_delete(&doc);
	yaml_parser_delete(&parser);
	if (r) {
		agent_config_strings_free(c.strings);
		return r;
	}
	*ret_strings = c.strings;
	return 0;
}

int agent_config_load(const char *path, struct bw_agent_config *cfg,
		      char ***ret_strings, struct bw_error *err)
{
	char *buf;
	size_t len;
	FILE *f;
	int r;

	f = fopen(path, "re");
	if (!f)
		return bw_errorf(err, -errno, path, 0, 0, "cannot open config: %s",
				 strerror(errno));
	buf = malloc(CONFIG_MAX_SIZE + 1);
	if (!buf) {
		fclose(f);
		return -ENOMEM;
	}
	len = fread(buf, 1, CONFIG_MAX_SIZE + 1, f);
	fclose(f);
	r = agent_config_parse(path, buf, len, cfg, ret_strings, err);
	free(buf);
	return r;
}

void agent_config_strings_free(char **strings)
{
	if (!strings)
		return;
	for (size_t i = 0; strings[i]; i++)
		free(strings[i]);
	free(strings);
}
