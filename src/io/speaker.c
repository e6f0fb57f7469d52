/*
 * speaker.c - the machine's one speaker (the PC speaker the HAL drives with
 * HalMakeBeep): the Beep driver's tones become `beep` events stamped with
 * the virtual clock, for whoever listens (the scenario engine, --audio).
 */
#include "ke/context.h"
#include "ps/ps.h"

void ntsim_speaker_tone(ULONG frequency, ULONG duration_ms)
{
    ntsim_system *sys = ke_current_system("ntsim_speaker_tone");
    ps_thread *t = ps_current_thread(sys);
    ntsim_event e = { .kind = NTSIM_EVENT_BEEP, .image = ke_current_image(), .frequency = frequency,
                      .duration = duration_ms, .pid = t ? t->process->pid : 0, .tid = t ? t->tid : 0 };
    ke_deliver_event(sys, &e);
}
