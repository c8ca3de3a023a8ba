import Dispatch
import Synchronization

/// Writes staged chunks on threads of its own, so a worker goes on to its next chunk while the
/// disk takes the last one (a direct write waits for the device: done on the worker, the
/// 1 GiB Float32 output kept the workers waiting a third of the run).
///
/// A worker takes a staging buffer (`buffer`), fills it, and hands it over with `submit`;
/// the buffer comes back to the pool once the write is done. At most `buffers` are out at a
/// time, which bounds the memory; `buffer` waits for one when all are out.
///
/// Thread safety: `@unchecked Sendable`, sound because the free list and the first failure
/// are only touched under their `Guarded` locks, and a buffer belongs to one thread at a
/// time: the worker until `submit`, then the lane until it is put back.
public final class BlockWriteQueue: @unchecked Sendable {
    /// A staging buffer passed from a worker to a lane.
    public struct Buffer: @unchecked Sendable {
        public let pointer: UnsafeMutableRawPointer
        public let count: Int
    }

    private let lanes: [DispatchQueue]
    private let next = Atomic<Int>(0)
    private let available: DispatchSemaphore
    private let free = Guarded<[Buffer]>([])
    private let firstFailure = Guarded<(any Error)?>(nil)

    /// - Parameters:
    ///   - lanes: writes that may be under way at once.
    ///   - buffers: staging buffers in the pool (workers filling them plus writes queued).
    public init(lanes: Int, buffers: Int) {
        self.lanes = (0..<max(1, lanes)).map { DispatchQueue(label: "geokernel.block-writes.\($0)") }
        available = DispatchSemaphore(value: max(1, buffers))
    }

    deinit {
        for lane in lanes { lane.sync {} }
        free.withLock { list in
            for b in list { HugePageMemory.deallocate(UnsafeMutableRawBufferPointer(start: b.pointer, count: b.count)) }
        }
    }

    /// A buffer of at least `bytes` bytes, page-aligned (direct writes need it; `HugePageMemory`);
    /// waits while all are out.
    /// - Throws: `OutOfMemoryError` when a new buffer cannot be mapped.
    public func buffer(bytes: Int) throws(OutOfMemoryError) -> Buffer {
        available.wait()
        let reused = free.withLock { $0.popLast() }
        if let reused, reused.count >= bytes { return reused }
        if let reused {
            HugePageMemory.deallocate(UnsafeMutableRawBufferPointer(start: reused.pointer, count: reused.count))
        }
        let memory: UnsafeMutableRawBufferPointer
        do { memory = try HugePageMemory.allocate(bytes) } catch {
            available.signal()   // the slot was not taken after all
            throw error
        }
        return Buffer(pointer: memory.baseAddress!, count: memory.count)
    }

    /// Runs `write` on a lane with `buffer`, then puts the buffer back. A failure is kept
    /// (the first one) for `check` and `drain`; later writes are skipped.
    public func submit(_ buffer: Buffer, _ write: @escaping @Sendable (Buffer) throws -> Void) {
        let lane = lanes[next.add(1, ordering: .relaxed).oldValue % lanes.count]
        lane.async { [self] in
            if firstFailure.withLock({ $0 == nil }) {
                do { try write(buffer) } catch {
                    firstFailure.withLock { if $0 == nil { $0 = error } }
                }
            }
            free.withLock { $0.append(buffer) }
            available.signal()
        }
    }

    /// Puts back a buffer taken with `buffer` and not submitted.
    public func giveBack(_ buffer: Buffer) {
        free.withLock { $0.append(buffer) }
        available.signal()
    }

    /// Throws the first write failure, if there was one.
    public func check() throws {
        if let e = firstFailure.withLock({ $0 }) { throw e }
    }

    /// Waits until every submitted write is done, then throws the first failure, if any.
    public func drain() throws {
        for lane in lanes { lane.sync {} }
        try check()
    }
}
