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
