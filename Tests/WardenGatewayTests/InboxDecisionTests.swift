import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing
import WardenCore

@testable import WardenGateway

@Suite("Inbox decisions: every form CSRF- and origin-checked, decided through ApprovalService, pages hardened")
struct InboxDecisionTests {
    static let csp =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"

    /// The detail page's CSRF token for `id`.
    static func csrf(_ client: some TestClientProtocol, cookie: String, id: String) async throws -> String {
        let page = try await client.execute(uri: "/requests/\(id)", method: .get, headers: [.cookie: cookie])
        return try #require(Browser.field("csrf", in: String(buffer: page.body)))
    }

    @Test("an approval through the inbox is the service's: the agent's identical call can use it exactly once")
    func approveThenUsedOnce() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let held = try await f.hold()
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let list = String(buffer: try await client.execute(uri: "/", method: .get, headers: [.cookie: cookie]).body)
            #expect(list.contains("pay EUR 12,400.00 to DE89 3704 0044 0532 0130 00 for invoice INV-1002"), "\(list)")
            let detail = String(
                buffer: try await client.execute(uri: "/requests/\(held.id)", method: .get, headers: [.cookie: cookie])
                    .body)
            #expect(detail.contains("&quot;DE89370400440532013000&quot;") && detail.contains(held.actionDigest))
            let token = try await Self.csrf(client, cookie: cookie, id: held.id)
            let decided = try await client.execute(
                uri: "/requests/\(held.id)/decide", method: .post, headers: Browser.post(cookie: cookie),
                body: Browser.form([("csrf", token), ("decision", "approve"), ("reason", "invoice checked")]))
            #expect(decided.status == .seeOther)
        }
        let approved = try #require(try await f.service.store.request(id: held.id))
        #expect(approved.state == .approved && approved.approver == "alice" && approved.reason == "invoice checked")
        // The agent's identical call reserves and uses it; the next identical call finds nothing to use.
        let reserved = try #require(
            try await f.service.store.reserveApproved(
                actionDigest: InboxFixture.digest(), agent: "clerk-agent", now: Date()))
        #expect(try await f.service.store.commitApproved(id: reserved.request.id, until: reserved.until))
        #expect(
            try await f.service.store.reserveApproved(
                actionDigest: InboxFixture.digest(), agent: "clerk-agent", now: Date())
                == nil)
        // Another amount is another action: not covered.
        #expect(
            try await f.service.store.reserveApproved(
                actionDigest: InboxFixture.digest(amount: "124000.00"), agent: "clerk-agent", now: Date()) == nil)
    }

    @Test("a decision needs a recent sign-in: a session older than decision_minutes must sign in again to decide")
    func staleSignInCannotDecide() async throws {
        let clock = InboxLoginStateTests.Clock()
        let sessions = InboxSessionStore(absolute: 8 * 3600, idle: 8 * 3600, now: { clock.now })
        let f = try await InboxFixture(sessions: sessions)
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let held = try await f.hold()
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let token = try await Self.csrf(client, cookie: cookie, id: held.id)
            clock.now = clock.now.addingTimeInterval(61 * 60)  // the default window is 60 minutes
            let stale = try await client.execute(
                uri: "/requests/\(held.id)/decide", method: .post, headers: Browser.post(cookie: cookie),
                body: Browser.form([("csrf", token), ("decision", "approve")]))
            #expect(stale.status == .forbidden)
            #expect(String(buffer: stale.body).contains("inbox.reauthentication-required"))
        }
        #expect(try await f.service.store.request(id: held.id)?.state == .pending)
    }

    @Test("a denial records the reason the agent will be shown")
    func denyCarriesTheReason() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let held = try await f.hold()
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let token = try await Self.csrf(client, cookie: cookie, id: held.id)
            _ = try await client.execute(
                uri: "/requests/\(held.id)/decide", method: .post, headers: Browser.post(cookie: cookie),
                body: Browser.form([("csrf", token), ("decision", "deny"), ("reason", "not our supplier")]))
            // Deciding again: already decided, shown as a page with the rule.
            let again = try await client.execute(
                uri: "/requests/\(held.id)/decide", method: .post, headers: Browser.post(cookie: cookie),
                body: Browser.form([("csrf", token), ("decision", "approve")]))
            #expect(again.status == .conflict && String(buffer: again.body).contains("approval.already-decided"))
            let decidedPage = String(
                buffer: try await client.execute(uri: "/decided", method: .get, headers: [.cookie: cookie]).body)
            #expect(decidedPage.contains(held.id) && decidedPage.contains("not our supplier"))
        }
        let denied = try await f.service.store.denied(
            actionDigest: InboxFixture.digest(), agent: "clerk-agent", now: Date())
        #expect(denied?.reason == "not our supplier" && denied?.approver == "alice")
    }

    @Test("a POST without the CSRF token, with another session's, or from another origin decides nothing")
    func csrfAndOriginChecked() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let held = try await f.hold()
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let token = try await Self.csrf(client, cookie: cookie, id: held.id)
            let uri = "/requests/\(held.id)/decide"
            let approve = [("decision", "approve")]
            let missing = try await client.execute(
                uri: uri, method: .post, headers: Browser.post(cookie: cookie), body: Browser.form(approve))
            #expect(missing.status == .forbidden && String(buffer: missing.body).contains("inbox.csrf-invalid"))
            let wrong = try await client.execute(
                uri: uri, method: .post, headers: Browser.post(cookie: cookie),
                body: Browser.form([("csrf", (token.first == "A" ? "B" : "A") + token.dropFirst())] + approve))
            #expect(wrong.status == .forbidden && String(buffer: wrong.body).contains("inbox.csrf-invalid"))
            // A second sign-in (another tab signed out and in again): the older form's token is stale.
            let newer = try #require(try await Browser.signIn(client, f).cookie)
            let stale = try await client.execute(
                uri: uri, method: .post, headers: Browser.post(cookie: newer),
                body: Browser.form([("csrf", token)] + approve))
            #expect(stale.status == .forbidden && String(buffer: stale.body).contains("inbox.csrf-invalid"))
            for origin in ["https://evil.example", "null", "http://inbox.example"] {
                let foreign = try await client.execute(
                    uri: uri, method: .post, headers: Browser.post(cookie: cookie, origin: origin),
                    body: Browser.form([("csrf", token)] + approve))
                #expect(foreign.status == .forbidden && String(buffer: foreign.body).contains("inbox.origin-mismatch"))
            }
            var noOrigin = Browser.post(cookie: cookie, origin: nil)
            let bare = try await client.execute(
                uri: uri, method: .post, headers: noOrigin, body: Browser.form([("csrf", token)] + approve))
            #expect(bare.status == .forbidden)
            noOrigin[.referer] = "https://evil.example/inbox.example/"
            let referred = try await client.execute(
                uri: uri, method: .post, headers: noOrigin, body: Browser.form([("csrf", token)] + approve))
            #expect(referred.status == .forbidden && String(buffer: referred.body).contains("inbox.origin-mismatch"))
            let signedOut = try await client.execute(
                uri: uri, method: .post, headers: Browser.post(cookie: nil),
                body: Browser.form([("csrf", token)] + approve))
            #expect(signedOut.status == .forbidden && String(buffer: signedOut.body).contains("inbox.session-required"))
        }
        #expect(try await f.service.store.request(id: held.id)?.state == .pending)
    }

    @Test("the agent whose call was held cannot approve it, even signed in as an approver")
    func separationOfDuties() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let held = try await f.hold(agent: "alice")
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f, subject: "alice").cookie)
            let token = try await Self.csrf(client, cookie: cookie, id: held.id)
            let refused = try await client.execute(
                uri: "/requests/\(held.id)/decide", method: .post, headers: Browser.post(cookie: cookie),
                body: Browser.form([("csrf", token), ("decision", "approve")]))
            #expect(refused.status == .forbidden && String(buffer: refused.body).contains("approval.self-approval"))
        }
        #expect(try await f.service.store.request(id: held.id)?.state == .pending)
    }

    @Test("a run page shows the run's calls (tool, outcome, deciding rule) and its own verified ledger entries")
    func runPageListsAgentCalls() async throws {
        let f = try await InboxFixture(ledger: { directory in
            // The keys the fixture opened, read again from the same folder (as the cell and the CLI do).
            try RunLedgerEntries(
                dataDirectory: directory,
                keys: await CellKeys.open(dataDirectory: directory, tenant: "acme", environment: [:]), tenant: "acme")
        })
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let store = try SQLiteRunStore(path: CellLayout(dataDirectory: f.directory).runs)
        let (run, _) = try await store.open(
            name: "ava-20261205T0600Z", subject: "warden-agent:ava",
            defaults: RunDefaults(deliveryRequired: true, deadlineSeconds: 900, idleSeconds: 900), maxOpen: 10,
            now: Date())
        // The ledger: one entry of this run, one of another run.
        let keys = try await CellKeys.open(dataDirectory: f.directory, tenant: "acme", environment: [:])
        let ledger = try await LedgerAuditSink.open(dataDirectory: f.directory, tenant: "acme", keys: keys)
        try await ledger.record(.run(.task(origin: "schedule", sha256: "ab12"), runID: run.id))
        try await ledger.record(.run(.task(origin: "request", sha256: "cd34"), runID: "someone-else|other-run"))
        try await ledger.close()
        for (tool, outcome, rule) in [
            ("demo.read_inbox", "executed", nil), ("demo.pay_invoice", "held", "containment.untrusted-argument"),
            ("demo.<b>x</b>", "refused", "tool.not-available"),
        ] {
            _ = try await store.apply(.call(tool: tool, outcome: outcome, rule: rule), to: run.id, now: Date())
        }
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let key = run.id.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? run.id
            let page = String(
                buffer: try await client.execute(uri: "/run?key=\(key)", method: .get, headers: [.cookie: cookie]).body)
            #expect(page.contains("<dt>calls</dt><dd>0</dd>"))  // the run's count, not the table's rows
            let calls = try #require(page.range(of: "<table class=\"list\" id=\"calls\">")).upperBound
            let table = String(page[calls...].prefix(2000))
            #expect(table.contains("<code>demo.pay_invoice</code>") && table.contains("containment.untrusted-argument"))
            #expect(table.contains("demo.&lt;b&gt;x&lt;/b&gt;") && !page.contains("<b>x</b>"))
            let entries = try #require(page.range(of: "<table class=\"list\" id=\"ledger\">")).upperBound
            let ledgerTable = String(page[entries...].prefix(3000))
            #expect(ledgerTable.contains("run.task") && ledgerTable.contains("ab12") && !ledgerTable.contains("cd34"))
            // An edited entry bundle is never shown as proven: the page says the ledger did not verify.
            let tiles = CellLayout(dataDirectory: f.directory).ledger + "/tile/entries"
            let bundles = FileManager.default.enumerator(atPath: tiles)?.compactMap { $0 as? String } ?? []
            for name in bundles {
                let path = tiles + "/" + name
                guard var bytes = FileManager.default.contents(atPath: path),
                    let found = bytes.range(of: Data("ab12".utf8))
                else { continue }
                bytes.replaceSubrange(found, with: Data("ab99".utf8))
                try bytes.write(to: URL(fileURLWithPath: path))
            }
            let tampered = String(
                buffer: try await client.execute(uri: "/run?key=\(key)", method: .get, headers: [.cookie: cookie]).body)
            #expect(tampered.contains("did not verify") && !tampered.contains("ab99"))
        }
    }

    @Test("every page, redirect, stylesheet and refusal carries the CSP and the other security headers")
    func headersOnEveryResponse() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let held = try await f.hold()
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let paths = [
                "/", "/login", "/static/inbox.css", "/requests/\(held.id)", "/requests/apr-unknown", "/decided",
                "/runs", "/escalations", "/no-such-page", "/callback?state=x",
            ]
            for path in paths {
                for headers: HTTPFields in [[:], [.cookie: cookie]] {
                    let response = try await client.execute(uri: path, method: .get, headers: headers)
                    #expect(response.headers[.contentSecurityPolicy] == Self.csp, "\(path)")
                    #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                    #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin", "\(path)")
                    #expect(response.headers[.cacheControl] == "no-store", "\(path)")
                    let body = String(buffer: response.body)
                    #expect(!body.contains("<script") && !body.contains("style="), "\(path)")
                }
            }
            let unknown = try await client.execute(
                uri: "/requests/apr-unknown", method: .get, headers: [.cookie: cookie])
            #expect(unknown.status == .notFound && String(buffer: unknown.body).contains("approval.unknown"))
        }
    }

    @Test("agent-written text is escaped on the page: markup and look-alikes cannot disguise an action")
    func agentTextIsEscaped() async throws {
        let f = try await InboxFixture()
        defer { try? FileManager.default.removeItem(atPath: f.directory) }
        let arguments: [String: JSONValue] = [
            "invoice_id": "<script>alert(1)</script>", "amount": "5.00", "iban": "DE89\u{202E}0000",
        ]
        let held = try await f.service.store.hold(
            actionDigest: ToolCallRequest.actionDigest(tool: "billing.pay_invoice", arguments: arguments),
            agent: "clerk-agent", tool: "billing.pay_invoice", arguments: arguments, now: f.now
        ).request
        try await Application(router: f.router()).test(.router) { client in
            let cookie = try #require(try await Browser.signIn(client, f).cookie)
            let page = String(
                buffer: try await client.execute(uri: "/requests/\(held.id)", method: .get, headers: [.cookie: cookie])
                    .body)
            #expect(!page.contains("<script>") && page.contains("&lt;script&gt;"))
            #expect(!page.contains("\u{202E}") && page.contains("\\u202e"))
        }
    }
}

