"""Reads a running ShelterDesk through the real AT-SPI bus (what Orca reads) and lists the
focusable objects without a name.

Run with the system Python that has dbus-python (``python3-dbus``), inside the D-Bus session
where the AT-SPI bus and ShelterDesk (``QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1``) run; see
docs/accessibility.md. Prints one line per focusable object: role, name, description; then
the count of unnamed ones. Exit status 1 when there are any.
"""

from __future__ import annotations

import sys

import dbus  # type: ignore[import-not-found]  # system package python3-dbus

ACCESSIBLE = "org.a11y.atspi.Accessible"
STATE_FOCUSABLE = 11  # AtspiStateType: ATSPI_STATE_FOCUSABLE
STATE_SHOWING = 25  # ATSPI_STATE_SHOWING
RELATION_LABELLED_BY = 2  # AtspiRelationType: ATSPI_RELATION_LABELLED_BY


def a11y_bus() -> dbus.Bus:
    session = dbus.SessionBus()
    address = session.get_object("org.a11y.Bus", "/org/a11y/bus").GetAddress(
        dbus_interface="org.a11y.Bus")
    return dbus.bus.BusConnection(str(address))


def states(obj: dbus.proxies.ProxyObject) -> set[int]:
    words = obj.GetState(dbus_interface=ACCESSIBLE)
    return {index * 32 + bit for index, word in enumerate(words) for bit in range(32)
            if int(word) >> bit & 1}


def label_name(bus: dbus.Bus, name: str, path: str) -> str:
    props = dbus.Interface(bus.get_object(name, path, introspect=False),
                           "org.freedesktop.DBus.Properties")
    return str(props.Get(ACCESSIBLE, "Name"))


def walk(bus: dbus.Bus, name: str, path: str, depth: int = 0, seen: set | None = None):
    seen = set() if seen is None else seen
    if (name, path) in seen or depth > 60:
        return
    seen.add((name, path))
    obj = bus.get_object(name, path, introspect=False)
    props = dbus.Interface(obj, "org.freedesktop.DBus.Properties")
    name_text = str(props.Get(ACCESSIBLE, "Name"))
    labels = [label_name(bus, str(target[0]), str(target[1]))
              for kind, targets in obj.GetRelationSet(dbus_interface=ACCESSIBLE)
              if int(kind) == RELATION_LABELLED_BY for target in targets]
    if labels:  # what Orca reads first: the label, then the value
        name_text = "{labels} | {name}".format(labels=" ".join(labels), name=name_text)
    yield (obj.GetRoleName(dbus_interface=ACCESSIBLE), name_text,
           str(props.Get(ACCESSIBLE, "Description")), states(obj))
    for child_name, child_path in obj.GetChildren(dbus_interface=ACCESSIBLE):
        yield from walk(bus, str(child_name), str(child_path), depth + 1, seen)


def main() -> int:
    bus = a11y_bus()
    root = bus.get_object("org.a11y.atspi.Registry", "/org/a11y/atspi/accessible/root",
                          introspect=False)
    unnamed = 0
    focusable = 0
    for app_name, app_path in root.GetChildren(dbus_interface=ACCESSIBLE):
        app = bus.get_object(str(app_name), str(app_path), introspect=False)
        props = dbus.Interface(app, "org.freedesktop.DBus.Properties")
        if "shelterdesk" not in str(props.Get(ACCESSIBLE, "Name")).lower():
            continue
        for role, name, description, state in walk(bus, str(app_name), str(app_path)):
            if STATE_FOCUSABLE in state and STATE_SHOWING in state:
                focusable += 1
                unnamed += not name.strip()
                print(f"{role:<16} {name!r:<50} {description[:60]!r}")
    print(f"focusable showing objects: {focusable}; without a name: {unnamed}")
    return 1 if unnamed or not focusable else 0


if __name__ == "__main__":
    sys.exit(main())
