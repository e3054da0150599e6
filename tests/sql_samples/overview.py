"""Sample values for the parameters of the Overview's own queries (kpis, overview)."""

SAMPLES: dict[str, object] = {
    "open_now": True,
}
