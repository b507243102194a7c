import Foundation
import Testing

@testable import WardenGateway

@Suite("Runs in memory only move forward: a stale copy cannot reopen an ended run or lose a count")
struct RunMemoryTests {
    func record(_ state: RunRecord.State, calls: Int = 0, deliveredBy: String? = nil) -> RunRecord {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        return RunRecord(
            id: "9:agent-one/r", name: "r", subject: "agent-one", startedAt: now, lastActivity: now,
            deadline: now.addingTimeInterval(3600), idleSeconds: 900, deliveryRequired: false, calls: calls,
            tainted: false, state: state, deliveredBy: deliveredBy, endReason: nil, endedAt: nil)
    }

    @Test("an escalated run stays escalated when an older open copy is remembered after it")
    func endsAreFinal() {
        let memory = RunMemory()
        memory.remember(record(.escalated, calls: 3))
        memory.remember(record(.open, calls: 1))
        #expect(memory.run("9:agent-one/r")?.state == .escalated)
        #expect(memory.run("9:agent-one/r")?.calls == 3)
    }

    @Test("a delivery and the delivery requirement are never forgotten")
    func deliveriesStay() {
        let memory = RunMemory()
        memory.remember(record(.delivered, deliveredBy: "mail.send"))
        memory.markDeliveryRequired("9:agent-one/r")
        memory.remember(record(.open))
        #expect(memory.run("9:agent-one/r")?.state == .delivered)
        #expect(memory.run("9:agent-one/r")?.deliveredBy == "mail.send")
        #expect(memory.run("9:agent-one/r")?.deliveryRequired == true)
    }

    @Test("counted calls are seen at once, and neither lost nor doubled when a write fails and is retried")
    func counts() {
        let memory = RunMemory()
        memory.remember(record(.open))
        memory.countCall("9:agent-one/r", at: Date())
        memory.countCall("9:agent-one/r", at: Date())
        #expect(memory.run("9:agent-one/r")?.calls == 2)
        let drained = memory.drain()
        #expect(memory.run("9:agent-one/r")?.calls == 2)
        memory.unwritten(drained)
        #expect(memory.run("9:agent-one/r")?.calls == 2)
        let again = memory.drain()
        memory.written(again)
        #expect(memory.run("9:agent-one/r")?.calls == 2)
        #expect(memory.drain().isEmpty)
    }
}
