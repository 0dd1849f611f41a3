"""`aragent dunning ...`: the daily dunning run, its message templates and the policy in force."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.table import Table

from channels.cli.common import CLI_ACTOR, ARCommandGroup, err, parse_date, services_for
from channels.cli.dunning_holds import HOLD_COMMANDS
from core.dunning import (
    DunningResult,
    PolicyInForce,
    StagePolicy,
    policy_in_force,
    reset_stages,
    run_dunning,
    set_dunning_template,
    set_stages,
)
from core.outbox import get_template_text, list_templates, reset_template


def _print(table: Table) -> None:
    # Wide enough for whole template names when the output goes to a file or a pipe.
    Console(width=None if sys.stdout.isatty() else 160).print(table)


@click.group(cls=ARCommandGroup)
def dunning() -> None:
    """Dunning: remind customers who owe, by debt stage, through the outbox.

    `run` evaluates every customer with open items and queues one message per customer who owes, at the
    most severe stage of its class's policy (by default: 1 = at most 15 days over terms, 2 = more than 15,
    3 = more than 30). Only classes that allow automatic statements are dunned, and only customers opted in
    to a channel they can be reached on. Messages wait in the outbox as pending until approved
    (`aragent outbox approve`) unless the stage auto-approves. `templates` edits the texts, `stages` shows
    the policy and `stages set` changes it. `hold` stops dunning for a customer or one invoice (with a reason and
    an optional last day), `unhold` lifts it, `holds` lists them.
    """


@dunning.command("run")
@click.option("--as-of", help="Run date (YYYY-MM-DD, default today).")
@click.option("--customer", "customers", multiple=True, help="Only this customer code (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON list: one object per customer evaluated.")
@click.pass_context
def dunning_run(ctx: click.Context, as_of: str | None, customers: tuple[str, ...], as_json: bool) -> None:
    """Evaluate customers and queue their dunning messages; rerunning a date queues nothing twice."""
    services = services_for(ctx)
    results = run_dunning(services, parse_date(as_of), CLI_ACTOR, customer_codes=list(customers) or None)
    if as_json:
        click.echo(json.dumps([r.to_json() for r in results]))
    else:
        _summary(results)


def _summary(results: list[DunningResult]) -> None:
    queued = [r for r in results if r.status == "queued"]
    by_stage = {stage: sum(r.stage == stage for r in queued) for stage in sorted({r.stage or 0 for r in queued})}
    stages = ", ".join(f"stage {s}: {n}" for s, n in by_stage.items())
    click.echo(f"evaluated {len(results)}, queued {len(queued)}{f' ({stages})' if stages else ''}, "
               f"skipped {len(results) - len(queued)}")
    reasons: dict[str, int] = {}
    for r in results:
        if r.status == "skipped":
            key = r.reason.split(";")[0].split(":")[0]
            reasons[key] = reasons.get(key, 0) + 1
    if reasons:
        table = Table("skipped because", "customers")
        for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
            table.add_row(reason, str(count))
        _print(table)


@dunning.group("templates", cls=ARCommandGroup)
def templates() -> None:
    """Message templates: the files in templates/messages, and staff overrides of them."""


@templates.command("list")
@click.pass_context
def templates_list(ctx: click.Context) -> None:
    """Every template, and which ones staff changed."""
    table = Table("template", "text", "changed by", "changed at")
    for info in list_templates(services_for(ctx).db.uow()):
        changed = f"{info.updated_at:%Y-%m-%d %H:%M}" if info.updated_at else ""
        table.add_row(info.name, "override" if info.overridden else "file", info.updated_by, changed)
    _print(table)


@templates.command("show")
@click.argument("name")
@click.pass_context
def templates_show(ctx: click.Context, name: str) -> None:
    """Print the text in force for NAME (e.g. dunning.stage2.email.txt)."""
    with services_for(ctx).db.uow() as uow:
        click.echo(get_template_text(uow.session, name))


@templates.command("set")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_context
def templates_set(ctx: click.Context, name: str, file: Path) -> None:
    """Override NAME with the text in FILE; a template that does not compile or render is refused."""
    set_dunning_template(services_for(ctx).db.uow(), name, file.read_text(encoding="utf-8"), CLI_ACTOR)
    click.echo(f"{name}: override saved")


@templates.command("reset")
@click.argument("name")
@click.pass_context
def templates_reset(ctx: click.Context, name: str) -> None:
    """Drop the override of NAME: the file's text is in force again."""
    dropped = reset_template(services_for(ctx).db.uow(), name, CLI_ACTOR)
    click.echo(f"{name}: {'override dropped' if dropped else 'no override'}; the file is in force")


