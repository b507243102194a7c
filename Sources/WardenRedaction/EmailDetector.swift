/// Email addresses: anchored on `@`, local part scanned backwards, domain forwards.
///
/// The domain needs at least two labels and an alphabetic top-level label, which keeps `user@host` shell prompts
/// and `@mentions` out. User info in URLs (`scheme://user:pass@host`) is left to the URL password detector.
struct EmailDetector: Detector {
    private static let maxLocalLength = 64

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            guard text[i] == UInt8(ascii: "@") else {
                i += 1
                continue
            }
            if let range = match(text, at: i) {
                findings.append(Finding(type: .email, rule: "email", byteRange: range))
                i = range.upperBound
            } else {
                i += 1
            }
        }
    }

    private func match(_ text: [UInt8], at atSign: Int) -> Range<Int>? {
        var start = atSign
        while start > 0, Self.isLocalByte(text[start - 1]) {
            start -= 1
            if atSign - start > Self.maxLocalLength { return nil }
        }
        while start < atSign, text[start] == UInt8(ascii: ".") { start += 1 }
        guard start < atSign, text[atSign - 1] != UInt8(ascii: ".") else { return nil }
        if isURLUserInfo(text, before: start) { return nil }
        guard let end = domainEnd(text, from: atSign + 1) else { return nil }
        return start..<end
    }

    /// The end of the longest valid domain starting at `from`, if any.
    private func domainEnd(_ text: [UInt8], from: Int) -> Int? {
        var index = from
        var labels = 0
        var best: Int?
        while true {
            let labelStart = index
            var alphabetic = true
            while index < text.count, ByteClass.isAlnum(text[index]) || text[index] == UInt8(ascii: "-") {
                if !ByteClass.isAlpha(text[index]) { alphabetic = false }
                index += 1
            }
            let length = index - labelStart
            guard length > 0, length <= 63, text[labelStart] != UInt8(ascii: "-"),
                text[index - 1] != UInt8(ascii: "-")
            else { break }
            labels += 1
            if labels >= 2, alphabetic, length >= 2 { best = index }
            guard text.byte(at: index) == UInt8(ascii: "."), ByteClass.isAlnum(text.byte(at: index + 1)) else {
                break
            }
            index += 1
        }
        return best
    }

    /// Whether `start` lies in the authority of a URL (`scheme://user:pass@host`): a `://` earlier in the same
    /// token with no path `/` in between.
    private func isURLUserInfo(_ text: [UInt8], before start: Int) -> Bool {
        var index = start - 1
        while index >= 2, !ByteClass.isSpace(text[index]), start - index < 256 {
            if text[index] == UInt8(ascii: "/") {
                return text[index - 1] == UInt8(ascii: "/") && text[index - 2] == UInt8(ascii: ":")
            }
            index -= 1
        }
        return false
    }

    private static func isLocalByte(_ b: UInt8) -> Bool {
        ByteClass.isAlnum(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "_") || b == UInt8(ascii: "%")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b >= 0x80  // RFC 6531 UTF-8 local parts
    }
}
