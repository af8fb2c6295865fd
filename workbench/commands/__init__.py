"""Sub-commands of the workbench CLI, one module each (imported only when used)."""
