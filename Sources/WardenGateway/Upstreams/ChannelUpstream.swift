import Crypto
import Foundation
import NIOSSL
import WardenChannels
import WardenCore

/// Warden's own outbound channels as the built-in upstream `warden`: `warden.send_email` (SMTP) and
/// `warden.post_webhook` (signed POST). They are send tools like any other: the gatekeeper checks the send
/// grant before a call reaches them. Credentials come from the secret store when the cell starts.
public struct ChannelUpstream: ToolUpstream {
    public let name = "warden"
    let tools: ChannelTools
    let webhookSender: WebhookSender?

    public init(settings: ChannelSettings, secrets: any SecretResolver) async throws {
        var email: ChannelTools.Email?
        if let settings = settings.email {
            var credentials: SMTPCredentials?
            if let username = settings.username, let password = settings.password {
                credentials = SMTPCredentials(
                    username: try await username.resolve(with: secrets),
                    password: try await password.resolve(with: secrets)
                )
            }
            var tls = SMTPConfiguration.defaultTLS
            if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
            let security: SMTPTransportSecurity
            switch settings.security {
            case .startTLS: security = .startTLS
            case .implicitTLS: security = .implicitTLS
            case .plaintextLoopback: security = .plaintextLoopbackOnly
            }
            let client = SMTPClient(
                configuration: SMTPConfiguration(
                    host: settings.host,
                    port: settings.port,
                    security: security,
                    tls: tls,
                    credentials: credentials
                )
            )
            email = ChannelTools.Email(client: client, from: try EmailAddress(settings.from))
        }
        var webhook: ChannelTools.Webhook?
        var sender: WebhookSender?
        if let settings = settings.webhook {
            let key = try await settings.signingKey.resolve(with: secrets)
            let created = WebhookSender(
                configuration: WebhookConfiguration(
                    allowPlaintextLoopback: settings.allowPlaintextLoopback,
                    addresses: WebhookAddressPolicy(allowed: settings.allowedNetworks))
            )
            sender = created
            webhook = ChannelTools.Webhook(sender: created, signingKey: SymmetricKey(data: Data(key.utf8)))
        }
        self.tools = ChannelTools(email: email, webhook: webhook)
        self.webhookSender = sender
    }

    public func start() async throws {}

    public func listTools() async throws -> [UpstreamToolDefinition] {
        tools.definitions.compactMap { definition in
            definition["name"]?.stringValue.map { UpstreamToolDefinition(name: $0, definition: definition) }
        }
    }

    public func callTool(_ tool: String, arguments: [String: JSONValue]) async throws -> JSONValue {
        try await tools.call(tool: tool, arguments: .object(arguments))
    }

    public func shutdown() async {
        try? await webhookSender?.shutdown()
    }
}
