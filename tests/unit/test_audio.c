/*
 * test_audio.c - `ntsim run --audio`, checked the way a person would: play
 * the shipped book-melody scenario into a WAV, decode the file (header,
 * samples), find the tones and the silences between them, and measure each
 * tone's frequency with a Goertzel filter (and by counting zero crossings)
 * and its duration in samples. Plus the renderer's rules on small inputs:
 * cuts, rests, an empty recording, and the same bytes every time.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "scenario.h"

#define T0 UINT64_C(134116992000000000) /* the virtual clock at boot */
#define MS UINT64_C(10000)
#define RATE 44100
#define SAMPLES_PER_MS 44.1

/* ---- a WAV, decoded ------------------------------------------------------------------- */

typedef struct wav {
    int16_t *s;
    size_t n;
} wav;

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p)
{
    return (uint16_t)(p[0] | p[1] << 8);
}

/* The bytes of a file written by sim_audio_write. */
static unsigned char *bytes_of(const sim_audio *a, size_t *len)
{
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_true(sim_audio_write(a, f));
    long size = ftell(f);
    assert_true(size >= 44);
    unsigned char *b = malloc((size_t)size);
    assert_non_null(b);
    rewind(f);
    assert_int_equal(fread(b, 1, (size_t)size, f), (size_t)size);
    fclose(f);
    *len = (size_t)size;
    return b;
}

/* Checks the header a player reads (RIFF, PCM, mono, 44.1 kHz, 16-bit) and takes the samples. */
static wav decode(const unsigned char *b, size_t len)
{
    assert_memory_equal(b, "RIFF", 4);
    assert_int_equal(le32(b + 4), len - 8);
    assert_memory_equal(b + 8, "WAVEfmt ", 8);
    assert_int_equal(le32(b + 16), 16);
    assert_int_equal(le16(b + 20), 1);     /* PCM */
    assert_int_equal(le16(b + 22), 1);     /* mono */
    assert_int_equal(le32(b + 24), RATE);
    assert_int_equal(le32(b + 28), RATE * 2);
    assert_int_equal(le16(b + 32), 2);
    assert_int_equal(le16(b + 34), 16);
    assert_memory_equal(b + 36, "data", 4);
    assert_int_equal(le32(b + 40), len - 44);
    wav w = { malloc(len), (len - 44) / 2 };
    assert_non_null(w.s);
    for (size_t i = 0; i < w.n; i++)
        w.s[i] = (int16_t)le16(b + 44 + 2 * i);
    return w;
}

static wav render(const sim_audio *a)
{
    size_t len;
    unsigned char *b = bytes_of(a, &len);
    wav w = decode(b, len);
    free(b);
    return w;
}

/* ---- measuring ---------------------------------------------------------------------------- */

/* cos(x) without libm: reduce to [-pi, pi], then the Taylor series. */
static double cosine(double x)
{
    const double pi = 3.14159265358979323846;
    while (x > pi)
        x -= 2 * pi;
    while (x < -pi)
        x += 2 * pi;
    double term = 1, sum = 1;
    for (int k = 1; k < 30; k++) {
        term *= -x * x / ((2 * k - 1) * (2 * k));
        sum += term;
    }
    return sum;
}

/* The share of a stretch's energy at `frequency` (Goertzel): about 1 for a pure tone. */
static double tone_share(const int16_t *x, size_t n, double frequency)
{
    double coeff = 2 * cosine(2 * 3.14159265358979323846 * frequency / RATE);
    double s1 = 0, s2 = 0, energy = 0;
    for (size_t i = 0; i < n; i++) {
        double s = x[i] + coeff * s1 - s2;
        s2 = s1;
        s1 = s;
        energy += (double)x[i] * x[i];
    }
    double power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
    return energy > 0 ? 2 * power / ((double)n * energy) : 0;
}

