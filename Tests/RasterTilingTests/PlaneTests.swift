import RasterTiling
import Testing

/// Planes and rows view memory their caller owns: a part of a plane keeps the rows' stride, a
/// row of a part starts where the part does, and writes through a mutable view land in the
/// owner's memory at the element the coordinates name.
@Suite struct PlaneTests {
    @Test func partsRowsAndElementsAddressTheOwnersMemory() {
        var storage = (0..<(7 * 5)).map { Int32($0) }   // a 7×5 plane: element (x, y) holds y × 7 + x
        storage.withUnsafeMutableBufferPointer { memory in
            let plane = MutablePlane(start: memory.baseAddress!, width: 7, height: 5)
            #expect(plane.rowStride == 7 && plane.elements.count == 35)
            #expect(plane[3, 2] == 17 && plane.row(4)[6] == 34)
            let part = plane.part(Window(x: 2, y: 1, width: 3, height: 4))
            #expect(part.width == 3 && part.height == 4 && part.rowStride == 7)
            #expect(part[0, 0] == 9 && part.row(3)[2] == 4 * 7 + 4)
            #expect(part.rawBytes.count == (3 * 7 + 3) * 4, "from the first element to the last")
            part.row(1).fill(-1)
            part[2, 3] = -2
            let row = plane.row(2).readOnly
            #expect((0..<row.count).map { row[$0] } == [14, 15, -1, -1, -1, 19, 20])
            #expect(plane[4, 4] == -2 && plane[5, 4] == 33)
            let tail = plane.row(0).dropFirst(5)
            #expect(tail.count == 2 && tail[0] == 5 && tail.part(1, count: 1)[0] == 6)
            plane.row(3).update(from: plane.row(0).readOnly.part(0, count: 4))
            #expect(plane[0, 3] == 0 && plane[3, 3] == 3 && plane[4, 3] == 25)
            let flat = plane.elements.plane(width: 5, height: 7).readOnly
            #expect(flat[0, 1] == 5 && flat.row(6)[4] == 34, "a contiguous row seen with another width")
        }
    }

    /// The bounding box of the set flags (a part of a larger plane, so rows are strided) against the
    /// box of the flags set at random, and their count; no flag set gives no box.
    @Test func nonZeroBoundsAndCountOfAStridedPart() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var storage = [UInt8](repeating: 0, count: 13 * 9)
            var set: [(x: Int, y: Int)] = []
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let x = Int.random(in: 0..<10, using: &rng), y = Int.random(in: 0..<8, using: &rng)
                storage[(y + 1) * 13 + x + 2] = UInt8.random(in: 1...255, using: &rng)
                set.append((x, y))
            }
            storage[0] = 1   // outside the part: never counted
            storage.withUnsafeBufferPointer { memory in
                let part = Plane(start: memory.baseAddress!, width: 13, height: 9)
                    .part(Window(x: 2, y: 1, width: 10, height: 8))
                let distinct = Set(set.map { $0.y * 10 + $0.x })
                #expect(part.nonZeroCount == distinct.count)
                guard let box = part.nonZeroBounds else {
                    #expect(set.isEmpty)
                    return
                }
                let xs = set.map(\.x), ys = set.map(\.y)
                #expect(box == Window(x: xs.min()!, y: ys.min()!, width: xs.max()! - xs.min()! + 1,
                                      height: ys.max()! - ys.min()! + 1))
            }
        }
    }

    @Test func emptyPlanesViewNoBytes() {
        var one: UInt8 = 0
        withUnsafeMutablePointer(to: &one) { p in
            let empty = MutablePlane(start: p, width: 0, height: 3)
            #expect(empty.rawBytes.isEmpty && empty.readOnly.rawBytes.isEmpty)
            empty.fill(9)
            #expect(p.pointee == 0)
        }
    }
}
