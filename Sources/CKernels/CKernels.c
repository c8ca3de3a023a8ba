#include "CKernels.h"

#include <string.h>

// A product then a sum, never fused: the reference adds the same products in the same order.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

typedef double v8d __attribute__((vector_size(64)));

#include "Clones.h"

CK_CLONES
void ck_accumulate(const int64_t *offsets, const double *weights, size_t tapCount,
                   const double *src, double *dst, size_t count) {
    size_t x = 0;
    // Four independent sums of eight outputs each: one chain of dependent additions was
    // bound by the adder's latency (15 taps: 15 additions in a row). Every output still
    // adds its products in tap order from 0, so the bits do not change.
    for (; x + 32 <= count; x += 32) {
        v8d a0 = {0, 0, 0, 0, 0, 0, 0, 0}, a1 = a0, a2 = a0, a3 = a0;
        for (size_t t = 0; t < tapCount; t++) {
            const double *p = src + x + offsets[t];
            v8d v0, v1, v2, v3;
            memcpy(&v0, p, sizeof v0);
            memcpy(&v1, p + 8, sizeof v1);
            memcpy(&v2, p + 16, sizeof v2);
            memcpy(&v3, p + 24, sizeof v3);
            v8d w = {weights[t], weights[t], weights[t], weights[t], weights[t], weights[t], weights[t], weights[t]};
            a0 = a0 + v0 * w;
            a1 = a1 + v1 * w;
            a2 = a2 + v2 * w;
            a3 = a3 + v3 * w;
        }
        memcpy(dst + x, &a0, sizeof a0);
        memcpy(dst + x + 8, &a1, sizeof a1);
        memcpy(dst + x + 16, &a2, sizeof a2);
        memcpy(dst + x + 24, &a3, sizeof a3);
    }
    for (; x + 8 <= count; x += 8) {
        v8d acc = {0, 0, 0, 0, 0, 0, 0, 0};
        for (size_t t = 0; t < tapCount; t++) {
            v8d v;
            memcpy(&v, src + x + offsets[t], sizeof v);
            v8d w = {weights[t], weights[t], weights[t], weights[t], weights[t], weights[t], weights[t], weights[t]};
            acc = acc + v * w;
        }
        memcpy(dst + x, &acc, sizeof acc);
    }
    for (; x < count; x++) {
        double acc = 0.0;
        for (size_t t = 0; t < tapCount; t++) acc = acc + src[x + offsets[t]] * weights[t];
        dst[x] = acc;
    }
}

// One output pixel of the vertical pass, taps in order.
static inline double ck_down_one(const double *weights, size_t tapCount, const double *src, size_t srcStride) {
    double acc = 0.0;
    for (size_t t = 0; t < tapCount; t++) acc = acc + src[t * srcStride] * weights[t];
    return acc;
}

CK_CLONES
void ck_accumulate_down(const double *weights, size_t tapCount, const double *src, size_t srcStride,
                        double *dst, size_t dstStride, size_t width, size_t height) {
    size_t y = 0;
    for (; y + 4 <= height; y += 4) {
        size_t x = 0;
        for (; x + 16 <= width; x += 16) {
            v8d z = {0, 0, 0, 0, 0, 0, 0, 0};
            v8d a0 = z, b0 = z, a1 = z, b1 = z, a2 = z, b2 = z, a3 = z, b3 = z;
            // Source row r feeds output row k with tap r - k: rows in increasing order give
            // each output its taps in increasing order.
            for (size_t r = 0; r < tapCount + 3; r++) {
                const double *p = src + (y + r) * srcStride + x;
                v8d v, u;
                memcpy(&v, p, sizeof v);
                memcpy(&u, p + 8, sizeof u);
#define CK_TAP(k, a, b) \
                if (r >= k && r - k < tapCount) { \
                    double s = weights[r - k]; \
                    v8d w = {s, s, s, s, s, s, s, s}; \
                    a = a + v * w; \
                    b = b + u * w; \
                }
                CK_TAP(0, a0, b0)
                CK_TAP(1, a1, b1)
                CK_TAP(2, a2, b2)
                CK_TAP(3, a3, b3)
#undef CK_TAP
            }
            double *d = dst + y * dstStride + x;
            memcpy(d, &a0, sizeof a0); memcpy(d + 8, &b0, sizeof b0); d += dstStride;
            memcpy(d, &a1, sizeof a1); memcpy(d + 8, &b1, sizeof b1); d += dstStride;
            memcpy(d, &a2, sizeof a2); memcpy(d + 8, &b2, sizeof b2); d += dstStride;
            memcpy(d, &a3, sizeof a3); memcpy(d + 8, &b3, sizeof b3);
        }
        for (; x < width; x++) {
            for (size_t k = 0; k < 4; k++) {
                dst[(y + k) * dstStride + x] = ck_down_one(weights, tapCount, src + (y + k) * srcStride + x, srcStride);
            }
        }
    }
    for (; y < height; y++) {
        for (size_t x = 0; x < width; x++) {
            dst[y * dstStride + x] = ck_down_one(weights, tapCount, src + y * srcStride + x, srcStride);
        }
    }
}

