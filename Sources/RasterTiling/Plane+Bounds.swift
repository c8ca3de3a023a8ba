/// Where a plane of flags is set: the selection's bounding box, which decides how far a tile reads
/// past its edges and the box an operation runs on.
extension Plane where Element == UInt8 {
    /// The smallest window of the plane holding every non-zero element, `nil` when none is. Each
    /// row is scanned from both ends to its first and last non-zero element.
    @inlinable public var nonZeroBounds: Window? {
        var minX = width, maxX = -1, minY = height, maxY = -1
        for y in 0..<height {
            let row = row(y)
            var first = 0
            while first < width && row[first] == 0 { first += 1 }
            guard first < width else { continue }
            var last = width - 1
            while row[last] == 0 { last -= 1 }
            minX = min(minX, first); maxX = max(maxX, last)
            minY = min(minY, y); maxY = y
        }
        return maxY < 0 ? nil : Window(x: minX, y: minY, width: maxX - minX + 1, height: maxY - minY + 1)
    }

    /// The number of non-zero elements.
    @inlinable public var nonZeroCount: Int {
        var count = 0
        for y in 0..<height {
            let row = row(y)
            for x in 0..<width where row[x] != 0 { count += 1 }
        }
        return count
    }
}
