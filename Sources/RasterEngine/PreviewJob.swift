import Dispatch
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The quick look of `apply --preview`, drawn and encoded on its own thread while the main
/// thread closes the output and makes it durable (that wait is mostly I/O), into a file opened
/// before (`PreviewFile`), then renamed into place after the output, or removed when the run
/// fails. A run whose quick look must read the finished output (resumed chunks to fill) draws it
/// after the output instead.
/// Thread safety: `start` and `finish`/`discard` are called from the main thread; the drawing
/// runs on a global queue and hands its result over through `done`.
final class PreviewJob: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    /// Set by the drawing thread before it signals `done`, read after waiting on it.
    private var result: Result<Double, any Error>? = nil
    private let file: PreviewFile
    private var settled = false

    private init(file: PreviewFile) { self.file = file }

    /// Opens the quick look's temporary file, then starts drawing `canvas` into it on a global queue.
    static func start(_ canvas: PreviewCanvas, _ options: ApplyOptions, request: PreviewRequest,
                      facts: Engine.PreviewFacts) throws -> PreviewJob {
        let job = PreviewJob(file: try PreviewFile(for: request.path))
        DispatchQueue.global(qos: .userInitiated).async {
            job.result = Result {
                try Engine.finishPreview(canvas, options, request: request, facts: facts, into: job.file)
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
        do {
            let seconds = try result!.get()
            try file.commit()
            return seconds
        } catch {
            file.discard()
            throw error
        }
    }

    /// Waits for the drawing and removes what it wrote (the run failed), unless `finish` ran.
    func discard() {
        guard !settled else { return }
        done.wait()
        settled = true
        file.discard()
    }
}
