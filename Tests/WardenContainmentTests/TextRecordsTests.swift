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

    @Test("an output read once gives every reader the rows it gives when each reads it alone")
    func readOnceReadsTheSame() {
        let output: JSONValue = .object([
            "content": .array([
                .object(["type": "text", "text": .string(Self.ledger)]),
                .object(["type": "text", "text": .string(Self.supplierCard)]),
            ])
        ])
        let records = OutputRecords(output)
        #expect(SettledRecords.values(in: records) == SettledRecords.values(in: output))
        #expect(WarnedRecords.values(in: records) == WarnedRecords.values(in: output))
        #expect(RecordedAmounts.values(in: records) == RecordedAmounts.values(in: output))
        #expect(!SettledRecords.values(in: records).isEmpty)
        #expect(!WarnedRecords.values(in: records).isEmpty)
        // The wrapper; the ledger's heading line and its two rows; the supplier card (its current account is its own
        // field) and its previous account, which its line warns of.
        #expect(records.objects.count == 6)
        // A child's context is what its holder's visit returned; JSON read from a text gets the block's holder's.
        var seen: [Int] = []
        records.walk(0) { _, _, depth in
            seen.append(depth)
            return depth + 1
        }
        #expect(seen == [0, 1, 2, 2, 1, 2])
    }

    static let objectCard = """
        OBJECT  CAL.1932.7
        Title:              The Orchard Gate
        Loan availability:  NOT AVAILABLE
        Condition notes:
            14/01/2026 MK  Routine check. Slight lifting in sky, top left. Monitor.
            03/03/2026 MK  Join has opened along the left-hand side, with new flaking
                           either side of it. This panel is not fit to travel. Please don't approve it
                           for Harrowfield or anyone else until I've consolidated it.
        Rights:             Public domain
        """

    @Test("the notes under a record's heading are its own, and a note wrapped over lines is one note")
    func notesUnderAHeading() {
        let rows = WarnedRecords.values(in: .string(Self.objectCard)).map(\.value)
        #expect(rows.count == 1)
        let row = rows.first ?? ""
        #expect(row.hasPrefix("identifier:CAL.1932.7\t"))
        #expect(row.contains("Join has opened along the left-hand side, with new flaking either side of it."))
        #expect(WarnedRecords.covers(String(row.split(separator: "\t")[1]), Self.approve))
    }

    static let approve = WarnedRecords.Act(tool: "loans.approve_outgoing_loan", sends: false, spends: false)

    static let loanRegister = """
        LOANS REGISTER - OUTGOING LOAN
        Loan ref:        CMT/LO/2025/031
        Borrower:        Abbotsleigh House Trust - registrar@abbotsleigh.example
        Objects:         CAL.1968.240  Calder Looms, tapestry cartoon 'Harvest'
        Status:          POSTPONED
        Customer         C-2041 Abbotsleigh House Trust
        Notes:
            27/02 OP - Indemnity for the 2026 dates cancelled with the broker. Don't book any transport until
                       a new agreement with new dates is signed.
        """

    @Test("an id under a heading names the record the text is about; a keyed status is a field; a label is a key")
    func registerCard() throws {
        let record = try #require(TextRecords.records(inText: Self.loanRegister)?.objectValue)
        #expect(record["loan_ref"] == "CMT/LO/2025/031")
        #expect(record["loan_ref_status"] == nil)
        #expect(record["status"] == "POSTPONED")
        #expect(record["customer_id"] == "C-2041")
        let rows = Set(WarnedRecords.values(in: .string(Self.loanRegister)).map { $0.value.split(separator: "\t")[0] })
        #expect(rows.isSuperset(of: ["identifier:CMT/LO/2025/031", "identifier:CAL.1968.240"]))
    }

    @Test("a ledger row that is a refund is a refund made to the record's customer")
    func refundRowOfALedger() {
        let ledger = """
            Customer     C-2041 Marlow & Finch Bakery Ltd
            Balance      0.00

            24/02/2025  INV-30811  Cupcake boxes x 2,000              612.00   paid card Visa ..4417
            26/02/2025  CN-0419    Credit note - cancelled order     -612.00
            27/02/2025  REFUND     Card refund to Visa ..4417          612.00   Worldpay ref WP-8812043
            """
        let rows = RecordedAmounts.values(in: .string(ledger)).map(\.value)
        #expect(rows.contains("identifier:C-2041\trefunded 612"))
        // A refund asked for is not one made.
        let asked = ledger.replacingOccurrences(of: "Card refund to Visa", with: "Refund requested to Visa")
        #expect(!RecordedAmounts.values(in: .string(asked)).map(\.value).contains("identifier:C-2041\trefunded 612"))
    }

    @Test("dot leaders, a keyed status over a capitals heading, a row's type code and a status inside a sentence")
    func moreWaysToPrintAField() throws {
        let licence = """
            L-007   ROOF LICENCE — ASHBY ROAD PRIMARY SCHOOL
              Fee ............ £1,125.00 per quarter (in arrears)
              STATUS ......... ENDED 31/12/2024
            """
        let record = try #require(TextRecords.records(inText: licence)?.objectValue)
        #expect(record["status"] == "ENDED 31/12/2024")
        #expect(record["fee"] == .double(1125))
        // An ended record's sums are not read as its own (a status that ends as done does not stop a payment of them).
        #expect(
            WarnedRecords.values(in: .string(licence)).map(\.value) == ["identifier:L-007\tstatus: ENDED 31/12/2024"])
        let ledger = """
            PURCHASE LEDGER   SUP-0075  Carrow Auto Electrics Ltd
            29/08/2025  CAE-4471   INV   alternator rebuild fleet 412       742.80   ON HOLD
            14/08/2025  CAE-4402   INV   tacho recalibration x3             318.00   PAID 29/08
            """
        let rows = try #require(TextRecords.records(inText: ledger)?.objectValue?["items"]?.arrayValue)
        #expect(rows.first?["type"] == "INV")
        #expect(rows.first?["status"] == "ON HOLD")
        #expect(rows.last?["status"] == "PAID 29/08")
        let payees = """
            LEDGER / PAYEES - SUP-006 Courtline Sports Supplies Ltd
            Invoice CS-40877 received 13/04/2026: £3,480.00 - STATUS: ON HOLD - QUERY RAISED.
            """
        let warned = WarnedRecords.values(in: .string(payees)).map(\.value).sorted()
        #expect(
            warned == [
                "amount:3480\t" + WarnedRecords.soleAmountPrefix + "status: ON HOLD - QUERY RAISED.",
                "identifier:CS-40877\tstatus: ON HOLD - QUERY RAISED.",
            ])
    }

    @Test("prose, an e-mail body or an empty text is no record; JSON is still read as JSON")
    func notRecords() {
        #expect(TextRecords.records(inText: "Thanks, all sorted now. Speak soon.") == nil)
        #expect(TextRecords.records(inText: "   \n\n") == nil)
        #expect(JSONRecords.json(inText: "{\"status\": \"paid\"}") == ["status": "paid"])
    }

    @Test("a note wrapped over thousands of lines is joined up to a bound, then goes on as the next note")
    func wrappedNotesAreBounded() throws {
        let text =
            "REF-1 | Status: open\n  "
            + Array(repeating: String(repeating: "word ", count: 40), count: 3_000)
            .joined(separator: "\n  ")
        let record = try #require(TextRecords.records(inText: text)?.objectValue)
        let notes = record.values.compactMap(\.stringValue).filter { $0.hasPrefix("word") }
        #expect(notes.count > 1)
        #expect(notes.allSatisfy { $0.utf8.count < TextRecords.Node.longestNote })
        #expect(notes.map(\.utf8.count).reduce(0, +) >= 3_000 * 199)
    }

    @Test("a hostile text is bounded: deep indentation and long lines do not exhaust anything")
    func bounded() {
        let deep = (0..<1_000).map { String(repeating: " ", count: $0) + "K\($0): v" }.joined(separator: "\n")
        #expect(TextRecords.records(inText: deep) != nil)
        let long = "Status: " + String(repeating: "x", count: 100_000)
        let record = TextRecords.records(inText: long)?.objectValue
        #expect((record?["status"]?.stringValue?.count ?? 0) < 2_100)
    }

    @Test("a heading in capitals that names a kind of record carries its id; Markdown heading marks are not text")
    func headingsNameTheirRecord() throws {
        let card = try #require(
            TextRecords.records(
                inText: "INSTRUCTOR RECORD - INS-09\nName: Mark Ellison\nFI status: SUSPENDED - pending review"
            )?.objectValue)
        #expect(card["id"] == "INS-09")
        #expect(card["status"] == nil)
        #expect(card["fi_status"]?.stringValue?.hasPrefix("SUSPENDED") == true)
        // A status that mentions an id is still a status: no kind of record is named before it.
        #expect(TextRecords.Node.headingId("PAID 2025-01-24 PAY-7781") == nil)
        #expect(TextRecords.Node.headingId("ACCOUNT ON STOP") == nil)
        #expect(TextRecords.Node.headingId("OWNER ACCOUNT OWN-1150 - Dr Helen Marsh") == "OWN-1150")
        let contract = try #require(
            TextRecords.records(inText: "## Contract CON-1002 - St Aldhelm's\n\nStatus: ACTIVE\n### History\n- x")?
                .objectValue)
        #expect(contract["contract_ref"] == "CON-1002" || contract["id"] == "CON-1002")
        #expect(!(contract.values.compactMap(\.stringValue).contains { $0.contains("#") }))
        // A labelled id opening the text is the id of the record it is about.
        let quote = try #require(
            TextRecords.records(inText: "Quote        Q-4471\nQty          75\nStatus       SUPERSEDED by Q-4490")?
                .objectValue)
        #expect(quote["id"] == "Q-4471")
    }

    @Test("a Markdown table's rows are read under its header's names; a row without an id keeps its own address")
    func markdownTablesAreKeyed() throws {
        let text = """
            Osric Logistics Ltd (CL-1063)
            | contact | email | authority | notes |
            |---|---|---|---|
            | CT-2301 | marcus.feld@osric.example | full | primary |
            | - | lewis.grant@osric.example | none | LEAVER - left 10/05/2024. Keep it blocked. |
            """
        let record = try #require(TextRecords.records(inText: text)?.objectValue)
        let rows = record.values.flatMap { $0.arrayValue ?? [] }.compactMap(\.objectValue)
        let marcus = try #require(rows.first { $0["email"] == "marcus.feld@osric.example" })
        #expect(marcus["id"] == "CT-2301")
        #expect(marcus["authority"] == "full")
        let lewis = try #require(rows.first { $0["email"] == "lewis.grant@osric.example" })
        #expect(lewis["authority"] == "none")
        #expect(lewis["id"] == nil)
        #expect(lewis["notes"]?.stringValue?.hasPrefix("LEAVER") == true)
    }

    @Test("a `| Field | Value |` table is the record's fields; bold marks are not text")
    func fieldValueTables() throws {
        let text = """
            ## LN-2025-009 - Unit A-045 (Bristol)
            | field | value |
            |---|---|
            | Tenant | Lorna McBride (T-10290) |
            | Status | **ON HOLD** |
            **Statements to:** office@churchfarm.example
            """
        let record = try #require(TextRecords.records(inText: text)?.objectValue)
        #expect(record["status"] == "ON HOLD")
        #expect(record["tenant"] == "Lorna McBride (T-10290)")
        #expect(record["statements_to"] == "office@churchfarm.example")
        #expect(record["field"] == nil && record["value"] == nil)
        let warned = WarnedRecords.values(in: .string(text)).map(\.value)
        #expect(warned.contains { $0.hasPrefix("identifier:LN-2025-009\tstatus: ON HOLD") })
    }

    @Test(
        "an account in groups is one address; a labelled address on its own line is the record's, which its status covers"
    )
    func accountsInGroupsAndLabelledAddresses() throws {
        let payee = """
            Payee P-1130  Sofia Lindqvist
            Current account: GB53 SRLG 6083 7110 4482 92 (Starling) - verified by call-back 14/01/2025 PN
            Previous account: GB65 BARC 2000 0083 3102 64 (Barclays) - CLOSED Nov 2024. Do not use / do not reinstate.
            """
        let rows = WarnedRecords.values(in: .string(payee)).map(\.value)
        #expect(rows.count == 1)
        #expect(rows.first?.hasPrefix("iban:GB65BARC20000083310264\t") == true)
        let supplier = """
            S-168 WESTCOUNTRY SHELVING LTD
            IBAN GB60 LOYD 3882 3384 6878 85
            STATUS: SUSPENDED - ALL PAYMENTS ON HOLD
            """
        let record = try #require(TextRecords.records(inText: supplier)?.objectValue)
        #expect(record["iban"] == "GB60LOYD38823384687885")
        #expect(record["items"] == nil)
        let warned = WarnedRecords.values(in: .string(supplier)).map(\.value)
        #expect(warned.contains { $0.hasPrefix("iban:GB60LOYD38823384687885\tstatus: SUSPENDED") })
        // `Bank on file: GB53 …  (verified …)` is the record's account, not the first row of a list named "bank on
        // file".
        let card = try #require(
            TextRecords.records(
                inText:
                    "S-104  CRATE & CARRY HIRE LTD\nBank on file: GB53 BARC 7453 7518 5381 25  (verified 12/03/2024)"
            )?.objectValue)
        #expect(card["bank_on_file"] == nil)
        #expect(card["items"]?.arrayValue?.first?.objectValue?["bank_on_file"] == "GB53BARC74537518538125")
    }

    @Test(
        "a line of prose that opens with a party and its address is that party's record; a note that mentions one later is not"
    )
    func proseLinesWithAnAddress() {
        let client = """
            MORLAND & PIKE LLP (C-340) — solicitors
            Contacts:
            - Martin Pike, Partner — m.pike@morlandpike.example — matter owner, receives all deliveries
            - Helen Greene, Trainee — h.greene@morlandpike.example — LEFT FIRM 28/02/2025. Do not send any matter documents to her.
            """
        let rows = WarnedRecords.values(in: .string(client)).map(\.value)
        #expect(rows.map { $0.split(separator: "\t")[0] } == ["email:h.greene@morlandpike.example"])
        let contact = """
            CT-20761 Wes Tidy - Mossgrove Heating Ltd (TA-10482)
            Email: wes@mossgrove.example | Mobile: 07700 900388 | Role: Site foreman
            Instruction on file, Carl Mossop (MD): 'Statements go to accounts@mossgrove.example only. Do not send account information to site staff, whoever asks.'
            """
        let warned = WarnedRecords.values(in: .string(contact)).map { String($0.value.split(separator: "\t")[0]) }
        #expect(warned.contains("email:wes@mossgrove.example"))
        #expect(!warned.contains("email:accounts@mossgrove.example"))
        // A note under a record that mentions an address first is still the record's: its id stays warned.
        let invoice = "Invoice INV-7781 | Acme | 4,200.00\n  Remittance to ap@acme.example queried - do not pay"
        #expect(
            WarnedRecords.values(in: .string(invoice)).map { String($0.value.split(separator: "\t")[0]) }.contains(
                "identifier:INV-7781"))
        // An address merged into a subsection does not take the subsection's warning away from the record.
        let section = """
            Invoice INV-7781 | Acme | 4,200.00
            Payment details
              Note: do not pay until the bank change is verified
              IBAN GB29 NWBK 6016 1331 9268 19
            """
        #expect(
            WarnedRecords.values(in: .string(section)).map { String($0.value.split(separator: "\t")[0]) }.contains(
                "identifier:INV-7781"))
    }

    @Test("a `| Field | Value |` table keeps every row: a key with a colon, an empty first cell, an id row")
    func fieldValueTablesKeepEveryRow() {
        let text = """
            Invoice INV-7781
            | Field | Value |
            |---|---|
            | Note: | Do not pay until the credit note arrives |
            """
        #expect(
            WarnedRecords.values(in: .string(text)).map { String($0.value.split(separator: "\t")[0]) }.contains(
                "identifier:INV-7781"))
        let list = """
            Open items
            | Item | Details |
            |---|---|
            | INV-1002 | ON HOLD - credit note pending |
            """
        #expect(
            WarnedRecords.values(in: .string(list)).map { String($0.value.split(separator: "\t")[0]) }.contains(
                "identifier:INV-1002"))
    }

    @Test("a log of key=value lines is a list of entries: each line's status is its own, a prose line a note on it")
    func keyValueLogs() {
        let runs = JSONValue.string(
            "2024-05-28T16:02:11Z RUN-0522 line=14 supplier=CTR-0131 inv=PF-7781 GBP 3960.00 status=SETTLED\n"
                + "2024-06-11T09:12:40Z NOTE user=TE PF-7781 traced: Lloyds confirm it landed.\n"
                + "2024-06-12T00:00:00Z PENDING supplier=CTR-0131 inv=PF-7790 GBP 1212.00 status=APPROVED\n")
        #expect(SettledRecords.values(in: runs).map(\.value) == ["identifier:PF-7781"])
        let amounts = RecordedAmounts.values(in: runs).map(\.value).sorted()
        #expect(amounts == ["identifier:PF-7781\t3960", "identifier:PF-7790\t1212"])
        // One such line among prose stays prose: its paragraph is read whole.
        let prose =
            "2025-10-03 PAYMENT_OUT NG-INV-5531 status=SETTLED bank_ref=FPS-77A19Q\n2025-10-20 NOTE Do NOT pay again."
        #expect(TextRecords.keyValueLog(prose) == nil)
        #expect(TextRecords.keyValueFields("GET https://x.example/a?b=1&c=2 200") == nil)
    }

    @Test("values glued by key=value or CSV commas are read on their own; a negative ledger sum is a refund made")
    func gluedValuesAndRefundRows() {
        let values = ValueExtractor.values(in: .string("period=2025-02 carer=CR-252 claim=142.20 status=approved"))
        #expect(values.contains(TaggedValue(.identifier, "CR-252")))
        #expect(values.contains(TaggedValue(.amount, "142.2")))
        let csv = ValueExtractor.values(in: .string("client_id,name,email\nCL-1162,Claire Neame,claire@home.example"))
        #expect(csv.contains(TaggedValue(.identifier, "CL-1162")))
        // Two cells are never one value: no phone number across them.
        #expect(!ValueExtractor.values(in: .string("ref,a,b\nA-1,0161,4960123")).contains { $0.kind == .phone })
        // A URL's query is not split into values.
        #expect(
            !ValueExtractor.values(in: .string("see https://x.example/a?id=AB-12 now")).contains(
                TaggedValue(.identifier, "AB-12")))
        let ledger = JSONValue.string(
            "ts,event,amount,account,ref,status\n2024-04-09T10:22,DEPOSIT,245.00,card,HA-TRIAL-118,ok\n"
                + "2024-05-03T09:05,REFUND,-245.00,GB71CPBK08907421937506,RF-1182,settled\n")
        #expect(RecordedAmounts.values(in: ledger).map(\.value).contains("iban:GB71CPBK08907421937506\trefunded 245"))
    }

    @Test("a YAML block is one note, unless it writes a status as a field: that is still read as the status")
    func blockScalarsKeepStatusFields() {
        let note = JSONValue.string("id: F-1\nflags: |\n  Simon is under a prohibited\n  steps order: not to be told\n")
        #expect(WarnedRecords.values(in: note).contains { $0.value.hasPrefix("identifier:F-1\tflags: Simon is under") })
        let status = JSONValue.string("id: SUP-9\nnotes: |\n  status: SUSPENDED\n  see the audit\n")
        #expect(WarnedRecords.values(in: status).contains { $0.value.hasPrefix("identifier:SUP-9\t") })
    }

    @Test("a CSV export is a list of entries, a row of names among dated rows included; a quoted key=value stays whole")
    func csvExportsAndQuotedValues() {
        let export =
            "# access list export S-224, 16/04/2025\nname,company,status,notes\nHelen Marsh,Northbank,ACTIVE,\n"
            + "Craig Mellor,Dunmore,BARRED,\"Trespass letter 11/01/25. Gatehouse to refuse him.\"\n"
        guard case .object(let table)? = TextRecords.csvTable(export), case .array(let rows)? = table["entries"] else {
            Issue.record("no table")
            return
        }
        #expect(rows.count == 2)
        #expect(rows.last?.objectValue?["status"]?.stringValue == "BARRED")
        // The barred row is named by its name: a call that names him acts on it.
        #expect(WarnedRecords.values(in: .string(export)).contains { $0.value.hasPrefix("text:craig mellor\tstatus") })
        // A prohibition above or under the rows is about every row: the export is read whole, as one record.
        let titled =
            "# SUP-9 open items - do not pay any of these until the audit\ninvoice,amount,status\nINV-1,100.00,open\n"
            + "INV-2,200.00,open\n"
        #expect(TextRecords.csvTable(titled) == nil)
        #expect(WarnedRecords.values(in: .string(titled)).contains { $0.value.hasPrefix("identifier:INV-2\t") })
        // Sentences with commas under a line of names are no table.
        #expect(TextRecords.csvTable("Finance, Accounts, Treasury\nDo not, under any circumstances, pay this") == nil)
        let line = TextRecords.keyValueFields("member=M-2266 status=TERMINATED note=\"no fobs, no reactivations\"")
        #expect(line?["note"]?.stringValue == "no fobs, no reactivations")
    }

    @Test("a YAML value wrapped over deeper lines is one value")
    func wrappedYAMLValues() {
        let record = JSONValue.string(
            "client_id: VO-0488\ncompliance:\n  instruction: hold ALL post. no forwarding to any address, no collection without\n"
                + "    compliance sign-off (dpo@)\n")
        let warned = WarnedRecords.values(in: record).map(\.value)
        #expect(
            warned.contains {
                $0.hasPrefix("identifier:VO-0488\tinstruction: hold ALL post") && $0.contains("sign-off")
            })
    }

    @Test("a quoted remark ('> ') under a register's rows is a note on the record the text is about, not a row")
    func quotedRemarksAreTheRecords() {
        let register = JSONValue.string(
            "CONSENT REGISTER - HFC-20561 GREENE, Natasha\nCF-20561-WT (N. Greene)   storage+use  ACTIVE\n"
                + "CF-20562-MT (D. Owusu)   storage+use  WITHDRAWN 11/03/2024\n"
                + "> 12-month cooling-off period runs to 11/03/2025. No thaw.\nLinked samples: EMB-20561-01, EMB-20561-02\n"
        )
        let warned = WarnedRecords.values(in: register).map(\.value)
        #expect(warned.contains { $0.hasPrefix("identifier:HFC-20561\t") && $0.contains("No thaw") })
        #expect(!warned.contains { $0.hasPrefix("identifier:12-month") })
        // A row with a warning of its own keeps what the record rules out as well.
        #expect(warned.contains { $0.hasPrefix("identifier:CF-20562-MT\t") && $0.contains("No thaw") })
    }

    @Test("key=value lines that share no key and carry no time are one record; a log's lines stay entries")
    func wrappedKeyValueRecords() {
        let record = TextRecords.keyValueLog(
            "licence=PH-2207 holder=\"Paul Redding\" status=current\nconsent_share_operator=WITHDRAWN consent_changed=2025-03-03\n"
        )
        #expect(record?.objectValue?["entries"]?.arrayValue?.count == 1)
        let log = TextRecords.keyValueLog(
            "user=a action=login status=ok\nuser=b action=logout status=ok\n")
        #expect(log?.objectValue?["entries"]?.arrayValue?.count == 2)
        let timed = TextRecords.keyValueLog(
            "2024-10-01T09:12Z action=create rule=EA\n2025-04-30T16:40Z kind=delete reason=ended\n")
        #expect(timed?.objectValue?["entries"]?.arrayValue?.count == 2)
    }

    @Test("a table whose first column is `id` keeps every row, and a ledger's `doc` column names its row")
    func tablesKeepEveryRow() {
        let register = JSONValue.string(
            "| id | candidate | status |\n|----|-----------|--------|\n| C-VPE-01 | Aaliyah Grant | standing |\n"
                + "| C-VPE-03 | Tyler Brooks | DQ 13/03 - nothing of his goes out in SU comms. |\n")
        #expect(WarnedRecords.values(in: register).contains { $0.value.hasPrefix("identifier:C-VPE-03\t") })
        let ledger = JSONValue.string(
            "date,doc,type,gross,status\n2025-02-10,BB-7702,INV,2316.40,PAID\n2025-03-03,PAY-118-07,PMT,-2316.40,CLEARED\n"
        )
        #expect(SettledRecords.values(in: ledger).map(\.value).contains("identifier:BB-7702"))
    }

    @Test("a line back at the outer indent after an indented list is the record's as well as the list's last row's")
    func dedentedNotesAreTheRecords() {
        let hardshipCase = JSONValue.string(
            "case: HF-2425-0366\nrequested: 250.00\nprior_awards:\n  - HF-2425-0097  £900.00  paid 2024-11-08\n"
                + "  - HF-2425-0214  £600.00  paid 2025-01-29\nassessor_note: \"this can't come from the fund - reject at panel\"\n"
        )
        let warned = WarnedRecords.values(in: hardshipCase).map(\.value)
        #expect(warned.contains { $0.hasPrefix("identifier:HF-2425-0366\t") })
        // The last row keeps the note as well: what it said of the row is not lost.
        #expect(warned.contains { $0.hasPrefix("identifier:HF-2425-0214\t") })
    }
}
