/*
 * command.h - the scenario commands: their arguments and options (one table,
 * sim/command_table.c), the values a line parses into, and the context a
 * command runs in.
 */
#ifndef NTSIM_SIM_COMMAND_H
#define NTSIM_SIM_COMMAND_H

#include "lexer.h"
#include "names.h"
#include "ntsim/ntsim.h"
#include "record.h"
#include "writer.h"

typedef enum sim_arg_kind {
    ARG_PROCESS,     /* an existing process name */
    ARG_THREAD,      /* an existing thread name */
    ARG_OBJECT,      /* an existing process name, else thread name */
    ARG_DRIVER,      /* a built-in driver name, or one a driver file was loaded as */
    ARG_DRIVER_LOAD, /* a built-in driver name, or a driver file's path (sim_is_driver_file) */
    ARG_NEW_PROCESS, /* defines a process name (and NAME.main) */
    ARG_NEW_THREAD,  /* defines a thread name */
    ARG_NUMBER,
    ARG_DURATION,
    ARG_MEM_FLAGS,
    ARG_PAGE_FLAGS,
    ARG_ACCESS,
    ARG_STRING,
    ARG_SWITCH,      /* on / off */
    ARG_CHOICE,      /* one of the words in `choices` */
    ARG_ANY,         /* a word checked by the command itself */
} sim_arg_kind;

typedef struct sim_arg_spec {
    const char *name;    /* positional: for messages; option: the key */
    sim_arg_kind kind;
    const char *choices; /* ARG_CHOICE: "x64|x86" */
    bool required;       /* options only */
} sim_arg_spec;

#define SIM_MAX_ARGS 8
/* The longest device path `client open NAME device=PATH` takes, in bytes (the outside client's limit). */
#define SIM_DEVICE_PATH_MAX 255
#define SIM_MAX_OPTS 16

typedef struct sim_value {
    bool present;
    const sim_token *token;
    uint64_t number;    /* numbers, durations, flags, switches (0/1), choice index */
    const char *text;   /* strings and names */
    size_t len;
    /* A name's entry, found once per line (see sim_value_name). */
    sim_name *name;
    uint32_t name_generation;
} sim_value;

typedef struct sim_context sim_context;
typedef struct sim_command sim_command;

typedef struct sim_args {
    const sim_command *cmd;
    sim_value pos[SIM_MAX_ARGS];
    sim_value opt[SIM_MAX_OPTS];
    const sim_token *rest;  /* variadic commands: tokens after the positionals */
    int rest_count;
    int line;
} sim_args;

/* Runs a command: fills r after its status field, returns the status. */
typedef NTSTATUS (*sim_handler)(sim_context *ctx, const sim_args *a, sim_record *r);

/* What the engine does for a command beyond its table entry: told by the
   table, not by comparing names on every line. */
typedef enum sim_command_kind {
    SIM_CMD_PLAIN,
    SIM_CMD_SYSTEM,         /* the system line: configuration checks */
    SIM_CMD_EXPECT,         /* expect, expect status, expect event: run by the engine */
    SIM_CMD_SYSCALL,        /* a service and its arguments */
    SIM_CMD_DRIVER,         /* driver and client lines: checked against the driver */
    SIM_CMD_DRIVER_OPTIONS, /* ... whose NAME=VALUE tokens are the driver's own */
    SIM_CMD_VM_WRITE,       /* a value checked like a syscall argument */
    SIM_CMD_PROCESS_EXIT,   /* ends a process name (and NAME.main) */
    SIM_CMD_THREAD_EXIT,    /* ends a thread name */
} sim_command_kind;

struct sim_command {
    const char *name;       /* "vm alloc", "sleep" */
    sim_arg_spec pos[SIM_MAX_ARGS];
    sim_arg_spec opt[SIM_MAX_OPTS];
    bool variadic;          /* extra tokens are kept in rest */
    sim_handler run;        /* NULL for expect lines: the engine runs those */
    sim_command_kind kind;  /* SIM_CMD_PLAIN when left out */
    /* Every field its result may hold besides status (some only on success,
       or only for some objects), or NULL: what `expect FIELD=VALUE` may name.
       Client lines add their driver's fields (sim_driver_result_fields). */
    const sim_field_spec *fields;
    /* Variadic commands: what their extra tokens are, for the help ("ARG..."). */
    const char *rest;
};

/* Finds the command a line names; *words is how many tokens its name took. */
const sim_command *sim_find_command(const sim_line *line, int *words);
/* The i-th command of the table (0-based, in its order); NULL past the last. */
const sim_command *sim_command_at(size_t i);
/* Whether the first word names a command group ("vm", "process", ...). */
bool sim_is_command_group(const char *word);

/* Index of an option by key in a command's spec, or -1. */
int sim_option_index(const sim_command *cmd, const char *key);
/* The value of a's option `key`, which a's command must have: options read
   by name, not by their place in the table. O(options). */
const sim_value *sim_option(const sim_args *a, const char *key);
/* Whether a value is written as `word` (a choice, a switch, a name). */
bool sim_value_is(const sim_value *v, const char *word);

