import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Builds the HTTP server of one listener: ingress allowlist outermost, then TLS (optional), then HTTP/1.1
/// with header limits, idle timeout and the request read deadline.
enum ListenerServer {
    static func builder(
        listener: ListenerConfiguration,
        name: String,
        limits: Limits,
        onRefused: @escaping @Sendable (String) -> Void
    ) throws -> HTTPServerBuilder {
        let tlsConfiguration = try listener.tls.map(makeTLSConfiguration)
        let readDeadline = TimeAmount.seconds(Int64(limits.readTimeoutSeconds))
        let http = HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestReadDeadlineHandler(deadline: readDeadline)],
            idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)),
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeaderBytes,
                maxHeaderListSize: limits.maxHeaderBytes,
                maxHeaderFieldCount: 100
            )
        )
        let allowlist = listener.allowlist
        return HTTPServerBuilder { responder in
            let base = HTTP1Channel(responder: responder, configuration: http)
            if let tlsConfiguration {
                return IngressFilteredChannel(
                    try TLSChannel(base, tlsConfiguration: tlsConfiguration),
                    allowlist: allowlist,
                    listenerName: name,
                    onRefused: onRefused
                )
            }
            return IngressFilteredChannel(base, allowlist: allowlist, listenerName: name, onRefused: onRefused)
        }
    }

    static func makeTLSConfiguration(_ settings: TLSSettings) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(settings.certificatePath).map {
            NIOSSLCertificateSource.certificate($0)
        }
        let key = try NIOSSLPrivateKey(file: settings.privateKeyPath, format: .pem)
        var configuration = TLSConfiguration.makeServerConfiguration(
            certificateChain: chain, privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        if let ca = settings.clientCAPath {
            configuration.trustRoots = .file(ca)
            configuration.certificateVerification = .noHostnameVerification
        }
        return configuration
    }

    static func configuration(_ listener: ListenerConfiguration, limits: Limits, logger: Logger)
        -> ApplicationConfiguration
    {
        ApplicationConfiguration(
            address: .hostname(listener.host, port: listener.port),
            serverName: nil,
            availableConnectionsDelegate: MaximumAvailableConnections(limits.maxConnections, logger: logger)
        )
    }
}
