/*
 * cmd_k8s_rbac.c - `bulwark k8s rbac FILE...`: RBAC risk findings of
 * manifests, `--who-can VERB RESOURCE [-n NS]` (which subjects, through
 * which binding and role), and `--subject KIND:NAME` (everything one
 * subject may do, its groups' grants included).
 *
 * Exit status: 0 ok (no finding at or above --fail-on; who-can and
 * --subject always 0), 1 a finding at or above --fail-on (default: none,
 * so findings alone never fail), 2 usage error or unreadable input.
 */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli/commands.h"
#include "k8s/k8s.h"

static void rbac_usage(FILE *out)
{
	fprintf(
	    out,
	    "usage: bulwark k8s rbac FILE... [--json] [--fail-on SEVERITY]\n"
	    "       bulwark k8s rbac FILE... --who-can VERB RESOURCE "
	    "[-n NAMESPACE]\n"
	    "                                [--group GROUP] [--name NAME] "
	    "[--json]\n"
	    "       bulwark k8s rbac FILE... --subject KIND:NAME [--json]\n"
	    "\n"
	    "Reads Roles, ClusterRoles (aggregation resolved), RoleBindings,\n"
	    "ClusterRoleBindings and ServiceAccounts from YAML/JSON "
	    "manifests\n"
	    "(files, directories, - for stdin).\n"
	    "\n"
	    "default     the RBAC risk findings (secrets, workloads, exec, "
	    "escalate,\n"
	    "            bind, impersonate, nodes/proxy, CSR approval, "
	    "tokens,\n"
	    "            wildcards, cluster-admin, default SA, anonymous)\n"
	    "--who-can VERB RESOURCE\n"
	    "            subjects allowed, with the binding and role: "
	    "RESOURCE is\n"
	    "            pods, pods/exec, deployments.apps or a URL like "
	    "/metrics\n"
	    "-n, --namespace NS  the request's namespace (default: any)\n"
	    "--group GROUP       API group of RESOURCE (default: from "
	    "RESOURCE, else core)\n"
	    "--name NAME         the object's name (for resourceNames)\n"
	    "--subject KIND:NAME the effective permissions of User:NAME, "
	    "Group:NAME\n"
	    "                    or ServiceAccount:NS/NAME\n"
	    "--fail-on SEV       exit 1 when a finding is at least SEV "
	    "(low|medium|\n"
	    "                    high|critical; default none: exit 0)\n"
	    "--json              JSON output\n"
	    "\n"
	    "Exit: 0 ok, 1 findings at or above --fail-on, 2 bad usage or "
	    "input.\n");
}

static void print_warning(void *ctx, const struct bw_error *e)
{
	char buf[BW_ERROR_MSG_MAX + 300];

	(void)ctx;
	fprintf(stderr, "bulwark k8s rbac: warning: %s\n",
		bw_error_str(e, buf, sizeof(buf)));
}

static int parse_severity(const char *s, enum vuln_severity *ret)
{
	for (int i = VULN_SEV_NONE; i <= VULN_SEV_CRITICAL; i++)
		if (!strcasecmp(s, vuln_severity_name((enum vuln_severity)i))) {
			*ret = (enum vuln_severity)i;
			return 0;
		}
	return -EINVAL;
}

/* "a,b,c" from a JSON array of strings. */
static void join(json_t *arr, char *buf, size_t len)
{
	size_t used = 0, i;
	json_t *x;

	buf[0] = '\0';
	json_array_foreach(arr, i, x)
	{
		const char *s = json_is_string(x) ? json_string_value(x) : "?";

		if (used >= len)
			break;
		used += (size_t)snprintf(buf + used, len - used, "%s%s",
					 i ? "," : "", *s ? s : "\"\"");
	}
}

static void rule_text(json_t *rule, char *buf, size_t len)
{
	char v[512], g[512], r[1024], n[512], u[512];

	join(json_object_get(rule, "verbs"), v, sizeof(v));
	join(json_object_get(rule, "apiGroups"), g, sizeof(g));
	join(json_object_get(rule, "resources"), r, sizeof(r));
	join(json_object_get(rule, "resourceNames"), n, sizeof(n));
	join(json_object_get(rule, "nonResourceURLs"), u, sizeof(u));
	if (u[0] && !r[0])
		snprintf(buf, len, "verbs=%s nonResourceURLs=%s", v, u);
	else
		snprintf(buf, len, "verbs=%s apiGroups=%s resources=%s%s%s", v,
			 g, r, n[0] ? " resourceNames=" : "", n);
}

