"""Speaking the script: the synthesis scheduler, its retry policy and spool, the segment cache,
and the engines (one module each, behind a registry)."""
