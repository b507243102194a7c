import Foundation
import Logging
import WardenCore
import WardenSchedule

/// Starts agents' runs on their schedules, and the runs people ask for.
///
/// Each tick looks at the slots between an agent's watermark and now. A slot is claimed in the schedule store
/// before its run starts (never twice, also across a restart). A slot that is more than `lateness` old when the
/// scheduler first sees it was missed (the cell was down): `missed: latest` runs the newest missed slot once and
/// records the others as skipped, `missed: skip` records them all as skipped. A slot that falls due while the
/// agent's previous run is still going is skipped (`overlap`): runs of one agent never overlap.
public actor AgentScheduler {
    public typealias Launch =
        @Sendable (_ agent: AgentDefinition, _ run: String, _ task: String?) async -> AgentRunReport

    let agents: [String: AgentDefinition]
    let store: AgentScheduleStore
    let launch: Launch
    let logger: Logger
    /// A slot older than this when first seen counts as missed.
    let lateness: TimeInterval
    /// A request nobody took within this is dropped (the person who asked was told it did not run).
    let requestMaxAge: TimeInterval
    var running: [String: Task<Void, Never>] = [:]

    public init(
        agents: [AgentDefinition], store: AgentScheduleStore, lateness: TimeInterval = 60,
        requestMaxAge: TimeInterval = 600, logger: Logger, launch: @escaping Launch
    ) {
        self.agents = Dictionary(agents.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.store = store
        self.lateness = lateness
        self.requestMaxAge = requestMaxAge
        self.logger = logger
        self.launch = launch
    }

    /// A slot's decision this tick.
    public enum Decision: Sendable, Equatable {
        case run(agent: String, slot: Date, run: String)
        case skip(agent: String, slot: Date, reason: String)
        case request(id: Int64, agent: String, run: String)
    }

    /// Decides and starts what is due at `now`; returns what it decided (for tests and logs).
    @discardableResult
    public func tick(now: Date) async -> [Decision] {
        var decisions: [Decision] = []
        for agent in agents.values.sorted(by: { $0.name < $1.name }) where !agent.schedules.isEmpty {
            do {
                decisions += try await tick(agent, now: now)
            } catch {
                logger.error(
                    "agent schedule not read; retried next tick",
                    metadata: ["agent": "\(agent.name)", "rule": "agent.schedule-store"])
            }
        }
        do {
            for request in try await store.takeRequests(now: now, maxAge: requestMaxAge) {
                guard let agent = agents[request.agent], let run = request.run else {
                    try await store.finishRequest(id: request.id, note: "no agent named \(request.agent)", now: now)
                    continue
                }
                guard running[agent.name] == nil else {
                    try await store.finishRequest(
                        id: request.id, note: "not run: the agent's previous run is still going", now: now)
                    continue
                }
                decisions.append(.request(id: request.id, agent: agent.name, run: run))
                start(agent, run: run, task: request.task) { report in
                    try? await self.store.finishRequest(id: request.id, note: Self.note(report), now: Date())
                }
            }
        } catch {
            logger.error("agent run requests not read; retried next tick", metadata: ["rule": "agent.schedule-store"])
        }
        return decisions
    }

    /// Slots looked at in one tick after an outage; beyond them only the newest counts.
    static let catchUpLimit = 1_000

    /// The newest fire of `schedule` at or before `now` (within five years).
    static func latestFire(of schedule: CronSchedule, through now: Date) -> Date? {
        for days in [1.0 / 24, 1, 7, 31, 366, 1_830] {
            if let last = schedule.fires(after: now.addingTimeInterval(-days * 86_400), through: now, limit: 100_000)
                .last
            {
                return last
            }
        }
        return nil
    }

    func tick(_ agent: AgentDefinition, now: Date) async throws -> [Decision] {
        var decisions: [Decision] = []
        guard let watermark = try await store.watermark(of: agent.name) else {
            // A new agent: its schedule starts now (earlier slots were never its to run).
            try await store.startWatermark(of: agent.name, at: now)
            return []
        }
        var due = Set<Date>()
        for schedule in agent.schedules {
            let fires = schedule.fires(after: watermark, through: now, limit: Self.catchUpLimit)
            guard fires.count >= Self.catchUpLimit, let first = fires.first,
                let latest = Self.latestFire(of: schedule, through: now)
            else {
                due.formUnion(fires)
                continue
            }
            // A long outage: one row records the run of missed slots, and only the newest is considered.
            let note =
                "\(Self.catchUpLimit) or more slots of \(schedule.expression) missed while the cell was down, up to "
                + Self.runName(agent: agent.name, slot: latest)
            if try await store.skip(agent: agent.name, slot: first, note: note, now: now) {
                decisions.append(.skip(agent: agent.name, slot: first, reason: note))
            }
            due.insert(latest)
        }
        guard !due.isEmpty else { return [] }
        let slots = due.sorted()
        let missed = slots.filter { now.timeIntervalSince($0) > lateness }
        let onTime = slots.filter { now.timeIntervalSince($0) <= lateness }
        var toRun: [Date] = onTime
        if let newestMissed = missed.last, agent.missedSlots == .latest, onTime.isEmpty {
            toRun = [newestMissed]
        }
        for slot in missed where !toRun.contains(slot) {
            let reason = "missed while the cell was down (missed: \(agent.missedSlots.rawValue))"
            if try await store.skip(agent: agent.name, slot: slot, note: reason, now: now) {
                decisions.append(.skip(agent: agent.name, slot: slot, reason: reason))
            }
        }
        for slot in toRun {
            guard running[agent.name] == nil else {
                let reason = "overlap: the agent's previous run was still going"
                if try await store.skip(agent: agent.name, slot: slot, note: reason, now: now) {
                    decisions.append(.skip(agent: agent.name, slot: slot, reason: reason))
                }
                continue
            }
            let run = Self.runName(agent: agent.name, slot: slot)
            guard try await store.claim(agent: agent.name, slot: slot, run: run, now: now) else { continue }
            decisions.append(.run(agent: agent.name, slot: slot, run: run))
            start(agent, run: run, task: nil) { report in
                try? await self.store.finishSlot(agent: agent.name, slot: slot, note: Self.note(report))
            }
        }
        return decisions
    }

    func start(
        _ agent: AgentDefinition, run: String, task: String?,
        finished: @escaping @Sendable (AgentRunReport) async -> Void
    ) {
        let launch = self.launch
        running[agent.name] = Task {
            let report = await launch(agent, run, task)
            await finished(report)
            self.ended(agent.name)
        }
    }

    func ended(_ agent: String) { running[agent] = nil }

    /// Waits for every run in progress (tests; shutdown cancels them instead).
    public func settle() async {
        while let task = running.values.first {
            await task.value
        }
    }

    /// Cancels the runs in progress (the cell is stopping; their runs end by the sweep's deadline after restart).
    public func cancelAll() {
        for task in running.values { task.cancel() }
    }

    /// Slots and requests whose run was going when the cell stopped are marked so (their runs are ended by the
    /// run sweep, which tells a person): nothing stays "started" forever.
    public func recordInterrupted(now: Date) async {
        do {
            try await store.markInterrupted(
                note: "interrupted: the cell stopped during this run (the run sweep ends it)", now: now)
        } catch {
            logger.error("interrupted agent runs not recorded", metadata: ["rule": "agent.schedule-store"])
        }
    }

    /// `ava-20261205T0700Z`: the slot's minute in UTC.
    static func runName(agent: String, slot: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmm'Z'"
        return "\(agent)-\(formatter.string(from: slot))"
    }

    static func note(_ report: AgentRunReport) -> String {
        "\(report.state?.rawValue ?? "not started"): \(report.ending)"
    }

    /// Ticks every second until cancelled.
    public func runForever(clock: @escaping @Sendable () -> Date = { Date() }) async {
        await recordInterrupted(now: clock())
        while !Task.isCancelled {
            await tick(now: clock())
            do { try await Task.sleep(for: .seconds(1)) } catch { break }
        }
        cancelAll()
    }
}
