// Minimum or maximum over every fw × fh rectangle of a plane, separably, by doubling spans: the
// extreme of a run of 2s values is the extreme of two runs of s, and a run of any length L is covered
// by two runs of the largest power of two s ≤ L (they overlap, which an extreme does not mind). Each
// step is one branch-free pass of whole rows — vectorised along the row — so the cost is
// ⌈log₂ fw⌉ + ⌈log₂ fh⌉ + 2 passes whatever the data, against van Herk's per-value branches. Values
// are compared as order-preserving 64-bit integer keys, a total order in which −0 comes before +0: the
// minimum of a window holding both zeros is −0 and its maximum +0, whatever the tiling.
#include "CKernels.h"

#include <string.h>

#include "Clones.h"

#define CK_INLINE static inline __attribute__((always_inline))

/// A double's order-preserving integer key (an involution): negative values' magnitude bits flipped, so
/// keys order as the values do, and −0 (key −1) comes just before +0 (key 0).
CK_INLINE int64_t ck_key(int64_t bits) { return bits ^ (int64_t)((uint64_t)(bits >> 63) >> 1); }

/// o[i] = the extreme of a[i] and b[i] for i < n, three separate arrays.
CK_INLINE void ck_ext_pass(const int64_t *restrict a, const int64_t *restrict b, int64_t *restrict o, size_t n,
                           const int isMin) {
    if (isMin)
        for (size_t i = 0; i < n; i++) o[i] = b[i] < a[i] ? b[i] : a[i];
    else
        for (size_t i = 0; i < n; i++) o[i] = b[i] > a[i] ? b[i] : a[i];
}

/// o[i] = the extreme of o[i] and b[i] for i < n (restrict b: the compiler vectorises without an overlap check).
CK_INLINE void ck_ext_into(int64_t *o, const int64_t *restrict b, size_t n, const int isMin) {
    if (isMin)
        for (size_t i = 0; i < n; i++) o[i] = b[i] < o[i] ? b[i] : o[i];
    else
        for (size_t i = 0; i < n; i++) o[i] = b[i] > o[i] ? b[i] : o[i];
}

/// The largest power of two ≤ n (n ≥ 1).
CK_INLINE size_t ck_span(size_t n) {
    size_t s = 1;
    while (2 * s <= n) s *= 2;
    return s;
}

CK_INLINE void ck_extreme_rect_run(const double *in, size_t pw, size_t ph, size_t fw, size_t fh, double *out,
                                   double *tmpPlane, double *lineBuffer, const int isMin) {
    const size_t wv = pw - fw + 1, hv = ph - fh + 1, sw = ck_span(fw), sh = ck_span(fh);
    int64_t *tmp = (int64_t *)tmpPlane, *lines = (int64_t *)lineBuffer;
    // Rows: tmp[r·pw + x] = the extreme key of in[r·pw + x …+ fw − 1], x < wv.
    for (size_t r = 0; r < ph; r++) {
        const double *row = in + r * pw;
        int64_t *cur = lines;
        for (size_t x = 0; x < pw; x++) {
            int64_t bits;
            memcpy(&bits, row + x, sizeof bits);
            cur[x] = ck_key(bits);
        }
        // cur[x] holds the extreme of s values from x (x ≤ pw − s); next that of 2s (x ≤ pw − 2s).
        for (size_t s = 1; 2 * s <= sw; s *= 2) {
            int64_t *next = (cur == lines) ? lines + pw : lines;
            ck_ext_pass(cur, cur + s, next, pw - 2 * s + 1, isMin);
            cur = next;
        }
        ck_ext_pass(cur, cur + (fw - sw), tmp + r * pw, wv, isMin);
    }
    // Columns, whole rows at a time, in place in tmp: after the step of span s, row y holds the extreme of
    // s rows from y (y ≤ ph − s); row y reads row y + s, not yet overwritten.
    for (size_t s = 1; 2 * s <= sh; s *= 2)
        for (size_t y = 0; y + 2 * s <= ph; y++) ck_ext_into(tmp + y * pw, tmp + (y + s) * pw, wv, isMin);
    for (size_t y = 0; y < hv; y++) {
        int64_t *dst = lines;
        ck_ext_pass(tmp + y * pw, tmp + (y + fh - sh) * pw, dst, wv, isMin);
        for (size_t x = 0; x < wv; x++) {
            const int64_t bits = ck_key(dst[x]);
            memcpy(out + y * pw + x, &bits, sizeof bits);
        }
    }
}

CK_CLONES
void ck_extreme_rect(const double *in, size_t pw, size_t ph, size_t fw, size_t fh, int isMin, double *out,
                     double *tmp, double *lines) {
    if (fw == 0 || fh == 0 || fw > pw || fh > ph) return;
    if (isMin) ck_extreme_rect_run(in, pw, ph, fw, fh, out, tmp, lines, 1);
    else ck_extreme_rect_run(in, pw, ph, fw, fh, out, tmp, lines, 0);
}
