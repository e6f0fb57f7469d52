/*
 * command_table.c - every command of ../shared/SCENARIO.md (and ntsim's
 * additions, docs/scenario-language.md), its positional arguments and
 * options, and the handler that runs it.
 */
#include <assert.h>
#include <string.h>

#include "command.h"

#define P(n, k) { n, k, NULL, false }
#define C(n, ch) { n, ARG_CHOICE, ch, false }
#define O(n, k) { n, k, NULL, false }
#define R(n, k) { n, k, NULL, true }

/* Result fields besides status, as the handlers put them (Debug builds check that they agree). */
#define FIELDS(...) (const sim_field_spec[]){ __VA_ARGS__, { NULL, SIM_INT, 0 } }
#define F_INT(k) { k, SIM_INT, 0 }
#define F_HEX(k) { k, SIM_HEX, 0 }
#define F_CODE(k) { k, SIM_CODE, 0 }
#define F_STR(k) { k, SIM_STR, 0 }
#define F_ARRAY(k) { k, SIM_ARRAY, 0 }
#define F_FLAGS(k, kind) { k, SIM_FLAGS, kind }
/* What the scheduling commands report of the thread (cmd_schedule.c). */
#define THREAD_STATE F_INT("tid"), F_CODE("state"), F_STR("state_name"), F_INT("priority"), F_INT("cpu")

