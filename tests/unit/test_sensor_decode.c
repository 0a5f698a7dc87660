/* test_sensor_decode.c - the ring-buffer record decoder (src/sensor/decode.c):
 * valid records built here decode into the table's parameters; truncated
 * and corrupt records are rejected with -EINVAL and a message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "bulwark.h"
#include "sensor/sensor.h"

struct builder {
	uint8_t buf[4096];
	uint32_t np;
	uint32_t pos;
};

static void b_begin(struct builder *b, uint16_t type, uint32_t np, int64_t res)
{
	struct bw_rec_hdr h = {.type = type, .res = res, .tid = 11, .pid = 10,
			       .ts = 1234, .cpu = 1, .nparams = np};

	memset(b->buf, 0, sizeof(b->buf));
	memcpy(b->buf, &h, sizeof(h));
	b->np = np;
	b->pos = sizeof(h) + np * sizeof(struct bw_rec_param);
}

static void b_set(struct builder *b, uint32_t i, struct bw_rec_param p)
{
	memcpy(b->buf + sizeof(struct bw_rec_hdr) + i * sizeof(p), &p, sizeof(p));
}

static void b_val(struct builder *b, uint32_t i, uint64_t v)
{
	b_set(b, i, (struct bw_rec_param){.kind = BW_RK_VAL, .val = v});
}

static void b_data(struct builder *b, uint32_t i, const void *d, uint32_t n)
{
	memcpy(b->buf + b->pos, d, n);
	b_set(b, i, (struct bw_rec_param){.kind = BW_RK_DATA, .off = b->pos,
					   .len = (uint16_t)n});
	b->pos += n;
}

static uint32_t b_end(struct builder *b)
{
	memcpy(b->buf, &b->pos, sizeof(b->pos)); /* hdr.size is first */
	return b->pos;
}

static void openat_record_decodes(void **state)
{
	struct builder b;
	struct bw_event ev;
	struct bw_error err = {0};
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_OPENAT, 7, 3);
	b_val(&b, 0, 3);
	b_val(&b, 1, (uint64_t)-100);
	b_data(&b, 2, "/etc/shadow", 11);
	b_val(&b, 3, 0101);
	b_val(&b, 4, 0644);
	b_val(&b, 5, (8ull << 20) | 1); /* kernel dev 8:1 */
	b_val(&b, 6, 42);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), 0);
	assert_int_equal(ev.type, BW_EVT_OPENAT);
	assert_int_equal(ev.tid, 11);
	assert_int_equal(ev.pid, 10);
	assert_int_equal(ev.res, 3);
	assert_int_equal(ev.nparams, 7);
	assert_int_equal(ev.params[1].v.i64, -100);
	assert_int_equal(ev.params[2].type, BW_PT_PATH);
	assert_int_equal(ev.params[2].v.str.len, 11);
	assert_memory_equal(ev.params[2].v.str.ptr, "/etc/shadow", 11);
	assert_int_equal(ev.params[3].type, BW_PT_FLAGS);
	assert_int_equal(ev.params[5].v.u64, 0x801); /* Falco's encoding */
	assert_int_equal(ev.params[6].v.u64, 42);
}

static void missing_params_are_none(void **state)
{
	struct builder b;
	struct bw_event ev;
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_OPENAT, 2, -2);
	b_val(&b, 0, (uint64_t)-2);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), 0);
	assert_int_equal(ev.params[0].v.i64, -2);
	assert_int_equal(ev.params[1].type, BW_PT_NONE);
	assert_int_equal(ev.params[6].type, BW_PT_NONE);
}

static void execve_argv_is_split(void **state)
{
	struct builder b;
	struct bw_event ev;
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_EXECVE, 3, 0);
	b_val(&b, 0, 0);
	b_data(&b, 2, "ls\0-la\0/tmp\0", 12);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), 0);
	assert_int_equal(ev.argc, 3);
	assert_memory_equal(ev.argv[1].ptr, "-la", 3);
	assert_int_equal(ev.params[1].type, BW_PT_STR);
	assert_int_equal(ev.params[1].v.str.len, 2);
	assert_memory_equal(ev.params[2].v.str.ptr, "-la\0/tmp", 8);
}

