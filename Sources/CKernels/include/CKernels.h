// The hot loops in C (the convolution's, the 3×3 median's, the rank filters' column histograms, the
// rectangles' minimum and maximum, the integer encoding of results),
// so they can be built for several instruction sets and picked at run time (function
// multiversioning: AVX-512, AVX2 or baseline x86-64), which Swift cannot do. RasterKernels
// and RasterEngine (the encoding) use this module.
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

/// The median of nine over a full 3×3 window by sorted columns: for each row y < height with
/// rows[y] != 0 (every row when rows is NULL) and x < width, dst[y·dstStride + x] = the median of
/// src[(y + j)·srcStride + x + i], i, j in 0...2, with the min/max network that
/// NeighbourhoodFilter.applyMedian3x3 had in Swift (so the same bits, ±0 included). A window
/// holding NaN gets an unspecified value: rowNaN[y] = 1 when the three rows of row y's windows
/// hold a NaN (or both infinities), else 0 (also for rows skipped). scratch holds 3·(width + 2)
/// doubles.
void ck_median3x3(const double *src, size_t srcStride, size_t width, size_t height, const uint8_t *rows,
                  double *dst, size_t dstStride, double *scratch, uint8_t *rowNaN);

/// The minimum (isMin) or maximum of every fw × fh rectangle of a pw × ph plane (rows pw apart):
/// out[y·pw + x] = the extreme of in[(y + j)·pw + x + i], i < fw, j < fh, for x ≤ pw − fw, y ≤ ph − fh
/// (other positions of out are not written; out may be in). The plane must hold no NaN; values are
/// ordered as numbers with −0 before +0 (a window holding both zeros: min −0, max +0). tmp holds pw·ph
/// doubles, lines 2·pw.
void ck_extreme_rect(const double *in, size_t pw, size_t ph, size_t fw, size_t fh, int isMin, double *out,
                     double *tmp, double *lines);

/// For each row y < height of the width × height window of a plane whose rows are stride apart
/// (values and valid at the window's first pixel): rowHoles[y] = 1 when the row holds a NaN or
/// (valid not NULL) a zero validity flag, else 0. Returns whether any row does.
int ck_flag_holes(const double *values, const uint8_t *valid, size_t stride, size_t width, size_t height,
                  uint8_t *rowHoles);

/// Largest number of bins ck_rank_strip takes (64 top counters of 256 bins), largest footprint
/// height (8-bit column counters) and largest window (16-bit window counters).
#define CK_RANK_STRIP_MAX_BINS 16384
#define CK_RANK_STRIP_MAX_HEIGHT 255
#define CK_RANK_STRIP_MAX_COUNT 65535

/// The scratch ck_rank_strip needs for binCount bins and a strip `columns` wide: *columnBytes of
/// column counters (zero on entry, left zero on return) and *workBytes of any contents. Returns 0
/// (and sets nothing) when binCount exceeds CK_RANK_STRIP_MAX_BINS, else 1.
int ck_rank_strip_bytes(size_t binCount, size_t columns, size_t *columnBytes, size_t *workBytes);

/// Rank selection in every fw × fh window of a strip of `columns` × `rows` bins (row-major,
/// bins[r·columns + c] in 0 ..< binCount, −1 for an invalid value), by column histograms (Perreault &
/// Hébert 2007): for output (x, y), x < columns − fw + 1, y < rows − fh + 1, whose chosen flag
/// chosen[y·chosenStride + x] is set (every pixel when chosen is NULL), with k the window's valid bins:
/// out[y·outStride + x] = lookup[the bin of 0-based rank rankOf[k] among them], or
/// centre[y·centreStride + x] when k = 0. Other outputs are not written. Requires fh ≤
/// CK_RANK_STRIP_MAX_HEIGHT, fw·fh ≤ CK_RANK_STRIP_MAX_COUNT, 1 ≤ binCount ≤ CK_RANK_STRIP_MAX_BINS,
/// rankOf[k] < k for 1 ≤ k ≤ fw·fh; columnCounts and work as ck_rank_strip_bytes says.
void ck_rank_strip(const int32_t *bins, size_t columns, size_t rows, size_t binCount, size_t fw, size_t fh,
                   const int32_t *rankOf, const double *lookup, const double *centre, size_t centreStride,
                   const uint8_t *chosen, size_t chosenStride, double *out, size_t outStride,
                   uint8_t *columnCounts, void *work);

/// Keys each position p < n of a plane by the rank of values[p] among the plane's distinct valid
/// values (valid[p] != 0, or every position when valid is NULL, and not NaN; −0 and +0 are one value):
/// keys[p] = that rank, or −1 where invalid; table[r] = the value of rank r (of equal values, the one
/// at the first position). Returns the number of distinct values. One LSD radix sort of
/// order-preserving keys, 11-bit digits, digits on which every key agrees skipped: 32-bit keys (three
/// digits) when every valid value is a Float32, else 64-bit (six). ka, kb hold n keys, pa, pb n
/// positions, counts 6 · 2048; requires n < 2^32.
size_t ck_rank_keys(const double *values, const uint8_t *valid, size_t n, int32_t *keys, double *table,
                    uint64_t *ka, uint64_t *kb, uint32_t *pa, uint32_t *pb, uint32_t *counts);

/// Whether every valid value (as ck_rank_keys) of the n at `values` is an integer within lo … hi
/// (and not −0 unless negativeZero); *smallest and *largest get the valid values' extremes (+∞ and −∞
/// when none is valid).
int ck_integer_span(const double *values, const uint8_t *valid, size_t n, double lo, double hi, int negativeZero,
                    double *smallest, double *largest);

/// keys[p] = values[p] − low (an integer ≥ 0 that fits: see ck_integer_span) where valid, else −1.
void ck_integer_keys(const double *values, const uint8_t *valid, size_t n, double low, int32_t *keys);

/// A strip's keys renumbered densely in order: of the columns × rows keys at `keys` (rows `stride`
/// apart, each in 0 ..< keyCount or −1), the distinct ones become bins 0 ..< count (the returned
/// count): bins[r·columns + c] = the bin of keys[r·stride + c] (−1 stays −1), lookup[bin] = its value,
/// table[key] (or base + key when table is NULL). map holds keyCount entries of scratch.
size_t ck_strip_bins(const int32_t *keys, size_t stride, size_t columns, size_t rows, size_t keyCount,
                     const double *table, double base, int32_t *map, int32_t *bins, double *lookup);

#endif
