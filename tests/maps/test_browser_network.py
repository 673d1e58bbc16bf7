"""PNG export stays offline: the Chromium it starts sends nothing to any network.

Two proofs, both in a subprocess so that every process (Python, Playwright's
driver, Chromium and its helpers) is covered:

- under ``strace -f -yy`` no process sends a DNS query, opens a TCP
  connection to a non-loopback address, or sends a byte over an internet
  socket. Chromium's network service still ``connect()``s one UDP socket to
  a public IPv6 address and reads back its local address (a routing-table
  lookup to learn whether IPv6 is usable; a UDP connect sends no packet):
  that is allowed, any data sent on such a socket is not;
- in a network namespace with no interfaces at all (``unshare -n``) the
  export still succeeds.
"""

from __future__ import annotations

import ipaddress
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kzmap.maps import default_map, save_html

pytestmark = pytest.mark.browser

_EXPORT = (
    "import sys; from kzmap.maps.png import html_to_png; html_to_png(*sys.argv[1:3])"
)
_SEND = re.compile(
    r"^\d+\s+(?:send|sendto|sendmsg|sendmmsg|write|writev)\((\d+)<(.*?)>, "
)
_PEER = re.compile(r"->\[?([0-9a-fA-F:.]+?)\]?:(\d+)$")
_CONNECT = re.compile(
    r"^\d+\s+connect\(\d+<([A-Z]+)[^>]*>, \{sa_family=AF_INET6?, (.*)"
)
_ADDR = re.compile(r'inet_(?:addr|pton)\((?:AF_INET6?, )?"([^"]+)"')
_PORT = re.compile(r"sin6?_port=htons\((\d+)\)")


def _public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return True
    return not (ip.is_loopback or ip.is_unspecified)


def network_violations(trace: str) -> list[str]:
    """Return the strace lines (``-f -yy``) that show traffic off this machine."""
    bad = []
    for line in trace.splitlines():
        connect = _CONNECT.match(line)
        if connect:
            kind, rest = connect.groups()
            addr, port = _ADDR.search(rest), _PORT.search(rest)
            dns = port is not None and port[1] == "53"
            tcp_out = kind.startswith("TCP") and addr is not None and _public(addr[1])
            if dns or tcp_out:
                bad.append(line)
            continue
        send = _SEND.match(line)
        if send is None or not send[2].startswith(("TCP", "UDP")):
            continue
        peer = _PEER.search(send[2].rstrip("]"))
        target = peer or _ADDR.search(line)  # connected peer, else sendto's address
        if target is not None and _public(target[1]):
            bad.append(line)
    return bad


def test_violation_parser_catches_dns_tcp_and_data() -> None:
    v4 = 'sa_family=AF_INET, sin_port=htons({}), sin_addr=inet_addr("{}")'
    v6 = (
        "sa_family=AF_INET6, sin6_port=htons(443), "
        'inet_pton(AF_INET6, "2001:4860:4860::8888", &sin6_addr)'
    )
    lines = [
        "1 connect(5<UDP:[1]>, {" + v4.format(53, "10.0.0.53") + "}, 16) = 0",
        "1 connect(5<TCP:[2]>, {" + v4.format(443, "1.2.3.4") + "}, 16) = -1",
        "1 connect(5<UDPv6:[3]>, {" + v6 + "}, 28) = 0",
        "1 sendto(7<UDPv6:[fd00::2]:5->[2001:4860:4860::8888]:443>, "
        '"x", 1, 0, NULL, 0) = 1',
        "1 connect(5<TCP:[4]>, {" + v4.format(9222, "127.0.0.1") + "}, 16) = 0",
        "1 sendmsg(9<UNIX-STREAM:[5->6]>, {msg_name=NULL}, 0) = 8",
    ]
    assert network_violations("\n".join(lines)) == [lines[0], lines[1], lines[3]]


@pytest.fixture
def page(tmp_path: Path) -> Path:
    return save_html(default_map(), tmp_path / "map.html")


def _needs(tool: str) -> None:
    if shutil.which(tool) is None:
        reason = f"{tool} is not installed (scripts/install-browser.sh installs it)"
        if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
            pytest.fail(reason)
        pytest.skip(reason)


def test_png_export_sends_nothing_to_any_network(tmp_path: Path, page: Path) -> None:
    _needs("strace")
    log = tmp_path / "trace.log"
    png = tmp_path / "map.png"
    done = subprocess.run(
        [
            "strace",
            "-f",
            "-qq",
            "-yy",
            "-e",
            "trace=%network,write,writev",
            "-o",
            str(log),
            sys.executable,
            "-c",
            _EXPORT,
            str(page),
            str(png),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode and "ptrace" in done.stderr:
        pytest.skip(f"strace cannot trace here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    trace = log.read_text(errors="replace")
    assert "connect(" in trace  # the trace really covers Chromium's processes
    assert network_violations(trace) == []


def test_png_export_works_without_any_network(tmp_path: Path, page: Path) -> None:
    _needs("unshare")
    if os.geteuid() != 0:
        pytest.skip("a network namespace needs root (CI runs as root)")
    probe = subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False)
    if probe.returncode:
        pytest.skip(f"no network namespaces here: {probe.stderr.decode()[:200]}")
    png = tmp_path / "map.png"
    done = subprocess.run(
        ["unshare", "-n", sys.executable, "-c", _EXPORT, str(page), str(png)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
