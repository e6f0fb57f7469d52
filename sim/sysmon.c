/*
 * sysmon.c - the run as Sysmon's event log (sysmon.h). Facts of the format
 * from Sysmon's published schema and Windows' event XML: the provider's
 * name and GUID, EventID/Version/Task per event, UtcTime as
 * "YYYY-MM-DD hh:mm:ss.mmm", GUIDs in braces, images as Win32 paths,
 * addresses as 0x and 16 upper-case hex digits, "-" for what is not known.
 * User, LogonId, TerminalSessionId and IntegrityLevel come from the
 * process's token when it is created (LogonGuid stays "-"). A remote thread (event 8) is a thread created in
 * a process by a thread of another, other than a process's first thread;
 * a process access (event 10) is a process opened by NtOpenProcess.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "drivers/client.h"
#include "sysmon.h"

typedef struct image {
    ULONG_PTR base;
    SIZE_T size;
    char *path; /* Win32 */
} image;

typedef struct proc {
    bool live;
    bool first_thread_seen;
    uint64_t created;
    ULONG ppid;
    char *image, *cmdline;
    char *user;            /* its token's, as LookupAccountSid names it */
    const char *integrity; /* "Medium" */
    ULONG logon_id, session;
    image *images;
    size_t image_count, image_cap;
} proc;

struct sim_sysmon {
    FILE *out;
    bool failed;
    uint64_t seed;
    ntsim_system *sys; /* the tokens, asked as processes are created */
    uint64_t record_id;
    proc *procs; /* by PID / 4 */
    size_t proc_cap;
};

static char *copy(const char *s)
{
    size_t n = strlen(s ? s : "") + 1;
    char *c = malloc(n);
    return c ? memcpy(c, s ? s : "", n) : NULL;
}

static proc *proc_of(sim_sysmon *s, ULONG pid)
{
    size_t i = pid / 4;
    if (i >= s->proc_cap) {
        size_t cap = s->proc_cap ? s->proc_cap : 64;
        while (cap <= i)
            cap *= 2;
        proc *p = realloc(s->procs, cap * sizeof *p);
        if (!p) {
            s->failed = true;
            return NULL;
        }
        memset(p + s->proc_cap, 0, (cap - s->proc_cap) * sizeof *p);
        s->procs = p;
        s->proc_cap = cap;
    }
    return &s->procs[i];
}

static const char *user_of(const proc *p)
{
    return p->user ? p->user : "-";
}

static void proc_clear(proc *p)
{
    free(p->image);
    free(p->cmdline);
    free(p->user);
    for (size_t i = 0; i < p->image_count; i++)
        free(p->images[i].path);
    free(p->images);
    *p = (proc){ 0 };
}

/* ---- formats ------------------------------------------------------------------ */

static void xml_text(FILE *f, const char *s)
{
    for (const char *p = s ? s : ""; *p; p++) {
        switch (*p) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '\'': fputs("&apos;", f); break;
        case '"': fputs("&quot;", f); break;
        default:
            if ((unsigned char)*p < 0x20)
                fprintf(f, "&#x%x;", (unsigned char)*p);
            else
                fputc(*p, f);
        }
    }
}

static void data(FILE *f, const char *name, const char *value)
{
    fprintf(f, "<Data Name='%s'>", name);
    xml_text(f, value && *value ? value : "-");
    fputs("</Data>", f);
}

static void data_u(FILE *f, const char *name, uint64_t v)
{
    fprintf(f, "<Data Name='%s'>%" PRIu64 "</Data>", name, v);
}

