/// One sensitive value found in a text.
///
/// Ranges are UTF-8 byte offsets so that findings are cheap to compute, stable across `String` index
/// representations, and directly comparable with byte-offset labels in benchmark corpora.
public struct Finding: Sendable, Hashable {
    /// What was found.
    public var type: FindingType
    /// The detector rule that matched, e.g. `luhn`, `mod97`, or a gitleaks rule id such as `github-pat`.
    public var rule: String
    /// Byte offsets into the text's UTF-8 encoding; always on character boundaries.
    public var byteRange: Range<Int>

    public init(type: FindingType, rule: String, byteRange: Range<Int>) {
        self.type = type
        self.rule = rule
        self.byteRange = byteRange
    }

    /// The finding's range as `String` indices of `text`, the text it was found in; `nil` if the range does not
    /// fit `text` (a finding applied to the wrong string), rather than a trap.
    public func range(in text: String) -> Range<String.Index>? {
        let utf8 = text.utf8
        guard byteRange.lowerBound >= 0,
            let lower = utf8.index(utf8.startIndex, offsetBy: byteRange.lowerBound, limitedBy: utf8.endIndex),
            let upper = utf8.index(lower, offsetBy: byteRange.count, limitedBy: utf8.endIndex)
        else { return nil }
        return lower..<upper
    }
}
