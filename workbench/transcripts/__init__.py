"""Events, transcripts (workbench runs and Claude Code sessions), export. No Textual."""
