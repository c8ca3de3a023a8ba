// Rank selection over every window of a vertical strip by column histograms (Perreault & Hébert 2007),
// for strips of at most CK_RANK_STRIP_MAX_BINS distinct bins (see ck_rank_strip in CKernels.h).
//
// Bins are split 8 + 4 + 4 bits: a top level of T = 32 or 64 counters (256 bins each), a mid level of
// 16 counters per top bin and the 256 fine counters per top bin. Each padded column of the strip keeps
// all three as 8-bit counters (one add and one remove per row). The window's top counters slide along
// the row as vectors for every pixel; its mid and fine counters are kept for one top bin only, the
// pivot — the one holding the wanted rank at the last pixel — and slide with it (16 + 256 counters:
// two columns' worth loaded and added per pixel, whatever the footprint's size). When the rank leaves
// the pivot, the pivot moves and the window's mid and fine counters are rebuilt from its columns. The
// window moves down a row at the end of each row and the next row is walked the other way
// (serpentine, as Huang 1979), so rows start without a rebuild. Per pixel: two column updates per
// level, the slides, and three vector searches (top check, mid, fine), no data-dependent branch
// except the pivot's rare moves. A window of at most 255 values (15×15 and below) keeps all its
// counters in 8 bits, and so does any window's fine level when no bin occurs more than 255 times in
// the strip: half the bytes slid per pixel, no widening (15×15 UInt16: ~20 % less CPU).
#include "CKernels.h"

#include <string.h>

#include "Clones.h"

// Vectors pass between helpers that are all inlined (always_inline), so no call ever uses the vector ABI
// the baseline clone would change.
#if defined(__clang__)
#pragma clang diagnostic ignored "-Wpsabi"
#endif

typedef uint16_t ck_u16x16 __attribute__((vector_size(32)));
typedef int16_t ck_i16x16 __attribute__((vector_size(32)));
typedef uint16_t ck_u16x32 __attribute__((vector_size(64)));
typedef int16_t ck_i16x32 __attribute__((vector_size(64)));
typedef uint8_t ck_u8x16 __attribute__((vector_size(16)));
typedef uint8_t ck_u8x32 __attribute__((vector_size(32)));
typedef uint8_t ck_u8x64 __attribute__((vector_size(64)));

#define CK_INLINE static inline __attribute__((always_inline))

enum { MID = 16, FINE = 256, TOP_MAX = 64 };

/// One strip's counters and the window's. top[c·T + t]; mid[(t·columns + c)·16 + m];
/// fine[(t·columns + c)·256 + f] for bin t·256 + m·16 + f.
typedef struct {
    size_t columns, fw, fh;
    uint8_t *top, *mid, *fine;
    uint16_t *kFine;            // the window's 256 fine counters of the pivot (64-byte aligned)
    uint8_t *kFine8;            // the same as 8-bit counters, for a narrow window (the same memory)
} ck_strip;

/// The window's state: top counters (T/32 vectors), the pivot, its mid counters, and whether mid and
/// kFine hold the pivot's counts for the current window.
/// A narrow window (at most 255 values: fw·fh ≤ 255) counts in 8 bits: top8, mid8 and kFine8 instead
/// of top, mid and kFine — half the bytes slid for every pixel, and no widening on the way.
typedef struct {
    ck_u16x32 top[TOP_MAX / 32];
    ck_u16x16 mid;
    uint8_t top8[TOP_MAX] __attribute__((aligned(64)));
    ck_u8x16 mid8;
    size_t pivot;
    int held;
} ck_window;

CK_INLINE size_t ck_top_count(size_t binCount) { return binCount <= 32 * FINE ? 32 : 64; }

int ck_rank_strip_bytes(size_t binCount, size_t columns, size_t *columnBytes, size_t *workBytes) {
    if (binCount > CK_RANK_STRIP_MAX_BINS) return 0;
    size_t tops = (binCount + FINE - 1) / FINE;
    *columnBytes = columns * (ck_top_count(binCount) + tops * (MID + FINE)) + 64;
    *workBytes = (FINE + binCount) * sizeof(uint16_t) + 64;
    return 1;
}

CK_INLINE ck_u16x16 ck_widen16(const uint8_t *p) {
    ck_u8x16 v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, ck_u16x16);
}

CK_INLINE ck_u16x32 ck_widen32(const uint8_t *p) {
    ck_u8x32 v;
    memcpy(&v, p, sizeof v);
    return __builtin_convertvector(v, ck_u16x32);
}

