/*
 * cmd_driver.c - `driver load|unload` and the built-in drivers' user-mode
 * clients: `client open|close`, `client read` (one ReadFile), `client write`
 * (one WriteFile), `client ioctl` (one DeviceIoControl). A driver from a
 * file has the generic client instead (generic_client.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "drivers/driver.h"
#include "rtl/alloc.h"
#include "values.h"

/* The built-in driver a line names; a driver of the contract not built yet is an error. */
static const sim_driver *driver_of(const sim_args *a)
{
    return sim_find_driver(a->pos[0].text);
}

bool sim_is_driver_file(const char *text)
{
    size_t n = strlen(text);
    return strchr(text, '/') || (n > 3 && strcmp(text + n - 3, ".so") == 0);
}

/* The name a driver file loads as: name=NAME, else the file's stem ("out/SysMon.so": SysMon). */
static void driver_file_name(const sim_args *a, char *name, size_t cap)
{
    for (int i = 0; i < a->rest_count; i++) {
        if (a->rest[i].key && strcmp(a->rest[i].key, "name") == 0) {
            snprintf(name, cap, "%s", a->rest[i].value);
            return;
        }
    }
    const char *path = a->pos[0].text;
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    const char *dot = strrchr(base, '.');
    int n = dot && dot != base ? (int)(dot - base) : (int)strlen(base);
    snprintf(name, cap, "%.*s", n, base);
}

/* `driver load PATH [name=NAME] [OPTION=VALUE...]`: the file relative to the scenario's folder. */
static NTSTATUS load_driver_file(sim_context *ctx, const sim_args *a, sim_record *r)
{
    char name[SIM_MAX_LINE + 1], path[8192];
    driver_file_name(a, name, sizeof name);
    const char *file = a->pos[0].text;
    snprintf(path, sizeof path, "%s%s", file[0] == '/' ? "" : ctx->folder, file);
    const char *options[16];
    int n = 0;
    for (int i = 0; i < a->rest_count && n < 16; i++)
        if (strcmp(a->rest[i].key, "name") != 0)
            options[n++] = a->rest[i].text; /* "name=value", as written */
    NTSTATUS s = ntsim_load_driver_file(ctx->sys, path, name, options, (ULONG)n);
    sim_put_str(r, "driver", name);
    sim_put_str(r, "file", file); /* as the scenario wrote it: no machine's path in the output */
    return s;
}

NTSTATUS sim_cmd_driver_load(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    if (!d)
        return load_driver_file(ctx, a, r);
    const char *options[16];
    int n = 0;
    for (int i = 0; i < a->rest_count && n < 16; i++)
        options[n++] = a->rest[i].text; /* "name=value", as written */
    NTSTATUS s = ntsim_load_driver(ctx->sys, d->name, d->entry, options, (ULONG)n);
    sim_put_str(r, "driver", d->name);
    return s;
}

NTSTATUS sim_cmd_driver_unload(sim_context *ctx, const sim_args *a, sim_record *r)
{
    NTSTATUS s = ntsim_unload_driver(ctx->sys, a->pos[0].text);
    sim_put_str(r, "driver", a->pos[0].text);
    return s;
}

/* The scenario thread that opened a driver's device, if one did. */
static struct sim_client *client_of(sim_context *ctx, const sim_driver *d)
{
    for (size_t i = 0; i < sizeof ctx->clients / sizeof ctx->clients[0]; i++)
        if (ctx->clients[i].driver == d->name)
            return &ctx->clients[i];
    return NULL;
}

static struct sim_client *free_client(sim_context *ctx)
{
    for (size_t i = 0; i < sizeof ctx->clients / sizeof ctx->clients[0]; i++)
        if (!ctx->clients[i].driver)
            return &ctx->clients[i];
    return NULL;
}

/* The device's name as the client opens it: "\\??\\SysMon" in UTF-16. */
static void device_name(const sim_driver *d, WCHAR *w, size_t cap, UNICODE_STRING *u)
{
    size_t n = strlen(d->device) < cap - 1 ? strlen(d->device) : cap - 1;
    for (size_t i = 0; i < n; i++)
        w[i] = (unsigned char)d->device[i];
    w[n] = 0;
    *u = (UNICODE_STRING){ (USHORT)(n * 2), (USHORT)(n * 2), w };
}

