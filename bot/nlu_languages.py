"""A customer who writes wholly in German, Dutch, French, Spanish, Italian, Portuguese, Polish or a Scandinavian
language is read through the words of accounts receivable, said in English: "bitte die Rechnung Nr. 30388 heute
bezahlen" is read as "please the invoice no. 30388 today pay". The rules and the intent model then read it as they
read English.

Only the words of the trade are carried over (invoices, paying, dates, disputes, the channel), never a word that is
also English ("rest", "hier", "sim"), and the small words ("die", "en", "la") only in their own language: a message in
English reads as it did. Phrases come before their words ("nächste Woche" before "Woche"), and all are carried over
in one pass (an English word carried over is not read again as a small word). Dates in digits are read day first,
positions in words ("die zweite") in their language, numbers in words by text2num in the message's language. The bot's
replies stay in English.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from text_to_num import alpha2digit  # type: ignore[import-untyped]

from bot.nlu_slots import CURRENCY_WORD, MONTH_NAMES

_WE_DO_NOT_PAY = "we are not paying"

# phrase → English. Lower case; a space matches any run of spaces.
_PHRASES: dict[str, str] = {
    # not paying (said before the words are carried over, for the word order)
    "so zahlen wir nicht": _WE_DO_NOT_PAY, "zahlen wir nicht": _WE_DO_NOT_PAY, "wir zahlen nicht": _WE_DO_NOT_PAY,
    "wir bezahlen nicht": _WE_DO_NOT_PAY, "werden wir nicht bezahlen": _WE_DO_NOT_PAY,
    "werden wir nicht zahlen": _WE_DO_NOT_PAY, "wij betalen niet": _WE_DO_NOT_PAY, "betalen wij niet": _WE_DO_NOT_PAY,
    "we betalen niet": _WE_DO_NOT_PAY, "nous ne payons pas": _WE_DO_NOT_PAY, "nous ne paierons pas": _WE_DO_NOT_PAY,
    "ne payons pas": _WE_DO_NOT_PAY, "ne paierons pas": _WE_DO_NOT_PAY, "ne réglerons pas": _WE_DO_NOT_PAY,
    "ne réglons pas": _WE_DO_NOT_PAY, "no pagamos": _WE_DO_NOT_PAY, "no pagaremos": _WE_DO_NOT_PAY,
    "no vamos a pagar": _WE_DO_NOT_PAY, "non paghiamo": _WE_DO_NOT_PAY, "non pagheremo": _WE_DO_NOT_PAY,
    "non pagamos": _WE_DO_NOT_PAY, "não pagamos": _WE_DO_NOT_PAY, "não vamos pagar": _WE_DO_NOT_PAY,
    "vi betaler ikke": _WE_DO_NOT_PAY, "vi betalar inte": _WE_DO_NOT_PAY, "vi betaler ikkje": _WE_DO_NOT_PAY,
    # days and spans
    "nächste woche": "next week", "naechste woche": "next week", "kommende woche": "next week",
    "volgende week": "next week", "la semaine prochaine": "next week", "semaine prochaine": "next week",
    "la próxima semana": "next week", "la semana que viene": "next week", "próxima semana": "next week",
    "la prossima settimana": "next week", "prossima settimana": "next week", "na próxima semana": "next week",
    "næste uge": "next week", "nästa vecka": "next week", "neste uke": "next week",
    "ende des monats": "end of the month", "ende dieses monats": "end of the month", "monatsende": "end of the month",
    "ende des jahres": "end of the year", "jahresende": "end of the year", "einde van de maand": "end of the month",
    "eind van de maand": "end of the month", "eind deze maand": "end of the month",
    "fin du mois": "end of the month", "fin de mois": "end of the month", "fin de mes": "end of the month",
    "finales de mes": "end of the month", "fine mese": "end of the month", "fine del mese": "end of the month",
    "fim do mês": "end of the month", "fim do mes": "end of the month", "slutningen af måneden": "end of the month",
    "slutet av månaden": "end of the month", "fin d'année": "end of the year", "fin de año": "end of the year",
    "fine anno": "end of the year", "nächsten monat": "next month", "naechsten monat": "next month",
    "volgende maand": "next month", "le mois prochain": "next month", "mois prochain": "next month",
    "el mes que viene": "next month", "el próximo mes": "next month", "próximo mes": "next month",
    "il mese prossimo": "next month", "il prossimo mese": "next month", "mese prossimo": "next month",
    "próximo mês": "next month", "næste måned": "next month", "nästa månad": "next month",
    "diesen monat": "this month", "deze maand": "this month", "ce mois-ci": "this month", "ce mois": "this month",
    "este mes": "this month", "questo mese": "this month", "este mês": "this month",
    "letzten monat": "last month", "vorigen monat": "last month", "vorige maand": "last month",
    "le mois dernier": "last month", "mois dernier": "last month", "el mes pasado": "last month",
    "il mese scorso": "last month", "mese scorso": "last month", "mês passado": "last month",
    "guten morgen": "good morning", "goede morgen": "good morning", "aujourd'hui": "today", "i dag": "today",
    "i morgen": "tomorrow", "i går": "yesterday", "igår": "yesterday",
    "pasado mañana": "the day after tomorrow", "übermorgen": "the day after tomorrow",
    "so schnell wie möglich": "asap", "so bald wie möglich": "asap", "zo snel mogelijk": "asap",
    "dès que possible": "asap", "lo antes posible": "asap", "cuanto antes": "asap", "il prima possibile": "asap",
    "o mais rápido possível": "asap", "heiligabend": "christmas eve", "weihnachten": "christmas",
    "kerstmis": "christmas", "noël": "christmas", "navidad": "christmas", "nochebuena": "christmas eve",
    "natale": "christmas", "vigilia di natale": "christmas eve", "natal": "christmas", "jul": "christmas",
    "neujahr": "new year's day", "silvester": "new year's eve", "nieuwjaar": "new year's day",
    "nouvel an": "new year's day", "año nuevo": "new year's day", "capodanno": "new year's day",
    "tout de suite": "right away", "en retard": "overdue", "en retard de paiement": "overdue",
    "solde restant": "remaining balance", "le solde": "the balance", "au lieu de": "instead of",
    "se terminant par": "ending in", "terminant par": "ending in", "que termina en": "ending in",
    "che termina con": "ending in", "eindigend op": "ending in", "endend auf": "ending in",
    "arrêté au": "as of", "bien passé": "gone through", "prélèvement automatique": "autopay",
    "domiciliación automática": "autopay", "addebito automatico": "autopay", "pagamento automatico": "autopay",
    "pago automático": "autopay", "automatische betaling": "autopay", "compte client": "customer account",
    "cuenta de cliente": "customer account", "conto cliente": "customer account", "kundenkonto": "customer account",
    "avez-vous bien reçu": "have you received", "avez-vous reçu": "have you received", "bien reçu": "received",
    "vous pouvez faire quoi": "what can you do", "que pouvez-vous": "what can you", "en plusieurs versements":
    "in installments", "en cuotas": "in installments", "in più rate": "in installments", "a rate mensili":
    "in monthly installments", "mes factures": "my invoices", "nos factures": "our invoices",
    "hablar con una persona": "talk to a person", "parlare con una persona": "talk to a person",
    "parler à quelqu'un": "talk to someone", "parler à une personne": "talk to a person",
    "mit einem menschen": "with a person", "met een medewerker": "with a person",
    "c'est quoi": "what is", "qu'est-ce que": "what is", "avant de payer": "before paying",
    "antes de pagar": "before paying", "prima di pagare": "before paying", "vor der zahlung": "before paying",
    "comment je peux": "how can i", "comment puis-je": "how can i",
    "comment payer": "how to pay", "cómo puedo": "how can i", "como posso": "how can i", "come posso": "how can i",
    "wie kann ich": "how can i", "hoe kan ik": "how can i", "ya pagamos": "we already paid",
    "ya hemos pagado": "we already paid", "già pagato": "already paid", "già pagata": "already paid",
    "già stata pagata": "already paid", "déjà payé": "already paid", "déjà payée": "already paid",
    "já pagámos": "we already paid", "já pagamos": "we already paid", "bereits bezahlt": "already paid",
    "schon bezahlt": "already paid", "al betaald": "already paid", "fino al": "until the", "hasta el": "until the",
    "jusqu'au": "until the", "bis zum": "until the", "até ao": "until the", "até dia": "until the",
    "stiamo aspettando": "we are waiting for", "estamos esperando": "we are waiting for",
    "nous attendons": "we are waiting for", "wir warten auf": "we are waiting for",
    "wij wachten op": "we are waiting for",
    "estamos à espera": "we are waiting for", "a saldo": "in payment of", "hoy mismo": "today",
    "ahora mismo": "right now",
    "de golpe": "at once", "en una vez": "at once", "in una volta": "at once", "en une fois": "at once",
    "auf einmal": "at once", "in één keer": "at once", "de uma vez": "at once", "lo que queda": "what is left",
    "lo vencido": "the overdue", "tutto il saldo residuo": "the whole remaining balance",
    "saldo residuo": "remaining balance", "saldo pendiente": "open balance", "valor total em dívida": "the total owed",
    "le 3 più vecchie": "the 3 oldest", "la più vecchia": "the oldest", "le più vecchie": "the oldest",
    "la más antigua": "the oldest", "las más antiguas": "the oldest", "la plus ancienne": "the oldest",
    "les plus anciennes": "the oldest", "die älteste": "the oldest", "die ältesten": "the oldest",
    "de oudste": "the oldest", "a mais antiga": "the oldest", "as mais antigas": "the oldest",
    "de más": "too much", "a mais": "too much", "de trop": "too much", "zu viel": "too much", "te veel": "too much",
    "in più": "too much", "número equivocado": "wrong number", "numero sbagliato": "wrong number",
    "mauvais numéro": "wrong number", "falsche nummer": "wrong number", "verkeerd nummer": "wrong number",
    "número errado": "wrong number", "dejad de escribirme": "stop texting me", "dejen de escribirme": "stop texting me",
    "arrêtez de m'écrire": "stop texting me", "smettete di scrivermi": "stop texting me",
    "hören sie auf": "stop", "non voglio più ricevere": "i do not want to receive",
    "no quiero recibir": "i do not want to receive",
    "je ne veux plus recevoir": "i do not want to receive", "volver a enviarme": "start sending me again",
    "voltar a enviar-me": "start sending me again", "à nouveau": "again", "di nuovo": "again", "de nuevo": "again",
    "opnieuw": "again", "wieder": "again", "cosa sai fare": "what can you do", "qué puedes hacer": "what can you do",
    "o que posso fazer": "what can i do", "que sais-tu faire": "what can you do", "was kannst du": "what can you do",
    "chi scrive": "who is this", "chi parla": "who is this", "quem fala": "who is this", "quién eres": "who are you",
    "qui parle": "who is this", "met wie spreek ik": "who is this", "mit wem spreche ich": "who is this",
    "coordinate bancarie": "bank details for the transfer", "coordonnées bancaires": "bank details for the transfer",
    "datos bancarios": "bank details for the transfer", "dados bancários": "bank details for the transfer",
    "piano di rientro": "payment plan", "plan de pagos": "payment plan", "plano de pagamento": "payment plan",
    "plan de paiement": "payment plan", "betalingsregeling": "payment plan", "segunda via": "copy",
    "storico dei pagamenti": "payment history", "historial de pagos": "payment history",
    "historique des paiements": "payment history", "histórico de pagamentos": "payment history",
    "zahlungshistorie": "payment history", "betalingsgeschiedenis": "payment history",
    "tutte e due": "both", "todas las facturas": "all the invoices", "tutte le fatture": "all the invoices",
    "toutes les factures": "all the invoices", "alle rechnungen": "all the invoices",
    "alle facturen": "all the invoices",
    "todas as faturas": "all the invoices", "facturas abiertas": "open invoices", "fatture aperte": "open invoices",
    "factures ouvertes": "open invoices", "offenen rechnungen": "open invoices", "faturas em aberto": "open invoices",
    "en atraso": "overdue", "em atraso": "overdue", "en falta": "missing", "em falta": "missing",
    "die zwei ältesten": "the two oldest", "die drei ältesten": "the three oldest", "de twee oudste": "the two oldest",
    "de drie oudste": "the three oldest", "les deux plus anciennes": "the two oldest", "las dos más antiguas":
    "the two oldest", "le due più vecchie": "the two oldest", "as duas mais antigas": "the two oldest",
    "zu viel berechnet": "overcharged", "te veel gerekend": "overcharged", "te veel berekend": "overcharged",
    "in die post gegangen": "went in the mail", "rückruf unter": "call back at", "nu meteen": "right now",
    "maak er": "make it", "los van facturen": "not for any invoice", "ohne bezug auf": "not for",
    "saldo zum": "balance as of", "kontoauszug per": "statement as of", "kontoauszug zum": "statement as of",
    "am ende des monats": "at the end of the month", "ab sofort": "from now on", "wilt u": "can you",
    "kunt u": "can you",
    "können sie": "can you", "sie können": "you can",
    "nein moment": "no wait", "no perdón": "no sorry", "non pardon": "no sorry", "no scusi": "no sorry",
    "não desculpe": "no sorry", "nee sorry": "no sorry", "nächster woche": "next week",
    "nicht abbuchen": "do not debit",
    "nicht einziehen": "do not collect", "nosotros mismos": "ourselves", "noi stessi": "ourselves",
    "nous-mêmes": "ourselves", "ne la paiera pas": "will not pay it", "ne la paierons pas": "will not pay it",
    "ne le paierons pas": "will not pay it", "no la vamos a pagar": "we will not pay it",
    "non la paghiamo": "we will not pay it", "não a vamos pagar": "we will not pay it", "non merci": "no thanks",
    "no gracias": "no thanks", "no grazie": "no thanks", "nein danke": "no thanks", "nee dank je": "no thanks",
    "saldo completo": "full balance", "importe pendiente": "open amount", "a cuenta de": "toward",
    "os parece bien si": "is it ok if", "antes del": "before the", "avant le": "before the", "prima del": "before the",
    "vor dem": "before the", "antes do": "before the", "hoje de manhã": "this morning", "quanto siamo indietro":
    "how far behind are we", "im rückstand": "behind", "come funziona": "how does it work",
    "comment ça marche": "how does it work", "cómo funciona": "how does it work", "como funciona": "how does it work",
    "wie funktioniert": "how does it work", "hoe werkt": "how does it work", "quem está a falar": "who is this",
    "con quién hablo": "who is this", "à qui je parle": "who is this", "pode ser": "ok", "dá para": "can you",
    "el día": "the day", "no dia": "on the day", "il giorno": "the day", "am tag": "on the day", "dela upp": "split",
    "holder tilbake": "withhold", "håller inne": "withhold", "fikk bare": "only got", "fick bara": "only got",
    "sätta in": "deposit", "ble sendt": "was sent", "blev sendt": "was sent", "skickades": "was sent",
    "en 4 fois": "in 4 payments", "en 3 fois": "in 3 payments", "en deux fois": "in 2 payments",
    "en trois fois": "in 3 payments", "faire un avoir": "issue a credit note", "li teniamo": "we keep them",
    "les gardons": "we keep them", "nos las quedamos": "we keep them", "behalten sie": "we keep them",
    # who pays, and how
    "auf unser konto": "on our account", "auf unserem konto": "on our account", "op onze rekening": "on our account",
    "sur notre compte": "on our account", "en nuestra cuenta": "on our account", "a nuestra cuenta": "on our account",
    "sul nostro conto": "on our account", "na nossa conta": "on our account", "på vores konto": "on our account",
    "på vårt konto": "on our account", "nicht für eine rechnung": "not for an invoice",
    "pas sur une facture": "not on any invoice", "no para una factura": "not for an invoice",
    "non su una fattura": "not on any invoice", "niet voor een factuur": "not for an invoice",
    "keine sms mehr": "no more messages", "keine nachrichten mehr": "no more messages",
    "keine e-mails mehr": "no more messages", "geen berichten meer": "no more messages",
    "geen sms meer": "no more messages", "plus de messages": "no more messages", "plus de sms": "no more messages",
    "no más mensajes": "no more messages", "no me envíen más": "stop sending me", "non inviate più": "stop sending",
    "nessun messaggio": "no more messages", "não enviem mais": "stop sending",
    "ingen flere beskeder": "no more messages",
    "inga fler meddelanden": "no more messages", "wer ist das": "who is this", "wer sind sie": "who are you",
    "qui êtes-vous": "who are you", "qui est-ce": "who is this", "quién es": "who is this",
    "quiénes son": "who are you", "chi siete": "who are you", "chi è": "who is this", "wie is dit": "who is this",
    "wie bent u": "who are you", "quem é": "who is this", "hvem er": "who is", "vem är": "who is",
    "noch nicht": "not yet", "nog niet": "not yet", "pas encore": "not yet", "todavía no": "not yet",
    "aún no": "not yet", "non ancora": "not yet", "ainda não": "not yet", "ikke endnu": "not yet", "inte än": "not yet",
    "in ordnung": "ok", "passt so": "ok", "d'accord": "ok", "de acuerdo": "ok", "va bene": "ok", "d'accordo": "ok",
    "tudo bem": "ok", "vielen dank": "thanks", "herzlichen dank": "thanks", "dank u": "thanks", "dank je": "thanks",
    "muchas gracias": "thanks", "mille grazie": "thanks", "merci beaucoup": "thanks", "tusen takk": "thanks",
    "grazie mille": "thanks", "buone feste": "happy holidays", "joyeux noël": "merry christmas",
    "frohe weihnachten": "merry christmas", "feliz navidad": "merry christmas", "buon natale": "merry christmas",
    "prettige feestdagen": "happy holidays", "boas festas": "happy holidays", "god jul": "merry christmas",
    "fröhliche weihnachten": "merry christmas", "vrolijk kerstfeest": "merry christmas",
    "tack så mycket": "thanks", "mange tak": "thanks", "zwei mal": "twice", "deux fois": "twice", "dos veces": "twice",
    "due volte": "twice", "duas vezes": "twice", "två gånger": "twice", "to gange": "twice",
    "nicht bestellt": "never ordered", "nie bestellt": "never ordered", "niet besteld": "never ordered",
    "pas commandé": "never ordered", "jamais commandé": "never ordered", "no pedimos": "never ordered",
    "non ordinato": "never ordered", "mai ordinato": "never ordered", "não encomendámos": "never ordered",
    "relevé de compte": "statement", "estado de cuenta": "statement", "estratto conto": "statement",
    "extrato de conta": "statement", "état de compte": "statement", "numéro client": "customer number",
    "numéro de client": "customer number", "número de cliente": "customer number", "codice cliente": "customer number",
    "nota de crédito": "credit note", "nota di credito": "credit note", "note de crédit": "credit note",
    "un avoir": "a credit note", "frais de retard": "late fee", "intérêts de retard": "late interest",
    "pénalités de retard": "late fee", "intereses de demora": "late interest", "interessi di mora": "late interest",
    "juros de mora": "late interest", "recargo por demora": "late fee", "en plusieurs fois": "in installments",
    "a plazos": "in installments", "a rate": "in installments", "in rate": "in installments",
    "in termijnen": "in installments", "em prestações": "in installments", "auf raten": "in installments",
    "in raten": "in installments", "paiement programmé": "scheduled payment", "paiement prévu": "scheduled payment",
    "pago programado": "scheduled payment", "pagamento programmato": "scheduled payment",
    "geplande betaling": "scheduled payment", "geplante zahlung": "scheduled payment",
    "pagamento agendado": "scheduled payment", "débito direto": "direct debit", "addebito diretto": "direct debit",
    "domiciliación bancaria": "direct debit", "automatische incasso": "direct debit",
    "carte bancaire": "card", "carte de crédit": "credit card", "tarjeta de crédito": "credit card",
    "carta di credito": "credit card", "cartão de crédito": "credit card", "zurückrufen": "call back",
    "rückruf": "call back", "terugbellen": "call back", "me rappeler": "call me back", "nous rappeler": "call us back",
    "llamarme": "call me", "richiamarmi": "call me back", "ligar-me": "call me", "ring mig": "call me",
    "ringe mig": "call me", "hinterlegte karte": "card on file", "hinterlegten karte": "card on file",
    "was können sie": "what can you do", "que pouvez-vous faire": "what can you do",
    "qué pueden hacer": "what can you do",
    # selectors, holidays and asks of the 2026-12-27 tuning batches
    "beiden ältesten": "two oldest", "dos facturas más antiguas": "two oldest invoices",
    "más antiguas": "oldest", "más antigua": "oldest", "två äldsta": "two oldest", "tre äldsta": "three oldest",
    "to ældste": "two oldest", "tre ældste": "three oldest", "to eldste": "two oldest", "tre eldste": "three oldest",
    "per einde van deze maand": "as of the end of this month", "per einde van de maand": "as of the end of the month",
    "het restant": "the rest", "tweede kerstdag": "boxing day", "eerste kerstdag": "christmas",
    "na oud en nieuw": "after new year", "oud en nieuw": "new year's eve", "driekoningen": "epiphany",
    "heilige drei könige": "epiphany", "dreikönigstag": "epiphany", "día de reyes": "epiphany",
    "dia de reis": "epiphany", "epifania": "epiphany", "épiphanie": "epiphany", "trettondedag jul": "epiphany",
    "helligtrekongersdag": "epiphany", "la saint-sylvestre": "new year's eve", "saint-sylvestre": "new year's eve",
    "giorno di santo stefano": "boxing day", "santo stefano": "boxing day", "nochevieja": "new year's eve",
    "san silvestro": "new year's eve", "nyårsafton": "new year's eve", "nytårsaften": "new year's eve",
    "nyttårsaften": "new year's eve", "annandag jul": "boxing day", "anden juledag": "boxing day",
    "andre juledag": "boxing day", "stephanstag": "boxing day", "zweiter weihnachtsfeiertag": "boxing day",
    "zweiten weihnachtsfeiertag": "boxing day", "a día de hoy": "right now", "en revisión": "under review",
    "anzi no": "no wait", "estratto conto al": "statement as of", "saldo al": "balance as of",
    "relevé au": "statement as of", "o total": "the total", "em prestações mensais": "in monthly installments",
    "ligger vi efter": "are we behind", "redan betald": "already paid", "redan betalt": "already paid",
    "den här": "this one", "kommer senare": "comes later", "i övermorgon": "the day after tomorrow",
    "står allerede": "is already", "på listen": "on the list", "hvad skylder vi": "what do we owe",
    "mag eruit": "can be cancelled",
    "in sospeso": "on hold", "la teniamo": "we keep it", "la paghiamo": "we pay it", "alla scadenza": "at the due date",
    "überweisen wir noch selbst": "we transfer ourselves", "überweisen wir selbst": "we transfer ourselves",
    "zahlen wir selbst": "we pay ourselves", "betaler vi selv": "we pay ourselves",
    "betalar vi själva": "we pay ourselves", "skal blive stående": "should stay", "skal bli stående": "should stay",
    # Polish
    "nie zapłacimy": _WE_DO_NOT_PAY, "nie płacimy": _WE_DO_NOT_PAY, "nigdy nie zamawialiśmy": "we never ordered",
    "nie zamawialiśmy": "we never ordered", "za dużo": "too much", "dwa razy": "twice", "plan spłaty": "payment plan",
    "na raty": "in installments", "w ratach": "in installments", "jesteśmy winni": "do we owe", "ile wynosi": "what is",
    "na dzień": "as of", "na poczet": "toward", "z karty": "from the card", "w przyszłym tygodniu": "next week",
    "do końca miesiąca": "by the end of the month", "koniec miesiąca": "end of the month",
    "w przyszłym miesiącu": "next month", "już zapłaciliśmy": "we already paid", "zostało zapłacone": "was paid",
    "nota korygująca": "credit note", "nota kredytowa": "credit note", "wyciąg z konta": "statement",
    "betaler vi ikke": _WE_DO_NOT_PAY, "betalar vi inte": _WE_DO_NOT_PAY,
    "bortsett fra": "except", "bortsett från": "except", "det resterende": "the rest", "i avdrag": "in installments",
    "e a segunda": "and the second", "gået igennem": "gone through", "gått igenom": "gone through",
    "i mandags": "last monday", "i tirsdags": "last tuesday", "i tisdags": "last tuesday",
    "i onsdags": "last wednesday", "i torsdags": "last thursday", "i fredags": "last friday",
    # agreeing, promising, asking (2026-12-27)
    "c'est bon pour moi": "ok", "c'est bon": "ok", "ça me va": "ok", "me parece bien": "ok", "mi va bene": "ok",
    "sieht gut aus": "looks good", "ziet er goed uit": "looks good", "ser bra ut": "looks good",
    "ser godt ud": "looks good", "ser bra ud": "looks good", "est-ce que je peux": "can i", "est-ce que": "",
    "de nouveau": "again", "sin falta": "without fail", "vi confermo": "we confirm", "undrar om": "wonder if",
    "lägga in": "add", "verzetten van": "move from", "verplaatsen van": "move from",
    "verschuiven van": "move from", "décalez-le": "move it", "décalez-la": "move it", "reportez-le": "move it",
    "kör på": "go ahead", "kjør på": "go ahead", "de volgende": "the following",
    "volgende facturen": "following invoices", "adesso non possiamo": "at the moment we can not",
    "i förrgår": "the day before yesterday", "i morse": "this morning", "i morges": "this morning",
    "just nu": "right now", "denne måned": "this month", "denna månad": "this month", "denne måneden": "this month",
    "sidst på måneden": "end of the month", "inden udgangen af måneden": "by the end of the month",
    "udgangen af måneden": "end of the month", "slutten av måneden": "end of the month",
    "det forfaldne": "the overdue", "det forfalte": "the overdue", "det förfallna": "the overdue",
    "hele det utestående beløpet": "the whole outstanding balance", "auf dem laufenden": "current",
    "avant la fin de l'année": "before the end of the year", "la fin de l'année": "the end of the year",
    "fin de l'année": "end of the year", "à compter d'aujourd'hui": "from now on",
    "garde en attente": "hold", "en attente": "on hold", "bon de livraison": "delivery note",
    "albarán de devolución": "return note", "deux plus anciennes": "two oldest", "tout le retard": "all the overdue",
    "le retard": "the overdue", "saldo pendiente a": "open balance as of", "a fecha de": "as of",
    "die rechnung unten": "the invoice below", "die anderen": "the others", "deze wordt": "this one is",
    "as faturas": "the invoices", "no cartão": "on the card", "klären wir noch intern": "we check internally",
    "mogen we": "may we", "kan ik": "can i", "kan jag": "can i", "kan vi": "can we",
    "dezelfde levering": "the same delivery", "een betaalbewijs": "a receipt",

    "cosa potete fare": "what can you do", "wat kunt u": "what can you do",
}

# word → English. Whole words only; forms listed as they are written.
_WORDS: dict[str, str] = {
    # an invoice's fate in a letter about several (bot.nlu_slots, own words)
    "godkendt": "approved", "godkänd": "approved", "godkjent": "approved",
    "förfaller": "falls due", "forfalder": "falls due", "attendiamo": "we wait",
    "aspettiamo": "we wait", "esperamos": "we wait", "attendons": "we wait",
    # invoices and documents
    "rechnung": "invoice", "rechnungen": "invoices", "rechnungsnummer": "invoice number", "factuur": "invoice",
    "facturen": "invoices", "facture": "invoice", "factures": "invoices", "factura": "invoice", "facturas": "invoices",
    "fattura": "invoice", "fatture": "invoices", "fatura": "invoice", "faturas": "invoices", "faktura": "invoice",
    "fakturaer": "invoices", "fakturor": "invoices", "fakturan": "the invoice", "fakturaen": "the invoice",
    "kopie": "copy", "kopien": "copies", "copie": "copy", "copies": "copies", "copia": "copy",
    "kontoauszug": "statement", "kontoübersicht": "statement", "saldenbestätigung": "statement",
    "rekeningoverzicht": "statement", "afschrift": "statement", "extracto": "statement", "kontoudtog": "statement",
    "kontoutdrag": "statement", "saldo": "balance", "gutschrift": "credit note", "creditnota": "credit note",
    "quittung": "receipt", "zahlungsbestätigung": "payment confirmation receipt", "beleg": "receipt",
    "kwitantie": "receipt", "betalingsbewijs": "receipt", "reçu": "receipt", "justificatif": "receipt",
    "recibo": "receipt", "justificante": "receipt", "ricevuta": "receipt", "quietanza": "receipt",
    "kvittering": "receipt", "kvitto": "receipt", "kundennummer": "customer number", "klantnummer": "customer number",
    "kundenummer": "customer number", "kundnummer": "customer number",
    # paying
    "bezahlen": "pay", "zahlen": "pay", "zahle": "pay", "begleichen": "settle", "abbuchen": "debit",
    "einziehen": "collect", "belasten": "charge", "bezahlt": "paid", "gezahlt": "paid", "beglichen": "paid",
    "abgebucht": "debited", "zahlung": "payment", "zahlungen": "payments", "überweisen": "transfer",
    "überweisung": "transfer", "überwiesen": "transferred", "ueberweisen": "transfer", "betalen": "pay",
    "betaald": "paid", "betaling": "payment", "betalingen": "payments", "overmaken": "transfer",
    "overgemaakt": "transferred", "overschrijving": "transfer", "afschrijven": "debit", "afgeschreven": "debited",
    "payer": "pay", "payons": "pay", "paierons": "will pay", "payé": "paid", "payée": "paid", "payées": "paid",
    "régler": "settle", "réglé": "paid", "réglée": "paid", "prélever": "debit", "prélevé": "debited",
    "prélèvement": "direct debit", "débiter": "debit", "débité": "debited", "paiement": "payment",
    "paiements": "payments", "virement": "transfer", "virer": "transfer", "viré": "transferred", "pagar": "pay",
    "pagamos": "we pay", "pagaremos": "we will pay", "pagado": "paid", "pagada": "paid", "cobrar": "charge",
    "cobren": "charge", "cárguenlo": "charge it", "cargar": "charge", "pago": "payment", "pagos": "payments",
    "transferencia": "transfer", "pagare": "pay", "paghiamo": "we pay", "pagheremo": "we will pay", "pagato": "paid",
    "pagata": "paid", "addebitare": "charge", "addebitate": "charge", "addebitato": "charged", "saldare": "settle",
    "pagamento": "payment", "pagamenti": "payments", "bonifico": "transfer", "pagam": "pay",
    "pagámos": "we paid", "pagou": "paid", "transferência": "transfer", "betale": "pay", "betala": "pay",
    "betalt": "paid", "betaler": "pay", "betalar": "pay", "overførsel": "transfer",
    "överföring": "transfer", "lastschrift": "direct debit", "sepa-lastschrift": "direct debit",
    "domiciliación": "direct debit", "restbetrag": "the rest", "restbedrag": "the rest",
    "solde": "balance", "anzahlung": "prepayment", "vorauszahlung": "prepayment", "vorkasse": "prepayment",
    "aanbetaling": "prepayment", "vooruitbetaling": "prepayment", "acompte": "prepayment", "anticipo": "prepayment",
    "acconto": "prepayment", "adiantamento": "prepayment", "forudbetaling": "prepayment",
    "förskottsbetalning": "prepayment", "ratenzahlung": "payment plan", "raten": "installments",
    "monatsraten": "monthly installments", "termijnen": "installments", "échéancier": "payment plan",
    "mensualités": "monthly installments", "plazos": "installments", "cuotas": "installments",
    "rateizzare": "pay in installments", "rateizzazione": "payment plan", "prestações": "installments",
    "parcelas": "installments", "afbetaling": "installments", "avbetalning": "installments",
    "planen": "schedule", "einplanen": "schedule", "inplannen": "schedule", "programmer": "schedule",
    "programmez": "schedule", "programar": "schedule", "programen": "schedule", "programmare": "schedule",
    "programmate": "schedule", "agendar": "schedule", "stornieren": "cancel", "storniert": "cancelled",
    "annuler": "cancel", "annulez": "cancel", "annulé": "cancelled", "cancelar": "cancel", "cancelen": "cancel",
    "anular": "cancel", "annullare": "cancel", "annullate": "cancel", "annuleren": "cancel", "annuleer": "cancel",
    "widerrufen": "revoke", "mandat": "mandate", "mandato": "mandate", "machtiging": "mandate",
    "solder tout": "settle all", "solder la": "settle the", "solder les": "settle the", "solder le": "settle the",
    "solder nos": "settle our", "réglez": "pay", "réglons": "pay", "règlement": "payment", "débitez": "debit",
    "payez": "pay", "prépayer": "prepay", "versement": "payment", "versements": "payments", "étaler": "spread",
    "échelonner": "spread", "chèque": "check", "cheque": "check", "posté": "mailed",
    "décalez": "move", "décaler": "move", "reporter": "move", "combien": "how much", "relevé": "statement",
    "un duplicata": "a copy", "renvoyer": "send again", "bonsoir": "good evening", "relier": "link", "lier": "link",
    "numéro": "number", "seulement": "only", "écrasé": "damaged", "écrasées": "damaged", "écrasés": "damaged",
    "abîmées": "damaged", "cassées": "broken", "cassés": "broken", "liste": "list", "première": "first",
    "deuxième": "second", "troisième": "third", "pagad": "pay", "paguen": "pay",
    "cóbrenlo": "charge it", "cobradlo": "charge it", "pagadas": "paid", "pagados": "paid", "cuánto": "how much",
    "quanto": "how much", "quant": "how much", "hoeveel": "how much", "wieviel": "how much", "hvor meget": "how much",
    "hur mycket": "how much", "pagate": "pay", "pagatela": "pay it", "saldate": "settle", "addebitateci": "charge us",
    "spostare": "move", "spostate": "move", "verschieben": "move", "verplaatsen": "move",
    "mover": "move", "aplazar": "move", "adelantado": "in advance", "anticipado": "in advance",
    "vorab": "in advance", "vooraf": "in advance", "d'avance": "in advance", "auszug": "statement",
    "verzug": "overdue", "rückstand": "overdue", "rückständig": "overdue", "rückständigen": "overdue",
    "atrasadas": "overdue", "atrasado": "overdue", "in ritardo": "overdue", "arretrati": "overdue",
    "pendientes": "open", "pendiente": "open", "aperte": "open", "aperta": "open", "ouvertes": "open",
    "ouverte": "open", "abiertas": "open", "em aberto": "open", "openstaand": "open",
    "duplicada": "duplicate", "duplicato": "duplicate", "anúlenla": "cancel it",
    "anuladla": "cancel it", "annulatela": "cancel it", "désactiver": "turn off", "desactivar": "turn off",
    "disattivare": "turn off", "desativar": "turn off", "deaktivieren": "turn off", "uitzetten": "turn off",
    "révoquer": "revoke", "revocar": "revoke", "revocare": "revoke", "chéquier": "checkbook",
    "comprendre": "understand",
    "entender": "understand", "capire": "understand", "verstehen": "understand", "begrijpen": "understand",
    "avant": "before", "cargad": "charge", "carguen": "charge", "cargue": "charge", "cobro": "payment",
    "cobrado": "charged", "cobraron": "charged", "cobráis": "charge", "cobraram-nos": "charged us",
    "programad": "schedule", "programe": "schedule", "domiciliar": "set up direct debit", "vinculación": "link",
    "vincular": "link", "collegare": "link", "associar": "link", "koppelen": "link", "verknüpfen": "link",
    "ingresar": "deposit", "versare": "deposit", "adiantar": "prepay", "prepago": "prepayment",
    "credito": "credit", "crédito": "credit", "recargo": "surcharge", "recargos": "surcharges", "penale": "penalty fee",
    "storno": "credit", "avisos": "reminders", "solleciti": "reminders", "rappels": "reminders",
    "mahnungen": "reminders", "herinneringen": "reminders", "lembretes": "reminders", "mensajes": "messages",
    "messaggi": "messages", "mensagens": "messages", "notifiche": "notifications", "nachrichten": "messages",
    "berichten": "messages", "riattivate": "turn back on", "reactivad": "turn back on", "ricevere": "receive",
    "recibir": "receive", "recevoir": "receive", "receber": "receive", "pagaré": "promissory note",
    "pagherò": "i will pay", "pagarei": "i will pay",
    "paguem": "pay", "podem": "can you", "podéis": "can you", "potete": "can you", "pouvez-vous": "can you",
    "können": "can", "kunnen": "can", "debitar": "debit", "débito": "debit",
    "stamattina": "this morning", "esta mañana": "this morning", "ce matin": "this morning",
    "heute morgen": "this morning",
    "vanmorgen": "this morning", "esta manhã": "this morning", "salió": "went out", "uscito": "went out",
    "parti": "went out", "vencimiento": "due date", "scadenza": "due date",
    "échéance": "due date", "fälligkeit": "due date", "vervaldatum": "due date", "vencimento": "due date",
    "tardío": "late", "ritardo": "late", "tardivo": "late", "atraso": "late", "verspätet": "late",
    "direzione": "manager", "departamento": "department", "alguém": "someone", "alguien": "someone",
    "qualcuno": "someone", "quelqu'un": "someone", "jemand": "someone", "iemand": "someone",
    "funciona": "works", "bizum": "payment app", "todo": "everything", "tutto": "everything", "tout": "everything",
    "alles": "everything", "tudo": "everything", "todas": "all", "tutte": "all", "toutes": "all", "alle": "all",
    "ältesten": "oldest", "älteste": "oldest", "oudste": "oldest", "gesamten": "whole", "gesamte": "whole",
    "volledige": "whole", "betrag": "amount", "bedrag": "amount", "restsumme": "remaining balance",
    "nettobetrag": "net amount", "rechnungsbetrag": "invoice amount", "abzüglich": "less", "abzgl": "less",
    "erst": "only", "abbuchung": "debit", "abbuchungen": "debits", "geplante": "scheduled", "geplanten": "scheduled",
    "lastschriftmandat": "direct debit mandate", "aussetzen": "skip", "guthaben": "credit", "scheck": "check",
    "kundennr": "customer no", "berechnet": "charged", "rausgegangen": "went out", "raus": "out",
    "von": "of", "vom": "from the", "über": "for", "incasseren": "collect", "verzetten": "move",
    "klantaccount": "customer account", "klantrekening": "customer account", "tegoed": "credit",
    "voorschot": "prepayment", "vooruitbetalen": "prepay", "behalve": "except", "außer": "except", "sauf": "except",
    "excepto": "except", "tranne": "except", "exceto": "except", "reclamatie": "complaint", "ontbraken": "missing",
    "dozen": "boxes", "kartons": "boxes", "wacht": "wait", "moment": "wait", "freigegeben": "approved",
    "zurückbuchen": "refund", "rembourser": "refund", "reembolsar": "refund", "rimborsare": "refund",
    "terugboeken": "refund", "bevor": "before", "voordat": "before", "klären": "check", "klärung": "review",
    "abbiamo": "we have", "hemos": "we have", "temos": "we have", "avons": "have", "hebben": "have", "heb": "have",
    "haben": "have", "habe": "have", "perdón": "sorry", "pardon": "sorry", "scusi": "sorry", "scusa": "sorry",
    "desculpe": "sorry",
    "entschuldigung": "sorry", "äh": "", "ähm": "", "euh": "", "ehm": "", "kommt": "comes", "selbst": "ourselves",
    "zelf": "ourselves", "kontostand": "account balance", "ersten": "first", "erste": "first",
    "prochain": "next", "prochaine": "next", "próximo": "next", "próxima": "next", "prossimo": "next",
    "prossima": "next", "nächsten": "next", "nächste": "next", "volgende": "next", "næste": "next",
    "nästa": "next", "neste": "next", "surfacturé": "overcharged", "surfacturés": "overcharged",
    "renvoyé": "returned", "renvoyés": "returned", "rib": "bank details", "redonner": "give again",
    "completo": "full", "complet": "full", "intero": "whole", "totale": "total", "restbeløbet": "the remaining balance",
    "restbeløb": "remaining balance", "hele": "whole", "træk": "debit", "trekke": "debit", "dra": "debit",
    "förskott": "prepayment", "fraccionar": "split", "parcelar": "split", "vezes": "payments", "importe": "amount",
    "abonaremos": "we will pay", "abonar": "pay", "resto": "rest", "agendem": "schedule", "sexta": "friday",
    "colore": "color", "sbagliato": "wrong", "bancali": "pallets", "paletten": "pallets", "palettes": "pallets",
    "palés": "pallets", "paletes": "pallets", "cajas": "cases", "pezzi": "pieces", "stück": "pieces",
    "piezas": "pieces", "peças": "pieces", "kartonger": "boxes", "sconto": "discount", "rabatt": "discount",
    "remise": "discount", "descuento": "discount", "desconto": "discount", "korting": "discount",
    "indietro": "behind", "opgeslagen": "on file", "enregistrée": "on file", "registrada": "on file",
    "registado": "on file", "registrata": "on file", "guardada": "on file", "kopieën": "copies",
    "cobrados": "charged", "acordámos": "we agreed", "hvilke": "which", "vilka": "which", "welke": "which",
    "welche": "which", "quelles": "which", "quels": "which", "cuáles": "which", "quali": "which", "quais": "which",
    "förfallna": "overdue", "forfalt": "overdue", "fakturert": "billed", "fakturerat": "billed",
    # cards and banks
    "karte": "card", "kreditkarte": "credit card", "kaart": "card", "creditcard": "credit card", "carte": "card",
    "tarjeta": "card", "carta": "card", "cartão": "card", "kort": "card", "kortet": "the card",
    "hinterlegt": "on file", "bankverbindung": "bank details", "bankdaten": "bank details",
    "bankgegevens": "bank details", "rekeningnummer": "account number", "aktualisieren": "update",
    "ändern": "change", "bijwerken": "update", "actualiser": "update", "actualizar": "update", "aggiornare": "update",
    "atualizar": "update", "opdatere": "update", "uppdatera": "update", "neue": "new", "nieuwe": "new",
    "nouvelle": "new", "nouveau": "new", "nueva": "new", "nuevo": "new", "nuova": "new", "nuovo": "new",
    "akzeptieren": "accept", "accepteren": "accept", "acceptez": "accept", "aceptan": "accept", "accettate": "accept",
    "aceitam": "accept", "hinzufügen": "add", "toevoegen": "add", "ajouter": "add", "añadir": "add",
    "aggiungere": "add", "adicionar": "add",
    # owing, late, wrong
    "schulden": "owe", "schuldig": "owe", "offen": "open", "offene": "open", "offenen": "open",
    "openstaande": "open", "devons": "owe", "debemos": "owe", "dobbiamo": "owe", "devemos": "owe",
    "überfällig": "overdue", "überfällige": "overdue", "überfälligen": "overdue", "fällig": "due",
    "achterstallig": "overdue", "achterstallige": "overdue", "vervallen": "overdue", "échu": "overdue",
    "échues": "overdue", "vencida": "overdue", "vencidas": "overdue", "scaduta": "overdue", "scadute": "overdue",
    "forfalden": "overdue", "förfallen": "overdue", "falsch": "wrong", "fehlerhaft": "wrong", "fout": "wrong",
    "onjuist": "wrong", "erroné": "wrong", "erronée": "wrong", "incorrecte": "wrong", "incorrecta": "wrong",
    "errónea": "wrong", "errata": "wrong", "sbagliata": "wrong", "errado": "wrong", "errada": "wrong",
    "forkert": "wrong",
    "fel": "wrong", "beschädigt": "damaged", "kaputt": "broken", "beschadigd": "damaged", "kapot": "broken",
    "endommagé": "damaged", "endommagés": "damaged", "abîmé": "damaged", "abîmés": "damaged", "cassé": "broken",
    "dañado": "damaged", "dañados": "damaged", "roto": "broken", "rotos": "broken", "danneggiato": "damaged",
    "danneggiati": "damaged", "rotti": "broken", "danificado": "damaged", "danificados": "damaged",
    "beskadiget": "damaged", "skadad": "damaged", "fehlen": "missing", "fehlten": "missing", "fehlende": "missing",
    "ontbreken": "missing", "ontbrekende": "missing", "manquant": "missing", "manquants": "missing",
    "faltan": "missing", "faltantes": "missing", "mancanti": "missing", "mancano": "missing", "faltam": "missing",
    "zurückgeschickt": "returned", "retourniert": "returned", "teruggestuurd": "returned", "retourné": "returned",
    "retournés": "returned", "devuelto": "returned", "devueltos": "returned", "restituito": "returned",
    "restituiti": "returned", "reso": "returned", "devolvido": "returned", "doppelt": "twice", "zweimal": "twice",
    "dubbel": "twice", "doublon": "duplicate", "duplicado": "duplicate", "duplicata": "duplicate",
    "zinsen": "interest", "verzugszinsen": "late interest", "mahngebühr": "late fee", "mahngebühren": "late fees",
    "rente": "interest", "aanmaningskosten": "late fee", "intérêts": "interest", "intereses": "interest",
    "interessi": "interest", "juros": "interest", "multa": "late fee", "mahnung": "reminder",
    "approvazione": "approval", "goedkeuring": "approval", "freigabe": "approval", "reklamation": "complaint",
    "beanstanden": "dispute", "contestons": "dispute", "contestamos": "dispute",
    "contestiamo": "dispute", "betwisten": "dispute",
    # asking, time, people
    "bitte": "please", "alstublieft": "please", "graag": "please", "s'il vous plaît": "please", "svp": "please",
    "por favor": "please", "per favore": "please", "venligst": "please",
    "heute": "today", "vandaag": "today", "hoy": "today", "oggi": "today", "hoje": "today",
    "morgen": "tomorrow", "demain": "tomorrow", "domani": "tomorrow", "amanhã": "tomorrow", "gestern": "yesterday",
    "gisteren": "yesterday", "hier": "yesterday", "ayer": "yesterday", "ieri": "yesterday", "ontem": "yesterday",
    "jetzt": "now", "sofort": "now", "nu": "now", "maintenant": "now", "ahora": "now", "ora": "now", "agora": "now",
    "subito": "now", "nun": "now", "woche": "week", "semaine": "week", "semana": "week", "settimana": "week",
    "wochenende": "weekend", "monat": "month", "maand": "month", "mois": "month", "mes": "month", "mese": "month",
    "mês": "month", "wir": "we", "nous": "we", "nosotros": "we", "noi": "we", "wij": "we", "ich": "i", "ik": "i",
    "unser": "our", "unsere": "our", "unseren": "our", "unserem": "our", "onze": "our", "notre": "our",
    "nos": "our", "nuestra": "our", "nuestro": "our", "nostra": "our", "nostro": "our", "nossa": "our",
    "nicht": "not", "niet": "not", "nein": "no", "nee": "no", "não": "no", "nej": "no", "nei": "no", "ja": "yes",
    "oui": "yes", "sí": "yes", "sì": "yes", "sim": "yes", "perfetto": "perfect", "parfait": "perfect",
    "perfecto": "perfect", "perfekt": "perfect", "perfeito": "perfect", "einverstanden": "agreed", "akkoord": "agreed",
    "durchführen": "go ahead", "allez-y": "go ahead", "adelante": "go ahead", "procedete": "go ahead",
    "procedere": "go ahead", "prosseguir": "go ahead", "danke": "thanks", "bedankt": "thanks", "merci": "thanks",
    "gracias": "thanks", "grazie": "thanks", "obrigado": "thanks", "obrigada": "thanks", "tak": "thanks",
    "takk": "thanks", "tack": "thanks", "hallo": "hello", "bonjour": "hello", "hola": "hello", "buongiorno": "hello",
    "ciao": "hello", "olá": "hello", "hej": "hello", "mitarbeiter": "person", "ansprechpartner": "person",
    "personne": "person", "persona": "person", "vorgesetzten": "manager", "vorgesetzter": "manager",
    "responsable": "manager", "responsabile": "manager", "leidinggevende": "manager", "abmelden": "unsubscribe",
    "afmelden": "unsubscribe", "désabonner": "unsubscribe", "désinscrire": "unsubscribe",
    "darme de baja": "unsubscribe",
    "cancellarmi": "unsubscribe", "wohin": "where", "waarheen": "where", "où": "where", "dónde": "where",
    "dove": "where", "onde": "where", "angekommen": "arrived", "eingegangen": "received", "erhalten": "received",
    "ontvangen": "received", "reçue": "received", "recibido": "received", "recibida": "received",
    "ricevuto": "received", "recebido": "received", "modtaget": "received",
    "mottagen": "received", "geschickt": "sent", "verstuurd": "sent", "envoyé": "sent", "enviado": "sent",
    "inviato": "sent", "schicken": "send", "senden": "send", "sturen": "send", "envoyer": "send", "envoyez": "send",
    "enviar": "send", "envíen": "send", "inviare": "send", "inviarmi": "send me", "inviateci": "send us",
    "enviem": "send", "sende": "send", "skicka": "send",
    # months and days
    "januar": "january", "jänner": "january", "januari": "january", "janvier": "january", "enero": "january",
    "gennaio": "january", "janeiro": "january", "februar": "february", "februari": "february", "février": "february",
    "febrero": "february", "febbraio": "february", "fevereiro": "february", "märz": "march", "maart": "march",
    "mars": "march", "marzo": "march", "março": "march", "oktober": "october", "octobre": "october",
    "octubre": "october", "ottobre": "october", "outubro": "october", "november": "november", "novembre": "november",
    "noviembre": "november", "novembro": "november", "dezember": "december", "december": "december",
    "décembre": "december", "diciembre": "december", "dicembre": "december", "dezembro": "december",
    "montag": "monday", "maandag": "monday", "lundi": "monday", "lunes": "monday", "lunedì": "monday",
    "segunda-feira": "monday", "mandag": "monday", "måndag": "monday", "dienstag": "tuesday", "dinsdag": "tuesday",
    "mardi": "tuesday", "martes": "tuesday", "martedì": "tuesday", "terça-feira": "tuesday", "tirsdag": "tuesday",
    "tisdag": "tuesday", "mittwoch": "wednesday", "woensdag": "wednesday", "mercredi": "wednesday",
    "miércoles": "wednesday", "mercoledì": "wednesday", "quarta-feira": "wednesday", "onsdag": "wednesday",
    "donnerstag": "thursday", "donderdag": "thursday", "jeudi": "thursday", "jueves": "thursday",
    "giovedì": "thursday", "quinta-feira": "thursday", "torsdag": "thursday", "freitag": "friday",
    "vrijdag": "friday", "vendredi": "friday", "viernes": "friday", "venerdì": "friday", "sexta-feira": "friday",
    "fredag": "friday", "samstag": "saturday", "zaterdag": "saturday", "samedi": "saturday", "sábado": "saturday",
    "sabato": "saturday", "lørdag": "saturday", "lördag": "saturday",
    "sonntag": "sunday", "zondag": "sunday", "dimanche": "sunday", "domingo": "sunday", "domenica": "sunday",
    "søndag": "sunday", "söndag": "sunday", "april": "april", "avril": "april", "abril": "april", "aprile": "april",
    "mei": "may", "mayo": "may", "maggio": "may", "maio": "may", "maj": "may", "juni": "june", "juin": "june",
    "junio": "june", "giugno": "june", "junho": "june", "juli": "july", "juillet": "july", "julio": "july",
    "luglio": "july", "julho": "july", "augustus": "august", "août": "august", "agosto": "august",
    "augusti": "august", "septembre": "september", "septiembre": "september", "settembre": "september",
    "setembro": "september", "desember": "december",
    # words of the 2026-12-27 round
    "versprochen": "promise", "promis": "promise", "beloofd": "promise", "prometido": "promise",
    "promesso": "promise", "lovet": "promise", "lovat": "promise", "ausführen": "go ahead", "validez": "go ahead",
    "hazlo": "do it", "fatelo": "do it", "doe maar": "go ahead", "warum": "why", "waarom": "why",
    "pourquoi": "why", "berechnen": "charge", "peux": "can", "pouvez": "can", "prélevez": "debit",
    "réglerons": "will pay", "restant": "remaining", "restante": "remaining", "m'écrire": "text me",
    "necesito": "i need", "rotas": "broken", "rotte": "broken", "transporte": "freight", "trasporto": "freight",
    "frachtkosten": "freight", "fracht": "freight", "vracht": "freight", "adesso": "now", "arrivati": "arrived",
    "arrivées": "arrived", "llegaron": "arrived", "partirà": "will go out", "possiamo": "can we", "mesi": "months",
    "spiegate": "explain", "spiegare": "explain", "expliquer": "explain", "explicar": "explain",
    "erklären": "explain", "uitleggen": "explain", "cos'è": "what is", "scusate": "sorry", "betaal": "pay",
    "staat": "is", "ingepland": "scheduled", "systeem": "system", "stuur": "send", "nummer": "number",
    "krijgen": "get", "betaalbewijs": "receipt", "idag": "today", "från": "from", "vårt": "our", "vår": "our",
    "konto": "account", "kontoen": "the account", "äldsta": "oldest", "ældste": "oldest", "eldste": "oldest",
    "trække": "debit", "indhenter": "catch up", "utestående": "outstanding", "udestående": "outstanding",
    "beløpet": "the amount", "beløbet": "the amount", "beloppet": "the amount", "beløp": "amount",
    "beløb": "amount", "belopp": "amount", "förfallet": "overdue", "forfalte": "overdue", "forfaldne": "overdue",
    "nedbetalingsplan": "payment plan", "afbetalingsordning": "payment plan", "avbetalningsplan": "payment plan",
    "betalning": "payment", "betalningen": "the payment", "skickade": "sent",
    "fått": "received", "nytt": "new", "nyt": "new", "företagskort": "company card", "firmakort": "company card",
    "firmenkarte": "company card", "nur": "only", "statt": "instead of", "anstatt": "instead of",
    "stattdessen": "instead",
    "in plaats daarvan": "instead",
    "zerdrückt": "damaged", "nass": "wet", "genau": "exactly",
    "unten": "below", "überweisungsbetrag": "amount transferred", "lieferung": "delivery", "livraison": "delivery",
    "levering": "delivery", "uitstel": "more time", "aufschub": "more time", "délai": "more time",
    "prórroga": "more time", "proroga": "more time", "frist": "more time", "achterstand": "overdue balance",
    "rattraper": "catch up", "commande": "order", "pedido": "order", "ordine": "order", "bestellung": "order",
    "bestelling": "order", "encomenda": "order", "ordre": "order", "beställning": "order",
    "tjuende": "20th", "elke": "every", "jede": "every", "chaque": "every", "cada": "every", "ogni": "every",
    "hver": "every", "varje": "every", "lijst": "list", "uit uw lijst": "from your list",
    "uit de lijst": "from the list", "nå": "now",
    "vale": "ok", "müssen": "must", "nie": "never",
    "faktury": "invoices", "fakturę": "invoice", "fakturze": "invoice", "fakturach": "invoices", "proszę": "please",
    "prosimy": "please", "zapłacić": "pay", "zapłatę": "payment", "płacimy": "we pay", "summa": "total",
    "in data odierna": "today", "vrachtbrief": "waybill", "fraktsedel": "waybill", "zapłacimy": "we will pay",
    "zapłaciliśmy": "we paid",
    "zapłacona": "paid", "zapłacone": "paid", "opłacona": "paid", "płatność": "payment", "płatności": "payments",
    "dziś": "today", "dzisiaj": "today", "jutro": "tomorrow", "wczoraj": "yesterday", "przelew": "transfer",
    "przelewem": "by transfer", "karty": "card", "kartą": "by card", "kartę": "card", "najstarszej": "oldest",
    "najstarsze": "oldest", "najstarszą": "oldest", "wszystkie": "all", "zaległe": "overdue", "zaległych": "overdue",
    "przeterminowane": "overdue", "kwota": "amount", "kwotę": "amount", "kwoty": "amount", "ile": "how much",
    "potwierdzenie": "receipt", "zadzwonić": "call", "zadzwonił": "call", "poniedziałek": "monday",
    "wtorek": "tuesday", "środę": "wednesday", "środa": "wednesday", "czwartek": "thursday", "piątek": "friday",
    "stycznia": "january", "styczniu": "january", "lutego": "february", "grudnia": "december",
    "grudniu": "december", "listopada": "november", "listopadzie": "november", "października": "october",
    "duplikat": "duplicate", "uszkodzone": "damaged", "uszkodzony": "damaged", "brakuje": "missing",
    "anulować": "cancel", "anulujcie": "cancel", "zaplanowaną": "scheduled", "zaplanowana": "scheduled",
    "pobrać": "debit", "pobranie": "debit", "obciążyć": "charge", "obciążcie": "charge", "raty": "installments",
    "przedpłata": "prepayment", "przedpłatę": "prepayment", "zaliczka": "prepayment", "zaliczkę": "prepayment",
    "dziękuję": "thanks", "dzięki": "thanks", "resztę": "the rest", "reszta": "the rest",
    "zwrócone": "returned", "zwróciliśmy": "we returned", "cena": "price", "błędna": "wrong", "błędną": "wrong",
    "pozdrawiam": "regards",
    "rückstände": "overdue", "komplett": "completely", "einde": "end", "waarschijnlijk": "probably",
    "vencido": "overdue", "vencidos": "overdue", "transferimos": "we transfer", "pero": "but", "todavía": "still",
    "revisión": "review", "confermate": "confirm", "arrivato": "arrived", "arrivata": "arrived",
    "dopodomani": "the day after tomorrow", "overmorgen": "the day after tomorrow",
    "övermorgon": "the day after tomorrow", "cancelem": "cancel", "agendado": "scheduled", "mensais": "monthly",
    "possível": "possible", "öppna": "open", "företagskortet": "the company card", "resten": "the rest",
    "senare": "later", "kontot": "the account", "stoppa": "stop", "schemalagda": "scheduled",
    "dragningen": "the debit", "dragning": "debit", "allerede": "already", "dobbeltfaktura": "duplicate invoice",
    "kopi": "copy", "skylder": "owe", "incasso": "direct debit", "déjà": "already", "goedgekeurd": "approved",
    "väntar vi med": "we wait with", "venter vi med": "we wait with", "belast": "charge", "ødelagt": "damaged",
    "ødelagte": "damaged", "pallene": "the pallets", "kronene": "kroner", "avdrag": "installments",
    "juleaften": "christmas eve", "julafton": "christmas eve", "fra": "from",
    # words of the 2026-12-29 tuning batches
    "bestellnummer": "order number", "saldenbestätigung zum": "balance confirmation as of", "fristgerecht": "on time",
    "la totalité du solde restant": "the whole remaining balance", "la totalité du solde": "the whole balance",
    "dès aujourd'hui": "today", "si je ne me trompe pas": "if i am not mistaken", "endommagées": "damaged",
    "endommagée": "damaged", "livrées": "delivered", "livrés": "delivered", "oui, d'accord": "yes, ok",
    "bedoel ik": "i mean", "ik bedoel": "i mean", "nee wacht": "no wait",
    "het einde van het jaar": "the end of the year", "einde van het jaar": "end of the year",
    "uiterlijk": "at the latest", "verrekening": "deduction", "dus netto": "so net",
    "por importe de": "for the amount of", "a fecha": "as of", "el día de reyes": "epiphany",
    "nunca hicimos ese pedido": "we never ordered it", "no es nuestra": "is not ours", "no es nuestro": "is not ours",
    "ninguna de las dos": "neither of them", "mediante domiciliación bancaria": "by direct debit", "mediante": "by",
    "todo lo pendiente": "everything outstanding", "en plazos": "in installments",
    "recargo por combustible": "fuel surcharge", "in contestazione": "disputed", "tutte tranne la": "all except the",
    "tranne la": "except the", "sulla carta in archivio": "on the card on file",
    "le fatture scadute": "the overdue invoices", "fatture scadute": "overdue invoices", "prezzo": "price",
    "avevamo concordato": "we had agreed", "concordato": "agreed", "non possiamo pagarla": "we cannot pay it",
    "pagarla": "pay it", "cosa posso fare con questo servizio": "what can i do with this service",
    "è stato eseguito": "was run", "fomos faturados": "we were billed", "pelo mesmo": "for the same",
    "repete": "repeats", "frete": "freight", "que já vinha na": "that was already on",
    "stämmer inte": "is not correct", "lagt på": "added", "expeditionsavgift": "handling fee", "aldrig": "never",
    "godkänt": "approved", "den betalar vi inte": "we are not paying it", "fakturorna": "the invoices",
    "sätter in": "pay in", "det vi är skyldiga": "what we owe", "senast": "at the latest", "lägger in": "add",
    "nya": "new", "bankkonto": "bank account", "bytt bank": "changed banks",
    "innen utgangen av måneden": "by the end of the month", "utgangen av måneden": "the end of the month",
    "de åpne fakturaene": "the open invoices", "åpne": "open", "fakturaene": "the invoices", "så snart": "as soon as",
    "kunden vår": "our customer", "antakelig": "probably",
    "ostatni dzień roboczy miesiąca": "the last business day of the month",
    "na koniec tego miesiąca": "at the end of this month", "koniec tego miesiąca": "the end of this month",
    "za grudzień": "for december", "jak mogę zapłacić": "how can i pay", "czy przyjmujecie": "do you accept",
    "dopiero wtedy, gdy": "only when", "wystawicie korektę": "you issue a credit note",
    "kopię": "a copy", "kopii": "copies", "kopia": "copy", "przesłanie": "sending", "w akceptacji": "in approval",
    "jeszcze": "still", "spłacić": "pay", "w trzech ratach": "in three installments",
    "w dwóch ratach": "in two installments", "ratach": "installments", "począwszy od": "starting from",
    "anulowanie": "cancellation", "prosimy o": "please", "proszę o": "please", "czy możemy": "can we",
    "z dnia": "dated", "wezwania": "reminder", "ureguluje": "will settle", "bezpośrednio": "directly",
    "czekamy na": "we are waiting for", "od klienta": "from our client", "förlåt": "sorry", "jag menar": "i mean",
    "ursäkta": "sorry", "förrän": "until", "kreditfaktura": "credit note", "avtalat pris": "agreed price",
    "debiterat": "charged", "mellanskillnaden": "the difference", "skickat": "sent",
    "stänga av autogirot": "turn off autopay", "autogirot": "autopay", "från och med": "from", "själva": "ourselves",
    "åbne": "open", "vores kunde": "our customer", "har betalt os": "has paid us", "beklager": "sorry",
    "forsinkelsen": "the delay", "ansvarlig": "responsible", "beskeder": "messages", "i alt": "in total",
    "inden jul": "before christmas", "før jul": "before christmas", "overfører": "transfer", "trekk": "debit",
    "men bare": "but only", "kom knust": "arrived broken", "knust": "broken", "trekker vi fra": "we deduct",
    "kreditnota": "credit note", "i to rater": "in two installments", "i tre rater": "in three installments",
    "rater": "installments", "må vi": "may we", "tusind tak": "thanks a lot", "hjelpen": "the help",
    "hjælpen": "the help", "bereits": "already", "beschädigte": "damaged",
    "wie gewohnt": "as usual", "begleichen wir": "we settle", "zum fälligkeitstermin": "at the due date",
    "fälligkeitstermin": "due date", "betriebsferien": "company holidays", "leider": "unfortunately",
    "geliefert": "delivered", "fehlenden": "missing", "frachtpauschale": "freight charge", "abgeholt": "collected",
    "obwohl": "although", "diese position": "this item", "enthält": "contains", "unberechtigt": "unjustified",
    "keine mahnungen mehr": "no more reminders", "frais de transport": "freight charges",
    "frais de port": "freight charges", "enlevé": "collected", "marchandise": "goods", "ces frais": "these fees",
    "comporte": "includes", "alors que": "although", "nous avons réglé": "we have paid",
    "ne plus nous relancer": "stop reminding us", "facturée deux fois": "billed twice",
    "reprend exactement": "repeats", "même montant": "same amount", "sera réglée": "will be paid",
    "à l'échéance": "at the due date", "mai arrivati": "never arrived", "questo importo": "this amount",
    "non lo paghiamo": "we are not paying", "smettete di mandare solleciti": "stop sending reminders",
    "prezzo concordato": "agreed price", "paghiamo solo dopo": "we pay only after", "inserire": "add",
    "nuova carta": "new card", "en reclamación": "disputed", "está en reclamación": "is disputed",
    "saldrá": "will go out", "les confirmo que": "i confirm that", "menos la": "except the", "menos el": "except the",
    "quem está a escrever": "who is writing", "relevé de compte au": "statement of account as of",
    "relevé au": "statement as of", "solde au": "balance as of", "referencia de pago": "payment reference",
    "referencia": "reference", "riferimento": "reference", "referência": "reference",
    "al netto della": "net of the", "al netto di": "net of", "quindi": "so", "autorizziamo": "we authorize",
    "in einer woche": "in a week", "om en vecka": "in a week", "om en uke": "in a week", "om en uge": "in a week",
    "over een week": "in a week", "sett opp": "set up", "2. juledag": "boxing day", "1. juledag": "christmas day",
    "den gesamten offenen betrag": "the whole open amount",
    "on la garde en attente": "we keep it on hold",
    "cette facture": "this invoice", "esta factura": "this invoice", "questa fattura": "this invoice",
    "esta fatura": "this invoice", "deze factuur": "this invoice", "diese rechnung": "this invoice",
    "denne faktura": "this invoice", "denna faktura": "this invoice", "ta faktura": "this invoice",
    "ya está pagada": "is already paid", "fica para depois": "will be paid later", "está em análise": "is under review",
    "en attente": "on hold", "maak er": "make it", "frais de recouvrement": "collection fee",
    "per ritardato ritiro": "for late pickup", "staat nog ter goedkeuring": "is still awaiting approval",
    "la saldiamo a": "we pay it in",
    "de notre côté": "on our side", "twee keer": "twice", "per i dag": "currently", "pr. i dag": "currently",
    "wstrzymanie wiadomości": "stop messages",
    "nie chcemy ich więcej otrzymywać": "we don't want to receive them anymore",
    "tweemaal": "twice", "to ganger": "twice",
    "quem está escrevendo": "who is writing", "robô": "robot", "sistema automático": "automatic system",
    "antes do natal": "before christmas", "será paga": "will be paid", "até ao fim do ano": "by the end of the year",
    "até o fim do ano": "by the end of the year", "descontando": "deducting", "valor líquido": "net amount",
    "vóór": "before", "openstaande posten": "open items", "overzicht": "overview",
}
# Words that are also English or another slot's word are never carried over, whatever a list above says.
_ENGLISH = frozenset(("copies", "november", "december", "mars", "hier", "nu", "ora", "nun", "mes", "nos", "dove",
                      "onde", "carta", "persona", "sim", "tak", "reso", "fel", "kort", "rente"))

_TABLE = {key: value for key, value in (_PHRASES | _WORDS).items() if key not in _ENGLISH}
_FOREIGN = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(key).replace(r"\ ", r"\s+")
                                for key in sorted(_TABLE, key=len, reverse=True)) + r")(?![\w-])")
_TOKEN = re.compile(r"[^\W\d_](?:[\w'-]*\w)?")  # "'verzugszinsen'": the word, not its quote
# each word or phrase above by its longest word: "i dag" by "dag", "a rate" by "rate" (not "i", "a")
_FIRST_WORDS = frozenset(max(_TOKEN.findall(key), key=len) for key in _TABLE if _TOKEN.findall(key))
# A day before its month ("15. Dezember", "le 15 décembre", "el 15 de diciembre", "il 15 dicembre")
_DAY_OF = re.compile(r"\b(?P<day>\d{1,2})\.?\s+(?:de\s+|di\s+)?(?=(?:january|february|march|april|may|june|july"
                     r"|august|september|october|november|december)\b)")
# "wir haben am 19.11. … überwiesen": the verb at the end in German and Dutch, read in English order ("we have
# transferred on …") so that a payment said done looks back (bot.nlu_dates.looks_back)
_DIGITS = {
    "de": "null eins zwei drei vier fünf sechs sieben acht neun",
    "nl": "nul een twee drie vier vijf zes zeven acht negen",
    "fr": "zéro un deux trois quatre cinq six sept huit neuf",
    "es": "cero uno dos tres cuatro cinco seis siete ocho nueve",
    "it": "zero uno due tre quattro cinque sei sette otto nove",
    "pt": "zero um dois três quatro cinco seis sete oito nove",
}
# Words that tell the language, for the numbers said in words ("dos mil quinientos euros": 2500 euros; text2num).
_LANGUAGE_OF = {word: language for language, words in {
    "de": "und der die das den ist wir bitte rechnung nicht mit für uns ich dem vom bis zahlung danke sie auf am zum"
          " nur statt unser unsere noch einer eine einen offenen offene betrag überweisen woche montag dienstag"
          " mittwoch donnerstag freitag werden wird haben",
    "nl": "het een wij factuur niet graag voor betaling onze kunnen jullie dank ik deze staat naar uit elke",
    "fr": "les des est nous vous facture pour merci avec une pas sur notre paiement je peux svp vos aux cette oui et",
    "es": "los las factura por para gracias nuestra pago hemos está queremos podéis con el del os necesito pagamos día"
          " habéis vuestra vuestro usted ustedes tenemos más también transferimos",
    "it": "il della fattura per grazie non sono abbiamo pagamento vorrei nostro sul chi scusate adesso possiamo che"
          " pagate pagare paghiamo seconda terza"
          " potete subito tutte tranne fatture sulla",
    "pt": "fatura obrigado não com pagamento nossa podem já faturas é da do pelo vai bom dia sim uma ou dá cartão",
    "pl": "proszę nie jest się dla na że faktury fakturę fakturze dziś zapłacimy prosimy nasze naszej czy",
    "nordic": "og ikke jeg vi faktura och inte jag fakturaen fakturan fakturaer dere ni har kan den fra från vår"
              " fått hva hvad hvor hvordan meget mycket vad skylder betale betala på",
}.items() for word in words.split()} | {word: language for language, words in _DIGITS.items()
                                         for word in words.split() if len(word) > 3}
# Danish, Swedish and Norwegian digits, for references said digit by digit ("seks to ni ni null")
_NORDIC_DIGITS = ("nul en to tre fire fem seks syv otte ni", "noll ett två tre fyra fem sex sju åtta nio",
                  "null en to tre fire fem seks sju åtte ni")
_DIGIT_OF = {word: str(digit) for words in (*_DIGITS.values(), *_NORDIC_DIGITS)
             for digit, word in enumerate(words.split())} | {"zwo": "2", "één": "1", "ein": "1", "une": "1"}
_FILLER = r"(?:\s+(?:äh|ähm|eh|euh|ehm|uh))*"
_DIGIT_WORD = r"(?:" + "|".join(sorted(_DIGIT_OF, key=len, reverse=True)) + r")"
# "sieben drei null vier vier": 73044, one reference said digit by digit (text2num would read "null vier" as 04)
_SAID_DIGITS = re.compile(rf"(?<![\w-]){_DIGIT_WORD}(?:{_FILLER}\s+{_DIGIT_WORD}){{3,}}(?![\w-])")
# Days of the month said as ordinals in Danish, Norwegian and Swedish ("den femtende": the 15th); the first five are
# positions too (_ORDINAL_WORDS)
_NORDIC_DAYS = {word: day for day, words in {
    6: "sjette sjätte", 7: "syvende sjuende sjunde", 8: "ottende åttende åttonde", 9: "niende nionde",
    10: "tiende tionde", 11: "ellevte elfte", 12: "tolvte tolfte", 13: "trettende trettonde",
    14: "fjortende fjortonde", 15: "femtende femtonde", 16: "sekstende sextonde", 17: "syttende sjuttonde",
    18: "attende artonde", 19: "nittende nittonde", 20: "tyvende tjuende tjugonde",
    30: "tredivte trettiende trettionde",
}.items() for word in words.split()}
_NORDIC_DAY = re.compile(r"(?<![\w-])(?P<lead>den|d\.)\s+(?P<day>" + "|".join(_NORDIC_DAYS) + r")(?![\w-])")
# Danish, Swedish and Norwegian numbers in words before their currency ("femogtyve tusind kroner", "tiotusen kronor",
# "tolv tusen fem hundre kroner"): text2num reads none of the three, so they are read here, word by word.
_NORDIC_VALUES = {
    **{word: value for words, value in (
        ("en et ett ein", 1), ("to två", 2), ("tre", 3), ("fire fyra", 4), ("fem", 5), ("seks sex", 6),
        ("syv sju", 7), ("otte åtte åtta", 8), ("ni nio", 9), ("ti tio", 10), ("elleve elva", 11), ("tolv", 12),
        ("tretten tretton", 13), ("fjorten fjorton", 14), ("femten femton", 15), ("seksten sexton", 16),
        ("sytten sytton", 17), ("atten arton", 18), ("nitten nitton", 19), ("tyve tjue tjugo", 20),
        ("tredive tretti trettio", 30), ("fyrre førti fyrtio", 40), ("halvtreds femti femtio", 50),
        ("tres seksti sextio", 60), ("halvfjerds sytti sjuttio", 70), ("firs åtti åttio", 80),
        ("halvfems nitti nittio", 90)) for word in words.split()},
    "hundrede": 100, "hundre": 100, "hundra": 100, "tusind": 1000, "tusen": 1000,
}
_NORDIC_PART = "|".join(sorted(_NORDIC_VALUES, key=len, reverse=True))
_NORDIC_NUMBER = re.compile(rf"(?<![\w-])(?P<words>(?:(?:{_NORDIC_PART}|og|och)(?:\s+(?:og|och)\s+|\s+)?)+)"
                            rf"(?=\s*{CURRENCY_WORD}(?!\w))")


# Polish numbers in words before their currency ("dziesięć tysięcy złotych", "dwa tysiące trzysta zł"): text2num
# has no Polish either. Its hundreds are words of their own ("trzysta": 300), read by the same sum.
_POLISH_VALUES = {word: value for words, value in (
    ("jeden jedna jedno", 1), ("dwa dwie", 2), ("trzy", 3), ("cztery", 4), ("pięć", 5), ("sześć", 6), ("siedem", 7),
    ("osiem", 8), ("dziewięć", 9), ("dziesięć", 10), ("jedenaście", 11), ("dwanaście", 12), ("trzynaście", 13),
    ("czternaście", 14), ("piętnaście", 15), ("szesnaście", 16), ("siedemnaście", 17), ("osiemnaście", 18),
    ("dziewiętnaście", 19), ("dwadzieścia", 20), ("trzydzieści", 30), ("czterdzieści", 40), ("pięćdziesiąt", 50),
    ("sześćdziesiąt", 60), ("siedemdziesiąt", 70), ("osiemdziesiąt", 80), ("dziewięćdziesiąt", 90), ("sto", 100),
    ("dwieście", 200), ("trzysta", 300), ("czterysta", 400), ("pięćset", 500), ("sześćset", 600), ("siedemset", 700),
    ("osiemset", 800), ("dziewięćset", 900), ("tysiąc tysiące tysięcy", 1000)) for word in words.split()}
_POLISH_PART = "|".join(sorted(_POLISH_VALUES, key=len, reverse=True))
_POLISH_NUMBER = re.compile(rf"(?<![\w-])(?P<words>(?:(?:{_POLISH_PART})\s+)+)"
                            rf"(?=(?:{CURRENCY_WORD}|złote|złoty|złotówek)(?!\w))")


def _nordic_number(match: re.Match[str], values: dict[str, int] = _NORDIC_VALUES, part_of: str = _NORDIC_PART) -> str:
    """The number the words say, in digits; the words as written when they say none."""
    total, current = 0, 0
    for part in re.findall(part_of, match["words"]):
        value = values[part]
        if value == 1000:
            total, current = total + max(current, 1) * 1000, 0
        elif value == 100:
            current = max(current, 1) * 100
        else:
            current += value
    number = total + current
    return f"{number} " if number > 1 else match.group()


# "am 15.12.", "vom 01.12.2026", "28-11": day first, read as "15 december" (a dotted day is no sum of money)
_DAY_FIRST = re.compile(r"(?<![\w.,/€$-])(?P<day>[0-3]?\d)[./-](?P<month>[01]?\d)"
                        r"(?:\.(?!\d)|[./-](?P<year>\d{4}|\d\d)(?![\d.,]))?(?![\d,/-]|\.\d|\s*(?:€|eur|euro))")
# Small words each language shares with another or with English: carried over only in their own language
_OWN_WORDS = {
    "de": {"und": "and", "der": "the", "die": "the", "das": "the", "den": "the", "dem": "the", "oder": "or",
           "mit": "with", "für": "for", "auf": "on", "zu": "to", "ist": "is", "sind": "are", "ein": "a", "eine": "a",
           "einen": "a", "sie": "you", "ihr": "your", "ihre": "your", "ihnen": "you", "uns": "us", "es": "it",
           "zum": "to the", "zur": "to the", "im": "in the", "am": "on the", "bei": "at", "nach": "after",
           "vor": "before", "bis": "until", "aber": "but", "noch": "still", "schon": "already", "auch": "also",
           "wenn": "if", "dass": "that", "wie": "how", "was": "what", "wir": "we", "ich": "i",
           "intern": "internally"},
    "nl": {"en": "and", "de": "the", "het": "the", "nu": "now", "of": "or", "van": "of", "voor": "for",
           "met": "with", "op": "on", "aan": "to", "te": "to", "zijn": "are", "een": "a", "u": "you", "uw": "your",
           "ons": "us", "dat": "that", "als": "if", "nog": "still", "al": "already", "ook": "also", "naar": "to",
           "bij": "at", "wat": "what", "hoe": "how", "tot": "until", "deze": "this one", "intern": "internally",
           "maar": ""},
    "fr": {"et": "and", "le": "the", "la": "the", "les": "the", "ou": "or", "de": "of", "du": "of the",
           "des": "of the", "au": "to the", "aux": "to the", "que": "that", "avec": "with", "pour": "for",
           "en": "in", "un": "a", "une": "a", "est": "is", "sur": "on", "par": "by", "vous": "you", "je": "i",
           "il": "it", "mon": "my", "ma": "my", "votre": "your", "vos": "your", "ne": "", "pas": "not", "ai": "have"},
    "es": {"y": "and", "el": "the", "la": "the", "los": "the", "las": "the", "o": "or", "de": "of",
           "del": "of the", "al": "to the", "que": "that", "con": "with", "por": "by", "para": "for", "en": "in",
           "un": "a", "una": "a", "lo": "it", "es": "is", "está": "is", "mi": "my", "su": "your", "nos": "us",
           "os": "you", "me": "me", "se": "", "sale": "goes out", "si": "if"},
    "it": {"e": "and", "il": "the", "la": "the", "le": "the", "lo": "the", "gli": "the", "o": "or", "di": "of",
           "del": "of the", "della": "of the", "al": "to the", "alla": "to the", "che": "that", "con": "with",
           "per": "for", "un": "a", "una": "a", "è": "is", "non": "not", "mi": "me", "ci": "us", "vi": "you",
           "sul": "on the", "sulla": "on the", "dal": "from the", "dalla": "from the", "ho": "i have", "sono": "are",
           "ma": "but", "chi": "who"},
    "pt": {"e": "and", "os": "the", "ou": "or", "de": "of", "do": "of the", "da": "of the", "em": "in",
           "na": "in the", "com": "with", "para": "for", "por": "by", "que": "that", "um": "a", "uma": "a",
           "é": "is", "o": "the", "a": "the", "as": "the", "dia": "day"},
    "nordic": {"og": "and", "och": "and", "nu": "now", "den": "the", "eller": "or", "på": "on", "för": "for",
               "for": "for", "med": "with", "til": "to", "till": "to", "av": "of", "af": "of", "är": "is",
               "er": "is", "har": "have", "ni": "you", "dere": "you", "en": "a", "ett": "a", "et": "a",
               "ikke": "not", "inte": "not", "kan": "can", "vi": "we", "jeg": "i", "jag": "i", "alt": "everything",
               "alla": "all", "i": "in", "de": "the", "om": "about", "når": "when", "när": "when", "os": "us",
               "oss": "us", "vores": "our", "vår": "our", "vårt": "our", "våra": "our"},
    "pl": {"i": "and", "nie": "not", "na": "on", "do": "until", "w": "in", "z": "from", "za": "for", "o": "about",
           "jest": "is", "są": "are", "się": "", "to": "it is", "tak": "yes", "już": "already", "mi": "me",
           "nas": "us", "nam": "us", "dla": "for", "że": "that", "ale": "but", "tylko": "only", "oraz": "and"},
}
# "le 28", "el día 20", "op de 20e", "no dia 8": the day of the month, as "the 28th"
# ("op de 15e incasseren": a day with its ordinal ending, whatever follows)
_DAY_NUMBER = re.compile(r"(?<!\d and )(?<!\d, )\b(?P<lead>the day|on the day|the|day)\s+"
                         r"(?P<day>[1-9]|[12]\d|3[01])(?![.,]\d)"
                         r"(?:(?:e|er|de|°|º|:e|:a)(?!\w)|\.(?!\d)(?=\s*(?:[?.!,;]|$)|\s+(?:of|for|from|please|pls|in|to|at|"
                         + "|".join(MONTH_NAMES) + r")\b)"
                         r"|(?=\s*(?:[?.!,;]|$)|\s+(?:of|for|from|please|pls|in|to|at|by|with|via)\b))")
# "vendredi prochain": next friday; "Freitag nächster Woche" stays "friday next week"
_NEXT_AFTER = re.compile(r"\b(?P<day>monday|tuesday|wednesday|thursday|friday|saturday|sunday) next\b(?!\s+week)")
_TEXT2NUM_LANGUAGES = frozenset(("de", "nl", "fr", "es", "it", "pt"))
# Positions said in words ("die zweite und dritte", "la première et la troisième"), read before text2num makes them
# "2." and "3ème"; each in its language only ("segunda" is a Monday in Portuguese, "andra" also "other").
_ORDINAL_WORDS = {
    "de": {"erste": "first", "ersten": "first", "zweite": "second", "zweiten": "second", "dritte": "third",
           "dritten": "third", "vierte": "fourth", "vierten": "fourth", "fünfte": "fifth"},
    "nl": {"eerste": "first", "tweede": "second", "derde": "third", "vierde": "fourth", "vijfde": "fifth"},
    "fr": {"premier": "first", "deuxième": "second", "seconde": "second", "troisième": "third",
           "quatrième": "fourth", "cinquième": "fifth"},
    "es": {"primera": "first", "primero": "first", "segunda": "second", "segundo": "second", "tercera": "third",
           "tercero": "third", "cuarta": "fourth", "cuarto": "fourth", "quinta": "fifth"},
    "it": {"prima": "first", "primo": "first", "seconda": "second", "secondo": "second", "terza": "third",
           "terzo": "third", "quarta": "fourth",
           "quarto": "fourth", "quinta": "fifth"},
    "pt": {"primeira": "first", "primeiro": "first", "terceira": "third", "terceiro": "third"},
    "nordic": {"första": "first", "første": "first", "andra": "second", "anden": "second", "andre": "second",
               "tredje": "third", "fjärde": "fourth", "fjerde": "fourth", "femte": "fifth"},
}
# not the days of a feast ("tweede kerstdag", "zweiter Weihnachtsfeiertag", "anden juledag": the table's holidays)
_ORDINAL_WORD = {language: re.compile(r"(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])"
                                      r"(?!\s+(?:kerstdag|weihnachtsfeiertag|juledag|pinksterdag|paasdag))")
                 for language, words in _ORDINAL_WORDS.items()}
# "die ersten beiden", "les deux premières": the first two of the list shown, before the ordinals are carried over
_FIRST_TWO = re.compile(r"(?<![\w-])(?:die ersten (?:beiden|zwei)|de eerste twee|les deux premi[eè]re?s"
                        r"|las dos primeras|los dos primeros|le prime due|i primi due|as duas primeiras"
                        r"|os dois primeiros|de två första|de to første|de første to|dwie pierwsze)(?![\w-])")
_THANKS_A_THOUSAND = re.compile(r"\b(?:grazie|merci) mille\b")  # no 1000 (text2num)
_WEEKDAY_NOT_ORDINAL = re.compile(r"(?<![\w-])sexta(?![\w-])")  # Friday in Portuguese, not "6ª" (text2num)
_DONE_AT_THE_END = re.compile(r"\b(?P<who>we|i)\s+(?:have|has)"
                              r"(?:\s+(?P<said>(?:[^.!?\n]|(?<=\d)\.(?=\d)){1,80}?))?\s+(?P<done>transferred|paid|sent|debited|received"
                              r"|returned|settled)\b")
_ENGLISH_SMALL_WORDS = frozenset(("the", "and", "of", "to", "we", "you", "please", "for", "is", "our", "but", "from",
                                  "with", "in", "on", "it", "this", "pay", "my", "can", "i"))
_SIGNS = re.compile(r"[äöüßéèêàâçñìíòóùúãõåæøë]")
_SHORT = 4  # words: "ok grazie", "vale", "bonsoir" are read whole
_FOREIGN_WORDS_NEEDED = 2
# "Rechnung Nr. 66210" in an English letter reads as it did: the carrying over is for letters written in another
# language, told by two of its words of the trade and two of its small words ("und", "wir", "rechnung")
_HINTS_NEEDED = 2


def foreign(text: str) -> bool:
    """Whether the message (lower case) is written in another of the languages above, so that `in_english` carries
    it over whole (the intent model is told so: bot.understanding)."""
    return _language(text) is not None


def carries(text: str) -> bool:
    """Whether the message (lower case) holds words of another of the languages above, whole or a word or two: what
    it asks is then read through a word list, and money waits for a surer reading (bot.nlu_decide)."""
    return _may_carry(text) and bool(_FOREIGN.search(text))


def _may_carry(text: str) -> bool:
    """A quick look before the long pattern: whether the message holds the longest word of a word or phrase above
    (most messages are English and hold none)."""
    return not _FIRST_WORDS.isdisjoint(_TOKEN.findall(text))


@lru_cache(maxsize=1024)
def _language(text: str) -> str | None:
    """The language the message is written in, when it is one of those above: two of its words or more are theirs
    (one, in a short message or beside a letter of theirs: "ok grazie", "Überweisung") and so are two of its small
    words ("und", "wir"); else None (English, maybe with a word or two of another language)."""
    if not _may_carry(text):
        return None
    found = _FOREIGN.findall(text)
    short = len(text.split()) <= _SHORT
    said = Counter(_LANGUAGE_OF[word] for word in re.findall(r"[^\W\d_]+", text) if word in _LANGUAGE_OF)
    language, count = said.most_common(1)[0] if said else ("", 0)
    # one small word is enough when no other language's is there, nor any of English ("pagate la 2 e la 3 adesso")
    alone = len(said) == 1 and _ENGLISH_SMALL_WORDS.isdisjoint(text.split())
    if len(found) < _FOREIGN_WORDS_NEEDED and not (found and (_SIGNS.search(text) or short or (
            alone and count >= _HINTS_NEEDED))):  # "oui, d'accord, la 1 et la 3"
        return None
    return language if count >= _HINTS_NEEDED or short or alone else None


# A reply that only picks from the list the bot showed ("la prima e la terza", "les deux premières", "de laatste",
# "ja, die zweite bitte"): short, and nothing in it but these words, so it tells no language by the words of the
# trade; read word by word in English ("the first and the third", "the first two", "the last", "yes, the second").
_REPLY_ORDINALS = {
    "first": "erste ersten eerste première premières premier premiers primera primeras primero primeros prima prime"
             " primo primi primeira primeiras primeiro primeiros första første pierwsza pierwszą pierwszy pierwsze",
    "second": "zweite zweiten tweede deuxième seconde second segunda segundo seconda secondo andra anden andre druga"
              " drugą drugi",
    "third": "dritte dritten derde troisième tercera tercero terza terzo terceira terceiro tredje trzecia trzecią"
             " trzeci",
    "fourth": "vierte vierten vierde quatrième cuarta cuarto quarta quarto fjärde fjerde czwarta czwartą czwarty",
    "fifth": "fünfte fünften vijfde cinquième quinta quinto femte piąta piątą piąty",
    "last": "letzte letzten laatste dernière dernier última último ultima ultimo sista sidste siste ostatnia"
            " ostatnią ostatni",
    "the last": "l'ultima l'ultimo l'ultime",
    "number": "nummer numéro número numero nr",
}
_REPLY_SMALL_WORDS = {
    "the": "die der das den de het la le les l el los las il lo gli a o as os",
    "and": "und en et y e og och i oraz",
    "yes": "ja oui sí sì si sim tak ok okay",
    "two": "zwei beiden beide twee deux dos due dois två to dwie dwa",
    "three": "drei drie trois tres tre três tri trzy",
    "please": "bitte graag alstublieft svp plaît per favore por favor proszę tack takk",
    "": "s'il vous plait",
}
_REPLY_WORDS = {word: english for table in (_REPLY_ORDINALS, _REPLY_SMALL_WORDS) for english, words in table.items()
                for word in words.split()}
_ENGLISH_TOO = frozenset(("a", "i", "o", "to", "ok", "okay", "second", "as", "die", "den", "last", ",", ".", "!"))
_REPLY_MAX_WORDS = 8
_COUNT_AFTER_FIRST = re.compile(r"\b(?P<count>two|three) (?:the )?first\b|\bfirst (?P<after>two|three)\b")


def _reply_of_positions(text: str) -> str | None:
    """The message in English when it only picks positions from a list ("la prima e la terza"); else None."""
    words = re.findall(r"\d+|[^\W\d_]+(?:'[^\W\d_]+)?|\S", text)
    if not 0 < len(words) <= _REPLY_MAX_WORDS * 2 or len(text.split()) > _REPLY_MAX_WORDS:
        return None
    said = [_REPLY_WORDS.get(word, word if not word.isalpha() else None) for word in words]
    if None in said:
        return None
    numbered = "number" in said and any(word.isdigit() or word in ("two", "three") for word in said if word)
    ordinal = bool(set(said) & set(_REPLY_ORDINALS) - {"number"})
    if not (ordinal or numbered) or _ENGLISH_TOO.issuperset(words):
        return None  # "wait a second", "ok to second": English
    english = " ".join(word for word in said if word)
    english = re.sub(r"\b(?:the )+", "the ", english)
    return _COUNT_AFTER_FIRST.sub(lambda m: f"first {m['count'] or m['after']}", english)


def in_english(text: str) -> str:
    """The message (lower case) with the words of the trade said in English: whole, with its dates and numbers read
    its language's way, when it is written in another of the languages above; else only the words of theirs it
    holds ("a Zahlungsbestätigung (receipt) for …")."""
    if (reply := _reply_of_positions(text)) is not None:
        return reply
    language = _language(text)
    if language is None:
        return _FOREIGN.sub(_in_an_english_letter, text) if carries(text) else text
    if language == "nordic":
        text = _NORDIC_NUMBER.sub(_nordic_number, text)
        text = _NORDIC_DAY.sub(lambda m: f"the {_ordinal(_NORDIC_DAYS[m['day']])}", text)
    if language == "pl":
        text = _POLISH_NUMBER.sub(lambda m: _nordic_number(m, _POLISH_VALUES, _POLISH_PART), text)
    text = _SAID_DIGITS.sub(lambda m: "".join(_DIGIT_OF[word] for word in m.group().split() if word in _DIGIT_OF),
                            text)
    text = _DAY_FIRST.sub(_day_first, text)
    text = _FIRST_TWO.sub("the first two", text)
    if language in _ORDINAL_WORD:
        text = _ORDINAL_WORD[language].sub(lambda m: _ORDINAL_WORDS[language][m.group()], text)
    if language in _TEXT2NUM_LANGUAGES:
        # "cuatro cuatro uno cero": 4 4 1 0 (one reference: bot.nlu_text)
        text = alpha2digit(_WEEKDAY_NOT_ORDINAL.sub("friday", _THANKS_A_THOUSAND.sub("thanks", text)), language)
    own = _OWN_WORDS.get(language, {})
    # one pass, so that an English word carried over is not read again as a small word ("van" → "of", not "or")
    carried = _carrier().sub(lambda m: _carried(_said(m), own, m.group()), text)
    carried = _DAY_NUMBER.sub(lambda m: f"{'on ' if 'on' in m['lead'] else ''}the {_ordinal(int(m['day']))}", carried)
    carried = _NEXT_AFTER.sub(lambda m: f"next {m['day']}", carried)
    if language in ("de", "nl"):
        carried = _DONE_AT_THE_END.sub(lambda m: f"{m['who']} have {m['done']} {m['said'] or ''}".rstrip(), carried)
    carried = _SUM_AGAIN.sub(_said_again, carried)
    return _DAY_OF.sub(lambda m: f"{m['day']} ", carried)


# A sum written out again in words, in brackets, once text2num has made digits of it: "2.150,00 €
# (zweitausendeinhundertfünfzig)", "1 140,00 € (mille cent quarante euros)" say one sum, not a second number
_SUM_AGAIN = re.compile(rf"(?P<sum>\d(?:[\d.,\s]*\d)?)(?P<unit>(?:,-)?\s*(?:{CURRENCY_WORD}(?!\w))?)"
                        rf"\s*\(\s*(?P<said>\d+)(?:\s*{CURRENCY_WORD}(?!\w))?"
                        r"(?:\s+(?:and|with|y|con|e|et|og|och|i|und|en)\s+\d+\s*"
                        r"(?:cents?|céntimos|centimes|centesimi|cent|centavos|øre|öre|groszy))?\s*\)")


def _said_again(match: re.Match[str]) -> str:
    """The sum without its words in brackets when they say the same whole number; else as written."""
    whole = re.sub(r"[.,]\d\d$", "", match["sum"].strip())
    same = re.sub(r"[\s.,]", "", whole) == match["said"]
    return f"{match['sum']}{match['unit']}" if same else match.group()


def _day_first(match: re.Match[str]) -> str:
    day, month = int(match["day"]), int(match["month"])
    if not (1 <= day <= 31 and 1 <= month <= 12):
        return match.group()
    year = match["year"] or ""
    year = f" 20{year}" if len(year) == 2 else f" {year}" if year else ""
    return f"{day} {MONTH_NAMES[month - 1]}{year}"


def _ordinal(day: int) -> str:
    return f"{day}{'th' if 10 <= day % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(day % 10, 'th')}"


# Words of another language an English letter keeps: the English reading knows them, and they tell it the writer
# writes dates day first ("until 12/02 for factura 9102": 12 February; bot.nlu_dates)
_KNOWN_IN_ENGLISH = frozenset(("rechnung", "rechnungen", "factura", "facturas", "facture", "factures", "fattura",
                               "fatture"))


def _in_an_english_letter(match: re.Match[str]) -> str:
    said = _said(match)
    return said if said in _KNOWN_IN_ENGLISH else _TABLE[said]


@lru_cache(maxsize=1)
def _carrier() -> re.Pattern[str]:
    """The words and phrases above with the small words of every language, longest first, as one pattern."""
    keys = sorted(set(_TABLE).union(*_OWN_WORDS.values()), key=len, reverse=True)
    alternatives = "|".join(re.escape(key).replace(r"\ ", r"\s+") for key in keys)
    return re.compile(r"(?<![\w-])(?:" + alternatives + r")(?![\w-])")


def _carried(said: str, own: dict[str, str], written: str) -> str:
    """A word in English: its language's small word, else the table's; a small word of another language as written."""
    return own[said] if said in own else _TABLE.get(said, written)


def _said(match: re.Match[str]) -> str:
    """A word or phrase of the table as the message wrote it, its spaces as one."""
    return re.sub(r"\s+", " ", match.group())
