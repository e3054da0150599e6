"""What the figures of the compensation pages mean (shown on the Metric definitions page)."""

from __future__ import annotations

COMPENSATION_DEFINITIONS: dict[str, str] = {
    "Quota attainment": "Credited amount / quota, where the plan's measure decides what is "
    "credited: bookings (won deals by close date), invoiced revenue (invoiced orders) or margin "
    "(order profit).",
    "Rate band": "A range of attainment with a rate. Bands apply marginally: each band's rate "
    "pays only for the part of attainment inside it.",
    "Accelerator / decelerator": "A band whose rate is above 1 (pays more per point of "
    "attainment) or below 1 (pays less); a rate of 0 is a threshold that pays nothing.",
    "Commission": "For each band: the band's rate x the target incentive x the part of "
    "attainment inside the band; capped at the cap multiple x the target incentive.",
    "SPIFF": "A fixed bonus per won deal of a product, or inside a time window, on top of "
    "commission.",
    "Clawback": "When a won deal's order is returned or cancelled within the plan's clawback "
    "days: the returned share of the order x what was paid on it, taken back.",
    "Draw": "An advance up to the draw amount when earnings fall short; a recoverable draw is "
    "recovered from later earnings above the draw.",
    "Adjustment": "What a closed quarter's line would pay now - what it paid - corrections "
    "already made; paid in the first open quarter, so a closed quarter's money never changes.",
    "Variable pay": "Commission + SPIFFs - clawbacks + adjustments + draw advance - draws "
    "recovered.",
    "Total pay": "Base salary for the period (a quarter of the annual salary) + variable pay.",
    "Club": "Reps whose attainment reaches the club threshold (120% unless set otherwise).",
}
