/// Finds personal data and credentials in text and replaces them.
///
/// Every detector scans the UTF-8 bytes once from cheap anchors; no regular expressions are involved, so the cost
/// is linear in the input and independent of adversarial patterns. The redactor is a pure value: no I/O, safe to
/// share across tasks.
public struct Redactor: Sendable {
    /// How a finding is written into redacted text.
    public enum Replacement: Sendable {
        /// `[REDACTED:type]`
        case label
        /// `[REDACTED:type:<12 hex digits>]`: the first six bytes of the hasher's keyed digest, so equal values
        /// correlate across lines without being revealed.
        case keyedHash(any RedactionHasher)
    }

    public var replacement: Replacement
    /// The types that are redacted; findings of other types are neither reported nor replaced.
    public var types: Set<FindingType>
    private let detectors: [any Detector]

    public init(replacement: Replacement = .label, types: Set<FindingType> = Set(FindingType.allCases)) {
        self.replacement = replacement
        self.types = types
        self.detectors = Self.builtInDetectors
    }

    /// Built once: the provider key table is the only detector state, and it is immutable.
    private static let builtInDetectors: [any Detector] = [
        PrivateKeyDetector(), JWTDetector(), ProviderKeyDetector(), BearerTokenDetector(), URLPasswordDetector(),
        KeyValueSecretDetector(), EmailDetector(), IBANDetector(), PaymentCardDetector(), NationalIDDetector(),
        IPAddressDetector(), PhoneDetector(),
    ]

    /// The gitleaks-style rule ids of the built-in provider key rules, for documentation and audits.
    public static var providerKeyRuleIDs: [String] {
        var seen: Set<String> = []
        return ProviderKeyRule.builtIn.map(\.id).filter { seen.insert($0).inserted }
    }

    /// Disjoint findings in `text`, ordered by position.
    public func findings(in text: String) -> [Finding] {
        findings(inUTF8: Self.bytes(of: text))
    }

    /// Disjoint findings in UTF-8 `bytes`, ordered by position.
    public func findings(inUTF8 bytes: [UInt8]) -> [Finding] {
        var candidates: [Finding] = []
        for detector in detectors { detector.scan(bytes, into: &candidates) }
        if types.count != FindingType.allCases.count { candidates.removeAll { !types.contains($0.type) } }
        return OverlapResolver.resolve(candidates)
    }

    /// `text` with every finding replaced.
    public func redact(_ text: String) -> String {
        let bytes = Self.bytes(of: text)
        let found = findings(inUTF8: bytes)
        guard !found.isEmpty else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for finding in found {
            output.append(contentsOf: bytes[position..<finding.byteRange.lowerBound])
            appendReplacement(for: finding, value: bytes[finding.byteRange], to: &output)
            position = finding.byteRange.upperBound
        }
        output.append(contentsOf: bytes[position...])
        return String(decoding: output, as: UTF8.self)
    }

    /// The credentials (not personal data) in `text`: what configuration linting refuses.
    public func secretFindings(in text: String) -> [Finding] {
        findings(in: text).filter(\.type.isCredential)
    }

    /// The credentials in one configuration value, judged together with its key.
    ///
    /// A value alone can look harmless (`hunter2`); under the key `db_password` it is a literal password. The value
    /// is scanned as text, and also judged as a whole as if assigned to `key`. Ranges refer to `value`.
    public func secretFindings(inValue value: String, key: String) -> [Finding] {
        let bytes = Self.bytes(of: value)
        var candidates = findings(inUTF8: bytes).filter(\.type.isCredential)
        var normalized: [UInt8] = []
        let name = Self.bytes(of: key)
        if let kind = KeyValueSecretDetector.kind(ofName: name[...], normalized: &normalized),
            let finding = KeyValueSecretDetector().judge(bytes, value: 0..<bytes.count, as: kind),
            types.contains(finding.type)
        {
            candidates.append(finding)
        }
        return OverlapResolver.resolve(candidates)
    }

    /// Whether `text` holds a literal credential.
    public func containsSecret(_ text: String) -> Bool {
        !secretFindings(in: text).isEmpty
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)
    private static let digestBytesShown = 6

    private func appendReplacement(for finding: Finding, value: ArraySlice<UInt8>, to output: inout [UInt8]) {
        output.append(contentsOf: "[REDACTED:".utf8)
        output.append(contentsOf: finding.type.rawValue.utf8)
        if case .keyedHash(let hasher) = replacement {
            output.append(UInt8(ascii: ":"))
            for b in hasher.keyedDigest(of: Array(value)).prefix(Self.digestBytesShown) {
                output.append(Self.hexDigits[Int(b >> 4)])
                output.append(Self.hexDigits[Int(b & 0x0F)])
            }
        }
        output.append(UInt8(ascii: "]"))
    }

    private static func bytes(of text: String) -> [UInt8] {
        var text = text
        return text.withUTF8 { Array($0) }
    }
}
