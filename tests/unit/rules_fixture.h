/*
 * rules_fixture.h - helpers for the rules engine tests: a synthetic event
 * with a process, its parent and grandparent, an fd and a container filled
 * by hand, a proc lookup over them, and one-line "compile this condition"
 * and "load this fixture file" helpers.
 */
#ifndef BW_TESTS_RULES_FIXTURE_H
#define BW_TESTS_RULES_FIXTURE_H

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "rules/rules.h"
#include "state/state.h"

struct fx {
	struct bw_event ev;
	struct bw_proc proc, parent, gparent;
	struct bw_fdinfo fd;
	struct bw_container ctr, host;
	struct bw_mount mounts[2];
	char *lkeys[2], *lvals[2];
};

static inline struct bw_proc *fx_lookup(void *ctx, int32_t pid)
{
	struct fx *f = ctx;

	if (pid == f->proc.pid)
		return &f->proc;
	if (pid == f->parent.pid)
		return &f->parent;
	if (pid == f->gparent.pid)
		return &f->gparent;
	return NULL;
}

static inline void fx_proc(struct bw_proc *p, int pid, int ppid, const char *comm,
		    const char *exepath, char *args, uint32_t args_len)
{
	memset(p, 0, sizeof(*p));
	p->tid = p->pid = pid;
	p->ppid = ppid;
	p->vpid = p->vtid = pid;
	p->sid = 1;
	snprintf(p->comm, sizeof(p->comm), "%s", comm);
	p->exe = (char *)comm;
	p->exepath = (char *)exepath;
	p->args = args;
	p->args_len = args_len;
	p->argc = 2;
	p->loginuid = 0xffffffffu;
	p->start_ts = 1000;
}

/* An openat of /etc/shadow (O_RDONLY) by cat (parent bash, grandparent
 * sshd) inside container "abcdef123456". */
static inline void fx_init(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	fx_proc(&f->proc, 300, 200, "cat", "/usr/bin/cat", "-n\0/etc/shadow",
		15);
	f->proc.exe = "cat";
	fx_proc(&f->parent, 200, 100, "bash", "/bin/bash", "-i", 3);
	fx_proc(&f->gparent, 100, 1, "sshd", "/usr/sbin/sshd", "-D", 3);
	snprintf(f->ctr.id, sizeof(f->ctr.id), "abcdef123456");
	f->ctr.name = "web";
	f->ctr.image = "docker.io/library/nginx:1.25";
	f->ctr.image_repository = "docker.io/library/nginx";
	f->ctr.image_tag = "1.25";
	f->ctr.type = "runc";
	f->ctr.pod_name = "web-0";
	f->ctr.pod_namespace = "prod";
	f->ctr.privileged = true;
	f->mounts[0].source = "/var/run/docker.sock";
	f->mounts[0].dest = "/var/run/docker.sock";
	f->mounts[0].mode = "rw";
	f->mounts[0].rw = true;
	f->mounts[1].source = "/data";
	f->mounts[1].dest = "/srv";
	f->mounts[1].mode = "ro";
	f->ctr.mounts = f->mounts;
	f->ctr.nmounts = 2;
	f->lkeys[0] = "app";
	f->lvals[0] = "web";
	f->ctr.label_keys = f->lkeys;
	f->ctr.label_values = f->lvals;
	f->ctr.nlabels = 1;
	snprintf(f->host.id, sizeof(f->host.id), "host");
	f->proc.container = &f->ctr;
	f->parent.container = &f->ctr;
	f->gparent.container = &f->host;

	f->fd.fd = 3;
	f->fd.type = BW_FD_FILE;
	f->fd.name = "/etc/shadow";
	f->fd.name_raw = "/etc/../etc/shadow";

	f->ev.num = 7;
	f->ev.ts_ns = 1700000000123456789ull;
	f->ev.type = BW_EVT_OPENAT;
	f->ev.res = 3;
	f->ev.tid = f->ev.pid = 300;
	f->ev.nparams = 7;
	f->ev.params[0].type = BW_PT_FD;
	f->ev.params[0].v.i64 = 3;
	f->ev.params[1].type = BW_PT_FD;
	f->ev.params[1].v.i64 = -100;
	f->ev.params[2].type = BW_PT_PATH;
	f->ev.params[2].v.str.ptr = "/etc/shadow";
	f->ev.params[2].v.str.len = 11;
	f->ev.params[3].type = BW_PT_FLAGS;
	f->ev.params[3].v.u64 = 0; /* O_RDONLY */
	f->ev.params[4].type = BW_PT_MODE;
	f->ev.params[4].v.u64 = 0;
	f->ev.params[5].type = BW_PT_UINT64;
	f->ev.params[6].type = BW_PT_UINT64;
	f->ev.proc = &f->proc;
	f->ev.fd = &f->fd;
	f->ev.container = &f->ctr;
}

