#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import RasterEngine
import RasterKernels

/// The `--json` report of `geokernel apply`: one object on stdout.
enum ReportJSON {
    /// The report of a run that failed: what the exit code says, as JSON.
    static func failure(_ e: EngineError, input: String, output: String) -> String {
        let object: [String: Any] = ["ok": false, "exit_code": Int(e.exitCode), "error": e.description,
                                     "input": input, "output": output]
        return JSONText.serialize(object)
    }

    /// A kernel sized in ground units: the spec as written and what it became in pixels.
    static func groundSize(_ g: GroundKernelSize?) -> [String: Any] {
        guard let g else { return [:] }
        var ground: [String: Any] = ["parameter": g.parameter, "pixels_x": g.pixelsX, "pixels_y": g.pixelsY]
        if let s = g.scale {
            ground["metres_per_pixel_x"] = s.metresPerPixelX
            ground["metres_per_pixel_y"] = s.metresPerPixelY
        }
        return ["spec": g.spec, "ground": ground]
    }

    /// A partition's tag: which partition of how many, its window in the full raster, the run's digest.
    static func partition(_ t: PartitionTag) -> [String: Any] {
        ["index": t.index, "count": t.count, "run": t.run,
         "window": ["x": t.window.x, "y": t.window.y, "width": t.window.width, "height": t.window.height]]
    }

    static func render(_ r: ApplyReport, options: ApplyOptions) -> String {
        let k = r.options.kernel
        let object: [String: Any] = [
            "input": options.input,
            "output": r.output,
            "mask": options.mask as Any? ?? JSONText.null,
            "width": r.width, "height": r.height, "bands": r.bandCount,
            "output_type": r.outputType.name,
            "input_types": r.inputTypes.map(\.name),
            "creation_options": r.creationOptions,
            "kernel": k.map { k in
                ["width": k.width, "height": k.height, "sum": k.sum, "separable": k.isSeparable]
                    .merging(groundSize(r.options.groundKernelSize)) { a, _ in a } as Any
            } ?? JSONText.null,
            "method": "\(r.options.method)",
            "footprint": r.options.footprint.map { f in
                ["spec": f.spec, "width": f.width, "height": f.height, "pixels": f.count] as Any
            } ?? JSONText.null,
            "operation": r.options.operationSummary,
            "mask_sources": r.selectionSources,
            "edge": options.edge.rawValue,
            "nodata_policy": options.nodataPolicy.rawValue,
            "tiles": ["total": r.stats.tilesTotal, "convolved": r.stats.tilesConvolved,
                      "skipped": r.stats.tilesSkipped],
            "chunks": r.chunks,
            "chunks_resumed": r.chunksResumed,
            "pass_through": r.passThrough.name,
            "pass_through_detail": r.passThrough.description,
            "blocks_written": r.stats.blocksWritten,
            "block_writes": r.blockWrites.rawValue,
            "blocks_decoded": r.blocksDecoded,
            "blocks_needed": r.blocksNeeded,
            "pixels_selected": r.stats.pixelsSelected,
            "pixels_filtered": r.stats.pixelsFiltered,
            "pixels_changed": r.stats.pixelsChanged,
            "pixels_clamped": r.stats.pixelsClamped,
            "threads": r.threads,
            "seconds": r.seconds,
            "seconds_per_stage": ["read": r.stats.secondsRead, "compute": r.stats.secondsCompute,
                                  "write": r.stats.secondsWrite],
            "bytes_read": r.stats.bytesRead,
            "bytes_written": r.bytesWritten,
            "peak_memory_bytes": r.peakMemoryBytes,
            "checksums": r.checksums,
            "preview": options.preview?.path as Any? ?? JSONText.null,
            "preview_seconds": r.previewSeconds as Any? ?? JSONText.null,
            "partition": r.partition.map(partition) as Any? ?? JSONText.null,
            "ok": true,
            "exit_code": 0,
        ]
        return JSONText.serialize(object)
    }
}
