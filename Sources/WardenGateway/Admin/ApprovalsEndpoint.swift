import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import WardenCore
import WardenOAuth

/// Approvals on the admin listener, as JSON: `GET /approvals` (pending), `GET /approvals/<id>`, and
/// `POST /approvals/<id>/approve|deny` with `{"reason": "..."}`. Reading needs a token with the `admin` or
/// `approver` role; deciding needs `approver`. Decisions go through `ApprovalService`, like the CLI's and the
/// inbox's, and are recorded under the token's own subject: a caller cannot decide in someone else's name (an
/// `approver` member, if sent, must be that subject), and the agent whose call was held cannot decide it.
public struct ApprovalsEndpoint: Sendable {
    public static let roles: Set<String> = ["admin", "approver"]
    static let maximumBodyBytes = 16 * 1024
    let service: ApprovalService
    let authenticator: any AgentAuthenticator

    public init(service: ApprovalService, authenticator: any AgentAuthenticator) {
        self.service = service
        self.authenticator = authenticator
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/approvals") { request, _ in await self.serve(request, id: nil, decision: nil) }
        router.get("/approvals/:id") { request, context in
            await self.serve(request, id: context.parameters.get("id"), decision: nil)
        }
        router.post("/approvals/:id/:decision") { request, context in
            await self.serve(
                request, id: context.parameters.get("id"), decision: context.parameters.get("decision") ?? "")
        }
    }

    func serve(_ request: Request, id: String?, decision: String?) async -> Response {
        let result = await authenticator.authenticate(
            authorization: request.headers[values: .authorization],
            tokenInQuery: AccessTokenQueryCheck.containsAccessToken(query: request.uri.query))
        let caller: Principal
        switch result {
        case .failure(let failure):
            var response = Self.error(
                HTTPResponse.Status(code: failure.status), rule: failure.rule, message: failure.message)
            if !failure.challenge.isEmpty { response.headers[.wwwAuthenticate] = failure.challenge }
            return response
        case .success(let principal):
            guard !principal.roles.isDisjoint(with: Self.roles) else {
                return Self.error(
                    .forbidden, rule: "admin.role-required", message: "approvals need the admin or approver role")
            }
            caller = principal
        }
        do {
            guard let id else {
                let pending = try await service.store.pending(now: Date())
                return Self.json(.ok, ["approvals": .array(pending.map(Self.view))])
            }
            guard let decision else {
                guard let found = try await service.store.request(id: id) else {
                    throw ApprovalError.unknown(id)
                }
                return Self.json(.ok, Self.view(found))
            }
            guard decision == "approve" || decision == "deny" else {
                return Self.error(.notFound, rule: "admin.not-found", message: "POST approve or deny")
            }
            guard caller.roles.contains("approver") else {
                return Self.error(.forbidden, rule: "admin.role-required", message: "deciding needs the approver role")
            }
            let (named, reason) = try await Self.body(request)
            // The decision is the caller's: the ledger names the authenticated subject, never a name in the body.
            if let named, named != caller.subject {
                return Self.error(
                    .forbidden, rule: "approval.approver-mismatch",
                    message:
                        "a decision is recorded under the caller's own subject; approver must be omitted or equal it")
            }
            guard let held = try await service.store.request(id: id) else { throw ApprovalError.unknown(id) }
            guard caller.subject != held.agent else { throw ApprovalError.selfApproval(id) }
            let decided = try await service.decide(
                id: id, approver: caller.subject, approve: decision == "approve", reason: reason)
            return Self.json(.ok, Self.view(decided))
        } catch let error as ApprovalError {
            let (status, rule) = Self.status(error)
            return Self.error(status, rule: rule, message: error.description)
        } catch let error as BodyError {
            return Self.error(.badRequest, rule: "admin.bad-request", message: error.message)
        } catch {
            return Self.error(
                .serviceUnavailable, rule: "approval.store-unavailable", message: "the approval store could not be read"
            )
        }
    }

    struct BodyError: Error {
        var message: String
    }

    /// `{"reason": "...", "approver": "..."}` (both optional), strictly: no other members, strings only.
    static func body(_ request: Request) async throws -> (String?, String?) {
        guard let buffer = try? await request.body.collect(upTo: maximumBodyBytes),
            case .object(let members) = try? StrictJSONParser().parse(Array(buffer.readableBytesView))
        else { throw BodyError(message: "the body must be a JSON object {\"reason\": ...}") }
        guard Set(members.keys).isSubset(of: ["approver", "reason"]) else {
            throw BodyError(message: "only approver and reason are accepted")
        }
        if let approver = members["approver"], approver.stringValue == nil {
            throw BodyError(message: "approver is a string")
        }
        let approver = members["approver"]?.stringValue
        if let reason = members["reason"], reason != .null, reason.stringValue == nil {
            throw BodyError(message: "reason is a string")
        }
        return (approver, members["reason"]?.stringValue)
    }

    static func status(_ error: ApprovalError) -> (HTTPResponse.Status, String) {
        switch error {
        case .unknown: (.notFound, "approval.unknown")
        case .notPending: (.conflict, "approval.already-decided")
        case .expired: (.conflict, "approval.expired")
        case .selfApproval: (.forbidden, "approval.self-approval")
        case .invalidApprover: (.badRequest, "approval.invalid-approver")
        case .actionUnreadable: (.conflict, "approval.action-unreadable")
        case .invalidReason: (.badRequest, "approval.invalid-reason")
        case .tooManyPending: (.serviceUnavailable, "approval.store-unavailable")
        }
    }

    /// A request as JSON: the full action (when it can be read), who decided, when and why.
    static func view(_ request: ApprovalRequest) -> JSONValue {
        let iso = ISO8601DateFormatter()
        var members: [String: JSONValue] = [
            "id": .string(request.id), "state": .string(request.state.rawValue), "tool": .string(request.tool),
            "agent": .string(request.agent), "action_sha256": .string(request.actionDigest),
            "created_at": .string(iso.string(from: request.createdAt)),
            "expires_at": .string(iso.string(from: request.expiresAt)),
            "summary": .string(ActionInWords.describe(tool: request.tool, action: request.action)),
            "action": request.action ?? .null, "readable": .bool(request.action != nil),
        ]
        if let approver = request.approver { members["approver"] = .string(approver) }
        if let decided = request.decidedAt { members["decided_at"] = .string(iso.string(from: decided)) }
        if let reason = request.reason { members["reason"] = .string(reason) }
        return .object(members)
    }

    static func json(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: CanonicalJSON.encode(body))))
    }

    static func error(_ status: HTTPResponse.Status, rule: String, message: String) -> Response {
        json(status, ["error": .object(["rule": .string(rule), "message": .string(message)])])
    }
}
