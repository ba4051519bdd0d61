"""The Follow-ups section: tasks and consents coming due."""
