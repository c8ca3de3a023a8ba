/// A per-pixel selection expression over the input's bands, as `--where` takes it:
/// numbers, `b1`, `b2`, …, `+ - * /`, parentheses, `< <= > >= == !=`, `&&`, `||`, `!` and
/// `nodata(bN)`. True is 1, false 0; a division by zero gives NaN, and NaN selects nothing.
/// Thread safety: a plain value, `Sendable`.
public indirect enum SelectionExpression: Sendable, Equatable {
    case number(Double)
    case band(Int)
    case nodata(Int)
    case negate(SelectionExpression)
    case not(SelectionExpression)
    case binary(String, SelectionExpression, SelectionExpression)

    /// Why an expression was refused: the message and the 1-based character position.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let position: Int
        public let message: String
        /// `--where: at character N: MESSAGE`.
        public var description: String { "--where: at character \(position): \(message)" }
    }

    /// Parses an expression.
    /// - Throws: `ParseError` naming the position of the first problem.
    public init(parsing text: String) throws(ParseError) {
        var p = Parser(Array(text.unicodeScalars))
        let e = try p.orExpr(depth: 0)
        p.skipSpaces()
        if p.i < p.s.count { throw ParseError(position: p.i + 1, message: "unexpected '\(Character(p.s[p.i]))'") }
        self = e
    }

    /// The 1-based bands the expression reads (values or nodata).
    public var bands: Set<Int> {
        switch self {
        case .number: return []
        case let .band(b), let .nodata(b): return [b]
        case let .negate(e), let .not(e): return e.bands
        case let .binary(_, a, b): return a.bands.union(b.bands)
        }
    }

    /// The bands whose validity `nodata(bN)` asks for.
    public var nodataBands: Set<Int> {
        switch self {
        case .number, .band: return []
        case let .nodata(b): return [b]
        case let .negate(e), let .not(e): return e.nodataBands
        case let .binary(_, a, b): return a.nodataBands.union(b.nodataBands)
        }
    }

    /// Evaluates over `count` pixels. `value(b)` gives band b's values, `invalid(b)` its
    /// invalid flags (1 = nodata). Writes 1 where the expression selects the pixel, else 0.
    public func select(count: Int, value: (Int) -> [Double], invalid: (Int) -> [UInt8]) -> [UInt8] {
        let v = evaluate(count: count, value: value, invalid: invalid)
        return v.map { $0 != 0 && !$0.isNaN ? 1 : 0 }
    }

    func evaluate(count: Int, value: (Int) -> [Double], invalid: (Int) -> [UInt8]) -> [Double] {
        switch self {
        case let .number(x): return [Double](repeating: x, count: count)
        case let .band(b): return value(b)
        case let .nodata(b): return invalid(b).map { $0 != 0 ? 1 : 0 }
        case let .negate(e): return e.evaluate(count: count, value: value, invalid: invalid).map { -$0 }
        case let .not(e): return e.evaluate(count: count, value: value,
                                            invalid: invalid).map { $0 != 0 && !$0.isNaN ? 0 : 1 }
        case let .binary(op, a, b):
            let x = a.evaluate(count: count, value: value, invalid: invalid)
            let y = b.evaluate(count: count, value: value, invalid: invalid)
            let truth: (Bool) -> Double = { $0 ? 1 : 0 }
            let isTrue: (Double) -> Bool = { $0 != 0 && !$0.isNaN }
            var out = [Double](repeating: 0, count: count)
            for i in 0..<count {
                let l = x[i], r = y[i]
                switch op {
                case "+": out[i] = l + r
                case "-": out[i] = l - r
                case "*": out[i] = l * r
                case "/": out[i] = r == 0 ? .nan : l / r
                case "<": out[i] = truth(l < r)
                case "<=": out[i] = truth(l <= r)
                case ">": out[i] = truth(l > r)
                case ">=": out[i] = truth(l >= r)
                case "==": out[i] = truth(l == r)
                case "!=": out[i] = truth(!l.isNaN && !r.isNaN && l != r)
                case "&&": out[i] = truth(isTrue(l) && isTrue(r))
                default: out[i] = truth(isTrue(l) || isTrue(r))   // "||"
                }
            }
            return out
        }
    }
}

/// A recursive-descent parser; `depth` bounds nesting so hostile input cannot exhaust the stack.
private struct Parser {
    let s: [Unicode.Scalar]
    var i = 0
    static let maximumDepth = 200
    init(_ s: [Unicode.Scalar]) { self.s = s }

