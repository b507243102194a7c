import ArgumentParser
import Foundation
import Logging
import WardenCore
import WardenGateway
import WardenGrants
import WardenLedger
import WardenMCP

/// Runs the story end to end on the quick-start defaults: a cell, its demo upstream, two agents with
/// different roles, and the refusals that make Warden the boundary.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a self-contained demonstration cell and a scripted agent session against it."
    )

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "warden-demo-\(UUID().uuidString)"
        ).path
        let port = try freeLoopbackPort()
        let configuration = CellConfiguration.quickStart(
            dataDirectory: directory, agentPort: port, adminPort: try freeLoopbackPort())
        var logger = Logger(label: "warden.demo")
        logger.logLevel = .critical
        let built = try await CellBootstrap.make(
            configuration: configuration, logger: logger)
        // Approve the demo tools, as an admin would with `warden tools approve --all`.
        let demo = BuiltinDemoUpstream(outboxPath: directory + "/demo-outbox.jsonl")
        var pins = ToolPins()
        for tool in try await demo.listTools() { pins.digests["demo.\(tool.name)"] = tool.digest }
        try pins.save(dataDirectory: directory)

        let ready = AsyncStream<Void>.makeStream()
        let server = Task {
            try await built.cell.run { listener, _ in
                if listener == "agents" { ready.continuation.yield() }
            }
        }
        for await _ in ready.stream { break }
        defer { server.cancel() }
        guard let issuer = built.developmentIssuer else { return }

        print("Warden demo: a cell for tenant 'local' at http://127.0.0.1:\(port)/mcp\n")
        for (role, subject) in [("analyst", "agent-analyst"), ("clerk", "agent-clerk")] {
            let token = try await issuer.issueToken(
                subject: subject, audience: configuration.resourceURI, roles: [role])
            let client = try UpstreamClient.http(
                HTTPUpstreamConfiguration(
                    endpoint: configuration.resourceURI, headers: ["Authorization": "Bearer \(token)"]),
                logger: logger
            )
            _ = try await client.initialize()
            let tools = try await client.listTools().map(\.name)
            print("[\(role)] sees: \(tools.joined(separator: ", "))")
            await attempt(client, role, "demo.lookup_invoice", ["invoice_id": "INV-1001"])
            await attempt(client, role, "demo.update_invoice_status", ["invoice_id": "INV-1002", "status": "disputed"])
            await attempt(
                client, role, "demo.send_email", ["to": "cfo@example.com", "subject": "Invoices", "body": "Done."])
            print("")
            await client.close()
        }
        // An assistant may send, but only with a grant minted for that exact message.
        let token = try await issuer.issueToken(
            subject: "agent-assistant",
            audience: configuration.resourceURI,
            roles: ["assistant"]
        )
        let assistant = try UpstreamClient.http(
            HTTPUpstreamConfiguration(
                endpoint: configuration.resourceURI, headers: ["Authorization": "Bearer \(token)"]),
            logger: logger
        )
        _ = try await assistant.initialize()
        let message: [String: JSONValue] = [
            "to": "cfo@example.com", "subject": "Invoices", "body": "INV-1002 disputed.",
        ]
        await attempt(assistant, "assistant", "demo.send_email", message)
        let now = Date()
        let grant = try GrantMinter(keys: built.keys.grantKeys).mint(
            tenant: configuration.tenant,
            mintedBy: GrantOrigin(.admin, id: "demo"),
            tool: "demo.send_email",
            recipients: [try RecipientNormalizer().email("cfo@example.com")],
            contentDigest: ContentDigest.sha256(of: CanonicalJSON.encode(.object(message))),
            notBefore: now,
            expiresAt: now.addingTimeInterval(300)
        )
        print("[admin] minted a grant for exactly that message to cfo@example.com")
        await attempt(assistant, "assistant", "demo.send_email", message, meta: ["warden/grant": .string(grant.token)])
        await attempt(assistant, "assistant", "demo.send_email", message, meta: ["warden/grant": .string(grant.token)])
        var redirected = message
        redirected["to"] = "attacker@example.net"
        let second = try GrantMinter(keys: built.keys.grantKeys).mint(
            tenant: configuration.tenant,
            mintedBy: GrantOrigin(.admin, id: "demo"),
            tool: "demo.send_email",
            recipients: [try RecipientNormalizer().email("cfo@example.com")],
            notBefore: now,
            expiresAt: now.addingTimeInterval(300)
        )
        await attempt(
            assistant, "assistant", "demo.send_email", redirected, meta: ["warden/grant": .string(second.token)])
        await assistant.close()
        print("")
        server.cancel()
        _ = await server.result
        let signer = try LedgerAuditSink.signer(keys: built.keys, tenant: configuration.tenant)
        let report = try LedgerVerifier(
            directory: LedgerAuditSink.directory(dataDirectory: directory),
            verifiers: [signer.verifier]
        ).verify()
        print(
            "Every decision above is in the cell's ledger: \(report.entries) entries, signed checkpoint verified "
                + "(root \(report.checkpoint.checkpoint.rootHash.base64))."
        )
    }

    func attempt(
        _ client: UpstreamClient,
        _ role: String,
        _ tool: String,
        _ arguments: [String: JSONValue],
        meta: [String: JSONValue]? = nil
    ) async {
        do {
            var params: [String: JSONValue] = ["name": .string(tool), "arguments": .object(arguments)]
            if let meta { params["_meta"] = .object(meta) }
            let result = try CallToolResult(
                json: try await client.request(MCPMethod.toolsCall, params: .object(params)))
            let text = result.texts.joined(separator: " ")
            print("[\(role)] \(tool) -> \(result.isError ? "refused: " : "ok: ")\(text)")
        } catch {
            print("[\(role)] \(tool) -> refused: \(error)")
        }
    }
}

func freeLoopbackPort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw ExitCode.failure }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
        }
    }
    guard bound else { throw ExitCode.failure }
    return Int(UInt16(bigEndian: address.sin_port))
}