static const sim_command commands[] = {
    { "system", {}, { C("arch", "x64|x86"), O("cpus", ARG_NUMBER), O("seed", ARG_NUMBER), O("aslr", ARG_SWITCH),
                      O("increase_uva", ARG_NUMBER), O("memory", ARG_NUMBER), O("pagefile", ARG_NUMBER) },
      false, sim_cmd_system, SIM_CMD_SYSTEM,
      FIELDS(F_STR("arch"), F_INT("cpus"), F_INT("seed"), F_STR("aslr"), F_INT("time")), NULL },

    { "vm alloc", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("TYPE", ARG_MEM_FLAGS),
                    P("PROT", ARG_PAGE_FLAGS) }, {}, false, sim_cmd_vm_alloc, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size")), NULL },
    { "vm allocex", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("TYPE", ARG_MEM_FLAGS),
                      P("PROT", ARG_PAGE_FLAGS) },
      { O("lowest", ARG_NUMBER), O("highest", ARG_NUMBER), O("align", ARG_NUMBER) },
      false, sim_cmd_vm_allocex, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size")), NULL },
    { "vm free", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("TYPE", ARG_MEM_FLAGS) },
      {}, false, sim_cmd_vm_free, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size")), NULL },
    { "vm protect", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("PROT", ARG_PAGE_FLAGS) },
      {}, false, sim_cmd_vm_protect, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size"), F_FLAGS("old_protect", NTSIM_FLAGS_PAGE)), NULL },
    { "vm query", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER) }, {}, false, sim_cmd_vm_query, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("alloc_base"), F_FLAGS("alloc_protect", NTSIM_FLAGS_PAGE), F_HEX("size"),
             F_FLAGS("state", NTSIM_FLAGS_MEM), F_FLAGS("protect", NTSIM_FLAGS_PAGE), F_FLAGS("type", NTSIM_FLAGS_MEM)), NULL },
    { "vm touch", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), { "ACCESS", ARG_CHOICE, "read|write|execute", false } },
      {}, false, sim_cmd_vm_touch, SIM_CMD_PLAIN,
      FIELDS(F_HEX("address")), NULL },
    { "vm watch", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER) }, { O("reset", ARG_SWITCH) },
      false, sim_cmd_vm_watch, SIM_CMD_PLAIN,
      FIELDS(F_INT("count"), F_ARRAY("pages")), NULL },
    { "vm map", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_vm_map, SIM_CMD_PLAIN,
      FIELDS(F_ARRAY("regions")), NULL },
    { "vm read", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER) }, { C("size", "1|2|4|8") },
      false, sim_cmd_vm_read, SIM_CMD_PLAIN,
      FIELDS(F_HEX("address"), F_HEX("value")), NULL },
    { "vm write", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("VALUE", ARG_ANY) }, { C("size", "1|2|4|8") },
      false, sim_cmd_vm_write, SIM_CMD_VM_WRITE,
      FIELDS(F_HEX("address")), NULL },

    { "process create", { P("NAME", ARG_NEW_PROCESS) },
      { R("image", ARG_STRING), O("parent", ARG_PROCESS), O("by", ARG_THREAD), O("cmdline", ARG_STRING),
        C("arch", "x64|x86"), O("laa", ARG_SWITCH), O("stack_reserve", ARG_NUMBER), O("stack_commit", ARG_NUMBER),
        O("lock_memory", ARG_SWITCH), O("program", ARG_STRING), O("args", ARG_STRING), O("user", ARG_STRING),
        C("integrity", "untrusted|low|medium|high|system"), O("privileges", ARG_STRING), O("elevated", ARG_SWITCH) },
      false, sim_cmd_process_create, SIM_CMD_PLAIN,
      FIELDS(F_INT("pid"), F_INT("tid")), NULL },
    { "process exit", { P("PROC", ARG_PROCESS) }, { O("code", ARG_NUMBER) },
      false, sim_cmd_process_exit, SIM_CMD_PROCESS_EXIT,
      FIELDS(F_INT("pid"), F_INT("exit_code")), NULL },
    { "process query", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_process_query, SIM_CMD_PLAIN,
      FIELDS(F_INT("pid"), F_INT("ppid"), F_CODE("state"), F_STR("state_name"), F_STR("image"), F_STR("cmdline"),
             F_STR("arch"), F_STR("wow64"), F_INT("threads"), F_INT("handles"), F_INT("exit_code"), F_INT("pointer_count"),
             F_INT("handle_count"), F_HEX("image_base"), F_HEX("peb"), F_STR("user"), F_STR("integrity")), NULL },
    { "process list", {}, {}, false, sim_cmd_process_list, SIM_CMD_PLAIN,
      FIELDS(F_ARRAY("processes")), NULL },

    { "token query", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_token_query, SIM_CMD_PLAIN,
      FIELDS(F_INT("pid"), F_STR("user"), F_STR("sid"), F_STR("integrity"), F_STR("elevated"), F_STR("elevation"),
             F_INT("session"), F_ARRAY("privileges")), NULL },
    { "token privilege", { P("PROC", ARG_PROCESS), P("PRIVILEGE", ARG_STRING), { "STATE", ARG_CHOICE, "on|off|remove", false } },
      {}, false, sim_cmd_token_privilege, SIM_CMD_PLAIN,
      FIELDS(F_STR("privilege"), F_STR("previous"), F_STR("now")), NULL },

    { "thread create", { P("PROC", ARG_PROCESS), P("NAME", ARG_NEW_THREAD) },
      { O("by", ARG_THREAD), O("stack", ARG_NUMBER), O("reserve", ARG_SWITCH) },
      false, sim_cmd_thread_create, SIM_CMD_PLAIN,
      FIELDS(F_INT("pid"), F_INT("tid")), NULL },
    { "thread exit", { P("THREAD", ARG_THREAD) }, { O("code", ARG_NUMBER) },
      false, sim_cmd_thread_exit, SIM_CMD_THREAD_EXIT,
      FIELDS(F_INT("tid"), F_INT("exit_code")), NULL },
    { "thread query", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_query, SIM_CMD_PLAIN,
      FIELDS(F_INT("pid"), F_INT("tid"), F_CODE("state"), F_STR("state_name"), F_INT("priority"),
             F_INT("base_priority"), F_HEX("affinity"), F_INT("cpu"), F_INT("suspend_count"), F_INT("exit_code"),
             F_HEX("teb"), F_HEX("stack_base"), F_HEX("stack_limit"), F_HEX("deallocation_stack"), F_HEX("stack_reserve"),
             F_HEX("stack_committed"), F_HEX("guard_start"), F_HEX("guard_size"), F_HEX("kernel_stack_base"),
             F_HEX("kernel_stack_limit"), F_INT("pointer_count"), F_INT("handle_count")), NULL },
    { "thread priority", { P("THREAD", ARG_THREAD), P("N", ARG_NUMBER) }, {},
      false, sim_cmd_thread_priority, SIM_CMD_PLAIN,
      FIELDS(THREAD_STATE), NULL },
    { "thread affinity", { P("THREAD", ARG_THREAD), P("MASK", ARG_NUMBER) }, {},
      false, sim_cmd_thread_affinity, SIM_CMD_PLAIN,
      FIELDS(THREAD_STATE, F_HEX("affinity")), NULL },
    { "thread wait", { P("THREAD", ARG_THREAD) }, { O("timeout", ARG_DURATION) },
      false, sim_cmd_thread_wait, SIM_CMD_PLAIN,
      FIELDS(THREAD_STATE), NULL },
    { "thread wake", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_wake, SIM_CMD_PLAIN,
      FIELDS(THREAD_STATE), NULL },
    { "thread suspend", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_suspend, SIM_CMD_PLAIN,
      FIELDS(THREAD_STATE, F_INT("previous_count")), NULL },
    { "thread resume", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_resume, SIM_CMD_PLAIN,
      FIELDS(THREAD_STATE, F_INT("previous_count")), NULL },
    { "stack touch", { P("THREAD", ARG_THREAD), P("BYTES", ARG_NUMBER) }, {},
      false, sim_cmd_stack_touch, SIM_CMD_PLAIN,
      FIELDS(F_HEX("stack_base"), F_HEX("stack_limit"), F_HEX("deallocation_stack"), F_HEX("stack_committed")), NULL },
    { "system query", {}, {}, false, sim_cmd_system_query, SIM_CMD_PLAIN,
      FIELDS(F_INT("time"), F_INT("cpus"), F_INT("processes"), F_HEX("commit_limit"), F_HEX("commit_charged"),
             F_INT("kernel_stacks"), F_HEX("kernel_stack_size"), F_HEX("system_bytes")), NULL },
    { "image load", { P("PROC", ARG_PROCESS), P("PATH", ARG_STRING) }, { O("size", ARG_NUMBER), O("by", ARG_THREAD) },
      false, sim_cmd_image_load, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size")), NULL },

    { "section create", { P("NAME", ARG_STRING), P("PROC", ARG_PROCESS) },
      { O("size", ARG_NUMBER), O("protect", ARG_PAGE_FLAGS), O("reserve", ARG_SWITCH), O("image", ARG_STRING) },
      false, sim_cmd_section_create, SIM_CMD_PLAIN,
      FIELDS(F_INT("handle"), F_HEX("size")), NULL },
    { "section map", { P("PROC", ARG_PROCESS), P("SECTION", ARG_STRING) },
      { O("base", ARG_NUMBER), O("size", ARG_NUMBER), O("offset", ARG_NUMBER), O("protect", ARG_PAGE_FLAGS),
        O("commit", ARG_NUMBER), O("top_down", ARG_SWITCH) },
      false, sim_cmd_section_map, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size"), F_HEX("offset")), NULL },
    { "section mapex", { P("PROC", ARG_PROCESS), P("SECTION", ARG_STRING) },
      { O("base", ARG_NUMBER), O("size", ARG_NUMBER), O("offset", ARG_NUMBER), O("protect", ARG_PAGE_FLAGS),
        O("type", ARG_MEM_FLAGS), O("lowest", ARG_NUMBER), O("highest", ARG_NUMBER), O("align", ARG_NUMBER) },
      false, sim_cmd_section_mapex, SIM_CMD_PLAIN,
      FIELDS(F_HEX("base"), F_HEX("size"), F_HEX("offset")), NULL },
    { "section unmap", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER) }, { O("preserve", ARG_SWITCH) },
      false, sim_cmd_section_unmap, SIM_CMD_PLAIN,
      FIELDS(F_HEX("address")), NULL },
    { "section query", { P("SECTION", ARG_STRING) }, {}, false, sim_cmd_section_query, SIM_CMD_PLAIN,
      FIELDS(F_FLAGS("attributes", NTSIM_FLAGS_SEC), F_HEX("size"), F_HEX("entry"), F_HEX("stack_reserve"),
             F_HEX("stack_commit"), F_HEX("machine"), F_INT("subsystem"), F_HEX("characteristics"),
             F_HEX("dll_characteristics"), F_HEX("image_flags"), F_HEX("file_size")), NULL },
    { "section extend", { P("SECTION", ARG_STRING) }, { R("size", ARG_NUMBER) },
      false, sim_cmd_section_extend, SIM_CMD_PLAIN,
      FIELDS(F_HEX("size")), NULL },
    { "section close", { P("SECTION", ARG_STRING) }, {}, false, sim_cmd_section_close, SIM_CMD_PLAIN,
      FIELDS(F_INT("handle")), NULL },

    { "handle open", { P("PROC", ARG_PROCESS), P("TARGET", ARG_OBJECT) }, { R("access", ARG_ACCESS) },
      false, sim_cmd_handle_open, SIM_CMD_PLAIN,
      FIELDS(F_INT("handle"), F_FLAGS("access", NTSIM_FLAGS_ACCESS)), NULL },
    { "handle dup", { P("PROC", ARG_PROCESS), P("HANDLE", ARG_NUMBER) }, { O("to", ARG_PROCESS), O("access", ARG_ACCESS) },
      false, sim_cmd_handle_dup, SIM_CMD_PLAIN,
      FIELDS(F_INT("handle"), F_FLAGS("access", NTSIM_FLAGS_ACCESS)), NULL },
    { "handle close", { P("PROC", ARG_PROCESS), P("HANDLE", ARG_NUMBER) }, {},
      false, sim_cmd_handle_close, SIM_CMD_PLAIN,
      FIELDS(F_INT("handle")), NULL },
    { "handle list", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_handle_list, SIM_CMD_PLAIN,
      FIELDS(F_ARRAY("handles")), NULL },

    { "syscall table", {}, {}, false, sim_cmd_syscall_table, SIM_CMD_PLAIN,
      FIELDS(F_INT("limit"), F_ARRAY("services")), NULL },
    { "syscall", { P("THREAD", ARG_THREAD), P("SERVICE", ARG_ANY) }, {}, true, sim_cmd_syscall, SIM_CMD_SYSCALL,
      FIELDS(F_STR("service"), F_INT("number")), "ARG..." },

    { "driver load", { P("NAME|PATH", ARG_DRIVER_LOAD) }, {}, true, sim_cmd_driver_load, SIM_CMD_DRIVER_OPTIONS,
      FIELDS(F_STR("driver"), F_STR("file")), "[name=NAME] [OPTION=VALUE...]" },
    { "driver unload", { P("NAME", ARG_DRIVER) }, {}, false, sim_cmd_driver_unload, SIM_CMD_DRIVER,
      FIELDS(F_STR("driver")), NULL },
    { "client read", { P("NAME", ARG_DRIVER) }, { O("buffer", ARG_NUMBER) },
      false, sim_cmd_client_read, SIM_CMD_DRIVER,
      FIELDS(F_INT("bytes")), NULL },
    { "client write", { P("NAME", ARG_DRIVER) }, {}, true, sim_cmd_client_write, SIM_CMD_DRIVER_OPTIONS,
      FIELDS(F_INT("bytes")), "[FIELD=VALUE...]" },
    { "client open", { P("NAME", ARG_DRIVER) }, { O("by", ARG_THREAD), O("device", ARG_STRING) },
      false, sim_cmd_client_open, SIM_CMD_DRIVER,
      FIELDS(F_INT("handle")), NULL },
    { "client close", { P("NAME", ARG_DRIVER) }, {}, false, sim_cmd_client_close, SIM_CMD_DRIVER,
      NULL, NULL },
    { "client ioctl", { P("NAME", ARG_DRIVER) }, {}, true, sim_cmd_client_ioctl, SIM_CMD_DRIVER_OPTIONS,
      FIELDS(F_INT("bytes")), "[FIELD=VALUE...]" },

    { "sleep", { P("DURATION", ARG_DURATION) }, {}, false, sim_cmd_sleep, SIM_CMD_PLAIN,
      FIELDS(F_INT("time")), NULL },
    /* expect is run by the engine itself (scenario.c). */
    { "expect status", { P("STATUS", ARG_ANY) }, {}, false, NULL, SIM_CMD_EXPECT, NULL, NULL },
    { "expect event", { P("EVENT", ARG_ANY) }, {}, true, NULL, SIM_CMD_EXPECT, NULL, "[FIELD=VALUE...]" },
    { "expect", {}, {}, true, NULL, SIM_CMD_EXPECT, NULL, "FIELD=VALUE..." },
};

