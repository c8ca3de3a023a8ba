import BlockOutput
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import GDALKit
import RasterTiling

/// The parts given to `geokernel mosaic`, checked to be exactly the `N` partitions of one run:
/// each opens, carries a partition tag (`PartitionTag`) of the same run, has its window's size
/// and its blocks inside the file; no index is missing or given twice. Thread safety: a plain
/// value, built on one thread.
struct MosaicParts {
    /// The parts in partition order.
    let paths: [String]
    /// The run's tag as the first part carries it (index aside, the same in every part).
    let tag: PartitionTag
    let bandCount: Int
    let dataType: RasterDataType

    /// - Throws: `EngineError`, one line naming the part at fault.
    init(_ given: [String], checkBlocks: Bool) throws {
        guard !given.isEmpty else { throw EngineError.badOption("mosaic: no part given") }
        var tags: [(path: String, tag: PartitionTag)] = []
        var shape: (bands: Int, type: RasterDataType)? = nil
        for path in given {
            let ds = try gdal(path, "opening the part") { try Dataset.open(path) }
            guard let tag = PartitionTag(items: ds.metadata(domain: PartitionTag.domain)) else {
                throw EngineError.badOption("\(path): not a part of a partitioned run "
                                            + "(no \(PartitionTag.domain) metadata; "
                                            + "parts are written by geokernel apply --partition I/N)")
            }
            guard ds.width == tag.window.width, ds.height == tag.window.height else {
                throw EngineError.badOption("\(path): the part is \(ds.width)x\(ds.height) but partition \(tag.index) "
                                            + "of its run is \(tag.window.width)x\(tag.window.height)")
            }
            let type = ds.bandCount == 0 ? nil : try gdal(path, "reading band 1") { try ds.withBand(1) { $0.dataType } }
            guard let type else {
                throw EngineError.badOption("\(path): a part without bands, or of a pixel type geokernel does not "
                                            + "write")
            }
            if let shape, shape.bands != ds.bandCount || shape.type != type {
                throw EngineError.badOption("\(path): \(ds.bandCount) band(s) of \(type.name), the other parts have "
                                            + "\(shape.bands) of \(shape.type.name)")
            }
            shape = (ds.bandCount, type)
            try MosaicParts.checkStructure(path)
            if checkBlocks, let failure = try BlockCheck.run(path: path, checksums: false).failure {
                throw EngineError.badOption("\(path): \(failure.description)")
            }
            tags.append((path, tag))
        }
        // The run most parts belong to is the run; a part of another is foreign.
        let runs = Dictionary(grouping: tags, by: { "\($0.tag.run) \($0.tag.count)" })
        let main = runs.max { a, b in
            a.value.count < b.value.count || (a.value.count == b.value.count && a.key > b.key)
        }!
        let reference = main.value[0].tag
        for t in tags where t.tag.run != reference.run || t.tag.count != reference.count {
            throw EngineError.badOption("\(t.path): a part of another run (run \(t.tag.run), partition "
                                        + "\(t.tag.index) of \(t.tag.count)); the other parts are of run "
                                        + "\(reference.run), \(reference.count) partitions")
        }
        var byIndex: [Int: String] = [:]
        for t in tags {
            if let other = byIndex[t.tag.index] {
                throw EngineError.badOption("\(t.path): partition \(t.tag.index) of \(reference.count) is given twice "
                                            + "(also \(other))")
            }
            byIndex[t.tag.index] = t.path
        }
        let missing = (0..<reference.count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let listed = missing.prefix(10).map(String.init).joined(separator: ", ")
                + (missing.count > 10 ? ", …" : "")
            throw EngineError.badOption("mosaic: partition\(missing.count == 1 ? "" : "s") \(listed) of "
                                        + "\(reference.count) of run \(reference.run) "
                                        + "\(missing.count == 1 ? "is" : "are") missing")
        }
        paths = (0..<reference.count).map { byIndex[$0]! }
        tag = reference
        bandCount = shape!.bands
        dataType = shape!.type
    }

    /// Refuses a part whose TIFF blocks lie past its end (a truncated copy): the tile index
    /// read from the file, without decoding a block.
    private static func checkStructure(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let reason = String(cString: strerror(errno))
            throw EngineError.fileSystem(path: path, context: "opening the part", reason: reason)
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { return }
        let size = UInt64(st.st_size)
        guard let index = TIFFTileIndex.read(fd) else { return }   // a strip-organized part: GDAL's reads will tell
        for (k, offset) in index.offsets.enumerated() where offset + index.byteCounts[k] > size {
            throw EngineError.badOption("\(path): block \(k) lies past the end of the file (\(size) bytes): "
                                        + "the part is truncated or damaged")
        }
    }
}
