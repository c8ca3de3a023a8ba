#include "CKernels.h"

#include <math.h>

#include "Clones.h"

// Rounding by adding and subtracting 1.5·2⁵² must stay two IEEE operations.
#pragma STDC FP_CONTRACT OFF
#if defined(__clang__)
#pragma clang fp contract(off)
#endif

// Output buffers are raw bytes: their elements need not be aligned to their size.
typedef uint8_t ck_u8;
typedef int8_t ck_i8;
typedef uint16_t ck_u16 __attribute__((aligned(1)));
typedef int16_t ck_i16 __attribute__((aligned(1)));
typedef uint32_t ck_u32 __attribute__((aligned(1)));
typedef int32_t ck_i32 __attribute__((aligned(1)));

// One loop per integer type, with no branch, so it vectorizes: round half to even (the
// 1.5·2⁵² trick below 2⁵¹, where every double is already an integer above), clamp to the
// type's range counting the clamped values, NaN to `nanValue`, then one exact conversion
// (the value is an integer in range). WIDE is a signed type holding every value of T.
#define CK_ENCODE(NAME, T, WIDE, LO, HI)                                                     \
    CK_CLONES                                                                                \
    size_t NAME(const double *src, size_t count, double nanValue, void *out) {               \
        T *dst = (T *)out;                                                                   \
        const double lo = (LO), hi = (HI), magic = 6755399441055744.0;                       \
        size_t clamped = 0;                                                                  \
        for (size_t i = 0; i < count; i++) {                                                 \
            double v = src[i];                                                               \
            double r = fabs(v) < 2251799813685248.0 ? (v + magic) - magic : v;              \
            clamped += (size_t)((r < lo) | (r > hi));                                        \
            r = r < lo ? lo : r;                                                             \
            r = r > hi ? hi : r;                                                             \
            r = r != r ? nanValue : r;                                                       \
            dst[i] = (T)(WIDE)r;                                                             \
        }                                                                                    \
        return clamped;                                                                      \
    }

CK_ENCODE(ck_encode_u8, ck_u8, int32_t, 0.0, 255.0)
CK_ENCODE(ck_encode_i8, ck_i8, int32_t, -128.0, 127.0)
CK_ENCODE(ck_encode_u16, ck_u16, int32_t, 0.0, 65535.0)
CK_ENCODE(ck_encode_i16, ck_i16, int32_t, -32768.0, 32767.0)
CK_ENCODE(ck_encode_u32, ck_u32, int64_t, 0.0, 4294967295.0)
CK_ENCODE(ck_encode_i32, ck_i32, int32_t, -2147483648.0, 2147483647.0)
