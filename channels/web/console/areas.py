"""The console's areas, one module each; every controller here sits behind sign-in (see __init__)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

CONTROLLERS: list[ControllerRouterHandler] = []
