import Foundation
import Testing

@testable import WardenSchedule

/// What the search relies on from Foundation's `TimeZone`, proven on this platform's time zone data.
struct FoundationAssumptionTests {
    func transition(_ zone: String, after iso: String) throws -> String? {
        Support.iso(try Support.zone(zone).nextDaylightSavingTimeTransition(after: try Support.date(iso)))
    }

    @Test func nextTransitionReportsDaylightSavingChanges() throws {
        #expect(try transition("Europe/Berlin", after: "2026-01-01T00:00:00Z") == "2026-03-29T01:00:00Z")
        #expect(try transition("Europe/Berlin", after: "2026-03-29T01:00:00Z") == "2026-10-25T01:00:00Z")
        #expect(try transition("America/New_York", after: "2026-03-08T06:59:59Z") == "2026-03-08T07:00:00Z")
        #expect(try transition("UTC", after: "2026-01-01T00:00:00Z") == nil)
    }

    @Test func nextTransitionReportsStandardOffsetChanges() throws {
        // Changes that are not daylight saving: Moscow's permanent winter time, Samoa crossing the date line.
        #expect(try transition("Europe/Moscow", after: "2014-01-01T00:00:00Z") == "2014-10-25T22:00:00Z")
        #expect(try transition("Pacific/Apia", after: "2011-12-01T00:00:00Z") == "2011-12-30T10:00:00Z")
    }

    @Test func offsetsAreWholeMinutesInModernTimes() throws {
        // Fire times are whole minutes because offsets are; zones in the tests have whole-minute offsets.
        for name in ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns"] {
            let zone = try Support.zone(name)
            #expect(zone.secondsFromGMT(for: try Support.date("2026-01-01T00:00:00Z")) % 60 == 0)
            #expect(zone.secondsFromGMT(for: try Support.date("2026-07-01T00:00:00Z")) % 60 == 0)
        }
    }
}
