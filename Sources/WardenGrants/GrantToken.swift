/// The `wg1` send-grant token:
///
/// ```
/// wg1.<base64url(payload)>.<base64url(HMAC-SHA256(key, "wg1." ‖ payload))>
/// ```
///
/// base64url is unpadded and strictly canonical; the payload is the length-prefixed binary form documented on
/// ``GrantPayload`` (claims: tenant, key id, minted-by, agent?, tool, recipients, content digest?, not-before,
/// expiry, nonce). The tag covers the ASCII prefix `wg1.` and then the binary payload (not its base64 text: the
/// encoding is strictly canonical, so both name the same bytes, and the MAC runs over fewer blocks). Covering the
/// prefix means a payload cannot be replayed under another format version. Full description: docs/grants.md.
public enum GrantToken {
    /// Format prefix, including the separator.
    public static let prefix = "wg1."
    /// Longest token accepted; anything longer is refused before decoding.
    public static let maximumLength = 96 * 1024
    static let prefixBytes: [UInt8] = Array(prefix.utf8)
    static let tagLength = 32
    /// Unpadded base64url length of a 32-byte tag.
    static let encodedTagLength = 43

    /// The claims of a token without checking its tag — for `warden grant inspect` only; never authorise with it.
    public static func decodeUnverified(_ token: String) throws(GrantRefusal) -> GrantClaims {
        try withUTF8Bytes(token) { bytes -> Result<GrantClaims, GrantRefusal> in
            do throws(GrantRefusal) {
                let payload = try decodePayload(bytes, try split(bytes))
                return payload.withUnsafeBufferPointer { buffer in
                    do throws(GrantMalformation) {
                        return .success(try GrantPayloadView.parse(buffer).claims(in: buffer))
                    } catch {
                        return .failure(.malformed(error))
                    }
                }
            } catch {
                return .failure(error)
            }
        }.get()
    }

    struct Parts {
        let payload: Range<Int>
        let tag: Range<Int>
    }

    static func split(_ bytes: UnsafeBufferPointer<UInt8>) throws(GrantRefusal) -> Parts {
        guard bytes.count <= maximumLength else { throw .malformed(.tooLong) }
        guard bytes.count > prefixBytes.count, bytes[0] == 0x77, bytes[1] == 0x67, bytes[2] == 0x31, bytes[3] == 0x2E
        else { throw .malformed(.wrongPrefix) }
        // The payload cannot contain '.', so the first dot ends it; the tag part is checked for a second dot
        // here and for length and alphabet when decoded.
        guard let dot = ByteComparison.firstIndex(of: 0x2E, in: bytes, from: prefixBytes.count) else {
            throw .malformed(.wrongShape)
        }
        guard dot > prefixBytes.count, dot < bytes.count - 1,
            ByteComparison.firstIndex(of: 0x2E, in: bytes, from: dot + 1) == nil
        else { throw .malformed(.wrongShape) }
        return Parts(payload: prefixBytes.count..<dot, tag: (dot + 1)..<bytes.count)
    }

    static func decodePayload(_ bytes: UnsafeBufferPointer<UInt8>, _ parts: Parts) throws(GrantRefusal) -> [UInt8] {
        guard let payload = Base64URL.decode(UnsafeBufferPointer(rebasing: bytes[parts.payload])) else {
            throw .malformed(.badBase64)
        }
        return payload
    }
}
