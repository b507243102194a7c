import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenOAuth

/// Runs on the admin listener for operators and auditors: `GET /runs` (newest first) and `GET /runs/<id>` (with
/// its events and escalation notices), as JSON. Callers need a token with the `auditor` or `admin` role.
public struct RunsEndpoint: Sendable {
    let store: any RunStore
    let authenticator: any AgentAuthenticator

    public init(store: any RunStore, authenticator: any AgentAuthenticator) {
        self.store = store
        self.authenticator = authenticator
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/runs") { request, _ in await self.serve(request, id: nil) }
        router.get("/runs/:id") { request, context in await self.serve(request, id: context.parameters.get("id")) }
    }

    func serve(_ request: Request, id: String?) async -> Response {
        let result = await authenticator.authenticate(
            authorization: request.headers[values: .authorization],
            tokenInQuery: AccessTokenQueryCheck.containsAccessToken(query: request.uri.query))
        switch result {
        case .failure(let failure):
            var response = LedgerReadEndpoint.text(
                HTTPResponse.Status(code: failure.status), "\(failure.message) (rule \(failure.rule))")
            if !failure.challenge.isEmpty { response.headers[.wwwAuthenticate] = failure.challenge }
            return response
        case .success(let principal):
            guard !principal.roles.isDisjoint(with: LedgerReadEndpoint.roles) else {
                return LedgerReadEndpoint.text(
                    .forbidden, "reading runs needs the auditor role (rule admin.role-required)")
            }
        }
        do {
            let body: JSONValue
            if let id {
                guard let run = try await store.run(id: id) else {
                    return LedgerReadEndpoint.text(.notFound, "no such run")
                }
                body = try await RunView.detail(run, store: store)
            } else {
                body = .object(["runs": .array(try await store.list(limit: 200).map(RunView.json))])
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(body))))
        } catch {
            return LedgerReadEndpoint.text(.internalServerError, "the run store could not be read")
        }
    }
}
