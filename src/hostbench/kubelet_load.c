/*
 * kubelet_load.c - the kubelet's effective settings.
 *
 * The kubelet is configured twice: the systemd unit's ExecStart flags
 * (with Environment= / EnvironmentFile= variables, kubeadm's
 * 10-kubeadm.conf style) and the KubeletConfiguration file named by
 * --config.  hb_kubelet_load finds the unit and its drop-ins the way
 * systemd orders them, expands ExecStart into flags (kubelet_unit.c), and
 * flattens the config YAML into dotted keys (kubelet_yaml.c).
 * hb_kubelet_setting answers with the flag when there is one, else the
 * config field, as the kubelet itself does.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hostbench/hostbench.h"

#define KUBELET_CONFIG_DEFAULT "/var/lib/kubelet/config.yaml"

/* ---- loading ------------------------------------------------------------ */

static const char *const unit_paths[] = {
    "/etc/systemd/system/kubelet.service",
    "/run/systemd/system/kubelet.service",
    "/usr/local/lib/systemd/system/kubelet.service",
    "/usr/lib/systemd/system/kubelet.service",
    "/lib/systemd/system/kubelet.service",
};
/* Highest priority first: a drop-in name found here hides the same name
 * in the directories after it. */
static const char *const dropin_dirs[] = {
    "/etc/systemd/system/kubelet.service.d",
    "/run/systemd/system/kubelet.service.d",
    "/usr/local/lib/systemd/system/kubelet.service.d",
    "/usr/lib/systemd/system/kubelet.service.d",
    "/lib/systemd/system/kubelet.service.d",
};

