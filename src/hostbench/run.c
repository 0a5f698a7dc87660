/*
 * run.c - the check table assembled from the check files, and the run:
 * open the root, load the kubelet's settings, run each selected check.
 *
 * Table order is report order: CIS 4.1 (files), 4.2 (kubelet), 1.1.19-21
 * (pki), then the BW-HOST runtime file, audit and kernel checks.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostbench/hostbench.h"

#define HB_MAX_CHECKS 128

static struct hb_check table[HB_MAX_CHECKS];
static size_t table_n;
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

static void add(const struct hb_check *c)
{
	if (table_n < HB_MAX_CHECKS)
		table[table_n++] = *c;
}

static void build_table(void)
{
	for (size_t i = 0; i < hb_n_checks_files; i++)
		if (!strncmp(hb_checks_files[i].id, "4.", 2))
			add(&hb_checks_files[i]);
	for (size_t i = 0; i < hb_n_checks_kubelet; i++)
		add(&hb_checks_kubelet[i]);
	for (size_t i = 0; i < hb_n_checks_files; i++)
		if (strncmp(hb_checks_files[i].id, "4.", 2))
			add(&hb_checks_files[i]);
	for (size_t i = 0; i < hb_n_checks_kernel; i++)
		add(&hb_checks_kernel[i]);
}

const struct hb_check *hb_checks(size_t *ret_n)
{
	pthread_once(&table_once, build_table);
	*ret_n = table_n;
	return table;
}

const struct hb_check *hb_check_find(const char *id)
{
	size_t n;
	const struct hb_check *t = hb_checks(&n);

	for (size_t i = 0; id && i < n; i++)
		if (!strcmp(t[i].id, id))
			return &t[i];
	return NULL;
}

const char *hb_result_name(enum hb_result r)
{
	switch (r) {
	case HB_PASS:
		return "PASS";
	case HB_FAIL:
		return "FAIL";
	case HB_WARN:
		return "WARN";
	case HB_INFO:
		return "INFO";
	}
	return "?";
}

void hb_report_free(struct hb_report *r)
{
	if (!r)
		return;
	free(r->root);
	free(r->rows);
	free(r);
}

static bool selected(const struct hb_options *opt, const char *id)
{
	if (!opt->only)
		return true;
	for (size_t i = 0; i < opt->n_only; i++)
		if (!strcmp(opt->only[i], id))
			return true;
	return false;
}

int hb_run(const struct hb_options *opt, struct hb_report **ret_report,
	   struct bw_error *err)
{
	const char *root = opt && opt->root ? opt->root : "/";
	struct hb_options none = {0};
	struct hb_ctx ctx;
	struct hb_report *r;
	const struct hb_check *t;
	size_t n;

	if (!opt)
		opt = &none;
	t = hb_checks(&n);
	for (size_t i = 0; opt->only && i < opt->n_only; i++)
		if (!hb_check_find(opt->only[i]))
			return bw_errorf(err, -EINVAL, NULL, 0, 0,
					 "unknown check \"%s\"", opt->only[i]);
	memset(&ctx, 0, sizeof(ctx));
	ctx.root = root;
	ctx.use_auditctl = opt->use_auditctl;
	ctx.rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (ctx.rootfd < 0)
		return bw_errorf(err, -errno, root, 0, 0,
				 "cannot open root directory: %s",
				 strerror(errno));
	r = calloc(1, sizeof(*r));
	if (r) {
		r->root = strdup(root);
		r->rows = calloc(n ? n : 1, sizeof(*r->rows));
	}
	if (!r || !r->root || !r->rows) {
		hb_report_free(r);
		close(ctx.rootfd);
		return bw_errorf(err, -ENOMEM, NULL, 0, 0, "out of memory");
	}
	hb_kubelet_load(&ctx);
	for (size_t i = 0; i < n; i++) {
		struct hb_row *row;

		if (!selected(opt, t[i].id))
			continue;
		row = &r->rows[r->n_rows++];
		row->check = &t[i];
		if (!ctx.kubelet_present && !strncmp(t[i].id, "4.", 2))
			hb_set(&row->out, HB_INFO, "",
			       "no kubelet unit, config or binary found under "
			       "the root (not applicable)");
		else
			t[i].run(&ctx, &t[i], &row->out);
		r->count[row->out.result]++;
	}
	hb_kubelet_free(&ctx);
	free(ctx.audit_rules);
	close(ctx.rootfd);
	*ret_report = r;
	return 0;
}
