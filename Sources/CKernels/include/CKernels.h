// The one loop of the convolution in C, so it can be built for several instruction sets
// and picked at run time (function multiversioning: AVX-512, AVX2 or baseline x86-64),
// which Swift cannot do. Only RasterKernels uses this module.
#ifndef CKERNELS_H
#define CKERNELS_H

#include <stddef.h>
#include <stdint.h>

/// dst[x] = Σ_t src[x + offsets[t]] * weights[t], the taps added in order starting from 0.0,
/// for x in [0, count). Each product and each sum is one IEEE double operation (no fused
/// multiply-add), so every instruction set gives the same bits.
void ck_accumulate(const int64_t *offsets, const double *weights, size_t tapCount,
                   const double *src, double *dst, size_t count);

#endif
