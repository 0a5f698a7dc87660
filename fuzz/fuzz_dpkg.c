/*
 * fuzz_dpkg.c - libFuzzer harness for the dpkg status parser
 * (inv_parse_dpkg_status) followed by the final pass (purls, sort,
 * dedup).  Warnings are expected; crashes, sanitizer reports and a warning
 * count above the per-file bound are bugs.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inventory/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv = {0};

	inv_parse_dpkg_status(&inv, (const char *)data, size, "status", 0, NULL,
			      NULL);
	if (inv.nwarnings > 21)
		abort();
	inventory_finish(&inv);
	inventory_free(&inv);
	return 0;
}
