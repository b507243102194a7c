import Foundation

/// Checks a `wg1` grant against the send about to happen. Pure: no I/O, no clock (the caller passes `now`).
/// Single use is the job of ``GrantRedeemer``, which calls this and then consumes the nonce.
///
/// Order of checks: structure → key id known here → tag (constant-time comparison) → tenant → tool → agent →
/// time window → recipients → content digest. Claims are acted on only after the tag verified; the one exception
/// is choosing ``GrantRefusal/wrongTenant`` over ``GrantRefusal/unknownKey`` for a grant of another tenant,
/// which only picks the clearer name for a refusal that happens either way.
///
/// Recipient rule: every recipient of the send must be in the grant (send ⊆ grant). A grant may name more
/// recipients than one send uses; since it is single use, the rest of its recipients are forfeited.
public struct GrantVerifier: Sendable {
    private let keys: any GrantKeyProvider

    public init(keys: any GrantKeyProvider) { self.keys = keys }

    /// Verifies `token` for the send described by `expected` at time `now`.
    public func verify(_ token: String, expected: SendRequestFacts, now: Date) throws(GrantRefusal) -> VerifiedGrant {
        try verify(token, expected: expected, nowSeconds: Int64(now.timeIntervalSince1970.rounded(.down)))
    }

    /// Verifies `token` at `nowSeconds` (unix seconds).
    public func verify(_ token: String, expected: SendRequestFacts, nowSeconds: Int64) throws(GrantRefusal)
        -> VerifiedGrant
    {
        try withUTF8Bytes(token) { verifyBytes($0, expected: expected, now: nowSeconds) }.get()
    }

    private func verifyBytes(_ bytes: UnsafeBufferPointer<UInt8>, expected: SendRequestFacts, now: Int64)
        -> Result<VerifiedGrant, GrantRefusal>
    {
        let parts: GrantToken.Parts
        do throws(GrantRefusal) {
            parts = try GrantToken.split(bytes)
        } catch {
            return .failure(error)
        }
        guard parts.tag.count == GrantToken.encodedTagLength else { return .failure(.malformed(.wrongTagLength)) }
        let prefixCount = GrantToken.prefixBytes.count
        let capacity = prefixCount + Base64URL.decodedCapacity(parts.payload.count)
        // Scratch layout: "wg1." ‖ payload ‖ tag, on the stack for ordinary sizes. The MAC input is then one
        // contiguous range, and nothing is allocated on the heap until the grant has verified.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: capacity + GrantToken.tagLength + 2) {
            scratch -> Result<VerifiedGrant, GrantRefusal> in
            for index in 0..<prefixCount { scratch[index] = bytes[index] }
            let payloadBuffer = UnsafeMutableBufferPointer(rebasing: scratch[prefixCount..<capacity])
            let tagBuffer = UnsafeMutableBufferPointer(rebasing: scratch[capacity...])
            guard
                let payloadCount = Base64URL.decode(
                    UnsafeBufferPointer(rebasing: bytes[parts.payload]), into: payloadBuffer),
                Base64URL.decode(UnsafeBufferPointer(rebasing: bytes[parts.tag]), into: tagBuffer)
                    == GrantToken.tagLength
            else { return .failure(.malformed(.badBase64)) }
            let signed = UnsafeRawBufferPointer(
                UnsafeBufferPointer(rebasing: scratch[0..<(prefixCount + payloadCount)]))
            let body = UnsafeBufferPointer(rebasing: payloadBuffer[0..<payloadCount])
            let view: GrantPayloadView
            do throws(GrantMalformation) {
                view = try GrantPayloadView.parse(body)
            } catch {
                return .failure(.malformed(error))
            }
            let keyID = String(decoding: UnsafeBufferPointer(rebasing: body[view.keyID]), as: UTF8.self)
            guard let key = keys.verificationKey(keyID: keyID) else {
                if !equal(body, view.tenant, expected.tenantBytes) { return .failure(.wrongTenant) }
                return .failure(.unknownKey(keyID: keyID))
            }
            let computed = key.tag(signed)
            let presented = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: tagBuffer[0..<GrantToken.tagLength]))
            let tagMatches = computed.withUnsafeBytes { ConstantTimeCompare.equal($0, presented) }
            guard tagMatches else { return .failure(.badSignature) }
            if let refusal = checkClaims(view, body, expected: expected, now: now) { return .failure(refusal) }
            return .success(VerifiedGrant(payload: Array(body), view: view))
        }
    }

    private func checkClaims(
        _ view: GrantPayloadView, _ body: UnsafeBufferPointer<UInt8>, expected: SendRequestFacts, now: Int64
    ) -> GrantRefusal? {
        guard equal(body, view.tenant, expected.tenantBytes) else { return .wrongTenant }
        guard equal(body, view.tool, expected.toolBytes) else { return .wrongTool }
        if let agent = view.agent {
            guard let sender = expected.agentBytes, equal(body, agent, sender) else { return .wrongAgent }
        }
        guard now >= view.notBefore else { return .notYetValid }
        guard now < view.expires else { return .expired }
        guard !expected.recipientBytes.isEmpty else { return .sendHasNoRecipients }
        if let missing = firstUncovered(view, body, expected) {
            return .recipientNotCovered(expected.recipients[missing])
        }
        if let digest = view.digest {
            guard let sent = expected.contentDigest, equal(body, digest, sent.bytes) else { return .contentMismatch }
        }
        return nil
    }

    /// Index of the first send recipient not in the grant. Both lists are sorted by bytes: one merge pass.
    private func firstUncovered(
        _ view: GrantPayloadView, _ body: UnsafeBufferPointer<UInt8>, _ expected: SendRequestFacts
    )
        -> Int?
    {
        var wanted = 0
        view.forEachRecipient(in: body) { range in
            guard wanted < expected.recipientBytes.count else { return }
            let granted = UnsafeBufferPointer(rebasing: body[range])
            let matches = expected.recipientBytes[wanted].withUnsafeBufferPointer { ByteComparison.equal(granted, $0) }
            if matches { wanted += 1 }
        }
        return wanted < expected.recipientBytes.count ? wanted : nil
    }

    private func equal(_ body: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, _ other: [UInt8]) -> Bool {
        other.withUnsafeBufferPointer { ByteComparison.equal(UnsafeBufferPointer(rebasing: body[range]), $0) }
    }
}

/// A grant whose tag verified and whose claims match the send. Claims are decoded on demand so the verify path
/// stays allocation-light.
public struct VerifiedGrant: Sendable {
    private let payload: [UInt8]
    private let view: GrantPayloadView

    init(payload: [UInt8], view: GrantPayloadView) {
        self.payload = payload
        self.view = view
    }

    /// The nonce to consume.
    public var nonce: GrantNonce { view.nonce }
    /// Unix seconds at which the grant expires (the nonce store may forget the nonce after it).
    public var expiresAtSeconds: Int64 { view.expires }
    /// Every claim.
    public var claims: GrantClaims { payload.withUnsafeBufferPointer { view.claims(in: $0) } }
}

/// Comparison whose time depends only on the length.
enum ConstantTimeCompare {
    static func equal(_ lhs: UnsafeRawBufferPointer, _ rhs: UnsafeRawBufferPointer) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<lhs.count { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }
}

/// Runs `body` over the UTF-8 bytes of `string` without copying when the string is native.
func withUTF8Bytes<R>(_ string: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
    if let result = string.utf8.withContiguousStorageIfAvailable(body) { return result }
    return Array(string.utf8).withUnsafeBufferPointer(body)
}
