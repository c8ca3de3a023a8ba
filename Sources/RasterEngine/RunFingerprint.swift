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
import RasterKernels
import RasterTiling

/// Everything that decides a run's output (pixels, layout, file bytes), as named entries in a
/// fixed order: every stored property of `ApplyOptions` (found by reflection, so an option
/// added later joins by itself) except the few in `ignoredProperties`, the facts the engine
/// resolved from them (creation options used, chunk and block geometry, whether the input is
/// copied), and the identity (resolved path, size, modification time) of every file read.
///
/// `apply --resume` stores it in the checkpoint and refuses to continue a partial output made
/// with another; `plan` prints it. Both build it here. Thread safety: a plain value, `Sendable`.
public struct RunFingerprint: Sendable, Equatable, Codable {
    /// One named part of the fingerprint.
    public struct Entry: Sendable, Equatable, Codable {
        /// How the entry reads in a message.
        public enum Kind: String, Sendable, Codable {
            /// An option with a value (`--where "b1 > 3"`); no value: not given.
            case option
            /// A flag: a value means it was given.
            case flag
            /// A file read by the run: the value is its size and modification time.
            case file
            /// Something the engine resolved (creation options used, tiling).
            case fact
        }
        /// The user-facing name: `--where`, `-of`, `INPUT`, `file INPUT /abs/in.tif`, `tiling`.
        public var option: String
        public var kind: Kind
        /// `nil`: not given (an option), off (a flag), missing (a file).
        public var value: String?
        /// For `.file`: the file (resolved path) whose identity `value` is.
        public var file: String?

        var key: String { option + "\u{0}" + (file ?? "") }
    }

    public var entries: [Entry]

    /// `ApplyOptions` properties that cannot change a pixel, the layout or the file's bytes.
    /// Every other stored property is part of the fingerprint.
    static let ignoredProperties: Set<String> = [
        "output",             // the checkpoint is found beside OUTPUT: it is the same by construction
        "threads",            // the result does not depend on them
        "overwrite", "resume", "checksums", "checkpointSeconds",
        "preview",            // the quick look is written beside the output; it changes no pixel
    ]

    /// `ApplyOptions` property → the option as the user writes it, and how it reads.
    /// Files (`.file`) are also identified by size and modification time.
    static let optionNames: [String: (name: String, kind: Entry.Kind)] = [
        "input": ("INPUT", .file),
        "kernel": ("--kernel", .option),
        "kernelFile": ("--kernel FILE", .file),
        "groundKernel": ("--kernel (ground size)", .option),
        "groundKernelSize": ("--kernel (in pixels)", .option),
        "method": ("--method", .option),
        "footprint": ("--footprint", .option),
        "footprintFile": ("--footprint FILE", .file),
        "groundFootprint": ("--footprint (ground size)", .option),
        "growMask": ("--grow-mask", .option),
        "shrinkMask": ("--shrink-mask", .option),
        "mask": ("--mask", .file),
        "maskWarp": ("--mask-warp", .flag),
        "polygons": ("--polygons", .file),
        "polygonLayer": ("--layer", .option),
        "polygonWhere": ("--sql-where", .option),
        "allTouched": ("--all-touched", .flag),
        "maskBand": ("--mask-band", .option),
        "invertMask": ("--invert-mask", .flag),
        "whereExpression": ("--where", .option),
        "bbox": ("--bbox", .option),
        "bboxCRS": ("--bbox-crs", .option),
        "edge": ("--edge", .option),
        "cval": ("--cval", .option),
        "bands": ("--bands", .option),
        "nodataPolicy": ("--nodata-policy", .option),
        "outputType": ("-ot", .option),
        "format": ("-of", .option),
        "overviewResampling": ("--overviews", .option),
        "creationOptions": ("-co", .option),
        "tileSize": ("--tile-size", .option),
        "noInputCopy": ("--no-input-copy", .flag),
        "partition": ("--partition", .option),
    ]

    /// What the engine resolved from the options, for the fingerprint.
    public struct Facts: Sendable {
        /// The GeoTIFF creation options used (and the COG driver's, with `-of COG`).
        public var creationOptions: [String]
        /// Output blocks, chunks and tiles.
        public var plan: TilePlan
        /// Whether the output starts as a copy of the input.
        public var inputCopied: Bool
    }

