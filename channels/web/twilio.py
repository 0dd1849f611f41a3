"""Twilio's webhooks: /webhooks/twilio/sms, /webhooks/twilio/status, /webhooks/twilio/voice[/<step>] and
/webhooks/twilio/voice/agent-leg (the status of a transfer's call to the agent).

Each request proves itself with X-Twilio-Signature, computed over the public URL Twilio called (our
ARAGENT_PUBLIC_URL plus the path and query, so a proxy in front does not break it) and the posted form; a
forged or missing one is refused with 403. An SMS is answered with TwiML within the reply budget; a bot that
takes longer gets an empty answer now, and its replies go out through the outbox when they are ready.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Sequence

import anyio.to_thread
import structlog
from litestar import Controller, Request, Response, post
from litestar.datastructures import State
from litestar.exceptions import HTTPException, PermissionDeniedException
from litestar.params import FromPath
from twilio.request_validator import RequestValidator, get_signature_algorithm
from twilio.twiml.messaging_response import MessagingResponse
from twilio.twiml.voice_response import VoiceResponse

from bot.turns import Inbound, Reply
from channels import twilio_sms, twilio_voice
from channels.twilio_settings import TwilioSettings
from channels.web.telegram import RecentIds
from core.bootstrap import Services

log = structlog.get_logger("aragent.twilio")
SIGNATURE_HEADER = "X-Twilio-Signature"
SORRY = "Sorry, something went wrong on our side. Please try again in a few minutes."


class TwilioChannel:
    """What the Twilio routes share in one process: settings, the MessageSids seen lately, and the bot's
    replies still being worked on after their webhook was answered (finished before the app stops)."""

    def __init__(self, services: Services, settings: TwilioSettings | None = None) -> None:
        self.services, self.settings = services, settings or TwilioSettings.of(services.settings)
        self.recent = RecentIds()
        self._late: set[asyncio.Task[None]] = set()

    def verified_url(self, request: Request) -> str:
        query = request.url.query
        return f"{self.services.settings.public_url}{request.url.path}" + (f"?{query}" if query else "")

    async def verified_form(self, request: Request) -> dict[str, str]:
        if not self.settings.configured:
            raise HTTPException(status_code=404, detail="Twilio is not configured (ARAGENT_TWILIO_AUTH_TOKEN)")
        form = await request.form()
        algorithm = get_signature_algorithm(request.headers.get("X-Twilio-Webhooks-Signature-Settings"))
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature or not RequestValidator(self.settings.auth_token).validate(
                self.verified_url(request), form, signature, algorithm):
            raise PermissionDeniedException(f"missing or invalid {SIGNATURE_HEADER}")
        return {key: str(value) for key, value in form.items()}

    async def answer(self, inbound: Inbound) -> Sequence[Reply] | None:
        """The bot's replies, or None when it needs longer than the budget: they go by the outbox later."""
        turn = asyncio.ensure_future(anyio.to_thread.run_sync(twilio_sms.handle, self.services, inbound))
        try:
            return await asyncio.wait_for(asyncio.shield(turn), self.settings.reply_seconds)
        except TimeoutError:
            task = asyncio.ensure_future(self._send_late(turn, inbound))
            self._late.add(task)
            task.add_done_callback(self._late.discard)
            return None

    async def _send_late(self, turn: asyncio.Future[list[Reply]], inbound: Inbound) -> None:
        try:
            replies = await turn
            ids = await anyio.to_thread.run_sync(twilio_sms.queue_late_replies, self.services, inbound, replies)
            log.info("late SMS reply queued in the outbox", message_sid=inbound.provider_id, outbox_ids=ids)
        except Exception:
            log.exception("late SMS reply failed", message_sid=inbound.provider_id)

    async def stop(self) -> None:
        if self._late:
            await asyncio.wait(self._late, timeout=30)


def channel_of(state: State) -> TwilioChannel:
    return state.twilio  # type: ignore[no-any-return]


def twiml(body: str) -> Response[str]:
    return Response(body, media_type="application/xml", status_code=200)


class TwilioSmsController(Controller):
    path = "/webhooks/twilio"
    tags = ["Webhooks"]

    @post("/sms", summary="An inbound SMS, signed by Twilio; answered with TwiML", status_code=200)
    async def sms(self, request: Request, state: State) -> Response[str]:
        twilio = channel_of(state)
        form = await twilio.verified_form(request)
        sid = form.get("MessageSid", "")
        if sid and not twilio.recent.first_time(sid):
            return twiml(str(MessagingResponse()))
        inbound = twilio_sms.inbound_sms(form)
        try:
            replies = await twilio.answer(inbound)
        except Exception:
            log.exception("the bot failed on an SMS", message_sid=sid)
            twilio.recent.forget(sid)
            replies = [Reply(SORRY)]
        if replies is None or twilio_sms.answered_by_twilio(form):
            return twiml(str(MessagingResponse()))
        return twiml(twilio_sms.twiml(replies, twilio.services))

    @post("/status", summary="Delivery status of an SMS we sent; a status never goes backwards", status_code=200)
    async def status(self, request: Request, state: State) -> Response[str]:
        twilio = channel_of(state)
        form = await twilio.verified_form(request)
        outcome = await anyio.to_thread.run_sync(
            twilio_sms.record_delivery_status, twilio.services, form.get("MessageSid", ""),
            form.get("MessageStatus") or form.get("SmsStatus", ""), form.get("ErrorCode") or None)
        log.info("sms status", message_sid=form.get("MessageSid"), status=form.get("MessageStatus"), outcome=outcome)
        return twiml(str(MessagingResponse()))


class TwilioVoiceController(Controller):
    path = "/webhooks/twilio/voice"
    tags = ["Webhooks"]

    @post("/", summary="An incoming call: the IVR's first step", status_code=200)
    async def incoming(self, request: Request, state: State) -> Response[str]:
        return await self._step(request, state, None)

    @post(f"/{twilio_voice.AGENT_LEG_STEP}", status_code=200,
          summary="The agent's leg of a transfer: ringing, answered, ended; a status never goes backwards")
    async def agent_leg(self, request: Request, state: State) -> Response[str]:
        twilio = channel_of(state)
        form = await twilio.verified_form(request)
        status = await anyio.to_thread.run_sync(twilio_voice.agent_leg, twilio.services, form)
        log.info("agent leg", parent_call_sid=form.get("ParentCallSid"), leg=form.get("CallStatus"), status=status)
        return twiml(str(VoiceResponse()))

    @post("/{step:str}", summary="The IVR's next step, after a <Gather>, <Pay> or <Dial>", status_code=200)
    async def next_step(self, step: FromPath[str], request: Request, state: State) -> Response[str]:
        return await self._step(request, state, step)

    async def _step(self, request: Request, state: State, step: str | None) -> Response[str]:
        twilio = channel_of(state)
        form = await twilio.verified_form(request)
        call = twilio_voice.Call(twilio.services, twilio.settings, form, dict(request.query_params))
        response = await anyio.to_thread.run_sync(functools.partial(twilio_voice.step, call, step))
        return twiml(str(response))