const sim_command *sim_command_at(size_t i)
{
    return i < sizeof commands / sizeof commands[0] ? &commands[i] : NULL;
}

static const char *const groups[] = { "vm", "process", "thread", "stack", "image", "handle", "driver", "client",
                                      "section" };

bool sim_is_command_group(const char *word)
{
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++)
        if (strcmp(groups[i], word) == 0)
            return true;
    return false;
}

const sim_command *sim_find_command(const sim_line *line, int *words)
{
    if (line->count == 0)
        return NULL;
    const char *first = line->tokens[0].text;
    const char *second = line->count > 1 ? line->tokens[1].text : "";
    size_t n = strlen(first);
    /* Two-word names first ("syscall table", "expect status"), then one word.
       The first letter rules out most of the table without a call. */
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        const char *name = commands[i].name;
        if (name[0] == first[0] && strncmp(name, first, n) == 0 && name[n] == ' ' && strcmp(name + n + 1, second) == 0) {
            *words = 2;
            return &commands[i];
        }
    }
    if (sim_is_command_group(first))
        return NULL;
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (commands[i].name[0] == first[0] && strcmp(commands[i].name, first) == 0) {
            *words = 1;
            return &commands[i];
        }
    }
    return NULL;
}

int sim_option_index(const sim_command *cmd, const char *key)
{
    for (int i = 0; i < SIM_MAX_OPTS && cmd->opt[i].name; i++)
        if (strcmp(cmd->opt[i].name, key) == 0)
            return i;
    return -1;
}

const sim_value *sim_option(const sim_args *a, const char *key)
{
    int i = sim_option_index(a->cmd, key);
    assert(i >= 0 && "an option the command table gives this command");
    return &a->opt[i];
}

bool sim_value_is(const sim_value *v, const char *word)
{
    return v->len == strlen(word) && memcmp(v->text, word, v->len) == 0;
}
