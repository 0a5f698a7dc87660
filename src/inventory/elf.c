/*
 * elf.c - finding a named section in an ELF file held in memory, for the
 * Go build info (".go.buildinfo") and cargo-auditable (".dep-v0").
 *
 * Only the ELF header, the section header table and the section-name
 * string table are read.  ELF32 and ELF64, little and big endian; the
 * extended numbering of e_shnum/e_shstrndx (kept in section 0) is
 * honoured.  Every offset and size is checked against the buffer before
 * use, with overflow-safe arithmetic: a hostile header yields -EINVAL.
 */
#include "inventory/inventory_int.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

struct elf {
	const unsigned char *b;
	size_t len;
	int is64, be;
};

static uint64_t rd(const struct elf *e, size_t off, int size)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < size; i++) {
		unsigned char c =
		    e->b[off + (size_t)(e->be ? i : size - 1 - i)];

		v = (v << 8) | c;
	}
	return v;
}

/* [off, off+n) inside the buffer? */
static int in_bounds(const struct elf *e, uint64_t off, uint64_t n)
{
	return off <= e->len && n <= e->len - off;
}

struct shdr {
	uint64_t name, type, offset, size, link;
};

static int read_shdr(const struct elf *e, uint64_t shoff, uint64_t entsize,
		     uint64_t i, struct shdr *s)
{
	uint64_t off = shoff + i * entsize; /* bounded by the caller */

	if (e->is64) {
		s->name = rd(e, off, 4);
		s->type = rd(e, off + 4, 4);
		s->offset = rd(e, off + 24, 8);
		s->size = rd(e, off + 32, 8);
		s->link = rd(e, off + 40, 4);
	} else {
		s->name = rd(e, off, 4);
		s->type = rd(e, off + 4, 4);
		s->offset = rd(e, off + 16, 4);
		s->size = rd(e, off + 20, 4);
		s->link = rd(e, off + 24, 4);
	}
	return 0;
}

int inv_elf_section(const char *buf, size_t len, const char *name,
		    const char **ret, size_t *ret_len)
{
	struct elf e = {(const unsigned char *)buf, len, 0, 0};
	uint64_t shoff, entsize, shnum, shstrndx, i, minent;
	struct shdr s, strtab;
	size_t nlen = strlen(name);

	if (len < 64 || memcmp(buf,
			       "\x7f"
			       "ELF",
			       4))
		return -EINVAL;
	if (e.b[4] != 1 && e.b[4] != 2)
		return -EINVAL;
	if (e.b[5] != 1 && e.b[5] != 2)
		return -EINVAL;
	e.is64 = e.b[4] == 2;
	e.be = e.b[5] == 2;
	if (e.is64) {
		shoff = rd(&e, 0x28, 8);
		entsize = rd(&e, 0x3a, 2);
		shnum = rd(&e, 0x3c, 2);
		shstrndx = rd(&e, 0x3e, 2);
		minent = 64;
	} else {
		shoff = rd(&e, 0x20, 4);
		entsize = rd(&e, 0x2e, 2);
		shnum = rd(&e, 0x30, 2);
		shstrndx = rd(&e, 0x32, 2);
		minent = 40;
	}
	if (!shoff)
		return -ENOENT; /* no section headers */
	if (entsize < minent || !in_bounds(&e, shoff, entsize))
		return -EINVAL;
	if (shnum == 0 || shstrndx == 0xffff) {
		read_shdr(&e, shoff, entsize, 0, &s);
		if (shnum == 0)
			shnum = s.size;
		if (shstrndx == 0xffff)
			shstrndx = s.link;
	}
	if (shnum == 0 || shnum > len / entsize ||
	    !in_bounds(&e, shoff, shnum * entsize) || shstrndx >= shnum)
		return -EINVAL;
	read_shdr(&e, shoff, entsize, shstrndx, &strtab);
	if (!in_bounds(&e, strtab.offset, strtab.size))
		return -EINVAL;
	for (i = 0; i < shnum; i++) {
		read_shdr(&e, shoff, entsize, i, &s);
		if (s.name >= strtab.size || strtab.size - s.name < nlen + 1)
			continue;
		if (memcmp(buf + strtab.offset + s.name, name, nlen + 1))
			continue;
		if (s.type == 8 /* SHT_NOBITS */ ||
		    !in_bounds(&e, s.offset, s.size))
			return -EINVAL;
		*ret = buf + s.offset;
		*ret_len = (size_t)s.size;
		return 0;
	}
	return -ENOENT;
}