/* A frequency estimate from the upward zero crossings over a stretch. */
static double crossings_frequency(const int16_t *x, size_t n)
{
    size_t first = 0, last = 0, count = 0;
    for (size_t i = 1; i < n; i++) {
        if (x[i - 1] < 0 && x[i] >= 0) {
            if (count++ == 0)
                first = i;
            last = i;
        }
    }
    return count > 1 ? (double)(count - 1) * RATE / (double)(last - first) : 0;
}

/* A tone heard: where it starts and ends (samples) and what it measures. */
typedef struct heard {
    size_t start, end;
    double share, crossings;
} heard;

/*
 * Tones as an ear separates them: stretches where the signal is loud,
 * split where it dips (silence, or the 2 ms fades between two tones that
 * touch). Loud: the largest sample within +-16 samples is at least 3600
 * (the tones' amplitude is 12000; at the lowest note, 300 Hz, any 33
 * samples reach 0.64 of it; the fades stay under 0.2 of it near a joint).
 */
static size_t find_tones(const wav *w, heard *out, size_t cap)
{
    size_t count = 0, i = 0;
    int16_t *peak = malloc(w->n * sizeof *peak);
    assert_non_null(peak);
    for (size_t k = 0; k < w->n; k++) {
        int m = 0;
        for (size_t j = k >= 16 ? k - 16 : 0; j <= k + 16 && j < w->n; j++)
            m = abs(w->s[j]) > m ? abs(w->s[j]) : m;
        peak[k] = (int16_t)m;
    }
    while (i < w->n) {
        while (i < w->n && peak[i] < 3600)
            i++;
        size_t start = i;
        while (i < w->n && peak[i] >= 3600)
            i++;
        if (i > start && count < cap)
            out[count++] = (heard){ start, i, 0, 0 };
    }
    free(peak);
    return count;
}

static void measure(const wav *w, heard *h, double frequency)
{
    h->share = tone_share(w->s + h->start, h->end - h->start, frequency);
    h->crossings = crossings_frequency(w->s + h->start, h->end - h->start);
}

static double ms_of(size_t samples)
{
    return samples / SAMPLES_PER_MS;
}

/* ---- the renderer's rules ----------------------------------------------------------------- */

static void one_tone_is_rendered_at_its_frequency_for_its_duration(void **state)
{
    (void)state;
    sim_audio *a = sim_audio_create();
    sim_audio_tone(a, T0 + 1234, 1000, 100);
    wav w = render(a);
    assert_int_equal(w.n, 4410); /* 100 ms, from the tone on */
    assert_true(tone_share(w.s, w.n, 1000) > 0.95);
    assert_true(tone_share(w.s, w.n, 1100) < 0.05);
    assert_int_equal(w.s[0], 0);       /* faded in */
    assert_int_equal(w.s[w.n - 1], 0); /* and out */
    free(w.s);
    sim_audio_free(a);
}

static void silence_lies_between_tones_and_a_rest_is_silence(void **state)
{
    (void)state;
    sim_audio *a = sim_audio_create();
    sim_audio_tone(a, T0, 500, 50);
    sim_audio_tone(a, T0 + 80 * MS, 0, 20); /* a rest */
    sim_audio_tone(a, T0 + 120 * MS, 700, 50);
    wav w = render(a);
    assert_int_equal(w.n, 170 * 441 / 10);
    for (size_t i = 50 * 441 / 10; i < 120 * 441 / 10; i++)
        assert_int_equal(w.s[i], 0);
    assert_true(tone_share(w.s, 50 * 441 / 10, 500) > 0.95);
    assert_true(tone_share(w.s + 120 * 441 / 10, 50 * 441 / 10, 700) > 0.95);
    free(w.s);
    sim_audio_free(a);
}

