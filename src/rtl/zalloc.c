/* zalloc.c - zeroed heap blocks for what every process and thread creation makes. */
#include <stdlib.h>
#include <string.h>

#include "rtl/zalloc.h"

void *rtl_zalloc(size_t n)
{
    void *p = malloc(n);
    /* Through a volatile length, so that the compiler does not fold malloc
       and memset back into calloc: glibc's calloc bypasses the per-thread
       cache that malloc and free share, so blocks freed in a burst (a
       process's teardown) never serve the next creations. */
    volatile size_t length = n;
    if (p)
        memset(p, 0, length);
    return p;
}
