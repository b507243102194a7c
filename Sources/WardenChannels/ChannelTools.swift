import Crypto
import WardenCore

/// Warden's built-in outbound tools (`send_email`, `post_webhook`), exposed by the gateway as an upstream
/// for tenants that have no email or webhook upstream of their own.
///
/// The gateway has already checked the caller's grant for this exact call; this type only validates
/// arguments, sends, and reports an MCP `CallToolResult`. Argument and delivery failures come back as
/// `isError: true` results that say which rule failed; an unknown tool name throws.
public struct ChannelTools: Sendable {
    public static let sendEmail = "send_email"
    public static let postWebhook = "post_webhook"

    /// Email settings; nil leaves `send_email` out of `definitions` and refuses calls to it.
    public struct Email: Sendable {
        public var client: SMTPClient
        /// The tenant's sender address; the agent cannot choose it.
        public var from: EmailAddress

        public init(client: SMTPClient, from: EmailAddress) {
            self.client = client
            self.from = from
        }
    }

    /// Webhook settings; nil leaves `post_webhook` out of `definitions` and refuses calls to it.
    public struct Webhook: Sendable {
        public var sender: WebhookSender
        /// The key receivers share with this tenant, read from the secret store by the caller.
        public var signingKey: SymmetricKey

        public init(sender: WebhookSender, signingKey: SymmetricKey) {
            self.sender = sender
            self.signingKey = signingKey
        }
    }

    public var email: Email?
    public var webhook: Webhook?

    public init(email: Email?, webhook: Webhook?) {
        self.email = email
        self.webhook = webhook
    }

    /// MCP tool definitions (`name`, `description`, `inputSchema`) for the configured channels.
    public var definitions: [JSONValue] {
        var tools: [JSONValue] = []
        if email != nil { tools.append(Self.sendEmailDefinition) }
        if webhook != nil { tools.append(Self.postWebhookDefinition) }
        return tools
    }

    static let addressList: JSONValue = [
        "oneOf": [
            ["type": "string"],
            ["type": "array", "items": ["type": "string"], "maxItems": 100],
        ]
    ]

    public static let sendEmailDefinition: JSONValue = [
        "name": .string(sendEmail),
        "description":
            "Send a plain-text email from the tenant's address. Recipients are plain addresses (local@domain).",
        "inputSchema": [
            "type": "object",
            "properties": [
                "to": addressList, "cc": addressList, "bcc": addressList,
                "subject": ["type": "string"],
                "body": ["type": "string"],
            ],
            "required": ["to", "subject", "body"],
            "additionalProperties": false,
        ],
    ]

    public static let postWebhookDefinition: JSONValue = [
        "name": .string(postWebhook),
        "description": "POST a JSON object to an https URL; Warden signs the body (Warden-Signature header).",
        "inputSchema": [
            "type": "object",
            "properties": [
                "url": ["type": "string", "format": "uri"],
                "payload": ["type": "object"],
            ],
            "required": ["url", "payload"],
            "additionalProperties": false,
        ],
    ]

    /// Runs `tool` with `arguments` and returns an MCP `CallToolResult`.
    public func call(tool: String, arguments: JSONValue) async throws(ChannelToolError) -> JSONValue {
        switch tool {
        case Self.sendEmail:
            guard let email else { throw .unknownTool(tool) }
            return await callSendEmail(arguments, email: email)
        case Self.postWebhook:
            guard let webhook else { throw .unknownTool(tool) }
            return await callPostWebhook(arguments, webhook: webhook)
        default:
            throw .unknownTool(tool)
        }
    }

    private func callSendEmail(_ arguments: JSONValue, email: Email) async -> JSONValue {
        let message: EmailMessage
        do throws(ChannelToolError) {
            message = try Self.emailMessage(from: arguments, sender: email.from)
        } catch {
            return Self.result(error.description, isError: true)
        }
        do throws(SMTPError) {
            let receipt = try await email.client.send(message)
            return Self.result(
                "sent: message-id <\(receipt.messageID)>, \(receipt.acceptedRecipients.count) recipient(s) accepted",
                isError: false)
        } catch {
            return Self.result(error.description, isError: true)
        }
    }

    private func callPostWebhook(_ arguments: JSONValue, webhook: Webhook) async -> JSONValue {
        guard let members = arguments.objectValue, Set(members.keys).isSubset(of: ["url", "payload"]) else {
            return Self.result(
                "post_webhook refused: arguments must be an object with only url and payload", isError: true)
        }
        guard let url = members["url"]?.stringValue else {
            return Self.result("post_webhook refused: url must be a string", isError: true)
        }
        guard let payload = members["payload"], payload.objectValue != nil else {
            return Self.result("post_webhook refused: payload must be an object", isError: true)
        }
        do throws(WebhookError) {
            let receipt = try await webhook.sender.post(url: url, payload: payload, key: webhook.signingKey)
            let ok = (200..<300).contains(receipt.status)
            return Self.result(
                "delivery \(receipt.deliveryID): receiver answered HTTP \(receipt.status)", isError: !ok)
        } catch {
            return Self.result(error.agentDescription, isError: true)
        }
    }

    /// Parses `send_email` arguments into a message from `sender`. Exposed for the gateway's grant check,
    /// which needs the same recipient list the send will use.
    public static func emailMessage(from arguments: JSONValue, sender: EmailAddress) throws(ChannelToolError)
        -> EmailMessage
    {
        guard let members = arguments.objectValue else { throw .invalidArguments("arguments must be an object") }
        let allowed: Set<String> = ["to", "cc", "bcc", "subject", "body"]
        if let extra = members.keys.sorted().first(where: { !allowed.contains($0) }) {
            throw .invalidArguments("unknown argument \(extra)")
        }
        guard let subject = members["subject"]?.stringValue else { throw .invalidArguments("subject must be a string") }
        guard let body = members["body"]?.stringValue else { throw .invalidArguments("body must be a string") }
        let to = try addresses(members["to"], field: "to", required: true)
        let cc = try addresses(members["cc"], field: "cc", required: false)
        let bcc = try addresses(members["bcc"], field: "bcc", required: false)
        return EmailMessage(from: sender, to: to, cc: cc, bcc: bcc, subject: subject, body: body)
    }

    private static func addresses(_ value: JSONValue?, field: String, required: Bool) throws(ChannelToolError)
        -> [EmailAddress]
    {
        let texts: [String]
        switch value {
        case nil, .null?:
            if required { throw .invalidArguments("\(field) is required") }
            return []
        case .string(let one)?:
            texts = [one]
        case .array(let many)?:
            var collected: [String] = []
            for item in many {
                guard let text = item.stringValue else { throw .invalidArguments("\(field) must hold strings") }
                collected.append(text)
            }
            texts = collected
        default:
            throw .invalidArguments("\(field) must be a string or an array of strings")
        }
        var result: [EmailAddress] = []
        for text in texts {
            do throws(EmailAddressError) {
                result.append(try EmailAddress(text))
            } catch {
                throw .invalidArguments("\(field): \(error.description)")
            }
        }
        return result
    }

    static func result(_ text: String, isError: Bool) -> JSONValue {
        ["content": [["type": "text", "text": .string(text)]], "isError": .bool(isError)]
    }
}

/// Why a channel tool call was refused.
public enum ChannelToolError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownTool(String)
    case invalidArguments(String)

    public var description: String {
        switch self {
        case .unknownTool(let name): "unknown channel tool \(name)"
        case .invalidArguments(let reason): "send_email refused: \(reason)"
        }
    }
}
