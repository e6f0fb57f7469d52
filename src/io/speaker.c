/*
 * speaker.c - the machine's one speaker (the PC speaker the HAL drives with
 * HalMakeBeep): the Beep driver's tones become `beep` events stamped with
 * the virtual clock, for whoever listens (the scenario engine, --audio).
 */
#include "io/io.h"
#include "ke/context.h"
#include "system/system.h"
#include "ps/ps.h"

void ntsim_speaker_tone(ULONG frequency, ULONG duration_ms)
{
    ntsim_system *sys = ke_current_system("ntsim_speaker_tone");
    io_driver *d = ke_current_driver();
    ps_thread *t = sys->current_thread;
    ntsim_event e = { .kind = NTSIM_EVENT_BEEP, .image = d ? d->name : "", .frequency = frequency,
                      .duration = duration_ms, .pid = t ? t->process->pid : 0, .tid = t ? t->tid : 0 };
    ke_deliver_event(sys, &e);
}
