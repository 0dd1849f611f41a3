"""An email reads as the chats do (issue 15.10): a seller's name that ends in a period is not followed by a second."""

from __future__ import annotations

from channels.email import build_email
from core.outbox import OutgoingMessage


def test_an_email_says_a_name_ending_in_a_period_once_and_keeps_an_ellipsis() -> None:
    message = OutgoingMessage(7, "email", "ap@acme.example", "Your statement from Bluewater Plumbing Co..",
                              "Thank you for your business with Bluewater Plumbing Co..\nMore to follow...", None)

    email = build_email(message, "Bluewater Plumbing Co. <ar@bluewater.example>")

    assert email["Subject"] == "Your statement from Bluewater Plumbing Co."
    body = email.get_content()
    assert "Bluewater Plumbing Co.\n" in body and "Co.." not in body.replace("...", "")
    assert "More to follow..." in body