    /// The fingerprint of a run of `options` with `facts`.
    init(_ options: ApplyOptions, facts: Facts) {
        entries = []
        for child in Mirror(reflecting: options).children {
            guard let property = child.label, !RunFingerprint.ignoredProperties.contains(property) else { continue }
            // A property nobody classified still counts (under its own name); a test fails until it is.
            let (name, kind) = RunFingerprint.optionNames[property] ?? ("ApplyOptions.\(property)", .option)
            let value = RunFingerprint.render(child.value, kind: kind)
            if kind == .file {
                entries.append(Entry(option: name, kind: .option, value: value.map(RunFingerprint.resolvedPath)))
                // A kernel or footprint file is plain text; the others are datasets with the files GDAL lists for them.
                let plainText = property == "kernelFile" || property == "footprintFile"
                let files = plainText ? value.map { [RunFingerprint.resolvedPath($0)] }
                    : value.map(RunFingerprint.filesRead)
                for file in files ?? [] {
                    entries.append(Entry(option: name, kind: .file, value: RunFingerprint.identity(file), file: file))
                }
            } else {
                entries.append(Entry(option: name, kind: kind, value: value))
            }
        }
        let p = facts.plan
        entries.append(Entry(option: "creation options used", kind: .fact,
                             value: facts.creationOptions.joined(separator: " ")))
        entries.append(Entry(option: "tiling", kind: .fact,
                             value: "blocks \(p.blockWidth)x\(p.blockHeight), chunks \(p.chunkWidth)x\(p.chunkHeight), "
                                + "tiles \(p.tileWidth)x\(p.tileHeight), \(p.chunkCount) chunks"))
        entries.append(Entry(option: "pass-through", kind: .fact,
                             value: facts.inputCopied ? "input copied" : "rewritten"))
    }