@Suite("The action in plain words")
struct InboxWordsTests {
    @Test("payments, sends and other calls")
    func words() {
        let pay: JSONValue = [
            "tool": "billing.pay_invoice",
            "arguments": [
                "amount": .integer(12400), "currency": "EUR", "iban": "DE89370400440532013000",
                "payee": "Northwind Traders",
            ],
        ]
        #expect(
            ActionInWords.describe(tool: "billing.pay_invoice", action: pay)
                == "pay EUR 12,400.00 to DE89 3704 0044 0532 0130 00 (Northwind Traders, as the agent wrote it)")
        // Two account-like arguments: the headline does not pick one; the person reads every argument.
        let twoAccounts: JSONValue = [
            "arguments": [
                "amount": .integer(5), "account": "DE89370400440532013000", "to_iban": "GB82WEST12345698765432",
            ]
        ]
        #expect(ActionInWords.describe(tool: "bank.transfer", action: twoAccounts).contains("read every argument"))
        let send: JSONValue = [
            "tool": "mail.send", "arguments": [:], "recipients": ["mailto:a@b.example", "mailto:c@d.example"],
        ]
        #expect(ActionInWords.describe(tool: "mail.send", action: send) == "send to a@b.example, c@d.example")
        #expect(ActionInWords.describe(tool: "crm.update", action: ["arguments": ["id": "1"]]) == "call crm.update")
        #expect(ActionInWords.amount("1234567.5") == "1,234,567.50" && ActionInWords.amount("12e3") == nil)
        #expect(ActionInWords.amount(.integer(999)) == "999.00")
    }
}
