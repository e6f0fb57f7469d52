/* zalloc.h - zeroed heap blocks that reuse the C library's cached frees (src/rtl/zalloc.c). */
#ifndef NTSIM_RTL_ZALLOC_H
#define NTSIM_RTL_ZALLOC_H

#include <stddef.h>

void *rtl_zalloc(size_t n);

#endif
