import ArgumentParser
import Foundation
import Logging
import WardenCore
import WardenGateway
import WardenGrants
import WardenLedger
import WardenMCP

/// Runs the story end to end on the quick-start defaults: a cell, its demo upstream, agents with different
/// roles, a send held for a person and approved, grants, and the refusals that make Warden the boundary.
///
/// Every step states what Warden must do; if a control does not fire as stated, the demo says so and exits
/// non-zero. The cell's data folder is temporary and removed at the end unless `--keep` is given.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run a self-contained demonstration cell and a scripted agent session against it."
    )

    @Flag(help: "Keep the demo cell's data folder (keys, ledger, approvals) instead of removing it at the end.")
    var keep = false

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "warden-demo-\(UUID().uuidString)"
        ).path
        let style = DemoStyle(
            colour: isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil)
        let script = DemoScript(directory: directory, style: style)
        do {
            try await script.play()
        } catch {
            finish(directory, style: style)
            throw error
        }
        finish(directory, style: style)
        guard script.failures.isEmpty else {
            print(style.red(style.bold("The demo did not go as described; these controls did not fire:")))
            for failure in script.failures { print(style.red("  - \(failure)")) }
            throw ExitCode.failure
        }
    }

    /// Removes the data folder, or says where it is and which secrets it holds (`--keep`).
    func finish(_ directory: String, style: DemoStyle) {
        guard FileManager.default.fileExists(atPath: directory) else { return }
        guard keep else {
            do {
                try FileManager.default.removeItem(atPath: directory)
                print(style.dim("Removed the demo cell's data folder \(directory)."))
            } catch {
                print(style.red("Could not remove the demo cell's data folder \(directory): \(error)"))
                print(style.red("Delete it yourself: it holds the cell's master key and signing keys."))
            }
            return
        }
        let dir = shellQuoted(directory)
        print(
            """
            \(style.bold("Kept the demo cell's data folder:")) \(directory)
              It holds SECRETS: master.key (the vault's master key), vault.sealed (the tenant keyring: grant,
              ledger-signing and session keys), dev-issuer-key.pem (the development issuer's signing key), and
              the ledger, approvals.sqlite (one send still waiting for a person; Ava's decided requests),
              runs.sqlite (every run, Ava's calls, the escalation), agents.sqlite, grants.sqlite, tool-pins.json
              and demo-outbox.jsonl (what was sent and paid). Look around, then delete it:
                \(wardenProgram) ledger verify --data-dir \(dir)
                \(wardenProgram) runs list --data-dir \(dir)
                \(wardenProgram) approvals show apr-… --data-dir \(dir)
                rm -rf \(dir)
              To decide approvals in a browser, serve a configured cell with an `inbox:` section (your OIDC
              provider; see docs/approvals.md) and open its inbox URL.
            """)
    }
}

/// Colours when standard output is a terminal (and `NO_COLOR` is unset); plain text otherwise.
struct DemoStyle {
    let colour: Bool

    func paint(_ code: String, _ text: String) -> String { colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }
    func bold(_ text: String) -> String { paint("1", text) }
    func dim(_ text: String) -> String { paint("2", text) }
    func green(_ text: String) -> String { paint("32", text) }
    func yellow(_ text: String) -> String { paint("33", text) }
    func red(_ text: String) -> String { paint("31", text) }
    func cyan(_ text: String) -> String { paint("36", text) }
}

/// What a tool call came back with, as an agent sees it.
enum DemoOutcome {
    /// The call went through to the upstream (`isError` false).
    case ok(String)
    /// Warden refused it: a tool result with `_meta["warden/refusal"]`, or the JSON-RPC error for a tool the caller
    /// may not see (`data.rule`).
    case refused(rule: String, message: String)
    /// Anything else: a tool's own error, a transport failure.
    case failed(String)
}

/// What the demo says Warden will do with a call.
enum DemoExpectation {
    case allowed
    case refused(rule: String?)

    func met(by outcome: DemoOutcome) -> Bool {
        switch (self, outcome) {
        case (.allowed, .ok): true
        case (.refused(let rule), .refused(let actual, _)): rule == nil || rule == actual
        default: false
        }
    }

    var description: String {
        switch self {
        case .allowed: "the call to go through"
        case .refused(let rule?): "a refusal by \(rule)"
        case .refused(nil): "a refusal"
        }
    }
}

final class DemoScript {
    let directory: String
    let style: DemoStyle
    let approver = "alice"
    /// Controls that did not fire as the demo said they would.
    private(set) var failures: [String] = []
    private var logger: Logger