NTSTATUS sim_cmd_client_open(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    if (!d) /* a driver from a file */
        return sim_generic_open(ctx, a, r);
    if (client_of(ctx, d))
        return STATUS_SUCCESS; /* already open */
    if (!a->opt[0].present) {
        /* The outside client: opened now (reads and writes open it anyway). */
        unsigned char none;
        ULONG bytes;
        NTSTATUS s = ntsim_device_read(ctx->sys, d->device, &none, 0, &bytes);
        return s == STATUS_OBJECT_NAME_NOT_FOUND ? s : STATUS_SUCCESS;
    }
    ULONG tid;
    NTSTATUS s = sim_thread_id(ctx, &a->opt[0], &tid);
    if (!NT_SUCCESS(s) || !NT_SUCCESS(s = sim_act_as_thread(ctx, tid)))
        return s;
    struct sim_client *c = free_client(ctx);
    if (!c)
        return STATUS_INSUFFICIENT_RESOURCES; /* more drivers opened at once than ntsim tracks */
    WCHAR w[128];
    UNICODE_STRING name;
    device_name(d, w, 128, &name);
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    HANDLE h;
    s = NtCreateFile(ctx->sys, &h, GENERIC_READ | GENERIC_WRITE, &oa, &iosb, NULL, 0, 0, 1 /* FILE_OPEN */, 0, NULL, 0);
    if (!NT_SUCCESS(s))
        return s;
    *c = (struct sim_client){ d->name, tid, h };
    sim_put_int(r, "handle", (int64_t)(uintptr_t)h);
    return STATUS_SUCCESS;
}

NTSTATUS sim_cmd_client_close(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    if (!d) /* a driver from a file */
        return sim_generic_close(ctx, a, r);
    struct sim_client *c = client_of(ctx, d);
    if (!c)
        return ntsim_device_close(ctx->sys, d->device);
    NTSTATUS s = sim_act_as_client(ctx, c->tid);
    HANDLE h = c->handle;
    *c = (struct sim_client){ 0 };
    return NT_SUCCESS(s) ? NtClose(ctx->sys, h) : s;
}

/* The fields of a client write or ioctl, resolved to values. */
static void resolve_fields(sim_context *ctx, const sim_args *a, const sim_write_field *fields, sim_write_values *v)
{
    for (int i = 0; i < a->rest_count; i++) {
        const sim_token *t = &a->rest[i];
        for (int f = 0; f < 8 && fields[f].name; f++) {
            if (strcmp(fields[f].name, t->key) != 0)
                continue;
            sim_value val = { .present = true, .text = t->value, .len = t->value_len };
            ULONG id = 0;
            v->present[f] = true;
            v->text[f] = t->value;
            switch (fields[f].kind) {
            case FIELD_NUMBER:
                sim_parse_syscall_arg(t->value, t->value_len, &v->number[f]);
                break;
            case FIELD_THREAD:
                /* A thread that is gone has no ID: the client sends 0, as for a bad TID. */
                sim_thread_id(ctx, &val, &id);
                v->number[f] = id;
                break;
            case FIELD_PROCESS:
                sim_process_id(ctx, &val, &id);
                v->number[f] = id;
                break;
            case FIELD_STRING:
                break;
            }
        }
    }
}

NTSTATUS sim_cmd_client_ioctl(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    if (!d) /* a driver from a file */
        return sim_generic_ioctl(ctx, a, r);
    sim_write_values v = { 0 };
    resolve_fields(ctx, a, d->ioctl_fields, &v);
    static unsigned char in[65536], out[65536];
    ULONG code = 0, out_len = 0, bytes = 0;
    ULONG len = d->client_ioctl(&v, in, sizeof in, &code, &out_len);
    if (out_len > sizeof out)
        out_len = sizeof out;
    struct sim_client *c = client_of(ctx, d);
    NTSTATUS s;
    if (c) {
        IO_STATUS_BLOCK iosb = { 0 };
        s = sim_act_as_client(ctx, c->tid);
        if (NT_SUCCESS(s))
            s = NtDeviceIoControlFile(ctx->sys, c->handle, NULL, NULL, NULL, &iosb, code, in, len, out, out_len);
        bytes = (ULONG)iosb.Information;
    } else {
        s = ntsim_device_control(ctx->sys, d->device, code, in, len, out, out_len, &bytes);
    }
    if (s != STATUS_OBJECT_NAME_NOT_FOUND) {
        ctx->keep_fields = true;
        sim_put_int(r, "bytes", bytes);
        if (d->client_ioctl_result)
            d->client_ioctl_result(s, out, bytes, r);
    }
    return s;
}