/* Days since 1601 as a civil date. */
static void civil(uint64_t time, char *out, size_t cap, bool iso)
{
    uint64_t ms = time / 10000, days = ms / 86400000, in_day = ms % 86400000;
    unsigned y = 1601 + 400 * (unsigned)(days / 146097);
    days %= 146097;
    for (;;) {
        unsigned n = ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0) ? 366 : 365;
        if (days < n)
            break;
        days -= n;
        y++;
    }
    static const unsigned char md[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    unsigned m = 0;
    for (;; m++) {
        unsigned n = md[m] + (m == 1 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0));
        if (days < n)
            break;
        days -= n;
    }
    unsigned h = (unsigned)(in_day / 3600000), mi = (unsigned)(in_day / 60000 % 60), se = (unsigned)(in_day / 1000 % 60);
    if (iso)
        snprintf(out, cap, "%04u-%02u-%02uT%02u:%02u:%02u.%07" PRIu64 "Z", y, m + 1, (unsigned)days + 1, h, mi, se,
                 time % 10000000);
    else
        snprintf(out, cap, "%04u-%02u-%02u %02u:%02u:%02u.%03u", y, m + 1, (unsigned)days + 1, h, mi, se,
                 (unsigned)(in_day % 1000));
}

/* A process's GUID: the machine's part from the seed, then its start and its PID, as Sysmon's carry both. */
static void guid(sim_sysmon *s, ULONG pid, uint64_t created, char *out, size_t cap)
{
    uint64_t h = s->seed * 0x9E3779B97F4A7C15ull ^ 0x5eed5eed5eed5eedull;
    h ^= h >> 29;
    uint64_t secs = created / 10000000;
    snprintf(out, cap, "{%08x-%04x-%04x-0000-0010%08x}", (unsigned)(h & 0xFFFFFFFFu), (unsigned)((secs >> 16) & 0xFFFF),
             (unsigned)(secs & 0xFFFF), (unsigned)(pid * 0x10000u + 0x1000u));
}

static void begin_event(sim_sysmon *s, int id, int version, int task, uint64_t time)
{
    char when[40];
    civil(time, when, sizeof when, true);
    fprintf(s->out,
            "<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System>"
            "<Provider Name='Microsoft-Windows-Sysmon' Guid='{5770385f-c22a-43e0-bf4c-06f5698ffbd9}'/>"
            "<EventID>%d</EventID><Version>%d</Version><Level>4</Level><Task>%d</Task><Opcode>0</Opcode>"
            "<Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime='%s'/>"
            "<EventRecordID>%" PRIu64 "</EventRecordID><Correlation/><Execution ProcessID='4' ThreadID='8'/>"
            "<Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ntsim</Computer>"
            "<Security UserID='S-1-5-18'/></System><EventData>",
            id, version, task, when, ++s->record_id);
    char utc[32];
    civil(time, utc, sizeof utc, false);
    data(s->out, "RuleName", "-");
    data(s->out, "UtcTime", utc);
}

static void end_event(sim_sysmon *s)
{
    fputs("</EventData></Event>\n", s->out);
    if (ferror(s->out))
        s->failed = true;
}

static void address(char *out, size_t cap, uint64_t a)
{
    snprintf(out, cap, "0x%016" PRIX64, a);
}

/* ---- events ---------------------------------------------------------------- */

