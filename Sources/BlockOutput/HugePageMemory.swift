#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterTiling
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Working memory mapped straight from the kernel and marked for transparent huge pages
/// (`madvise(MADV_HUGEPAGE)`; this machine's THP mode is `madvise`), for the large buffers a
/// run touches once and keeps: the block cache, the workers' scratch, the write queue's
/// buffers. A 9×9 Float32 run took ~20,000 page faults (~12 % of its CPU time) filling them
/// 4 KiB at a time; a 2 MiB huge page is one fault. Mappings are page-aligned, as direct
/// writes need.
/// Thread safety: stateless.
public enum HugePageMemory {
    /// A transparent huge page's size.
    public static let hugePage = 2 << 20

    /// At least `bytes` bytes (rounded up to whole pages), zero-filled, page-aligned.
    /// - Throws: `OutOfMemoryError` with the system's reason when the kernel refuses the mapping
    ///   (an address-space limit, `ulimit -v`, or no memory left).
    public static func allocate(_ bytes: Int) throws(OutOfMemoryError) -> UnsafeMutableRawBufferPointer {
        guard bytes >= 0,
              bytes < Int.max - 4096 else { throw OutOfMemoryError(bytes: bytes, reason: "size out of range") }
        let size = max(4096, (bytes + 4095) & ~4095)
        guard let p = mmap(nil, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0),
              p != MAP_FAILED else {
            throw OutOfMemoryError(bytes: size, reason: String(cString: strerror(errno)))
        }
        #if os(Linux)
        if size >= hugePage { _ = madvise(p, size, MADV_HUGEPAGE) }   // advice only: fine if refused
        #endif
        return UnsafeMutableRawBufferPointer(start: p, count: size)
    }

    /// Returns memory from `allocate`.
    public static func deallocate(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let p = buffer.baseAddress else { return }
        munmap(p, buffer.count)
    }
}

/// Memory the kernel would not map: how much was asked for and the system's reason.
/// Thread safety: a plain value.
public struct OutOfMemoryError: Error, Sendable, CustomStringConvertible {
    public let bytes: Int, reason: String

    /// Describes a refused allocation.
    public init(bytes: Int, reason: String) {
        self.bytes = bytes
        self.reason = reason
    }

    /// `cannot allocate N MiB: REASON`.
    public var description: String {
        "cannot allocate \(cFormat("%.1f", Double(bytes) / 1_048_576)) MiB: \(reason)"
    }
}
