/*
 * fuzz_metadata.c - libFuzzer harness for the line-oriented parsers that
 * remain: Python METADATA, os-release, Cargo.lock, and the Go build-info
 * reader (raw buffer or ELF).  Byte 0 picks the parser; the OS read from
 * os-release also feeds the purls of the final pass.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "inventory/inventory.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct inventory inv = {0};
	const char *b = (const char *)data + 1;
	size_t n = size ? size - 1 : 0;
	char eco[64];
	size_t i;

	if (size < 1)
		return 0;
	switch (data[0] % 4) {
	case 0:
		inv_parse_python_metadata(&inv, b, n, "METADATA", 0, NULL,
					  NULL);
		break;
	case 1:
		inv_parse_os_release(&inv, b, n, "os-release", NULL, NULL);
		inv_add(&inv, INV_DEB, "p", "1.0-1", "s", 0);
		inv_add(&inv, INV_APK, "p", "1.0-r0", "s", 0);
		inv_add(&inv, INV_RPM, "p", "1:1.0-1", "s", 0);
		break;
	case 2:
		inv_parse_cargo_lock(&inv, b, n, "Cargo.lock", 0, NULL, NULL);
		break;
	default:
		inv_parse_go_binary(&inv, b, n, "bin", 0, NULL, NULL);
		break;
	}
	inventory_finish(&inv);
	for (i = 0; i < inv.npkgs; i++)
		inventory_osv_ecosystem(&inv, &inv.pkgs[i], eco, sizeof(eco));
	inventory_free(&inv);
	return 0;
}
