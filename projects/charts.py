"""Geometry for server-rendered SVG charts. The templates draw what these compute; colours
come from CSS classes (no style attributes, so the Content Security Policy holds) and
every chart goes with a table that gives the same numbers as text."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from math import ceil, log10


@dataclass(frozen=True, slots=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    css_class: str
    series: str
    value: int


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    total: int
    label_x: float
    total_y: float
    segments: list[Segment]


@dataclass(frozen=True, slots=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True, slots=True)
class StackedBarChart:
    width: int
    height: int
    left: float
    right: float
    top: float
    bottom: float
    bars: list[Bar]
    ticks: list[Tick]
    series: list[tuple[str, str]]  # (css class, label), bottom of the stack first

    @property
    def is_empty(self) -> bool:
        return all(bar.total == 0 for bar in self.bars)


def nice_ceiling(value: int) -> int:
    """The smallest of 1, 2, 2.5, 5 or 10 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1
    power = 10 ** int(log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * power:
            return max(1, ceil(step * power))
    return 10 * power


def stacked_bar_chart(
    columns: Sequence[tuple[str, Sequence[int]]],
    series: Sequence[tuple[str, str]],
    *,
    width: int = 640,
    height: int = 280,
    ticks: int = 4,
) -> StackedBarChart:
    """One bar per column, its values stacked in the order of ``series``."""
    left, right, top, bottom = 44.0, width - 8.0, 16.0, height - 28.0
    plot_height = bottom - top
    maximum = nice_ceiling(max((sum(values) for _, values in columns), default=0))
    slot = (right - left) / max(len(columns), 1)
    bar_width = round(slot * 0.6, 1)
    bars = []
    for index, (label, values) in enumerate(columns):
        x = round(left + index * slot + (slot - bar_width) / 2, 1)
        y = bottom
        segments = []
        for (css_class, name), value in zip(series, values, strict=True):
            if value <= 0:
                continue
            segment_height = round(plot_height * value / maximum, 1)
            y = round(y - segment_height, 1)
            segments.append(Segment(x, y, bar_width, segment_height, css_class, name, value))
        total = sum(values)
        bars.append(
            Bar(
                label=label,
                total=total,
                label_x=round(x + bar_width / 2, 1),
                total_y=round(y - 4, 1),
                segments=segments,
            )
        )
    tick_values = sorted({round(maximum * i / ticks) for i in range(ticks + 1)})
    return StackedBarChart(
        width=width,
        height=height,
        left=left,
        right=right,
        top=top,
        bottom=bottom,
        bars=bars,
        ticks=[Tick(v, round(bottom - plot_height * v / maximum, 1)) for v in tick_values],
        series=list(series),
    )
