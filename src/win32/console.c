/*
 * console.c - what a program prints: the C runtime's printf family, with
 * the Microsoft C runtime's conversions (rtl_vformat: %ws, %S, %I64d, a
 * 32-bit %ld), into its process's console. Each complete line is a console
 * event (pid, tid, stream, text), in order with every other record; a line
 * not ended yet waits for its newline, fflush, or the program's end.
 */
#define _POSIX_C_SOURCE 200809L /* sigjmp_buf in program.h */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "ke/ke.h"
#include "rtl/alloc.h"
#include "rtl/format.h"
#include "rtl/utf8.h"
#include "win32/program.h"
#include "win32/win32.h"
#include "win32/wide_format.h"

static const char *const stream_names[] = { "stdout", "stderr" };

static void emit_as(ntsim_system *sys, ULONG pid, ULONG tid, int stream, const char *text)
{
    ntsim_event e = { .kind = NTSIM_EVENT_CONSOLE, .pid = pid, .tid = tid, .stream = stream_names[stream],
                      .text = text };
    ke_deliver_event(sys, &e);
}

static void emit(ntsim_system *sys, int stream, const char *text)
{
    ps_thread *t = ps_current_thread(sys);
    emit_as(sys, t->process->pid, t->tid, stream, text);
}

/* The partial line of a stream out as an event (fflush, the program's end). */
void w32_console_flush(ntsim_system *sys, w32_program *p, int stream)
{
    w32_line *l = &p->pending[stream];
    if (!l->length)
        return;
    l->text[l->length] = '\0';
    emit_as(sys, l->pid, l->tid, stream, l->text);
    l->length = 0;
}

static void append(w32_line *l, const char *s, size_t n)
{
    if (l->length + n + 1 > l->cap) {
        size_t cap = l->cap ? l->cap : 128;
        while (cap < l->length + n + 1)
            cap *= 2;
        char *text = rtl_realloc(l->text, cap);
        if (!text) {
            n = l->cap > l->length + 1 ? l->cap - l->length - 1 : 0; /* what fits is kept */
        } else {
            l->text = text;
            l->cap = cap;
        }
    }
    if (n) {
        memcpy(l->text + l->length, s, n);
        l->length += n;
    }
}

void w32_console(ntsim_system *sys, int stream, const char *text, size_t length)
{
    w32_program *p = w32_current_program(sys);
    if (!p) {
        /* A thread of no program (a driver's caller): a line of its own. */
        char line[512];
        size_t n = length < sizeof line - 1 ? length : sizeof line - 1;
        memcpy(line, text, n);
        line[n] = '\0';
        emit(sys, stream, line);
        return;
    }
    w32_line *l = &p->pending[stream];
    ps_thread *writer = ps_current_thread(sys);
    l->pid = writer->process->pid;
    l->tid = writer->tid;
    const char *end = text + length;
    while (text < end) {
        const char *nl = memchr(text, '\n', (size_t)(end - text));
        size_t n = nl ? (size_t)(nl - text) : (size_t)(end - text);
        if (n && text[n - 1] == '\r' && nl)
            n--; /* "\r\n" ends a line as "\n" does */
        append(l, text, n);
        if (!nl)
            break;
        if (!l->text)
            append(l, "", 0);
        if (l->text) {
            l->text[l->length] = '\0';
            emit(sys, stream, l->text);
        }
        l->length = 0;
        text = nl + 1;
    }
}

static int stream_of(FILE *f)
{
    return f == stderr ? 1 : 0;
}

static int vprint(int stream, const char *format, va_list ap)
{
    ntsim_system *sys = w32_system("printf");
    char small[1024];
    va_list again;
    va_copy(again, ap);
    size_t n = rtl_vformat(small, sizeof small, format, ap);
    if (n < sizeof small) {
        w32_console(sys, stream, small, n);
    } else {
        char *big = rtl_malloc(n + 1);
        if (big) {
            rtl_vformat(big, n + 1, format, again);
            w32_console(sys, stream, big, n);
            rtl_free(big);
        } else {
            w32_console(sys, stream, small, sizeof small - 1);
        }
    }
    va_end(again);
    return (int)n;
}

