"""The /usage answer: figures per provider, the most active members and the chart, in the admin's
language (the reply is private)."""

from __future__ import annotations

import asyncio

import discord

from engine.usage import UsageReport
from face import texts
from face.usage_chart import render_usage_chart


def by_jobs(report: UsageReport) -> bool:
    """Nothing cost anything (offline providers only): the chart counts jobs instead of credits."""
    return not any(credits for _, credits in report.providers.values())


def usage_embed(
    report: UsageReport, labels: dict[str, str], provider: str | None, *, locale: str | None
) -> discord.Embed:
    """One field per provider (jobs and credits), then the top members; the chart as its image."""
    embed = discord.Embed(
        title=texts.usage_title(report.days, provider, locale=locale), colour=discord.Colour.blurple()
    )
    for name, (jobs, credits) in report.providers.items():
        embed.add_field(
            name=texts.clip(labels.get(name, name), 256),
            value=texts.usage_provider_line(jobs, credits, locale=locale),
        )
    embed.add_field(
        name=texts.usage_top_field(locale=locale),
        value=texts.clip(
            texts.usage_top([(m.member_id, m.jobs, m.credits) for m in report.top], locale=locale), 1024
        ),
        inline=False,
    )
    embed.set_image(url=f"attachment://{texts.USAGE_CHART_NAME}")
    return embed


async def usage_chart(report: UsageReport, *, locale: str | None) -> bytes:
    """The bar chart as a PNG, drawn off the event loop; its axis says what the bars count."""
    jobs = by_jobs(report)
    unit = texts.usage_chart_unit(jobs, locale=locale)
    return await asyncio.to_thread(
        render_usage_chart, report.calendar, report.series(by_jobs=jobs), unit=unit
    )
