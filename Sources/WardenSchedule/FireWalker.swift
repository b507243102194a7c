import Foundation

/// Produces fire instants in ascending order by walking the time zone's stretches of constant UTC offset.
///
/// Within a stretch the wall clock runs evenly, so a matching wall time `w` fires at `w - offset`. At the boundary
/// between stretches (a transition, found with `TimeZone.nextDaylightSavingTimeTransition(after:)`, which reports
/// every offset change, not only DST) the clock jumps: forward leaves a gap of wall times that never happen, back
/// makes the next stretch repeat wall times. Fixed-time schedules make up a gap with one fire at the transition and
/// skip the repeats; other schedules simply follow the clock. Instants are whole seconds since 1970.
struct FireWalker {
    /// One stretch of constant offset.
    private struct Stretch {
        let offset: Int
        /// The transition that began it and the offset before, if it began recently enough to matter.
        let start: Int?
        let previousOffset: Int
        /// The first instant with a different offset, or nil if there is none.
        let end: Int?

        /// Wall times this stretch shows for the second time because the clock was set back at its start.
        var repeatedWalls: Range<Int> {
            guard let start, previousOffset > offset else { return 0..<0 }
            return (start + offset)..<(start + previousOffset)
        }

        /// Wall times that never happened because the clock was set forward at its start.
        var skippedWalls: ClosedRange<Int>? {
            guard let start, offset > previousOffset else { return nil }
            return (start + previousOffset)...(start + offset - 1)
        }
    }

    /// Two days: no clock has been set back by more, so a stretch that began earlier repeats nothing after now.
    private static let lookBack = 2 * CivilDate.secondsPerDay

    private let fields: CronFields
    private let timeZone: TimeZone
    /// The last instant that may be produced.
    private let horizon: Int
    /// Instants produced are strictly after this one.
    private var lower: Int
    private var stretch: Stretch?

    init(fields: CronFields, timeZone: TimeZone, after lower: Int, through horizon: Int) {
        self.fields = fields
        self.timeZone = timeZone
        self.lower = lower
        self.horizon = fields.canEverMatch ? horizon : lower
    }

    mutating func next() -> Int? {
        guard lower < horizon else { return nil }
        var current: Stretch
        if let stretch {
            current = stretch
        } else {
            // The gap that began the first stretch may still owe its fire, when `lower` is just before the jump.
            current = firstStretch(containing: lower + 1)
            stretch = current
            if let fire = gapFire(entering: current), fire > lower {
                return emit(fire)
            }
        }
        while true {
            let lastInstant = min(horizon, current.end.map { $0 - 1 } ?? horizon)
            var from = lower + current.offset + 1
            while let wall = fields.firstMatch(atOrAfter: from, through: lastInstant + current.offset) {
                let repeated = current.repeatedWalls
                if fields.isFixedTime, repeated.contains(wall) {
                    from = repeated.upperBound
                    continue
                }
                return emit(wall - current.offset)
            }
            guard let end = current.end, end <= horizon else { break }
            current = Stretch(
                offset: offset(at: end), start: end, previousOffset: current.offset, end: transition(after: end))
            stretch = current
            lower = end - 1
            if let fire = gapFire(entering: current) {
                return emit(fire)
            }
        }
        lower = horizon
        return nil
    }

    private mutating func emit(_ fire: Int) -> Int? {
        guard fire <= horizon else {
            lower = horizon
            return nil
        }
        lower = fire
        return fire
    }

    /// A fixed-time schedule's one fire for the times a forward jump skipped: when the clock jumps, on a whole minute.
    private func gapFire(entering stretch: Stretch) -> Int? {
        guard fields.isFixedTime, let start = stretch.start, let skipped = stretch.skippedWalls,
            fields.firstMatch(atOrAfter: skipped.lowerBound, through: skipped.upperBound) != nil
        else { return nil }
        return CivilDate.floorDivide(start + 59, 60) * 60
    }

    private func firstStretch(containing instant: Int) -> Stretch {
        let currentOffset = offset(at: instant)
        var start: Int?
        var cursor = instant - Self.lookBack
        while let change = transition(after: cursor), change <= instant {
            start = change
            cursor = change
        }
        return Stretch(
            offset: currentOffset, start: start, previousOffset: start.map { offset(at: $0 - 1) } ?? currentOffset,
            end: transition(after: instant))
    }

    private func offset(at instant: Int) -> Int {
        timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
    }

    private func transition(after instant: Int) -> Int? {
        guard
            let change = timeZone.nextDaylightSavingTimeTransition(
                after: Date(timeIntervalSince1970: TimeInterval(instant)))
        else { return nil }
        let seconds = change.timeIntervalSince1970.rounded(.up)
        guard seconds.isFinite, seconds < TimeInterval(Int.max / 2) else { return nil }
        return Int(seconds)
    }
}