    typealias E = SelectionExpression
    typealias Failure = SelectionExpression.ParseError

    mutating func skipSpaces() { while i < s.count, s[i] == " " || s[i] == "\t" { i += 1 } }

    mutating func eat(_ token: String) -> Bool {
        skipSpaces()
        let t = Array(token.unicodeScalars)
        guard i + t.count <= s.count, Array(s[i..<(i + t.count)]) == t else { return false }
        i += t.count
        return true
    }

    func fail(_ message: String) -> Failure { Failure(position: min(i, s.count) + 1, message: message) }

    mutating func orExpr(depth: Int) throws(Failure) -> E {
        guard depth < Parser.maximumDepth else { throw fail("the expression is nested too deeply") }
        var e = try andExpr(depth: depth)
        while eat("||") { e = .binary("||", e, try andExpr(depth: depth)) }
        return e
    }

    mutating func andExpr(depth: Int) throws(Failure) -> E {
        var e = try notExpr(depth: depth)
        while eat("&&") { e = .binary("&&", e, try notExpr(depth: depth)) }
        return e
    }

    mutating func notExpr(depth: Int) throws(Failure) -> E {
        skipSpaces()
        if i < s.count, s[i] == "!", !(i + 1 < s.count && s[i + 1] == "=") {
            i += 1
            guard depth < Parser.maximumDepth else { throw fail("the expression is nested too deeply") }
            return .not(try notExpr(depth: depth + 1))
        }
        return try comparison(depth: depth)
    }

    mutating func comparison(depth: Int) throws(Failure) -> E {
        let e = try sum(depth: depth)
        for op in ["<=", ">=", "==", "!=", "<", ">"] where eat(op) {
            return .binary(op, e, try sum(depth: depth))
        }
        return e
    }

    mutating func sum(depth: Int) throws(Failure) -> E {
        var e = try product(depth: depth)
        while true {
            if eat("+") { e = .binary("+", e, try product(depth: depth)) }
            else if eat("-") { e = .binary("-", e, try product(depth: depth)) }
            else { return e }
        }
    }

    mutating func product(depth: Int) throws(Failure) -> E {
        var e = try unary(depth: depth)
        while true {
            if eat("*") { e = .binary("*", e, try unary(depth: depth)) }
            else if eat("/") { e = .binary("/", e, try unary(depth: depth)) }
            else { return e }
        }
    }

    mutating func unary(depth: Int) throws(Failure) -> E {
        guard depth < Parser.maximumDepth else { throw fail("the expression is nested too deeply") }
        if eat("-") { return .negate(try unary(depth: depth + 1)) }
        if eat("+") { return try unary(depth: depth + 1) }
        return try primary(depth: depth)
    }

    mutating func bandNumber() throws(Failure) -> Int {
        skipSpaces()
        guard i < s.count, s[i] == "b" || s[i] == "B" else { throw fail("expected a band such as b1") }
        i += 1
        let start = i
        while i < s.count, ("0"..."9").contains(s[i]) { i += 1 }
        guard i > start, i - start <= 6, let n = Int(String(String.UnicodeScalarView(s[start..<i]))), n >= 1 else {
            i = start
            throw fail("expected a band number after 'b' (b1, b2, …)")
        }
        return n
    }

    mutating func primary(depth: Int) throws(Failure) -> E {
        skipSpaces()
        guard i < s.count else { throw fail("the expression ends too early") }
        if eat("(") {
            let e = try orExpr(depth: depth + 1)
            guard eat(")") else { throw fail("expected ')'") }
            return e
        }
        if eat("nodata") {
            guard eat("(") else { throw fail("expected '(' after nodata") }
            let b = try bandNumber()
            guard eat(")") else { throw fail("expected ')'") }
            return .nodata(b)
        }
        if s[i] == "b" || s[i] == "B" { return .band(try bandNumber()) }   // B1 as gdal_calc users write it
        let start = i
        while i < s.count, ("0"..."9").contains(s[i]) || s[i] == "." || s[i] == "e" || s[i] == "E"
                || ((s[i] == "-" || s[i] == "+") && i > start && (s[i - 1] == "e" || s[i - 1] == "E")) {
            i += 1
        }
        guard i > start, i - start <= 40, let v = Double(String(String.UnicodeScalarView(s[start..<i]))),
              v.isFinite else {
            i = start
            throw fail("expected a number, a band (b1), nodata(bN) or '('")
        }
        return .number(v)
    }
}
