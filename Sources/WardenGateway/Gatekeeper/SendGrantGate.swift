import Foundation
import WardenCore
import WardenGrants

/// The send path's own check: a `send` tool runs only with a grant minted for this exact send.
///
/// The recipients are read from the call's arguments (every field configuration names for the tool), never
/// from anything the agent says about them; each is normalised, and every one must be in the grant. The
/// grant's nonce is consumed before the call goes upstream, so a crash after this point loses the send
/// rather than allowing a second one. The content digest is the SHA-256 of the arguments' canonical JSON.
public struct SendGrantGate: ToolCallGate {
    /// Where an agent presents a grant on `tools/call`: `params._meta["warden/grant"]`.
    public static let metaKey = "warden/grant"

    let tenant: String
    let redeemer: GrantRedeemer
    let normalizer: RecipientNormalizer

    public init(tenant: String, redeemer: GrantRedeemer, normalizer: RecipientNormalizer = RecipientNormalizer()) {
        self.tenant = tenant
        self.redeemer = redeemer
        self.normalizer = normalizer
    }

    public func check(_ call: ToolCallRequest) async -> Decision {
        guard call.entry.effect == .send else { return .allow(reasons: []) }
        let facts: SendRequestFacts
        switch Self.facts(for: call, tenant: tenant, normalizer: normalizer) {
        case .failure(let refusal): return .deny(refusal)
        case .success(let built): facts = built
        }
        let token = call.meta[Self.metaKey]?.stringValue
        do {
            _ = try await redeemer.redeem(token, for: facts, now: Date())
            return .allow(reasons: ["grant.verified"])
        } catch let refusal as GrantRefusal {
            return .deny(Refusal(rule: refusal.code, message: refusal.description))
        } catch {
            return .deny(
                Refusal(rule: "grant.store-unavailable", message: "the grant could not be redeemed; nothing was sent"))
        }
    }

    /// The send as the grant must cover it: normalised recipients from the configured fields, and the digest.
    public static func facts(
        for call: ToolCallRequest,
        tenant: String,
        normalizer: RecipientNormalizer
    ) -> Result<SendRequestFacts, Refusal> {
        guard !call.entry.recipientFields.isEmpty else {
            return .failure(
                Refusal(rule: "grant.recipients-undeclared", message: "this send tool declares no recipient arguments")
            )
        }
        var recipients: [Recipient] = []
        for (field, kind) in call.entry.recipientFields.sorted(by: { $0.key < $1.key }) {
            let values: [JSONValue]
            switch call.arguments[field] {
            case nil, .null?: values = []
            case .string(let single)?: values = [.string(single)]
            case .array(let many)?: values = many
            default:
                return .failure(
                    Refusal(rule: "grant.recipient-malformed", message: "argument '\(field)' is not an address"))
            }
            for value in values {
                guard let raw = value.stringValue else {
                    return .failure(
                        Refusal(rule: "grant.recipient-malformed", message: "argument '\(field)' is not an address"))
                }
                do {
                    switch kind {
                    case .email: recipients.append(try normalizer.email(raw))
                    case .webhook: recipients.append(try normalizer.webhook(raw))
                    case .channel: recipients.append(try normalizer.channel(raw))
                    }
                } catch {
                    return .failure(
                        Refusal(rule: "grant.recipient-malformed", message: "argument '\(field)': \(error)"))
                }
            }
        }
        guard !recipients.isEmpty else {
            return .failure(Refusal(rule: "grant.no-recipients", message: "the send names no recipient"))
        }
        let digest = ContentDigest.sha256(of: CanonicalJSON.encode(.object(call.arguments)))
        return .success(
            SendRequestFacts(
                tenant: tenant,
                tool: call.entry.name.description,
                recipients: recipients,
                contentDigest: digest,
                agent: call.principal.subject
            )
        )
    }
}
