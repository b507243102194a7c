import Foundation

/// A 32-byte SHA-256 Merkle tree hash (leaf, interior node or root).
///
/// Stored inline (no heap allocation) because the log computes millions of them; the only way to build one from
/// outside bytes is the failable initializer, so a hash of the wrong length can never enter the tree.
public struct TreeHash: Hashable, Sendable, CustomStringConvertible {
    /// The number of bytes in a SHA-256 hash.
    public static let byteCount = 32

    @usableFromInline var storage: SIMD32<UInt8>

    @usableFromInline init(storage: SIMD32<UInt8>) {
        self.storage = storage
    }

    /// Wraps exactly 32 bytes; returns nil for any other length.
    public init?(_ bytes: some Collection<UInt8>) {
        guard bytes.count == Self.byteCount else { return nil }
        var storage = SIMD32<UInt8>()
        let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
            Swift.withUnsafeMutableBytes(of: &storage) { $0.copyMemory(from: UnsafeRawBufferPointer(source)) }
        }
        if copied == nil {
            var position = 0
            for byte in bytes {
                storage[position] = byte
                position += 1
            }
        }
        self.storage = storage
    }

    /// Decodes standard (RFC 4648 section 4) base64 of exactly 32 bytes; nil for anything else.
    public init?(base64: String) {
        guard let data = StrictBase64.decode(base64) else { return nil }
        self.init(data)
    }

    /// The 32 bytes of the hash.
    public var bytes: [UInt8] {
        Swift.withUnsafeBytes(of: storage) { Array($0) }
    }

    /// The hash as `Data`.
    public var data: Data {
        Swift.withUnsafeBytes(of: storage) { Data($0) }
    }

    /// Standard base64 of the 32 bytes, as used in checkpoints and proofs.
    public var base64: String {
        data.base64EncodedString()
    }

    /// Lower-case hex, for error messages and logs.
    public var hex: String {
        bytes.map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0f)]])
        }.joined()
    }

    public var description: String { hex }

    /// Calls `body` with the raw 32 bytes without copying them.
    @inlinable
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try Swift.withUnsafeBytes(of: storage, body)
    }
}

/// Standard base64 that accepts only the canonical encoding (padding required, no whitespace, no stray bits),
/// so that one value has exactly one textual form in notes and proofs.
enum StrictBase64 {
    static func decode(_ text: some StringProtocol) -> Data? {
        guard let data = Data(base64Encoded: String(text)) else { return nil }
        guard data.base64EncodedString() == text else { return nil }
        return data
    }
}