static void later_tone_cuts_one_still_sounding(void **state)
{
    (void)state;
    sim_audio *a = sim_audio_create();
    sim_audio_tone(a, T0, 440, 1000);
    sim_audio_tone(a, T0 + 100 * MS, 880, 100);
    wav w = render(a);
    assert_int_equal(w.n, 2 * 4410); /* the 440 Hz tone lasted 100 ms, not 1 s */
    assert_true(tone_share(w.s, 4410, 440) > 0.95);
    assert_true(tone_share(w.s + 4410, 4410, 880) > 0.95);
    free(w.s);
    sim_audio_free(a);
}

static void no_tone_is_an_empty_but_valid_wav(void **state)
{
    (void)state;
    sim_audio *a = sim_audio_create();
    wav w = render(a);
    assert_int_equal(w.n, 0);
    free(w.s);
    sim_audio_free(a);
}

/* ---- the book's melody, heard ----------------------------------------------------------- */

/* sim/scenarios/book-melody.scn, found from this file's path. */
static char *read_scenario(size_t *len)
{
    char path[1024];
    const char *me = __FILE__;
    const char *tail = strstr(me, "tests/unit/test_audio.c");
    assert_non_null(tail);
    snprintf(path, sizeof path, "%.*ssim/scenarios/book-melody.scn", (int)(tail - me), me);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char text[16384];
    *len = fread(text, 1, sizeof text, f);
    fclose(f);
    return text;
}

/* Runs the scenario with --audio; the jsonl output's beep events too. */
static sim_audio *play_book_melody(uint64_t *times, uint32_t *frequencies, size_t *beeps)
{
    size_t len;
    const char *text = read_scenario(&len);
    sim_run_options o = { .format = SIM_FORMAT_JSONL, .audio = sim_audio_create() };
    FILE *out = tmpfile();
    assert_int_equal(sim_run_buffer("book-melody.scn", text, len, &o, out, stderr), 0);
    rewind(out);
    char line[4096];
    *beeps = 0;
    while (fgets(line, sizeof line, out)) {
        const char *e = strstr(line, "\"event\":\"beep\"");
        unsigned long long t;
        unsigned f;
        if (e && sscanf(e, "\"event\":\"beep\",\"time\":%llu", &t) == 1 &&
            sscanf(strstr(e, "\"frequency\":"), "\"frequency\":%u", &f) == 1) {
            times[*beeps] = t;
            frequencies[(*beeps)++] = f;
        }
    }
    fclose(out);
    return o.audio;
}

typedef struct note {
    double frequency, ms;
} note;

