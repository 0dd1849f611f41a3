"""The Twilio channels' (SMS, voice) settings, parsed here from their ARAGENT_ variables, and what they compute.

    ARAGENT_TWILIO_ACCOUNT_SID     AC…; with the auth token: the SMS and voice channels are on
    ARAGENT_TWILIO_AUTH_TOKEN      signs Twilio's webhooks and authenticates our REST calls
    ARAGENT_TWILIO_FROM            our number (E.164) or a Messaging Service SID (MG…)
    ARAGENT_TWILIO_API_BASE        empty: Twilio's own API (tests: a local recorder)
    ARAGENT_TWILIO_TIMEOUT         seconds for one REST call, default 10
    ARAGENT_TWILIO_REPLY_SECONDS   how long an SMS webhook waits for the bot before answering empty and
                                   sending the reply through the outbox; default 10 (Twilio gives up at 15)
    ARAGENT_TWILIO_PAY_CONNECTOR   the <Pay> connector that takes a new card on a call, default "Default"
    ARAGENT_AGENT_PHONE            where "an agent, please" is transferred to (<Dial>); empty: no transfer
The public URL that Twilio signs is `Settings.public_url` (ARAGENT_PUBLIC_URL).
"""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel import Settings


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str = ""
    auth_token: str = ""
    sender: str = ""  # ARAGENT_TWILIO_FROM
    api_base: str = ""
    timeout: float = 10.0
    reply_seconds: float = 10.0
    pay_connector: str = "Default"
    agent_phone: str = ""

    @property
    def configured(self) -> bool:
        """Webhooks can be verified: the auth token signs them."""
        return bool(self.auth_token)

    @property
    def can_send(self) -> bool:
        return bool(self.account_sid and self.auth_token and self.sender)

    @classmethod
    def of(cls, settings: Settings) -> TwilioSettings:
        env = settings.channels
        return cls(account_sid=env.get("twilio_account_sid", "").strip(),
                   auth_token=env.get("twilio_auth_token", "").strip(), sender=env.get("twilio_from", "").strip(),
                   api_base=env.get("twilio_api_base", "").strip().rstrip("/"),
                   timeout=float(env.get("twilio_timeout") or cls.timeout),
                   reply_seconds=float(env.get("twilio_reply_seconds") or cls.reply_seconds),
                   pay_connector=env.get("twilio_pay_connector", "").strip() or cls.pay_connector,
                   agent_phone=env.get("agent_phone", "").strip())
