/*
 * banned.h - functions that must not be used in Bulwark code.  Included by
 * every translation unit through the compiler flag -include; a use becomes a
 * compile error.  Use snprintf, memcpy with explicit bounds, strtol with
 * error checks instead.
 */
#ifndef BW_COMMON_BANNED_H
#define BW_COMMON_BANNED_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#undef strcpy
#define strcpy(...) BANNED_use_snprintf_or_memcpy
#undef strcat
#define strcat(...) BANNED_use_snprintf
#undef sprintf
#define sprintf(...) BANNED_use_snprintf
#undef vsprintf
#define vsprintf(...) BANNED_use_vsnprintf
#undef gets
#define gets(...) BANNED_use_fgets
#undef atoi
#define atoi(...) BANNED_use_strtol
#endif
