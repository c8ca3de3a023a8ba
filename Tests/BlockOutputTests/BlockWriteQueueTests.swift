import BlockOutput
import Dispatch
import Testing

/// The write threads on their own: every submitted write runs, buffers come back, the first
/// failure is kept and later writes are skipped; and `Guarded` serialises its users.
@Suite struct BlockWriteQueueTests {
    struct Failure: Error {}

    @Test func everyWriteRunsAndBuffersAreReused() throws {
        let queue = BlockWriteQueue(lanes: 2, buffers: 3)
        let seen = Guarded<[Int]>([])
        var addresses = Set<UnsafeMutableRawPointer>()
        for k in 0..<40 {
            let b = try queue.buffer(bytes: 8192)
            #expect(b.count >= 8192 && Int(bitPattern: b.pointer) % 4096 == 0, "page-aligned")
            addresses.insert(b.pointer)
            b.pointer.storeBytes(of: k, as: Int.self)
            queue.submit(b) { buffer in seen.withLock { $0.append(buffer.pointer.load(as: Int.self)) } }
        }
        try queue.drain()
        #expect(seen.withLock { $0.sorted() } == Array(0..<40))
        #expect(addresses.count <= 3, "at most `buffers` buffers exist")
    }

    @Test func theFirstFailureIsKeptAndLaterWritesSkipped() throws {
        let queue = BlockWriteQueue(lanes: 1, buffers: 2)
        let ran = Guarded(0)
        queue.submit(try queue.buffer(bytes: 16)) { _ in throw Failure() }
        for _ in 0..<5 { queue.submit(try queue.buffer(bytes: 16)) { _ in ran.withLock { $0 += 1 } } }
        #expect(throws: Failure.self) { try queue.drain() }
        #expect(throws: Failure.self) { try queue.check() }
        #expect(ran.withLock { $0 } == 0, "one lane: every write after the failure was skipped")
        let unused = try queue.buffer(bytes: 16)
        queue.giveBack(unused)
    }

    @Test func guardedSerialisesConcurrentUpdates() {
        let counter = Guarded(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<10_000 { counter.withLock { $0 += 1 } }
        }
        #expect(counter.withLock { $0 } == 80_000)
    }
}
