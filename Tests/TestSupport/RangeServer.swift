import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 that serves one file with byte ranges (HEAD, GET,
/// `Range: bytes=a-b`), enough for GDAL's `/vsicurl/`. It answers 404 for any other path.
/// It stops when the value is released or `stop()` is called.
public final class RangeServer: @unchecked Sendable {
    public let port: Int
    private let listener: Int32
    private let data: Data
    private let name: String
    private let thread: Thread

    /// Serves `file` as `/NAME` on a free port.
    public init(serving file: String) throws {
        data = try Data(contentsOf: URL(fileURLWithPath: file))
        name = "/" + URL(fileURLWithPath: file).lastPathComponent
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        listen(fd, 16)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        let (body, path) = (data, name)
        thread = Thread {
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 { return }
                RangeServer.serve(c, body, path)
                close(c)
            }
        }
        thread.start()
    }

    /// The URL of the served file.
    public var url: String { "http://127.0.0.1:\(port)\(name)" }

    private var stopped = false   // touched only by the thread that owns the server

    /// Stops accepting connections (once; later calls do nothing).
    public func stop() {
        guard !stopped else { return }
        stopped = true
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    deinit { stop() }

    private static func serve(_ c: Int32, _ body: Data, _ path: String) {
        // Requests on one connection, one after another (keep-alive).
        var pending = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            while pending.range(of: Data("\r\n\r\n".utf8)) == nil {
                let n = recv(c, &buf, buf.count, 0)
                if n <= 0 { return }
                pending.append(contentsOf: buf[0..<n])
            }
            let end = pending.range(of: Data("\r\n\r\n".utf8))!
            let head = String(decoding: pending[..<end.lowerBound], as: UTF8.self)
            pending.removeSubrange(..<end.upperBound)
            let lines = head.split(separator: "\r\n")
            let parts = lines.first?.split(separator: " ") ?? []
            let method = parts.first.map(String.init) ?? "", target = parts.count > 1 ? String(parts[1]) : ""
            var range: (Int, Int)? = nil
            for l in lines.dropFirst() where l.lowercased().hasPrefix("range: bytes=") {
                let spec = l.dropFirst("range: bytes=".count).split(separator: "-", omittingEmptySubsequences: false)
                if let a = Int(spec[0]) {
                    range = (a, min(body.count - 1, Int(spec.count > 1 ? spec[1] : "") ?? body.count - 1))
                }
            }
            var header: String, payload = Data()
            if target != path {
                header = "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
            } else if let (a, b) = range, a < body.count {
                payload = body[a...b]
                header = "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes \(a)-\(b)/\(body.count)\r\n"
                    + "Content-Length: \(payload.count)\r\nAccept-Ranges: bytes\r\n"
            } else {
                payload = body
                header = "HTTP/1.1 200 OK\r\nContent-Length: \(body.count)\r\nAccept-Ranges: bytes\r\n"
            }
            if method == "HEAD" { payload = Data() }
            var out = Data((header + "Connection: keep-alive\r\n\r\n").utf8)
            out.append(payload)
            var sent = 0
            while sent < out.count {
                let n = out.withUnsafeBytes { send(c, $0.baseAddress! + sent, out.count - sent, Int32(MSG_NOSIGNAL)) }
                if n <= 0 { return }
                sent += n
            }
        }
    }
}
