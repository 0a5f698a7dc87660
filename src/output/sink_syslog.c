/*
 * sink_syslog.c - alerts to syslog(3) as "bulwark[pid]", facility LOG_USER
 * (Falco's), each at the syslog level of its Falco priority (the two share
 * numbering: Emergency = LOG_EMERG ... Debug = LOG_DEBUG).  The message is
 * the line in the configured format, without its newline.
 *
 * openlog/closelog are process-wide state owned by libc: one bw_outputs with
 * syslog at a time (the agent has one).  syslog(3) may block on a full
 * /dev/log socket, so this sink runs on its worker thread.
 */
#include <errno.h>
#include <syslog.h>

#include "output/output_int.h"

static int syslog_write(struct out_sink *s, const struct out_msg *m)
{
	int len = m->len > 0 ? (int)(m->len - 1) : 0;

	/* syslog(3) reports no error; a lost datagram is not seen here. */
	syslog(output_syslog_level(m->prio), "%.*s", len, m->data);
	return 0;
}

static void syslog_destroy(struct out_sink *s) { closelog(); }

static const struct out_sink_ops SYSLOG_OPS = {
    .name = "syslog",
    .write = syslog_write,
    .destroy = syslog_destroy,
};

int sink_syslog_init(struct out_sink *s, struct bw_error *err)
{
	openlog("bulwark", LOG_PID | LOG_NDELAY, LOG_USER);
	s->ops = &SYSLOG_OPS;
	s->impl = NULL;
	s->async = true;
	return 0;
}
