/// Values assigned to key-like names: `password=…`, `secret: …`, `"api_key": "…"`, `token=…`, connection-string
/// fields such as `Password=…;` and Azure's `AccountKey=…`.
///
/// Names count when they contain `password`, `passwd`, `passphrase`, `pwd`, or end in `pass`; `secret`, `token`,
/// `apikey`, `accesskey`, `privatekey`, `credential` and similar; `accountkey` (Azure storage). Passwords are
/// redacted whatever they look like (a weak password is still a password). Other key-like names
/// need a value that looks random — at least eight bytes and either letters mixed with digits or Shannon entropy
/// of 4 bits per byte — so `token_type=Bearer` or `secret: true` stay readable. References (`secret://name`,
/// `${VAR}`) and already redacted values are never findings.
struct KeyValueSecretDetector: Detector {
    /// The minimum Shannon entropy, in bits per byte, for a value without digits to count as a secret.
    static let entropyThreshold = 4.0
    static let minimumSecretLength = 8
    private static let maxNameLength = 64
    private static let maxValueLength = 4096

    enum Kind {
        case password
        case secret
        case accountKey
    }

    private static let passwordNames: [[UInt8]] = ["password", "passwd", "passphrase", "pwd"].map {
        Array($0.utf8)
    }
    private static let secretNames: [[UInt8]] = [
        "secret", "token", "apikey", "accesskey", "privatekey", "credential", "signature", "sessionid",
        "cookie", "authkey", "clientkey", "masterkey", "encryptionkey", "signingkey",
    ].map { Array($0.utf8) }
    private static let accountKeyNames: [[UInt8]] = ["accountkey", "sharedaccesskey"].map { Array($0.utf8) }
    private static let ignoredValuePrefixes: [[UInt8]] = [
        "secret://", "${", "{{", "[REDACTED", "<redacted", "****", "env:", "vault:",
    ].map { Array($0.utf8) }
    private static let ignoredPasswordValues: Set<String> = ["true", "false", "null", "none", "nil", "undefined"]
    private static let redactedMarker = Array("[REDACTED".utf8)

    func scan(_ text: [UInt8], into findings: inout [Finding]) {
        var i = 0
        var scratch: [UInt8] = []
        scratch.reserveCapacity(Self.maxNameLength)
        while i < text.count {
            let b = text[i]
            guard b == UInt8(ascii: "=") || b == UInt8(ascii: ":") else {
                i += 1
                continue
            }
            var resume = i + 1
            if let finding = match(text, separator: i, scratch: &scratch, resume: &resume) {
                findings.append(finding)
                i = finding.byteRange.upperBound
            } else {
                i = resume
            }
        }
    }

    /// The finding for the assignment at `separator`, if any. When an unquoted value is rejected, `resume` moves
    /// past it: separators inside it (`token=a=b=c…`) would only re-read the same bytes, and skipping them keeps
    /// the scan linear on adversarial input.
    private func match(_ text: [UInt8], separator: Int, scratch: inout [UInt8], resume: inout Int) -> Finding? {
        let next = text.byte(at: separator + 1)
        if text[separator] == UInt8(ascii: ":"), next == UInt8(ascii: "/") || next == UInt8(ascii: ":") {
            return nil
        }
        if text[separator] == UInt8(ascii: "="), next == UInt8(ascii: "=") { return nil }
        guard let kind = nameKind(text, before: separator, normalized: &scratch),
            let (value, quoted) = valueRange(text, after: separator)
        else { return nil }
        if let finding = judge(text, value: value, as: kind) { return finding }
        if !quoted { resume = max(resume, value.upperBound) }
        return nil
    }

    /// The finding for a value assigned to a name of `kind`, unless the value is a reference, a placeholder, or
    /// (for non-password names) does not look random.
    func judge(_ text: [UInt8], value: Range<Int>, as kind: Kind) -> Finding? {
        guard !value.isEmpty else { return nil }
        let bytes = text[value]
        for prefix in Self.ignoredValuePrefixes where text.matches(prefix, at: value.lowerBound, caseInsensitive: true)
        {
            return nil
        }
        switch kind {
        case .password:
            guard !Self.ignoredPasswordValues.contains(String(decoding: bytes, as: UTF8.self).lowercased()) else {
                return nil
            }
            return Finding(type: .password, rule: "password-assignment", byteRange: value)
        case .accountKey:
            guard bytes.count >= 20 else { return nil }
            return Finding(type: .apiKey, rule: "azure-storage-account-key", byteRange: value)
        case .secret:
            guard looksRandom(bytes) else { return nil }
            return Finding(type: .secret, rule: "generic-api-key", byteRange: value)
        }
    }

