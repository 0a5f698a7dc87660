/*
 * private_file.c - see private_file.h.  The mode is set with fchmod on the
 * open descriptor, so there is no window in which another path (a swapped
 * symbolic link) could be changed instead.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/private_file.h"

int bw_open_private(const char *path, int flags)
{
	struct stat st;
	int fd, rc;

	do
		fd = open(path, flags | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	while (fd < 0 && errno == EINTR);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	if ((st.st_mode & 077) && fchmod(fd, st.st_mode & 0700) < 0) {
		rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}
