/* test_private_file.c - bw_open_private: new files are 0600 whatever the
 * umask, an existing file loses group/other permissions, a symbolic link
 * and a directory are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/private_file.h"

static char dir[64];

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/bw-private.XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static mode_t mode_of(const char *p)
{
	struct stat st;

	assert_int_equal(lstat(p, &st), 0);
	return st.st_mode & 07777;
}

static void test_new_file_is_0600_whatever_the_umask(void **state)
{
	char p[128];
	mode_t old = umask(0);
	int fd;

	(void)state;
	snprintf(p, sizeof(p), "%s/new", dir);
	fd = bw_open_private(p, O_RDWR);
	umask(old);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mode_of(p), 0600);
}

static void test_existing_file_is_tightened(void **state)
{
	char p[128];
	int fd;

	(void)state;
	snprintf(p, sizeof(p), "%s/old", dir);
	fd = open(p, O_CREAT | O_WRONLY, 0644);
	assert_true(fd >= 0);
	fchmod(fd, 0664);
	close(fd);
	fd = bw_open_private(p, O_RDWR | O_APPEND);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(mode_of(p), 0600);
}

static void test_symlink_and_directory_refused(void **state)
{
	char p[128], target[128];

	(void)state;
	snprintf(target, sizeof(target), "%s/target", dir);
	close(open(target, O_CREAT | O_WRONLY, 0644));
	snprintf(p, sizeof(p), "%s/link", dir);
	assert_int_equal(symlink(target, p), 0);
	assert_int_equal(bw_open_private(p, O_RDWR), -ELOOP);
	assert_int_equal(mode_of(target), 0644); /* untouched */
	assert_true(bw_open_private(dir, O_RDONLY) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_new_file_is_0600_whatever_the_umask),
	    cmocka_unit_test(test_existing_file_is_tightened),
	    cmocka_unit_test(test_symlink_and_directory_refused),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
