"""The chat pane and its widgets: a run's events rendered as they stream.

`ConversationView`, `ToolCallBlock`, `PermissionPrompt`, `StatusLine` and `Notice` render from events
alone (no Session), so the transcript browser reuses them; `ChatPane` adds the input and runs sessions.
"""
