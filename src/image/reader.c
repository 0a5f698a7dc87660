/*
 * reader.c - a visitor's view of one file's content: the current entry of
 * a layer's archive stream, an open file of a rootfs, or a memory buffer
 * (hard-link targets read in the second pass).  The reader never hands out
 * more than the file-size limit.
 */
#include "image/image_int.h"

#include <archive.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

ssize_t image_reader_read(struct image_reader *r, void *buf, size_t len)
{
	ssize_t n;

	if (!r || (!buf && len))
		return -EINVAL;
	if (len > r->limit)
		len = (size_t)r->limit;
	if (len > (size_t)SSIZE_MAX)
		len = (size_t)SSIZE_MAX;
	if (!len)
		return 0;
	switch (r->kind) {
	case IMG_READ_ARCHIVE:
		n = archive_read_data(r->a, buf, len);
		if (n < 0)
			return -EIO;
		if (archive_filter_bytes(r->a, 0) > 0 &&
		    (uint64_t)archive_filter_bytes(r->a, 0) > r->ulimit)
			return -EFBIG; /* decompression bomb */
		break;
	case IMG_READ_FD:
		do
			n = read(r->fd, buf, len);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -errno;
		break;
	case IMG_READ_MEM:
		n = (ssize_t)(r->mem_len - r->pos < len ? r->mem_len - r->pos
							: len);
		memcpy(buf, r->mem + r->pos, (size_t)n);
		r->pos += (size_t)n;
		break;
	default:
		return -EINVAL;
	}
	r->limit -= (uint64_t)n;
	return n;
}

int image_reader_read_all(struct image_reader *r, size_t max, char **ret_buf,
			  size_t *ret_len)
{
	size_t cap = 0, len = 0;
	char *buf = NULL;

	if (!r || !ret_buf)
		return -EINVAL;
	for (;;) {
		ssize_t n;

		if (cap - len < 2) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb;

			/* room to see one byte more than max */
			size_t lim = max > SIZE_MAX - 2 ? SIZE_MAX : max + 2;

			if (ncap > lim)
				ncap = lim;
			if (ncap <= cap) {
				free(buf);
				return -EFBIG;
			}
			nb = realloc(buf, ncap);
			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap = ncap;
		}
		n = image_reader_read(r, buf + len, cap - len - 1);
		if (n < 0) {
			free(buf);
			return (int)n;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[len] = '\0';
	*ret_buf = buf;
	if (ret_len)
		*ret_len = len;
	return 0;
}
