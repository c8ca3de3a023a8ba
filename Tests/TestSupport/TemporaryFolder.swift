import Foundation

/// A fresh temporary folder that is removed with everything in it when the last reference
/// goes: a suite's `let folder = TemporaryFolder()` gives each test its own folder, gone when
/// the test's suite instance is. Thread safety: immutable, `Sendable`.
public final class TemporaryFolder: Sendable {
    /// The folder.
    public let url: URL

    /// Creates the folder (`Fixture.folder()`).
    public init() { url = Fixture.folder() }

    deinit { try? FileManager.default.removeItem(at: url) }
}
