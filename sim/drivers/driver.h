/*
 * driver.h - how the simulator knows its built-in drivers (sim/drivers/):
 * each is a DriverEntry written against ntsim's public kernel API
 * (ntsim/wdk.h) plus the user-mode client the book pairs it with, which turns
 * what ReadFile returned into records and the lines the book's client prints,
 * and builds what WriteFile sends.
 */
#ifndef NTSIM_SIM_DRIVERS_DRIVER_H
#define NTSIM_SIM_DRIVERS_DRIVER_H

#include "ntsim/ntsim.h"
#include "ntsim/wdk.h"
#include "record.h"

/* A field of `client write NAME FIELD=VALUE...`, validated like an option. */
typedef enum sim_field_kind { FIELD_NUMBER, FIELD_THREAD, FIELD_PROCESS, FIELD_STRING } sim_field_kind;

typedef struct sim_write_field {
    const char *name;
    sim_field_kind kind;
    bool required;
} sim_write_field;

/* The values of a client write's fields, resolved (threads and processes to IDs). */
typedef struct sim_write_values {
    bool present[8];
    uint64_t number[8]; /* FIELD_NUMBER value, or the TID / PID */
    const char *text[8];
} sim_write_values;

typedef struct sim_driver {
    const char *name;                 /* `driver load NAME` */
    PDRIVER_INITIALIZE entry;         /* its DriverEntry */
    const char *const *options;       /* option names `driver load` accepts (NULL-terminated), or NULL */
    const char *device;               /* the symbolic link its client opens (u"\\??\\SysMon"), or NULL */
    ULONG default_read;               /* the client's ReadFile size in bytes */
    /* The client after a ReadFile that returned `bytes` bytes into buf:
       fills `items` (an array of records) and `lines` (what it prints). */
    void (*client_read)(const unsigned char *buf, ULONG bytes, sim_record *r);
    const sim_write_field *write_fields; /* NULL-name-terminated, or NULL: no client write */
    /* Builds the WriteFile buffer; returns its length. */
    ULONG (*client_write)(const sim_write_values *v, unsigned char *buf, ULONG cap);
    /* What the client prints after WriteFile returned status and bytes. */
    void (*client_write_result)(NTSTATUS status, ULONG bytes, sim_record *r);
    const sim_write_field *ioctl_fields; /* `client ioctl` fields, or NULL: no client ioctl */
    /* Builds the DeviceIoControl input; sets the control code and the output size wanted. */
    ULONG (*client_ioctl)(const sim_write_values *v, unsigned char *in, ULONG cap, ULONG *code, ULONG *out_len);
    /* What the client prints after DeviceIoControl returned status and `bytes` of output. */
    void (*client_ioctl_result)(NTSTATUS status, const unsigned char *out, ULONG bytes, sim_record *r);
    /* Checks a FIELD_STRING field's syntax when the scenario is parsed (NULL: any). */
    bool (*client_check)(const char *field, const char *value, char *message, size_t cap);
    /* What the client adds to the result of a `client read`, `client write`
       or `client ioctl` besides `bytes` (NULL-key-terminated, or NULL): the
       fields an `expect` after one may name. */
    const sim_field_spec *read_result_fields;
    const sim_field_spec *write_result_fields;
    const sim_field_spec *ioctl_result_fields;
} sim_driver;

/* The built-in drivers, by name; NULL if none. */
const sim_driver *sim_find_driver(const char *name);
/* The i-th built-in driver (0-based, in the table's order); NULL past the last. */
const sim_driver *sim_driver_at(size_t i);

/* The client's time prefix "HH:MM:SS.mmm: " for a system time (local = UTC). */
void sim_client_time(int64_t system_time, char *buf, size_t cap);

#endif