    /// FNV-1a (64-bit) of every entry, as 16 hex digits: a short name for the whole.
    public var digest: String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for e in entries {
            for byte in Array("\(e.key)\u{1f}\(e.kind.rawValue)\u{1f}\(e.value ?? "\u{0}")\u{1e}".utf8) {
                h = (h ^ UInt64(byte)) &* 0x100_0000_01b3
            }
        }
        return cFormat("%016llx", h)
    }

    /// The first entry that differs between the checkpoint's fingerprint (`self`) and this run's,
    /// as the sentence a refusal gives; `nil` when they are the same.
    func firstDifference(from run: RunFingerprint) -> String? {
        let old = Dictionary(entries.map { ($0.key, $0) }, uniquingKeysWith: { a, _ in a })
        for e in run.entries where old[e.key] != e {
            let before = old[e.key] ?? Entry(option: e.option, kind: e.kind, value: nil, file: e.file)
            if e.kind == .file {
                return "\(e.option) \(e.file ?? "") changed since its checkpoint "
                    + "(then \(before.value ?? "missing"); now \(e.value ?? "missing"))"
            }
            return "its checkpoint was made with \(before.phrase), this run has \(e.phrase)"
        }
        let now = Set(run.entries.map(\.key))
        if let gone = entries.first(where: { !now.contains($0.key) }) {
            if gone.kind == .file {
                return "\(gone.option) \(gone.file ?? "") is no longer read (its checkpoint read it)"
            }
            return "its checkpoint was made with \(gone.phrase), which this run does not have"
        }
        return nil
    }

    // MARK: - Rendering

    /// A property's value as text: `nil` for an absent optional or a false flag.
    static func render(_ value: Any, kind: Entry.Kind) -> String? {
        let mirror = Mirror(reflecting: value)
        if mirror.displayStyle == .optional {
            guard let wrapped = mirror.children.first?.value else { return nil }
            return render(wrapped, kind: kind)
        }
        switch value {
        case let b as Bool: return kind == .flag ? (b ? "" : nil) : String(b)
        case let s as String: return s
        case let d as Double: return number(d)
        case let i as Int: return String(i)
        case let k as Kernel: return kernelText(k)
        case let f as Footprint: return "\(f.spec) \(f.width)x\(f.height) \(f.maskText)"   // the shape, exactly
        case let m as FilterMethod: return m.description
        case let e as SelectionExpression: return expressionText(e, top: true)
        case let t as RasterDataType: return t.name
        case let f as ApplyOptions.Format: return f.rawValue
        case let e as EdgeMode: return e.rawValue
        case let p as NodataPolicy: return p.rawValue
        case let a as [Double]: return a.isEmpty ? nil : a.map(number).joined(separator: ",")
        case let a as [Int]: return a.isEmpty ? nil : a.map(String.init).joined(separator: ",")
        case let a as [String]:
            return a.isEmpty ? nil : a.map { $0.contains(" ") ? "\"\($0)\"" : $0 }.joined(separator: " ")
        default:
            if let r = value as? any RawRepresentable { return "\(r.rawValue)" }
            return String(describing: value)
        }
    }

    /// A number exactly (shortest text that reads back the same), integers without `.0`.
    static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15, !(d == 0 && d.sign == .minus) { return String(Int64(d)) }
        return "\(d)"
    }

    /// `WxH` and every value (bit-exact) for small kernels; larger ones by sum and a digest of their bits.
    static func kernelText(_ k: Kernel) -> String {
        if k.values.count <= 25 {
            let rows = (0..<k.height).map { r in
                (0..<k.width).map { number(k.values[r * k.width + $0]) }.joined(separator: ",")
            }
            return rows.joined(separator: ";")
        }
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in k.values {
            var bits = v.bitPattern
            for _ in 0..<8 { h = (h ^ (bits & 0xff)) &* 0x100_0000_01b3; bits >>= 8 }
        }
        return "\(k.width)x\(k.height), sum \(number(k.sum)), values #\(cFormat("%016llx", h))"
    }

    /// The expression as `--where` would take it (canonical spacing and parentheses).
    static func expressionText(_ e: SelectionExpression, top: Bool = false) -> String {
        switch e {
        case let .number(x): return number(x)
        case let .band(b): return "b\(b)"
        case let .nodata(b): return "nodata(b\(b))"
        case let .negate(a): return "-\(expressionText(a))"
        case let .not(a): return "!\(expressionText(a))"
        case let .binary(op, a, b):
            let s = "\(expressionText(a)) \(op) \(expressionText(b))"
            return top ? s : "(\(s))"
        }
    }

    // MARK: - Files

    /// The absolute path with symlinks resolved (virtual GDAL paths as they are).
    static func resolvedPath(_ path: String) -> String {
        if path.hasPrefix("/vsi") { return path }
        return URL(fileURLWithPath: path).resolvingSymlinksInPath().standardizedFileURL.path
    }

    /// The files GDAL reads for the dataset at `path` (the file itself first, then sidecars:
    /// `.aux.xml`, `.msk`, `.ovr`, a shapefile's `.dbf`, a VRT's sources), resolved.
    static func filesRead(_ path: String) -> [String] {
        let main = resolvedPath(path)
        var files = [main]
        for f in GDALRuntime.fileList(of: path).map(resolvedPath) where !files.contains(f) { files.append(f) }
        return files
    }

    /// `N bytes, modified T` (nanoseconds for local files), or `nil` when the file is missing.
    static func identity(_ path: String) -> String? {
        var st = stat()
        if stat(path, &st) == 0 {
            // UTC from gmtime_r, as ISO8601DateFormatter wrote it (which cost ~2 M instructions a
            // file, three files a run, in every partition's process).
            var seconds = st.st_mtim.tv_sec, utc = tm()
            gmtime_r(&seconds, &utc)
            let stamp = cFormat("%04d-%02d-%02dT%02d:%02d:%02d", Int(utc.tm_year) + 1900, Int(utc.tm_mon) + 1,
                               Int(utc.tm_mday), Int(utc.tm_hour), Int(utc.tm_min), Int(utc.tm_sec))
            return "\(st.st_size) bytes, modified \(stamp).\(cFormat("%09d", Int(st.st_mtim.tv_nsec)))Z"
        }
        return GDALRuntime.statVirtual(path).map { "\($0.size) bytes, modified at \($0.modified)" }
    }
}

extension RunFingerprint.Entry {
    /// How the entry reads in a sentence: `--where "b1 > 3"`, `no --where`, `--invert-mask`.
    var phrase: String {
        guard let value else { return "no \(option)" }
        if kind == .flag { return option }
        let shown = value.isEmpty || value.contains(where: { $0 == " " || $0 == ";" }) ? "\"\(value)\"" : value
        return "\(option) \(RunFingerprint.clip(shown))"
    }
}

extension RunFingerprint {
    /// Escapes control characters (a message stays one line) and cuts long values.
    static func clip(_ text: String) -> String {
        var out = ""
        for u in text.unicodeScalars {
            if u.value < 0x20 || u.value == 0x7f {
                out += "\\u{\(String(u.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(u)
            }
        }
        return out.count > 120 ? String(out.prefix(110)) + "…" : out
    }
}

extension RunFingerprint.Facts {
    /// The facts of a run writing `profile` (and, with `-of COG`, copying it with `cogOptions`).
    init(profile: OutputProfile, cogOptions: [String]?, plan: TilePlan, inputCopied: Bool) {
        self.init(creationOptions: profile.creationOptions + (cogOptions ?? []).map { "COG:" + $0 }, plan: plan,
                  inputCopied: inputCopied)
    }
}
