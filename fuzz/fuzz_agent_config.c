/* fuzz_agent_config.c - libFuzzer harness for the agent's YAML config parser. */
#include <stddef.h>
#include <stdint.h>

#include "agent/agent.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bw_agent_config cfg = {0};
	struct bw_error err = {0};
	char **strings = NULL;

	if (!agent_config_parse("fuzz", (const char *)data, size, &cfg, &strings, &err))
		agent_config_strings_free(strings);
	return 0;
}
