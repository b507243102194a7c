import WardenCore

/// A JWS in compact serialization, split and decoded but not yet verified.
///
/// Only the header is interpreted before the signature is checked; the payload is decoded to JSON only after.
struct CompactJWS {
    /// The protected header as JSON.
    let header: [String: JSONValue]
    /// The base64url-decoded payload bytes (not interpreted until the signature is verified).
    let payloadBytes: [UInt8]
    /// The signature bytes.
    let signature: [UInt8]
    /// `BASE64URL(header) "." BASE64URL(payload)`, the bytes the signature covers.
    let signingInput: [UInt8]

    /// Splits and decodes a token; fails with the rule a malformed token breaks.
    static func parse(_ token: Substring) -> Result<CompactJWS, InvalidTokenReason> {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        if parts.count == 5 { return .failure(.encryptedToken) }
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty, !parts[2].isEmpty else {
            return .failure(.malformed)
        }
        guard let headerBytes = Base64URL.decode(parts[0]),
            case .object(let header)? = JSONValue.parse(headerBytes),
            let payloadBytes = Base64URL.decode(parts[1]),
            let signature = Base64URL.decode(parts[2]), !signature.isEmpty
        else {
            return .failure(.malformed)
        }
        let signingInput = Array(token[token.startIndex..<parts[1].endIndex].utf8)
        return .success(
            CompactJWS(header: header, payloadBytes: payloadBytes, signature: signature, signingInput: signingInput)
        )
    }
}
