/* path.c - Win32 paths as the kernel names them (NT paths). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "ps/ps.h"
#include "rtl/alloc.h"

/* The DOS drives and the volumes they name: drive C: is the system volume,
   the only one; other drives keep their DOS-device form. */
static const ps_dos_drive drives[] = {
    { 'C', "\\Device\\HarddiskVolume3" },
};

const ps_dos_drive *ps_dos_drives(size_t *count)
{
    *count = sizeof drives / sizeof drives[0];
    return drives;
}

char *ps_nt_path(const char *path)
{
    size_t n = strlen(path);
    const char *prefix = "";
    const char *rest = path;
    char dos[8];
    if (n >= 2 && path[1] == ':' && isalpha((unsigned char)path[0])) {
        const ps_dos_drive *d = NULL;
        for (size_t i = 0; i < sizeof drives / sizeof drives[0]; i++)
            if (drives[i].letter == toupper((unsigned char)path[0]))
                d = &drives[i];
        if (d) {
            prefix = d->device;
        } else {
            dos[0] = '\\', dos[1] = '?', dos[2] = '?', dos[3] = '\\';
            dos[4] = (char)toupper((unsigned char)path[0]), dos[5] = ':', dos[6] = '\0';
            prefix = dos;
        }
        rest = path + 2;
    }
    size_t pn = strlen(prefix), rn = strlen(rest);
    char *out = rtl_malloc(pn + rn + 1);
    if (!out)
        return NULL;
    memcpy(out, prefix, pn);
    memcpy(out + pn, rest, rn + 1);
    return out;
}