static void process_create(sim_sysmon *s, const ntsim_event *e)
{
    proc *p = proc_of(s, e->pid);
    if (!p)
        return;
    proc_clear(p);
    p->live = true;
    p->created = e->time;
    p->ppid = e->ppid;
    p->image = copy(e->image);
    p->cmdline = copy(e->cmdline);
    NTSIM_TOKEN_INFO ti;
    if (s->sys && NT_SUCCESS(ntsim_query_token(s->sys, e->pid, &ti))) {
        p->user = copy(ti.user);
        p->integrity = ntsim_integrity_name(ti.integrity);
        p->logon_id = ti.logon_id;
        p->session = ti.session_id;
    }
    proc *parent = e->ppid != e->pid ? proc_of(s, e->ppid) : NULL;
    p = proc_of(s, e->pid); /* proc_of may have moved the table */
    char g[48], pg[48];
    guid(s, e->pid, e->time, g, sizeof g);
    begin_event(s, 1, 5, 1, e->time);
    data(s->out, "ProcessGuid", g);
    data_u(s->out, "ProcessId", e->pid);
    data(s->out, "Image", e->image);
    static const char *const unknown[] = { "FileVersion", "Description", "Product", "Company", "OriginalFileName" };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        data(s->out, unknown[i], "-");
    data(s->out, "CommandLine", e->cmdline);
    data(s->out, "CurrentDirectory", "-");
    char logon[16], session[16];
    snprintf(logon, sizeof logon, "0x%x", p->logon_id);
    snprintf(session, sizeof session, "%u", p->session);
    data(s->out, "User", user_of(p));
    data(s->out, "LogonGuid", "-");
    data(s->out, "LogonId", p->user ? logon : "-");
    data(s->out, "TerminalSessionId", p->user ? session : "-");
    data(s->out, "IntegrityLevel", p->integrity ? p->integrity : "-");
    data(s->out, "Hashes", "-");
    bool known = parent && parent->live;
    guid(s, e->ppid, known ? parent->created : 0, pg, sizeof pg);
    data(s->out, "ParentProcessGuid", pg);
    data_u(s->out, "ParentProcessId", e->ppid);
    data(s->out, "ParentImage", known ? parent->image : e->ppid == 4 ? "System" : "-");
    data(s->out, "ParentCommandLine", known ? parent->cmdline : "-");
    data(s->out, "ParentUser", known ? user_of(parent) : e->ppid == 4 ? "NT AUTHORITY\\SYSTEM" : "-");
    end_event(s);
}

static void process_exit(sim_sysmon *s, const ntsim_event *e)
{
    proc *p = proc_of(s, e->pid);
    if (!p || !p->live)
        return;
    char g[48];
    guid(s, e->pid, p->created, g, sizeof g);
    begin_event(s, 5, 3, 5, e->time);
    data(s->out, "ProcessGuid", g);
    data_u(s->out, "ProcessId", e->pid);
    data(s->out, "Image", p->image);
    data(s->out, "User", user_of(p));
    end_event(s);
    proc_clear(p);
}

static void image_load(sim_sysmon *s, const ntsim_event *e)
{
    proc *p = proc_of(s, e->pid);
    if (!p || !p->live)
        return; /* a driver's image (PID 0): Sysmon reports drivers as event 6, not modelled */
    char dos[1024];
    sim_client_dos_name(e->image, dos, sizeof dos);
    if (p->image_count == p->image_cap) {
        size_t cap = p->image_cap ? 2 * p->image_cap : 4;
        image *im = realloc(p->images, cap * sizeof *im);
        if (!im) {
            s->failed = true;
            return;
        }
        p->images = im;
        p->image_cap = cap;
    }
    p->images[p->image_count++] = (image){ e->base, e->size, copy(dos) };
    char g[48];
    guid(s, e->pid, p->created, g, sizeof g);
    begin_event(s, 7, 3, 7, e->time);
    data(s->out, "ProcessGuid", g);
    data_u(s->out, "ProcessId", e->pid);
    data(s->out, "Image", p->image);
    data(s->out, "ImageLoaded", dos);
    static const char *const unknown[] = { "FileVersion", "Description", "Product", "Company", "OriginalFileName",
                                           "Hashes" };
    for (size_t i = 0; i < sizeof unknown / sizeof unknown[0]; i++)
        data(s->out, unknown[i], "-");
    data(s->out, "Signed", "false");
    data(s->out, "Signature", "-");
    data(s->out, "SignatureStatus", "Unavailable");
    data(s->out, "User", user_of(p));
    end_event(s);
}

