"""The intent rules as data: for each intent, the phrasings that mean it, in the order they are tried.

Patterns read the normalized message (nlu_text) with its slots replaced by placeholders (`_invoice_`,
`_amount_`, `_date_`, `_month_`, `_selector_`), one sentence a line. Each entry is
(intent, alternatives, alternatives that veto it). Their words also form the vocabulary that typos are
corrected to, so a new phrasing here is understood misspelt too.
"""

from __future__ import annotations

MODAL = (r"(?:will|shall|should|can|could|going to|plan to|planning to|hope to|hoping to|expect to|intend to"
         r"|promise to|be able to|able to)")
ADVERBS = (r"(?:(?:only|probably|definitely|hopefully|likely|also|still|then|just|be|be able to|try to|get to"
           r"|finally|have to|need to)\s+)*")
GREETING = (r"(?:(?:hi|hello|hey|dear \w+|good (?:morning|afternoon|evening)|thanks for the (?:reminder|message|text)"
            r"|got (?:your|the) (?:reminder|message|text|notice))(?: there| team| all)? )?")
PAY_VERB = (r"(?:pay|paying|settle|(?<!all )clear|pay off"  # "all clear" is no payment
            r"|(?:charge|run|use) (?:my|the|our) (?:card|visa|amex|mastercard)"
            r"|charge (?:my|our) account|make (?:a |the )?payment|take (?:the )?payment|process (?:a |the |my )?payment"
            r"|submit (?:a )?payment|payment for|put (?:the |a |my )?payment through|put it through"
            r"|(?:take|charge|debit) (?:_amount_|me)\b)")
_WRONG = r"(?:wrong|incorrect|not correct|not right|error|errors|does not match|do not match|discrepancy|off by)"
_BILLED_THING = r"(?:invoices?|_invoice_|amount|_amount_|price|balance|bill|charges?|total|statement|qty|quantity)"
_A_BOT = (r"(?:a |an |even a |really a |just a )?(?:real |live |actual )?(?:bot|robot|machine|computer|ai|human"
          r"|person|automated|automatic)")
# Paying once the seller does something (LABELS.md, conditional payments): "we will not pay 72210 until the freight
# charge is removed", "we'll pay 8120 as soon as you send a corrected invoice" is a dispute, not a promise.
_SELLER_FIRST = (r"\b(?:until|till|unless|before|as soon as|once|when|after)\b(?:\s+\S+){0,6}?\s+"
                 r"(?:(?:you|someone|somebody|they)\s+(?:\S+\s+)?(?:fix|fixes|remove|removes|credit|credits|correct"
                 r"|corrects|explain|explains|send|sends|issue|issues|reissue|reissues|void|voids|refund|refunds"
                 r"|sort|sorts|tell|tells|take|takes)"
                 r"|(?:is|are|gets?|has been|have been)\s+(?:fixed|removed|credited|corrected|explained|voided"
                 r"|refunded|reissued|sorted|resolved|taken off)"
                 # "I'll pay when I get my credit for the broken fixtures"
                 r"|(?:i|we)\s+(?:get|gets|receive|have|see)\s+(?:my|our|the|a)\s+(?:credit|refund|corrected invoice"
                 r"|credit memo|credit note))\b"
                 # "we've been waiting for the credit on 5561 … until it shows up nothing gets paid"
                 r"|\bcredit\b[\s\S]{0,80}\b(?:until|till|unless) (?:it|that|the credit)\b")
# Only the rest, and later: "can I pay the rest next month" asks for time (a promise), pays nothing now.
_REST_LATER = (r"^(?!.*_amount_)(?:\S+\s+){0,4}pay (?:you )?the (?:rest|remainder)\b(?:\s+\S+){0,2}?"
               r"\s+(?:_month_|later)\b")
# "explain the 'Verpackung' line before we pay it": a question first, no payment asked for yet
_EXPLAIN_FIRST = (r"\bexplain\b.{0,100}\bbefore (?:we|i) (?:can )?(?:pay|approve|release)\b"
                  r"|\bbefore (?:we|i) (?:can )?(?:pay|approve|release)\b.{0,60}\bexplain\b")
_FINANCE_CHARGE = (r"(?:finance charges?|interest charges?|interest rate|interest|service charges?|verzugszinsen|zinsen"
                   r"|mahngebuhren|mahngebühren|mahngebuhr|mahngebühr|intérêts de retard|interessi di mora"
                   r"|reminder fees?|dunning fees?)\b")