int ntsim_vprintf(const char *format, va_list args)
{
    return vprint(0, format, args);
}

int ntsim_printf(const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vprint(0, format, ap);
    va_end(ap);
    return n;
}

int ntsim_vfprintf(FILE *stream, const char *format, va_list args)
{
    if (stream != stdout && stream != stderr)
        return vfprintf(stream, format, args); /* a file of the host: not the console */
    return vprint(stream_of(stream), format, args);
}

int ntsim_fprintf(FILE *stream, const char *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = ntsim_vfprintf(stream, format, ap);
    va_end(ap);
    return n;
}

/*
 * wprintf's format in UTF-8, with the conversions the Microsoft C runtime
 * gives wide functions: %s and %c take wide strings and characters there
 * (%S and %C narrow ones), so they are rewritten to rtl_vformat's %ws / %wc
 * and %hs / %hc.
 */
char *w32_narrow_format(const WCHAR *format)
{
    size_t n = 0;
    while (format[n])
        n++;
    char *out = rtl_malloc(n * 4 + 1);
    if (!out)
        return NULL;
    size_t o = 0;
    size_t i = 0;
    while (i < n) {
        if (format[i] != u'%') {
            o += rtl_utf8_put(out + o, rtl_utf16_next(format, n, &i));
            continue;
        }
        out[o++] = '%';
        if (format[i + 1] == u'%') {
            out[o++] = '%';
            i += 2;
            continue;
        }
        /* flags, width, precision, length: copied */
        size_t j = i + 1;
        bool sized = false;
        while (j < n && format[j] < 0x80 && strchr("-+ #0123456789.*hlLwIjzt", (int)format[j])) {
            if (format[j] == u'h' || format[j] == u'l' || format[j] == u'w')
                sized = true;
            out[o++] = (char)format[j++];
        }
        i = j;
        if (j == n)
            break;
        if (!sized && (format[j] == u's' || format[j] == u'c')) {
            out[o++] = 'w';
            out[o++] = (char)format[j];
            i++;
        } else if (!sized && (format[j] == u'S' || format[j] == u'C')) {
            out[o++] = 'h';
            out[o++] = (char)(format[j] == u'S' ? 's' : 'c');
            i++;
        }
    }
    out[o] = '\0';
    return out;
}

static int vwprint(int stream, const WCHAR *format, va_list ap)
{
    char *f = w32_narrow_format(format);
    if (!f)
        return -1;
    int n = vprint(stream, f, ap);
    rtl_free(f);
    return n;
}

int ntsim_wprintf(const WCHAR *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vwprint(0, format, ap);
    va_end(ap);
    return n;
}

int ntsim_fwprintf(FILE *stream, const WCHAR *format, ...)
{
    va_list ap;
    va_start(ap, format);
    int n = vwprint(stream_of(stream), format, ap);
    va_end(ap);
    return n;
}

int ntsim_puts(const char *text)
{
    ntsim_system *sys = w32_system("puts");
    size_t n = strlen(text);
    w32_console(sys, 0, text, n);
    w32_console(sys, 0, "\n", 1);
    return (int)n + 1;
}

int ntsim_fputs(const char *text, FILE *stream)
{
    if (stream != stdout && stream != stderr)
        return fputs(text, stream);
    w32_console(w32_system("fputs"), stream_of(stream), text, strlen(text));
    return 1;
}

int ntsim_fputc(int c, FILE *stream)
{
    if (stream != stdout && stream != stderr)
        return fputc(c, stream);
    char ch = (char)c;
    w32_console(w32_system("putchar"), stream_of(stream), &ch, 1);
    return (unsigned char)c;
}

int ntsim_putchar(int c)
{
    return ntsim_fputc(c, stdout);
}

int ntsim_fflush(FILE *stream)
{
    if (stream && stream != stdout && stream != stderr)
        return fflush(stream);
    ntsim_system *sys = w32_system("fflush");
    w32_program *p = w32_current_program(sys);
    if (p) {
        if (!stream || stream == stdout)
            w32_console_flush(sys, p, 0);
        if (!stream || stream == stderr)
            w32_console_flush(sys, p, 1);
    }
    return 0;
}
