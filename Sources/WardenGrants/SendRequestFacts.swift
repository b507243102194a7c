/// What the send path knows about the send it is about to make, checked against a grant's claims. The gateway
/// builds it from the tool call itself (every `to`, `cc`, `bcc`, channel, webhook URL or share target), never
/// from anything the agent says about the grant.
public struct SendRequestFacts: Sendable {
    public let tenant: String
    public let tool: String
    /// Every recipient of the send, sorted and unique.
    public let recipients: [Recipient]
    public let contentDigest: ContentDigest?
    public let agent: String?

    let tenantBytes: [UInt8]
    let toolBytes: [UInt8]
    let agentBytes: [UInt8]?
    let recipientBytes: [[UInt8]]

    public init(
        tenant: String, tool: String, recipients: [Recipient], contentDigest: ContentDigest? = nil,
        agent: String? = nil
    ) {
        let unique = Recipient.canonicalSet(recipients)
        self.tenant = tenant
        self.tool = tool
        self.recipients = unique
        self.contentDigest = contentDigest
        self.agent = agent
        self.tenantBytes = Array(tenant.utf8)
        self.toolBytes = Array(tool.utf8)
        self.agentBytes = agent.map { Array($0.utf8) }
        self.recipientBytes = unique.map { Array($0.canonical.utf8) }
    }
}
