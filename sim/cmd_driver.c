/*
 * cmd_driver.c - `driver load|unload` and the drivers' user-mode clients:
 * `client read` (one ReadFile) and `client write` (one WriteFile).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "drivers/driver.h"
#include "values.h"

/* The built-in driver a line names; a driver of the contract not built yet is an error. */
static const sim_driver *driver_of(const sim_args *a)
{
    return sim_find_driver(a->pos[0].text);
}

NTSTATUS sim_cmd_driver_load(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
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
    NTSTATUS s = ntsim_unload_driver(ctx->sys, driver_of(a)->name);
    sim_put_str(r, "driver", driver_of(a)->name);
    return s;
}

NTSTATUS sim_cmd_client_read(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    uint64_t size = a->opt[0].present ? a->opt[0].number : d->default_read;
    if (size > 16u << 20)
        return STATUS_INVALID_PARAMETER; /* the client's buffer: at most 16 MB */
    unsigned char *buf = calloc(1, size ? size : 1);
    if (!buf)
        return STATUS_NO_MEMORY;
    ULONG bytes = 0;
    NTSTATUS s = ntsim_device_read(ctx->sys, d->device, buf, (ULONG)size, &bytes);
    if (NT_SUCCESS(s)) {
        sim_put_int(r, "bytes", bytes);
        if (d->client_read)
            d->client_read(buf, bytes, r);
    }
    free(buf);
    return s;
}

NTSTATUS sim_cmd_client_write(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_driver *d = driver_of(a);
    sim_write_values v = { 0 };
    for (int i = 0; i < a->rest_count; i++) {
        const sim_token *t = &a->rest[i];
        for (int f = 0; f < 8 && d->write_fields[f].name; f++) {
            if (strcmp(d->write_fields[f].name, t->key) != 0)
                continue;
            sim_value val = { .present = true, .text = t->value, .len = t->value_len };
            ULONG id = 0;
            v.present[f] = true;
            v.text[f] = t->value;
            switch (d->write_fields[f].kind) {
            case FIELD_NUMBER:
                sim_parse_syscall_arg(t->value, t->value_len, &v.number[f]);
                break;
            case FIELD_THREAD:
                /* A thread that is gone has no ID: the client sends 0, as for a bad TID. */
                sim_thread_id(ctx, &val, &id);
                v.number[f] = id;
                break;
            case FIELD_PROCESS:
                sim_process_id(ctx, &val, &id);
                v.number[f] = id;
                break;
            case FIELD_STRING:
                break;
            }
        }
    }
    unsigned char buf[4096];
    ULONG len = d->client_write(&v, buf, sizeof buf);
    ULONG bytes = 0;
    NTSTATUS s = ntsim_device_write(ctx->sys, d->device, buf, len, &bytes);
    /* The client prints its verdict whatever WriteFile returned. */
    if (s != STATUS_OBJECT_NAME_NOT_FOUND) {
        ctx->keep_fields = true;
        sim_put_int(r, "bytes", bytes);
        if (d->client_write_result)
            d->client_write_result(s, bytes, r);
    }
    return s;
}

/* Validation of the driver lines (called by the parser). */
bool sim_validate_driver_line(const sim_args *a, char *message, size_t cap, int *col)
{
    const sim_driver *d = driver_of(a);
    const char *cmd = a->cmd->name;
    if (!d)
        return true; /* a driver of the contract not built yet: an error when run */
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
            for (int f = 0; d->write_fields && f < 8 && d->write_fields[f].name; f++) {
                if (strcmp(d->write_fields[f].name, t->key) != 0)
                    continue;
                known = true;
                uint64_t v;
                if (d->write_fields[f].kind == FIELD_NUMBER && !sim_parse_syscall_arg(t->value, t->value_len, &v)) {
                    *col = t->value_col;
                    snprintf(message, cap, "%s: bad number '%s' for %s", cmd, t->value, t->key);
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
    if (strcmp(cmd, "client write") == 0) {
        if (!d->write_fields) {
            *col = a->pos[0].token->col;
            snprintf(message, cap, "client write: %s's client does not write", d->name);
            return false;
        }
        for (int f = 0; f < 8 && d->write_fields[f].name; f++) {
            bool given = false;
            for (int i = 0; i < a->rest_count; i++)
                given |= strcmp(a->rest[i].key, d->write_fields[f].name) == 0;
            if (d->write_fields[f].required && !given) {
                *col = a->pos[0].token->col;
                snprintf(message, cap, "client write: missing field %s=", d->write_fields[f].name);
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
