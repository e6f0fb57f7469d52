/*
 * audio.h - `ntsim run --audio FILE.wav`: the tones the speaker played (the
 * Beep driver's `beep` events), rendered into a WAV file at their times on
 * the virtual clock, so a student hears what the scenario played.
 *
 * The file: RIFF/WAVE, PCM, 44100 Hz, 16-bit, mono. Sample 0 is the instant
 * of the first beep event; the file ends where the last event's span ends.
 * Each tone is a sine wave (amplitude 12000 of 32767, starting at phase 0,
 * with 2 ms linear fades in and out against clicks) from its start for its
 * duration; frequency 0 is silence; a later event cuts a tone still
 * sounding (one speaker); between tones the samples are 0. Only integer
 * arithmetic (a 32-bit phase accumulator, a quarter-wave table), so the same
 * tones give the same bytes on every platform.
 */
#ifndef NTSIM_SIM_AUDIO_H
#define NTSIM_SIM_AUDIO_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SIM_AUDIO_RATE 44100u /* samples per second */

typedef struct sim_audio sim_audio;

/* An empty recording; NULL when the host is out of memory. */
sim_audio *sim_audio_create(void);
void sim_audio_free(sim_audio *audio);

/* One beep event: a tone of `frequency` Hz (0: silence) for `duration_ms`
 * from `time` (the virtual clock, 100 ns units). Events come in time order. O(1) amortized.
 * False (nothing recorded) when the host is out of memory. */
bool sim_audio_tone(sim_audio *audio, uint64_t time, uint32_t frequency, uint32_t duration_ms);

/* How many tones were recorded. */
size_t sim_audio_count(const sim_audio *audio);

/* How many samples the WAV holds. */
uint64_t sim_audio_samples(const sim_audio *audio);

/*
 * Writes the WAV to out, streaming (memory stays O(tones)). false when the
 * recording does not fit a WAV file (more than 4 GB of samples: about 13
 * hours between the first tone and the last) or a write failed.
 */
bool sim_audio_write(const sim_audio *audio, FILE *out);

#endif
