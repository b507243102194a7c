import Foundation
import HTTPTypes
import Hummingbird

/// The browser-facing rules every inbox response and request follows: security headers, cookies, and where a
/// form may come from.
struct InboxSecurity: Sendable {
    static let contentSecurityPolicy =
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
        + "base-uri 'none'"
    /// The inbox's own origin (`scheme://host[:port]`), the only one a POST may come from.
    let origin: String
    let https: Bool

    init(publicURL: String) {
        var trimmed = publicURL
        while trimmed.hasSuffix("/") { trimmed.removeLast() }
        self.origin = trimmed.lowercased()
        self.https = trimmed.lowercased().hasPrefix("https://")
    }

    /// `__Host-` names bind the cookie to this exact origin (Secure, Path=/, no Domain); plain http cannot use them.
    var sessionCookie: String { https ? "__Host-warden-inbox" : "warden-inbox" }
    var loginCookie: String { https ? "__Host-warden-login" : "warden-login" }

    /// The session cookie: `SameSite=Strict` (no cross-site request carries it), `HttpOnly`, `Secure` on https.
    func setSession(_ id: String) -> String {
        cookie(sessionCookie, id, sameSite: "Strict", maxAge: nil)
    }

    /// The login cookie binds a sign-in's `state` to the browser that started it. `Lax`, because the identity
    /// provider's redirect back is a cross-site top-level navigation, which a `Strict` cookie would not follow.
    func setLogin(_ state: String) -> String {
        cookie(loginCookie, state, sameSite: "Lax", maxAge: Int(InboxSessionStore.loginLifetime))
    }

    func clear(_ name: String) -> String {
        cookie(name, "", sameSite: name == loginCookie ? "Lax" : "Strict", maxAge: 0)
    }

    private func cookie(_ name: String, _ value: String, sameSite: String, maxAge: Int?) -> String {
        var parts = ["\(name)=\(value)", "Path=/", "HttpOnly", "SameSite=\(sameSite)"]
        if https { parts.append("Secure") }
        if let maxAge { parts.append("Max-Age=\(maxAge)") }
        return parts.joined(separator: "; ")
    }

    /// The value of cookie `name` in the request; nil when absent or sent more than once (ambiguous).
    static func cookie(_ name: String, in request: Request) -> String? {
        var found: [String] = []
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let pieces = pair.split(separator: "=", maxSplits: 1)
                guard pieces.count == 2, pieces[0].trimmingCharacters(in: .whitespaces) == name else { continue }
                found.append(pieces[1].trimmingCharacters(in: .whitespaces))
            }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// A POST must come from the inbox's own pages: its `Origin`, or without one its `Referer`, names this origin.
    func sameOrigin(_ request: Request) -> Bool {
        let origins = request.headers[values: .origin]
        if !origins.isEmpty {
            return origins.count == 1 && origins[0].lowercased() == origin
        }
        let referers = request.headers[values: .referer]
        guard referers.count == 1 else { return false }
        let referer = referers[0].lowercased()
        return referer == origin || referer.hasPrefix(origin + "/")
    }

    /// Headers on every response: a strict CSP (no script at all, styles only from the inbox), no sniffing, no
    /// referrer to any other site, no caching of pages that show held payments.
    ///
    /// `same-origin` rather than `no-referrer`: under `no-referrer` a browser sends `Origin: null` with the inbox's
    /// own form posts, and the origin check could not tell them from a cross-site post. Nothing leaves the inbox.
    static func harden(_ response: inout Response, https: Bool = false) {
        // Over https, browsers remember to never reach the inbox over plain http (no downgrade of the cookie).
        if https, let hsts = HTTPField.Name("Strict-Transport-Security") {
            response.headers[hsts] = "max-age=31536000"
        }
        response.headers[.contentSecurityPolicy] = contentSecurityPolicy
        response.headers[.xContentTypeOptions] = "nosniff"
        if let referrerPolicy = HTTPField.Name("Referrer-Policy") { response.headers[referrerPolicy] = "same-origin" }
        response.headers[.cacheControl] = "no-store"
    }
}

/// Puts the security headers on every inbox response, and turns anything thrown into a refusal page (never a
/// stack trace, never an error's own words).
struct InboxHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    let pages: InboxPages
    var https = false

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let refusal as InboxRefusal {
            response = pages.refusal(refusal, session: nil)
        } catch let error as HTTPError where error.status == .notFound || error.status == .methodNotAllowed {
            response = pages.refusal(.notFound, session: nil)
        } catch {
            response = pages.refusal(.internalError, session: nil)
        }
        InboxSecurity.harden(&response, https: https)
        return response
    }
}
