import WardenRedaction

/// `(type, matched text)` for every finding in `text`.
func found(_ text: String, redactor: Redactor = Redactor()) -> [(FindingType, String)] {
    redactor.findings(in: text).map { finding in
        (finding.type, finding.range(in: text).map { String(text[$0]) } ?? "<range outside text>")
    }
}

/// The matched texts of findings of `type` in `text`.
func matches(_ type: FindingType, in text: String) -> [String] {
    found(text).filter { $0.0 == type }.map(\.1)
}

/// Deterministic stand-in for the gateway's HMAC: a keyed FNV-1a expanded to 32 bytes. Not cryptographic; it
/// only has to be keyed and injective enough for correlation tests.
struct TestHasher: RedactionHasher {
    var key: [UInt8]

    func keyedDigest(of value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        for round in 0..<4 {
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325 ^ UInt64(round)
            for b in key + [0xFF] + value {
                hash ^= UInt64(b)
                hash = hash &* 0x100_0000_01b3
            }
            for shift in stride(from: 0, to: 64, by: 8) { output.append(UInt8(truncatingIfNeeded: hash >> shift)) }
        }
        return output
    }
}
