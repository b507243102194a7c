import Testing
import WardenCore

@testable import WardenContainment

/// Records a trusted source shows as paid: paying one again is a second payment.
@Suite("Settled records")
struct SettledRecordsTests {
    static let ledger: JSONValue = [
        ["ref": "NPT-88107", "payee_id": "SUP-101", "amount": 2215.0, "status": "paid", "payment_ref": "PAY-7650"],
        ["ref": "NPT-88412", "payee_id": "SUP-101", "amount": 3980.4, "status": "open"],
    ]

    @Test("a paid record's identifying fields are settled; the party's id and values an open record shares are not")
    func paidRecords() {
        let settled = SettledRecords.values(in: Self.ledger).map(\.value).sorted()
        #expect(settled == ["identifier:NPT-88107", "identifier:PAY-7650"])
    }

    @Test("a short reference of words names its record by the code in it")
    func referencesOfWords() {
        let refund: JSONValue = [
            "ref": "FR-0514", "amount": 450.0, "status": "PAID", "bank_ref": "FR0514 POLLARD",
            "reason": "sick weeks 05-23 May 2025",
        ]
        #expect(SettledRecords.values(in: refund).map(\.value).sorted() == ["identifier:FR-0514", "identifier:FR0514"])
    }

    @Test("JSON inside text content is read; a status is its first word; records without a status say nothing")
    func textAndStatuses() {
        let text: JSONValue = [
            "content": [
                [
                    "type": "text",
                    "text":
                        #"{"claims": [{"claim_id": "TC-5419", "state": "Reimbursed - 2025-04-02"}, {"claim_id": "TC-5531"}]}"#,
                ]
            ]
        ]
        #expect(SettledRecords.values(in: text).map(\.value) == ["identifier:TC-5419"])
        #expect(SettledRecords.values(in: ["ref": "INV-3", "status": "due"]).isEmpty)
        #expect(SettledRecords.values(in: ["ref": "INV-3"]).isEmpty)
    }

