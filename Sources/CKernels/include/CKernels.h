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

/// The vertical pass of a separable kernel whose taps lie on consecutive rows:
/// dst[y·dstStride + x] = Σ_t src[(y + t)·srcStride + x] * weights[t] for y < height,
/// x < width, the taps added in order from 0.0 — the bits `ck_accumulate` gives with
/// offsets t·srcStride. Four output rows are computed together, so each source row is
/// loaded once for all four.
void ck_accumulate_down(const double *weights, size_t tapCount, const double *src, size_t srcStride,
                        double *dst, size_t dstStride, size_t width, size_t height);

/// Encodes `count` doubles into an integer type at `out` (raw bytes, any alignment): each value
/// rounded half to even, clamped to the type's range, NaN stored as `nanValue` (which the caller
/// has clamped to the range). Returns how many values were clamped. One function per type:
/// UInt8, Int8, UInt16, Int16, UInt32, Int32.
size_t ck_encode_u8(const double *src, size_t count, double nanValue, void *out);
size_t ck_encode_i8(const double *src, size_t count, double nanValue, void *out);
size_t ck_encode_u16(const double *src, size_t count, double nanValue, void *out);
size_t ck_encode_i16(const double *src, size_t count, double nanValue, void *out);
size_t ck_encode_u32(const double *src, size_t count, double nanValue, void *out);
size_t ck_encode_i32(const double *src, size_t count, double nanValue, void *out);

#endif
