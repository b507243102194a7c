/// JSON Web Tokens (JWS compact form): three base64url segments whose first decodes to a JSON object with an
/// `alg` member. The signature may be empty (`alg: none`) and still be redacted: the claims are the secret.
struct JWTDetector: Detector {
    private static let anchor = Array("eyJ".utf8)

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        let limit = text.count - 3
        while i < limit {
            guard text[i] == UInt8(ascii: "e"), text[i + 1] == UInt8(ascii: "y"), text[i + 2] == UInt8(ascii: "J"),
                !ByteClass.isBase64URL(text.byte(at: i - 1))
            else {
                i += 1
                continue
            }
            if let end = match(text, at: i) {
                findings.append(Finding(type: .jwt, rule: "jwt", byteRange: i..<end))
                i = end
            } else {
                i += 3
            }
        }
    }

    private func match(_ text: [UInt8], at start: Int) -> Int? {
        var index = start
        var segmentEnds: [Int] = []
        while segmentEnds.count < 5 {
            let segmentStart = index
            while index < text.count, ByteClass.isBase64URL(text[index]) { index += 1 }
            let length = index - segmentStart
            // Header and payload are never empty; only the last segment (signature) may be.
            if length == 0, segmentEnds.count < 2 { return nil }
            segmentEnds.append(index)
            guard text.byte(at: index) == UInt8(ascii: "."), segmentEnds.count < 5 else { break }
            index += 1
        }
        // JWS has three segments, JWE five.
        guard segmentEnds.count == 3 || segmentEnds.count == 5 else { return nil }
        let header = Base64URL.decode(text[start..<segmentEnds[0]])
        guard isJOSEHeader(header) else { return nil }
        return segmentEnds[segmentEnds.count - 1]
    }

    private static let algMember = Array("\"alg\"".utf8)

    private func isJOSEHeader(_ bytes: [UInt8]?) -> Bool {
        guard let bytes, let first = bytes.firstIndex(where: { !ByteClass.isSpace($0) }),
            bytes[first] == UInt8(ascii: "{")
        else { return false }
        for index in first..<bytes.count where bytes.matches(Self.algMember, at: index) { return true }
        return false
    }
}

/// Minimal base64url decoding (unpadded), enough to read a JOSE header.
enum Base64URL {
    static func decode(_ input: ArraySlice<UInt8>) -> [UInt8]? {
        guard input.count % 4 != 1, input.count <= 4096 else { return nil }
        var output: [UInt8] = []
        output.reserveCapacity(input.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for b in input {
            let value: UInt32
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(b - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(b - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(b - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "-"), UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "_"), UInt8(ascii: "/"): value = 63
            default: return nil
            }
            buffer = buffer << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}
