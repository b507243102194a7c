import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import WardenGateway

/// A login in progress keeps nothing on the server: its state is MACed and dated, its nonce and verifier derived,
/// so a flood of started logins cannot push out a real one; a state is used once, within ten minutes, unforged.
@Suite("inbox: logins in progress")
struct InboxLoginStateTests {
    final class Clock: @unchecked Sendable {
        var now = Date()
    }

    @Test("a flood of started logins does not push out a real one")
    func floodDoesNotEvict() async {
        let store = InboxSessionStore(absolute: 3600, idle: 600)
        let real = await store.beginLogin()
        for _ in 0..<5_000 { _ = await store.beginLogin() }
        let back = await store.takeLogin(state: real.state)
        #expect(back == real)
    }

    @Test("a state is used once, unforged, within ten minutes")
    func stateRules() async {
        let clock = Clock()
        let store = InboxSessionStore(absolute: 3600, idle: 600, now: { clock.now })
        let login = await store.beginLogin()
        #expect(login.nonce != login.verifier && login.verifier.count >= 43)
        #expect(await store.takeLogin(state: login.state) != nil)
        #expect(await store.takeLogin(state: login.state) == nil)  // used
        let other = await store.beginLogin()
        var forged = Array(other.state)
        forged[0] = forged[0] == "A" ? "B" : "A"
        #expect(await store.takeLogin(state: String(forged)) == nil)
        let parts = other.state.split(separator: ".")
        #expect(await store.takeLogin(state: "\(parts[0]).\(Int(parts[1])! + 60).\(parts[2])") == nil)  // re-dated
        #expect(await InboxSessionStore(absolute: 3600, idle: 600).takeLogin(state: other.state) == nil)  // other key
        clock.now = clock.now.addingTimeInterval(601)
        #expect(await store.takeLogin(state: other.state) == nil)  // expired
    }

    @Test("an https inbox tells browsers never to use plain http; a loopback http one does not")
    func strictTransportSecurity() {
        let name = HTTPField.Name("Strict-Transport-Security")!
        var secure = Response(status: .ok)
        InboxSecurity.harden(&secure, https: true)
        #expect(secure.headers[name] == "max-age=31536000")
        var plain = Response(status: .ok)
        InboxSecurity.harden(&plain, https: false)
        #expect(plain.headers[name] == nil)
    }
}
