import Dispatch
import Foundation

/// The quick look of `apply --preview`, drawn and encoded on its own thread while the main
/// thread closes the output and makes it durable (that wait is mostly I/O), then renamed into
/// place after the output, or removed when the run fails. A run whose quick look must read
/// the finished output (resumed chunks to fill) draws it after the output instead.
/// Thread safety: `start` and `finish`/`discard` are called from the main thread; the drawing
/// runs on a global queue and hands its result over through `done`.
final class PreviewJob: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Set by the drawing thread before it signals `done`, read after waiting on it.
    private var result: Result<(seconds: Double, temporary: String), any Error>? = nil
    private let path: String
    private var settled = false

    private init(path: String) { self.path = path }

    /// Starts drawing the quick look of `canvas` on a global queue.
    static func start(_ canvas: PreviewCanvas, _ options: ApplyOptions, request: PreviewRequest,
                      facts: Engine.PreviewFacts) -> PreviewJob {
        let job = PreviewJob(path: request.path)
        DispatchQueue.global(qos: .userInitiated).async {
            job.result = Result {
                try Engine.finishPreview(canvas, options, request: request, facts: facts, rename: false)
            }
            job.done.signal()
        }
        return job
    }

    /// Waits for the drawing, then renames the PNG into place.
    /// - Returns: the seconds the drawing took. - Throws: what drawing or renaming threw.
    func finish() throws -> Double {
        done.wait()
        settled = true
        let (seconds, temporary) = try result!.get()
        try Engine.renamePreview(temporary, to: path)
        return seconds
    }

    /// Waits for the drawing and removes what it wrote (the run failed), unless `finish` ran.
    func discard() {
        guard !settled else { return }
        done.wait()
        settled = true
        if case let .success(written) = result { unlink(written.temporary) }
    }
}
