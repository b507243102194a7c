import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import NIOSSL
import WardenCore

/// Where `WebhookSender` may post and how.
public struct WebhookConfiguration: Sendable {
    /// Permit `http://` when the host is a loopback literal or `localhost` (test receivers only).
    public var allowPlaintextLoopback: Bool
    public var timeout: TimeAmount
    /// Largest JSON body Warden will send.
    public var maxRequestBytes: Int
    /// Response bytes read before the connection is dropped; the status is still reported.
    public var maxResponseBytes: Int
    /// IP literals that may be named (non-public ranges are refused unless allowed).
    public var addresses: WebhookAddressPolicy

    public init(
        allowPlaintextLoopback: Bool = false, timeout: TimeAmount = .seconds(15), maxRequestBytes: Int = 1 << 20,
        maxResponseBytes: Int = 64 << 10, addresses: WebhookAddressPolicy = WebhookAddressPolicy()
    ) {
        self.allowPlaintextLoopback = allowPlaintextLoopback
        var addresses = addresses
        // Plain-text loopback for test receivers names loopback, so it allows it.
        if allowPlaintextLoopback, let loopback = WebhookAddressPolicy.Network(cidr: "127.0.0.0/8") {
            addresses.allowed.append(loopback)
        }
        self.addresses = addresses
        self.timeout = timeout
        self.maxRequestBytes = maxRequestBytes
        self.maxResponseBytes = maxResponseBytes
    }
}

/// The outcome of one delivery attempt.
public struct WebhookReceipt: Sendable, Hashable {
    public var deliveryID: String
    public var status: Int
    /// True when the response body was longer than `maxResponseBytes` and reading stopped.
    public var responseTruncated: Bool
}

/// Why a webhook was not delivered.
public enum WebhookError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalidURL
    case schemeRefused(scheme: String)
    case credentialsInURL
    case addressRefused
    case bodyTooLarge(bytes: Int, limit: Int)
    case signingKeyTooShort(bits: Int)
    case transport(reason: String)

    public var description: String {
        switch self {
        case .invalidURL: "webhook refused: URL is not an absolute http(s) URL with a host"
        case .schemeRefused(let scheme):
            "webhook refused: scheme \(scheme) not allowed (https only; http only for loopback when enabled)"
        case .credentialsInURL: "webhook refused: URL carries user info"
        case .addressRefused:
            "webhook refused: the host is a loopback, private, link-local or reserved address that this channel "
                + "does not allow (channels.webhook.allow_networks)"
        case .bodyTooLarge(let bytes, let limit): "webhook refused: body is \(bytes) bytes, limit is \(limit)"
        case .signingKeyTooShort(let bits): "webhook refused: signing key is \(bits) bits, at least 128 required"
        case .transport(let reason): "webhook failed: \(reason)"
        }
    }
}

extension WebhookError {
    /// What the agent is told: the refusal, or only that delivery failed (no transport details).
    public var agentDescription: String {
        if case .transport = self { return "webhook failed: the receiver could not be reached" }
        return description
    }
}

/// POSTs signed JSON to a URL. Redirects are never followed (a 3xx is reported as the status), so a
/// receiver cannot bounce the signed body to a host the grant did not name.
///
/// Owns an `HTTPClient`; call `shutdown()` when done.
public final class WebhookSender: Sendable {
    public let configuration: WebhookConfiguration
    private let client: HTTPClient

    public init(configuration: WebhookConfiguration = WebhookConfiguration()) {
        self.configuration = configuration
        var httpConfig = HTTPClient.Configuration()
        httpConfig.redirectConfiguration = .disallow
        httpConfig.timeout = .init(connect: configuration.timeout, read: configuration.timeout)
        httpConfig.decompression = .disabled
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        httpConfig.tlsConfiguration = tls
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: httpConfig)
    }

    /// Checks the URL against the scheme rules without sending anything.
    public func validate(url text: String) throws(WebhookError) -> URL {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty
        else { throw .invalidURL }
        guard url.user == nil, url.password == nil else { throw .credentialsInURL }
        switch scheme {
        case "https": break
        case "http" where configuration.allowPlaintextLoopback && Loopback.isLoopbackHost(host): break
        default: throw .schemeRefused(scheme: scheme)
        }
        guard configuration.addresses.permits(host: host) else { throw .addressRefused }
        return url
    }

    /// Sends `payload` (canonical JSON) to `url`, signed with `key`.
    public func post(
        url text: String, payload: JSONValue, key: SymmetricKey, deliveryID: String = UUID().uuidString.lowercased()
    ) async throws(WebhookError) -> WebhookReceipt {
        let url = try validate(url: text)
        if let host = url.host, !configuration.addresses.permitsResolved(host: host) { throw .addressRefused }
        guard key.bitCount >= 128 else { throw .signingKeyTooShort(bits: key.bitCount) }
        let body = CanonicalJSON.encode(payload)
        guard body.count <= configuration.maxRequestBytes else {
            throw .bodyTooLarge(bytes: body.count, limit: configuration.maxRequestBytes)
        }
        let timestamp = Int64(Date().timeIntervalSince1970)
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Warden-Webhook/1")
        request.headers.add(name: "Warden-Delivery-Id", value: deliveryID)
        request.headers.add(
            name: "Warden-Signature", value: WebhookSignature.header(body: body, key: key, timestamp: timestamp))
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await client.execute(request, timeout: configuration.timeout)
            var received = 0
            var truncated = false
            for try await chunk in response.body {
                received += chunk.readableBytes
                if received > configuration.maxResponseBytes {
                    truncated = true
                    break
                }
            }
            return WebhookReceipt(
                deliveryID: deliveryID, status: Int(response.status.code), responseTruncated: truncated)
        } catch {
            throw .transport(reason: "\(error)")
        }
    }

    public func shutdown() async throws {
        try await client.shutdown()
    }
}
