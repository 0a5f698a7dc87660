/*
 * cmd_k8s_pss.c - `bulwark k8s pss --level LEVEL [--version v1.N|latest]
 * [--json] FILE...`: reads manifests (files, directories, "-" for stdin),
 * evaluates the pod template of every workload against one Pod Security
 * Standards level and version, and prints each denied workload in the
 * admission controller's words.  Exit 0 when every pod is allowed, 1 when
 * any is denied, 2 on usage errors or unreadable/invalid input.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "k8s/k8s.h"

static void pss_usage(FILE *out)
{
	fprintf(out,
		"usage: bulwark k8s pss --level LEVEL [--version v1.N|latest] "
		"[--json] FILE...\n"
		"\n"
		"Evaluates every workload (Pod, Deployment, StatefulSet, DaemonSet,\n"
		"ReplicaSet, ReplicationController, Job, CronJob, PodTemplate) in the\n"
		"manifests against a Pod Security Standards level, as the Pod Security\n"
		"Admission controller would.  FILE is a YAML/JSON file, a directory\n"
		"(walked recursively for *.yaml, *.yml, *.json) or - for stdin.\n"
		"\n"
		"  -l, --level LEVEL     privileged, baseline or restricted (required)\n"
		"  -V, --version VER     policy version v1.N or latest (default latest)\n"
		"      --json            machine-readable output on stdout\n"
		"  -h, --help            this help\n"
		"\n"
		"Exit status: 0 every pod allowed, 1 some pod denied, 2 usage error or\n"
		"input that could not be read or parsed.\n");
}

struct pss_run {
	int json;
	int bad_input;
	json_t *errors; /* --json: warnings as objects */
};

static void on_warning(void *ctx, const struct bw_error *e)
{
	struct pss_run *run = ctx;
	char buf[BW_ERROR_MSG_MAX + 300];

	run->bad_input = 1;
	if (run->json) {
		json_array_append_new(run->errors,
				      json_pack("{s:s, s:i, s:i, s:s}", "file",
						e->input, "line", e->line,
						"column", e->column, "message",
						e->msg));
		return;
	}
	fprintf(stderr, "bulwark k8s pss: %s\n",
		bw_error_str(e, buf, sizeof(buf)));
}

static const char *version_str(struct k8s_pss_version v, char *buf, size_t len)
{
	if (v.minor >= K8S_PSS_LATEST)
		snprintf(buf, len, "latest");
	else
		snprintf(buf, len, "v1.%d", v.minor);
	return buf;
}

static json_t *result_json(const struct k8s_object *o,
			   const struct k8s_pss_result *r, const char *path)
{
	json_t *vs = json_array(), *j;

	for (size_t i = 0; vs && i < r->n; i++)
		json_array_append_new(vs, json_pack("{s:s, s:s, s:s}", "check",
						    r->v[i].check, "reason",
						    r->v[i].reason, "detail",
						    r->v[i].detail));
	j = json_pack("{s:s, s:i, s:s?, s:s?, s:s?, s:s, s:b, s:o}", "file",
		      o->file, "document", o->doc, "kind", o->kind,
		      "namespace", o->ns, "name", o->name, "spec_path", path,
		      "allowed", r->allowed, "violations", vs ? vs : json_array());
	if (j && o->item >= 0)
		json_object_set_new(j, "item", json_integer(o->item));
	return j;
}

