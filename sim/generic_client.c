/*
 * generic_client.c - the client of a driver ntsim has no built-in client
 * for (a driver from a file): it opens a device by name as CreateFile does
 * and sends raw bytes, one request a line, reporting the bytes that came
 * back in hex.
 *
 *   client open  NAME device=PATH [by=THREAD]    CreateFile(PATH)
 *   client read  NAME buffer=SIZE                ReadFile: bytes, data
 *   client write NAME data=HEX                   WriteFile: bytes
 *   client ioctl NAME code=CODE [input=HEX] [output=SIZE]   DeviceIoControl: bytes, data
 *   client close NAME                            CloseHandle
 *
 * PATH is a Win32 device path (\\.\Echo, which CreateFile turns into
 * \??\Echo) or an NT one (\??\Echo, \Device\Echo), as NtCreateFile takes it.
 * The I/O manager passes the buffers by the device's flags (reads, writes)
 * or the control code's method (src/io/request.c), as on Windows.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "command.h"
#include "drivers/driver.h"
#include "rtl/alloc.h"
#include "rtl/utf8.h"
#include "values.h"

/* The client's buffers: at most 16 MB, as the built-in clients' reads. */
#define GENERIC_MAX_BUFFER (16u << 20)

/* What expect may name after a generic client's line, besides bytes (a field of the commands themselves). */
const sim_driver sim_generic_client = {
    .name = "generic client",
    .read_result_fields = (const sim_field_spec[]){ { "data", SIM_BYTES, 0 }, { NULL, SIM_INT, 0 } },
    .ioctl_result_fields = (const sim_field_spec[]){ { "data", SIM_BYTES, 0 }, { NULL, SIM_INT, 0 } },
};

/* ---- values ------------------------------------------------------------------ */

