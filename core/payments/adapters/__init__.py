"""Payment-processor adapters: implementations of `core.payments.processor.PaymentProcessor`."""

from core.payments.adapters.sandbox import SandboxProcessor

__all__ = ["SandboxProcessor"]
