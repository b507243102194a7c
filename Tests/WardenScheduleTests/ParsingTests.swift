import Foundation
import Testing

@testable import WardenSchedule

/// The grammar: what each field accepts, and that every refusal names the field and the reason.
struct ParsingTests {
    func fields(_ expression: String) throws -> CronFields {
        try Support.schedule(expression).fields
    }

    @Test func starsAllowEveryValue() throws {
        let all = try fields("* * * * *")
        #expect(Support.values(all.minutes) == Array(0...59))
        #expect(Support.values(all.hours) == Array(0...23))
        #expect(Support.values(all.daysOfMonth) == Array(1...31))
        #expect(Support.values(all.months) == Array(1...12))
        #expect(Support.values(all.daysOfWeek) == Array(0...6))
        #expect(all.dayOfMonthIsStar && all.dayOfWeekIsStar)
        #expect(!all.isFixedTime)
    }

    @Test func numbersRangesStepsAndLists() throws {
        let parsed = try fields("5 1-3 */10 2-11/3 1,3-4,*/6")
        #expect(Support.values(parsed.minutes) == [5])
        #expect(Support.values(parsed.hours) == [1, 2, 3])
        #expect(Support.values(parsed.daysOfMonth) == [1, 11, 21, 31])
        #expect(Support.values(parsed.months) == [2, 5, 8, 11])
        #expect(Support.values(parsed.daysOfWeek) == [0, 1, 3, 4, 6])
        #expect(parsed.isFixedTime)
        #expect(parsed.dayOfMonthIsStar && !parsed.dayOfWeekIsStar)
    }

    @Test func valueWithStepRunsToTheEndOfTheField() throws {
        let parsed = try fields("50/3 20/2 28/2 10/1 4/2")
        #expect(Support.values(parsed.minutes) == [50, 53, 56, 59])
        #expect(Support.values(parsed.hours) == [20, 22])
        #expect(Support.values(parsed.daysOfMonth) == [28, 30])
        #expect(Support.values(parsed.months) == [10, 11, 12])
        // 4, 6 and 8 is out of range; 7 (Sunday) is not on the step.
        #expect(Support.values(parsed.daysOfWeek) == [4, 6])
        #expect(Support.values(try fields("* * * * 1/2").daysOfWeek) == [0, 1, 3, 5])
    }

    @Test func stepsLargerThanTheFieldGiveOneValue() throws {
        let parsed = try fields("*/100 0-5/24 * * *")
        #expect(Support.values(parsed.minutes) == [0])
        #expect(Support.values(parsed.hours) == [0])
    }

    @Test func monthAndWeekdayNamesInAnyCase() throws {
        let parsed = try fields("0 0 * jan,Mar-MAY,Dec mon-Fri")
        #expect(Support.values(parsed.months) == [1, 3, 4, 5, 12])
        #expect(Support.values(parsed.daysOfWeek) == [1, 2, 3, 4, 5])
        #expect(Support.values(try fields("0 0 * JAN-DEC/2 *").months) == [1, 3, 5, 7, 9, 11])
        #expect(Support.values(try fields("0 0 * * SUN,sat").daysOfWeek) == [0, 6])
        #expect(Support.values(try fields("0 0 * * 2-TUE").daysOfWeek) == [2])
    }

    @Test func zeroAndSevenAreBothSunday() throws {
        #expect(Support.values(try fields("0 0 * * 0").daysOfWeek) == [0])
        #expect(Support.values(try fields("0 0 * * 7").daysOfWeek) == [0])
        #expect(Support.values(try fields("0 0 * * 5-7").daysOfWeek) == [0, 5, 6])
        #expect(Support.values(try fields("0 0 * * 0-7").daysOfWeek) == Array(0...6))
        // Sunday ending a range is 7, so the range reads as written.
        #expect(Support.values(try fields("0 0 * * MON-SUN").daysOfWeek) == Array(0...6))
        #expect(Support.values(try fields("0 0 * * FRI-SUN").daysOfWeek) == [0, 5, 6])
        #expect(Support.values(try fields("0 0 * * SUN-SUN").daysOfWeek) == [0])
        #expect(Support.values(try fields("0 0 * * SUN-TUE").daysOfWeek) == [0, 1, 2])
    }

