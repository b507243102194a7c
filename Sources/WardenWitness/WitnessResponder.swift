import Foundation
import Hummingbird
import Logging
import NIOCore
import WardenLedger

/// The witness's HTTP surface, routed by hand so that every status is the spec's:
///
/// - `POST /add-checkpoint` (C2SP tlog-witness): 200 with cosignature lines, 400 malformed, 403 bad log
///   signature, 404 unknown origin, 409 stale old size (`text/x.tlog.size` body) or same size with another
///   root, 413 body too large, 422 bad consistency proof; any other method 405.
/// - `GET /checkpoint/<hex SHA-256 of origin>` (a Warden extension, not in the spec): the latest cosigned note
///   for that log, so an auditor can fetch the newest witnessed checkpoint. Read-only.
/// - Anything else: 404.
struct WitnessResponder: HTTPResponder {
    typealias Context = BasicRequestContext

    static let addCheckpointPath = "/add-checkpoint"
    static let checkpointPrefix = "/checkpoint/"

    let store: WitnessStateStore
    let witness: WitnessCosigning
    let maximumRequestBytes: Int
    let logger: Logger

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path == Self.addCheckpointPath {
            guard request.method == .post else { return Self.methodNotAllowed(allow: "POST") }
            return await addCheckpoint(request)
        }
        if path.hasPrefix(Self.checkpointPrefix) {
            guard request.method == .get || request.method == .head else {
                return Self.methodNotAllowed(allow: "GET, HEAD")
            }
            let response = await cosignedCheckpoint(hash: String(path.dropFirst(Self.checkpointPrefix.count)))
            return request.method == .head ? response.createHeadResponse() : response
        }
        return Self.text(.notFound, "not found\n")
    }

    private func addCheckpoint(_ request: Request) async -> Response {
        if let declared = request.headers[.contentLength].flatMap({ Int($0) }), declared > maximumRequestBytes {
            logger.notice("add-checkpoint refused", metadata: ["status": "413"])
            return Self.text(.contentTooLarge, "request body exceeds \(maximumRequestBytes) bytes\n")
        }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumRequestBytes)
        } catch is NIOTooManyBytesError {
            logger.notice("add-checkpoint refused", metadata: ["status": "413"])
            return Self.text(.contentTooLarge, "request body exceeds \(maximumRequestBytes) bytes\n")
        } catch {
            logger.notice("add-checkpoint request body failed", metadata: ["status": "400"])
            return Self.text(.badRequest, "could not read the request body\n")
        }
        let decision = await store.addCheckpoint(Data(body.readableBytesView), witness: witness)
        log(decision)
        switch decision.outcome {
        case .cosigned:
            var buffer = ByteBuffer()
            buffer.writeBytes(decision.outcome.responseBody ?? Data())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: buffer))
        case .refused(let status, let reason, let sizeBody):
            let code = HTTPResponse.Status(code: status)
            if let sizeBody {
                return Self.body(code, contentType: "text/x.tlog.size", sizeBody)
            }
            return Self.text(code, reason + "\n")
        }
    }

    private func cosignedCheckpoint(hash: String) async -> Response {
        guard WitnessStateStore.isStateFileName(hash), let note = await store.cosignedNote(originHash: hash) else {
            return Self.text(.notFound, "no cosigned checkpoint for this origin\n")
        }
        var buffer = ByteBuffer()
        buffer.writeBytes(note.serialized)
        return Response(
            status: .ok, headers: [.contentType: "text/plain; charset=utf-8"], body: .init(byteBuffer: buffer))
    }

    /// One line per decision: origin and sizes only for trusted origins, never key material or bodies.
    private func log(_ decision: WitnessDecision) {
        var metadata: Logger.Metadata = ["status": "\(decision.status)"]
        if let origin = decision.origin { metadata["origin"] = "\(origin)" }
        if let old = decision.oldSize { metadata["old"] = "\(old)" }
        if let size = decision.size { metadata["size"] = "\(size)" }
        if let evidence = decision.evidencePath { metadata["evidence"] = "\(evidence)" }
        if let internalError = decision.internalError { metadata["error"] = "\(internalError)" }
        if case .refused(_, let reason, _) = decision.outcome {
            metadata["reason"] = "\(reason)"
            logger.notice("add-checkpoint refused", metadata: metadata)
        } else {
            logger.info("add-checkpoint cosigned", metadata: metadata)
        }
    }

    static func methodNotAllowed(allow: String) -> Response {
        var response = text(.methodNotAllowed, "method not allowed\n")
        response.headers[.allow] = allow
        return response
    }

    static func text(_ status: HTTPResponse.Status, _ text: String) -> Response {
        body(status, contentType: "text/plain; charset=utf-8", text)
    }

    static func body(_ status: HTTPResponse.Status, contentType: String, _ text: String) -> Response {
        var buffer = ByteBuffer()
        buffer.writeString(text)
        return Response(status: status, headers: [.contentType: contentType], body: .init(byteBuffer: buffer))
    }
}
