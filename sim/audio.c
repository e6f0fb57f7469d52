/*
 * audio.c - rendering the speaker's tones into a WAV file (audio.h): a
 * fixed-point phase accumulator over a quarter-wave sine table, so no
 * floating point and no libm decides a single byte.
 */
#include <stdlib.h>
#include <string.h>

#include "audio.h"
#include "rtl/alloc.h"

#define TICKS_PER_SECOND 10000000u /* the clock's 100 ns units */
#define FADE_SAMPLES 88u           /* 2 ms at 44.1 kHz */
#define MAX_DATA_BYTES (0xFFFFFFFFu - 36u) /* what a RIFF size field can say */

typedef struct tone {
    uint64_t time;       /* virtual clock */
    uint32_t frequency;  /* Hz, 0 = silence */
    uint32_t duration;   /* ms */
} tone;

struct sim_audio {
    tone *tones;
    size_t count, cap;
};

/* sin(2*pi*k/1024) * 12000, rounded, for k = 0..256: a quarter of a period. */
static const int16_t quarter_sine[257] = {
    0, 74, 147, 221, 294, 368, 442, 515, 589, 662, 736, 809,
    883, 956, 1030, 1103, 1176, 1249, 1323, 1396, 1469, 1542, 1615, 1688,
    1761, 1834, 1906, 1979, 2052, 2124, 2196, 2269, 2341, 2413, 2485, 2557,
    2629, 2701, 2773, 2844, 2916, 2987, 3058, 3130, 3201, 3271, 3342, 3413,
    3483, 3554, 3624, 3694, 3764, 3834, 3904, 3973, 4043, 4112, 4181, 4250,
    4319, 4387, 4456, 4524, 4592, 4660, 4728, 4795, 4863, 4930, 4997, 5064,
    5131, 5197, 5263, 5329, 5395, 5461, 5526, 5592, 5657, 5722, 5786, 5851,
    5915, 5979, 6042, 6106, 6169, 6232, 6295, 6358, 6420, 6482, 6544, 6605,
    6667, 6728, 6789, 6849, 6910, 6970, 7030, 7089, 7148, 7207, 7266, 7325,
    7383, 7441, 7498, 7556, 7613, 7669, 7726, 7782, 7838, 7894, 7949, 8004,
    8059, 8113, 8167, 8221, 8274, 8328, 8381, 8433, 8485, 8537, 8589, 8640,
    8691, 8742, 8792, 8842, 8891, 8941, 8990, 9038, 9087, 9134, 9182, 9229,
    9276, 9323, 9369, 9415, 9460, 9505, 9550, 9594, 9638, 9682, 9725, 9768,
    9811, 9853, 9895, 9937, 9978, 10018, 10059, 10099, 10138, 10177, 10216, 10255,
    10293, 10330, 10368, 10405, 10441, 10477, 10513, 10548, 10583, 10618, 10652, 10685,
    10719, 10752, 10784, 10816, 10848, 10879, 10910, 10940, 10971, 11000, 11029, 11058,
    11087, 11115, 11142, 11169, 11196, 11222, 11248, 11274, 11299, 11323, 11347, 11371,
    11394, 11417, 11440, 11462, 11483, 11504, 11525, 11545, 11565, 11585, 11604, 11622,
    11640, 11658, 11675, 11692, 11708, 11724, 11740, 11755, 11769, 11784, 11797, 11811,
    11823, 11836, 11848, 11859, 11870, 11881, 11891, 11901, 11910, 11919, 11927, 11935,
    11942, 11949, 11956, 11962, 11967, 11973, 11977, 11982, 11986, 11989, 11992, 11994,
    11996, 11998, 11999, 12000, 12000,
};

sim_audio *sim_audio_create(void)
{
    return rtl_calloc(1, sizeof(sim_audio));
}

void sim_audio_free(sim_audio *a)
{
    if (!a)
        return;
    rtl_free(a->tones);
    rtl_free(a);
}

bool sim_audio_tone(sim_audio *a, uint64_t time, uint32_t frequency, uint32_t duration_ms)
{
    if (a->count == a->cap) {
        size_t cap = a->cap ? a->cap * 2 : 64;
        tone *t = rtl_realloc(a->tones, cap * sizeof *t);
        if (!t)
            return false;
        a->tones = t;
        a->cap = cap;
    }
    a->tones[a->count++] = (tone){ time, frequency, duration_ms };
    return true;
}

size_t sim_audio_count(const sim_audio *a)
{
    return a->count;
}

/* Sample index of a clock time, counted from the first event. */
static uint64_t sample_at(const sim_audio *a, uint64_t time)
{
    return (time - a->tones[0].time) * SIM_AUDIO_RATE / TICKS_PER_SECOND;
}