    @Test func macrosExpandToTheirFields() throws {
        let expansions = [
            "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
            "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
        ]
        for (macro, expansion) in expansions {
            let schedule = try Support.schedule(macro)
            #expect(schedule.fields == (try fields(expansion)), "\(macro)")
            #expect(schedule.expression == macro)
        }
        #expect(try Support.schedule("@DAILY").fields == (try fields("0 0 * * *")))
        #expect(try fields("@daily").isFixedTime)
        #expect(!(try fields("@hourly").isFixedTime))
    }

    @Test func starFlagsFollowTheFieldText() throws {
        // Vixie cron's rule: a day field is unrestricted for the OR rule when its text starts with '*'.
        #expect(try fields("0 0 */2 * 1").dayOfMonthIsStar)
        #expect(!(try fields("0 0 1-31 * 1").dayOfMonthIsStar))
        #expect(try fields("0 0 1 * */1").dayOfWeekIsStar)
        #expect(!(try fields("0 0 1 * 0-7").dayOfWeekIsStar))
        #expect(!(try fields("*/5 0 * * *").isFixedTime))
        #expect(!(try fields("0 */2 * * *").isFixedTime))
        #expect(try fields("0-59 2 * * *").isFixedTime)
    }

    @Test func whitespaceAroundAndBetweenFields() throws {
        let schedule = try Support.schedule(" \t 0\t\t12  *  * \t1-5 \n")
        #expect(schedule.expression == "0\t\t12  *  * \t1-5")
        #expect(schedule.fields == (try fields("0 12 * * 1-5")))
        #expect(schedule.description == "0\t\t12  *  * \t1-5 (GMT)")
    }

    func fieldCount(_ found: Int) -> String {
        "expected 5 fields (minute hour day-of-month month day-of-week), found \(found); "
            + "seconds and year fields are not supported"
    }