/// Adds (delta 1) or removes (delta 255 ≡ −1) one strip row's valid bins to their columns.
CK_INLINE void ck_update_row(const ck_strip *s, const int32_t *line, uint8_t delta, const size_t T) {
    const size_t columns = s->columns;
    for (size_t c = 0; c < columns; c++) {
        int32_t b = line[c];
        if (b < 0) continue;
        size_t q = (size_t)b, tc = (q >> 8) * columns + c;
        s->top[c * T + (q >> 8)] += delta;
        s->mid[tc * MID + ((q >> 4) & 15)] += delta;
        s->fine[tc * FINE + (q & 255)] += delta;
    }
}

/// The window's top counters at left column x, summed from its columns.
CK_INLINE void ck_top_build(const ck_strip *s, ck_window *w, size_t x, const size_t T, const int narrow) {
    if (narrow) {
        memset(w->top8, 0, sizeof w->top8);
        for (size_t c = x; c < x + s->fw; c++)
            for (size_t t = 0; t < T; t++) w->top8[t] += s->top[c * T + t];
        return;
    }
    for (size_t v = 0; v < T / 32; v++) w->top[v] = (ck_u16x32){0};
    for (size_t c = x; c < x + s->fw; c++)
        for (size_t v = 0; v < T / 32; v++) w->top[v] += ck_widen32(s->top + c * T + v * 32);
}

/// The window's top counters 32v ..< 32v + 32 as 16-bit lanes.
CK_INLINE ck_u16x32 ck_top_lanes(const ck_window *w, size_t v, const int narrow) {
    if (!narrow) return w->top[v];
    return ck_widen32(w->top8 + 32 * v);
}

/// The pivot's window fine counters summed from its fw columns at f: 8-bit when fine8 (every sum is at
/// most 255, so no lane can carry), else 16-bit.
CK_INLINE void ck_fine_rebuild(const ck_strip *s, const uint8_t *f, size_t fw, const int fine8) {
    if (fine8) {
        for (size_t i = 0; i < FINE; i += 64) {
            ck_u8x64 a = {0};
            for (size_t c = 0; c < fw; c++) {
                ck_u8x64 v;
                memcpy(&v, f + c * FINE + i, sizeof v);
                a += v;
            }
            memcpy(s->kFine8 + i, &a, sizeof a);
        }
        return;
    }
    for (size_t i = 0; i < FINE; i += 32) {
        ck_u16x32 a = {0}, b = {0};
        size_t c = 0;
        for (; c + 1 < fw; c += 2) {
            a += ck_widen32(f + c * FINE + i);
            b += ck_widen32(f + (c + 1) * FINE + i);
        }
        if (c < fw) a += ck_widen32(f + c * FINE + i);
        a += b;
        memcpy(s->kFine + i, &a, sizeof a);
    }
}

/// The pivot's mid and fine counters for the window at left column x, summed from its columns.
CK_INLINE void ck_rebuild(const ck_strip *s, ck_window *w, size_t x, const int narrow, const int fine8) {
    const size_t columns = s->columns, fw = s->fw, t = w->pivot;
    const uint8_t *m = s->mid + (t * columns + x) * MID, *f = s->fine + (t * columns + x) * FINE;
    if (narrow) {
        ck_u8x16 mid8 = {0};
        for (size_t c = 0; c < fw; c++) {
            ck_u8x16 v;
            memcpy(&v, m + c * MID, sizeof v);
            mid8 += v;
        }
        w->mid8 = mid8;
    } else {
        ck_u16x16 mid = {0};
        for (size_t c = 0; c < fw; c++) mid += ck_widen16(m + c * MID);
        w->mid = mid;
    }
    ck_fine_rebuild(s, f, fw, fine8);
    w->held = 1;
}

