"""scripts/run after the build: run every result source, write the outputs,
decide the exit status. Standard library only."""