static int add_unit(struct hb_ctx *ctx, const char *path)
{
	char **n =
	    realloc(ctx->unit_files, (ctx->n_unit_files + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	ctx->unit_files = n;
	n[ctx->n_unit_files] = strdup(path);
	if (!n[ctx->n_unit_files])
		return -ENOMEM;
	ctx->n_unit_files++;
	return 0;
}

static const char *base(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static int cmp_base(const void *a, const void *b)
{
	return strcmp(base(*(char *const *)a), base(*(char *const *)b));
}

static void find_units(struct hb_ctx *ctx)
{
	struct stat st;
	size_t first_dropin;

	for (size_t i = 0; i < sizeof(unit_paths) / sizeof(unit_paths[0]); i++)
		if (!hb_stat(ctx->rootfd, unit_paths[i], &st) &&
		    S_ISREG(st.st_mode)) {
			if (add_unit(ctx, unit_paths[i]))
				return;
			break;
		}
	first_dropin = ctx->n_unit_files;
	for (size_t i = 0; i < sizeof(dropin_dirs) / sizeof(dropin_dirs[0]);
	     i++) {
		int fd;
		DIR *d;
		struct dirent *de;

		if (hb_root_open(ctx->rootfd, dropin_dirs[i],
				 O_RDONLY | O_DIRECTORY, &fd))
			continue;
		d = fdopendir(fd);
		if (!d) {
			close(fd);
			continue;
		}
		while ((de = readdir(d))) {
			size_t nl = strlen(de->d_name);
			char path[4096];
			bool seen = false;

			if (nl < 6 || strcmp(de->d_name + nl - 5, ".conf"))
				continue;
			for (size_t j = first_dropin; j < ctx->n_unit_files;
			     j++)
				if (!strcmp(base(ctx->unit_files[j]),
					    de->d_name))
					seen = true;
			if (seen ||
			    ctx->n_unit_files - first_dropin >= HB_MAX_DROPINS)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dropin_dirs[i],
				 de->d_name);
			if (hb_stat(ctx->rootfd, path, &st) ||
			    !S_ISREG(st.st_mode))
				continue;
			if (add_unit(ctx, path))
				break;
		}
		closedir(d);
	}
	if (ctx->n_unit_files > first_dropin) /* unit_files may be NULL */
		qsort(ctx->unit_files + first_dropin,
		      ctx->n_unit_files - first_dropin, sizeof(char *),
		      cmp_base);
}

void hb_kubelet_load(struct hb_ctx *ctx)
{
	char *exec = NULL, *envfiles = NULL, *buf;
	size_t len;
	struct bw_error err = {0};
	const char *cfg;

	find_units(ctx);
	{
		struct stat st;
		ctx->kubelet_present =
		    ctx->n_unit_files ||
		    !hb_stat(ctx->rootfd, "/usr/bin/kubelet", &st) ||
		    !hb_stat(ctx->rootfd, "/usr/local/bin/kubelet", &st) ||
		    !hb_stat(ctx->rootfd, KUBELET_CONFIG_DEFAULT, &st);
	}
	for (size_t i = 0; i < ctx->n_unit_files; i++) {
		char *before = exec ? strdup(exec) : NULL;

		if (hb_read_file(ctx->rootfd, ctx->unit_files[i], HB_MAX_FILE,
				 &buf, &len)) {
			free(before);
			continue;
		}
		hb_unit_parse(buf, len, &ctx->env, &exec, &envfiles);
		free(buf);
		if (exec && (!before || strcmp(before, exec))) {
			free(ctx->exec_source);
			ctx->exec_source = strdup(ctx->unit_files[i]);
		}
		free(before);
	}
	/* EnvironmentFile= is applied after Environment=, in order. */
	for (char *p = envfiles, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		if (*p == '-')
			p++;
		if (!hb_read_file(ctx->rootfd, p, HB_MAX_FILE, &buf, &len)) {
			hb_envfile_parse(buf, len, &ctx->env);
			free(buf);
		}
	}
	free(envfiles);
	if (exec)
		hb_exec_flags(exec, &ctx->env, &ctx->flags);
	free(exec);

	cfg = hb_kvset_get(&ctx->flags, "config");
	ctx->config_path = strdup(cfg && *cfg ? cfg : KUBELET_CONFIG_DEFAULT);
	if (!ctx->config_path)
		return;
	{
		int rc = hb_read_file(ctx->rootfd, ctx->config_path,
				      HB_MAX_FILE, &buf, &len);
		if (rc) {
			snprintf(ctx->config_note, sizeof(ctx->config_note),
				 "%s: %s", ctx->config_path,
				 rc == -ENOENT ? "not found" : strerror(-rc));
			return;
		}
	}
	if (hb_yaml_flatten(buf, len, &ctx->config, ctx->config_path, &err)) {
		char m[BW_ERROR_MSG_MAX + 300];
		snprintf(ctx->config_note, sizeof(ctx->config_note), "%s",
			 bw_error_str(&err, m, sizeof(m)));
		hb_kvset_clear(&ctx->config);
	} else {
		ctx->config_found = true;
	}
	free(buf);
}

void hb_kubelet_free(struct hb_ctx *ctx)
{
	for (size_t i = 0; i < ctx->n_unit_files; i++)
		free(ctx->unit_files[i]);
	free(ctx->unit_files);
	ctx->unit_files = NULL;
	ctx->n_unit_files = 0;
	free(ctx->exec_source);
	free(ctx->config_path);
	ctx->exec_source = ctx->config_path = NULL;
	hb_kvset_clear(&ctx->env);
	hb_kvset_clear(&ctx->flags);
	hb_kvset_clear(&ctx->config);
}

const char *hb_kubelet_setting(struct hb_ctx *ctx, const char *flag,
			       const char *field, const char **ret_source)
{
	const char *v = flag ? hb_kvset_get(&ctx->flags, flag) : NULL;

	if (v) {
		snprintf(ctx->source_buf, sizeof(ctx->source_buf),
			 "flag --%s (%s)", flag,
			 ctx->exec_source ? ctx->exec_source : "unit");
	} else if (field && (v = hb_kvset_get(&ctx->config, field))) {
		snprintf(ctx->source_buf, sizeof(ctx->source_buf), "%s: %s",
			 ctx->config_path, field);
	} else {
		return NULL;
	}
	if (ret_source)
		*ret_source = ctx->source_buf;
	return v;
}
