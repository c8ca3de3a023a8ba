extension StringProtocol {
    /// The text without leading and trailing blanks: spaces (Unicode's space separators) and
    /// tabs, what Foundation's `trimmingCharacters(in: .whitespaces)` removes (newlines stay).
    /// Written here because the project imports only `FoundationEssentials` (see `cFormat`).
    public func trimmingBlanks() -> String {
        func blank(_ c: Character) -> Bool {
            c == "\t" || c.unicodeScalars.allSatisfy { $0.properties.generalCategory == .spaceSeparator }
        }
        guard let first = firstIndex(where: { !blank($0) }), let last = lastIndex(where: { !blank($0) }) else {
            return ""
        }
        return String(self[first...last])
    }
}
