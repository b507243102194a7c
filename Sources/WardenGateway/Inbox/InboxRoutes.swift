import Foundation
import HTTPTypes
import Hummingbird
import Logging
import WardenCore

/// The approvers' web inbox: sign-in, the pages, and decisions — every one through `ApprovalService`, the same
/// service the CLI and the admin API use, so the three cannot disagree.
///
/// Order on every request: no bearer credentials at all (agents never open the inbox), then the session cookie;
/// on every POST first the origin, then the session, then the form's CSRF token. Anything that fails is a
/// refusal page naming its rule, and nothing is decided.
struct InboxRoutes: Sendable {
    let settings: InboxSettings
    let service: ApprovalService
    let runs: (any RunStore)?
    /// The cell's ledger, read for a run's entries (nil: the run page shows none).
    let ledger: RunLedgerEntries?
    let provider: OIDCProvider
    let sessions: InboxSessionStore
    let pages: InboxPages
    let security: InboxSecurity
    let logger: Logger
    static let maximumFormBytes = 16 * 1024

    init(
        settings: InboxSettings, service: ApprovalService, runs: (any RunStore)?,
        provider: OIDCProvider, sessions: InboxSessionStore? = nil, ledger: RunLedgerEntries? = nil, logger: Logger
    ) throws {
        self.settings = settings
        self.service = service
        self.runs = runs
        self.ledger = ledger
        self.provider = provider
        self.sessions =
            sessions
            ?? InboxSessionStore(
                absolute: TimeInterval(settings.sessionHours * 3600), idle: TimeInterval(settings.idleMinutes * 60))
        self.pages = try InboxPages()
        self.security = InboxSecurity(publicURL: settings.publicURL)
        self.logger = logger
    }

    func register<Context: RequestContext>(on router: Router<Context>) {
        router.add(middleware: InboxHeadersMiddleware(pages: pages, https: security.https))
        router.get("/static/inbox.css") { _, _ in InboxPages.stylesheet() }
        router.get("/") { request, _ in try await self.home(request) }
        router.get("/login") { request, _ in try await self.login(request) }
        router.get("/callback") { request, _ in try await self.callback(request) }
        router.post("/logout") { request, _ in try await self.logout(request) }
        router.get("/requests/:id") { request, context in
            try await self.detail(request, id: context.parameters.get("id") ?? "")
        }
        router.post("/requests/:id/decide") { request, context in
            try await self.decide(request, id: context.parameters.get("id") ?? "")
        }
        router.get("/decided") { request, _ in try await self.decided(request) }
        router.get("/runs") { request, _ in try await self.runList(request) }
        router.get("/run") { request, _ in try await self.runDetail(request) }
        router.get("/escalations") { request, _ in try await self.escalations(request) }
    }

    // MARK: Who is asking

    /// The signed-in approver, if any. A request with an `Authorization` header is refused outright: the inbox
    /// takes people through their identity provider, never an agent's bearer token.
    func session(_ request: Request) async throws(InboxRefusal) -> InboxSession? {
        guard request.headers[values: .authorization].isEmpty else { throw .bearerRefused }
        guard let id = InboxSecurity.cookie(security.sessionCookie, in: request) else { return nil }
        return await sessions.session(id: id)
    }

    /// The session of a POST: from the inbox's own origin, signed in, with this session's CSRF token in the form.
    func formSession(_ request: Request) async throws(InboxRefusal) -> (InboxSession, [String: String]) {
        guard request.headers[values: .authorization].isEmpty else { throw .bearerRefused }
        guard security.sameOrigin(request) else { throw .originMismatch }
        guard let session = try await session(request) else { throw .sessionRequired }
        guard let bytes = try? await request.body.collect(upTo: Self.maximumFormBytes),
            let form = FormEncoding.decode(String(buffer: bytes))
        else { throw .badForm }
        guard let token = form["csrf"], InboxTokens.equal(token, session.csrf) else { throw .csrfInvalid }
        return (session, form)
    }

    // MARK: Sign-in

    func home(_ request: Request) async throws -> Response {
        guard let session = try await session(request) else {
            return pages.page(
                "signin", title: "Sign in", session: nil,
                values: ["issuer": ApprovalDisplay.escaped(settings.oidc.issuer)])
        }
        return try await pending(session)
    }

    func login(_ request: Request) async throws -> Response {
        guard request.headers[values: .authorization].isEmpty else { throw InboxRefusal.bearerRefused }
        let login = await sessions.beginLogin()
        let url = try await provider.authorizationURL(for: login)
        return InboxPages.redirect(url, cookies: [security.setLogin(login.state)])
    }