@dunning.group("stages", cls=ARCommandGroup, invoke_without_command=True)
@click.option("--class", "class_code", help="Customer class code (default: the default policy).")
@click.pass_context
def dunning_stages(ctx: click.Context, class_code: str | None) -> None:
    """Show the dunning stages in force for a class; `set` and `reset` change them."""
    if ctx.invoked_subcommand is None:
        _show(policy_in_force(services_for(ctx).db.uow(), class_code))


def _show(policy: PolicyInForce) -> None:
    table = Table("stage", "name", "days over terms", "template", "channels", "approve", "cadence",
                  title=f"dunning stages: {policy.source}")
    for s in policy.stages:
        above = "any balance" if s.days_over_terms_above is None else f"more than {s.days_over_terms_above}"
        table.add_row(str(s.stage), s.name, above, s.template, ", ".join(s.channels),
                      "auto" if s.auto_approve else "review", f"{s.cadence_days} days")
    _print(table)
    if not policy.stages:
        err.print("no stages")


STAGE_SPEC = "N:DAYS:CHANNELS[:auto][:every=DAYS][:name=TEXT]"


def parse_stage(spec: str) -> StagePolicy:
    """`2:15:email,sms:auto:every=14:name=Second notice` → stage 2, more than 15 days over terms, by email then
    SMS, approved without review, at most every 14 days. DAYS `any` is any balance (stage 1 only)."""
    parts = spec.split(":")
    if len(parts) < 3 or not parts[0].isdigit() or not parts[2]:
        raise click.BadParameter(f"{spec!r}: expected {STAGE_SPEC}", param_hint="--stage")
    number, days, channels, *rest = parts
    options = dict(auto_approve=False, cadence_days=7, name="")
    for part in rest:
        key, _, value = part.partition("=")
        if part == "auto":
            options["auto_approve"] = True
        elif key == "every" and value.isdigit():
            options["cadence_days"] = int(value)
        elif key == "name":
            options["name"] = value
        else:
            raise click.BadParameter(f"{spec!r}: unknown part {part!r}; expected {STAGE_SPEC}", param_hint="--stage")
    if days != "any" and not days.isdigit():
        raise click.BadParameter(f"{spec!r}: DAYS is a number of days over terms, or `any`", param_hint="--stage")
    return StagePolicy(int(number), None if days == "any" else int(days), f"dunning.stage{number}",
                       tuple(c.strip() for c in channels.split(",") if c.strip()), **options)  # type: ignore[arg-type]


@dunning_stages.command("set")
@click.option("--class", "class_code", help="Customer class code (default: the default policy).")
@click.option("--stage", "specs", multiple=True, required=True, metavar=STAGE_SPEC,
              help="One stage; repeat for each, e.g. --stage 1:any:email --stage 2:15:email,sms:auto.")
@click.pass_context
def dunning_stages_set(ctx: click.Context, class_code: str | None, specs: tuple[str, ...]) -> None:
    """Replace a class's stages (all of them at once); the next run follows them."""
    stages = [parse_stage(spec) for spec in specs]
    _show(set_stages(services_for(ctx).db.uow(), class_code, stages, CLI_ACTOR))


@dunning_stages.command("reset")
@click.option("--class", "class_code", help="Customer class code (default: the default policy).")
@click.pass_context
def dunning_stages_reset(ctx: click.Context, class_code: str | None) -> None:
    """Drop a class's own stages: it follows the default policy (and that, the built-in seed default)."""
    dropped = reset_stages(services_for(ctx).db.uow(), class_code, CLI_ACTOR)
    click.echo(f"{class_code or 'default policy'}: {'own stages dropped' if dropped else 'had no stages of its own'}")
    _show(policy_in_force(services_for(ctx).db.uow(), class_code))


for _command in HOLD_COMMANDS:  # hold, unhold, holds: channels/cli/dunning_holds.py
    dunning.add_command(_command)
