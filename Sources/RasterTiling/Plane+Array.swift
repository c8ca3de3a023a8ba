extension Array {
    /// Lends the array's elements as a row view for the duration of `body` (an array is one row
    /// of `count` elements), for code that takes views rather than arrays.
    @inlinable
    public func withPlaneRow<R>(_ body: (PlaneRow<Element>) throws -> R) rethrows -> R {
        try withUnsafeBufferPointer { b in
            try body(PlaneRow(start: b.baseAddress ?? UnsafePointer(bitPattern: MemoryLayout<Element>.alignment)!,
                              count: b.count))
        }
    }

    /// Lends the array's elements as a writable row view for the duration of `body`.
    @inlinable
    public mutating func withMutablePlaneRow<R>(_ body: (MutablePlaneRow<Element>) throws -> R) rethrows -> R {
        try withUnsafeMutableBufferPointer { b in
            try body(MutablePlaneRow(start: b.baseAddress
                                         ?? UnsafeMutablePointer(bitPattern: MemoryLayout<Element>.alignment)!,
                                     count: b.count))
        }
    }
}