    func callback(_ request: Request) async throws -> Response {
        guard request.headers[values: .authorization].isEmpty else { throw InboxRefusal.bearerRefused }
        guard let query = FormEncoding.decode(request.uri.query ?? ""), query["error"] == nil,
            let code = query["code"], let state = query["state"],
            // The state must be the one this browser started (its login cookie), and be used once.
            let started = InboxSecurity.cookie(security.loginCookie, in: request), InboxTokens.equal(started, state),
            let login = await sessions.takeLogin(state: state)
        else {
            logger.notice("inbox sign-in refused", metadata: ["rule": "inbox.sign-in-failed"])
            return refusal(.signInFailed, clearing: true)
        }
        let person: InboxPerson
        do {
            person = try await provider.signIn(code: code, login: login)
        } catch {
            logger.notice("inbox sign-in refused", metadata: ["rule": "\(error.rule)"])
            return refusal(error, clearing: true)
        }
        guard person.roles.contains(settings.oidc.approverRole) else {
            logger.notice("inbox sign-in refused", metadata: ["rule": "inbox.role-required"])
            return refusal(.roleRequired, clearing: true)
        }
        let session = await sessions.create(for: person)
        logger.info("inbox sign-in", metadata: ["rule": "inbox.signed-in"])
        // A page, not a redirect: the provider's redirect is a cross-site navigation, on which the browser would
        // not send the new `SameSite=Strict` cookie; the page's own navigation to the inbox is same-site.
        var response = pages.page("signedin", title: "Signed in", session: nil)
        response.headers.append(HTTPField(name: .setCookie, value: security.setSession(session.id)))
        response.headers.append(HTTPField(name: .setCookie, value: security.clear(security.loginCookie)))
        return response
    }

    private func refusal(_ refusal: InboxRefusal, clearing: Bool) -> Response {
        var response = pages.refusal(refusal, session: nil)
        if clearing {
            response.headers.append(HTTPField(name: .setCookie, value: security.clear(security.loginCookie)))
        }
        return response
    }

    func logout(_ request: Request) async throws -> Response {
        let (session, _) = try await formSession(request)
        await sessions.end(id: session.id)
        return InboxPages.redirect("/", cookies: [security.clear(security.sessionCookie)])
    }

    // MARK: Pages

    func pending(_ session: InboxSession) async throws -> Response {
        let requests: [ApprovalRequest]
        do {
            requests = try await service.store.pending(now: Date())
        } catch {
            throw InboxRefusal.storeUnavailable
        }
        let views = requests.map(InboxViews.summary)
        return pages.page(
            "pending", title: "Pending (\(views.count))", session: session, tab: "onPending",
            values: ["requests": views])
    }

    func detail(_ request: Request, id: String) async throws -> Response {
        guard let session = try await session(request) else { return InboxPages.redirect("/") }
        let found: ApprovalRequest?
        do {
            found = try await service.store.request(id: id)
        } catch {
            throw InboxRefusal.storeUnavailable
        }
        guard let found else { return pages.refusal(.decision(.unknown(id)), session: session) }
        var values = InboxViews.detail(found, now: Date())
        // The same action decided before: shown, so a repeated payment is not approved as if it were new.
        let earlier = (try? await service.store.earlierDecisions(of: found)) ?? []
        values["earlier"] = earlier.map(InboxViews.earlier)
        values["hasEarlier"] = !earlier.isEmpty
        return pages.page("detail", title: found.id, session: session, tab: "onPending", values: values)
    }

