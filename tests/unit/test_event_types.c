/* test_event_types.c - the event-type table (src/event/evttypes.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>
#include <sys/syscall.h>

#include "event/event.h"

#define S(x) x, strlen(x)

static void every_type_has_a_name_and_fitting_params(void **state)
{
	(void)state;
	for (uint16_t t = 0; t < BW_EVT__COUNT; t++) {
		const struct bw_evt_info *info = bw_evt_info(t);

		assert_non_null(info);
		assert_non_null(info->name);
		assert_true(info->nparams <= BW_EVT_MAX_PARAMS);
		for (int i = 0; i < info->nparams; i++) {
			assert_non_null(info->params[i].name);
			assert_int_not_equal(info->params[i].type, BW_PT_NONE);
			if (info->params[i].type == BW_PT_FLAGS ||
			    info->params[i].type == BW_PT_ENUM)
				assert_int_not_equal(info->params[i].flagset,
						     BW_FS_NONE);
		}
	}
}

static void out_of_range_type_has_no_info(void **state)
{
	(void)state;
	assert_null(bw_evt_info(BW_EVT__COUNT));
	assert_null(bw_evt_info(0xffff));
}

static void names_are_unique(void **state)
{
	(void)state;
	for (uint16_t a = 0; a < BW_EVT__COUNT; a++)
		for (uint16_t b = a + 1; b < BW_EVT__COUNT; b++)
			assert_string_not_equal(bw_evt_info(a)->name,
						bw_evt_info(b)->name);
}

static void param_names_are_unique_within_a_type(void **state)
{
	(void)state;
	for (uint16_t t = 0; t < BW_EVT__COUNT; t++) {
		const struct bw_evt_info *info = bw_evt_info(t);

		for (int a = 0; a < info->nparams; a++)
			for (int b = a + 1; b < info->nparams; b++)
				assert_string_not_equal(info->params[a].name,
							info->params[b].name);
	}
}

static void syscall_numbers_match_x86_64(void **state)
{
	(void)state;
	assert_int_equal(bw_evt_info(BW_EVT_EXECVE)->syscall_nr, SYS_execve);
	assert_int_equal(bw_evt_info(BW_EVT_EXECVEAT)->syscall_nr, SYS_execveat);
	assert_int_equal(bw_evt_info(BW_EVT_CLONE)->syscall_nr, SYS_clone);
	assert_int_equal(bw_evt_info(BW_EVT_CLONE3)->syscall_nr, SYS_clone3);
	assert_int_equal(bw_evt_info(BW_EVT_OPENAT)->syscall_nr, SYS_openat);
	assert_int_equal(bw_evt_info(BW_EVT_OPENAT2)->syscall_nr, SYS_openat2);
	assert_int_equal(bw_evt_info(BW_EVT_CONNECT)->syscall_nr, SYS_connect);
	assert_int_equal(bw_evt_info(BW_EVT_ACCEPT4)->syscall_nr, SYS_accept4);
	assert_int_equal(bw_evt_info(BW_EVT_PTRACE)->syscall_nr, SYS_ptrace);
	assert_int_equal(bw_evt_info(BW_EVT_UMOUNT2)->syscall_nr, SYS_umount2);
	assert_int_equal(bw_evt_info(BW_EVT_FINIT_MODULE)->syscall_nr,
			 SYS_finit_module);
	assert_int_equal(bw_evt_info(BW_EVT_MEMFD_CREATE)->syscall_nr,
			 SYS_memfd_create);
	assert_int_equal(bw_evt_info(BW_EVT_PIDFD_GETFD)->syscall_nr,
			 SYS_pidfd_getfd);
	assert_int_equal(bw_evt_info(BW_EVT_USERFAULTFD)->syscall_nr,
			 SYS_userfaultfd);
	assert_int_equal(bw_evt_info(BW_EVT_TGKILL)->syscall_nr, SYS_tgkill);
	assert_int_equal(bw_evt_info(BW_EVT_RENAMEAT2)->syscall_nr,
			 SYS_renameat2);
	assert_int_equal(bw_evt_info(BW_EVT_PROCEXIT)->syscall_nr, -1);
	assert_int_equal(bw_evt_info(BW_EVT_DROP)->syscall_nr, -1);
}

static void syscall_numbers_are_unique(void **state)
{
	(void)state;
	for (uint16_t a = 1; a < BW_EVT__COUNT; a++) {
		int nr = bw_evt_info(a)->syscall_nr;

		if (nr < 0)
			continue;
		assert_true(nr < 512);
		assert_int_equal(bw_evt_type_by_syscall(nr), a);
	}
}

static void lookup_by_name(void **state)
{
	(void)state;
	assert_int_equal(bw_evt_type_by_name(S("execve")), BW_EVT_EXECVE);
	assert_int_equal(bw_evt_type_by_name(S("procexit")), BW_EVT_PROCEXIT);
	assert_int_equal(bw_evt_type_by_name(S("openat2")), BW_EVT_OPENAT2);
	assert_int_equal(bw_evt_type_by_name("openat2", 6), BW_EVT_OPENAT);
	assert_int_equal(bw_evt_type_by_name(S("nosuch")), BW_EVT_UNKNOWN);
	assert_int_equal(bw_evt_type_by_name(NULL, 0), BW_EVT_UNKNOWN);
}

static void lookup_by_syscall(void **state)
{
	(void)state;
	assert_int_equal(bw_evt_type_by_syscall(SYS_openat), BW_EVT_OPENAT);
	assert_int_equal(bw_evt_type_by_syscall(SYS_read), BW_EVT_UNKNOWN);
	assert_int_equal(bw_evt_type_by_syscall(-1), BW_EVT_UNKNOWN);
	assert_int_equal(bw_evt_type_by_syscall(100000), BW_EVT_UNKNOWN);
}

static void param_index_uses_falco_names(void **state)
{
	(void)state;
	assert_int_equal(bw_evt_param_index(BW_EVT_OPENAT, S("fd")), 0);
	assert_int_equal(bw_evt_param_index(BW_EVT_OPENAT, S("name")), 2);
	assert_int_equal(bw_evt_param_index(BW_EVT_OPENAT, S("ino")), 6);
	assert_int_equal(bw_evt_param_index(BW_EVT_CONNECT, S("tuple")), 1);
	assert_int_equal(bw_evt_param_index(BW_EVT_PTRACE, S("request")), 3);
	assert_int_equal(bw_evt_param_index(BW_EVT_EXECVE, S("exe_ino_mtime")),
			 16);
	assert_true(bw_evt_param_index(BW_EVT_EXECVE, S("trusted_exepath")) >
		    0);
	assert_int_equal(bw_evt_param_index(BW_EVT_OPENAT, S("nosuch")), -1);
	assert_int_equal(bw_evt_param_index(BW_EVT__COUNT, S("fd")), -1);
}

static void param_types_follow_falco(void **state)
{
	const struct bw_evt_info *o = bw_evt_info(BW_EVT_OPENAT);

	(void)state;
	assert_int_equal(o->params[0].type, BW_PT_FD);
	assert_int_equal(o->params[3].type, BW_PT_FLAGS);
	assert_int_equal(o->params[3].flagset, BW_FS_OPEN_FLAGS);
	assert_int_equal(o->params[4].type, BW_PT_MODE);
	assert_int_equal(bw_evt_info(BW_EVT_PTRACE)->params[3].flagset,
			 BW_FS_PTRACE_REQ);
	assert_int_equal(bw_evt_info(BW_EVT_EXECVE)->params[0].type,
			 BW_PT_ERRNO);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_type_has_a_name_and_fitting_params),
		cmocka_unit_test(out_of_range_type_has_no_info),
		cmocka_unit_test(names_are_unique),
		cmocka_unit_test(param_names_are_unique_within_a_type),
		cmocka_unit_test(syscall_numbers_match_x86_64),
		cmocka_unit_test(syscall_numbers_are_unique),
		cmocka_unit_test(lookup_by_name),
		cmocka_unit_test(lookup_by_syscall),
		cmocka_unit_test(param_index_uses_falco_names),
		cmocka_unit_test(param_types_follow_falco),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
