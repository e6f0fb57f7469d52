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

static const sim_command commands[] = {
    { "system", {}, { C("arch", "x64|x86"), O("cpus", ARG_NUMBER), O("seed", ARG_NUMBER), O("aslr", ARG_SWITCH),
                      O("increase_uva", ARG_NUMBER), O("memory", ARG_NUMBER), O("pagefile", ARG_NUMBER) },
      false, sim_cmd_system, SIM_CMD_SYSTEM },

    { "vm alloc", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("TYPE", ARG_MEM_FLAGS),
                    P("PROT", ARG_PAGE_FLAGS) }, {}, false, sim_cmd_vm_alloc, SIM_CMD_PLAIN },
    { "vm free", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("TYPE", ARG_MEM_FLAGS) },
      {}, false, sim_cmd_vm_free, SIM_CMD_PLAIN },
    { "vm protect", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("SIZE", ARG_NUMBER), P("PROT", ARG_PAGE_FLAGS) },
      {}, false, sim_cmd_vm_protect, SIM_CMD_PLAIN },
    { "vm query", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER) }, {}, false, sim_cmd_vm_query, SIM_CMD_PLAIN },
    { "vm touch", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), { "ACCESS", ARG_CHOICE, "read|write|execute", false } },
      {}, false, sim_cmd_vm_touch, SIM_CMD_PLAIN },
    { "vm map", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_vm_map, SIM_CMD_PLAIN },
    { "vm read", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER) }, { C("size", "1|2|4|8") },
      false, sim_cmd_vm_read, SIM_CMD_PLAIN },
    { "vm write", { P("PROC", ARG_PROCESS), P("ADDR", ARG_NUMBER), P("VALUE", ARG_ANY) }, { C("size", "1|2|4|8") },
      false, sim_cmd_vm_write, SIM_CMD_VM_WRITE },

    { "process create", { P("NAME", ARG_NEW_PROCESS) },
      { R("image", ARG_STRING), O("parent", ARG_PROCESS), O("by", ARG_THREAD), O("cmdline", ARG_STRING),
        C("arch", "x64|x86"), O("laa", ARG_SWITCH), O("stack_reserve", ARG_NUMBER), O("stack_commit", ARG_NUMBER),
        O("lock_memory", ARG_SWITCH) },
      false, sim_cmd_process_create, SIM_CMD_PLAIN },
    { "process exit", { P("PROC", ARG_PROCESS) }, { O("code", ARG_NUMBER) },
      false, sim_cmd_process_exit, SIM_CMD_PROCESS_EXIT },
    { "process query", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_process_query, SIM_CMD_PLAIN },
    { "process list", {}, {}, false, sim_cmd_process_list, SIM_CMD_PLAIN },

    { "thread create", { P("PROC", ARG_PROCESS), P("NAME", ARG_NEW_THREAD) },
      { O("by", ARG_THREAD), O("stack", ARG_NUMBER), O("reserve", ARG_SWITCH) },
      false, sim_cmd_thread_create, SIM_CMD_PLAIN },
    { "thread exit", { P("THREAD", ARG_THREAD) }, { O("code", ARG_NUMBER) },
      false, sim_cmd_thread_exit, SIM_CMD_THREAD_EXIT },
    { "thread query", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_query, SIM_CMD_PLAIN },
    { "thread priority", { P("THREAD", ARG_THREAD), P("N", ARG_NUMBER) }, {},
      false, sim_cmd_thread_priority, SIM_CMD_PLAIN },
    { "thread affinity", { P("THREAD", ARG_THREAD), P("MASK", ARG_NUMBER) }, {},
      false, sim_cmd_thread_affinity, SIM_CMD_PLAIN },
    { "thread wait", { P("THREAD", ARG_THREAD) }, { O("timeout", ARG_DURATION) },
      false, sim_cmd_thread_wait, SIM_CMD_PLAIN },
    { "thread wake", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_wake, SIM_CMD_PLAIN },
    { "thread suspend", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_suspend, SIM_CMD_PLAIN },
    { "thread resume", { P("THREAD", ARG_THREAD) }, {}, false, sim_cmd_thread_resume, SIM_CMD_PLAIN },
    { "stack touch", { P("THREAD", ARG_THREAD), P("BYTES", ARG_NUMBER) }, {},
      false, sim_cmd_stack_touch, SIM_CMD_PLAIN },
    { "system query", {}, {}, false, sim_cmd_system_query, SIM_CMD_PLAIN },
    { "image load", { P("PROC", ARG_PROCESS), P("PATH", ARG_STRING) }, { O("size", ARG_NUMBER), O("by", ARG_THREAD) },
      false, sim_cmd_image_load, SIM_CMD_PLAIN },

    { "handle open", { P("PROC", ARG_PROCESS), P("TARGET", ARG_OBJECT) }, { R("access", ARG_ACCESS) },
      false, sim_cmd_handle_open, SIM_CMD_PLAIN },
    { "handle dup", { P("PROC", ARG_PROCESS), P("HANDLE", ARG_NUMBER) }, { O("to", ARG_PROCESS), O("access", ARG_ACCESS) },
      false, sim_cmd_handle_dup, SIM_CMD_PLAIN },
    { "handle close", { P("PROC", ARG_PROCESS), P("HANDLE", ARG_NUMBER) }, {},
      false, sim_cmd_handle_close, SIM_CMD_PLAIN },
    { "handle list", { P("PROC", ARG_PROCESS) }, {}, false, sim_cmd_handle_list, SIM_CMD_PLAIN },

    { "syscall table", {}, {}, false, sim_cmd_syscall_table, SIM_CMD_PLAIN },
    { "syscall", { P("THREAD", ARG_THREAD), P("SERVICE", ARG_ANY) }, {}, true, sim_cmd_syscall, SIM_CMD_SYSCALL },

    { "driver load", { P("NAME", ARG_DRIVER) }, {}, true, sim_cmd_driver_load, SIM_CMD_DRIVER_OPTIONS },
    { "driver unload", { P("NAME", ARG_DRIVER) }, {}, false, sim_cmd_driver_unload, SIM_CMD_DRIVER },
    { "client read", { P("NAME", ARG_DRIVER) }, { O("buffer", ARG_NUMBER) },
      false, sim_cmd_client_read, SIM_CMD_DRIVER },
    { "client write", { P("NAME", ARG_DRIVER) }, {}, true, sim_cmd_client_write, SIM_CMD_DRIVER_OPTIONS },
    { "client open", { P("NAME", ARG_DRIVER) }, { O("by", ARG_THREAD) }, false, sim_cmd_client_open, SIM_CMD_DRIVER },
    { "client close", { P("NAME", ARG_DRIVER) }, {}, false, sim_cmd_client_close, SIM_CMD_DRIVER },
    { "client ioctl", { P("NAME", ARG_DRIVER) }, {}, true, sim_cmd_client_ioctl, SIM_CMD_DRIVER_OPTIONS },

    { "sleep", { P("DURATION", ARG_DURATION) }, {}, false, sim_cmd_sleep, SIM_CMD_PLAIN },
    /* expect is run by the engine itself (scenario.c). */
    { "expect status", { P("STATUS", ARG_ANY) }, {}, false, NULL, SIM_CMD_EXPECT },
    { "expect event", { P("EVENT", ARG_ANY) }, {}, true, NULL, SIM_CMD_EXPECT },
    { "expect", {}, {}, true, NULL, SIM_CMD_EXPECT },
};

static const char *const groups[] = { "vm", "process", "thread", "stack", "image", "handle", "driver", "client" };

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