NTSTATUS sim_cmd_client_read(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    if (!d) /* a driver from a file */
        return sim_generic_read(ctx, a, r);
    uint64_t size = a->opt[0].present ? a->opt[0].number : d->default_read;
    if (size > 16u << 20)
        return STATUS_INVALID_PARAMETER; /* the client's buffer: at most 16 MB */
    unsigned char *buf = rtl_calloc(1, size ? size : 1);
    if (!buf)
        return STATUS_NO_MEMORY;
    ULONG bytes = 0;
    NTSTATUS s;
    struct sim_client *c = client_of(ctx, d);
    if (c) {
        IO_STATUS_BLOCK iosb = { 0 };
        s = sim_act_as_client(ctx, c->tid);
        if (NT_SUCCESS(s))
            s = NtReadFile(ctx->sys, c->handle, NULL, NULL, NULL, &iosb, buf, (ULONG)size, NULL, NULL);
        bytes = (ULONG)iosb.Information;
    } else {
        s = ntsim_device_read(ctx->sys, d->device, buf, (ULONG)size, &bytes);
    }
    if (NT_SUCCESS(s)) {
        sim_put_int(r, "bytes", bytes);
        if (d->client_read)
            d->client_read(buf, bytes, r);
    }
    rtl_free(buf);
    return s;
}

NTSTATUS sim_cmd_client_write(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    if (!d) /* a driver from a file */
        return sim_generic_write(ctx, a, r);
    sim_write_values v = { 0 };
    resolve_fields(ctx, a, d->write_fields, &v);
    unsigned char buf[4096];
    ULONG len = d->client_write(&v, buf, sizeof buf);
    ULONG bytes = 0;
    NTSTATUS s;
    struct sim_client *c = client_of(ctx, d);
    if (c) {
        IO_STATUS_BLOCK iosb = { 0 };
        s = sim_act_as_client(ctx, c->tid);
        if (NT_SUCCESS(s))
            s = NtWriteFile(ctx->sys, c->handle, NULL, NULL, NULL, &iosb, buf, len, NULL, NULL);
        bytes = (ULONG)iosb.Information;
    } else {
        s = ntsim_device_write(ctx->sys, d->device, buf, len, &bytes);
    }
    /* The client prints its verdict whatever WriteFile returned. */
    if (s != STATUS_OBJECT_NAME_NOT_FOUND) {
        ctx->keep_fields = true;
        sim_put_int(r, "bytes", bytes);
        if (d->client_write_result)
            d->client_write_result(s, bytes, r);
    }
    return s;
}

const sim_field_spec *sim_driver_result_fields(const sim_command *cmd, const sim_driver *d)
{
    if (cmd->run == sim_cmd_client_read)
        return d->read_result_fields;
    if (cmd->run == sim_cmd_client_write)
        return d->write_result_fields;
    if (cmd->run == sim_cmd_client_ioctl)
        return d->ioctl_result_fields;
    return NULL;
}

/* A client field that names a thread or a process: a name the file has defined. */
static bool known_object(sim_context *ctx, sim_field_kind kind, const sim_token *t)
{
    sim_value v = { .present = true, .text = t->value, .len = t->value_len };
    return kind == FIELD_THREAD ? sim_value_name(ctx, SIM_NAME_THREAD, &v) != NULL
                                : sim_value_name(ctx, SIM_NAME_PROCESS, &v) != NULL;
}

/* `driver load PATH`: NAME=VALUE tokens, name= a valid name (the stem when absent); the name is the file's driver from here on. */
static bool validate_driver_file(sim_context *ctx, const sim_args *a, char *message, size_t cap, int *col)
{
    for (int i = 0; i < a->rest_count; i++) {
        const sim_token *t = &a->rest[i];
        *col = t->col;
        if (!t->key) {
            snprintf(message, cap, "driver load: expected NAME=VALUE, got '%s'", t->text);
            return false;
        }
    }
    char name[SIM_MAX_LINE + 1];
    driver_file_name(a, name, sizeof name);
    if (!sim_valid_name(name, strlen(name))) {
        *col = a->pos[0].token->col;
        snprintf(message, cap, "driver load: bad driver name '%s': names are [A-Za-z_][A-Za-z0-9_.-]* (give name=NAME)",
                 name);
        return false;
    }
    if (sim_find_driver(name)) {
        *col = a->pos[0].token->col;
        snprintf(message, cap, "driver load: '%s' is a built-in driver's name (give name=NAME)", name);
        return false;
    }
    /* Without room for the name the line ends in an error (after validation). */
    if (!sim_names_find(&ctx->names, SIM_NAME_DRIVER, name, strlen(name)) &&
        !sim_names_add(&ctx->names, SIM_NAME_DRIVER, name, strlen(name), ctx->line))
        ctx->out_of_memory = true;
    return true;
}

