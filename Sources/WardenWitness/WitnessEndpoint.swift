import Foundation
import WardenLedger

/// One witness a cell submits its checkpoints to: its submission prefix and the key its cosignatures must
/// verify under (responses signed by any other key are refused).
public struct WitnessEndpoint: Sendable, Equatable {
    /// The submission prefix; requests go to `<url>/add-checkpoint`.
    public let url: URL
    /// The witness's cosignature key.
    public let verifier: Ed25519CosignatureVerifier

    /// The witness name (its key name).
    public var name: String { verifier.name }

    /// The `add-checkpoint` URL.
    public var addCheckpointURL: String {
        var base = url.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + "/add-checkpoint"
    }

    /// Accepts `https` URLs, and `http` only to a loopback host (127.0.0.0/8, ::1, localhost) unless
    /// `allowInsecureHTTP` says otherwise: a cosignature is verified, but a witness on the network should not
    /// see which checkpoints a cell publishes in clear text, and a downgrade should be a decision.
    public init(url: URL, verifier: Ed25519CosignatureVerifier, allowInsecureHTTP: Bool = false) throws {
        guard let scheme = url.scheme?.lowercased(), let host = url.host, !host.isEmpty else {
            throw WitnessError.invalidConfiguration("witness URL \(url.absoluteString) has no scheme or host")
        }
        guard url.query == nil, url.fragment == nil, url.user == nil, url.password == nil else {
            throw WitnessError.invalidConfiguration("witness URL must not carry a query, fragment or credentials")
        }
        switch scheme {
        case "https":
            break
        case "http":
            guard allowInsecureHTTP || Self.isLoopback(host) else {
                throw WitnessError.invalidConfiguration(
                    "witness URL \(url.absoluteString) uses http to a non-loopback host; use https")
            }
        default:
            throw WitnessError.invalidConfiguration("witness URL scheme \(scheme) is not http or https")
        }
        self.url = url
        self.verifier = verifier
    }

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        if bare == "localhost" || bare == "::1" { return true }
        let octets = bare.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.url == rhs.url && lhs.verifier.verifierKey == rhs.verifier.verifierKey
    }
}
