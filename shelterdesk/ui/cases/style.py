"""The Cases section's own style rules, applied to its page (dialogs inherit them)."""

CASES_QSS = """
QLabel#clientName { font-size: 15pt; font-weight: 600; color: #1f2d3a; }
QLabel#caseCode { font-size: 11pt; color: #44525f; padding-left: 6px; }
QLabel#caseState { color: #44525f; }
QLabel#filterLabel { color: #44525f; font-size: 9pt; }
QLabel#fieldProblem { color: #a12a2a; }
QLabel#hashLabel { font-family: "DejaVu Sans Mono", "Consolas", monospace; color: #44525f; }
QLabel#detailsPane {
    background: #f7f9fb; border: 1px solid #dbe2e8; border-radius: 6px; padding: 8px;
}
QFrame#draftBanner {
    background: #fff7e0; border: 1px solid #e3c77a; border-radius: 6px;
}
QFrame#dropZone {
    background: #f7f9fb; border: 2px dashed #b8c6d2; border-radius: 8px;
}
QListWidget#fileNav, QListWidget#stepList {
    background: #f4f7f9; border: 1px solid #dbe2e8; border-radius: 6px; padding: 4px 0;
}
QListWidget#fileNav::item, QListWidget#stepList::item {
    padding: 6px 10px; margin: 1px 4px; border-radius: 4px; color: #1f2d3a;
}
QListWidget#fileNav::item:selected, QListWidget#stepList::item:selected {
    background: #cfe0ec; color: #12324a;
}
QGroupBox { font-weight: 600; color: #1f2d3a; }
QGroupBox QLabel { font-weight: normal; }
QPushButton#backButton { color: #2f5d7c; padding: 4px 8px; }
QLineEdit#searchEdit { padding: 5px 8px; font-size: 11pt; }
"""