static int hex_digit(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

/* HEX (two digits a byte, either case) into out (room for n / 2 bytes); false at the first bad digit (*bad: its offset). */
static bool decode_hex(const char *s, size_t n, unsigned char *out, size_t *bad)
{
    for (size_t i = 0; i < n; i++) {
        if (hex_digit(s[i]) < 0) {
            *bad = i;
            return false;
        }
    }
    if (n % 2) {
        *bad = n;
        return false;
    }
    for (size_t i = 0; i < n / 2; i++)
        out[i] = (unsigned char)(hex_digit(s[2 * i]) << 4 | hex_digit(s[2 * i + 1]));
    return true;
}

/* The three device path forms; the length of the prefix PATH starts with, or 0. */
static size_t device_prefix(const char *path)
{
    static const char *const prefixes[] = { "\\\\.\\", "\\??\\", "\\Device\\" };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        /* Object names are compared without case (\device\echo opens \Device\Echo); \\.\ and \??\ have none. */
        if (strncasecmp(path, prefixes[i], strlen(prefixes[i])) == 0)
            return strlen(prefixes[i]);
    return 0;
}

/* The NT path CreateFile opens for PATH: \\.\X is \??\X (RtlDosPathNameToNtPathName); NT paths stay. */
static void nt_path(const char *path, char *out, size_t cap)
{
    if (strncmp(path, "\\\\.\\", 4) == 0)
        snprintf(out, cap, "\\??\\%s", path + 4);
    else
        snprintf(out, cap, "%s", path);
}

/* ---- validation --------------------------------------------------------------- */

typedef struct check {
    const sim_args *a;
    const char *cmd;
    char *message;
    size_t cap;
    int *col;
} check;

static bool fail(check *c, int col, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static bool fail(check *c, int col, const char *fmt, ...)
{
    va_list ap;
    int n = snprintf(c->message, c->cap, "%s: ", c->cmd);
    if (n < 0 || (size_t)n >= c->cap)
        n = 0; /* no room for the prefix: the message alone */
    va_start(ap, fmt);
    vsnprintf(c->message + n, c->cap - (size_t)n, fmt, ap);
    va_end(ap);
    *c->col = col;
    return false;
}

static bool check_device(check *c, const sim_value *device)
{
    const char *path = device->text;
    int col = device->token->value_col;
    size_t prefix = device_prefix(path);
    if (!prefix || !path[prefix])
        return fail(c, col, "bad device '%s': a device path is \\\\.\\NAME, \\??\\NAME or \\Device\\NAME", path);
    if (device->len > SIM_DEVICE_PATH_MAX)
        return fail(c, col, "device path longer than %d bytes", SIM_DEVICE_PATH_MAX);
    return true;
}

/* A size option: at most the client's 16 MB. */
static bool check_size(check *c, const char *key, uint64_t size, int col)
{
    if (size > GENERIC_MAX_BUFFER)
        return fail(c, col, "%s= is at most 16M (the client's buffer)", key);
    return true;
}

static bool check_hex(check *c, const sim_token *t)
{
    size_t bad;
    unsigned char scratch[SIM_MAX_LINE / 2];
    if (decode_hex(t->value, t->value_len, scratch, &bad))
        return true;
    if (bad == t->value_len)
        return fail(c, t->value_col, "%s= has an odd number of hex digits (two a byte)", t->key);
    unsigned char b = (unsigned char)t->value[bad];
    if (b < 0x80) /* a byte of a longer UTF-8 character is not quoted: the message stays valid UTF-8 */
        return fail(c, t->value_col + (int)bad, "bad hex digit '%c' in %s=", b, t->key);
    return fail(c, t->value_col + (int)bad, "bad hex digit in %s=", t->key);
}

/* write and ioctl: their NAME=VALUE tokens, each known, once, with a value of its kind; the required ones given. */
static bool check_fields(check *c, const char *const *keys, const char *const *required)
{
    const sim_args *a = c->a;
    for (int i = 0; i < a->rest_count; i++) {
        const sim_token *t = &a->rest[i];
        if (!t->key)
            return fail(c, t->col, "expected NAME=VALUE, got '%s'", t->text);
        bool known = false;
        for (int k = 0; keys[k]; k++)
            known |= strcmp(keys[k], t->key) == 0;
        if (!known)
            return fail(c, t->col, "the generic client has no field '%s' (%s: %s)", t->key, c->cmd,
                        strcmp(c->cmd, "client write") == 0 ? "data=HEX" : "code=CODE [input=HEX] [output=SIZE]");
        for (int j = 0; j < i; j++)
            if (strcmp(a->rest[j].key, t->key) == 0)
                return fail(c, t->col, "field '%s' given twice", t->key);
        uint64_t v;
        if (strcmp(t->key, "data") == 0 || strcmp(t->key, "input") == 0) {
            if (!check_hex(c, t))
                return false;
        } else if (!sim_parse_number(t->value, t->value_len, &v)) {
            return fail(c, t->value_col, "bad number '%s' for %s", t->value, t->key);
        } else if (strcmp(t->key, "code") == 0 && v > UINT32_MAX) {
            return fail(c, t->value_col, "code= is a 32-bit control code");
        } else if (strcmp(t->key, "output") == 0 && !check_size(c, "output", v, t->value_col)) {
            return false;
        }
    }
    for (int k = 0; required[k]; k++) {
        bool given = false;
        for (int i = 0; i < a->rest_count; i++)
            given |= strcmp(a->rest[i].key, required[k]) == 0;
        if (!given)
            return fail(c, a->pos[0].token->col, "missing field %s=", required[k]);
    }
    return true;
}

bool sim_validate_generic_line(sim_context *ctx, const sim_args *a, char *message, size_t cap, int *col)
{
    check c = { a, a->cmd->name, message, cap, col };
    sim_name *e = sim_names_find(&ctx->names, SIM_NAME_DRIVER, a->pos[0].text, a->pos[0].len);
    int name_col = a->pos[0].token->col;
    if (a->cmd->run == sim_cmd_client_open) {
        const sim_value *device = sim_option(a, "device");
        if (!device->present)
            return fail(&c, name_col, "%s is a driver from a file: give device=PATH (\\\\.\\NAME, \\??\\NAME or "
                        "\\Device\\NAME)", a->pos[0].text);
        if (e->client_line)
            return fail(&c, name_col, "%s's client is open (line %d): client close %s first", a->pos[0].text,
                        e->client_line, a->pos[0].text);
        if (!check_device(&c, device))
            return false;
        e->client_line = ctx->line; /* the lines after this one may use it */
        return true;
    }
    if (!e->client_line)
        return fail(&c, name_col, "%s has no device open: client open %s device=PATH first", a->pos[0].text,
                    a->pos[0].text);
    if (a->cmd->run == sim_cmd_client_read) {
        const sim_value *buffer = sim_option(a, "buffer");
        if (!buffer->present)
            return fail(&c, name_col + (int)a->pos[0].len, "the generic client needs buffer=SIZE");
        return check_size(&c, "buffer", buffer->number, buffer->token->value_col);
    }
    if (a->cmd->run == sim_cmd_client_write)
        return check_fields(&c, (const char *const[]){ "data", NULL }, (const char *const[]){ "data", NULL });
    if (a->cmd->run == sim_cmd_client_ioctl)
        return check_fields(&c, (const char *const[]){ "code", "input", "output", NULL },
                            (const char *const[]){ "code", NULL });
    e->client_line = 0; /* client close: a later line must open it again */
    return true;
}

/* ---- running ----------------------------------------------------------------- */

static struct sim_generic_client *client_named(sim_context *ctx, const char *name)
{
    for (size_t i = 0; i < sizeof ctx->generic / sizeof ctx->generic[0]; i++)
        if (ctx->generic[i].name && strcmp(ctx->generic[i].name, name) == 0)
            return &ctx->generic[i];
    return NULL;
}

/* The value of a write or ioctl field (validated), or NULL. */
static const sim_token *field(const sim_args *a, const char *key)
{
    for (int i = 0; i < a->rest_count; i++)
        if (strcmp(a->rest[i].key, key) == 0)
            return &a->rest[i];
    return NULL;
}

/* NtCreateFile on the NT path as the thread; the handle is in its process's table. */
static NTSTATUS open_as_thread(sim_context *ctx, const char *path, HANDLE *h)
{
    WCHAR w[SIM_DEVICE_PATH_MAX + 1]; /* UTF-8 never takes fewer bytes than UTF-16 units */
    size_t n = rtl_utf8_to_utf16(path, strlen(path), w);
    UNICODE_STRING name = { (USHORT)(n * sizeof(WCHAR)), (USHORT)(n * sizeof(WCHAR)), w };
    OBJECT_ATTRIBUTES oa;
    InitializeObjectAttributes(&oa, &name, 0, NULL, NULL);
    IO_STATUS_BLOCK iosb;
    return NtCreateFile(ctx->sys, h, GENERIC_READ | GENERIC_WRITE, &oa, &iosb, NULL, 0, 0, 1 /* FILE_OPEN */, 0, NULL,
                        0);
}

NTSTATUS sim_generic_open(sim_context *ctx, const sim_args *a, sim_record *r)
{
    if (client_named(ctx, a->pos[0].text))
        return STATUS_SUCCESS; /* validation lets no second open through; kept harmless anyway */
    struct sim_generic_client *c = NULL;
    for (size_t i = 0; !c && i < sizeof ctx->generic / sizeof ctx->generic[0]; i++)
        if (!ctx->generic[i].name)
            c = &ctx->generic[i];
    if (!c)
        return STATUS_INSUFFICIENT_RESOURCES; /* more generic clients open at once than ntsim tracks */
    char device[SIM_DEVICE_PATH_MAX + 1];
    nt_path(sim_option(a, "device")->text, device, sizeof device);
    const sim_value *by = sim_option(a, "by");
    ULONG tid = 0;
    HANDLE h = NULL;
    NTSTATUS s;
    if (by->present) {
        s = sim_thread_id(ctx, by, &tid);
        if (NT_SUCCESS(s))
            s = sim_act_as_thread(ctx, tid);
        if (NT_SUCCESS(s))
            s = open_as_thread(ctx, device, &h);
    } else {
        s = ntsim_device_open(ctx->sys, device); /* the outside client, as a built-in client without by= */
    }
    if (!NT_SUCCESS(s))
        return s;
    size_t n = strlen(a->pos[0].text) + 1;
    char *name = rtl_malloc(n);
    if (!name) {
        ctx->out_of_memory = true; /* the line ends in an error; the system closes what was opened */
        return STATUS_NO_MEMORY;
    }
    memcpy(name, a->pos[0].text, n);
    c->name = name;
    memcpy(c->device, device, sizeof device);
    c->tid = tid;
    c->handle = h;
    if (by->present)
        sim_put_int(r, "handle", (int64_t)(uintptr_t)h);
    return STATUS_SUCCESS;
}

NTSTATUS sim_generic_close(sim_context *ctx, const sim_args *a, sim_record *r)
{
    (void)r;
    struct sim_generic_client *c = client_named(ctx, a->pos[0].text);
    if (!c)
        return STATUS_INVALID_HANDLE; /* its open failed: CloseHandle on no handle */
    NTSTATUS s = c->tid ? sim_act_as_client(ctx, c->tid) : STATUS_SUCCESS;
    if (NT_SUCCESS(s))
        s = c->tid ? NtClose(ctx->sys, c->handle) : ntsim_device_close(ctx->sys, c->device);
    rtl_free(c->name);
    *c = (struct sim_generic_client){ 0 };
    return s;
}

/* One request through the client's handle (by=) or the outside client; *bytes: IoStatus.Information. */
static NTSTATUS request(sim_context *ctx, const struct sim_generic_client *c, UCHAR major, ULONG code,
                        const void *in, ULONG in_len, void *out, ULONG out_len, ULONG *bytes)
{
    *bytes = 0;
    if (!c->tid) {
        if (major == IRP_MJ_READ)
            return ntsim_device_read(ctx->sys, c->device, out, out_len, bytes);
        if (major == IRP_MJ_WRITE)
            return ntsim_device_write(ctx->sys, c->device, in, in_len, bytes);
        return ntsim_device_control(ctx->sys, c->device, code, in, in_len, out, out_len, bytes);
    }
    IO_STATUS_BLOCK iosb = { 0 };
    NTSTATUS s = sim_act_as_client(ctx, c->tid);
    if (!NT_SUCCESS(s))
        return s;
    if (major == IRP_MJ_READ)
        s = NtReadFile(ctx->sys, c->handle, NULL, NULL, NULL, &iosb, out, out_len, NULL, NULL);
    else if (major == IRP_MJ_WRITE)
        s = NtWriteFile(ctx->sys, c->handle, NULL, NULL, NULL, &iosb, in, in_len, NULL, NULL);
    else
        s = NtDeviceIoControlFile(ctx->sys, c->handle, NULL, NULL, NULL, &iosb, code, in, in_len, out, out_len);
    *bytes = (ULONG)iosb.Information;
    return s;
}

/* A read or an ioctl: a zeroed output buffer of out_len bytes; on success, bytes and what came back in it. */
static NTSTATUS request_with_output(sim_context *ctx, const sim_args *a, UCHAR major, ULONG code, const void *in,
                                    ULONG in_len, ULONG out_len, sim_record *r)
{
    const struct sim_generic_client *c = client_named(ctx, a->pos[0].text);
    if (!c)
        return STATUS_INVALID_HANDLE;
    unsigned char *out = rtl_calloc(1, out_len ? out_len : 1);
    if (!out)
        return STATUS_NO_MEMORY;
    ULONG bytes;
    /* DeviceIoControl passes no output buffer when it wants no output; ReadFile always has one. */
    void *buffer = out_len || major == IRP_MJ_READ ? out : NULL;
    NTSTATUS s = request(ctx, c, major, code, in, in_len, buffer, out_len, &bytes);
    if (NT_SUCCESS(s)) {
        sim_put_int(r, "bytes", bytes);
        sim_put_bytes(r, "data", out, bytes);
    }
    rtl_free(out);
    return s;
}

NTSTATUS sim_generic_read(sim_context *ctx, const sim_args *a, sim_record *r)
{
    return request_with_output(ctx, a, IRP_MJ_READ, 0, NULL, 0, (ULONG)sim_option(a, "buffer")->number, r);
}

NTSTATUS sim_generic_write(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const struct sim_generic_client *c = client_named(ctx, a->pos[0].text);
    if (!c)
        return STATUS_INVALID_HANDLE;
    const sim_token *data = field(a, "data");
    unsigned char in[SIM_MAX_LINE / 2];
    size_t bad;
    decode_hex(data->value, data->value_len, in, &bad); /* validated */
    ULONG bytes;
    NTSTATUS s = request(ctx, c, IRP_MJ_WRITE, 0, in, (ULONG)(data->value_len / 2), NULL, 0, &bytes);
    if (NT_SUCCESS(s))
        sim_put_int(r, "bytes", bytes);
    return s;
}

NTSTATUS sim_generic_ioctl(sim_context *ctx, const sim_args *a, sim_record *r)
{
    const sim_token *code = field(a, "code"), *input = field(a, "input"), *output = field(a, "output");
    uint64_t code_value = 0, out_len = 0;
    sim_parse_number(code->value, code->value_len, &code_value); /* validated, as output= */
    if (output)
        sim_parse_number(output->value, output->value_len, &out_len);
    unsigned char in[SIM_MAX_LINE / 2];
    size_t in_len = 0, bad;
    if (input) {
        decode_hex(input->value, input->value_len, in, &bad);
        in_len = input->value_len / 2;
    }
    return request_with_output(ctx, a, IRP_MJ_DEVICE_CONTROL, (ULONG)code_value, in_len ? in : NULL, (ULONG)in_len,
                               (ULONG)out_len, r);
}

void sim_generic_free(sim_context *ctx)
{
    for (size_t i = 0; i < sizeof ctx->generic / sizeof ctx->generic[0]; i++)
        rtl_free(ctx->generic[i].name);
}
