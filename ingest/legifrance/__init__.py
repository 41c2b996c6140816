"""Official texts brought in from Légifrance: the API behind PISTE, or the DILA's LEGI archives."""