/* The state of one scenario run. */
struct sim_context {
    ntsim_config config;
    bool config_fixed;   /* a command other than system ran */
    uint64_t seed_override;
    bool has_seed_override;
    bool trace_sched;    /* --trace sched */
    bool trace_syscalls; /* --trace syscalls */
    struct sim_sysmon *sysmon;     /* --format sysmon: every event goes there too, or NULL */
    struct sim_timeline *timeline; /* --timeline: every event goes there too, or NULL */
    struct sim_audio *audio; /* --audio: where beep events' tones go, or NULL */
    ntsim_system *sys;
    sim_names names;
    sim_writer *writer;
    int line;            /* the line running */
    char folder[4096];   /* the scenario file's folder with a final '/', "" for stdin: driver files are relative to it */
    /* The last line that is not an expect, once validated: what expect lines check. */
    struct sim_previous {
        const sim_command *cmd;          /* NULL before the first */
        const struct sim_driver *driver; /* a driver or client line's driver, else NULL */
        int line;
    } previous;
    sim_record result;   /* its result, once run */
    bool keep_fields;    /* the handler keeps its fields even on failure (a client's verdict) */
    struct sim_client {  /* a driver's client that opened the device as a scenario thread */
        const char *driver;
        ULONG tid;       /* the thread that opened it (its process holds the handle) */
        HANDLE handle;
    } clients[8];
    struct sim_generic_client { /* `client open NAME device=PATH`: a driver's device with no built-in client */
        char *name;      /* NAME (the context's copy); NULL: a free slot */
        char device[SIM_DEVICE_PATH_MAX + 1]; /* the NT path opened ("\\??\\Echo") */
        ULONG tid;       /* by=: the thread whose process holds handle; 0: the outside client */
        HANDLE handle;
    } generic[8];
    struct sim_section {   /* `section create NAME PROC`: a section handle of PROC's (cmd_section.c) */
        char name[32];     /* "": a free slot */
        ULONG pid;         /* the process holding the handle */
        ULONG handle;
    } sections[16];
    struct sim_event_log { /* the last command's events, for expect event (recorder.c) */
        sim_record *records;
        ntsim_event_kind *kinds;
        uint32_t count, cap;
    } events;
    bool out_of_memory;  /* the engine could not keep or write something: the line ends in an error */
    bool check_invariants; /* the system checked after every command (sim_run_options) */
    struct sim_debugger *debugger; /* ntsim debug's session, or NULL */
};

/* The system line's options (validated) applied to a configuration. */
void sim_configure(ntsim_config *c, const sim_args *a);

/* The entry of the name v holds, of that kind (NULL if none): the one the
   line's parse or definition found, while the table has not moved, else
   looked up and kept. */
sim_name *sim_value_name(sim_context *ctx, sim_name_kind kind, const sim_value *v);
/* Resolves a bound name to its live object ID; STATUS_INVALID_CID when the object is gone. */
NTSTATUS sim_process_id(sim_context *ctx, const sim_value *v, ULONG *pid);
NTSTATUS sim_thread_id(sim_context *ctx, const sim_value *v, ULONG *tid);
/* Makes a thread of the named process (its first live one) the current thread. */
NTSTATUS sim_act_as_process(sim_context *ctx, ULONG pid);
/* Makes a named thread current; STATUS_THREAD_IS_TERMINATING if it ended. */
NTSTATUS sim_act_as_thread(sim_context *ctx, ULONG tid);
/* Acts as the thread that opened a client's handle; STATUS_INVALID_HANDLE if it is gone. */
NTSTATUS sim_act_as_client(sim_context *ctx, ULONG tid);
/* The scenario name of an object, or a made-up "pid:N" / "tid:N". */
const char *sim_object_name(sim_context *ctx, bool thread, ULONG id, uint64_t sequence, char *buf, size_t cap);

/* Whether `driver load`'s argument names a file (it has a '/' or ends in .so), not a built-in driver. */
bool sim_is_driver_file(const char *text);

/* Handlers, one file per area. */
NTSTATUS sim_cmd_system(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_sleep(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_process_create(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_process_exit(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_process_query(sim_context *, const sim_args *, sim_record *);
/* A comma-separated list of privilege names as bits by LUID (cmd_process.c). */
NTSTATUS sim_privilege_list(const char *text, size_t len, uint64_t *bits);
NTSTATUS sim_cmd_token_query(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_token_privilege(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_process_list(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_create(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_exit(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_query(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_stack_touch(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_system_query(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_priority(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_affinity(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_wait(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_wake(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_suspend(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_thread_resume(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_handle_open(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_handle_dup(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_handle_close(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_handle_list(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_alloc(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_free(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_allocex(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_watch(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_protect(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_query(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_touch(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_map(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_read(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_vm_write(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_image_load(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_create(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_map(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_mapex(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_unmap(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_close(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_query(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_section_extend(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_syscall(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_driver_load(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_driver_unload(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_client_read(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_client_write(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_client_open(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_client_close(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_cmd_client_ioctl(sim_context *, const sim_args *, sim_record *);
/* Checks a driver or client line against the built-in driver's options and fields. */
bool sim_validate_driver_line(sim_context *ctx, const sim_args *a, char *message, size_t cap, int *col);
/* The fields a driver's client adds to cmd's result (client read, write, ioctl), or NULL. */
const sim_field_spec *sim_driver_result_fields(const sim_command *cmd, const struct sim_driver *d);

/* The generic client (generic_client.c): `client` lines on a driver from a
   file, which has no built-in client, by its device's name and raw bytes. */
extern const struct sim_driver sim_generic_client; /* its result fields, for expect */
bool sim_validate_generic_line(sim_context *ctx, const sim_args *a, char *message, size_t cap, int *col);
NTSTATUS sim_generic_open(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_generic_close(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_generic_read(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_generic_write(sim_context *, const sim_args *, sim_record *);
NTSTATUS sim_generic_ioctl(sim_context *, const sim_args *, sim_record *);
/* Frees the context's copies of the generic clients' names (their handles go with the system). */
void sim_generic_free(sim_context *ctx);
NTSTATUS sim_cmd_syscall_table(sim_context *, const sim_args *, sim_record *);

#endif
