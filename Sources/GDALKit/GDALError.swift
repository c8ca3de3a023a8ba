import CGDAL

/// An error reported by GDAL, or by GDALKit on GDAL's behalf.
///
/// It carries GDAL's own error class, number and message, and the name of the C function
/// that failed, so a one-line report can say exactly what GDAL said.
/// Thread safety: a plain value, `Sendable`.
public struct GDALError: Error, Sendable, CustomStringConvertible, Equatable {
    /// GDAL's error class (`CPLErr`): failure or fatal for errors that stop a call.
    public enum Severity: String, Sendable {
        case none, debug, warning, failure, fatal
        init(_ e: CPLErr) {
            switch e {
            case CE_Debug: self = .debug
            case CE_Warning: self = .warning
            case CE_Failure: self = .failure
            case CE_Fatal: self = .fatal
            default: self = .none
            }
        }
    }

    /// The GDAL C function (or GDALKit operation) that failed, e.g. `GDALOpenEx`.
    public var function: String
    /// GDAL's error class.
    public var severity: Severity
    /// GDAL's error number (`CPLErrorNum`), e.g. 4 for `CPLE_OpenFailed`.
    public var number: Int32
    /// GDAL's message, or GDALKit's when GDAL said nothing.
    public var message: String

    /// Creates an error; used by GDALKit and by callers that refuse something on GDAL's terms.
    public init(function: String, severity: Severity = .failure, number: Int32 = 1, message: String) {
        self.function = function
        self.severity = severity
        self.number = number
        self.message = message
    }

    /// One line: the message, then the function in brackets.
    public var description: String {
        let oneLine = message.split(whereSeparator: \.isNewline).joined(separator: " ")
        return "\(oneLine) [\(function)]"
    }
}

/// Helpers that read GDAL's thread-local error state right after a call (STYLE habit 1).
enum GDALCall {
    /// Clears the calling thread's error state before a call.
    static func reset() { CPLErrorReset() }

    /// The calling thread's last error, as a `GDALError`, then resets it.
    static func lastError(_ function: String, fallback: String) -> GDALError {
        let type = CPLGetLastErrorType()
        let number = CPLGetLastErrorNo()
        var message = CPLGetLastErrorMsg().map { String(cString: $0) } ?? ""
        if message.isEmpty { message = fallback }
        CPLErrorReset()
        let severity = GDALError.Severity(type)
        return GDALError(function: function, severity: severity == .none ? .failure : severity,
                         number: number, message: message)
    }

    /// Runs a call returning `CPLErr`; throws GDAL's message when it is not `CE_None`.
    static func check(_ function: String, _ body: () -> CPLErr) throws(GDALError) {
        reset()
        let rc = body()
        if rc != CE_None {
            throw lastError(function, fallback: "\(function) failed")
        }
    }

    /// Runs a call returning a pointer; throws GDAL's message when it is NULL.
    static func nonNull<T>(_ function: String, _ body: () -> T?) throws(GDALError) -> T {
        reset()
        guard let value = body() else {
            throw lastError(function, fallback: "\(function) returned NULL")
        }
        return value
    }

    /// Runs a `void` call that signals failure only through the error state (GDALClose, GDALFlushCache in 3.6).
    static func checkState(_ function: String, _ body: () -> Void) throws(GDALError) {
        reset()
        body()
        let type = CPLGetLastErrorType()
        if type == CE_Failure || type == CE_Fatal {
            throw lastError(function, fallback: "\(function) failed")
        }
        CPLErrorReset()
    }
}
