/* host_file.c - whether an image file of the host is there (host_file.h). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "rtl/host_file.h"

NTSTATUS rtl_host_file_status(const char *path, uint64_t id[2])
{
    struct stat st;
    if (stat(path, &st) == 0) {
        id[0] = (uint64_t)st.st_dev;
        id[1] = (uint64_t)st.st_ino;
        return STATUS_SUCCESS;
    }
    if (errno != ENOENT)
        return errno == ENOTDIR ? STATUS_OBJECT_PATH_NOT_FOUND : STATUS_OBJECT_NAME_NOT_FOUND;
    char folder[4096];
    const char *slash = strrchr(path, '/');
    if (!slash)
        return STATUS_OBJECT_NAME_NOT_FOUND;
    size_t n = slash == path ? 1 : (size_t)(slash - path);
    if (n >= sizeof folder)
        return STATUS_OBJECT_PATH_NOT_FOUND;
    memcpy(folder, path, n);
    folder[n] = '\0';
    return stat(folder, &st) == 0 && S_ISDIR(st.st_mode) ? STATUS_OBJECT_NAME_NOT_FOUND : STATUS_OBJECT_PATH_NOT_FOUND;
}
