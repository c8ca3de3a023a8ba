extension Kernel {
    /// Parses a kernel file's text: one row per line, values separated by spaces, tabs or
    /// commas, `#` starts a comment, blank lines are ignored.
    /// - Throws: `KernelError` naming the row and column of the first bad value.
    public init(parsingText text: String) throws(KernelError) {
        var rows: [[Double]] = []
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            let content = line.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let fields = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" })
            if fields.isEmpty { continue }
            rows.append(try Kernel.numbers(fields.map(String.init), row: rows.count + 1))
        }
        try self.init(rows: rows)
    }

    /// Parses an inline matrix: rows separated by `;`, values by `,` (spaces allowed),
    /// e.g. `0,-1,0;-1,5,-1;0,-1,0`.
    /// - Throws: `KernelError` naming the row and column of the first bad value.
    public init(parsingInline text: String) throws(KernelError) {
        var rows: [[Double]] = []
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        for (r, part) in parts.enumerated() {
            let trimmed = part.trimmingSpaces
            if trimmed.isEmpty && r == parts.count - 1 && r > 0 { continue }  // a trailing ';'
            let fields = trimmed.split(separator: ",",
                                       omittingEmptySubsequences: false).map { String($0.trimmingSpaces) }
            rows.append(try Kernel.numbers(fields, row: r + 1))
        }
        try self.init(rows: rows)
    }

    static func numbers(_ fields: [String], row: Int) throws(KernelError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(fields.count)
        for (c, f) in fields.enumerated() {
            guard let v = Kernel.number(f) else { throw .notANumber(row: row, column: c + 1, text: f) }
            guard v.isFinite else { throw .notFinite(row: row, column: c + 1) }
            out.append(v)
        }
        return out
    }

    /// A decimal number, or a fraction `a/b` (handy for `1/9`).
    static func number(_ text: String) -> Double? {
        guard !text.isEmpty, text.utf8.count <= 64 else { return nil }
        if let slash = text.firstIndex(of: "/") {
            guard let a = Double(text[..<slash]), let b = Double(text[text.index(after: slash)...]),
                  b != 0 else { return nil }
            return a / b
        }
        let lower = text.lowercased()
        if lower.contains("nan") || lower.contains("inf") || lower.hasPrefix("0x") { return nil }
        return Double(text)
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
