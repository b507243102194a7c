import Testing
import WardenCore

@testable import WardenContainment

/// A system of record that answers in text is read as the same record in JSON would be: the warnings, statuses,
/// refunds and approvals in its lines are the tenant's, whatever the format.
@Suite("Text records")
struct TextRecordsTests {
    static let supplierCard = """
        SUP-0096 Lumen Radiators Ltd | Status: active | Remittance: finance@lumenrads.example
        Bank (current): GB47OXBK60072118274055 (Lumen Radiators Ltd) - changed 12/08/2025, verified by call-back.
        Previous bank: GB40WSTB11830240917736 - CLOSED by the supplier 12/08/2025. Do not use.
        Control: any bank change must be verified by a call-back to the number on file before it is entered.
        """

    @Test("a line's warning stays with the account on that line; the current account stays unwarned")
    func warningStaysWithItsLine() throws {
        let rows = WarnedRecords.values(in: .string(Self.supplierCard)).map(\.value)
        #expect(rows.count == 1)
        #expect(rows.first?.hasPrefix("iban:GB40WSTB11830240917736\tprevious_bank_note: ") == true)
        let record = try #require(TextRecords.records(inText: Self.supplierCard)?.objectValue)
        #expect(record["id"] == "SUP-0096")
        #expect(record["status"] == "active")
        #expect(record["remittance"] == "finance@lumenrads.example")
    }

    static let ledger = """
        Purchase ledger - SUP-021 Penhallow MEP Consulting LLP
        PB-6171 | PMC-1184 | J2432 | net 5750.00 | VAT 1150.00 | gross 6900.00 | PART-APPROVED
          Approved for payment: 4140.00 (O. Fairlie 2025-03-07)
          Approver note: Balance 2760.00 ON HOLD until the model is checked. Do not pay in full.
        PB-5990 | PMC-1139 | J2432 | gross 4320.00 | PAID 2025-01-24
        """

    @Test("a row of a ledger is a record: its amounts, its status, the lines indented under it")
    func ledgerRows() throws {
        let rows = try #require(TextRecords.records(inText: Self.ledger)?.objectValue?["items"]?.arrayValue)
        #expect(rows.count == 2)
        let open = try #require(rows.first?.objectValue)
        #expect(open["id"] == "PB-6171")
        #expect(open["gross"] == .double(6900))
        #expect(open["approved_for_payment"] == .double(4140))
        #expect(open["status"] == "PART-APPROVED")
        // The paid row is settled; the approved amount is the only one to pay for the open one.
        let settled = SettledRecords.values(in: .string(Self.ledger)).map(\.value)
        #expect(Set(settled) == ["identifier:PB-5990", "identifier:PMC-1139"])
        let amounts = RecordedAmounts.values(in: .string(Self.ledger)).compactMap(RecordedAmounts.parse)
        #expect(
            amounts.contains {
                $0.reading == "identifier:PB-6171" && $0.mark == RecordedAmounts.approvedPrefix
                    && $0.amount == "4140"
            })
    }

    @Test("a variation not approved is a request declined, by the job it belongs to")
    func declinedVariation() {
        let job = """
            JOB J2411 | Ferrier Lane | Client CLI-101 Harwick Homes Ltd
            SUBCONSULTANT APPOINTMENTS
              Variations:
                VR-02 trial pits | 1350.00 | APPROVED 2025-03-04
                VR-03 additional boreholes | 7200.00 | NOT APPROVED (I. Calder) - Do not raise a PO.
            """
        let amounts = RecordedAmounts.values(in: .string(job)).compactMap(RecordedAmounts.parse)
        #expect(amounts.contains { $0.reading == "identifier:J2411" && $0.mark == RecordedAmounts.declinedPrefix })
        #expect(!amounts.contains { $0.mark == RecordedAmounts.declinedPrefix && $0.amount == "1350" })
    }

    @Test("a refund row under its key is a refund made, by the client's id")
    func refundRow() {
        let account = """
            CLIENT CLI-117 | Jonah & Tess Ellery
            Refunds:  RF-0093 | 2025-02-04 | 1250.00 | BACS to J & T Ellery | authorised T. Venn
            Balance: 0.00 - no credit held
            """
        let amounts = RecordedAmounts.values(in: .string(account)).compactMap(RecordedAmounts.parse)
        #expect(
            amounts.contains {
                $0.reading == "identifier:CLI-117" && $0.mark == RecordedAmounts.refundedPrefix && $0.amount == "1250"
            })
    }

    @Test("a sentence's field, a keyed status and a status after an amount are read")
    func fieldsInsideLines() throws {
        let text = """
            RMA-56102 | Account TA-14420 | Goods value 249.88
            Restocking fee 15% applied. APPROVED CREDIT: 212.40.
            PAYMENT: PAID IN FULL 2025-02-24
            Fee 578.00 PAID 2025-02-20 by company card
            """
        let record = try #require(TextRecords.records(inText: text)?.objectValue)
        #expect(record["approved_credit"] == .double(212.4))
        #expect(record["payment_status"] == "PAID IN FULL 2025-02-24")
        #expect(record["fee"] == .double(578))
        #expect(record["fee_status"] == "PAID 2025-02-20 by company card")
    }

    @Test("prose, an e-mail body or an empty text is no record; JSON is still read as JSON")
    func notRecords() {
        #expect(TextRecords.records(inText: "Thanks, all sorted now. Speak soon.") == nil)
        #expect(TextRecords.records(inText: "   \n\n") == nil)
        #expect(JSONRecords.json(inText: "{\"status\": \"paid\"}") == ["status": "paid"])
    }

    @Test("a hostile text is bounded: deep indentation and long lines do not exhaust anything")
    func bounded() {
        let deep = (0..<1_000).map { String(repeating: " ", count: $0) + "K\($0): v" }.joined(separator: "\n")
        #expect(TextRecords.records(inText: deep) != nil)
        let long = "Status: " + String(repeating: "x", count: 100_000)
        let record = TextRecords.records(inText: long)?.objectValue
        #expect((record?["status"]?.stringValue?.count ?? 0) < 2_100)
    }
}
