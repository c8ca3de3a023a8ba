#ifndef CKERNELS_CLONES_H
#define CKERNELS_CLONES_H

// CK_CLONES builds a function for AVX-512, AVX2 and baseline x86-64 and picks one at run time.
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
// For 16-bit lanes: AVX-512 BW (and VL, DQ, CD) as x86-64-v4 has them; AVX-512 F alone has no 16-bit ops.
#define CK_CLONES_V4 __attribute__((target_clones("arch=x86-64-v4", "avx2", "default")))
#endif
#endif
#ifndef CK_CLONES
#define CK_CLONES
#endif
#ifndef CK_CLONES_V4
#define CK_CLONES_V4
#endif

#endif