    func decide(_ request: Request, id: String) async throws -> Response {
        let (session, form) = try await formSession(request)
        guard let choice = form["decision"], choice == "approve" || choice == "deny" else { throw InboxRefusal.badForm }
        // The role was checked at sign-in: a decision needs a recent one, so a revoked approver stops deciding soon.
        guard await sessions.age(of: session) <= TimeInterval(settings.decisionMinutes * 60) else {
            return pages.refusal(.reauthenticationRequired, session: session)
        }
        let reason = form["reason"].map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }.flatMap {
            $0.isEmpty ? nil : $0
        }
        do {
            guard let held = try await service.store.request(id: id) else { throw ApprovalError.unknown(id) }
            if settings.separationOfDuties, Self.isOwnCall(held, by: session.person) {
                throw ApprovalError.selfApproval(id)
            }
            // The approver is the ID token's subject: the service refuses it when it is the held call's agent.
            _ = try await service.decide(
                id: id, approver: session.person.subject, approve: choice == "approve", reason: reason)
        } catch let error as ApprovalError {
            let refusal = InboxRefusal.decision(error)
            logger.notice(
                "inbox decision refused", metadata: ["rule": "\(refusal.rule)", "approval": "\(id.prefix(40))"])
            return pages.refusal(refusal, session: session)
        } catch {
            logger.error(
                "inbox decision failed",
                metadata: ["rule": "approval.store-unavailable", "error": "\(LogSafe.describe(error))"])
            return pages.refusal(.storeUnavailable, session: session)
        }
        logger.info(
            "inbox decision",
            metadata: ["rule": "inbox.decided", "approval": "\(id.prefix(40))", "decision": "\(choice)"])
        return InboxPages.redirect("/requests/\(FormEncoding.encode(id))")
    }

    /// Separation of duties: the person is the agent whose call was held (by subject, e-mail or user name).
    static func isOwnCall(_ request: ApprovalRequest, by person: InboxPerson) -> Bool {
        let agent = request.agent.lowercased()
        return [person.subject, person.email, person.username].compactMap { $0?.lowercased() }.contains(agent)
    }

    func decided(_ request: Request) async throws -> Response {
        guard let session = try await session(request) else { return InboxPages.redirect("/") }
        let views: [[String: Any]]
        do {
            views = try await service.store.decided().map(InboxViews.summary)
        } catch {
            throw InboxRefusal.storeUnavailable
        }
        return pages.page(
            "decided", title: "Decided", session: session, tab: "onDecided",
            values: ["requests": views, "hasRequests": !views.isEmpty])
    }

    func runList(_ request: Request) async throws -> Response {
        guard let session = try await session(request) else { return InboxPages.redirect("/") }
        let views: [[String: Any]]
        do {
            views = try await (runs?.list(limit: 200) ?? []).map(InboxViews.run)
        } catch {
            throw InboxRefusal(503, "run.store-unavailable", "Runs unavailable", "The run store could not be read.")
        }
        return pages.page(
            "runs", title: "Runs", session: session, tab: "onRuns", values: ["runs": views, "hasRuns": !views.isEmpty])
    }

    func runDetail(_ request: Request) async throws -> Response {
        guard let session = try await session(request) else { return InboxPages.redirect("/") }
        guard let key = FormEncoding.decode(request.uri.query ?? "")?["key"], let runs else {
            return pages.refusal(.notFound, session: session)
        }
        do {
            guard let run = try await runs.run(id: key) else { return pages.refusal(.notFound, session: session) }
            var values = InboxViews.run(run)
            let events = try await runs.events(of: run.id)
            values["events"] = events.map { event -> [String: Any] in
                [
                    "at": InboxViews.time(event.at), "kind": ApprovalDisplay.escaped(event.kind),
                    "facts": ApprovalDisplay.text(event.facts),
                ]
            }
            // The calls of one of Warden's own agents, one row each: tool, how it ended, the rule that decided.
            let calls = events.filter { $0.kind == "run.call" }.map { event -> [String: Any] in
                [
                    "at": InboxViews.time(event.at),
                    "tool": ApprovalDisplay.escaped(event.facts["tool"]?.stringValue ?? "?"),
                    "outcome": ApprovalDisplay.escaped(event.facts["outcome"]?.stringValue ?? "?"),
                    "rule": ApprovalDisplay.escaped(event.facts["rule"]?.stringValue ?? ""),
                ]
            }
            values["callRows"] = calls
            values["hasCalls"] = !calls.isEmpty
            // The run's own ledger entries, under a verified checkpoint (what the ledger proves happened).
            if let ledger {
                do {
                    let found = try await ledger.entries(ofRun: run.id)
                    let entries = found.entries.map { entry -> [String: Any] in
                        ["index": String(entry.index), "entry": ApprovalDisplay.escaped(entry.text)]
                    }
                    values["ledger"] = entries
                    values["hasLedger"] = !entries.isEmpty
                    if let searched = found.searched {
                        values["ledgerRange"] =
                            "entries \(searched.lowerBound)–\(searched.upperBound) searched"
                            + (found.omitted > 0 ? "; \(found.omitted) older entries of this run not shown" : "")
                    }
                } catch {
                    values["ledgerUnreadable"] = true
                }
            }
            let notices = try await runs.escalations(of: run.id).map(InboxViews.escalation)
            values["escalations"] = notices
            values["hasEscalations"] = !notices.isEmpty
            return pages.page("run", title: "Run", session: session, tab: "onRuns", values: values)
        } catch {
            throw InboxRefusal(503, "run.store-unavailable", "Runs unavailable", "The run store could not be read.")
        }
    }

    func escalations(_ request: Request) async throws -> Response {
        guard let session = try await session(request) else { return InboxPages.redirect("/") }
        let views: [[String: Any]]
        do {
            views = try await (runs?.escalations(of: nil) ?? []).map(InboxViews.escalation)
        } catch {
            throw InboxRefusal(503, "run.store-unavailable", "Runs unavailable", "The run store could not be read.")
        }
        return pages.page(
            "escalations", title: "Escalations", session: session, tab: "onEscalations",
            values: ["escalations": views, "hasEscalations": !views.isEmpty])
    }
}