/* Turns the event into a connect from 10.0.0.5:40000 to 1.2.3.4:443. */
static inline void fx_connect(struct fx *f)
{
	f->ev.type = BW_EVT_CONNECT;
	f->ev.res = 0;
	f->ev.nparams = 4;
	memset(f->ev.params, 0, sizeof(f->ev.params));
	f->ev.params[0].type = BW_PT_ERRNO;
	f->fd.type = BW_FD_IPV4;
	f->fd.l4proto = BW_L4_TCP;
	f->fd.name = "10.0.0.5:40000->1.2.3.4:443";
	f->fd.name_raw = NULL;
	f->fd.connected = true;
	f->fd.tuple.src.family = AF_INET;
	f->fd.tuple.src.port = 40000;
	inet_pton(AF_INET, "10.0.0.5", f->fd.tuple.src.addr);
	f->fd.tuple.dst.family = AF_INET;
	f->fd.tuple.dst.port = 443;
	inet_pton(AF_INET, "1.2.3.4", f->fd.tuple.dst.addr);
}

static inline const char *fx_data_path(const char *name, char *buf, size_t len)
{
	const char *src = getenv("BW_SOURCE_DIR");

	snprintf(buf, len, "%s/tests/data/rules/%s", src ? src : BW_SOURCE_DIR,
		 name);
	return buf;
}

/* Compiles one rule with condition cond; returns the ruleset (NULL if
 * loading failed).  Diagnostics go to d. */
static inline struct bw_ruleset *fx_compile(const char *cond,
				     struct bw_rules_diag *d)
{
	struct bw_ruleset *rs;
	struct bw_error err = { 0 };
	char *yaml;
	size_t n = strlen(cond) + 256;

	yaml = malloc(n);
	snprintf(yaml, n,
		 "- rule: T\n  desc: test\n  output: \"out %%proc.name\"\n"
		 "  priority: WARNING\n  warn_evttypes: false\n"
		 "  condition: |\n    %s\n",
		 cond);
	if (rules_new(&rs)) {
		free(yaml);
		return NULL;
	}
	if (rules_load_buffer(rs, "inline.yaml", yaml, strlen(yaml), d, &err) ||
	    rules_compile(rs, d, &err)) {
		free(yaml);
		rules_free(rs);
		return NULL;
	}
	free(yaml);
	return rs;
}

/* 1 if cond matches f's event, 0 if not, -1 if it did not compile. */
static inline int fx_match(struct fx *f, const char *cond)
{
	struct bw_rules_diag d = { 0 };
	struct bw_ruleset *rs = fx_compile(cond, &d);
	int m;

	if (!rs || rules_count_loaded(rs) != 1) {
		for (size_t i = 0; i < d.n; i++)
			fprintf(stderr, "diag: %s:%d:%d %s\n", d.items[i].file,
				d.items[i].line, d.items[i].column,
				d.items[i].msg);
		rules_diag_free(&d);
		rules_free(rs);
		return -1;
	}
	rules_set_proc_lookup(rs, fx_lookup, f);
	m = rules_eval(rs, &f->ev, NULL, NULL);
	rules_diag_free(&d);
	rules_free(rs);
	return m;
}

static inline int fx_load(struct bw_ruleset *rs, const char *name,
		   struct bw_rules_diag *d, struct bw_error *err)
{
	char p[1024];

	return rules_load_file(rs, fx_data_path(name, p, sizeof(p)), d, err);
}

static inline const struct bw_rules_diag_item *fx_diag_find(
	const struct bw_rules_diag *d, const char *item, bool is_error)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].item, item) &&
		    d->items[i].is_error == is_error)
			return &d->items[i];
	return NULL;
}

/* Whether item's diagnostic of that severity contains needle. */
static inline bool fx_diag_has(const struct bw_rules_diag *d, const char *item,
			       bool is_error, const char *needle)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcmp(d->items[i].item, item) &&
		    d->items[i].is_error == is_error &&
		    strstr(d->items[i].msg, needle))
			return true;
	return false;
}

#endif
