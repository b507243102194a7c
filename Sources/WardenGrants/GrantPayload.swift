/// The canonical binary payload of a `wg1` grant (see docs/grants.md). Big-endian; `str` is a u16 length then
/// that many UTF-8 bytes.
///
/// ```
/// u8   payload version (1)
/// str  tenant                  1...64 bytes
/// str  key id                  1...64
/// u8   minted-by kind          1 approval, 2 policy, 3 admin
/// str  minted-by id            1...256
/// u8   agent present           0 or 1, then str agent 1...256 when 1
/// str  tool                    1...256
/// u16  recipient count         1...1000, then str per recipient (1...2048), strictly ascending by bytes
/// u8   digest present          0 or 1, then 32 bytes SHA-256 when 1
/// i64  not-before              unix seconds
/// i64  expires                 unix seconds, > not-before
/// 16B  nonce
/// ```
///
/// Every field has one position and one encoding, optional fields have explicit presence flags, and the
/// recipient list has one order, so one set of claims has exactly one payload (no JSON key order, whitespace or
/// escaping questions) and the parser needs no allocation.
enum GrantPayload {
    static let version: UInt8 = 1
    static let tenantLimit = 64
    static let keyIDLimit = 64
    static let identifierLimit = 256
    static let recipientLimit = 2048
    static let recipientCountLimit = 1000

    static func encode(_ claims: GrantClaims) -> [UInt8] {
        var out: [UInt8] = [version]
        out.appendString(claims.tenant)
        out.appendString(claims.keyID)
        out.append(claims.mintedBy.kind.rawValue)
        out.appendString(claims.mintedBy.id)
        if let agent = claims.agent {
            out.append(1)
            out.appendString(agent)
        } else {
            out.append(0)
        }
        out.appendString(claims.tool)
        out.appendBigEndian(UInt16(claims.recipients.count))
        for recipient in claims.recipients { out.appendString(recipient.canonical) }
        if let digest = claims.contentDigest {
            out.append(1)
            out.append(contentsOf: digest.bytes)
        } else {
            out.append(0)
        }
        out.appendBigEndian(claims.notBeforeSeconds)
        out.appendBigEndian(claims.expiresAtSeconds)
        out.appendBigEndian(claims.nonce.high)
        out.appendBigEndian(claims.nonce.low)
        return out
    }
}

/// Offsets of every field of a parsed payload; parsing checks structure and bounds without allocating.
struct GrantPayloadView {
    var tenant: Range<Int> = 0..<0
    var keyID: Range<Int> = 0..<0
    var mintedByKind: GrantOrigin.Kind = .admin
    var mintedByID: Range<Int> = 0..<0
    var agent: Range<Int>? = nil
    var tool: Range<Int> = 0..<0
    var recipientsStart = 0
    var recipientCount = 0
    var digest: Range<Int>? = nil
    var notBefore: Int64 = 0
    var expires: Int64 = 0
    var nonce = GrantNonce(high: 0, low: 0)

