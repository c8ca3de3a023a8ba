#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// printf-style formatting (`"%.1f"`, `"%016llx"`, `"%d:%02d"`) through the C library's
/// `vsnprintf`: the text `String(format:)` gives for these conversions. It exists so that the
/// project needs only `FoundationEssentials`: full Foundation, which holds `String(format:)`,
/// brings three more libraries (ICU among them) whose loading, relocation and conformance
/// records cost every process ~5 ms of start-up (Docs/scale-out.md).
/// Numbers only: a Swift `String` is no C string here (`%s` and `%@` are not for this).
/// Thread safety: a pure function.
public func cFormat(_ format: String, _ arguments: CVarArg...) -> String {
    var buffer = [CChar](repeating: 0, count: 128)
    let needed = withVaList(arguments) { Int(vsnprintf(&buffer, buffer.count, format, $0)) }
    if needed >= buffer.count {
        buffer = [CChar](repeating: 0, count: needed + 1)
        _ = withVaList(arguments) { vsnprintf(&buffer, buffer.count, format, $0) }
    }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
}