    init(directory: String, style: DemoStyle) {
        self.directory = directory
        self.style = style
        logger = Logger(label: "warden.demo")
        logger.logLevel = .critical
    }

    func play() async throws {
        let port = try freeLoopbackPort()
        var configuration = CellConfiguration.quickStart(
            dataDirectory: directory, agentPort: port, adminPort: try freeLoopbackPort())
        // Ava, the demo's AI employee, and the contract her runs are held to: deliver (a payment) or escalate.
        configuration.roles["payables"] = [.read, .mutate, .send, .spend]
        configuration.agents = [DemoAgent.definition()]
        configuration.delivery.deliveryTools = ["demo.pay_invoice"]
        configuration.delivery.escalateTo = .email(address: DemoAgent.approverOfRecord)
        configuration.delivery.notifyWindowSeconds = 0
        print(style.bold("Warden demo: a throw-away cell for tenant '\(configuration.tenant)'"))
        print("  MCP endpoint  \(configuration.resourceURI)")
        print("  data folder   \(directory)")
        print(style.dim("                (keys, ledger, approvals; removed at the end unless you pass --keep)"))
        print("")
        // The data folder (mode 0700) and keys first; then approve the demo tools, as an admin would with
        // `warden tools approve --all`, before the cell reads its pins.
        let keys = try await CellBootstrap.openKeys(configuration: configuration)
        let demo = BuiltinDemoUpstream(outboxPath: CellLayout(dataDirectory: directory).demoOutbox)
        var pins = ToolPins()
        for tool in try await demo.listTools() {
            pins.pin("demo.\(tool.name)", definition: tool.definition, digest: tool.digest)
        }
        try pins.save(dataDirectory: directory)
        print(
            style.cyan("[admin]") + " pinned the demo tools' definitions"
                + style.dim(" (what `warden tools approve --all` does)\n"))
        var built = try await CellBootstrap.make(configuration: configuration, keys: keys, logger: logger)
        let scripts = DemoAgent.Scripts()
        built.cell.agents = built.cell.agents?.replacingModels { _, run in scripts.model(for: run) }

        let ready = AsyncStream<Void>.makeStream()
        let cell = built.cell
        let server = Task {
            defer { ready.continuation.finish() }
            try await cell.run { listener, _ in
                if listener == "agents" { ready.continuation.yield() }
            }
        }
        var started = false
        for await _ in ready.stream {
            started = true
            break
        }
        guard started, let issuer = built.developmentIssuer else {
            server.cancel()
            try await server.value
            throw CLIError("the demo cell did not start")
        }
        do {
            try await story(configuration: configuration, keys: built.keys) { subject, role in
                try await issuer.issueToken(subject: subject, audience: configuration.resourceURI, roles: [role])
            }
            try await avaStory(configuration: configuration, keys: built.keys)
        } catch {
            server.cancel()
            _ = await server.result
            throw error
        }
        server.cancel()
        _ = await server.result
        checkOutbox()
        verifyLedger(configuration: configuration, keys: built.keys)
    }

