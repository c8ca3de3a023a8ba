#include "CKernels.h"

#include <string.h>

// A product then a sum, never fused: the reference adds the same products in the same order.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

typedef double v8d __attribute__((vector_size(64)));

// Sanitizer builds get the baseline only: an ifunc resolver runs during relocation, before
// the sanitizer's runtime is up, and crashed the ThreadSanitizer test binary.
#if defined(__has_feature)
#if __has_feature(thread_sanitizer) || __has_feature(address_sanitizer)
#define CK_NO_CLONES 1
#endif
#endif
#if defined(__SANITIZE_THREAD__) || defined(__SANITIZE_ADDRESS__)
#define CK_NO_CLONES 1
#endif
#if defined(__x86_64__) && defined(__has_attribute) && !defined(CK_NO_CLONES)
#if __has_attribute(target_clones)
#define CK_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#endif
#endif
#ifndef CK_CLONES
#define CK_CLONES
#endif

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
