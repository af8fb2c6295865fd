"""Running an agent: the loop, the provider, local tools, permissions, pricing. No Textual."""
