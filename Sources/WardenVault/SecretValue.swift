/// The value of a secret. It never prints itself: `description`, `debugDescription`, string interpolation and
/// `dump`/`Mirror` all show `SecretValue(redacted, N bytes)`, so a stray log line or error message cannot leak it.
/// Read the value only through ``withUnsafeBytes(_:)``, ``bytes`` or ``utf8String``, whose names make the reveal
/// visible in review.
public struct SecretValue: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    private let storage: [UInt8]

    /// Wraps raw bytes.
    public init(bytes: [UInt8]) { self.storage = bytes }

    /// Wraps the UTF-8 bytes of `string`.
    public init(_ string: String) { self.storage = Array(string.utf8) }

    /// Number of bytes in the value (safe to log).
    public var count: Int { storage.count }

    /// The raw bytes. Reveals the secret.
    public var bytes: [UInt8] { storage }

    /// The value as UTF-8 text, or nil if it is not valid UTF-8. Reveals the secret.
    public var utf8String: String? { String(validating: storage, as: UTF8.self) }

    /// Gives `body` temporary access to the bytes. Reveals the secret.
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try storage.withUnsafeBytes(body)
    }

    public var description: String { "SecretValue(redacted, \(storage.count) bytes)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }

    /// Compares in time independent of where the values differ.
    public static func == (lhs: SecretValue, rhs: SecretValue) -> Bool {
        ConstantTime.equal(lhs.storage, rhs.storage)
    }
}

/// Comparison whose running time depends only on the lengths, not on the contents.
enum ConstantTime {
    static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}