    /// The agents' session; `token` mints a development-issuer token for a subject with one role.
    func story(
        configuration: CellConfiguration, keys: CellKeys, token: (String, String) async throws -> String
    ) async throws {
        func connect(_ subject: String, role: String) async throws -> UpstreamClient {
            let token = try await token(subject, role)
            let client = try UpstreamClient.http(
                HTTPUpstreamConfiguration(
                    endpoint: configuration.resourceURI, headers: ["Authorization": "Bearer \(token)"]),
                logger: logger
            )
            _ = try await client.initialize()
            return client
        }

        print(style.bold("1. Roles: an agent sees and may call only the tools its role allows"))
        let invoice: [String: JSONValue] = ["invoice_id": "INV-1002", "status": "disputed"]
        let email: [String: JSONValue] = ["to": "cfo@example.com", "subject": "Invoices", "body": "Done."]
        for (role, subject) in [("analyst", "agent-analyst"), ("clerk", "agent-clerk")] {
            let client = try await connect(subject, role: role)
            let may = configuration.roles[role] ?? []
            // Every agent also sees Warden's own `warden.escalate` (to end a run escalated); the demo shows the rest.
            let tools = try await client.listTools().map(\.name).filter { $0 != "warden.escalate" }.sorted()
            let expected = BuiltinDemoUpstream.defaultClassification.filter { may.contains($0.value) }.keys
                .map { "demo.\($0)" }.sorted()
            print(style.cyan("[\(role)]") + " sees: \(tools.joined(separator: ", "))")
            if tools != expected {
                fail("the \(role) should see exactly \(expected.joined(separator: ", ")), saw \(tools)")
            }
            await attempt(client, role, "demo.lookup_invoice", ["invoice_id": "INV-1001"], expect: .allowed)
            await attempt(
                client, role, "demo.update_invoice_status", invoice,
                expect: may.contains(.mutate) ? .allowed : .refused(rule: "tool.not-available"))
            await attempt(client, role, "demo.send_email", email, expect: .refused(rule: "tool.not-available"))
            print("")
            await client.close()
        }

        print(style.bold("2. Sends: an assistant may send, but only what a person or a grant covers"))
        let assistant = try await connect("agent-assistant", role: "assistant")
        let message: [String: JSONValue] = [
            "to": "cfo@example.com", "subject": "Invoices", "body": "INV-1002 disputed.",
        ]
        let held = await attempt(
            assistant, "assistant", "demo.send_email", message, expect: .refused(rule: "grant.missing"))
        guard case .refused(_, let heldMessage) = held, let id = approvalID(in: heldMessage) else {
            fail("the send without a grant should have been held for a person (an apr-… request)")
            await assistant.close()
            return
        }
        explain(
            """
            Nothing covered that send, so Warden held it as \(id) for a person. A person approves it with
              warden approvals approve \(id) --approver NAME --data-dir \(shellQuoted(directory))
            (or denies it); the agent's identical call then goes out, once.
            """)
        try await approve(id, configuration: configuration)
        await attempt(assistant, "assistant", "demo.send_email", message, expect: .allowed)
        explain("The approval is used once: the same call again is held again, as a new request.")
        await attempt(assistant, "assistant", "demo.send_email", message, expect: .refused(rule: "grant.missing"))
        print("")

        print(style.bold("3. Grants: minted for one exact message, used once, bound to its recipients"))
        let report: [String: JSONValue] = [
            "to": "cfo@example.com", "subject": "Invoices", "body": "INV-1001 and INV-1003 reconciled.",
        ]
        let minter = GrantMinter(keys: keys.grantKeys)
        let now = Date()
        let grant = try minter.mint(
            tenant: configuration.tenant,
            mintedBy: GrantOrigin(.admin, id: "demo"),
            tool: "demo.send_email",
            recipients: [try RecipientNormalizer().email("cfo@example.com")],
            contentDigest: ContentDigest.sha256(of: CanonicalJSON.encode(.object(report))),
            notBefore: now,
            expiresAt: now.addingTimeInterval(300)
        )
        print(
            style.cyan("[admin]") + " minted a grant for exactly this message to cfo@example.com: "
                + "\"\(report["body"]?.stringValue ?? "")\"" + style.dim(" (`warden grant mint … --arguments JSON`)"))
        let presented: [String: JSONValue] = ["warden/grant": .string(grant.token)]
        await attempt(assistant, "assistant", "demo.send_email", report, meta: presented, expect: .allowed)
        explain("The agent presents the same grant again:")
        await attempt(
            assistant, "assistant", "demo.send_email", report, meta: presented,
            expect: .refused(rule: "grant.replayed"))
        let second = try minter.mint(
            tenant: configuration.tenant,
            mintedBy: GrantOrigin(.admin, id: "demo"),
            tool: "demo.send_email",
            recipients: [try RecipientNormalizer().email("cfo@example.com")],
            notBefore: now,
            expiresAt: now.addingTimeInterval(300)
        )
        var redirected = report
        redirected["to"] = "attacker@example.net"
        explain("A grant for cfo@example.com, presented with the message redirected to attacker@example.net:")
        await attempt(
            assistant, "assistant", "demo.send_email", redirected, meta: ["warden/grant": .string(second.token)],
            expect: .refused(rule: "grant.recipient_not_covered"))
        await assistant.close()
        print("")
    }

    /// What a person does with `warden approvals approve ID --approver alice`: the same store decision, and the
    /// same grant the CLI mints and attaches to the agent's identical call.
    func approve(_ id: String, configuration: CellConfiguration) async throws {
        let keys = try await CellKeys.open(
            dataDirectory: configuration.dataDirectory, tenant: configuration.tenant, createKeyFile: false)
        let decided = try await ApprovalService(configuration: configuration, keys: keys).decide(
            id: id, approver: approver, approve: true)
        guard decided.send != nil else {
            fail("\(id) should carry the held send's recipients and content")
            return
        }
        print(
            style.cyan("[\(approver), a person]")
                + " approves \(id): a grant for exactly those recipients and that content is attached to the"
                + " assistant's identical call")
    }

