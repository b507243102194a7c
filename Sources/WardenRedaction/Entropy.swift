import Foundation

/// Shannon entropy of a byte string in bits per byte: how random a value looks.
///
/// Random tokens of base64 or hex run at 3.5–6 bits per byte; words and identifiers stay lower.
enum Entropy {
    static func shannon(_ bytes: ArraySlice<UInt8>) -> Double {
        guard !bytes.isEmpty else { return 0 }
        var counts = [Int](repeating: 0, count: 256)
        for b in bytes { counts[Int(b)] += 1 }
        let total = Double(bytes.count)
        var entropy = 0.0
        for count in counts where count > 0 {
            let p = Double(count) / total
            entropy -= p * log2(p)
        }
        return entropy
    }
}
