/// A small deterministic generator (SplitMix64) so fuzz cases are the same on every run and a
/// failure can be replayed from its seed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A random string of up to `maxLength` characters drawn from `alphabet`.
    public mutating func string(from alphabet: [Character], maxLength: Int) -> String {
        let n = Int.random(in: 0...maxLength, using: &self)
        return String((0..<n).map { _ in alphabet.randomElement(using: &self)! })
    }

    /// `text` with a few characters inserted, deleted or replaced.
    public mutating func mutate(_ text: String, alphabet: [Character]) -> String {
        var chars = Array(text)
        for _ in 0..<Int.random(in: 1...4, using: &self) {
            let op = Int.random(in: 0..<3, using: &self)
            let i = chars.isEmpty ? 0 : Int.random(in: 0..<chars.count, using: &self)
            switch op {
            case 0: chars.insert(alphabet.randomElement(using: &self)!, at: i)
            case 1: if !chars.isEmpty { chars.remove(at: i) }
            default: if !chars.isEmpty { chars[i] = alphabet.randomElement(using: &self)! }
            }
        }
        return String(chars)
    }
}
