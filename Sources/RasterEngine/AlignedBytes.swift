/// A byte buffer a function owns for its own file or block I/O (a file copy's reads and
/// writes, a block check's `GDALReadBlock`s): allocated on first use with the alignment asked
/// for, grown when a larger one is needed, freed with the owner. Its memory is seen only as a
/// `MutableRawSamples` view, valid until the next `bytes` call or the buffer's end.
/// Thread safety: owned by one thread; not `Sendable`.
final class AlignedBytes {
    private let alignment: Int
    private var storage: UnsafeMutableRawPointer?
    private var capacity = 0

    /// An empty buffer whose memory will start at a multiple of `alignment` (a power of two).
    init(alignment: Int) { self.alignment = alignment }

    deinit { storage?.deallocate() }

    /// At least `count` bytes (contents undefined).
    func bytes(count: Int) -> MutableRawSamples {
        if capacity < max(1, count) {
            storage?.deallocate()
            capacity = max(1, count)
            storage = .allocate(byteCount: capacity, alignment: alignment)
        }
        return MutableRawSamples(storage!, count: count, byteSize: 1)
    }
}