    @discardableResult
    func attempt(
        _ client: UpstreamClient,
        _ role: String,
        _ tool: String,
        _ arguments: [String: JSONValue],
        meta: [String: JSONValue]? = nil,
        expect: DemoExpectation
    ) async -> DemoOutcome {
        var params: [String: JSONValue] = ["name": .string(tool), "arguments": .object(arguments)]
        if let meta { params["_meta"] = .object(meta) }
        let outcome: DemoOutcome
        do throws(UpstreamError) {
            outcome = Self.outcome(of: try await client.request(MCPMethod.toolsCall, params: .object(params)))
        } catch {
            if case .rpcError(let object) = error, let rule = object.data?["rule"]?.stringValue {
                let message = object.message.replacingOccurrences(of: "unknown tool: ", with: "")
                outcome = .refused(rule: rule, message: message)
            } else {
                outcome = .failed("\(error)")
            }
        }
        let line: String
        switch outcome {
        case .ok(let text): line = style.green("ok") + ": \(text)"
        case .refused(let rule, let message):
            line = style.yellow("refused by Warden") + " (rule " + style.bold(rule) + "): \(message)"
        case .failed(let text): line = style.red("error") + ": \(text)"
        }
        print(style.cyan("[\(role)]") + " \(tool) -> \(line)")
        if !expect.met(by: outcome) {
            fail("[\(role)] \(tool): expected \(expect.description)")
            print(style.red("  UNEXPECTED: the demo expected \(expect.description)"))
        }
        return outcome
    }

    static func outcome(of json: JSONValue) -> DemoOutcome {
        if let refusal = json["_meta"]?["warden/refusal"], let rule = refusal["rule"]?.stringValue {
            return .refused(rule: rule, message: refusal["message"]?.stringValue ?? "")
        }
        guard let result = try? CallToolResult(json: json) else { return .failed("a malformed tool result") }
        let text = result.texts.joined(separator: " ")
        return result.isError ? .failed("the tool reported an error: \(text)") : .ok(text)
    }

    /// The approval request id (`apr-…`) a held call's refusal names.
    func approvalID(in message: String) -> String? {
        guard let start = message.range(of: "apr-") else { return nil }
        let rest = message[start.upperBound...].prefix { $0.isASCII && ($0.isLetter || $0.isNumber) }
        return rest.isEmpty ? nil : "apr-" + rest
    }

    /// What reached the demo upstream: the approved and the granted send to cfo@example.com, the escalation
    /// notice, and exactly one payment (INV-1002, to the account on file); nothing for the email's attacker.
    func checkOutbox() {
        let lines = outbox()
        let recipients = lines.compactMap { $0["to"]?.stringValue }
        let payments = lines.filter { $0["paid"] != nil }
        let summary = Dictionary(grouping: recipients, by: { $0 }).map { "\($0.value.count) to \($0.key)" }
        print(
            "What went out: \(recipients.count) email(s), \(summary.sorted().joined(separator: ", ")); "
                + "\(payments.count) payment(s): "
                + payments.map { "\($0["paid"]?.stringValue ?? "?") to \($0["iban"]?.stringValue ?? "?")" }.joined(
                    separator: ", ") + style.dim(" (the demo upstream's outbox)"))
        if recipients.filter({ $0 == "cfo@example.com" }).count != 2 {
            fail("exactly the approved send and the granted send should have gone to cfo@example.com")
        }
        if recipients.contains(BuiltinDemoUpstream.attackerAddress)
            || payments.contains(where: { $0["iban"]?.stringValue == BuiltinDemoUpstream.attackerIBAN })
        {
            fail("nothing may reach the address or account the poisoned email asked for")
        }
        if payments.count != 1 || payments.first?["paid"]?.stringValue != "INV-1002" {
            fail("exactly one payment should have run: the approved INV-1002, once")
        }
    }

    func verifyLedger(configuration: CellConfiguration, keys: CellKeys) {
        do {
            let signer = try LedgerAuditSink.signer(keys: keys, tenant: configuration.tenant)
            let report = try LedgerVerifier(
                directory: LedgerAuditSink.directory(dataDirectory: directory),
                verifiers: [signer.verifier]
            ).verify()
            print(
                "Every decision above is in the cell's ledger: \(report.entries) entries, "
                    + style.green("signed checkpoint verified")
                    + style.dim(" (root \(report.checkpoint.checkpoint.rootHash.base64))"))
        } catch {
            print(style.red("The cell's ledger did not verify: \(error)"))
            fail("the ledger should verify")
        }
    }

    func explain(_ text: String) {
        print(style.dim(text))
    }

    func fail(_ what: String) {
        failures.append(what)
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
