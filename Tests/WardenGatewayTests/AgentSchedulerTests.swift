import Foundation
import Logging
import Testing
import WardenCore
import WardenSchedule

@testable import WardenGateway

@Suite("Agent scheduler: runs start on their slots in their time zones, never twice, missed slots as configured")
struct AgentSchedulerTests {
    static func agent(_ name: String, _ cron: String, zone: String, missed: AgentDefinition.MissedSlots = .latest)
        throws -> AgentDefinition
    {
        AgentDefinition(
            name: name, role: "ap", instructions: "Work.", task: "Do the job.",
            model: AgentModelSettings(flavor: .openAI, endpoint: "http://127.0.0.1:1/v1", model: "m"),
            schedules: [try CronSchedule(parsing: cron, timeZone: try CronSchedule.timeZone(named: zone))],
            missedSlots: missed, limits: AgentLimits(), escalateTo: nil)
    }

    /// Launches nothing real: records each run and ends it at once (or when `hold` is released).
    final class Launches: Sendable {
        let started = Locked<[String]>([])
        let hold = Locked<Bool>(false)

        func launch(_ agent: AgentDefinition, _ run: String, _ task: String?) async -> AgentRunReport {
            started.withLock { $0.append(run + (task.map { " [\($0)]" } ?? "")) }
            while hold.value { try? await Task.sleep(for: .milliseconds(5)) }
            return AgentRunReport(
                agent: agent.name, run: run, state: .delivered, steps: 1, tokens: 1, calls: 1, ending: "finished")
        }
    }

