/// Typed views of pixel memory: a `Plane` is `width × height` elements, rows `rowStride`
/// elements apart; a `PlaneRow` is `count` elements one after the other (a row of a plane, a
/// run of one, or a whole contiguous plane). The memory belongs to whoever lends the view (a
/// worker's scratch slot, the block cache, a sink's buffer) and a view is valid only during the
/// call it is lent to; nothing here allocates or frees.
///
/// The pixel loops index views instead of pointers: element access is unchecked in release
/// builds (`assert` in debug ones) and inlines to the pointer access it replaces, while taking a
/// row or a part checks its bounds once (`precondition`). The accessors are `@_transparent`, as
/// the standard library's pointer accessors are, so they are inlined and specialized even in
/// debug builds (the tests', the sanitizers'); `@inlinable` alone left them generic calls there.
/// The base address leaves a view only for a C function or a kernel API that takes a pointer,
/// for the duration of that call.
/// Thread safety: plain values; as safe as the memory they view (one thread's, during the call).
public struct PlaneRow<Element> {
    @usableFromInline let start: UnsafePointer<Element>
    /// Elements in the row.
    public let count: Int

    /// `count` elements at `start`, which the caller keeps valid while the view is used.
    @_transparent
    public init(start: UnsafePointer<Element>, count: Int) {
        self.start = start
        self.count = count
    }

    /// Element `i` (0 ≤ `i` < `count`; checked in debug builds only).
    @inlinable
    public subscript(i: Int) -> Element {
        @_transparent get {
            assert(i >= 0 && i < count, "row index out of range")
            return start[i]
        }
    }

    /// The `count` elements from element `from`.
    @_transparent
    public func part(_ from: Int, count: Int) -> PlaneRow {
        precondition(from >= 0 && count >= 0 && from + count <= self.count, "row part out of range")
        return PlaneRow(start: start + from, count: count)
    }

    /// The elements from element `n` on.
    @_transparent
    public func dropFirst(_ n: Int) -> PlaneRow { part(n, count: count - n) }

    /// The first `width × height` elements as a plane, row after row.
    @_transparent
    public func plane(width: Int, height: Int) -> Plane<Element> {
        precondition(width >= 0 && height >= 0 && width * height <= count, "plane larger than the row")
        return Plane(start: start, width: width, height: height)
    }

    /// The elements' bytes, for a GDAL or file call that reads them (during that call).
    @inlinable public var rawBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: start, count: count * MemoryLayout<Element>.stride)
    }

    /// The address of the first element, for a C or kernel function that takes a pointer.
    @inlinable public var baseAddress: UnsafePointer<Element> { start }
}

/// Writable `PlaneRow`: `count` elements one after the other, in memory the lender owns.
/// Thread safety: a plain value; as safe as the memory it views.
public struct MutablePlaneRow<Element> {
    @usableFromInline let start: UnsafeMutablePointer<Element>
    /// Elements in the row.
    public let count: Int

    /// `count` elements at `start`, which the caller keeps valid (and bound to `Element`).
    @_transparent
    public init(start: UnsafeMutablePointer<Element>, count: Int) {
        self.start = start
        self.count = count
    }

    /// Element `i` (0 ≤ `i` < `count`; checked in debug builds only).
    @inlinable
    public subscript(i: Int) -> Element {
        @_transparent get {
            assert(i >= 0 && i < count, "row index out of range")
            return start[i]
        }
        @_transparent nonmutating set {
            assert(i >= 0 && i < count, "row index out of range")
            start[i] = newValue
        }
    }

    /// The writable form of a view of memory the lender lent writable (the parts below are taken
    /// on the read-only form's geometry, so the bounds checks are written once).
    @usableFromInline @_transparent
    init(_ row: PlaneRow<Element>) { self.init(start: UnsafeMutablePointer(mutating: row.start), count: row.count) }

    /// The `count` elements from element `from`.
    @_transparent
    public func part(_ from: Int, count: Int) -> MutablePlaneRow {
        MutablePlaneRow(readOnly.part(from, count: count))
    }

    /// The elements from element `n` on.
    @_transparent
    public func dropFirst(_ n: Int) -> MutablePlaneRow { MutablePlaneRow(readOnly.dropFirst(n)) }

    /// The same elements, read-only.
    @_transparent
    public var readOnly: PlaneRow<Element> { PlaneRow(start: start, count: count) }

    /// Sets every element to `value`.
    @_transparent
    public func fill(_ value: Element) { start.update(repeating: value, count: count) }

    /// Copies `source` (at most `count` elements) to the row's first elements.
    @_transparent
    public func update(from source: PlaneRow<Element>) {
        precondition(source.count <= count, "row copy too long")
        start.update(from: source.start, count: source.count)
    }

    /// The first `width × height` elements as a plane, row after row.
    @_transparent
    public func plane(width: Int, height: Int) -> MutablePlane<Element> {
        MutablePlane(readOnly.plane(width: width, height: height))
    }

    /// Sorts the elements in ascending order.
    @inlinable
    public func sort() where Element: Comparable {
        var b = UnsafeMutableBufferPointer(start: start, count: count)
        b.sort()
    }

    /// Sorts the elements so that `areInIncreasingOrder` holds between neighbours.
    @inlinable
    public func sort(by areInIncreasingOrder: (Element, Element) -> Bool) {
        var b = UnsafeMutableBufferPointer(start: start, count: count)
        b.sort(by: areInIncreasingOrder)
    }

