"""A small bar chart of credits (or jobs, when nothing cost anything) per day, as a PNG. Pillow only;
call it through asyncio.to_thread, it is CPU work."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 640, 240
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 48, 12, 16, 28
BACKGROUND = (47, 49, 54)
AXIS = (185, 187, 190)
# One colour per provider, in the order they are first seen.
PALETTE = ((88, 101, 242), (87, 242, 135), (254, 231, 92), (235, 69, 158), (237, 66, 69), (155, 89, 182))


def render_usage_chart(days: Sequence[date], series: dict[str, dict[date, float]], *, unit: str) -> bytes:
    """Stacked bars, one per day, one colour per provider (series: provider -> day -> amount).

    `unit` labels the axis, already in the reader's language (texts.usage_chart_unit).
    """
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default()
    totals = [sum(per_day.get(day, 0.0) for per_day in series.values()) for day in days]
    top = max(totals, default=0.0) or 1.0
    plot_w = WIDTH - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM
    base_y = MARGIN_TOP + plot_h
    draw.line([(MARGIN_LEFT, MARGIN_TOP), (MARGIN_LEFT, base_y), (WIDTH - MARGIN_RIGHT, base_y)], fill=AXIS)
    draw.text((4, MARGIN_TOP - 6), f"{top:g}", fill=AXIS, font=font)
    draw.text((4, base_y - 10), "0", fill=AXIS, font=font)
    draw.text((4, HEIGHT - 14), unit, fill=AXIS, font=font)
    slot = plot_w / max(1, len(days))
    bar = max(1.0, slot * 0.7)
    colours = {name: PALETTE[i % len(PALETTE)] for i, name in enumerate(series)}
    for i, day in enumerate(days):
        x0 = MARGIN_LEFT + i * slot + (slot - bar) / 2
        y = float(base_y)
        for name, per_day in series.items():
            amount = per_day.get(day, 0.0)
            if amount <= 0:
                continue
            height = plot_h * amount / top
            draw.rectangle([x0, y - height, x0 + bar, y], fill=colours[name])
            y -= height
    for i in (0, len(days) - 1) if days else ():
        label = days[i].strftime("%m-%d")
        draw.text((MARGIN_LEFT + i * slot, base_y + 6), label, fill=AXIS, font=font)
    x = MARGIN_LEFT + 60
    for name, colour in colours.items():
        draw.rectangle([x, HEIGHT - 12, x + 8, HEIGHT - 4], fill=colour)
        draw.text((x + 12, HEIGHT - 15), name, fill=AXIS, font=font)
        x += 20 + int(draw.textlength(name, font=font))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