static json_t *perm_json(const struct k8s_rbac_perm *p, int limited)
{
	char subj[600];
	json_t *o = json_object();

	k8s_rbac_subject_str(&p->subject, subj, sizeof(subj));
	json_object_set_new(o, "subject", json_string(subj));
	json_object_set_new(o, "scope",
			    p->ns ? json_string(p->ns) : json_null());
	json_object_set_new(o, "binding_kind", json_string(p->binding->kind));
	json_object_set_new(
	    o, "binding",
	    json_string(p->binding->name ? p->binding->name : ""));
	json_object_set_new(o, "file", json_string(p->binding->file));
	json_object_set_new(o, "doc", json_integer(p->binding->doc));
	json_object_set_new(o, "role_kind", json_string(p->role_kind));
	json_object_set_new(o, "role", json_string(p->role_name));
	json_object_set_new(o, "builtin_role", json_boolean(p->builtin));
	json_object_set_new(o, "rule_role", json_string(p->rule_role));
	json_object_set_new(o, "rule_index", json_integer(p->rule_index));
	json_object_set_new(o, "rule", json_deep_copy(p->rule));
	if (limited >= 0)
		json_object_set_new(o, "names_limited", json_boolean(limited));
	return o;
}

static void print_perm(const struct k8s_rbac_perm *p, int limited,
		       int show_subject)
{
	char subj[600], scope[300], via[900], rule[3000];

	k8s_rbac_subject_str(&p->subject, subj, sizeof(subj));
	snprintf(scope, sizeof(scope), "%s%s", p->ns ? "ns " : "cluster-wide",
		 p->ns ? p->ns : "");
	snprintf(via, sizeof(via), "%s/%s -> %s/%s%s", p->binding->kind,
		 p->binding->name ? p->binding->name : "?", p->role_kind,
		 p->role_name, p->builtin ? " (built-in)" : "");
	if (show_subject) {
		json_t *names = json_object_get(p->rule, "resourceNames");
		char n[512];

		join(names, n, sizeof(n));
		printf("%-40s %-20s %s%s%s%s\n", subj, scope, via,
		       limited ? "  [only resourceNames: " : "",
		       limited ? n : "", limited ? "]" : "");
		return;
	}
	rule_text(p->rule, rule, sizeof(rule));
	printf("  %-20s %s rules[%d]%s%s: %s\n", scope, via, p->rule_index,
	       strcmp(p->rule_role, p->role_name) ? " of " : "",
	       strcmp(p->rule_role, p->role_name) ? p->rule_role : "", rule);
}

static int run_who_can(const struct k8s_rbac *r, const char *verb,
		       const char *resource, const char *group, const char *ns,
		       const char *name, int json)
{
	struct k8s_rbac_request req;
	struct k8s_rbac_match *m;
	size_t n;

	if (k8s_rbac_request_init(&req, verb, resource, group, ns, name)) {
		fprintf(stderr,
			"bulwark k8s rbac: bad --who-can request '%s %s'\n",
			verb, resource);
		return 2;
	}
	if (k8s_rbac_who_can(r, &req, &m, &n)) {
		fprintf(stderr, "bulwark k8s rbac: out of memory\n");
		return 2;
	}
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++)
			json_array_append_new(
			    arr, perm_json(m[i].perm, m[i].names_limited));
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(arr);
	} else if (!n) {
		printf("No subject can %s %s%s%s.\n", verb, resource,
		       ns ? " in namespace " : "", ns ? ns : "");
	} else {
		printf("%-40s %-20s %s\n", "SUBJECT", "SCOPE",
		       "BINDING -> ROLE");
		for (size_t i = 0; i < n; i++) {
			/* one line per binding subject, not per rule */
			if (i && m[i - 1].perm->binding == m[i].perm->binding &&
			    m[i - 1].perm->subject_index ==
				m[i].perm->subject_index)
				continue;
			print_perm(m[i].perm, m[i].names_limited, 1);
		}
	}
	free(m);
	return 0;
}

static int run_subject(const struct k8s_rbac *r, const char *spec, int json)
{
	struct k8s_rbac_subject who;
	char buf[1024], subj[600];
	json_t *arr = json ? json_array() : NULL;
	size_t n = 0;

	if (k8s_rbac_subject_parse(spec, &who, buf, sizeof(buf))) {
		fprintf(stderr,
			"bulwark k8s rbac: bad --subject '%s' (User:NAME, "
			"Group:NAME or ServiceAccount:NS/NAME)\n",
			spec);
		json_decref(arr);
		return 2;
	}
	k8s_rbac_subject_str(&who, subj, sizeof(subj));
	if (!json)
		printf("%s\n", subj);
	for (size_t i = 0; i < r->n; i++) {
		const struct k8s_rbac_perm *p = &r->perms[i];
		char g[600];

		if (!k8s_rbac_subject_applies(&p->subject, &who))
			continue;
		n++;
		if (json) {
			json_array_append_new(arr, perm_json(p, -1));
			continue;
		}
		if (p->subject.kind == K8S_RBAC_GROUP &&
		    who.kind != K8S_RBAC_GROUP)
			printf("  (as member of %s)\n",
			       k8s_rbac_subject_str(&p->subject, g, sizeof(g)));
		print_perm(p, 0, 0);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(arr);
	} else if (!n) {
		printf("  no permissions granted by these manifests\n");
	}
	return 0;
}

static int run_findings(const struct k8s_rbac *r, int json, int fail_set,
			enum vuln_severity fail_on)
{
	struct k8s_rbac_finding *f;
	size_t n;
	int gate = 0;

