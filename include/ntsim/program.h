/*
 * program.h - programs of your own as simulated processes: a Win32 client
 * built by ntsim_add_program (a host module with the Win32 headers of
 * include/ntsim/win32) whose main or wmain runs as a new process's main
 * thread, on the deterministic scheduler (docs/user-programs.md).
 */
#ifndef NTSIM_PROGRAM_API_H
#define NTSIM_PROGRAM_API_H

#include "ntsim/ps.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * CreateProcess for a program module: the process is created as
 * ntsim_create_process creates one (notifications, layout, PEB with the
 * command line), then its main thread runs the module's wmain, or main, with
 * argc/argv split from the command line as the C runtime splits it; its
 * return value is the process's exit code. Each process gets its own copy
 * of the module (its own globals). Before anything is created:
 * STATUS_OBJECT_NAME_NOT_FOUND / STATUS_OBJECT_PATH_NOT_FOUND for a missing
 * file, STATUS_INVALID_IMAGE_FORMAT for a file that is no module,
 * STATUS_ENTRYPOINT_NOT_FOUND for a module calling a function ntsim does not
 * provide (ntsim_program_load_error names it), STATUS_PROCEDURE_NOT_FOUND
 * for one with neither main nor wmain.
 */
NTSTATUS ntsim_create_program_process(ntsim_system *system, const NTSIM_PROCESS_PARAMS *params,
                                      const char *program_path, CLIENT_ID *cid);

/* Why the last program load failed, as the host's loader said it ("" if it did not). */
const char *ntsim_program_load_error(ntsim_system *system);

#ifdef __cplusplus
}
#endif
#endif
