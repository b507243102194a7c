import Crypto
import Foundation

/// The `Warden-Signature` header Warden puts on every webhook it sends.
///
/// Scheme (for receivers):
///
///     Warden-Signature: t=<unix seconds>,v1=<lower-case hex HMAC-SHA256>
///
/// The MAC is HMAC-SHA256, keyed with the shared webhook secret, over the bytes of the decimal
/// timestamp `t`, one ASCII `.` and the raw request body exactly as received (no re-serialisation):
/// `HMAC-SHA256(key, "<t>.<body>")`. To verify: parse `t` and every `v1`, recompute the MAC, compare in
/// constant time, and reject when `|now - t|` exceeds your tolerance (five minutes by default) so a
/// captured request cannot be replayed later. Use `Warden-Delivery-Id` to drop duplicates within that
/// window. Unknown `vN` entries are ignored so the scheme can add versions.
public enum WebhookSignature {
    /// The header value for `body` signed at `timestamp`.
    public static func header(body: [UInt8], key: SymmetricKey, timestamp: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: signedBytes(body: body, timestamp: timestamp), using: key)
        return "t=\(timestamp),v1=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Checks `header` against `body` and `key`; throws the reason it does not verify.
    public static func verify(
        header: String, body: [UInt8], key: SymmetricKey, now: Int64 = Int64(Date().timeIntervalSince1970),
        tolerance: Int64 = 300
    ) throws(WebhookSignatureError) {
        var timestamp: Int64?
        var candidates: [[UInt8]] = []
        for part in header.split(separator: ",") {
            let pieces = part.split(separator: "=", maxSplits: 1).map { String($0) }
            guard pieces.count == 2 else { throw .malformedHeader }
            switch pieces[0].trimmingCharacters(in: .whitespaces) {
            case "t":
                guard timestamp == nil, let value = Int64(pieces[1]) else { throw .malformedHeader }
                timestamp = value
            case "v1":
                guard let mac = hexBytes(pieces[1]), mac.count == 32 else { throw .malformedHeader }
                candidates.append(mac)
            default:
                continue
            }
        }
        guard let timestamp, !candidates.isEmpty else { throw .malformedHeader }
        // Attacker-chosen timestamps must not trap on overflow.
        let (difference, overflow) = now.subtractingReportingOverflow(timestamp)
        guard !overflow, difference.magnitude <= tolerance.magnitude else { throw .timestampOutsideTolerance }
        let signed = signedBytes(body: body, timestamp: timestamp)
        let matches = candidates.contains {
            HMAC<SHA256>.isValidAuthenticationCode($0, authenticating: signed, using: key)
        }
        guard matches else { throw .signatureMismatch }
    }

    static func signedBytes(body: [UInt8], timestamp: Int64) -> [UInt8] {
        Array("\(timestamp).".utf8) + body
    }

    private static func hexBytes(_ text: String) -> [UInt8]? {
        let chars = Array(text.utf8)
        guard chars.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(chars.count / 2)
        var index = 0
        while index < chars.count {
            guard let high = nibble(chars[index]), let low = nibble(chars[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }

    private static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): c - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}

/// Why a webhook signature did not verify.
public enum WebhookSignatureError: Error, Sendable, Equatable, CustomStringConvertible {
    case malformedHeader
    case timestampOutsideTolerance
    case signatureMismatch

    public var description: String {
        switch self {
        case .malformedHeader: "webhook signature refused: header is not t=<unix>,v1=<64 hex>"
        case .timestampOutsideTolerance: "webhook signature refused: timestamp outside tolerance (possible replay)"
        case .signatureMismatch: "webhook signature refused: HMAC does not match"
        }
    }
}
