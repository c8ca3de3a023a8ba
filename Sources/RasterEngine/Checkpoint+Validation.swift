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
import RasterTiling

/// A checkpoint is trusted only after these checks: it must parse, be of this format, list
/// well-formed ranges of its own chunks, and its partial output must still hold what it
/// claims. Anything else is one line (`checkpoint PATH is damaged: …; remove it or run
/// without --resume`) before a byte is written. Thread safety: main thread, at the run's start.
extension Checkpoint {
    /// Reads the checkpoint at `path` and checks what it can say of itself and of the partial
    /// output `partial`: JSON, format version, ranges (pairs, non-empty, sorted, not
    /// overlapping, inside its chunk count), the partial's presence and size.
    /// - Returns: `nil` when there is no checkpoint (a new run).
    /// - Throws: `EngineError.damagedCheckpoint` with the reason.
    static func read(_ path: String, partial: String) throws(EngineError) -> Checkpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        func damaged(_ reason: String) -> EngineError { .damagedCheckpoint(path: path, reason: reason) }
        guard let data = FileManager.default.contents(atPath: path) else { throw damaged("it cannot be read") }
        let version: Int?
        do {
            version = try JSONDecoder().decode(FormatVersion.self, from: data).version
        } catch DecodingError.typeMismatch(_, let context) where !context.codingPath.isEmpty {
            version = nil   // a "version" that is not a number
        } catch DecodingError.dataCorrupted(let context) where !context.codingPath.isEmpty {
            version = nil   // a "version" that is not a whole number
        } catch {
            throw damaged("it is not a complete JSON object (\(data.count) bytes; cut short?)")
        }
        guard let version else { throw damaged("it has no format version") }
        guard version == Checkpoint.version else {
            throw damaged("its format version is \(version); this geokernel reads version \(Checkpoint.version)")
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try JSONDecoder().decode(Checkpoint.self, from: data)
        } catch let DecodingError.keyNotFound(key, _) {
            throw damaged("it has no \"\(key.stringValue)\" field")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw damaged("its \"\(field)\" field has the wrong type")
        } catch {
            throw damaged("it is not a checkpoint")
        }
        guard checkpoint.chunkCount > 0 else { throw damaged("it counts \(checkpoint.chunkCount) chunks") }
        var end = 0
        for (k, r) in checkpoint.done.enumerated() {
            let shown = "[\(r.map(String.init).joined(separator: ", "))]"
            guard r.count == 2 else { throw damaged("done range #\(k + 1) \(shown) is not a pair [start, end]") }
            guard r[0] >= 0, r[0] < r[1] else { throw damaged("done range \(shown) is empty or negative") }
            guard r[1] <= checkpoint.chunkCount else {
                throw damaged("done range \(shown) reaches past its \(checkpoint.chunkCount) chunks")
            }
            guard r[0] >= end else { throw damaged("done range \(shown) overlaps or precedes the one before it") }
            end = r[1]
        }
        var st = stat()
        guard stat(partial, &st) == 0 else { throw damaged("its partial output \(partial) is missing") }
        guard Int(st.st_size) >= checkpoint.partialBytes else {
            throw damaged("its partial output \(partial) is \(st.st_size) bytes, shorter than the "
                          + "\(checkpoint.partialBytes) it had at the checkpoint (cut short?)")
        }
        return checkpoint
    }

    /// Checks the checkpoint against this run before it is used: the same fingerprint (else
    /// the resume is refused, naming the first difference), the plan's chunk count, and a
    /// partial output whose tile index holds every block of every chunk listed as done.
    /// - Parameters:
    ///   - fingerprint: this run's.
    ///   - output: OUTPUT, as messages name it.
    ///   - partial: the partial output's path.
    ///   - inPlace: its blocks are written in place (uncompressed): every block must have its place.
    ///   - sparse: done blocks may have no data (a copied input, `SPARSE_OK=TRUE` through GDAL).
    /// - Throws: `EngineError.resumeRefused` or `.damagedCheckpoint`.
    func check(_ fingerprint: RunFingerprint, output: String, path: String, plan: TilePlan, partial: String,
               bands: Int, inPlace: Bool, sparse: Bool) throws(EngineError) {
        if let difference = self.fingerprint.firstDifference(from: fingerprint) {
            throw .resumeRefused(output: output, reason: difference)
        }
        func damaged(_ reason: String) -> EngineError { .damagedCheckpoint(path: path, reason: reason) }
        guard chunkCount == plan.chunkCount else {
            throw damaged("it counts \(chunkCount) chunks; this run's plan has \(plan.chunkCount)")
        }
        let fd = open(partial, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw damaged("its partial output \(partial) cannot be opened: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        _ = fstat(fd, &st)
        let size = UInt64(max(0, st.st_size))
        guard let index = TIFFTileIndex.read(fd) else {
            // Striped output (-co TILED=NO) is not described by a tile index: its size was checked.
            if plan.blockWidth == plan.raster.width { return }
            throw damaged("its partial output \(partial) is not a tiled TIFF whose tile index can be read "
                          + "(cut short or overwritten?)")
        }
        guard index.imageWidth == plan.raster.width, index.imageHeight == plan.raster.height,
              index.tileWidth == plan.blockWidth, index.tileHeight == plan.blockHeight else {
            throw damaged("its partial output is \(index.imageWidth)x\(index.imageHeight) in blocks of "
                          + "\(index.tileWidth)x\(index.tileHeight); this run's plan has \(plan.raster.width)x"
                          + "\(plan.raster.height) in blocks of \(plan.blockWidth)x\(plan.blockHeight)")
        }
        let planes = index.separatePlanes ? bands : 1
        func checkBlock(_ n: Int, chunk: Int?) throws(EngineError) {
            let (offset, count) = (index.offsets[n], index.byteCounts[n])
            let name = "block \(n % (index.blocksAcross * index.blocksDown))"
                + (chunk.map { " of done chunk \($0)" } ?? "")
            if inPlace && (offset < index.structureEnd || count != UInt64(index.blockBytes)) {
                throw damaged("its partial output's \(name) has no place of its own in the file")
            }
            if !sparse && (offset == 0 || count == 0) { throw damaged("its partial output has no data for \(name)") }
            if offset > 0 && offset + count > size {
                throw damaged("its partial output's \(name) lies past the file's end (\(size) bytes; cut short?)")
            }
        }
        if inPlace {
            for n in index.offsets.indices { try checkBlock(n, chunk: nil) }
        }
        for c in doneSet.sorted() {
            for b in plan.blocks(in: plan.chunk(c)) {
                for p in 1...planes {
                    try checkBlock(index.blockNumber(column: b.column, row: b.row, band: p), chunk: c)
                }
            }
        }
    }
}

extension OutputProfile {
    /// Whether GDAL may leave blocks unwritten (`SPARSE_OK=TRUE`): a done chunk's blocks may then have no data.
    var isSparse: Bool { ["TRUE", "YES", "ON", "1"].contains(option("SPARSE_OK") ?? "") }
}

/// The one field read before the rest: a checkpoint of another format version is named as such.
private struct FormatVersion: Decodable {
    let version: Int?
}
