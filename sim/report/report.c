/*
 * report.c - the report page (report.h): the replay runs once, its JSON
 * Lines records and its timeline captured in memory, the live processes'
 * address spaces read at the end of the run (before the system goes down);
 * the three go into the page's template (report_page.html, embedded at
 * build time) where it says, as JavaScript data the page draws from.
 */
#define _POSIX_C_SOURCE 200809L
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "ntsim/ntsim.h"
#include "report.h"
#include "timeline.h"

extern const unsigned char sim_report_page[];
extern const size_t sim_report_page_size;

typedef struct buffer {
    char *data;
    size_t len;
    FILE *f;
} buffer;

static bool buffer_open(buffer *b)
{
    *b = (buffer){ 0 };
    b->f = open_memstream(&b->data, &b->len);
    return b->f != NULL;
}

static void buffer_close(buffer *b)
{
    if (b->f)
        fclose(b->f);
    b->f = NULL;
}

/* A JSON string into f. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else if (*p == '<')
            fputs("\\u003c", f); /* never "</script>" inside the page's script */
        else
            fputc(*p, f);
    }
    fputc('"', f);
}

typedef struct maps {
    ntsim_system *sys;
    FILE *f;
    bool first_process, first_region;
} maps;

static bool region(void *context, const MEMORY_BASIC_INFORMATION *m, const char *detail)
{
    maps *mp = context;
    char state[64], protect[96], type[64];
    ntsim_flags_format(NTSIM_FLAGS_MEM, m->State, state, sizeof state);
    ntsim_flags_format(NTSIM_FLAGS_PAGE, m->Protect, protect, sizeof protect);
    ntsim_flags_format(NTSIM_FLAGS_MEM, m->Type, type, sizeof type);
    fprintf(mp->f, "%s{\"base\":\"0x%" PRIx64 "\",\"end\":\"0x%" PRIx64 "\",\"size\":\"0x%" PRIx64 "\",\"state\":",
            mp->first_region ? "" : ",", (uint64_t)m->BaseAddress, (uint64_t)(m->BaseAddress + m->RegionSize),
            (uint64_t)m->RegionSize);
    json_string(mp->f, state);
    fputs(",\"protect\":", mp->f);
    json_string(mp->f, protect);
    fputs(",\"type\":", mp->f);
    json_string(mp->f, type);
    fputs(",\"detail\":", mp->f);
    json_string(mp->f, detail);
    fputc('}', mp->f);
    mp->first_region = false;
    return true;
}

static bool process(void *context, const NTSIM_PROCESS_INFO *info)
{
    maps *mp = context;
    if (info->exited || info->pid == 0 || info->pid == 4)
        return true; /* a live process of the scenario's: Idle and System have no user space */
    fprintf(mp->f, "%s{\"pid\":%u,\"image\":", mp->first_process ? "" : ",\n", info->pid);
    json_string(mp->f, info->image_name);
    fputs(",\"regions\":[", mp->f);
    mp->first_region = true;
    ntsim_walk_memory(mp->sys, info->pid, region, mp);
    fputs("]}", mp->f);
    mp->first_process = false;
    return true;
}

static void at_end(ntsim_system *sys, void *context)
{
    maps *mp = context;
    mp->sys = sys;
    ntsim_walk_processes(sys, process, mp);
}

/* The records (JSON Lines) as the elements of a JavaScript array. */
static void records(FILE *out, const char *jsonl, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (jsonl[i] == '\n' && i + 1 < len)
            fputs(",\n", out);
        else if (jsonl[i] == '<')
            fputs("\\u003c", out); /* only ever inside a string of a record */
        else
            fputc(jsonl[i], out);
    }
}

/* The template, with each marker replaced by what it names. */
static void page(FILE *out, const char *title, const buffer *recs, const buffer *trace, const buffer *regions)
{
    const char *t = (const char *)sim_report_page;
    const char *end = t + sim_report_page_size;
    while (t < end) {
        const char *at = memchr(t, '@', (size_t)(end - t));
        const char *marker = strstr(t, "/*@");
        if (marker && (!at || marker < at))
            at = marker;
        if (!at) {
            fwrite(t, 1, (size_t)(end - t), out);
            break;
        }
        fwrite(t, 1, (size_t)(at - t), out);
        if (strncmp(at, "@TITLE@", 7) == 0) {
            for (const char *p = title; *p; p++) {
                if (*p == '<')
                    fputs("&lt;", out);
                else if (*p == '&')
                    fputs("&amp;", out);
                else
                    fputc(*p, out);
            }
            t = at + 7;
        } else if (strncmp(at, "/*@RECORDS@*/", 13) == 0) {
            records(out, recs->data, recs->len);
            t = at + 13;
        } else if (strncmp(at, "/*@TRACE@*/", 11) == 0) {
            fwrite(trace->data, 1, trace->len, out);
            t = at + 11;
        } else if (strncmp(at, "/*@MAPS@*/", 10) == 0) {
            fwrite(regions->data, 1, regions->len, out);
            t = at + 10;
        } else {
            fputc(*at, out);
            t = at + 1;
        }
    }
}

int sim_report(const char *path, const sim_run_options *options, FILE *out, FILE *err)
{
    buffer recs, trace, regions;
    if (!buffer_open(&recs) || !buffer_open(&trace) || !buffer_open(&regions)) {
        fprintf(err, "ntsim report: out of memory\n");
        return SIM_EXIT_ERROR;
    }
    sim_timeline *timeline = sim_timeline_create();
    maps mp = { .f = regions.f, .first_process = true };
    sim_run_options o = *options;
    o.format = SIM_FORMAT_JSONL;
    o.timeline = timeline;
    o.at_end = at_end;
    o.at_end_context = &mp;
    int status = timeline ? sim_run_file(path, &o, recs.f, err) : SIM_EXIT_ERROR;
    bool ok = timeline && sim_timeline_write(timeline, trace.f);
    buffer_close(&recs);
    buffer_close(&trace);
    buffer_close(&regions);
    if (ok && recs.data && trace.data && regions.data) {
        const char *slash = strrchr(path, '/');
        page(out, slash ? slash + 1 : path, &recs, &trace, &regions);
    } else {
        fprintf(err, "ntsim report: out of memory\n");
        status = SIM_EXIT_ERROR;
    }
    sim_timeline_free(timeline);
    free(recs.data);
    free(trace.data);
    free(regions.data);
    return status;
}
