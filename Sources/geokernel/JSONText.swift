import RasterTiling
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// The JSON text of the reports (`--json` of apply, plan's partitions, mosaic): dictionaries of
/// strings, booleans, integers, doubles, arrays and `null`, one line, keys sorted — the text
/// Foundation's `JSONSerialization` with `.sortedKeys` wrote before the project kept to
/// `FoundationEssentials` (numbers in the shortest `%g` form that reads back the same, `/` as
/// `\/`), so that scripts reading the reports see the same bytes.
/// Thread safety: stateless.
enum JSONText {
    /// A report's `null` (what `NSNull` was).
    struct Null {}

    /// `null` in a report's dictionaries.
    static let null = Null()

    /// One line of JSON for `value`.
    static func serialize(_ value: Any) -> String {
        var out = ""
        write(value, into: &out)
        return out
    }

    private static func write(_ value: Any, into out: inout String) {
        switch value {
        case is Null: out += "null"
        case let b as Bool: out += b ? "true" : "false"
        case let s as String: quote(s, into: &out)
        case let d as Double: out += number(d)
        case let f as Float: out += number(Double(f))
        case let i as any BinaryInteger: out += "\(i)"
        case let o as [String: Any]:
            out += "{"
            for (k, key) in o.keys.sorted().enumerated() {
                if k > 0 { out += "," }
                quote(key, into: &out)
                out += ":"
                write(o[key]!, into: &out)
            }
            out += "}"
        case let a as [Any]:
            out += "["
            for (k, item) in a.enumerated() {
                if k > 0 { out += "," }
                write(item, into: &out)
            }
            out += "]"
        default:
            let mirror = Mirror(reflecting: value)
            if mirror.displayStyle == .optional {
                if let wrapped = mirror.children.first?.value { write(wrapped, into: &out) } else { out += "null" }
            } else {
                quote(String(describing: value), into: &out)
            }
        }
    }

    /// The shortest `%.Ng` text that reads back as `d` (`1`, `0.1`, `1e-07`, `1e+21`); `null`
    /// for a value JSON cannot hold (infinite, NaN).
    static func number(_ d: Double) -> String {
        guard d.isFinite else { return "null" }
        for precision in 1...17 {
            let text = cFormat("%.*g", Int32(precision), d)
            if strtod(text, nil) == d { return text }
        }
        return cFormat("%.17g", d)
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "/": out += "\\/"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if u.value < 0x20 {
                    out += cFormat("\\u%04x", Int32(u.value))
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        out += "\""
    }
}
