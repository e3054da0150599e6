"""Compensation: plans with tiers, accelerators, caps, SPIFFs and clawbacks; statements that
freeze when a quarter closes; what-if; recognition; payroll export.

engine       pure Decimal arithmetic (pay curve, commission, SPIFF, clawback and draw lines)
plans        versioned plans and their assignment with a quota to reps per quarter
statements   statements, closing quarters, corrections as adjustments, disputes
whatif       a plan's reps paid under changed terms, side by side with the current plans
recognition  leaderboards, club threshold, badges, activity statistics
payroll      the salary settlement as a table, CSV and XLSX
demo         build_demo_compensation, called by the demo workspace build
"""

from dashboard.compensation.demo import build_demo_compensation

__all__ = ["build_demo_compensation"]
