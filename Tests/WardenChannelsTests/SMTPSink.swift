import Foundation
import NIOSSL
import WardenChannels
import WardenCore

/// An aiosmtpd sink (e2e/peers/smtp_sink.py) with STARTTLS and AUTH required, and a client configured for it.
final class SMTPSink: @unchecked Sendable {
    static let user = "warden-test"
    static let password = "correct horse battery staple"

    let peer: PeerProcess
    let directory: URL
    var recordsURL: URL { directory.appendingPathComponent("messages.jsonl") }

    let implicitTLS: Bool

    init(implicitTLS: Bool = false) throws {
        directory = try TestPeers.temporaryDirectory()
        self.implicitTLS = implicitTLS
        peer = try PeerProcess(
            script: "smtp_sink.py",
            arguments: [
                "--out", directory.appendingPathComponent("messages.jsonl").path,
                "--cert-dir", directory.path, "--user", Self.user, "--password", Self.password,
            ] + (implicitTLS ? ["--implicit-tls"] : []))
    }

    /// A configuration that trusts the sink's self-signed certificate and uses the right password.
    func configuration(
        password: String = SMTPSink.password, mechanism: SMTPAuthMechanism? = nil, trustSinkCertificate: Bool = true
    ) throws -> SMTPConfiguration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if trustSinkCertificate {
            let certificate = try NIOSSLCertificate.fromPEMFile(directory.appendingPathComponent("cert.pem").path)
            tls.trustRoots = .certificates(certificate)
        }
        return SMTPConfiguration(
            host: "127.0.0.1", port: peer.port, security: implicitTLS ? .implicitTLS : .startTLS, tls: tls,
            credentials: SMTPCredentials(username: Self.user, password: password), authMechanism: mechanism,
            stepTimeout: .seconds(20))
    }

    func records() throws -> [JSONValue] {
        try TestPeers.records(at: recordsURL)
    }

    func stop() {
        peer.stop()
        try? FileManager.default.removeItem(at: directory)
    }
}

func address(_ text: String) throws -> EmailAddress {
    try EmailAddress(text)
}
