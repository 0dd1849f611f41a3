"""Every context's tables in one metadata: the mapper registry and Alembic read the schema from here.

Each context keeps its tables in its own `models.py`; importing this module registers all of them. The
scheduler's own tables (`scheduler.models`) register themselves the same way wherever the scheduler is
imported; `migrations/env.py` imports both.
"""

from __future__ import annotations

from core.conversations import models as conversations_models
from core.documents import models as documents_models
from core.dunning import models as dunning_models
from core.kernel import models as kernel_models
from core.ledger import models as ledger_models
from core.outbox import models as outbox_models
from core.payments import models as payments_models
from core.payments.adapters import sandbox_models
from core.staff import models as staff_models
from core.statements import models as statements_models

CONTEXT_MODELS = (kernel_models, ledger_models, documents_models, outbox_models, payments_models, sandbox_models,
                  statements_models, dunning_models, conversations_models, staff_models)
Base = kernel_models.Base
metadata = Base.metadata
