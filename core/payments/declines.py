"""What a processor's failure code means, in the words staff and customers read, and whether trying again may work.

Processors answer a failed charge with a short code (Stripe's decline codes, NACHA return codes, the sandbox's
own). The console shows the words, the chat says them, the audit log writes them; nobody reads `card_declined`.
`soft` is a failure that may pass later with the same method (funds, a busy processor); a hard one will not
(a stolen card, a closed account) and needs another method.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Decline:
    code: str
    words: str  # "insufficient funds": reads after "Declined by the processor: "
    soft: bool


_KNOWN = {
    decline.code: decline for decline in (
        Decline("card_declined", "the card issuer declined the charge", soft=False),
        Decline("generic_decline", "the card issuer declined the charge", soft=False),
        Decline("do_not_honor", "the card issuer declined the charge", soft=False),
        Decline("insufficient_funds", "insufficient funds", soft=True),
        Decline("expired_card", "the card has expired", soft=False),
        Decline("incorrect_cvc", "the security code was wrong", soft=False),
        Decline("lost_card", "the card was reported lost", soft=False),
        Decline("stolen_card", "the card was reported stolen", soft=False),
        Decline("fraudulent", "the charge looked fraudulent to the issuer", soft=False),
        Decline("processing_error", "the processor had an error; trying again may work", soft=True),
        Decline("try_again_later", "the processor asked to try again later", soft=True),
        Decline("processor_unavailable", "the processor could not be reached", soft=True),
        Decline("ach_returned", "the bank returned the debit", soft=False),
        Decline("R01", "the bank returned the debit: insufficient funds", soft=True),
        Decline("R02", "the bank returned the debit: the account is closed", soft=False),
        Decline("R03", "the bank returned the debit: no such account", soft=False),
        Decline("R04", "the bank returned the debit: invalid account number", soft=False),
        Decline("R07", "the bank returned the debit: authorization revoked by the customer", soft=False),
        Decline("R08", "the bank returned the debit: payment stopped by the customer", soft=False),
        Decline("R09", "the bank returned the debit: uncollected funds", soft=True),
        Decline("R10", "the bank returned the debit: the customer says it was not authorized", soft=False),
        Decline("R29", "the bank returned the debit: corporate customer says it was not authorized", soft=False),
    )
}


def decline(code: str | None) -> Decline:
    """The meaning of a failure code; an unknown code reads as itself, spaced out, and is taken as hard."""
    text = (code or "").strip()
    if not text:
        return Decline("", "no reason given", soft=False)
    return _KNOWN.get(text) or _KNOWN.get(text.lower()) or Decline(text, text.replace("_", " "), soft=False)


def decline_words(code: str | None) -> str:
    """`insufficient_funds` → "insufficient funds"."""
    return decline(code).words
