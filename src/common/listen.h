/*
 * listen.h - the "[HOST]:PORT" listen addresses the project's HTTPS servers
 * (the admission webhook, the secrets server) accept.
 */
#ifndef BW_COMMON_LISTEN_H
#define BW_COMMON_LISTEN_H

#include <sys/socket.h>

#include "common/error.h"

/*
 * Parses ":8443", "0.0.0.0:8443", "127.0.0.1:0", "[::1]:8443" or "8443"
 * (numeric addresses only) into *ss; *any is 1 when no host was given (all
 * addresses).  Returns 0 or -EINVAL with a message naming the input.
 */
int bw_parse_listen(const char *s, struct sockaddr_storage *ss, int *any,
		    struct bw_error *err);

#endif
