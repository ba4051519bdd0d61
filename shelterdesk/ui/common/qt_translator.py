"""Qt's own strings (OK, Cancel, Next >, Copy …) answered from our gettext catalogs.

Qt ships no Azerbaijani catalog, so a QTranslator subclass looks each string up
with ``pgettext(context, source)`` in ours. For Russian, Qt's own ``qtbase_ru``
is loaded too and answers whatever our catalog leaves out. Re-installing the
translators makes Qt send ``QEvent.LanguageChange`` to every widget, which is
what makes open windows call ``retranslate_ui()``.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from shelterdesk import i18n
from shelterdesk.i18n import pgettext


class CatalogTranslator(QTranslator):
    """Answers Qt's strings from the active gettext catalog; None when it has none.

    None, not "": Qt takes an empty string for a translation and would show blank
    buttons (Cancel in English), while None lets it fall back to its own text.
    """

    def translate(self, context: str, source_text: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        if not source_text or i18n.active_language() == i18n.DEFAULT_LANGUAGE:
            return None
        translated = pgettext(context, source_text)
        return None if translated == source_text else translated

    def isEmpty(self) -> bool:
        return False


class LanguageSwitcher:
    """Switches the process language and tells Qt, so every open window retranslates."""

    def __init__(self, application: QCoreApplication) -> None:
        self._application = application
        self._catalog_translator = CatalogTranslator()
        self._qt_translator: QTranslator | None = None

    @property
    def language(self) -> str:
        return i18n.active_language()

    @property
    def qt_catalog_loaded(self) -> bool:
        """Whether one of Qt's own catalogs (``qtbase_ru``) answers too; the self-test asks."""
        return self._qt_translator is not None

    def apply(self, language: str) -> str:
        """Activate ``language`` ('' means the system's); returns the code now in force."""
        code = i18n.normalize_language(language) or i18n.system_language()
        i18n.set_language(code)
        QLocale.setDefault(QLocale(i18n.BABEL_LOCALES[code].replace("_Latn", "")))
        if self._qt_translator is not None:
            self._application.removeTranslator(self._qt_translator)
            self._qt_translator = None
        self._application.removeTranslator(self._catalog_translator)
        if code == "ru":
            translator = QTranslator()
            directory = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
            if translator.load("qtbase_ru", directory):
                self._application.installTranslator(translator)
                self._qt_translator = translator
        # Installed last so it is asked first; installing sends LanguageChange everywhere.
        self._application.installTranslator(self._catalog_translator)
        return code


def catalogued_qt_strings() -> list[str]:
    """Qt's own strings that our catalogs translate (listed here so Babel extracts them)."""
    return [
        pgettext("QPlatformTheme", "OK"),
        pgettext("QPlatformTheme", "Cancel"),
        pgettext("QPlatformTheme", "Close"),
        pgettext("QPlatformTheme", "Save"),
        pgettext("QPlatformTheme", "Apply"),
        pgettext("QPlatformTheme", "Reset"),
        pgettext("QPlatformTheme", "Help"),
        pgettext("QPlatformTheme", "Discard"),
        pgettext("QPlatformTheme", "Don't Save"),
        pgettext("QPlatformTheme", "Restore Defaults"),
        pgettext("QPlatformTheme", "&Yes"),
        pgettext("QPlatformTheme", "&No"),
        pgettext("QPlatformTheme", "Yes to &All"),
        pgettext("QPlatformTheme", "N&o to All"),
        pgettext("QPlatformTheme", "Abort"),
        pgettext("QPlatformTheme", "Retry"),
        pgettext("QPlatformTheme", "Ignore"),
        pgettext("QWizard", "< &Back"),
        pgettext("QWizard", "&Next >"),
        pgettext("QWizard", "&Finish"),
        pgettext("QWizard", "Cancel"),
        pgettext("QWizard", "Commit"),
        pgettext("QWizard", "&Help"),
        pgettext("QLineEdit", "&Undo"),
        pgettext("QLineEdit", "&Redo"),
        pgettext("QLineEdit", "Cu&t"),
        pgettext("QLineEdit", "&Copy"),
        pgettext("QLineEdit", "&Paste"),
        pgettext("QLineEdit", "Delete"),
        pgettext("QLineEdit", "Select All"),
        pgettext("QWidgetTextControl", "&Undo"),
        pgettext("QWidgetTextControl", "&Redo"),
        pgettext("QWidgetTextControl", "Cu&t"),
        pgettext("QWidgetTextControl", "&Copy"),
        pgettext("QWidgetTextControl", "&Paste"),
        pgettext("QWidgetTextControl", "Delete"),
        pgettext("QWidgetTextControl", "Select All"),
        pgettext("QAbstractSpinBox", "&Select All"),
        pgettext("QAbstractSpinBox", "&Step up"),
        pgettext("QAbstractSpinBox", "Step &down"),
        pgettext("QPrintDialog", "Print"),
        pgettext("QShortcut", "Ctrl"),
        pgettext("QShortcut", "Shift"),
    ]
