/*
 * host_file.h - a file of the host that ntsim loads as an image (a driver
 * or program module): whether it is there, as the loader's statuses say it.
 */
#ifndef NTSIM_RTL_HOST_FILE_H
#define NTSIM_RTL_HOST_FILE_H

#include <stdint.h>

#include "ntsim/nt.h"

/* STATUS_SUCCESS with the file's identity (device, inode) in id; else
   STATUS_OBJECT_NAME_NOT_FOUND (no such file in an existing folder) or
   STATUS_OBJECT_PATH_NOT_FOUND (no such folder), as NtCreateFile says. */
NTSTATUS rtl_host_file_status(const char *path, uint64_t id[2]);

#endif