    @Test func refusalsNameTheFieldAndTheReason() {
        let cases: [(String, String)] = [
            ("61 * * * *", "minute field '61': 61 is outside 0-59"),
            ("* 24 * * *", "hour field '24': 24 is outside 0-23"),
            ("* * 0 * *", "day-of-month field '0': 0 is outside 1-31"),
            ("* * 32 * *", "day-of-month field '32': 32 is outside 1-31"),
            ("* * * 0 *", "month field '0': 0 is outside 1-12"),
            ("* * * 13 *", "month field '13': 13 is outside 1-12"),
            ("* * * * 8", "day-of-week field '8': 8 is outside 0-7"),
            ("1,61 * * * *", "minute field '1,61': 61 is outside 0-59"),
            (
                "99999999999999999999 * * * *",
                "minute field '99999999999999999999': 99999999999999999999 is outside 0-59"
            ),
            ("1,,2 * * * *", "minute field '1,,2': empty list element"),
            ("1, * * * *", "minute field '1,': empty list element"),
            (",1 * * * *", "minute field ',1': empty list element"),
            ("5-1 * * * *", "minute field '5-1': range '5-1' is reversed"),
            ("0 0 * * FRI-MON", "day-of-week field 'FRI-MON': range 'FRI-MON' is reversed"),
            ("0 0 * DEC-JAN *", "month field 'DEC-JAN': range 'DEC-JAN' is reversed"),
            ("*/0 * * * *", "minute field '*/0': step must be at least 1"),
            ("1-5/0 * * * *", "minute field '1-5/0': step must be at least 1"),
            ("*/ * * * *", "minute field '*/': step is missing after '/'"),
            ("*/x * * * *", "minute field '*/x': step 'x' is not a number"),
            (
                "*/99999999999999999999 * * * *",
                "minute field '*/99999999999999999999': step '99999999999999999999' is too large"
            ),
            ("*/2/3 * * * *", "minute field '*/2/3': '*/2/3' has more than one '/'"),
            ("1-2-3 * * * *", "minute field '1-2-3': '1-2-3' has more than one '-'"),
            ("-5 * * * *", "minute field '-5': range '-5' is incomplete"),
            ("* 1- * * *", "hour field '1-': range '1-' is incomplete"),
            ("*-5 * * * *", "minute field '*-5': '*' must stand alone, optionally followed by a step, as in '*/5'"),
            ("** * * * *", "minute field '**': '*' must stand alone, optionally followed by a step, as in '*/5'"),
            (
                "MON * * * *",
                "minute field 'MON': names like 'MON' are only allowed in the month and day-of-week fields"
            ),
            ("* jan * * *", "hour field 'jan': names like 'jan' are only allowed in the month and day-of-week fields"),
            (
                "* * L * *",
                "day-of-month field 'L': names like 'L' are only allowed in the month and day-of-week fields"
            ),
            ("* * * FOO *", "month field 'FOO': unknown name 'FOO'"),
            ("* * * * MONDAY", "day-of-week field 'MONDAY': unknown name 'MONDAY'"),
            ("* * * MON *", "month field 'MON': unknown name 'MON'"),
            ("* * * * JAN", "day-of-week field 'JAN': unknown name 'JAN'"),
            ("1a * * * *", "minute field '1a': '1a' is neither a number nor a name"),
            ("? * * * *", "minute field '?': unexpected character '?'"),
            ("* * * * 5#3", "day-of-week field '5#3': unexpected character '#'"),
            ("* * 15W * *", "day-of-month field '15W': '15W' is neither a number nor a name"),
            ("+5 * * * *", "minute field '+5': unexpected character '+'"),
            ("\u{661} * * * *", "minute field '\u{661}': unexpected character '\u{661}'"),
            (
                "0 0 1 1 * 2027",
                fieldCount(6)
            ),
            (
                "0 0 0 1 1 *",
                fieldCount(6)
            ),
            (
                "0 0 1 1",
                fieldCount(4)
            ),
            ("", "cron expression is empty"),
            (" \t\n", "cron expression is empty"),
            ("@reboot", "'@reboot' is not a time: it runs at startup, which a schedule cannot express"),
            (
                "@every 5m",
                "unknown macro '@every 5m'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"
            ),
            (
                "@daily 1",
                "unknown macro '@daily 1'; use @yearly, @annually, @monthly, @weekly, @daily, @midnight or @hourly"
            ),
        ]
        for (expression, message) in cases {
            #expect(Support.refusal(expression) == message, "\(expression)")
        }
    }

    @Test func embeddedNewlinesAreGarbage() {
        #expect(Support.refusal("0\n0 * * * *")?.hasPrefix("minute field '0\n0': unexpected character") == true)
    }

    @Test func expressionLengthIsCapped() throws {
        // A valid 256-character expression: a long minute list.
        let minutes = (0..<62).map { _ in "0" }.joined(separator: ",") + ",10"
        let longest = minutes + String(repeating: " ", count: 256 - minutes.count - 8) + " * * * *"
        #expect(longest.count == 256)
        #expect(Support.refusal(longest) == nil)
        #expect(Support.refusal(longest + " ") == "cron expression is longer than 256 characters")
        #expect(
            Support.refusal(String(repeating: "*", count: 100_000)) == "cron expression is longer than 256 characters")
    }

    @Test func errorsDescribeThemselves() {
        let error = CronError(message: "minute field '61': 61 is outside 0-59")
        #expect(error.description == error.message)
        #expect(error == CronError(message: "minute field '61': 61 is outside 0-59"))
    }

    @Test func schedulesCompareByExpressionAndZone() throws {
        #expect(try Support.schedule("0 0 * * *") == (try Support.schedule(" 0 0 * * * ")))
        #expect(try Support.schedule("0 0 * * *") != (try Support.schedule("0 0 * * *", "Europe/Berlin")))
        #expect(try Support.schedule("0 0 * * *") != (try Support.schedule("@daily")))
        #expect(Set([try Support.schedule("@daily"), try Support.schedule("@daily")]).count == 1)
    }
}
