// A plane's values keyed by their rank among its distinct values, by one LSD radix sort of
// order-preserving keys (see ck_rank_keys in CKernels.h).
#include "CKernels.h"

#include <string.h>

#include "Clones.h"

enum { DIGIT_BITS = 11, RADIX = 1 << DIGIT_BITS };

/// A key whose unsigned order is the numeric order of non-NaN v (−0 and +0 are one key).
static inline uint64_t ck_order64(double v) {
    uint64_t bits;
    double w = v == 0 ? 0.0 : v;
    memcpy(&bits, &w, sizeof bits);
    return (bits >> 63) ? ~bits : bits | (1ull << 63);
}

static inline uint32_t ck_order32(float v) {
    uint32_t bits;
    float w = v == 0 ? 0.0f : v;
    memcpy(&bits, &w, sizeof bits);
    return (bits >> 31) ? ~bits : bits | (1u << 31);
}

/// Turns the digit counts of `digits` digits into starting offsets; returns which digits vary (a digit on
/// which all m keys agree needs no pass).
static size_t ck_offsets(uint32_t *counts, size_t digits, size_t m, const uint64_t first, unsigned shift0) {
    size_t varying = 0;
    for (size_t d = 0; d < digits; d++) {
        uint32_t *c = counts + d * RADIX;
        if (c[(first >> (shift0 + DIGIT_BITS * d)) & (RADIX - 1)] == m) continue;
        varying |= (size_t)1 << d;
        uint32_t sum = 0;
        for (size_t j = 0; j < RADIX; j++) {
            uint32_t t = c[j];
            c[j] = sum;
            sum += t;
        }
    }
    return varying;
}

CK_CLONES
size_t ck_rank_keys(const double *values, const uint8_t *valid, size_t n, int32_t *keys, double *table,
                    uint64_t *ka, uint64_t *kb, uint32_t *pa, uint32_t *pb, uint32_t *counts) {
    size_t m = 0;
    int float32 = 1;
    for (size_t p = 0; p < n; p++) {
        double v = values[p];
        keys[p] = -1;
        if ((valid && !valid[p]) || v != v) continue;
        float32 &= (double)(float)v == v;
        pa[m++] = (uint32_t)p;
    }
    if (m == 0) return 0;
    if (float32) {
        // (32-bit key << 32 | position), sorted on the key's three digits (11, 11, 10 bits).
        memset(counts, 0, 3 * RADIX * sizeof *counts);
        for (size_t i = 0; i < m; i++) {
            uint64_t k = (uint64_t)ck_order32((float)values[pa[i]]) << 32 | pa[i];
            ka[i] = k;
            for (size_t d = 0; d < 3; d++) counts[d * RADIX + ((k >> (32 + DIGIT_BITS * d)) & (RADIX - 1))]++;
        }
        size_t varying = ck_offsets(counts, 3, m, ka[0], 32);
        for (size_t d = 0; d < 3; d++) {
            if (!(varying >> d & 1)) continue;
            uint32_t *c = counts + d * RADIX;
            const unsigned shift = 32 + DIGIT_BITS * d;
            for (size_t i = 0; i < m; i++) {
                uint64_t k = ka[i];
                kb[c[(k >> shift) & (RADIX - 1)]++] = k;
            }
            uint64_t *t = ka; ka = kb; kb = t;
        }
        size_t distinct = 0;
        uint64_t previous = ~ka[0];
        for (size_t i = 0; i < m; i++) {
            uint64_t k = ka[i];
            size_t p = (uint32_t)k;
            if (k >> 32 != previous >> 32) {
                table[distinct++] = values[p];
                previous = k;
            }
            keys[p] = (int32_t)(distinct - 1);
        }
        return distinct;
    }
    // 64-bit keys and their positions, sorted on six digits of 11 bits.
    memset(counts, 0, 6 * RADIX * sizeof *counts);
    for (size_t i = 0; i < m; i++) {
        uint64_t k = ck_order64(values[pa[i]]);
        ka[i] = k;
        for (size_t d = 0; d < 6; d++) counts[d * RADIX + ((k >> (DIGIT_BITS * d)) & (RADIX - 1))]++;
    }
    size_t varying = ck_offsets(counts, 6, m, ka[0], 0);
    for (size_t d = 0; d < 6; d++) {
        if (!(varying >> d & 1)) continue;
        uint32_t *c = counts + d * RADIX;
        const unsigned shift = DIGIT_BITS * d;
        for (size_t i = 0; i < m; i++) {
            uint64_t k = ka[i];
            uint32_t j = c[(k >> shift) & (RADIX - 1)]++;
            kb[j] = k;
            pb[j] = pa[i];
        }
        uint64_t *t = ka; ka = kb; kb = t;
        uint32_t *q = pa; pa = pb; pb = q;
    }
    size_t distinct = 0;
    uint64_t previous = ~ka[0];
    for (size_t i = 0; i < m; i++) {
        size_t p = pa[i];
        if (ka[i] != previous) {
            table[distinct++] = values[p];
            previous = ka[i];
        }
        keys[p] = (int32_t)(distinct - 1);
    }
    return distinct;
}

CK_CLONES
int ck_integer_span(const double *values, const uint8_t *valid, size_t n, double lo, double hi, int negativeZero,
                    double *smallest, double *largest) {
    double low = __builtin_inf(), high = -__builtin_inf();
    int ok = 1;
    for (size_t p = 0; p < n; p++) {
        double v = values[p];
        int use = (!valid || valid[p]) && v == v;
        ok &= !use || (v >= lo && v <= hi && v == __builtin_trunc(v) && (negativeZero || !__builtin_signbit(v) || v));
        low = use && v < low ? v : low;
        high = use && v > high ? v : high;
    }
    *smallest = low;
    *largest = high;
    return ok;
}

CK_CLONES
void ck_integer_keys(const double *values, const uint8_t *valid, size_t n, double low, int32_t *keys) {
    for (size_t p = 0; p < n; p++) {
        double v = values[p];
        int use = (!valid || valid[p]) && v == v;
        keys[p] = use ? (int32_t)(v - low) : -1;
    }
}

CK_CLONES
size_t ck_strip_bins(const int32_t *keys, size_t stride, size_t columns, size_t rows, size_t keyCount,
                     const double *table, double base, int32_t *map, int32_t *bins, double *lookup) {
    for (size_t k = 0; k < keyCount; k++) map[k] = -1;
    for (size_t r = 0; r < rows; r++) {
        const int32_t *row = keys + r * stride;
        for (size_t c = 0; c < columns; c++)
            if (row[c] >= 0) map[row[c]] = 0;
    }
    size_t count = 0;
    for (size_t k = 0; k < keyCount; k++) {
        if (map[k] != 0) continue;
        map[k] = (int32_t)count;
        lookup[count++] = table ? table[k] : base + (double)k;
    }
    for (size_t r = 0; r < rows; r++) {
        const int32_t *row = keys + r * stride;
        int32_t *line = bins + r * columns;
        for (size_t c = 0; c < columns; c++) line[c] = row[c] >= 0 ? map[row[c]] : -1;
    }
    return count;
}