    private func looksRandom(_ bytes: ArraySlice<UInt8>) -> Bool {
        guard bytes.count >= Self.minimumSecretLength else { return false }
        let hasDigit = bytes.contains(where: ByteClass.isDigit)
        let hasLetter = bytes.contains(where: ByteClass.isAlpha)
        if hasDigit, hasLetter { return Entropy.shannon(bytes) >= 3.0 }
        return Entropy.shannon(bytes) >= Self.entropyThreshold
    }

    /// Reads the name before the separator (skipping a closing quote and spaces) and classifies it.
    private func nameKind(_ text: [UInt8], before separator: Int, normalized: inout [UInt8]) -> Kind? {
        var end = separator
        while end > 0, text[end - 1] == UInt8(ascii: " ") || text[end - 1] == UInt8(ascii: "\t"),
            separator - end < 4
        {
            end -= 1
        }
        if end > 0, text[end - 1] == UInt8(ascii: "\"") || text[end - 1] == UInt8(ascii: "'") {
            end -= 1
            if end > 0, text[end - 1] == UInt8(ascii: "\\") { end -= 1 }
        }
        var start = end
        while start > 0, end - start < Self.maxNameLength, Self.isNameByte(text[start - 1]) { start -= 1 }
        guard end - start >= 3 else { return nil }
        // `[REDACTED:secret:…]` is our own output, not an assignment.
        if text.matches(Self.redactedMarker, at: start - Self.redactedMarker.count - 1) { return nil }
        return Self.kind(ofName: text[start..<end], normalized: &normalized)
    }

    /// Classifies a key name by the credential words it contains, ignoring case and punctuation
    /// (`DB_Password`, `client-secret`, `apiKey`).
    static func kind(ofName name: ArraySlice<UInt8>, normalized: inout [UInt8]) -> Kind? {
        normalized.removeAll(keepingCapacity: true)
        for b in name where ByteClass.isAlnum(b) { normalized.append(ByteClass.lower(b)) }
        if containsAny(normalized, accountKeyNames) { return .accountKey }
        if containsAny(normalized, passwordNames) || normalized.suffix(4).elementsEqual("pass".utf8) {
            return .password
        }
        if containsAny(normalized, secretNames) { return .secret }
        return nil
    }

    /// The value after the separator: quoted (with `\"` escapes) or up to the next delimiter.
    private func valueRange(_ text: [UInt8], after separator: Int) -> (Range<Int>, quoted: Bool)? {
        var index = separator + 1
        while text.byte(at: index) == UInt8(ascii: " ") || text.byte(at: index) == UInt8(ascii: "\t"),
            index - separator < 4
        {
            index += 1
        }
        var start = index
        var end = index
        let opener = text.byte(at: index)
        if opener == UInt8(ascii: "\\"), text.byte(at: index + 1) == UInt8(ascii: "\"") {
            start = index + 2
            end = start
            while end < text.count, end - start < Self.maxValueLength,
                !(text[end] == UInt8(ascii: "\\") && text.byte(at: end + 1) == UInt8(ascii: "\""))
            {
                end += 1
            }
        } else if opener == UInt8(ascii: "\"") || opener == UInt8(ascii: "'") {
            start = index + 1
            end = start
            while end < text.count, end - start < Self.maxValueLength, text[end] != opener, text[end] != 0x0A {
                end += text[end] == UInt8(ascii: "\\") && end + 1 < text.count ? 2 : 1
            }
            end = min(end, text.count)
        } else {
            while end < text.count, end - start < Self.maxValueLength, !Self.isUnquotedDelimiter(text[end]) {
                end += 1
            }
        }
        return end > start ? (start..<end, quoted: start > index) : nil
    }

    private static func isNameByte(_ b: UInt8) -> Bool {
        ByteClass.isWord(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
    }

    private static func isUnquotedDelimiter(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: " "), 0x09, 0x0A, 0x0D, UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "&"),
            UInt8(ascii: "\""), UInt8(ascii: "'"), UInt8(ascii: "}"), UInt8(ascii: "]"), UInt8(ascii: ")"),
            UInt8(ascii: "<"), UInt8(ascii: ">"):
            true
        default:
            false
        }
    }

    static func containsAny(_ haystack: [UInt8], _ needles: [[UInt8]]) -> Bool {
        for needle in needles where needle.count <= haystack.count {
            for index in 0...(haystack.count - needle.count) where haystack.matches(needle, at: index) {
                return true
            }
        }
        return false
    }
}
