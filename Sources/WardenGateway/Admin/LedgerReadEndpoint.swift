import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import WardenCore
import WardenLedger
import WardenOAuth

/// The ledger as static tlog-tiles resources on the admin listener, for auditors and witnesses:
/// `GET /ledger/checkpoint`, `/ledger/tile/<L>/<N>[.p/<W>]`, `/ledger/tile/entries/<N>[.p/<W>]`.
///
/// Callers need a valid token with the `auditor` (or `admin`) role. Only exact tlog-tiles paths are served
/// (`TiledLog.read(path:)` parses them), so a request path cannot reach any other file.
public struct LedgerReadEndpoint: Sendable {
    public static let roles: Set<String> = ["auditor", "admin"]

    let log: TiledLog
    let authenticator: any AgentAuthenticator
    let logger: Logger

    public init(directory: String, authenticator: any AgentAuthenticator, logger: Logger) {
        self.log = TiledLog(directory: directory)
        self.authenticator = authenticator
        self.logger = logger
    }

    public func register<Context: RequestContext>(on router: Router<Context>) {
        router.get("/ledger/**") { request, _ in await self.serve(request) }
    }

    func serve(_ request: Request) async -> Response {
        let result = await authenticator.authenticate(
            authorization: request.headers[values: .authorization],
            tokenInQuery: AccessTokenQueryCheck.containsAccessToken(query: request.uri.query)
        )
        switch result {
        case .failure(let failure):
            var response = Self.text(
                HTTPResponse.Status(code: failure.status), "\(failure.message) (rule \(failure.rule))")
            if !failure.challenge.isEmpty { response.headers[.wwwAuthenticate] = failure.challenge }
            return response
        case .success(let principal):
            guard !principal.roles.isDisjoint(with: Self.roles) else {
                return Self.text(.forbidden, "reading the ledger needs the auditor role (rule admin.role-required)")
            }
        }
        let path = String(request.uri.path.dropFirst("/ledger/".count))
        do {
            let log = self.log
            guard let data = try await offTheEventLoops({ try log.read(path: path) }) else {
                return Self.text(.notFound, "no such ledger resource")
            }
            let type = path == "checkpoint" ? "text/plain; charset=utf-8" : "application/octet-stream"
            // Full tiles and bundles never change; partial ones and the checkpoint do.
            let immutable = path != "checkpoint" && !path.contains(".p/")
            return Response(
                status: .ok,
                headers: [
                    .contentType: type, .cacheControl: immutable ? "public, max-age=31536000, immutable" : "no-cache",
                ],
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: data))
            )
        } catch {
            logger.error("ledger resource unreadable", metadata: ["error": "\(LogSafe.describe(error))"])
            return Self.text(.internalServerError, "the ledger resource could not be read")
        }
    }

    static func text(_ status: HTTPResponse.Status, _ message: String) -> Response {
        Response(
            status: status,
            headers: [.contentType: "text/plain; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: message + "\n"))
        )
    }
}
