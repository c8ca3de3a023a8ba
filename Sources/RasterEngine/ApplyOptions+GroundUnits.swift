import GDALKit
import RasterKernels

extension ApplyOptions {
    /// Options for a kernel written with a ground unit (`--kernel gaussian:30m`): `kernel` is the
    /// 1×1 identity until the engine resolves `groundKernel` on the input's grid
    /// (`resolvingGroundUnits(input:)`).
    public init(input: String, output: String, groundKernel: GroundKernelSpec) {
        self.init(input: input, output: output, kernel: GroundKernelSpec.placeholder)
        self.groundKernel = groundKernel
    }

    /// These options with `groundKernel` (if any) turned into `kernel` on the input's grid, and
    /// `groundKernelSize` saying what it became. The engine calls it right after opening the
    /// input, before anything reads `kernel` (the halo, the plan, the resume fingerprint).
    /// - Throws: `EngineError.badOption` when the input has no georeferencing, `.kernel` when the
    ///   size is not positive or is larger than 511 pixels.
    /// Thread safety: on the thread that owns `input`.
    public func resolvingGroundUnits(input: borrowing Dataset) throws(EngineError) -> ApplyOptions {
        var o = try resolvingGroundFootprint(input: input)
        guard let spec = groundKernel else { return o }
        let scale = spec.length.isGround ? try GroundScale.of(input, path: self.input, neededBy: spec.text) : nil
        do {
            (o.kernel, o.groundKernelSize) = try spec.resolve(on: scale)
        } catch {
            let grid = scale.map(\.description) ?? "pixels"
            throw .badOption("\(spec.text) on \(self.input) (\(grid)): \(error.description)")
        }
        return o
    }
}

extension GroundKernelSpec {
    /// What `ApplyOptions.kernel` holds before a ground size is resolved.
    static let placeholder = try! Kernel(rows: [[1]])
}

extension ApplyOptions {
    /// Options for a footprint written with a ground unit (`--footprint disk:50m`): `footprint` is
    /// one pixel until the engine resolves `groundFootprint` on the input's grid.
    public init(input: String, output: String, method: FilterMethod, groundFootprint: GroundFootprintSpec) {
        self.init(input: input, output: output, method: method, footprint: GroundFootprintSpec.placeholder)
        self.groundFootprint = groundFootprint
    }

    /// These options with `groundFootprint` (if any) turned into `footprint` on the input's grid.
    func resolvingGroundFootprint(input: borrowing Dataset) throws(EngineError) -> ApplyOptions {
        guard let spec = groundFootprint else { return self }
        let scale = try GroundScale.of(input, path: self.input, neededBy: spec.text)
        var o = self
        do { o.footprint = try spec.resolve(on: scale) } catch {
            throw .badOption("\(spec.text) on \(self.input) (\(scale)): \(error.description)")
        }
        return o
    }
}

extension GroundFootprintSpec {
    /// What `ApplyOptions.footprint` holds before a ground size is resolved.
    static let placeholder = try! Footprint.rectangle(width: 1, height: 1)
}
