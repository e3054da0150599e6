"""Stakeholder report packs: figures (figures.py), review workflow and frozen snapshots
(workflow.py), their inputs (inputs.py: partners on deals, sales & marketing spend), and
rendering to PDF (pdf.py), XLSX, CSV and JSON (render.py). No Streamlit here."""