static void thread_create(sim_sysmon *s, const ntsim_event *e)
{
    proc *target = proc_of(s, e->pid);
    if (!target || !target->live)
        return;
    bool first = !target->first_thread_seen;
    target->first_thread_seen = true;
    if (first || e->creating_pid == e->pid)
        return;
    proc *source = proc_of(s, e->creating_pid);
    target = proc_of(s, e->pid);
    if (!source)
        return;
    char sg[48], tg[48], start[24];
    guid(s, e->creating_pid, source->live ? source->created : 0, sg, sizeof sg);
    guid(s, e->pid, target->created, tg, sizeof tg);
    address(start, sizeof start, e->base);
    const char *module = "-";
    for (size_t i = 0; i < target->image_count; i++)
        if (e->base >= target->images[i].base && e->base - target->images[i].base < target->images[i].size)
            module = target->images[i].path;
    begin_event(s, 8, 2, 8, e->time);
    data(s->out, "SourceProcessGuid", sg);
    data_u(s->out, "SourceProcessId", e->creating_pid);
    data(s->out, "SourceImage", source->live ? source->image : e->creating_pid == 4 ? "System" : "-");
    data(s->out, "TargetProcessGuid", tg);
    data_u(s->out, "TargetProcessId", e->pid);
    data(s->out, "TargetImage", target->image);
    data_u(s->out, "NewThreadId", e->tid);
    data(s->out, "StartAddress", start);
    data(s->out, "StartModule", module);
    data(s->out, "StartFunction", "-");
    data(s->out, "SourceUser", source->live ? user_of(source) : "-");
    data(s->out, "TargetUser", user_of(target));
    end_event(s);
}

static void process_access(sim_sysmon *s, const ntsim_event *e)
{
    proc *source = proc_of(s, e->creating_pid);
    proc *target = proc_of(s, e->pid);
    source = proc_of(s, e->creating_pid); /* the table may have moved */
    if (!source || !target)
        return;
    char sg[48], tg[48], access[16];
    guid(s, e->creating_pid, source->live ? source->created : 0, sg, sizeof sg);
    guid(s, e->pid, target->live ? target->created : 0, tg, sizeof tg);
    snprintf(access, sizeof access, "0x%x", e->count);
    begin_event(s, 10, 3, 10, e->time);
    data(s->out, "SourceProcessGUID", sg);
    data_u(s->out, "SourceProcessId", e->creating_pid);
    data_u(s->out, "SourceThreadId", e->creating_tid);
    data(s->out, "SourceImage", source->live ? source->image : e->creating_pid == 4 ? "System" : "-");
    data(s->out, "TargetProcessGUID", tg);
    data_u(s->out, "TargetProcessId", e->pid);
    data(s->out, "TargetImage", target->live ? target->image : e->pid == 4 ? "System" : "-");
    data(s->out, "GrantedAccess", access);
    data(s->out, "CallTrace", "-");
    data(s->out, "SourceUser", source->live ? user_of(source) : "-");
    data(s->out, "TargetUser", target->live ? user_of(target) : e->pid == 4 ? "NT AUTHORITY\\SYSTEM" : "-");
    end_event(s);
}

void sim_sysmon_event(sim_sysmon *s, const ntsim_event *e)
{
    switch (e->kind) {
    case NTSIM_EVENT_PROCESS_CREATE:
        process_create(s, e);
        break;
    case NTSIM_EVENT_PROCESS_EXIT:
        process_exit(s, e);
        break;
    case NTSIM_EVENT_IMAGE_LOAD:
        image_load(s, e);
        break;
    case NTSIM_EVENT_THREAD_CREATE:
        thread_create(s, e);
        break;
    case NTSIM_EVENT_PROCESS_ACCESS:
        process_access(s, e);
        break;
    default:
        break;
    }
}

sim_sysmon *sim_sysmon_create(FILE *out)
{
    sim_sysmon *s = calloc(1, sizeof *s);
    if (s)
        s->out = out;
    return s;
}

void sim_sysmon_boot(sim_sysmon *s, ntsim_system *sys, uint64_t seed)
{
    s->sys = sys;
    s->seed = seed;
}

bool sim_sysmon_ok(const sim_sysmon *s)
{
    return !s->failed;
}

void sim_sysmon_free(sim_sysmon *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->proc_cap; i++)
        proc_clear(&s->procs[i]);
    free(s->procs);
    free(s);
}
