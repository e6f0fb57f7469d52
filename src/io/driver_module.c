/*
 * driver_module.c - a driver from a file (NtLoadDriver in miniature): the
 * file is a host shared object (dlopen'd with its symbols kept to itself, so
 * two drivers may both define DriverEntry), its DriverEntry is found by
 * name, then it loads as a built-in driver does. The statuses are those
 * NtLoadDriver gives for a missing file, a file that is no image, and an
 * image without its entry point.
 */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "io/io.h"
#include "rtl/host_file.h"

/* The file's stem: "drivers/SysMon.so" gives "SysMon". */
static void file_stem(const char *path, char *stem, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    size_t n = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    if (n >= cap)
        n = cap - 1;
    memcpy(stem, base, n);
    stem[n] = '\0';
}

NTSTATUS ntsim_load_driver_file(ntsim_system *sys, const char *path, const char *name, const char *const *options,
                                ULONG option_count)
{
    if (!sys || !path || !*path || (option_count && !options))
        return STATUS_INVALID_PARAMETER;
    char stem[256];
    if (!name) {
        file_stem(path, stem, sizeof stem);
        name = stem;
    }
    if (!*name)
        return STATUS_INVALID_PARAMETER;
    if (io_driver_loaded(sys, name))
        return STATUS_IMAGE_ALREADY_LOADED; /* before the file is touched: nothing loaded half */
    uint64_t id[2];
    NTSTATUS s = rtl_host_file_status(path, id);
    if (!NT_SUCCESS(s))
        return s;
    /* As MmLoadSystemImage: an image already loaded (under another name) is
       not loaded twice; dlopen would hand out the same module, globals and all. */
    if (io_driver_file_loaded(sys, id))
        return STATUS_IMAGE_ALREADY_LOADED;
    /* A path without '/' would be searched for by dlopen: name the file itself. */
    char local[4096];
    if (!strchr(path, '/')) {
        if ((size_t)snprintf(local, sizeof local, "./%s", path) >= sizeof local)
            return STATUS_OBJECT_PATH_NOT_FOUND;
        path = local;
    }
    void *module = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!module)
        return STATUS_INVALID_IMAGE_FORMAT;
    void *symbol = dlsym(module, "DriverEntry");
    if (!symbol) {
        dlclose(module);
        return STATUS_PROCEDURE_NOT_FOUND;
    }
    ntsim_driver_entry entry;
    memcpy(&entry, &symbol, sizeof entry); /* POSIX: a data pointer from dlsym holds the function */
    s = io_load_driver(sys, name, entry, options, option_count, module, id);
    if (!NT_SUCCESS(s))
        dlclose(module); /* DriverEntry failed: its pool is reported and freed, its code goes */
    return s;
}

void io_close_module(void *module)
{
    if (module)
        dlclose(module);
}
