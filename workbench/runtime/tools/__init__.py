"""Local tools the agent may call: one module per tool, registered in `base.REGISTRY`."""
