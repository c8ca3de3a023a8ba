@testable import RasterEngine
import RasterTiling
import Testing

/// A chunk laid out by blocks: every pixel has its own place inside its block, runs end at
/// block edges, and the padding of blocks the raster's edge cuts is zero.
struct ChunkLayoutTests {
    @Test(arguments: [false, true])
    func everyPixelHasItsOwnPlace(_ byBlocks: Bool) {
        // A 40x24 edge chunk of 16x16 blocks at (32, 16): 3x2 blocks, the right and bottom ones cut.
        let chunk = Window(x: 32, y: 16, width: 40, height: 24)
        let layout = ChunkLayout(chunk: chunk, blockWidth: 16, blockHeight: 16, byteSize: 2, byBlocks: byBlocks)
        let bands = 2
        #expect(layout.bytes(bands: bands) == bands * (byBlocks ? 6 * 256 * 2 : 40 * 24 * 2))
        let base = UnsafeMutableRawPointer.allocate(byteCount: layout.bytes(bands: bands), alignment: 64)
        defer { base.deallocate() }
        base.initializeMemory(as: UInt8.self, repeating: 0xFF, count: layout.bytes(bands: bands))
        let buffer = MutableRawSamples(base, count: layout.bytes(bands: bands) / 2, byteSize: 2)
        layout.clearPadding(bands: bands, in: buffer)
        var seen = Set<Int>()
        for b in 1...bands {
            for y in chunk.y..<chunk.maxY {
                var covered = 0
                layout.forEachRun(band: b, x: chunk.x, y: y, count: chunk.width, in: buffer) { run, at, n in
                    #expect(run.count == n && run.byteSize == 2)
                    let p = run.baseAddress
                    #expect(at == covered)
                    if byBlocks { #expect((chunk.x + at) % 16 == 0 && (n == 16 || chunk.x + at + n == chunk.maxX)) }
                    for i in 0..<n {
                        let offset = p - base + i * 2
                        #expect(offset >= 0 && offset + 2 <= layout.bytes(bands: bands))
                        seen.insert(offset)
                        (p + i * 2).storeBytes(of: UInt16(0xABCD), as: UInt16.self)
                    }
                    covered += n
                }
                #expect(covered == chunk.width)
            }
        }
        #expect(seen.count == bands * chunk.area, "no two pixels share a place")
        if byBlocks {
            // Whatever no pixel took is padding, and zero.
            for offset in stride(from: 0, to: layout.bytes(bands: bands), by: 2) where !seen.contains(offset) {
                #expect(base.load(fromByteOffset: offset, as: UInt16.self) == 0)
            }
        }
    }
}