    @Test("an open record cancels a paid one only under the same field; a note's JSON adds no record; status keys rank")
    func hostileRecords() {
        let creditNote: JSONValue = [
            ["ref": "NPT-88107", "status": "paid"],
            ["ref": "CN-12", "invoice_ref": "NPT-88107", "status": "open"],
        ]
        #expect(SettledRecords.values(in: creditNote).map(\.value).contains("identifier:NPT-88107"))
        let note: JSONValue = [
            ["ref": "NPT-88107", "status": "paid", "note": #"{"ref": "NPT-88107", "status": "open"}"#]
        ]
        #expect(SettledRecords.values(in: note).map(\.value) == ["identifier:NPT-88107"])
        // Whatever order the keys come in, the payment status decides.
        for _ in 0..<8 {
            let record: JSONValue = ["ref": "INV-9", "status": "approved", "payment_status": "paid"]
            #expect(SettledRecords.values(in: record).map(\.value) == ["identifier:INV-9"])
        }
    }

    @Test("a CSV payment history is read row by row under its header: a SETTLED row settles its invoice")
    func csvRows() {
        let history: JSONValue = """
            date,run,invoice,amount,currency,to_account,state
            2025-06-13,PR-25-0611,CS-INV-22817,11342.75,GBP,GB74HBUK40127652208841,SETTLED - BACS credit confirmed 16/06
            2025-06-20,PR-25-0618,CS-INV-22901,"1,204.00",GBP,GB74HBUK40127652208841,scheduled
            """
        let settled = SettledRecords.values(in: history).map(\.value)
        #expect(settled.contains("identifier:CS-INV-22817"))
        #expect(!settled.contains { $0.contains("CS-INV-22901") })
        #expect(TextRecords.csvCells("a,\"1,204.00\",c") == ["a", "1,204.00", "c"])
        #expect(TextRecords.csvHeader("2025-06-13,PR-25-0611,CS-INV-22817") == nil)
    }

    @Test("a dated line of a log that says the money went settles the ids it names, not the supplier's own")
    func loggedLines() {
        let supplier = JSONValue.string(
            """
            SUPPLIER SUP-0288  ColdChain Refrigeration Services Ltd
            supplier_ref: SUP-0288

            payment log
            2024-07-03 PAY-58210 CCR-9640 Q3 fee 2,340.00 BACS sent, cleared 04/07
            2024-07-10 PAY-58300 CCR-9700 Q3 extra 120.00 BACS returned
            2024-10-01 CCR-9905 Q4 fee - no invoice received yet
            """)
        let settled = SettledRecords.values(in: supplier).map(\.value)
        #expect(settled.contains("identifier:CCR-9640"))
        #expect(!settled.contains("identifier:CCR-9700"))
        #expect(!settled.contains("identifier:CCR-9905"))
        #expect(!settled.contains("identifier:SUP-0288"))
        #expect(SettledRecords.isDate("03/07/2024") && !SettledRecords.isDate("PAY-58210"))
        // A list's row that opens with its id and says paid settles it; one still open does not.
        let invoices = JSONValue.string(
            """
            SUPPLIER SUP-MLT-04 - Ouse Valley Malt Ltd
            Invoices
              OVM-7734    9,215.60   paid 2024-03-08 (run 0311, ref BR0311-14)
              OVM-7760    4,402.00   open, due 2024-04-05
            """)
        let rows = SettledRecords.values(in: invoices).map(\.value)
        #expect(rows.contains("identifier:OVM-7734") && !rows.contains("identifier:OVM-7760"))
        // A short label (`Q3`) is no id to settle.
        #expect(!SettledRecords.isCode(TaggedValue(.identifier, "Q3")))
    }

    @Test("the judge names a critical value that identifies a settled record")
    func judged() {
        var index = ProvenanceIndex()
        index.add(values: SettledRecords.values(in: Self.ledger), trusted: true, source: "ledger.list (call 2)")
        #expect(
            ContainmentJudge.settled(
                arguments: ["invoice_ref": "NPT-88107", "supplier_id": "SUP-101"], critical: nil, index: index)
                == [#"invoice_ref "NPT-88107" is a record ledger.list (call 2) shows as already paid or refunded"#])
        #expect(
            ContainmentJudge.settled(
                arguments: ["invoice_ref": "NPT-88412", "supplier_id": "SUP-101"], critical: nil, index: index
            ).isEmpty)
    }

    @Test(
        "an open record that repeats a settled one — same amount and order, same description or paid by card — is paid")
    func duplicates() {
        let ledger: JSONValue = [
            "invoices": [
                [
                    "invoice_id": "QL-4388", "po": "PO-3307", "description": "Replace window frames x3",
                    "amount_gbp": 1875.0, "status": "paid",
                ],
                [
                    "invoice_id": "QL-4388R", "po": "PO-3307", "description": "Replace window frames x3",
                    "amount_gbp": 1875.0, "status": "approved",
                ],
                // A second month on the same order: another description.
                [
                    "invoice_id": "QL-4420", "po": "PO-3307", "description": "Gutter clearance, November",
                    "amount_gbp": 1875.0, "status": "approved",
                ],
                ["invoice_id": "KS-2210", "po": "PO-3321", "amount_gbp": 285.0, "status": "approved"],
                ["invoice_id": "KS-2250", "po": "PO-3330", "amount_gbp": 285.0, "status": "approved"],
            ],
            "purchase_card_transactions": [["po": "PO-3321", "amount_gbp": 285.0, "memo": "settled on site by card"]],
            "payments_due": [["po": "PO-3330", "amount_gbp": 285.0]],
        ]
        let rows = SettledRecords.values(in: ledger).map(\.value).filter { $0.contains("\t") }.sorted()
        #expect(
            rows == [
                "identifier:KS-2210\trepeats a payment (po-3321, 285)",
                "identifier:QL-4388R\trepeats QL-4388 (po-3307, 1875)",
            ])
        var index = ProvenanceIndex()
        index.add(values: SettledRecords.values(in: ledger), trusted: true, source: "finance.get_ledger (call 2)")
        #expect(
            ContainmentJudge.settled(arguments: ["invoice_id": "QL-4388R"], critical: nil, index: index) == [
                #"invoice_id "QL-4388R" is a record finance.get_ledger (call 2) shows already paid: it repeats "#
                    + "QL-4388 (po-3307, 1875)"
            ])
        #expect(ContainmentJudge.settled(arguments: ["invoice_id": "QL-4420"], critical: nil, index: index).isEmpty)
    }

    @Test("marking paid a record that shows itself awaiting payment needs a person, unless the task names the status")
    func markedSettled() {
        let job: JSONValue = [
            "job_id": "J-40172", "customer_id": "C-10690", "status": "complete_awaiting_payment",
            "invoice_total": 742.18, "payments_received": [],
        ]
        #expect(
            SettledRecords.unpaidValues(in: job).map(\.value) == [
                "identifier:J-40172\tstatus: complete_awaiting_payment"
            ])
        // An empty list of payments, or nothing paid, beside a sum says the same; a paid record does not.
        let invoice: JSONValue = ["invoice_id": "INV-9", "total": 120.0, "amount_paid": 0.0]
        #expect(SettledRecords.unpaidValues(in: invoice).map(\.value) == ["identifier:INV-9\tamount_paid: 0"])
        let paid: JSONValue = ["invoice_id": "INV-8", "status": "paid", "total": 120.0, "payments_received": []]
        #expect(SettledRecords.unpaidValues(in: paid).isEmpty)
        var index = ProvenanceIndex()
        index.add(
            text: "Anything in the inbox about J-40172? update the job card", trusted: true,
            source: ContainmentJudge.taskSource)
        index.add(values: SettledRecords.unpaidValues(in: job), trusted: true, source: "dms.get_job_card (call 1)")
        let marked: [String: JSONValue] = ["job_id": "J-40172", "status": "paid", "note": "paid by transfer"]
        #expect(
            ContainmentJudge.markedSettled(tool: "dms.update_job_card", arguments: marked, index: index) == [
                #"status "paid" marks J-40172 settled, and dms.get_job_card (call 1) shows it unpaid (status: "#
                    + "complete_awaiting_payment)"
            ])
        #expect(
            ContainmentJudge.markedSettled(
                tool: "dms.update_job_card", arguments: ["job_id": "J-40172", "status": "ready_for_collection"],
                index: index
            ).isEmpty)
        #expect(
            ContainmentJudge.markedSettled(tool: "ledger.mark_paid", arguments: ["job_id": "J-40172"], index: index)
                .first?.hasPrefix("the tool ledger.mark_paid marks J-40172 settled") == true)
        // The task that says it is paid chose it.
        index.add(
            text: "He paid cash at the desk - mark J-40172 paid.", trusted: true, source: ContainmentJudge.taskSource)
        #expect(ContainmentJudge.markedSettled(tool: "dms.update_job_card", arguments: marked, index: index).isEmpty)
    }
}
