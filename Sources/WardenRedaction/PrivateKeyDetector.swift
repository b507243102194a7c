/// PEM private key blocks (`-----BEGIN … PRIVATE KEY-----` … `-----END … PRIVATE KEY-----`), including PKCS#1,
/// PKCS#8, encrypted, EC, OpenSSH and PGP armour.
///
/// A block whose END line is missing (a truncated log line) is redacted to the end of the text: fail closed.
struct PrivateKeyDetector: Detector {
    private static let begin = Array("-----BEGIN ".utf8)
    private static let dashes = Array("-----".utf8)
    private static let privateKey = Array("PRIVATE KEY".utf8)
    private static let maxLabelLength = 40

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        while i < text.count {
            guard text[i] == UInt8(ascii: "-"), text.matches(Self.begin, at: i) else {
                i += 1
                continue
            }
            let labelStart = i + Self.begin.count
            var labelEnd = labelStart
            while labelEnd < text.count, labelEnd - labelStart <= Self.maxLabelLength,
                !text.matches(Self.dashes, at: labelEnd)
            {
                labelEnd += 1
            }
            let label = Array(text[labelStart..<min(labelEnd, text.count)])
            guard text.matches(Self.dashes, at: labelEnd), contains(label, Self.privateKey) else {
                i += Self.begin.count
                continue
            }
            let endMarker = Array("-----END ".utf8) + label + Self.dashes
            var end = text.count
            var search = labelEnd + Self.dashes.count
            while search + endMarker.count <= text.count {
                if text[search] == UInt8(ascii: "-"), text.matches(endMarker, at: search) {
                    end = search + endMarker.count
                    break
                }
                search += 1
            }
            findings.append(Finding(type: .privateKey, rule: "private-key", byteRange: i..<end))
            i = end
        }
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard haystack.count >= needle.count else { return false }
        for index in 0...(haystack.count - needle.count) where haystack.matches(needle, at: index) { return true }
        return false
    }
}
