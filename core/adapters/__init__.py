"""Payment-processor adapters: implementations of `core.processor.PaymentProcessor`."""

from core.adapters.sandbox import SandboxProcessor

__all__ = ["SandboxProcessor"]