    static func utc(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: text) ?? Date.distantPast
    }

    /// A store in a folder of its own, and its file; `remove` deletes the folder, SQLite's `-wal` and `-shm` with it.
    static func store() throws -> (AgentScheduleStore, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("agents-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("agents.sqlite").path
        return (try AgentScheduleStore(path: path), path)
    }

    static func remove(_ path: String) {
        try? FileManager.default.removeItem(at: URL(fileURLWithPath: path).deletingLastPathComponent())
    }

    static func scheduler(
        _ agents: [AgentDefinition], store: AgentScheduleStore, launches: Launches, lateness: TimeInterval = 60
    ) -> AgentScheduler {
        AgentScheduler(agents: agents, store: store, lateness: lateness, logger: Logger(label: "test")) {
            await launches.launch($0, $1, $2)
        }
    }

    @Test("07:00 Berlin and 02:30 New York across both spring DST changes fire at the right UTC minutes")
    func twoTimeZonesAcrossDST() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let launches = Launches()
        let scheduler = Self.scheduler(
            [
                try Self.agent("berlin", "0 7 * * *", zone: "Europe/Berlin", missed: .skip),
                try Self.agent("newyork", "30 2 * * *", zone: "America/New_York", missed: .skip),
            ], store: store, launches: launches)
        // The clock is injected: a tick every minute, around each interesting morning.
        var now = Self.utc("2026-03-07T00:00:00Z")
        await scheduler.tick(now: now)  // first sight: the schedules start here
        for day in ["2026-03-07", "2026-03-08", "2026-03-09", "2026-03-28", "2026-03-29", "2026-03-30"] {
            // The days in between are skipped as missed (missed: skip), so only these mornings run.
            now = Self.utc("\(day)T04:00:00Z")
            for minute in 0..<(5 * 60) {
                await scheduler.tick(now: now.addingTimeInterval(TimeInterval(minute * 60)))
                await scheduler.settle()
            }
        }
        let runs = launches.started.value
        #expect(
            runs.filter { $0.hasPrefix("berlin") } == [
                "berlin-20260307T0600Z", "berlin-20260308T0600Z", "berlin-20260309T0600Z", "berlin-20260328T0600Z",
                // CEST from the 29th: 07:00 local is 05:00 UTC.
                "berlin-20260329T0500Z", "berlin-20260330T0500Z",
            ])
        #expect(
            runs.filter { $0.hasPrefix("newyork") } == [
                "newyork-20260307T0730Z",
                // 02:30 does not exist on 8 March (02:00 EST → 03:00 EDT): it fires once, when the gap ends.
                "newyork-20260308T0700Z",
                "newyork-20260309T0630Z", "newyork-20260328T0630Z", "newyork-20260329T0630Z",
                "newyork-20260330T0630Z",
            ])
    }

    @Test("a restart between two slots runs neither twice; missed slots: latest runs the newest once")
    func restartRunsNoSlotTwiceAndCatchesUpOnce() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let agent = try Self.agent("ava", "0 * * * *", zone: "UTC")
        let first = Launches()
        let before = Self.scheduler([agent], store: store, launches: first)
        await before.tick(now: Self.utc("2026-12-05T06:30:00Z"))
        await before.tick(now: Self.utc("2026-12-05T07:00:10Z"))
        await before.settle()
        #expect(first.started.value == ["ava-20261205T0700Z"])
        // The cell restarts (a new scheduler on the same file) within the same minute: no second run.
        let second = Launches()
        let reopened = try AgentScheduleStore(path: path)
        let after = Self.scheduler([agent], store: reopened, launches: second)
        await after.tick(now: Self.utc("2026-12-05T07:00:40Z"))
        #expect(second.started.value.isEmpty)
        // Down from 07:01 to 10:20: slots 08:00, 09:00, 10:00 were missed; only 10:00 runs, the others are skipped.
        let decisions = await after.tick(now: Self.utc("2026-12-05T10:20:00Z"))
        await after.settle()
        #expect(second.started.value == ["ava-20261205T1000Z"])
        #expect(decisions.filter { if case .skip = $0 { true } else { false } }.count == 2)
        let slots = try await reopened.slots(of: "ava", limit: 10)
        #expect(slots.map(\.state) == [.done, .skipped, .skipped, .done])
        #expect(slots[1].note?.contains("missed while the cell was down") == true)
    }

    @Test("after a long outage (thousands of missed slots) the newest runs once and one row records the rest")
    func longOutageRunsTheNewestSlotOnce() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let launches = Launches()
        let scheduler = Self.scheduler(
            [try Self.agent("ava", "* * * * *", zone: "UTC")], store: store, launches: launches)
        await scheduler.tick(now: Self.utc("2026-12-04T17:00:30Z"))
        // Down for seventeen hours: 1,020 slots passed.
        let decisions = await scheduler.tick(now: Self.utc("2026-12-05T10:00:30Z"))
        await scheduler.settle()
        #expect(launches.started.value == ["ava-20261205T1000Z"])
        #expect(decisions.filter { if case .skip = $0 { true } else { false } }.count == 1)
        let slots = try await store.slots(of: "ava", limit: 5)
        #expect(slots.last?.note?.contains("or more slots of * * * * * missed") == true)
        // The next tick finds nothing more to catch up.
        #expect(await scheduler.tick(now: Self.utc("2026-12-05T10:00:40Z")).isEmpty)
    }

    @Test("a slot and a request whose run was going when the cell stopped are marked interrupted, not left started")
    func interruptedRunsAreMarked() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let now = Self.utc("2026-12-05T07:00:00Z")
        _ = try await store.claim(agent: "ava", slot: now, run: "ava-20261205T0700Z", now: now)
        let id = try await store.request(agent: "ava", task: nil, now: now)
        _ = try await store.takeRequests(now: now, maxAge: 600)
        let scheduler = Self.scheduler([], store: store, launches: Launches())
        await scheduler.recordInterrupted(now: now)
        #expect(try await store.slots(of: "ava", limit: 1).first?.state == .done)
        #expect(try await store.slots(of: "ava", limit: 1).first?.note?.hasPrefix("interrupted") == true)
        #expect(try await store.request(id: id)?.note?.hasPrefix("interrupted") == true)
    }

    @Test("missed slots: skip runs none of them, and the next slot on time runs")
    func missedSlotsSkip() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let launches = Launches()
        let scheduler = Self.scheduler(
            [try Self.agent("ava", "0 * * * *", zone: "UTC", missed: .skip)], store: store, launches: launches)
        await scheduler.tick(now: Self.utc("2026-12-05T06:30:00Z"))
        await scheduler.tick(now: Self.utc("2026-12-05T09:30:00Z"))
        #expect(launches.started.value.isEmpty)
        await scheduler.tick(now: Self.utc("2026-12-05T10:00:05Z"))
        await scheduler.settle()
        #expect(launches.started.value == ["ava-20261205T1000Z"])
    }

    @Test("a slot while the agent's previous run is still going is skipped: runs of one agent never overlap")
    func overlappingSlotIsSkipped() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let launches = Launches()
        launches.hold.withLock { $0 = true }
        let scheduler = Self.scheduler(
            [try Self.agent("ava", "*/5 * * * *", zone: "UTC")], store: store, launches: launches)
        await scheduler.tick(now: Self.utc("2026-12-05T06:59:00Z"))
        await scheduler.tick(now: Self.utc("2026-12-05T07:00:00Z"))
        let decisions = await scheduler.tick(now: Self.utc("2026-12-05T07:05:00Z"))
        #expect(
            decisions == [
                .skip(
                    agent: "ava", slot: Self.utc("2026-12-05T07:05:00Z"),
                    reason: "overlap: the agent's previous run was still going")
            ])
        launches.hold.withLock { $0 = false }
        await scheduler.settle()
        #expect(launches.started.value == ["ava-20261205T0700Z"])
    }

    @Test("a run asked for now is taken once, with its task; one nobody takes in time expires")
    func requestedRuns() async throws {
        let (store, path) = try Self.store()
        defer { Self.remove(path) }
        let launches = Launches()
        let scheduler = Self.scheduler(
            [try Self.agent("ava", "0 7 * * *", zone: "UTC")], store: store, launches: launches)
        let now = Self.utc("2026-12-05T12:00:00Z")
        let stale = try await store.request(agent: "ava", task: nil, now: now.addingTimeInterval(-700))
        let id = try await store.request(agent: "ava", task: "Pay INV-7 only.", now: now)
        let unknown = try await store.request(agent: "bob", task: nil, now: now)
        await scheduler.tick(now: now)
        await scheduler.settle()
        await scheduler.tick(now: now.addingTimeInterval(1))
        #expect(launches.started.value == ["ava-now-\(id)-\(Int64(now.timeIntervalSince1970)) [Pay INV-7 only.]"])
        #expect(try await store.request(id: stale)?.state == .expired)
        #expect(try await store.request(id: id)?.state == .done)
        #expect(try await store.request(id: id)?.note == "delivered: finished")
        #expect(try await store.request(id: unknown)?.note == "no agent named bob")
    }
}
