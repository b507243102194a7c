import ArgumentParser
import Foundation
import WardenCore
import WardenGateway
import WardenGrants

struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Mint and inspect send grants (admin).",
        subcommands: [MintGrant.self, InspectGrant.self]
    )
}

struct MintGrant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mint",
        abstract: "Mint a send grant for one tool and exact recipients, as an admin."
    )

    @OptionGroup var cell: CellOptions

    @Option(help: "The send tool, as server.tool.") var tool: String
    @Option(help: "An email recipient (repeatable).") var to: [String] = []
    @Option(help: "A webhook URL recipient (repeatable).") var webhook: [String] = []
    @Option(help: "A channel recipient, e.g. slack:#finance (repeatable).") var channel: [String] = []
    @Option(help: "Bind the grant to this agent (token subject).") var agent: String?
    @Option(help: "Bind the grant to exactly these tool arguments (JSON object): the content digest.")
    var arguments: String?
    @Option(help: "Lifetime in seconds.") var ttl: Int = 600
    @Option(help: "Who mints it, recorded in the grant.") var mintedBy: String = "cli"
    @Option(help: "Record the grant as minted by this approval id (an approval of exactly --arguments).")
    var approval: String?
    @Flag(
        help: """
            Attach the grant to the exact call (--tool with --arguments) in the cell's database instead of printing \
            it: the agent's call with those arguments then needs no grant, and the agent never sees the token.
            """)
    var attach = false

    func run() async throws {
        guard QualifiedToolName(parsing: tool) != nil else { throw ValidationError("--tool must be server.tool") }
        let configuration = try cell.load()
        let keys = try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
        let normalizer = RecipientNormalizer(
            allowInsecureWebhooks: configuration.channels.webhook?.allowPlaintextLoopback ?? false
        )
        var recipients: [Recipient] = []
        do {
            recipients += try to.map { address throws(RecipientError) in try normalizer.email(address) }
            recipients += try webhook.map { url throws(RecipientError) in try normalizer.webhook(url) }
            recipients += try channel.map { name throws(RecipientError) in try normalizer.channel(name) }
        } catch {
            throw ValidationError("recipient refused: \(error)")
        }
        var digest: ContentDigest?
        var callArguments: [String: JSONValue]?
        if let arguments {
            guard case .object(let members) = try StrictJSONParser().parse(arguments) else {
                throw ValidationError("--arguments must be a JSON object")
            }
            digest = ContentDigest.sha256(of: CanonicalJSON.encode(.object(members)))
            callArguments = members
        }
        if attach && callArguments == nil {
            throw ValidationError("--attach needs --arguments: a grant attaches to one exact call")
        }
        if attach && agent == nil {
            throw ValidationError("--attach needs --agent: a grant attaches to one agent's call")
        }
        if approval != nil && callArguments == nil {
            throw ValidationError("--approval needs --arguments: an approval is of one exact call")
        }
        let now = Date()
        let minted = try GrantMinter(keys: keys.grantKeys).mint(
            tenant: configuration.tenant,
            mintedBy: approval.map { GrantOrigin(.approval, id: $0) } ?? GrantOrigin(.admin, id: mintedBy),
            agent: agent,
            tool: tool,
            recipients: recipients,
            contentDigest: digest,
            notBefore: now,
            expiresAt: now.addingTimeInterval(TimeInterval(ttl))
        )
        if attach, let callArguments {
            let store = try SQLiteNonceStore(path: configuration.layout.grants)
            let action = ToolCallRequest.actionDigest(tool: tool, arguments: callArguments)
            try await store.attach(
                token: minted.token, actionDigest: action, agent: agent ?? "", expiresAt: minted.claims.expiresAt)
            print("attached a grant (\(minted.claims.mintedBy)) to action \(action)")
        } else {
            print(minted.token)
        }
    }
}

struct InspectGrant: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Show a grant's claims and whether it verifies in this cell."
    )

    @OptionGroup var cell: CellOptions

    @Argument(help: "The grant token (wg1.…).") var token: String

    func run() async throws {
        let configuration = try cell.load()
        let keys = try await CellKeys.open(dataDirectory: configuration.dataDirectory, tenant: configuration.tenant)
        let inspection = GrantVerifier(keys: keys.grantKeys).inspect(token, now: Date())
        if let claims = inspection.claims ?? (try? GrantToken.decodeUnverified(token)) {
            print("tenant:     \(claims.tenant)")
            print("key id:     \(claims.keyID)")
            print("minted by:  \(claims.mintedBy)")
            print("agent:      \(claims.agent ?? "(any)")")
            print("tool:       \(claims.tool)")
            print("recipients: \(claims.recipients.map(\.canonical).joined(separator: ", "))")
            print("content:    \(claims.contentDigest.map { "\($0)" } ?? "(not bound)")")
            print("valid:      \(claims.notBefore) ..< \(claims.expiresAt)")
        }
        if let refusal = inspection.refusal {
            print("verifies:   NO (\(refusal.code): \(refusal))")
            throw ExitCode(1)
        }
        print("verifies:   yes (signature, key and time; single use is checked when it is redeemed)")
    }
}