	if (k8s_rbac_check(r, &f, &n)) {
		fprintf(stderr, "bulwark k8s rbac: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++)
		if (fail_set && f[i].severity >= fail_on)
			gate = 1;
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < n; i++) {
			json_t *o = json_object();
			char label[600];

			json_object_set_new(o, "id", json_string(f[i].id));
			json_object_set_new(
			    o, "severity",
			    json_string(vuln_severity_name(f[i].severity)));
			json_object_set_new(o, "title",
					    json_string(f[i].title));
			json_object_set_new(o, "message",
					    json_string(f[i].message));
			json_object_set_new(o, "subject",
					    json_string(f[i].subject));
			json_object_set_new(o, "file",
					    json_string(f[i].object->file));
			json_object_set_new(o, "doc",
					    json_integer(f[i].object->doc));
			json_object_set_new(
			    o, "object",
			    json_string(k8s_object_label(f[i].object, label,
							 sizeof(label))));
			json_object_set_new(o, "path", json_string(f[i].path));
			json_object_set_new(o, "role",
					    json_string(f[i].role_name));
			json_object_set_new(o, "role_kind",
					    json_string(f[i].role_kind));
			json_object_set_new(o, "scope",
					    f[i].ns ? json_string(f[i].ns)
						    : json_null());
			json_object_set_new(o, "remediation",
					    json_string(f[i].remediation));
			json_array_append_new(arr, o);
		}
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(arr);
	} else {
		for (size_t i = 0; i < n; i++)
			printf("%s:%d: %-8s %s %s: %s\n", f[i].object->file,
			       f[i].object->line,
			       vuln_severity_name(f[i].severity), f[i].id,
			       f[i].title, f[i].message);
		printf("%zu RBAC finding%s\n", n, n == 1 ? "" : "s");
	}
	k8s_rbac_findings_free(f, n);
	return gate;
}

int cmd_k8s_rbac(int argc, char **argv)
{
	const char *verb = NULL, *resource = NULL, *ns = NULL, *group = NULL;
	const char *name = NULL, *subject = NULL;
	enum vuln_severity fail_on = VULN_SEV_CRITICAL;
	int json = 0, fail_set = 0, nfiles = 0, rc;
	struct k8s_set set = {0};
	struct k8s_rbac *r = NULL;
	struct bw_error err = {0};
	char **files = calloc((size_t)argc + 1, sizeof(*files));

	if (!files)
		return 2;
	/* argv[0] is "rbac".  --who-can takes two values. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (cli_is_help(a)) {
			rbac_usage(stdout);
			free(files);
			return 0;
		} else if (!strcmp(a, "--who-can") && i + 2 < argc) {
			verb = argv[++i];
			resource = argv[++i];
		} else if ((!strcmp(a, "-n") || !strcmp(a, "--namespace")) &&
			   more) {
			ns = argv[++i];
		} else if (!strcmp(a, "--group") && more) {
			group = argv[++i];
		} else if (!strcmp(a, "--name") && more) {
			name = argv[++i];
		} else if (!strcmp(a, "--subject") && more) {
			subject = argv[++i];
		} else if (!strcmp(a, "--fail-on") && more) {
			if (parse_severity(argv[++i], &fail_on)) {
				fprintf(stderr,
					"bulwark k8s rbac: bad --fail-on "
					"'%s'\n",
					argv[i]);
				free(files);
				return 2;
			}
			fail_set = fail_on != VULN_SEV_NONE;
		} else if (!strcmp(a, "--json")) {
			json = 1;
		} else if (a[0] == '-' && a[1]) {
			fprintf(
			    stderr,
			    "bulwark k8s rbac: unknown or incomplete option "
			    "'%s'\n",
			    a);
			rbac_usage(stderr);
			free(files);
			return 2;
		} else {
			files[nfiles++] = argv[i];
		}
	}
	if (!nfiles || (verb && subject)) {
		rbac_usage(stderr);
		free(files);
		return 2;
	}
	for (int i = 0; i < nfiles; i++) {
		if (k8s_load_path(&set, files[i], print_warning, NULL, &err)) {
			char buf[BW_ERROR_MSG_MAX + 300];

			fprintf(stderr, "bulwark k8s rbac: %s\n",
				bw_error_str(&err, buf, sizeof(buf)));
			k8s_set_free(&set);
			free(files);
			return 2;
		}
	}
	free(files);
	if (k8s_rbac_build(&set, print_warning, NULL, &r, &err)) {
		char buf[BW_ERROR_MSG_MAX + 300];

		fprintf(stderr, "bulwark k8s rbac: %s\n",
			bw_error_str(&err, buf, sizeof(buf)));
		k8s_set_free(&set);
		return 2;
	}
	if (verb)
		rc = run_who_can(r, verb, resource, group, ns, name, json);
	else if (subject)
		rc = run_subject(r, subject, json);
	else
		rc = run_findings(r, json, fail_set, fail_on);
	k8s_rbac_free(r);
	k8s_set_free(&set);
	return rc;
}