    static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(GrantMalformation) -> GrantPayloadView {
        var view = GrantPayloadView()
        var cursor = Cursor(bytes: bytes)
        guard try cursor.byte() == GrantPayload.version else { throw .unsupportedPayloadVersion }
        view.tenant = try cursor.string(limit: GrantPayload.tenantLimit, field: "tenant")
        view.keyID = try cursor.string(limit: GrantPayload.keyIDLimit, field: "key id")
        guard let kind = GrantOrigin.Kind(rawValue: try cursor.byte()) else { throw .invalidFlag("minted-by kind") }
        view.mintedByKind = kind
        view.mintedByID = try cursor.string(limit: GrantPayload.identifierLimit, field: "minted-by id")
        switch try cursor.byte() {
        case 0: view.agent = nil
        case 1: view.agent = try cursor.string(limit: GrantPayload.identifierLimit, field: "agent")
        default: throw .invalidFlag("agent")
        }
        view.tool = try cursor.string(limit: GrantPayload.identifierLimit, field: "tool")
        let count = Int(try cursor.uint16())
        guard count >= 1, count <= GrantPayload.recipientCountLimit else { throw .recipientsNotCanonical }
        view.recipientCount = count
        view.recipientsStart = cursor.offset
        var previous: Range<Int>? = nil
        for _ in 0..<count {
            let current = try cursor.string(limit: GrantPayload.recipientLimit, field: "recipient")
            if let previous {
                let earlier = UnsafeBufferPointer(rebasing: bytes[previous])
                let later = UnsafeBufferPointer(rebasing: bytes[current])
                guard ByteComparison.precedes(earlier, later) else { throw .recipientsNotCanonical }
            }
            previous = current
        }
        switch try cursor.byte() {
        case 0: view.digest = nil
        case 1: view.digest = try cursor.take(32)
        default: throw .invalidFlag("content digest")
        }
        view.notBefore = Int64(bitPattern: try cursor.uint64())
        view.expires = Int64(bitPattern: try cursor.uint64())
        guard view.expires > view.notBefore else { throw .invalidTimes }
        view.nonce = GrantNonce(high: try cursor.uint64(), low: try cursor.uint64())
        guard cursor.offset == bytes.count else { throw .trailingBytes }
        return view
    }

    /// Calls `body` with each recipient's bytes, in order.
    func forEachRecipient(in bytes: UnsafeBufferPointer<UInt8>, _ body: (Range<Int>) -> Void) {
        var offset = recipientsStart
        for _ in 0..<recipientCount {
            let length = Int(bytes[offset]) << 8 | Int(bytes[offset + 1])
            body((offset + 2)..<(offset + 2 + length))
            offset += 2 + length
        }
    }

    /// Full claims, built from an already parsed payload.
    func claims(in bytes: UnsafeBufferPointer<UInt8>) -> GrantClaims {
        func text(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        var recipients: [Recipient] = []
        recipients.reserveCapacity(recipientCount)
        forEachRecipient(in: bytes) { recipients.append(Recipient(trustedCanonical: text($0))) }
        return GrantClaims(
            tenant: text(tenant), keyID: text(keyID), mintedBy: GrantOrigin(mintedByKind, id: text(mintedByID)),
            agent: agent.map(text), tool: text(tool), recipients: recipients,
            contentDigest: digest.map { ContentDigest(uncheckedBytes: Array(bytes[$0])) },
            notBeforeSeconds: notBefore, expiresAtSeconds: expires, nonce: nonce)
    }
}

/// Bounds-checked reading of the payload.
private struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    var offset = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    mutating func take(_ count: Int) throws(GrantMalformation) -> Range<Int> {
        guard bytes.count - offset >= count else { throw .truncated }
        defer { offset += count }
        return offset..<(offset + count)
    }

    mutating func byte() throws(GrantMalformation) -> UInt8 {
        bytes[try take(1).lowerBound]
    }

    mutating func uint16() throws(GrantMalformation) -> UInt16 {
        let start = try take(2).lowerBound
        return UInt16(bytes[start]) << 8 | UInt16(bytes[start + 1])
    }

    mutating func uint64() throws(GrantMalformation) -> UInt64 {
        let start = try take(8).lowerBound
        var value: UInt64 = 0
        for index in start..<(start + 8) { value = value << 8 | UInt64(bytes[index]) }
        return value
    }

    mutating func string(limit: Int, field: String) throws(GrantMalformation) -> Range<Int> {
        let length = Int(try uint16())
        guard length >= 1, length <= limit else { throw .fieldOutOfBounds(field) }
        return try take(length)
    }
}

extension [UInt8] {
    mutating func appendString(_ string: String) {
        let utf8 = Array(string.utf8)
        appendBigEndian(UInt16(truncatingIfNeeded: utf8.count))
        append(contentsOf: utf8)
    }
}