/// Moves the window by one column: column `in` enters, column `out` leaves.
CK_INLINE void ck_slide(const ck_strip *s, ck_window *w, size_t in, size_t out, const size_t T, const int narrow,
                        const int fine8) {
    if (narrow) {
        for (size_t v = 0; v < T / 32; v++) {
            ck_u8x32 a, i, o;
            memcpy(&a, w->top8 + 32 * v, sizeof a);
            memcpy(&i, s->top + in * T + v * 32, sizeof i);
            memcpy(&o, s->top + out * T + v * 32, sizeof o);
            a = a + i - o;
            memcpy(w->top8 + 32 * v, &a, sizeof a);
        }
    } else {
        for (size_t v = 0; v < T / 32; v++)
            w->top[v] = w->top[v] + ck_widen32(s->top + in * T + v * 32) - ck_widen32(s->top + out * T + v * 32);
    }
    if (!w->held) return;
    const size_t tc = w->pivot * s->columns;
    if (narrow) {
        ck_u8x16 mi, mo;
        memcpy(&mi, s->mid + (tc + in) * MID, sizeof mi);
        memcpy(&mo, s->mid + (tc + out) * MID, sizeof mo);
        w->mid8 = w->mid8 + mi - mo;
    } else {
        w->mid = w->mid + ck_widen16(s->mid + (tc + in) * MID) - ck_widen16(s->mid + (tc + out) * MID);
    }
    const uint8_t *fi = s->fine + (tc + in) * FINE, *fo = s->fine + (tc + out) * FINE;
    if (fine8) {
        for (size_t i = 0; i < FINE; i += 64) {
            ck_u8x64 a, b, c;
            memcpy(&a, s->kFine8 + i, sizeof a);
            memcpy(&b, fi + i, sizeof b);
            memcpy(&c, fo + i, sizeof c);
            a = a + b - c;
            memcpy(s->kFine8 + i, &a, sizeof a);
        }
        return;
    }
    for (size_t i = 0; i < FINE; i += 32) {
        ck_u16x32 a;
        memcpy(&a, s->kFine + i, sizeof a);
        a = a + ck_widen32(fi + i) - ck_widen32(fo + i);
        memcpy(s->kFine + i, &a, sizeof a);
    }
}

/// Adds one to (delta 1) or removes one from (delta −1) bin b in the window's counters.
CK_INLINE void ck_window_bin(const ck_strip *s, ck_window *w, int32_t b, int delta, const int narrow,
                             const int fine8) {
    const ck_u16x32 iota = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                            16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
    const ck_u8x16 iota8 = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    if (b < 0) return;
    size_t q = (size_t)b, t = q >> 8;
    if (narrow) w->top8[t] += (uint8_t)delta;
    else w->top[t >> 5] += (ck_u16x32)(iota == (uint16_t)(t & 31)) & (uint16_t)delta;
    if (!w->held || t != w->pivot) return;
    if (narrow) {
        w->mid8 += (ck_u8x16)(iota8 == (uint8_t)((q >> 4) & 15)) & (uint8_t)delta;
    } else {
        w->mid += (ck_u16x16)(__builtin_shufflevector(iota, iota, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14,
                                                      15) == (uint16_t)((q >> 4) & 15)) & (uint16_t)delta;
    }
    if (fine8) s->kFine8[q & 255] += (uint8_t)delta;
    else s->kFine[q & 255] += (uint16_t)delta;
}

/// The lane of counters v holding 0-based rank *rest (*rest < Σv); *rest becomes the rank within it.
/// Branch-free: an inclusive prefix sum (within each half, then across), the count of prefixes ≤ *rest.
CK_INLINE size_t ck_search16(ck_u16x16 v, uint32_t *rest) {
    const ck_u16x16 z = {0};
    v += __builtin_shufflevector(v, z, 16, 0, 1, 2, 3, 4, 5, 6, 16, 8, 9, 10, 11, 12, 13, 14);
    v += __builtin_shufflevector(v, z, 16, 16, 0, 1, 2, 3, 4, 5, 16, 16, 8, 9, 10, 11, 12, 13);
    v += __builtin_shufflevector(v, z, 16, 16, 16, 16, 0, 1, 2, 3, 16, 16, 16, 16, 8, 9, 10, 11);
    v += __builtin_shufflevector(v, z, 16, 16, 16, 16, 16, 16, 16, 16, 7, 7, 7, 7, 7, 7, 7, 7);
    ck_i16x16 le = (ck_i16x16)(v <= (ck_u16x16)(z + (uint16_t)*rest));  // −1 where true: a prefix of lanes
    size_t j = (size_t)(int16_t)-__builtin_reduce_add(le);
    *rest -= __builtin_reduce_max(v & (ck_u16x16)le);
    return j;
}