# Whole messages (after punctuation is dropped): carrier keywords and one-word answers.
WHOLE: list[tuple[str, str]] = [
    ("stop", r"(?:please )?(?:stop|stopall|stop all|unsubscribe|end|quit|cancel|revoke|optout|opt out|stop it"
             r"|stop now)(?: please| now| thanks| thank you)?"),
    ("start", r"(?:start|unstop|subscribe|resubscribe|/start|opt in|optin)(?: please| again)?"),
    ("help", r"\?+|(?:/help|help|info|menu|options|commands|hi|hello|hey|hiya|yo|howdy|good morning"
             r"|good afternoon|good evening|hi there|hello there|hey there)(?: please| me)?"),
    ("confirm", r"(?:yes|y|ok|sure|confirm|confirmed|correct|1|affirmative|agreed|approve|approved|absolutely"
                r"|definitely|of course|alright|all right)(?: yes| ok| please)?"),
    ("deny", r"(?:no|n|2|negative|wrong|not now|not yet)(?: no)?"),
    # "thanks!", "got the receipt thanks"
    ("thanks", r"(?:merci|danke|gracias|grazie|dank je|dank u|tack)"
               r"(?: (?:beaucoup|schon|schön|mille|bien recu|bien reçu|wel|sehr))*"
               r"|(?:ok |great |perfect )?(?:(?:got|received) (?:it|that|the \w+|your \w+) )?"
               r"(?:thanks|thank you|many thanks|much appreciated|appreciate it|cheers)"
               r"(?: (?:so much|very much|a lot|a ton|again|all|team|guys))?"
               r"(?: for (?:your|the|all (?:your|the)) help)?"
               r"(?: yes| ok)?"
               # "ok thx happy tgiving", "thank you, and merry christmas for you and your family"
               r"(?: (?:and )?(?:happy|merry) (?:thanksgiving|tgiving|christmas|xmas|holidays|new year)"
               r"(?: (?:for|to) (?:you|all of you)(?: and your (?:family|team|families))?)?(?: too)?)?"
               r"(?: (?:that is|thats) (?:all|everything)(?: (?:i|we) (?:needed|need|wanted))?)?"
               r"(?: (?:bye|goodbye|have a (?:good|nice|great) (?:day|one|night|weekend)))?"),
]

# After a leading "no": an objection to what the bot just proposed, not a dispute of an invoice.
QUOTE_OBJECTION = (r"(?:(?:that|it|this) is )?(?:the )?(?:wrong|not right|incorrect|not correct)"
                   r"(?: (?:invoice|amount|one|card|date|account|total))?")

_PROMISE_VETOES = [
        r"\b(?:will|can|going to|shall) (?!not\b)(?:\w+ )?pay\b[^.?!,]{0,25}\b(?:right now|now|immediately)\b"
        r"(?!\s+stop\b)",  # "I'll pay 8440 friday, now STOP"
        r"\balready (?:sent|mailed|paid|made)\b", r"\bwhere\b",
        r"\b(?:what|which|need|send me|give me|confirm|correct|new|updated|your)\b(?: \S+){0,4} address\b",
        _SELLER_FIRST,
]

