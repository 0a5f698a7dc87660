/*
 * sink_file.c - the two file-descriptor sinks: stdout and an append-only
 * alert file.
 *
 * stdout is written synchronously from output_emit, one write(2) per alert
 * line (line-buffered by construction, nothing held in a stdio buffer).
 *
 * The file is opened with O_APPEND, so each line lands at the end even if
 * another writer shares it, and it runs on its own worker thread (a slow or
 * full disk must not stall the event loop).  output_reopen() asks the worker
 * to open the path again, for logrotate's "move, then signal" rotation: the
 * new file is opened first and only replaces the old descriptor on success,
 * so a failed reopen keeps writing to the old (rotated) file rather than
 * losing alerts.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/output_int.h"

#define FILE_MODE 0640

int out_write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ---- stdout -------------------------------------------------------------- */

static int stdout_write(struct out_sink *s, const struct out_msg *m)
{
	return out_write_all(STDOUT_FILENO, m->data, m->len);
}

static const struct out_sink_ops STDOUT_OPS = {
    .name = "stdout",
    .write = stdout_write,
};

int sink_stdout_init(struct out_sink *s, struct bw_error *err)
{
	s->ops = &STDOUT_OPS;
	s->impl = NULL;
	s->async = false;
	return 0;
}

/* ---- file -----------------------------------------------------------------
 */

struct file_sink {
	int fd;
	char *path; /* owned */
};

static int open_append(const char *path)
{
	int fd =
	    open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
		 FILE_MODE);

	return fd < 0 ? -errno : fd;
}

static void file_reopen(struct out_sink *s)
{
	struct file_sink *f = s->impl;
	int fd = open_append(f->path);

	if (fd < 0) {
		atomic_fetch_add(&s->failed, 1);
		return;
	}
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
}

static int file_write(struct out_sink *s, const struct out_msg *m)
{
	struct file_sink *f = s->impl;

	if (f->fd < 0)
		return -EBADF;
	return out_write_all(f->fd, m->data, m->len);
}

static void file_destroy(struct out_sink *s)
{
	struct file_sink *f = s->impl;

	if (!f)
		return;
	if (f->fd >= 0)
		close(f->fd);
	free(f->path);
	free(f);
	s->impl = NULL;
}

static const struct out_sink_ops FILE_OPS = {
    .name = "file",
    .write = file_write,
    .reopen = file_reopen,
    .destroy = file_destroy,
};

int sink_file_init(struct out_sink *s, const char *path, struct bw_error *err)
{
	struct file_sink *f;
	int fd;

	if (!path[0])
		return bw_errorf(err, -EINVAL, "output file", 0, 0,
				 "empty file name");
	fd = open_append(path);
	if (fd < 0)
		return bw_errorf(err, fd, path, 0, 0,
				 "cannot open the alert file for appending: %s",
				 strerror(-fd));
	f = calloc(1, sizeof(*f));
	if (f)
		f->path = strdup(path);
	if (!f || !f->path) {
		free(f);
		close(fd);
		return bw_errorf(err, -ENOMEM, path, 0, 0, "out of memory");
	}
	f->fd = fd;
	s->ops = &FILE_OPS;
	s->impl = f;
	s->async = true;
	return 0;
}
