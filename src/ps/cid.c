/*
 * cid.c - client IDs: one table (PspCidTable) hands out PIDs and TIDs, both
 * multiples of 4. It is strictly FIFO, so an ID returns to the pool only when
 * its object is deleted and comes back only after the others in the pool.
 */
#include "ps/ps.h"

ps_process *ps_lookup_process(ntsim_system *sys, ULONG pid)
{
    if (pid == 0)
        return ps_state(sys)->idle;
    ob_handle_entry *e = ob_handle_lookup(&ps_state(sys)->cid_table, pid);
    if (!e || (pid & 3))
        return NULL;
    ob_header *h = e->object;
    return h->type == &ps_process_type ? (ps_process *)h : NULL;
}

ps_thread *ps_lookup_thread(ntsim_system *sys, ULONG tid)
{
    ob_handle_entry *e = ob_handle_lookup(&ps_state(sys)->cid_table, tid);
    if (!e || (tid & 3))
        return NULL;
    ob_header *h = e->object;
    return h->type == &ps_thread_type ? (ps_thread *)h : NULL;
}