RULES: list[tuple[str, list[str], list[str]]] = [
    ("stop", [
        r"\bdo not want (?:(?:these|your|any|the|this|more|anymore|any more)\s+)+(?:texts|messages|text"
        r"|notifications|reminders)\b",
        r"\b(?:stop|quit) (?:texting|messaging|sending|contacting|calling|emailing|bothering|spamming)\b",
        r"\bstop (?:these|this|the|all|your) (?:texts|messages|text|message|notifications|reminders|emails|e-mails"
        r"|calls|letters|notices)\b",
        r"\bremove (?:me|my number|my phone|this number)\b", r"\btake (?:me|my number|this number) off\b",
        r"\bopt (?:me )?out\b", r"\bunsubscribe\b", r"\bdo not (?:text|message|contact|call|email) (?:me|us)\b",
        r"\bno more (?:texts|messages|text|message|reminders)\b", r"\bleave (?:me|us) alone\b", r"\bwrong number\b",
    ], []),
    # "move the scheduled payment for 1043 to the 22nd": the same payment on a new day (LABELS.md, 2026-12-22)
    ("schedule", [r"^(?:please |can you |could you )?(?:move|push|shift|change|reschedule)\b(?: \S+){0,5}?"
                  r" (?:payment|charge|draft|autopay)\b(?: \S+){0,4}? (?:to|until|till) _date_",
                  r"\b(?:needs? to|has to|should|must|please) (?:be )?(?:move|moved|pushed|push|shifted|changed"
                  r"|rescheduled) to _date_",
                  # "cancel the debit of the 15/12 for 8841 and make it instead on the 22/12": the same payment moved
                  r"\b(?:cancel|stop|delete)\b.{0,80}?\b(?:and|then|but)\s+(?:make|do|take|charge|collect|run|debit)"
                  r"\s+(?:it|that|them)\s+instead\s+(?:on|for)\s+(?:the\s+)?_date_"], []),
    ("cancel_scheduled", [
        r"\b(?:cancel|stop|void|undo|call off|delete|remove|reverse|hold off on|quit|end|kill|disable|scratch|turn off"
        r"|switch off|shut off|deactivate)\b"
        r"(?:\s+\S+){0,4}?\s+(?:payments?|scheduled|autopay|auto pay|draft)\b(?!\s+methods?)",
        r"\b(?:revoke|withdraw|cancel)\b(?:\s+\S+){0,4}?\s+(?:direct debit )?mandate\b",  # a SEPA mandate
        r"\bdo not (?:charge|run|process|draft|debit) (?:my|the|our|it|that)\b", r"\bunschedule\b",
        # "please skip the autopay charge on the 18th" (LABELS.md, 2026-12-22)
        r"\bskip (?:the |this |that |our |my |next |one |this month s |the next )?(?:\w+ )?"
        r"(?:autopay|auto pay|automatic|scheduled|recurring|direct debit)?\s*"
        r"(?:payment|charge|draft|debit|withdrawal|run)\b",
        r"\btake\b(?:\s+\S+){0,3}\s+off (?:the )?(?:autopay|auto pay|automatic payments?)\b",
        # "the payment thats set up for the twentieth can you stop that one"
        r"\bpayment (?:that is |thats |which is )?(?:set up|scheduled|set|going out|planned)(?: for)?\b(?:\s+\S+){0,6}?"
        r"\s+(?:stop|cancel|kill|void|delete)\s+(?:it|that|that one|this one)\b",
        # "that payment you are going to run friday, stop it": the scheduled one, named first
        r"\bpayment (?:you are |you re |you will )?(?:going to |scheduled |set )?(?:run|take|charge|draft|for)\b"
        r"(?:\s+\S+){0,4}?\s*,?\s*(?:stop|cancel|kill|void) it\b",
        r"\bdo not (?:charge|debit|bill|run|process|draft|take|submit|pay|send)\b.*_date_",
        r"\b(?:do not|no longer) (?:want|need) (?:\w+ ){0,2}(?:payment|autopay)\b",
        r"\b(?:unenroll|un enroll|disenroll|opt (?:us |me )?out of|take (?:us|me) off|remove (?:us|me) from)\b"
        r"(?:\s+\S+){0,2}?\s+(?:autopay|auto pay|automatic payments?)\b",
    ], []),
    ("start", [
        r"\bopt (?:me )?(?:back )?in\b", r"\bresume (?:texts|messages|texting|notifications)\b",
        r"\b(?:start|resume) (?:sending|texting)\b", r"\btext me again\b", r"\bresubscribe\b", r"\bsubscribe me\b",
        r"\bunstop\b", r"\b(?:texts|messages|text messages|notifications) again\b",
        r"\b(?:you can|you may|ok to|feel free to) (?:text|message|contact|sms) (?:me|us)\b",
        r"\b(?:text|message|contact) (?:me|us) again\b",
        r"\b(?:turn|switch|put) (?:the |my |your )?(?:texts|messages|text messages|notifications|reminders|alerts)"
        r" back on\b",
    ], []),
    # An instalment plan (bot.flows_plan): paying in parts on several dates, which the bot proposes and schedules.
    ("plan", [
        # "can you take from me 500 dollars every month until the total is finish"
        r"\b(?:take|charge|debit|draft)\b.{0,30}\b_amount_ (?:every|each|a|per) (?:month|week)\b",  # the seller takes
        r"\b(?:payment|installment|instalment|repayment|paying) (?:plan|plans|arrangement|schedule)\b",
        r"\b(?:in|into|over|across) (?:\d+|two|three|four|five|six|_amount_|_selector_|a few|several|(?:\d+ )?equal|"
        r"(?:two|three|four|five|six) equal|monthly|_invoice_) ?(?:payments|installments|instalments|parts|pieces|"
        r"chunks|months|monthly payments|tranches|times)\b",
        r"\b(?:split|divide|break|spread)\b(?:\s+\S+){0,5}?\s+(?:into|over|across|in|out|up)\b",
        r"\b(?:installments|instalments|installment|instalment)\b",
        r"\bpay (?:\S+ ){0,3}(?:in|by) (?:parts|pieces|chunks|installments|instalments)\b",
    ], [r"\bfinal (?:installment|instalment)\b"]),
    # Everyday questions (bot.flows_answers_general): asked in so many words, or not taken for them.
    ("who_are_you", [
        rf"\b(?:are you|is (?:this|it|that)|am i (?:talking|speaking|chatting|texting) (?:to|with)) {_A_BOT}\b",
        r"^(?:hi |hello |hey )?(?:who is this|who dis|who are you|what are you|who is (?:texting|messaging) (?:me|us)"
        r"|who am i (?:talking|speaking|chatting|texting) (?:to|with))(?: please)?$",
    ], [r"\b(?:not a bot|no bot|no bots|speak (?:to|with)|talk (?:to|with)|connect me|transfer me|need a|want a"
        r"|get me)\b"]),
    ("remit_to", [
        r"^(?:your )?(?:ach|wire|bank|banking|remit|remittance) (?:info|information|details|instructions)$",
        r"\bwhere (?:do|should|can|shall|would|to) (?:i |we )?(?:send|mail|post|drop off|deliver|remit|address)"
        r" (?:the |a |an |our |my |your |this |that )?(?:check|checks|cheque|cheques|payment|payments|remittance)\b",
        r"\b(?:what|where) is (?:your|the) (?:mailing |postal |remit |remit to |remittance |payment )?address\b",
        r"\baddress (?:for|to) (?:mail|send|mailing|sending)(?: (?:a|the|our|my))? (?:check|checks|cheque|payments?)\b",
        r"\b(?:mailing|remit|remit to|remittance|payment) address\b",
        r"\b(?:make|made|write|written) (?:the |a |our |my )?(?:check|checks|cheque) (?:out )?(?:payable )?to\b",
        r"\b(?:wire|ach|bank|banking|routing|remittance|remit) (?:instructions|details|info|information)\b",
        r"\b(?:routing number|routing and account|aba number|swift code|swift|iban|beneficiary bank)\b",
        # "to which bank account must I send the transfer?"
        r"\b(?:which|what) (?:bank )?account (?:do |must |should |can |shall )?(?:i |we )?(?:must |should )?"
        r"(?:send|wire|transfer|pay)\b",
        r"\bwhere (?:do|should|can) (?:i|we) (?:wire|send (?:a|the|an) (?:wire|ach|transfer))\b",
        r"\bwhere (?:must|should|do|can|shall) (?:we|i) send the (?:money|payment|transfer)\b",
    ], [r"\b(?:mailed|sent|send|mail)\b(?:\s+\S+){0,3}\s+to (?:the|your) (?:remit|remittance|mailing) address\b",
        r"\b(?:change|changed|changing|update|updated|updating|new|wrong|correct|my|our)"
        r" (?:\w+ )?(?:address|bank|routing|account)\b(?!\s+(?:needs?|requires?|asks?|wants?|is asking|does|do|did"
        r"|can|cannot|will|is|has)\b)",
        # the customer's own bank given to be debited: "use the routing and account number below … Routing: 011000015"
        r"\b(?:routing|aba)(?: number| no\.?| #)?\s*[:#]?\s*\d{9}\b"]),
    ("finance_charge", [
        rf"\bwhy\b(?:\s+\S+){{0,8}}?\s+{_FINANCE_CHARGE}",
        r"^why (?:am i|are we|is (?:there|my account|our account)) (?:being )?(?:charged|billed)?\s*(?:a|the)"
        r" late (?:fee|charge)"
        r"\b(?!.*\b(?:not|never|on time|before)\b)",
        rf"\bwhat (?:is|are) (?:this |that |these |those |the |my |our |your |a )?{_FINANCE_CHARGE}",
        rf"\bhow (?:is|are|do you|does|much is) (?:the |your |my |this |that |a )?{_FINANCE_CHARGE}",
        rf"\b(?:explain|about) (?:the |this |that |my )?(?:line |item |charge )?{_FINANCE_CHARGE}",
        rf"^(?:the |this |a |my |what |why )?{_FINANCE_CHARGE}$",
    ], [r"\b(?:already paid|paid (?:on time|in full|it|this|that)|wrong|remove|waive|waived|reverse|refund"
        r"|dispute|mistake|error|take (?:it |this |that )?off)\b"]),
    ("receipt", [r"\b(?:receipt|receipts|proof|payment confirmation|confirmation of payment|confirmation number"
                 r"|confirmation email)\b"],
     [rf"^(?:(?:please|ok|yes|so|just|then|now) )*{PAY_VERB}\b.*\b(?:and|then|also)\b.*\breceipt",
      r"\bproof of (?:delivery|shipment)\b"]),
    ("history", [
        r"\b(?:payment history|history|past payments|previous payments|recent payments|last payment)\b",
        # "the 1.050,00 € we paid on 08/01, has it arrived?"
        r"\b(?:has|have|did) (?:it|they|the (?:payment|money|transfer|wire|funds))"
        r" (?:arrived|arrive|come in|landed|land|been received|reached you)\b",
        r"(?<!\bfuture )\bpayments (?:from|in|for|made|since|this year)\b",
        r"\bdid (?:my|the|our) (?:payment|check|wire|ach|transfer)\b(?: \S+){0,4}? (?:go through|clear|post"
        r"|arrive|land|come through)\b",
        r"\b(?:list|show|see|view)(?: me)?(?: my| our| all| the)*(?: past| recent| previous)? payments\b",
        r"\b(?:go through|gone through)\b", r"\bhas (?:my|the|our) (?:payment|check)\b",
        r"\b(?:show|list|see|tell)(?: me)? what (?:i|we) (?:have )?(?:paid|pay)\b",
        r"\b(?:get|receive|got|received) (?:my|our|the)(?: last| latest| recent)? (?:payment|check|money|wire"
        r"|ach|transfer|funds|_amount_)\b",
        r"\bstatus of (?:my|our|the) payment\b", r"\b(?:what|how much) (?:have|did) (?:i|we) (?:paid|pay)\b",
        r"\bwhat payments\b", r"\bpayments (?:have |did )?(?:i|we) (?:made|make|sent)\b",
        r"\bwhen (?:did|was) (?:i|we|my|our) (?:last )?(?:pay|paid|payment)\b", r"\blast (?:pay|paid)\b",
    ], []),
    ("deposit", [
        r"\b(?:deposit|deposits|prepay|prepayment|pay ahead|pay in advance|advance payment|down payment)\b",
        r"\b(?:_amount_|payment|pay|put|money|funds|cash)\b[^.?!]{0,20}\bon account\b(?! of\b)",  # not "on account of"
        r"\bcredit (?:to|on) (?:my|our|the) account\b", r"\b(?:add|put) _amount_",
        r"\b(?:pay|paying|send|sending)\b(?: \S+){0,3}? (?:in advance|ahead of time)\b",
    ], [
        # a deposit already made, asked about: "did you get the deposit we sent", "where did my deposit go", "the
        # deposit I made last week isn't showing" (history, LABELS.md)
        r"\b(?:did|have|has|do) (?:you|u|ya|y'all|anyone)(?: guys| people)? (?:even )?(?:get|got|receive|received|see"
        r"|seen|apply|applied|find|found|post|posted|credit|credited)\b.{0,40}\bdeposit\b",
        r"\bwhere(?: is| did| has| the hell is| the heck is)? (?:my|our|the|that) deposit\b",
        r"\b(?:my|our|the|that) deposit\b(?: \S+){0,6}? (?:go|went|gone|land|landed|arrive|arrived|show up|showing"
        r"|show|applied|received|posted|clear|cleared|disappeared|vanished)\b",
        r"\bdeposit (?:i|we) (?:made|sent|paid|wired|transferred|mailed)\b",
    ]),
    ("methods", [
        # "which card is autopay using?": the method on file, not a schedule
        r"\b(?:which|what) (?:card|bank account|account|payment method) (?:is |does )?(?:the )?(?:autopay|auto pay"
        r"|automatic payment|recurring payment)s? (?:is )?(?:using|use|on|charging|drawing)\b",
        r"\bcan (?:i|we) pay (?:by|with|using|via) (?:check|card|credit card|ach|bank|wire|cash|debit|visa|amex"
        r"|mastercard|bank transfer)\b",
        r"\bhow (?:can|do|should) (?:i|we) pay\b", r"\bpayment options\b", r"\b(?:ach|card) or (?:ach|card|check)\b",
        r"\bdo you(?: guys| all)? (?:accept|take)\b",
        r"\bcan (?:i|we) use (?:amex|visa|mastercard|discover|a credit card|credit card|ach|a check|check|paypal)\b",
        # "possible to pay with the card American Express?": a question about methods, no invoice named
        r"^(?!.*_invoice_)(?:is it |it is |is )?possible (?:to )?pay (?:by|with|using|via) (?:the |a )?"
        r"(?:card |credit card )?(?:amex|american express|visa|mastercard|discover|paypal|check|cheque|wire|ach"
        r"|bank transfer|credit card|card)\b",
    ], []),
    # "explain the fuel surcharge on 9021 before i pay it", "before we approve INV-71890, can you explain …": asked,
    # not refused (LABELS.md, 2026-12-21)
    ("invoices", [r"\bexplain\b(?!.*\b(?:interest|finance charges?|late fees?|not (?:going to )?pay|will not pay"
                  r"|refuse)\b)"
                  r".{0,100}\bbefore (?:we|i) (?:can )?(?:pay|approve|release)\b",
                  r"\bbefore (?:we|i) (?:can )?(?:pay|approve|release)\b.{0,60}\bexplain\b"
                  r"(?!.*\b(?:interest|finance charges?|late fees?)\b)"], []),
    ("deny", [r"^(?:no )?(?:please )?do not (?:pay|charge|process|run|submit|send|do|proceed)(?: (?:it|that|this"
              r"|them|anything|me|us|with it|with that|with the payment|_invoice_(?: and _invoice_)*))?"
              r"(?: (?:yet|now|please|today))*$"], []),
    ("pay", [  # requests that start with paying
        rf"^{GREETING}(?:(?:please|ok|yes|so|just|then|now|and|also|kindly) )*"
        r"(?:(?:i|we) (?:want|would like|need|wish|am ready|are ready) to |let us |let me |can (?:i|we|you) "
        r"|could (?:i|we|you) |may i |ready to |go ahead and "
        rf"|want to |need to |would like to )?{PAY_VERB}\b",
    ], [r"\bfrom now on\b", r"\bset (?:that|it|this) up\b", _REST_LATER, r"^pay you\b",  # "pay u 500 tmrw": I'll pay
        _EXPLAIN_FIRST]),
    ("add_method", [
        r"\b(?:add|adding|new|update|updating|change|changing|replace|different|another|set up|setup|link|connect"
        r"|save|enter|use|switch|switching)\b(?:\s+\S+){0,3}?\s+(?:card|cards|credit card|debit card|bank"
        r"|bank account|checking|savings|ach|payment method|payment methods)\b",
        r"\b(?:card|credit card|visa|amex|mastercard)(?: on file)? (?:is |has |was |got |has been |was just )?"
        r"(?:expired|expiring|declined|lost|stolen|canceled|cancelled|replaced|renewed|reissued|compromised"
        r"|hacked|frozen|blocked)\b",
        r"\b(?:bank|card|account)(?: info| details| information)? (?:changed|is changing|has changed)\b",
        r"\buse (?:the |our |this |these )?(?:new )?routing (?:and account )?numbers?\b",
        r"\b(?:bank|card|ach|payment method|bank transfer)\b.{0,40}\bset (?:that|it|this) up\b",
    ], []),
    ("link", [
        r"\b(?:link|connect|pair|verify|register)\b(?:\s+\S+){0,3}?\s+(?:account|telegram|phone|number|chat"
        r"|profile)\b",
        r"\b(?:account|customer) (?:number|no|num|code|id)\b", r"^(?:register|verify)\b",
    ], [r"\b(?:swift|iban|routing|beneficiary|wire instructions|bank details)\b"]),  # the seller's bank account
    ("agent", [
        # not "as agreed with your rep", "approved by the manager": a person named in passing
        r"\b(?<!with your )(?<!with the )(?<!by your )(?<!by the )(?<!by our )"
        r"(?:human|humans|real person|a person|live person|actual person|agent|representative|operator"
        r"|customer service|customer support|support team|manager|supervisor|accounts receivable|ar team"
        r"|ar department|billing department|billing team)\b",
        r"\b(?:speak|talk|chat) (?:to|with)\b", r"\bcall (?:me|us)\b", r"\bcall (?:me |us )?back\b",
        r"\btransfer me\b", r"\b(?:get|have|need|want) (?:me )?(?:someone|somebody)\b",
        r"\b(?:someone|somebody) (?:call|contact|reach out|get back|from)\b", r"\bconnect me (?:to|with)\b",
    ], []),
    ("balance", [  # questions about the amount owed
        r"\bhow much\b", r"\bwhat (?:do|does|did) (?:i|we|my account|our account) owe\b", r"\bwhat (?:i|we) owe\b",
        r"\bwhat is (?:my|our|the)(?: current| total| account| outstanding| remaining)? (?:balance|total)\b",
        r"\bwhat (?:is|are) (?:owed|outstanding|due)\b", r"\b(?:total|amount|balance) (?:due|owed|owing|outstanding)\b",
        r"\btotal amount due\b", r"\bdo (?:i|we) owe\b", r"\bhow far behind\b", r"\bwhat is the damage\b",
        r"\bwhere (?:do|does) (?:i|we|my account|our account) stand\b", r"\b(?:what|where) are (?:we|you) at\b",
        r"\b(?:left|remaining|still) to (?:pay|be paid)\b", r"\bwhat is (?:left|remaining|still owed)\b",
    ], [r"^(?!.*\bhow much\b).*\boldest\b",  # "what is the oldest thing we owe" asks for an invoice
        r"\bhow much (?:each|is each|each one)\b"
        r"|\b(?:which|what) (?:invoices|bills) are (?:open|outstanding|unpaid)\b"]),
    ("invoices", [  # questions about, and requests for, invoices
        r"\b(?:which|what) (?:invoices?|bills?|ones|items)\b", r"\bwhich ones\b", r"\bwhat is (?:still )?open\b",
        r"\bwhat (?:is|are) (?:the |my |our )?(?:(?:still|open|unpaid|overdue|past due|oldest|outstanding)\s+)*"
        r"(?:invoices?|bills?|items)\b",
        r"\bwhat is _invoice_", r"\b(?:anything|any) (?:overdue|past due|open|unpaid)\b",
        r"\b(?:what|which) is (?:the |my |our )?oldest\b",
        r"\bwhat (?:do|does) (?:i|we|my account|our account) have (?:open|outstanding|unpaid|overdue|past due)\b",
        r"\b(?:need|want|get|have)(?: a| the| my)?(?: copy of| copies of)? (?:_invoice_|invoices?)\b"
        r"(?! (?:paid|charged|processed|debited|drafted|scheduled|included)\b)",  # not "we do not want 9902 paid yet"
        r"\binvoice (?:copy|copies|list)\b",
        r"\b(?:list|show|see|view|pull up|send|resend|email|text|fax|copy|copies|details)(?: me)?(?: on| for| of)?"
        r"(?: a| the| my| our| all)?(?: copy of| copies of)?(?: the| my| our| all)?"
        r"(?: open| unpaid| outstanding| overdue| past due| due| oldest)*\s*(?:invoices?|bills?|items|_invoice_"
        r"|everything|ones)\b",
        r"\b(?:send|resend|email|text|fax)(?: me| us)? (?:a copy of )?(?:number |no |item |line )?_selector_",
    ], []),
    # part now, the rest later (LABELS.md): "take 500 today and ill send the rest friday"
    ("pay", [r"^(?:please )?(?:take|charge|run|pay|do|debit)\b.{0,40}\b(?:_date_|now)\b.{0,10}\b(?:(?:and|then) )?"
             r"(?:(?:i|we) will|ill|i ll|we ll) (?:send|pay|do|mail|wire|transfer|sort|cover|handle|settle)"
             r" the (?:rest|remainder|balance)\b"], []),
    ("promise", [  # "promise 0": their own payment, which the bot must not take (bot.nlu_decide.GUARDED)
        # Their own payment, told not asked: "we pay 1043 on friday", "I pay the invoice on the 28th, ok?", "we are
        # paying it next week" (a request asks: "pay 1043 friday", "can you charge it friday", "we want to pay…")
        r"^(?:so |then |and |ok |please correct |correction |(?:it )?is not possible(?: to)?(?: pay)?(?: now)? )?"
        r"(?:i|we)(?: are| am| will be)? (?:pay|paying|transfer"
        r"|transferring|wire|wiring|remit|remitting)\b"
        r"(?!.*\b(?:can|could|would|please|want|like|now(?! is not| not| we (?:do not|can not|have no))|today"
        r"|right away|immediately|card|visa|amex"
        r"|mastercard|account(?! of)|ach|bank account|autopay)\b)",  # "we pay next month, now is not possible"
        # "I'm paying 1043 today", "we're paying it friday": their own payment, any day (LABELS.md, 2026-12-17)
        r"^(?:so |ok |and )?(?:i am|we are|im) paying\b(?!.*\b(?:card|visa|amex|mastercard|discover|ach|bank account"
        r"|autopay|through (?:here|you|this|the (?:bot|link|portal))|with you|online|portal|link|you can)\b)",
        # paid from their side: "we pay 31190 friday through our own bill-pay run", "we'll pay these ourselves"
        r"\b(?:ourselves|(?:on|from) our (?:own )?(?:end|side)|our own (?:bill ?pay|ap|payment|check) run"
        r"|through (?:our|my) (?:own )?(?:bill ?pay|online banking|ap system|erp|bank))\b",
        r"^(?:remittance advice|zahlungsavis|avis de paiement|payment advice)\b",  # a payment already sent, advised
        r"^(?:just )?(?:a )?heads up(?: that)? (?:we|i) (?:have )?(?:sent|mailed) (?:an? |the |our )?"
        r"(?:ach|wire|payment"
        r"|check|transfer|eft)\b",
        r"^(?:fyi |just fyi |please note |note |please be advised that )?(?:we|i) (?:have )?"
        r"(?:remitted|wired|transferred"
        r"|initiated|released)\b",  # "we remitted $2,310.00 today"
        r"^pay you\b",  # "pay u 500 tmrw rest next wk": SMS for "I'll pay you"
        r"^(?:our )?payment (?:sent|made|wired|transferred|mailed|initiated|released)"
        r" (?:today|_date_|yesterday|via|by)\b",
        # "included in our 12/23 check run", "goes out with our friday ACH batch"
        r"\b(?:in|into|with|on) (?:our|the) (?:\S+ )?(?:check|payment|pay|ach|ap|bill ?pay) (?:run|batch)\b",
        r"\b(?:scheduled|queued|set up|approved|entered|make|making|made)\b (?:\w+ ){0,4}(?:in|on|through|by)"
        r" (?:our|my) (?:own )?"
        r"(?:system|ap|bank|erp|end|side|accounting)\b",
    ], _PROMISE_VETOES),
    ("promise", [  # the customer will pay, by themselves, later
        rf"\b{MODAL}\s+{ADVERBS}(?:pay|paying|send|sending|mail|mailing|get|have|cover|make|settle|catch up|clear"
        r"|wire|drop|bring|transfer|put|take care|remit|remitting|release|releasing)\b",
        r"\bexpect(?:ing)? (?:the |a |our |your )?(?:payment|check|it)\b",
        r"\b(?:i|we) can do _amount_ (?:(?:on |by )?_date_|today|tomorrow)\b",  # "we can do $800 on the 5th"
        _REST_LATER,  # "can I pay the rest next month": the rest is theirs to pay later
        r"\b(?:can not|unable to|not able to) (?:pay|afford)\b", r"\b(?:until|till)\b",
        r"\bgive (?:me|us) (?:until|till|more|a few|another|a couple|some|_date_)",
        r"\b(?:more time|extension|few more days|couple more days|grace period|promise)\b",
        r"\bcheck (?:is |was )?(?:in the mail|coming|on (?:its|the) way|mailed|sent|cut|going out)\b",
        r"\b(?:mail|mailing|mailed|send|sending|sent|cut|cutting) (?:out )?(?:you )?(?:a|the|that|our|my) check\b",
        r"\b(?:run|runs|running|cut|cuts) checks\b",
        r"\b(?:check|payment|wire|ach|transfer|funds|money|it)\b(?: \S+)? (?:will|should|shall|is going to)"
        r" (?:be )?(?:mailed|sent|wired|paid|made|issued|released|processed|transferred|arrive|out)\b",
        r"\bpayment (?:will |is going to |should |is |will be )?(?:go out|going out|coming|be sent|arrive"
        r"|on (?:its|the) way|be made|be there)\b",
        r"\bsent (?:it|the payment|payment|you|the money)\b", r"\b(?:get|gets|got) paid\b",
        r"\b(?:sent|wired|initiated|transferred|scheduled) (?:you |over |out )?(?:a|the|our|my|an)"
        r" (?:wire|ach|transfer|bank transfer|payment|e ?check)\b", r"\bwired (?:it|the money|the funds|you)\b",
        r"\b(?:check|payment|it|wire|ach) (?:\w+ )?(?:went|gone|goes|going|go) out\b",
        _REST_LATER,
    ], _PROMISE_VETOES),
    ("pay", [r"\b(?:short pay|short paying|short paid|partial payment|partially pay)\b"], []),
    ("dispute", [
        r"\balready (?:paid|sent|mailed|made)\b", r"\bpaid (?:\w+ )?already\b",
        r"\bpaid (?:in full|on time|by check|by ach|by card)\b", r"\b(?:was|were|been) paid\b",
        r"\b(?:i|we) (?:already )?paid (?:this|that|it|them|on|by|last|in|_date_|_month_|for|_invoice_)\b", r"^paid\b",
        r"\bdo not owe\b", r"\bnot (?:ours|mine|our|my)\b", r"\b(?:dispute|disputing|disputed|duplicate)\b",
        r"\bdouble (?:billed|charged|billing)\b", r"\b(?:pay|paid) (?:it |this |that )?(?:two times|twice)\b",
        r"\b(?:billed|charged|invoiced)(?: us| me)? twice\b",
        r"\b(?:two|2|double|duplicate) (?:charges|debits|withdrawals|drafts)\b"
        r"(?! (?:today|tomorrow|on|for next|scheduled|set up|planned|coming|pending))",
        r"\b(?:overcharged|overbilled|over charged|over billed|overinvoiced)\b",
        r"\b(?:please |kindly |pls )?(?:credit|refund) (?:us|me|back"
        r"|the (?!card)\w+ (?:missing|damaged|short|wrong))\b",
        r"\b(?:please )?(?:correct|fix|adjust|amend) (?:this|it|the invoice|_invoice_|the bill|the amount)\b",
        r"^(?:please )?(?:correct|fix|adjust|amend)$",
        r"\bnot (?:going to )?pay(?:ing)? for\b", r"\bnot paying\b", r"\brefuse to pay\b",
        r"\bnot (?:a|one) (?:cent|penny|dime|red cent|dollar)\b(?! more)", r"\byou (?:want|expect) (?:me|us) to pay\b",
        r"\b(?:will not|not going to|do not want to) pay\b(?! (?:until|till|before))",
        r"\bpay\b.*" + _SELLER_FIRST,
        r"\bcredit(?: memo)? (?:was |has |is )?(?:not|never) (?:been )?applied\b", r"\bshould (?:be|have been)\b",
        r"\bwhy (?:am|are|is) (?:i|we|this|my|our) (?:still )?(?:being )?(?:charged|billed)\b",
        r"\b(?:never ordered|did not order|late fee|mistake|cashed)\b",
        r"\b(?:check|payment|ach|wire)\b(?: \S+)? (?:cleared|went through|was cashed|was deposited|posted)\b",
        rf"\b{_WRONG}\b.*\b{_BILLED_THING}\b", rf"\b{_BILLED_THING}\b.*\b{_WRONG}\b",
        # two prices set side by side: "2388 says $19 a bag, we agreed $16 on the phone"
        r"\b(?:says|shows|billed|charged|invoiced|lists)\b.{0,30}_amount_.{0,40}\b(?:we|you) (?:agreed|quoted|were"
        r" quoted|negotiated)\b",
    ], []),
    ("schedule", [r"\b(?:schedule|scheduled|reschedule|postdate|post date|postdated|autopay|auto pay"
                  r"|recurring payment|payment plan|set up (?:a |the )?payment)\b"], []),
    ("statement", [r"\b(?:statement|statements|account summary)\b",
                   # "send me a paper with all the account, everything we buy and pay this year"
                   r"\b(?:send|give|email|mail) (?:me|us) (?:a |an )?(?:paper|document|overview|report|summary|list)"
                   r" (?:with|of|for) (?:all|the whole|our whole|everything)\b"], []),
    ("methods", [
        r"\b(?:payment methods?|methods)\b",
        r"\b(?:cards?|bank|bank account|account|ach|methods?) (?:is |are )?on file\b",
        r"\b(?:what|which) (?:card|cards|bank|account|method)\b", r"\bsaved (?:cards?|payment|methods?)\b",
        r"\b(?:remove|delete|deactivate|disable) (?:\w+ ){0,3}(?:card|cards|visa|mastercard|amex|bank|method)\b",
        r"\bcards? (?:on file|do you have)\b",
        r"\b(?:cards?|bank|account|method)s? (?:that )?(?:you|you guys) (?:have|got)\b",
        r"\bon file\b",
    ], []),
    ("pay", [rf"\b{PAY_VERB}\b"], []),
    ("invoices", [r"\b(?:invoices|invoice|bills|open items)\b"], []),
    ("balance", [r"\b(?:balance|balances|owe|owed|owing|due|outstanding|behind)\b"], []),
    ("help", [
        r"\b(?:help|what can you do|what do you do|how does (?:this|it) work|menu|options|commands|confused"
        r"|instructions|how to use)\b",
        r"\bhow (?:do|can) (?:i|we) use (?:this|it|you)\b", r"\bwhat (?:can|do|should) i (?:do|text|say|ask|send)\b",
        r"\bwhat (?:can|does|do|will) (?:you|this|it|the)(?: \w+)? (?:do|help (?:me )?with)\b",
    ], []),
    ("confirm", [r"^(?:go ahead|sounds good|do it|go for it|please do(?! not)|that is (?:right|correct)|proceed"
                 r"|perfect|(?:confirmed|approved)(?: please)? proceed)\b"],
     [r"\b(?:lmao|lmfao|lol|haha+|rofl|smh|yeah right|sure sure)\b"]),  # "lmao ok", "ugh. whatever": no consent
    ("link", [r"\bthis is \w+(?: \w+)? (?:from|at|with)\b"], []),  # an introduction, when nothing else is asked
    ("deny", [r"^(?:please )?(?:do not|never mind|not now|not right now|not yet|cancel (?:that|it|this)|hold on"
              r"|wait|stop that|forget it)\b"], []),
]
