"""Email's (and the fax gateway's) settings, parsed here from their ARAGENT_ variables.

    ARAGENT_SMTP_HOST             empty: no email sender; email (and fax) messages wait in the outbox
    ARAGENT_SMTP_PORT             default 25
    ARAGENT_SMTP_USERNAME, _PASSWORD
    ARAGENT_SMTP_SECURITY         none | starttls | tls
    ARAGENT_SMTP_FROM             the From of every email
    ARAGENT_SMTP_TIMEOUT          seconds for one SMTP session, default 10
    ARAGENT_FAX_GATEWAY_DOMAIN    e.g. fax.example.net: +15105550100 goes to 15105550100@fax.example.net
"""

from __future__ import annotations

from dataclasses import dataclass

from core.kernel import Invalid, Settings

SECURITY_MODES = ("none", "starttls", "tls")


@dataclass(frozen=True)
class SmtpSettings:
    host: str = ""
    port: int = 25
    username: str = ""
    password: str = ""
    security: str = "none"
    sender: str = "Northwind Supply Co. <ar@northwind.example>"  # ARAGENT_SMTP_FROM
    timeout: float = 10.0
    fax_gateway_domain: str = ""

    @property
    def configured(self) -> bool:
        return bool(self.host)

    @classmethod
    def of(cls, settings: Settings) -> SmtpSettings:
        env = settings.channels
        security = env.get("smtp_security", "none").strip().lower()
        if security not in SECURITY_MODES:
            raise Invalid(f"ARAGENT_SMTP_SECURITY must be one of {', '.join(SECURITY_MODES)}, not {security!r}",
                          "smtp_security")
        return cls(host=env.get("smtp_host", "").strip(), port=int(env.get("smtp_port") or cls.port),
                   username=env.get("smtp_username", ""), password=env.get("smtp_password", ""), security=security,
                   sender=env.get("smtp_from") or cls.sender, timeout=float(env.get("smtp_timeout") or cls.timeout),
                   fax_gateway_domain=env.get("fax_gateway_domain", "").strip())