// The min and max of the 3×3 median, as Swift's `min` and `max` choose for numbers that are
// not NaN (on a tie `min` keeps its first argument, `max` its second): one MINPD / MAXPD each.
#define CK_MIN(a, b) ((b) < (a) ? (b) : (a))
#define CK_MAX(a, b) ((a) > (b) ? (a) : (b))
#define CK_MED3(a, b, c) CK_MAX(CK_MIN(a, b), CK_MIN(CK_MAX(a, b), c))

CK_CLONES
void ck_median3x3(const double *src, size_t srcStride, size_t width, size_t height, const uint8_t *rows,
                  double *dst, size_t dstStride, double *scratch, uint8_t *rowNaN) {
    size_t n = width + 2;
    double *lo = scratch, *mid = scratch + n, *hi = scratch + 2 * n;
    for (size_t y = 0; y < height; y++) {
        rowNaN[y] = 0;
        if (rows && !rows[y]) continue;
        const double *r0 = src + y * srcStride, *r1 = r0 + srcStride, *r2 = r1 + srcStride;
        int nan = 0;
        for (size_t c = 0; c < n; c++) {
            double a = r0[c], b = r1[c], d = r2[c];
            double s = a + b + d;   // NaN when one is NaN (or +inf meets -inf: a false alarm, no harm)
            nan |= s != s;
            double l = CK_MIN(a, b), h = CK_MAX(a, b);
            double m = CK_MIN(h, d);
            lo[c] = CK_MIN(l, m);
            mid[c] = CK_MAX(l, m);
            hi[c] = CK_MAX(h, d);
        }
        rowNaN[y] = (uint8_t)(nan != 0);
        double *out = dst + y * dstStride;
        for (size_t x = 0; x < width; x++) {
            double a = CK_MAX(CK_MAX(lo[x], lo[x + 1]), lo[x + 2]);
            double b = CK_MED3(mid[x], mid[x + 1], mid[x + 2]);
            double d = CK_MIN(CK_MIN(hi[x], hi[x + 1]), hi[x + 2]);
            out[x] = CK_MED3(a, b, d);
        }
    }
}

CK_CLONES
int ck_flag_holes(const double *values, const uint8_t *valid, size_t stride, size_t width, size_t height,
                  uint8_t *rowHoles) {
    int any = 0;
    for (size_t y = 0; y < height; y++) {
        const double *v = values + y * stride;
        const uint8_t *m = valid ? valid + y * stride : NULL;
        int bad = 0;
        // No early exit, so the loop vectorises: NaN is the one value unequal to itself.
        if (m) {
            for (size_t x = 0; x < width; x++) bad |= (v[x] != v[x]) | (m[x] == 0);
        } else {
            for (size_t x = 0; x < width; x++) bad |= (v[x] != v[x]);
        }
        rowHoles[y] = (uint8_t)(bad != 0);
        any |= bad;
    }
    return any != 0;
}