/* Where tone i starts and ends (samples), cut short by the next event. */
static void span(const sim_audio *a, size_t i, uint64_t *start, uint64_t *end)
{
    *start = sample_at(a, a->tones[i].time);
    *end = *start + (uint64_t)a->tones[i].duration * SIM_AUDIO_RATE / 1000u;
    if (i + 1 < a->count) {
        uint64_t next = sample_at(a, a->tones[i + 1].time);
        if (next < *end)
            *end = next;
    }
    if (*end < *start)
        *end = *start;
}

uint64_t sim_audio_samples(const sim_audio *a)
{
    uint64_t total = 0, start, end;
    for (size_t i = 0; i < a->count; i++) {
        span(a, i, &start, &end);
        if (end > total)
            total = end;
    }
    return total;
}

/* One sample of the sine at a 32-bit phase (a full period is 2^32). */
static int32_t sine(uint32_t phase)
{
    uint32_t index = phase >> 22; /* 1024 steps a period */
    uint32_t quadrant = index >> 8, at = index & 255u;
    int32_t v = quarter_sine[quadrant & 1u ? 256u - at : at];
    return quadrant & 2u ? -v : v;
}

static void put_le(unsigned char *p, uint32_t v, int bytes)
{
    for (int i = 0; i < bytes; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

static bool write_header(FILE *out, uint32_t data_bytes)
{
    unsigned char h[44];
    memcpy(h, "RIFF", 4);
    put_le(h + 4, 36u + data_bytes, 4);
    memcpy(h + 8, "WAVEfmt ", 8);
    put_le(h + 16, 16, 4);                  /* fmt chunk size */
    put_le(h + 20, 1, 2);                   /* PCM */
    put_le(h + 22, 1, 2);                   /* mono */
    put_le(h + 24, SIM_AUDIO_RATE, 4);
    put_le(h + 28, SIM_AUDIO_RATE * 2u, 4); /* bytes per second */
    put_le(h + 32, 2, 2);                   /* block align */
    put_le(h + 34, 16, 2);                  /* bits per sample */
    memcpy(h + 36, "data", 4);
    put_le(h + 40, data_bytes, 4);
    return fwrite(h, 1, sizeof h, out) == sizeof h;
}

/* Buffered little-endian samples. */
typedef struct sink {
    FILE *out;
    unsigned char buf[8192];
    size_t n;
    bool ok;
} sink;

static void emit(sink *s, int32_t v)
{
    put_le(s->buf + s->n, (uint32_t)(uint16_t)(int16_t)v, 2);
    s->n += 2;
    if (s->n == sizeof s->buf) {
        s->ok &= fwrite(s->buf, 1, s->n, s->out) == s->n;
        s->n = 0;
    }
}

static void silence(sink *s, uint64_t samples)
{
    for (uint64_t i = 0; i < samples; i++)
        emit(s, 0);
}

/* A tone of `length` samples; frequencies a 44.1 kHz file cannot hold (at
 * or above half the rate) are silence, as frequency 0 is. */
static void render(sink *s, uint32_t frequency, uint64_t length)
{
    if (frequency == 0 || frequency >= SIM_AUDIO_RATE / 2) {
        silence(s, length);
        return;
    }
    uint32_t step = (uint32_t)(((uint64_t)frequency << 32) / SIM_AUDIO_RATE);
    uint32_t phase = 0;
    for (uint64_t i = 0; i < length; i++, phase += step) {
        int32_t v = sine(phase);
        uint64_t edge = i < length - 1 - i ? i : length - 1 - i; /* distance to the nearer end */
        if (edge < FADE_SAMPLES)
            v = v * (int32_t)edge / (int32_t)FADE_SAMPLES;
        emit(s, v);
    }
}

bool sim_audio_write(const sim_audio *a, FILE *out)
{
    uint64_t total = a->count ? sim_audio_samples(a) : 0;
    if (total > MAX_DATA_BYTES / 2)
        return false;
    if (!write_header(out, (uint32_t)(total * 2)))
        return false;
    sink s = { .out = out, .ok = true };
    uint64_t at = 0, start, end;
    for (size_t i = 0; i < a->count; i++) {
        span(a, i, &start, &end);
        if (start < at)
            start = at; /* several events at one instant: the last one sounds */
        if (end <= start)
            continue;
        silence(&s, start - at);
        render(&s, a->tones[i].frequency, end - start);
        at = end;
    }
    silence(&s, total - at);
    if (s.n)
        s.ok &= fwrite(s.buf, 1, s.n, out) == s.n;
    return s.ok && fflush(out) == 0;
}
