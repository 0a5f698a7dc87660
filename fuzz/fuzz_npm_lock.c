/*
 * fuzz_npm_lock.c - libFuzzer harness for the npm parsers: the same bytes
 * as a package-lock.json (v1 tree or v2/v3 "packages" map) and as an
 * installed package's package.json, then the final pass.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inventory/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv = {0};

	inv_parse_npm_lock(&inv, (const char *)data, size, "package-lock.json",
			   0, NULL, NULL);
	inv_parse_npm_package_json(&inv, (const char *)data, size,
				   "node_modules/x/package.json", 0, NULL,
				   NULL);
	inventory_finish(&inv);
	inventory_free(&inv);
	return 0;
}
