"""Azerbaijani capitals: the dot of İ survives in unselected tabs, and initials follow
Turkic casing (i→İ, ı→I) in privacy mode, pickers, lists and documents."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QLabel, QTabBar, QWidget

from shelterdesk.domain.clients import Client, capital_initial, name_initials
from shelterdesk.store.records import case_labels
from shelterdesk.ui.common.app_style import ShelterDeskStyle
from shelterdesk.ui.common.privacy import initials, masked_label
from shelterdesk.ui.shell.app import make_application


def test_initials_use_turkic_casing_everywhere() -> None:
    assert name_initials("ilqar", "isgəndərov") == "İ. İ."
    assert name_initials("ısmayıl qasımov") == "I. Q."
    assert initials("ilahə", "Əliyeva") == "İ. Ə."
    assert masked_label("TH-0001", "ilkin", "şirinov") == "TH-0001 · İ. Ş."
    assert case_labels.initials("ilkin", "şirinov") == "İ. Ş."
    assert Client(given_name="ilahə", family_name="ıldırım").initials == "İ.I."
    assert name_initials("Иван", "Петров") == "И. П."
    assert name_initials("Aysel", "Məmmədova") == "A. M."


@given(st.text(min_size=1, max_size=12).filter(lambda s: s.strip()))
def test_an_initial_is_one_letter(name: str) -> None:
    letter = capital_initial(name)
    assert len(letter) == 1
    assert letter == {"i": "İ", "ı": "I"}.get(name.strip()[0], letter)


def _ink(widget: QWidget, rect=None) -> int:
    widget.show()
    QApplication.processEvents()
    image = widget.grab().toImage()
    if rect is not None:
        image = image.copy(rect)
    return sum(255 - QColor(image.pixel(x, y)).lightness()
               for x in range(image.width()) for y in range(image.height()))


def _dot_ink_in_tab(qtbot) -> int:
    inks = []
    for text in ("İnsan", "Insan"):
        bar = QTabBar()
        qtbot.addWidget(bar)
        bar.addTab("Sığınacaqlar")
        bar.addTab(text)  # not selected: drawn lower, where the dot was cut off
        bar.setCurrentIndex(0)
        bar.resize(bar.sizeHint())
        bar.show()
        QApplication.processEvents()  # tabs are laid out once shown
        inks.append(_ink(bar, bar.tabRect(1)))
    return inks[0] - inks[1]


@pytest.mark.gui
def test_unselected_tabs_keep_the_dot_of_capital_i(qtbot) -> None:
    application = make_application()
    assert application.findChild(ShelterDeskStyle) is not None
    labels = []
    for text in ("İnsan", "Insan"):
        label = QLabel(text)
        qtbot.addWidget(label)
        labels.append(_ink(label))
    full_dot = labels[0] - labels[1]
    assert full_dot > 0
    assert _dot_ink_in_tab(qtbot) >= 0.8 * full_dot


def _dot_ink_in_header(qtbot) -> int:
    from PySide6.QtGui import QStandardItemModel
    from PySide6.QtWidgets import QTableView

    inks = []
    for text in ("İş", "Iş"):
        model = QStandardItemModel(1, 2)
        model.setHorizontalHeaderLabels(["Yönləndirmə nömrəsi", text])
        view = QTableView()
        qtbot.addWidget(view)
        view.setModel(model)
        view.resize(400, 120)
        header = view.horizontalHeader()
        view.show()
        QApplication.processEvents()
        rect = header.geometry()
        rect.setLeft(header.sectionViewportPosition(1) + header.geometry().left())
        rect.setWidth(header.sectionSize(1))
        inks.append(_ink(view, rect))
    return inks[0] - inks[1]


@pytest.mark.gui
def test_table_headers_keep_the_dot_of_capital_i(qtbot) -> None:
    make_application()
    labels = []
    for text in ("İş", "Iş"):
        label = QLabel(text)
        qtbot.addWidget(label)
        labels.append(_ink(label))
    assert _dot_ink_in_header(qtbot) >= 0.8 * (labels[0] - labels[1]) > 0
