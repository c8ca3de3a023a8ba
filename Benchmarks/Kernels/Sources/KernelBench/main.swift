// Times (thread CPU time) NeighbourhoodFilter on 512×512 tiles (UInt16-valued and Float32-valued planes) and prints
// same-run ratios of large to small footprints, as Docs/operations.md asks. Release builds only.
import Foundation
import RasterKernels
import RasterTiling

let core = 512
let repeats = Int(ProcessInfo.processInfo.environment["REPEATS"] ?? "3") ?? 3

/// A smooth field plus noise, quantised to 16 bits or kept as Float32, or cut into 8 classes (a class map).
func plane(width: Int, height: Int, float: Bool, classes: Bool = false) -> [Double] {
    var state: UInt64 = 12345
    func next() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53)
    }
    var out = [Double](repeating: 0, count: width * height)
    for y in 0..<height {
        for x in 0..<width {
            let v = 20000 + 8000 * sin(Double(x) / 37) * cos(Double(y) / 53) + 3000 * next()
            out[y * width + x] = classes ? (v / 4000).rounded(.down) : float ? Double(Float(v / 1000)) : v.rounded()
        }
    }
    return out
}

/// This thread's CPU time in seconds: on a shared, loaded machine it counts this run's work, not the waits.
func cpuSeconds() -> Double {
    var t = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
    return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
}

/// CPU seconds per 512² tile (best of `repeats`).
func time(_ method: FilterMethod, _ footprint: Footprint, float: Bool, classes: Bool) -> Double {
    let h = footprint.halo
    let pw = core + h.left + h.right, ph = core + h.top + h.bottom
    let values = plane(width: pw, height: ph, float: float, classes: classes)
    var out = [Double](repeating: 0, count: core * core)
    let op = NeighbourhoodFilter(method: method, footprint: footprint)
    var workspace = op.makeWorkspace()
    var best = Double.infinity
    for _ in 0..<repeats {
        let start = cpuSeconds()
        values.withPlaneRow { v in
            out.withMutablePlaneRow { o in
                let tile = PaddedTile(values: v.plane(width: pw, height: ph), valid: nil, halo: h, chosen: nil,
                                      sample: float ? .float : .integer(min: 0, max: 65535))
                op.apply(tile, into: o.plane(width: core, height: core), workspace: &workspace)
            }
        }
        best = min(best, cpuSeconds() - start)
    }
    return best
}

let only = ProcessInfo.processInfo.environment["ONLY"]

func row(_ label: String, _ method: FilterMethod, _ big: String, _ small: String, float: Bool,
         classes: Bool = false) {
    if let only, !"\(label) \(big)".contains(only) { return }
    let tb = time(method, try! Footprint(parsing: big), float: float, classes: classes)
    let ts = time(method, try! Footprint(parsing: small), float: float, classes: classes)
    let mpx = Double(core * core) / 1e6
    print(String(format: "%-22@ %-10@ %7.1f Mpx/s   %-10@ %7.1f Mpx/s   ratio %.2f", label as NSString,
                 big as NSString, mpx / tb, small as NSString, mpx / ts, tb / ts))
}

print("footprint filters, one 512x512 tile, one thread, thread CPU time, best of \(repeats)")
row("median UInt16", .median, "square:15", "square:3", float: false)
row("median UInt16", .median, "square:31", "square:3", float: false)
row("median UInt16", .median, "disk:7", "square:3", float: false)
row("median Float32", .median, "square:15", "square:3", float: true)
row("median Float32", .median, "square:31", "square:3", float: true)
row("min UInt16", .minimum, "square:31", "square:3", float: false)
row("max Float32", .maximum, "square:31", "square:3", float: true)
row("max UInt16 disk", .maximum, "disk:15", "disk:1", float: false)
row("mean UInt16", .mean, "rect:31x31", "square:3", float: false)
row("variance UInt16", .variance, "rect:31x31", "square:3", float: false)
row("lee UInt16", .lee(looks: 4), "rect:31x31", "square:3", float: false)
row("mean UInt16 disk", .mean, "disk:15", "disk:1", float: false)
row("mean Float32", .mean, "square:7", "square:3", float: true)
row("mode UInt16", .mode, "square:5", "square:3", float: false)
row("median classes", .median, "square:31", "square:3", float: false, classes: true)
row("mode classes", .mode, "square:15", "square:5", float: false, classes: true)
row("mode classes", .mode, "square:31", "square:5", float: false, classes: true)
row("median UInt16", .median, "square:63", "square:3", float: false)
row("median UInt16", .median, "square:127", "square:3", float: false)
