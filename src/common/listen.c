/*
 * listen.c - parsing of "[HOST]:PORT" listen addresses (see listen.h).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "common/listen.h"

int bw_parse_listen(const char *s, struct sockaddr_storage *ss, int *any,
		    struct bw_error *err)
{
	const char *colon = strrchr(s, ':');
	char host[64];
	const char *port_s = colon ? colon + 1 : s;
	size_t hl = colon ? (size_t)(colon - s) : 0;
	char *end;
	long port = strtol(port_s, &end, 10);

	if (!*port_s || *end || port < 0 || port > 65535)
		return bw_errorf(err, -EINVAL, s, 0, 0,
				 "bad listen address: want [HOST]:PORT");
	memset(ss, 0, sizeof(*ss));
	*any = hl == 0;
	if (hl >= sizeof(host))
		return bw_errorf(err, -EINVAL, s, 0, 0, "host too long");
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			return bw_errorf(err, -EINVAL, s, 0, 0,
					 "bad IPv6 address");
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons((uint16_t)port);
		return 0;
	}
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		a4->sin_family = AF_INET;
		a4->sin_port = htons((uint16_t)port);
		if (hl && inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			return bw_errorf(err, -EINVAL, s, 0, 0,
					 "bad IPv4 address (use a numeric "
					 "address)");
	}
	return 0;
}