/// ck_search16 for counters whose sum is at most 255 (a narrow window): 8-bit lanes, the same result.
CK_INLINE size_t ck_search16_u8(ck_u8x16 v, uint32_t *rest) {
    const ck_u8x16 z = {0};
    v += __builtin_shufflevector(v, z, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14);
    v += __builtin_shufflevector(v, z, 16, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13);
    v += __builtin_shufflevector(v, z, 16, 16, 16, 16, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    v += __builtin_shufflevector(v, z, 16, 16, 16, 16, 16, 16, 16, 16, 0, 1, 2, 3, 4, 5, 6, 7);
    ck_u8x16 le = (ck_u8x16)(v <= (ck_u8x16)(z + (uint8_t)*rest));  // 255 where true: a prefix of lanes
    size_t j = __builtin_reduce_add(le & (uint8_t)1);
    *rest -= __builtin_reduce_max(v & le);
    return j;
}

/// Values in top bins below the pivot, and up to and including it.
CK_INLINE void ck_pivot_counts(const ck_window *w, uint32_t *below, uint32_t *upto, const size_t T,
                               const int narrow) {
    const ck_u16x32 iota = {0,  1,  2,  3,  4,  5,  6,  7,  8,  9,  10, 11, 12, 13, 14, 15,
                            16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31};
    const ck_u16x32 pivot = iota * 0 + (uint16_t)w->pivot;
    ck_u16x32 lt = {0}, le = {0};
    for (size_t v = 0; v < T / 32; v++) {
        const ck_u16x32 lane = iota + (uint16_t)(32 * v);
        lt += ck_top_lanes(w, v, narrow) & (ck_u16x32)(lane < pivot);
        le += ck_top_lanes(w, v, narrow) & (ck_u16x32)(lane <= pivot);
    }
    *below = (uint16_t)__builtin_reduce_add(lt);
    *upto = (uint16_t)__builtin_reduce_add(le);
}

/// Moves the pivot to the top bin holding rank `rest`; returns the values in the bins below it.
CK_INLINE uint32_t ck_pivot_search(ck_window *w, uint32_t rest, const size_t T, const int narrow) {
    uint32_t r = rest;
    for (size_t g = 0; g < T / 16; g++) {
        const ck_u16x32 t = ck_top_lanes(w, g >> 1, narrow);
        ck_u16x16 v = (g & 1) ? __builtin_shufflevector(t, t, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
                                                        30, 31)
                              : __builtin_shufflevector(t, t, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        uint32_t sum = (uint16_t)__builtin_reduce_add(v);
        if (r < sum || g + 1 == T / 16) {
            w->pivot = g * 16 + ck_search16(v, &r);
            break;
        }
        r -= sum;
    }
    w->held = 0;
    return rest - r;
}

/// The result at window x: the bin of rank rankOf[k] (k the window's valid count) as a value, or the centre.
CK_INLINE double ck_select(const ck_strip *s, ck_window *w, size_t x, const int32_t *rankOf, const double *lookup,
                           double centre, const int full, const size_t T, const int narrow,
                           const int fine8) {
    uint32_t rest;
    if (full) {
        rest = (uint32_t)rankOf[s->fw * s->fh];
    } else {
        ck_u16x32 sum = ck_top_lanes(w, 0, narrow);
        for (size_t v = 1; v < T / 32; v++) sum += ck_top_lanes(w, v, narrow);
        uint32_t k = (uint16_t)__builtin_reduce_add(sum);
        if (k == 0) return centre;
        rest = (uint32_t)rankOf[k];
    }
    uint32_t below, upto;
    ck_pivot_counts(w, &below, &upto, T, narrow);
    if (__builtin_expect(rest < below || rest >= upto, 0)) below = ck_pivot_search(w, rest, T, narrow);
    if (__builtin_expect(!w->held, 0)) ck_rebuild(s, w, x, narrow, fine8);
    rest -= below;
    if (narrow) {
        size_t m = ck_search16_u8(w->mid8, &rest);
        ck_u8x16 fine;
        memcpy(&fine, s->kFine8 + m * 16, sizeof fine);
        size_t f = ck_search16_u8(fine, &rest);
        return lookup[w->pivot * FINE + m * 16 + f];
    }
    size_t m = ck_search16(w->mid, &rest);
    ck_u16x16 fine;
    if (fine8) fine = ck_widen16(s->kFine8 + m * 16);  // 16 counters of ≤ 255 each may sum past 255
    else memcpy(&fine, s->kFine + m * 16, sizeof fine);
    size_t f = ck_search16(fine, &rest);
    return lookup[w->pivot * FINE + m * 16 + f];
}

CK_INLINE int ck_row_chosen(const uint8_t *chosen, size_t width) {
    if (!chosen) return 1;
    for (size_t x = 0; x < width; x++)
        if (chosen[x]) return 1;
    return 0;
}

CK_INLINE void ck_strip_run(const ck_strip *s, const int32_t *bins, size_t rows, const int32_t *rankOf,
                            const double *lookup, const double *centre, size_t centreStride,
                            const uint8_t *chosen, size_t chosenStride, double *out, size_t outStride,
                            const int full, const size_t T, const int narrow,
                            const int fine8) {
    const size_t columns = s->columns, fw = s->fw, fh = s->fh, width = columns - fw + 1, height = rows - fh + 1;
    for (size_t r = 0; r < fh; r++) ck_update_row(s, bins + r * columns, 1, T);
    ck_window w;
    w.pivot = 0;
    w.held = 0;
    ck_top_build(s, &w, 0, T, narrow);
    size_t x = 0;  // the window's left column
    for (size_t y = 0; y < height; y++) {
        const uint8_t *ch = chosen ? chosen + y * chosenStride : NULL;
        if (ck_row_chosen(ch, width)) {
            // Walk the row away from the edge the window is at.
            const int right = x == 0;
            for (size_t i = 0; i < width; i++) {
                if (i > 0) {
                    if (right) { ck_slide(s, &w, x + fw, x, T, narrow, fine8); x++; }
                    else { ck_slide(s, &w, x - 1, x + fw - 1, T, narrow, fine8); x--; }
                }
                if (ch && !ch[x]) continue;
                out[y * outStride + x] =
                    ck_select(s, &w, x, rankOf, lookup, centre[y * centreStride + x], full, T, narrow, fine8);
            }
        }
        if (y + 1 == height) break;
        // Down a row: row y leaves, row y + fh enters, in the columns and in the window's columns.
        const int32_t *leaving = bins + y * columns, *entering = bins + (y + fh) * columns;
        for (size_t c = x; c < x + fw; c++) {
            ck_window_bin(s, &w, leaving[c], -1, narrow, fine8);
            ck_window_bin(s, &w, entering[c], 1, narrow, fine8);
        }
        ck_update_row(s, entering, 1, T);
        ck_update_row(s, leaving, 255, T);
    }
    for (size_t r = height - 1; r < rows; r++) ck_update_row(s, bins + r * columns, 255, T);
}

CK_CLONES_V4
void ck_rank_strip(const int32_t *bins, size_t columns, size_t rows, size_t binCount, size_t fw, size_t fh,
                   const int32_t *rankOf, const double *lookup, const double *centre, size_t centreStride,
                   const uint8_t *chosen, size_t chosenStride, double *out, size_t outStride,
                   uint8_t *columnCounts, void *work) {
    const size_t T = ck_top_count(binCount), tops = (binCount + FINE - 1) / FINE;
    ck_strip s;
    s.columns = columns;
    s.fw = fw;
    s.fh = fh;
    s.top = columnCounts;
    s.mid = s.top + columns * T;
    s.fine = s.mid + tops * columns * MID;
    s.kFine = (uint16_t *)(((uintptr_t)work + 63) & ~(uintptr_t)63);
    s.kFine8 = (uint8_t *)s.kFine;
    // A window of at most 255 values counts in 8 bits (see ck_window); so do its fine counters when no
    // bin occurs more than 255 times in the whole strip (16-bit data of many values: no window can hold
    // more of one bin).
    const size_t n = columns * rows;
    const int narrow = fw * fh <= 255;
    int full = 1, fine8 = 1;
    size_t i = 0;
    if (!narrow) {
        uint16_t *totals = s.kFine + FINE;
        memset(totals, 0, binCount * sizeof(uint16_t));
        for (; i < n; i++) {
            const int32_t b = bins[i];
            if (b < 0) { full = 0; continue; }
            if (++totals[b] > 255) { fine8 = 0; break; }
        }
    }
    for (; i < n; i++) full &= bins[i] >= 0;
#define CK_RUN(F, T, N, F8) ck_strip_run(&s, bins, rows, rankOf, lookup, centre, centreStride, chosen, chosenStride, \
                                         out, outStride, F, T, N, F8)
#define CK_RUN_T(F, N, F8) do { if (T == 32) CK_RUN(F, 32, N, F8); else CK_RUN(F, 64, N, F8); } while (0)
    if (full) {
        if (narrow) CK_RUN_T(1, 1, 1); else if (fine8) CK_RUN_T(1, 0, 1); else CK_RUN_T(1, 0, 0);
    } else {
        if (narrow) CK_RUN_T(0, 1, 1); else if (fine8) CK_RUN_T(0, 0, 1); else CK_RUN_T(0, 0, 0);
    }
#undef CK_RUN_T
#undef CK_RUN
}
