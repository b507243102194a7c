import Hummingbird
import Logging

/// The approvers' web inbox, ready to serve on its own listener (`inbox:` in the configuration).
public struct Inbox: Sendable {
    public let listener: ListenerConfiguration
    let routes: InboxRoutes

    /// Builds the inbox over the cell's approval service and run store. The client secret is resolved at each
    /// sign-in, so a missing secret refuses sign-in (`inbox.oidc-unavailable`) without stopping the cell.
    public static func make(
        settings: InboxSettings, service: ApprovalService, runs: (any RunStore)?, secrets: any SecretResolver,
        ledger: RunLedgerEntries? = nil, logger: Logger
    ) throws -> Inbox {
        let secret = settings.oidc.clientSecret
        let provider = OIDCProvider(
            settings: settings.oidc, redirectURI: settings.publicURL + "/callback",
            clientSecret: { try await secret?.resolve(with: secrets) })
        var inboxLogger = logger
        inboxLogger[metadataKey: "listener"] = "inbox"
        let routes = try InboxRoutes(
            settings: settings, service: service, runs: runs, provider: provider, ledger: ledger, logger: inboxLogger)
        return Inbox(listener: settings.listener, routes: routes)
    }

    /// The inbox's router: its pages, sign-in and decisions, behind the security-headers middleware.
    public func router() -> Router<BasicRequestContext> {
        let router = Router()
        routes.register(on: router)
        return router
    }
}