    /// The elements' bytes, for a GDAL or file call that fills them (during that call).
    @inlinable public var rawBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: start, count: count * MemoryLayout<Element>.stride)
    }

    /// The address of the first element, for a C or kernel function that takes a pointer.
    @inlinable public var baseAddress: UnsafeMutablePointer<Element> { start }
}

/// `width × height` elements, row `y` starting `y × rowStride` elements after row 0, in memory
/// its lender owns (see `PlaneRow`). Coordinates are the plane's own, (0, 0) its first element.
/// Thread safety: a plain value; as safe as the memory it views.
public struct Plane<Element> {
    @usableFromInline let start: UnsafePointer<Element>
    /// The plane's size, in elements.
    public let width: Int, height: Int
    /// Elements from one row's start to the next's (≥ `width`).
    public let rowStride: Int

    /// The plane at `start`, which the caller keeps valid while the view is used.
    @_transparent
    public init(start: UnsafePointer<Element>, width: Int, height: Int, rowStride: Int? = nil) {
        self.start = start
        self.width = width
        self.height = height
        self.rowStride = rowStride ?? width
    }

    /// Row `y` (0 ≤ `y` < `height`).
    @_transparent
    public func row(_ y: Int) -> PlaneRow<Element> {
        precondition(y >= 0 && y < height, "plane row out of range")
        return PlaneRow(start: start + y * rowStride, count: width)
    }

    /// Element (`x`, `y`) (checked in debug builds only).
    @inlinable
    public subscript(x: Int, y: Int) -> Element {
        @_transparent get {
            assert(x >= 0 && x < width && y >= 0 && y < height, "plane index out of range")
            return start[y * rowStride + x]
        }
    }

    /// The part of the plane under `window` (in the plane's coordinates), rows as far apart.
    @_transparent
    public func part(_ window: Window) -> Plane {
        precondition(window.x >= 0 && window.y >= 0 && window.maxX <= width && window.maxY <= height,
                     "plane part out of range")
        return Plane(start: start + window.y * rowStride + window.x, width: window.width, height: window.height,
                     rowStride: rowStride)
    }

    /// Every element, row after row, when the rows follow each other (`rowStride == width`).
    @_transparent
    public var elements: PlaneRow<Element> {
        precondition(rowStride == width || height <= 1, "the plane's rows are not contiguous")
        return PlaneRow(start: start, count: width * height)
    }

    /// The bytes from element (0, 0) to the last element, for a GDAL or file call that reads
    /// them (during that call).
    @inlinable public var rawBytes: UnsafeRawBufferPointer {
        let n = width == 0 || height == 0 ? 0 : (height - 1) * rowStride + width
        return UnsafeRawBufferPointer(start: start, count: n * MemoryLayout<Element>.stride)
    }

    /// The address of element (0, 0), for a C or kernel function that takes a pointer.
    @inlinable public var baseAddress: UnsafePointer<Element> { start }
}

/// Writable `Plane`: `width × height` elements, rows `rowStride` apart, in memory the lender owns.
/// Thread safety: a plain value; as safe as the memory it views.
public struct MutablePlane<Element> {
    @usableFromInline let start: UnsafeMutablePointer<Element>
    /// The plane's size, in elements.
    public let width: Int, height: Int
    /// Elements from one row's start to the next's (≥ `width`).
    public let rowStride: Int

    /// The plane at `start`, which the caller keeps valid (and bound to `Element`).
    @_transparent
    public init(start: UnsafeMutablePointer<Element>, width: Int, height: Int, rowStride: Int? = nil) {
        self.start = start
        self.width = width
        self.height = height
        self.rowStride = rowStride ?? width
    }

    /// The writable form of a view of memory the lender lent writable (see `MutablePlaneRow`).
    @usableFromInline @_transparent
    init(_ plane: Plane<Element>) {
        self.init(start: UnsafeMutablePointer(mutating: plane.start), width: plane.width, height: plane.height,
                  rowStride: plane.rowStride)
    }

    /// Row `y` (0 ≤ `y` < `height`).
    @_transparent
    public func row(_ y: Int) -> MutablePlaneRow<Element> { MutablePlaneRow(readOnly.row(y)) }

    /// Element (`x`, `y`) (checked in debug builds only).
    @inlinable
    public subscript(x: Int, y: Int) -> Element {
        @_transparent get {
            assert(x >= 0 && x < width && y >= 0 && y < height, "plane index out of range")
            return start[y * rowStride + x]
        }
        @_transparent nonmutating set {
            assert(x >= 0 && x < width && y >= 0 && y < height, "plane index out of range")
            start[y * rowStride + x] = newValue
        }
    }

    /// The part of the plane under `window` (in the plane's coordinates), rows as far apart.
    @_transparent
    public func part(_ window: Window) -> MutablePlane { MutablePlane(readOnly.part(window)) }

    /// Every element, row after row, when the rows follow each other (`rowStride == width`).
    @_transparent
    public var elements: MutablePlaneRow<Element> { MutablePlaneRow(readOnly.elements) }

    /// The same elements, read-only.
    @_transparent
    public var readOnly: Plane<Element> { Plane(start: start, width: width, height: height, rowStride: rowStride) }

    /// Sets every element to `value`.
    @inlinable
    public func fill(_ value: Element) {
        for y in 0..<height { row(y).fill(value) }
    }

    /// The bytes from element (0, 0) to the last element, for a GDAL or file call that fills
    /// them (during that call).
    @inlinable public var rawBytes: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(mutating: readOnly.rawBytes)
    }

    /// The address of element (0, 0), for a C or kernel function that takes a pointer.
    @inlinable public var baseAddress: UnsafeMutablePointer<Element> { start }
}
