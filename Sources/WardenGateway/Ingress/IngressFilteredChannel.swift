import HummingbirdCore
import Logging
import NIOCore

/// Wraps a listener's child channel setup so that a connection from outside the allowlist is closed the
/// moment it is accepted: before TLS, before any HTTP byte is read.
///
/// NIO calls `setup` for each accepted socket before it is registered for reads, so refusing here means the
/// peer's bytes are never parsed. This wrapper is outermost: TLS and HTTP are inside it.
public struct IngressFilteredChannel<Base: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Base.Value

    let base: Base
    let allowlist: IngressAllowlist
    let listenerName: String
    let onRefused: @Sendable (String) -> Void

    public init(
        _ base: Base,
        allowlist: IngressAllowlist,
        listenerName: String,
        onRefused: @escaping @Sendable (String) -> Void = { _ in }
    ) {
        self.base = base
        self.allowlist = allowlist
        self.listenerName = listenerName
        self.onRefused = onRefused
    }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let peer = channel.remoteAddress.flatMap(Self.addressBytes)
        guard allowlist.admits(peer) else {
            onRefused(listenerName)
            logger.notice(
                "ingress refused a connection",
                metadata: ["rule": "ingress.source-not-allowed", "listener": "\(listenerName)"]
            )
            // The channel is not registered for reads yet: closing it here means nothing is read or answered.
            return channel.close().flatMapThrowing { throw IngressRefused() }
        }
        return base.setup(channel: channel, logger: logger)
    }

    public func handle(value: Base.Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }

    static func addressBytes(_ address: SocketAddress) -> [UInt8]? {
        switch address {
        case .v4(let v4):
            return withUnsafeBytes(of: v4.address.sin_addr.s_addr) { Array($0) }
        case .v6(let v6):
            return withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
        case .unixDomainSocket:
            return nil
        }
    }
}

/// The error a refused connection's setup fails with (logged by NIO at debug level only).
struct IngressRefused: Error {}