int cmd_k8s_pss(int argc, char **argv)
{
	static const struct option opts[] = {
		{"level", required_argument, NULL, 'l'},
		{"version", required_argument, NULL, 'V'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct k8s_pss_version version = {K8S_PSS_LATEST};
	enum k8s_pss_level level = K8S_PSS_RESTRICTED;
	struct pss_run run = {0};
	struct k8s_set set = {0};
	json_t *out = NULL, *objs = NULL;
	size_t checked = 0, denied = 0;
	int have_level = 0, opt, status;
	char vbuf[32];

	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":l:V:h", opts, NULL)) != -1) {
		switch (opt) {
		case 'l':
			if (k8s_pss_level_parse(optarg, &level)) {
				fprintf(stderr, "bulwark k8s pss: unknown level "
						"'%s' (privileged, baseline or "
						"restricted)\n",
					optarg);
				return 2;
			}
			have_level = 1;
			break;
		case 'V':
			if (k8s_pss_version_parse(optarg, &version)) {
				fprintf(stderr, "bulwark k8s pss: bad version "
						"'%s' (v1.N or latest)\n",
					optarg);
				return 2;
			}
			break;
		case 'j':
			run.json = 1;
			break;
		case 'h':
			pss_usage(stdout);
			return 0;
		case ':':
			fprintf(stderr, "bulwark k8s pss: %s needs a value\n",
				argv[optind - 1]);
			return 2;
		default:
			fprintf(stderr, "bulwark k8s pss: unknown option '%s'\n",
				argv[optind - 1]);
			pss_usage(stderr);
			return 2;
		}
	}
	if (!have_level || optind >= argc) {
		fprintf(stderr, "bulwark k8s pss: %s\n",
			!have_level ? "--level is required"
				    : "no manifest files given");
		pss_usage(stderr);
		return 2;
	}
	if (run.json) {
		run.errors = json_array();
		objs = json_array();
		if (!run.errors || !objs) {
			fprintf(stderr, "bulwark k8s pss: out of memory\n");
			json_decref(run.errors);
			json_decref(objs);
			return 2;
		}
	}

	for (int i = optind; i < argc; i++) {
		struct bw_error err;

		bw_error_clear(&err);
		if (k8s_load_path(&set, argv[i], on_warning, &run, &err)) {
			on_warning(&run, &err);
			if (err.code == -ENOMEM || err.code == -E2BIG)
				break;
		}
	}

	version_str(version, vbuf, sizeof(vbuf));
	for (size_t i = 0; i < set.n; i++) {
		const struct k8s_object *o = &set.objs[i];
		struct k8s_pss_result r;
		json_t *spec, *meta;
		const char *path;
		char label[512];

		if (k8s_pod_spec(o, &spec, &meta, &path))
			continue;
		if (k8s_pss_evaluate(meta, spec, level, version, &r)) {
			fprintf(stderr, "bulwark k8s pss: out of memory\n");
			run.bad_input = 1;
			break;
		}
		checked++;
		if (!r.allowed)
			denied++;
		if (run.json) {
			json_array_append_new(objs, result_json(o, &r, path));
		} else if (!r.allowed) {
			char *msg = k8s_pss_message(&r, level, version);

			printf("%s:%d: %s: %s\n", o->file, o->doc,
			       k8s_object_label(o, label, sizeof(label)),
			       msg ? msg : "(message too long)");
			free(msg);
		}
		k8s_pss_result_free(&r);
	}

	status = run.bad_input ? 2 : denied ? 1 : 0;
	if (run.json) {
		out = json_pack("{s:s, s:s, s:o, s:{s:I, s:I, s:I}, s:o}",
				"level", k8s_pss_level_name(level), "version",
				vbuf, "objects", objs, "summary", "checked",
				(json_int_t)checked, "allowed",
				(json_int_t)(checked - denied), "denied",
				(json_int_t)denied, "errors", run.errors);
		if (!out || json_dumpf(out, stdout, JSON_INDENT(2)) < 0) {
			fprintf(stderr, "bulwark k8s pss: cannot write JSON\n");
			status = 2;
		}
		printf("\n");
		json_decref(out);
	} else {
		printf("%zu workload%s checked against %s:%s: %zu allowed, %zu "
		       "denied\n",
		       checked, checked == 1 ? "" : "s",
		       k8s_pss_level_name(level), vbuf, checked - denied,
		       denied);
	}
	k8s_set_free(&set);
	return status;
}