static void connect_tuple_and_sockaddr_decode(void **state)
{
	struct builder b;
	struct bw_event ev;
	struct bw_rec_tuple t = {.family = AF_INET, .sport = 40000, .dport = 80,
				 .saddr = {127, 0, 0, 1}, .daddr = {10, 0, 0, 2}};
	struct sockaddr_in sin = {.sin_family = AF_INET, .sin_port = htons(80)};
	char buf[64];
	uint32_t n;

	(void)state;
	sin.sin_addr.s_addr = htonl(0x0a000002);
	b_begin(&b, BW_EVT_CONNECT, 4, 0);
	b_val(&b, 0, 0);
	b_data(&b, 1, &t, sizeof(t));
	b_val(&b, 2, 5);
	b_data(&b, 3, &sin, sizeof(sin));
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), 0);
	bw_param_render(&bw_evt_info(BW_EVT_CONNECT)->params[1], &ev.params[1],
			buf, sizeof(buf));
	assert_string_equal(buf, "127.0.0.1:40000->10.0.0.2:80");
	bw_param_render(&bw_evt_info(BW_EVT_CONNECT)->params[3], &ev.params[3],
			buf, sizeof(buf));
	assert_string_equal(buf, "10.0.0.2:80");
}

static void truncated_header_is_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;
	struct bw_error err = {0};
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_CLOSE, 2, 0);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, 39, &ev, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "shorter than its"));
	assert_int_equal(sensor_decode(b.buf, n - 1, &ev, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "size"));
}

static void unknown_type_is_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;
	struct bw_error err = {0};
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT__COUNT + 5, 0, 0);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown event type"));
	b_begin(&b, BW_EVT_DROP, 0, 0);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), -EINVAL);
}

static void too_many_params_are_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;
	struct bw_error err = {0};
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_CLOSE, 3, 0);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "more parameters"));
}

static void param_table_overrun_is_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;

	(void)state;
	b_begin(&b, BW_EVT_OPENAT, 7, 0);
	b.pos = sizeof(struct bw_rec_hdr) + 16; /* claims 7 slots, has 1 */
	assert_int_equal(sensor_decode(b.buf, b_end(&b), &ev, NULL), -EINVAL);
}

static void data_outside_record_is_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;
	struct bw_error err = {0};
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_UNLINK, 2, 0);
	b_data(&b, 1, "/x", 2);
	n = b_end(&b);
	b_set(&b, 1, (struct bw_rec_param){.kind = BW_RK_DATA, .off = n - 1,
					    .len = 2});
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "outside"));
	b_set(&b, 1, (struct bw_rec_param){.kind = BW_RK_DATA, .off = 0,
					    .len = 2}); /* points at header */
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), -EINVAL);
	b_set(&b, 1, (struct bw_rec_param){.kind = BW_RK_DATA,
					    .off = 0xfffffff0u, .len = 0x20});
	assert_int_equal(sensor_decode(b.buf, n, &ev, &err), -EINVAL);
}

static void kind_mismatch_is_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_UNLINK, 2, 0);
	b_val(&b, 1, 0x4141); /* a value where a path is expected */
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), -EINVAL);
	b_begin(&b, BW_EVT_UNLINK, 2, 0);
	b_data(&b, 0, "zz", 2); /* data where a result is expected */
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), -EINVAL);
	b_begin(&b, BW_EVT_UNLINK, 2, 0);
	b_set(&b, 0, (struct bw_rec_param){.kind = 9});
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), -EINVAL);
}

static void short_tuple_is_rejected(void **state)
{
	struct builder b;
	struct bw_event ev;
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_CONNECT, 2, 0);
	b_data(&b, 1, "abcd", 4);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), -EINVAL);
}

static void short_sockaddr_is_harmless(void **state)
{
	struct builder b;
	struct bw_event ev;
	uint16_t fam = AF_INET6;
	uint32_t n;

	(void)state;
	b_begin(&b, BW_EVT_BIND, 2, 0);
	b_data(&b, 1, &fam, 2);
	n = b_end(&b);
	assert_int_equal(sensor_decode(b.buf, n, &ev, NULL), 0);
	assert_int_equal(ev.params[1].v.sa.family, AF_INET6);
	assert_int_equal(ev.params[1].v.sa.port, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(openat_record_decodes),
		cmocka_unit_test(missing_params_are_none),
		cmocka_unit_test(execve_argv_is_split),
		cmocka_unit_test(connect_tuple_and_sockaddr_decode),
		cmocka_unit_test(truncated_header_is_rejected),
		cmocka_unit_test(unknown_type_is_rejected),
		cmocka_unit_test(too_many_params_are_rejected),
		cmocka_unit_test(param_table_overrun_is_rejected),
		cmocka_unit_test(data_outside_record_is_rejected),
		cmocka_unit_test(kind_mismatch_is_rejected),
		cmocka_unit_test(short_tuple_is_rejected),
		cmocka_unit_test(short_sockaddr_is_harmless),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
