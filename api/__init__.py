"""talentmatch service layer (FastAPI). Arrives with the service issue; nothing here yet."""
