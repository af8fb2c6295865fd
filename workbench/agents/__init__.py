"""Agent definitions: parsing with positions, the rule table, fixes, the catalog. No Textual, no SDK."""
