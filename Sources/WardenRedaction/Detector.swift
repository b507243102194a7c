/// A matcher for one family of sensitive values.
///
/// Detectors scan UTF-8 bytes from cheap anchors (an `@`, a digit, a known prefix) and confirm candidates with
/// validators (checksums, length tables, decodable headers). They are pure: no I/O, no shared state.
protocol Detector: Sendable {
    /// Appends every candidate found in `text` to `findings`; overlaps are resolved by the caller.
    func scan(_ text: [UInt8], into findings: inout [Finding])
}