static void book_melody_is_heard_as_the_book_client_plays_it(void **state)
{
    (void)state;
    uint64_t times[64];
    uint32_t freqs[64];
    size_t beeps;
    sim_audio *a = play_book_melody(times, freqs, &beeps);
    wav w = render(a);

    /* What the book's client sends: 10 notes of 500 ms, then 10 of 300 ms played twice. */
    note want[30];
    for (int i = 0; i < 10; i++)
        want[i] = (note){ 400 + 30 * i, 500 };
    for (int i = 0; i < 10; i++)
        want[10 + 2 * i] = want[11 + 2 * i] = (note){ 1200 - 100 * i, 300 };

    heard h[64];
    size_t n = find_tones(&w, h, 64);
    assert_int_equal(n, 30);
    assert_int_equal(beeps, 30);
    for (size_t i = 0; i < n; i++) {
        measure(&w, &h[i], want[i].frequency);
        /* The pitch: nearly all the energy at the note, and the zero crossings agree. */
        if (h[i].share < 0.98 || h[i].crossings < want[i].frequency - 2 || h[i].crossings > want[i].frequency + 2)
            fail_msg("tone %zu: want %.0f Hz, energy share %.3f, crossings say %.1f Hz", i, want[i].frequency,
                     h[i].share, h[i].crossings);
        /* The length: the duration asked for, less the quiet edges of the fades (under 2 ms). */
        double ms = ms_of(h[i].end - h[i].start);
        if (ms < want[i].ms - 2 || ms > want[i].ms)
            fail_msg("tone %zu (%.0f Hz): lasts %.2f ms, want %.0f", i, want[i].frequency, ms, want[i].ms);
        /* Where: at its beep event's time on the virtual clock, sample 0 being the first tone. */
        assert_int_equal(freqs[i], (uint32_t)want[i].frequency);
        double at = (double)(times[i] - times[0]) / MS;
        if (ms_of(h[i].start) < at || ms_of(h[i].start) > at + 2)
            fail_msg("tone %zu starts at %.2f ms, its beep event at %.2f ms", i, ms_of(h[i].start), at);
    }

    /* The silences: none inside batch 1 (each note ends as the next begins), then
       the delay between repeats (300 ms, woken on a 15.625 ms clock tick) and
       less than a tick between notes. Measured start to start. */
    for (size_t i = 1; i < n; i++) {
        double gap = ms_of(h[i].start - h[i - 1].start) - want[i - 1].ms;
        double lo = 0, hi = 2;
        if (i > 10 && i % 2 == 1) {
            lo = 300; /* the second repeat: after the delay */
            hi = 300 + 2 * 15.625;
        } else if (i > 10) {
            hi = 15.625;
        }
        /* (each start is found up to a millisecond into its fade-in, depending on the pitch) */
        if (gap < lo - 1 || gap > hi + 1)
            fail_msg("silence before tone %zu: %.2f ms, want %.1f..%.1f", i, gap, lo, hi);
        /* True silence (zero samples) where the clock says no tone sounds. */
        size_t end_of_previous = (size_t)((double)(times[i - 1] - times[0]) / MS * SAMPLES_PER_MS + want[i - 1].ms * SAMPLES_PER_MS);
        size_t next = (size_t)((double)(times[i] - times[0]) / MS * SAMPLES_PER_MS);
        for (size_t k = end_of_previous + 1; k + 1 < next; k++)
            if (w.s[k] != 0)
                fail_msg("sample %zu between tones %zu and %zu is %d, not silence", k, i - 1, i, w.s[k]);
    }
    /* The file ends with the last tone. */
    assert_int_equal(w.n, (size_t)((times[29] - times[0]) * RATE / 10000000) + 300 * 441 / 10);
    free(w.s);
    sim_audio_free(a);
}

/* FNV-1a: the rendering is integer arithmetic only, so these bytes are the same everywhere. */
static uint64_t fnv1a(const unsigned char *b, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++)
        h = (h ^ b[i]) * UINT64_C(0x100000001b3);
    return h;
}

static void book_melody_gives_the_same_bytes_every_time(void **state)
{
    (void)state;
    uint64_t times[64];
    uint32_t freqs[64];
    size_t beeps, len1, len2;
    sim_audio *a = play_book_melody(times, freqs, &beeps);
    sim_audio *b = play_book_melody(times, freqs, &beeps);
    unsigned char *x = bytes_of(a, &len1), *y = bytes_of(b, &len2);
    assert_int_equal(len1, len2);
    assert_memory_equal(x, y, len1);
    /* Pinned: a change here is a change in what students hear (update it on purpose). */
    assert_int_equal(len1, 44 + 2 * (size_t)sim_audio_samples(a));
    printf("book-melody.wav: %zu bytes, fnv1a %016llx\n", len1, (unsigned long long)fnv1a(x, len1));
    assert_int_equal(fnv1a(x, len1), UINT64_C(0xfe11d6a68100f384));
    free(x);
    free(y);
    sim_audio_free(a);
    sim_audio_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(one_tone_is_rendered_at_its_frequency_for_its_duration),
        cmocka_unit_test(silence_lies_between_tones_and_a_rest_is_silence),
        cmocka_unit_test(later_tone_cuts_one_still_sounding),
        cmocka_unit_test(no_tone_is_an_empty_but_valid_wav),
        cmocka_unit_test(book_melody_is_heard_as_the_book_client_plays_it),
        cmocka_unit_test(book_melody_gives_the_same_bytes_every_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