/* Validation of the driver lines (called by the parser). */
bool sim_validate_driver_line(sim_context *ctx, const sim_args *a, char *message, size_t cap, int *col)
{
    const sim_driver *d = driver_of(a);
    const char *cmd = a->cmd->name;
    if (!d && strcmp(cmd, "driver load") == 0)
        return validate_driver_file(ctx, a, message, cap, col);
    if (!d && strcmp(cmd, "driver unload") == 0)
        return true; /* a driver file's name, as the parser found */
    if (!d && sim_names_find(&ctx->names, SIM_NAME_DRIVER, a->pos[0].text, a->pos[0].len))
        return sim_validate_generic_line(ctx, a, message, cap, col);
    if (!d) {
        *col = a->pos[0].token->col;
        snprintf(message, cap, "%s: no built-in driver '%s'", cmd, a->pos[0].text);
        return false;
    }
    if (a->cmd->run == sim_cmd_client_open && sim_option(a, "device")->present) {
        *col = sim_option(a, "device")->token->col;
        snprintf(message, cap, "%s: %s has a built-in client (it opens %s): device= is for drivers from files", cmd,
                 d->name, d->device ? d->device : "no device");
        return false;
    }
    for (int i = 0; i < a->rest_count; i++) {
        const sim_token *t = &a->rest[i];
        *col = t->col;
        if (!t->key) {
            snprintf(message, cap, "%s: expected NAME=VALUE, got '%s'", cmd, t->text);
            return false;
        }
        bool known = false;
        if (strcmp(cmd, "driver load") == 0) {
            for (int k = 0; d->options && d->options[k]; k++)
                known |= strcmp(d->options[k], t->key) == 0;
        } else {
            const sim_write_field *fields = strcmp(cmd, "client ioctl") == 0 ? d->ioctl_fields : d->write_fields;
            for (int f = 0; fields && f < 8 && fields[f].name; f++) {
                if (strcmp(fields[f].name, t->key) != 0)
                    continue;
                known = true;
                uint64_t v;
                if (fields[f].kind == FIELD_NUMBER && !sim_parse_syscall_arg(t->value, t->value_len, &v)) {
                    *col = t->value_col;
                    snprintf(message, cap, "%s: bad number '%s' for %s", cmd, t->value, t->key);
                    return false;
                }
                if ((fields[f].kind == FIELD_THREAD || fields[f].kind == FIELD_PROCESS) &&
                    !known_object(ctx, fields[f].kind, t)) {
                    *col = t->value_col;
                    snprintf(message, cap, "%s: unknown %s '%s' for %s", cmd,
                             fields[f].kind == FIELD_THREAD ? "thread" : "process", t->value, t->key);
                    return false;
                }
                if (fields[f].kind == FIELD_STRING && d->client_check &&
                    !d->client_check(t->key, t->value, message, cap)) {
                    *col = t->value_col;
                    return false;
                }
            }
        }
        if (!known) {
            snprintf(message, cap, "%s: %s has no %s '%s'", cmd, d->name,
                     strcmp(cmd, "driver load") == 0 ? "option" : "field", t->key);
            return false;
        }
    }
    if (strcmp(cmd, "client write") == 0 || strcmp(cmd, "client ioctl") == 0) {
        const sim_write_field *fields = strcmp(cmd, "client ioctl") == 0 ? d->ioctl_fields : d->write_fields;
        if (!fields) {
            *col = a->pos[0].token->col;
            snprintf(message, cap, "%s: %s's client does not %s", cmd, d->name, cmd + 7);
            return false;
        }
        for (int f = 0; f < 8 && fields[f].name; f++) {
            bool given = false;
            for (int i = 0; i < a->rest_count; i++)
                given |= strcmp(a->rest[i].key, fields[f].name) == 0;
            if (fields[f].required && !given) {
                *col = a->pos[0].token->col;
                snprintf(message, cap, "%s: missing field %s=", cmd, fields[f].name);
                return false;
            }
        }
    }
    if (strncmp(cmd, "client", 6) == 0 && !d->device) {
        *col = a->pos[0].token->col;
        snprintf(message, cap, "%s: %s has no client", cmd, d->name);
        return false;
    }
    return true;
}
