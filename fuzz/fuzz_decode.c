/*
 * fuzz_decode.c - libFuzzer harness for sensor_decode(): arbitrary bytes
 * as a ring-buffer record.  A successfully decoded event is also rendered,
 * parameter by parameter, so the renderers see hostile values too.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sensor/sensor.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct bw_event ev;
	struct bw_error err;
	const struct bw_evt_info *info;
	char buf[512];
	uint8_t *copy;

	/* an exact-size heap copy so ASan sees any overread */
	copy = malloc(size ? size : 1);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (sensor_decode(copy, size, &ev, &err) == 0) {
		info = bw_evt_info(ev.type);
		for (int i = 0; info && i < ev.nparams; i++)
			bw_param_render(&info->params[i], &ev.params[i], buf,
					sizeof(buf));
		for (int i = 0; i < ev.argc; i++)
			if (ev.argv[i].len)
				(void)memchr(ev.argv[i].ptr, 'x', ev.argv[i].len);
	}
	free(copy);
	return 0;
}
