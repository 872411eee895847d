from __future__ import annotations

import pytest

from crawler.safety import is_private_address, resolves_to_private


@pytest.mark.parametrize(
    "ip",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "172.31.255.255",
        "192.168.1.1",
        "169.254.169.254",
        "0.0.0.0",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:10.0.0.1",
        "100.64.0.1",
    ],
)
def test_private_addresses(ip):
    assert is_private_address(ip)


@pytest.mark.parametrize("ip", ["8.8.8.8", "1.1.1.1", "172.32.0.1", "2001:4860:4860::8888", "not-an-ip"])
def test_public_addresses(ip):
    assert not is_private_address(ip)


def test_ip_literals_need_no_lookup():
    assert resolves_to_private("127.0.0.1") and resolves_to_private("[::1]")
    assert resolves_to_private("localhost")  # resolves locally, to loopback


def test_cookie_domain_check_uses_the_bundled_suffix_list():
    import scrapy.downloadermiddlewares.cookies as cookies

    import crawler.settings  # noqa: F401 - importing the settings installs the offline extractor

    assert tuple(cookies._split_domain.suffix_list_urls) == ()
    assert cookies._is_public_domain("com.cn") and not cookies._is_public_domain("news.sina.com.cn")


def test_no_connection_is_made_to_a_forbidden_address_by_default(tmp_path):
    """A listening socket records every connection; the default crawl must never reach it."""
    import socket
    import threading

    from tests.conftest import run_cli

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    port = listener.getsockname()[1]
    accepted: list = []
    stop = threading.Event()

    def record():
        while not stop.is_set():
            try:
                conn, addr = listener.accept()
            except OSError:
                continue
            accepted.append(addr)
            conn.close()

    thread = threading.Thread(target=record, daemon=True)
    thread.start()
    try:
        for start in (f"http://127.0.0.1:{port}/", f"http://localhost:{port}/news/"):
            result = run_cli(
                "crawl", "--start-url", start, "--data-dir", str(tmp_path / "data"), "--delay", "0"
            )
            assert result.returncode == 1  # nothing could be fetched: the crawl failed, and says why
            assert "refused private address" in result.stdout + result.stderr
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()
    assert accepted == []


# -- allowed networks, and the resolver the connections use ------------------------------

from crawler.safety import _FilteringReceiver, _Guard, forbidden, parse_networks  # noqa: E402


def test_allowed_networks_open_only_themselves():
    nets = parse_networks(["127.0.0.2", "10.2.0.0/16,fd00::/8"])
    assert (
        not forbidden("127.0.0.2", nets)
        and not forbidden("10.2.3.4", nets)
        and not forbidden("fd00::5", nets)
    )
    for ip in ("127.0.0.1", "10.3.0.1", "169.254.169.254", "::1", "192.168.0.1"):
        assert forbidden(ip, nets), ip
    assert not forbidden("8.8.8.8", nets)
    with pytest.raises(ValueError, match="not an IP address"):
        parse_networks(["localhost"])


class _Settings(dict):
    def getbool(self, key):
        return bool(self.get(key))

    def getlist(self, key):
        return list(self.get(key) or [])


class _Address:
    def __init__(self, host):
        self.host = host


class _Receiver:
    def __init__(self):
        self.began = self.complete = False
        self.addresses = []

    def resolutionBegan(self, resolution):  # noqa: N802
        self.began = True

    def addressResolved(self, address):  # noqa: N802
        self.addresses.append(address.host)

    def resolutionComplete(self):  # noqa: N802
        self.complete = True


def _resolve(host, answers, **settings):
    """Feed DNS answers through the guard as the reactor's resolver would; what reaches the connection?"""
    receiver = _Receiver()
    guarded = _FilteringReceiver(receiver, host, _Guard(_Settings(settings)))
    guarded.resolutionBegan(object())
    for ip in answers:
        guarded.addressResolved(_Address(ip))
    guarded.resolutionComplete()
    assert receiver.began and receiver.complete
    return receiver.addresses


def test_a_name_that_resolves_to_a_private_address_gets_no_address_at_all():
    from crawler.safety import REFUSED

    assert _resolve("news.example", ["93.184.216.34"]) == ["93.184.216.34"]
    # DNS rebinding: one public and one private answer; nothing may be connected to.
    assert _resolve("rebind.example", ["93.184.216.34", "169.254.169.254"]) == []
    assert REFUSED["rebind.example"] == "169.254.169.254"
    assert _resolve("v6.example", ["fe80::1"]) == [] and _resolve("v4m.example", ["::ffff:10.0.0.1"]) == []
    assert _resolve("intra.example", ["10.2.0.7"], NEWSARCHIVE_ALLOWED_ADDRESSES=["10.2.0.0/16"]) == [
        "10.2.0.7"
    ]
    assert _resolve("any.example", ["10.9.9.9"], NEWSARCHIVE_ALLOW_PRIVATE_ADDRESSES=True) == ["10.9.9.9"]


def test_allow_address_is_checked_on_the_command_line(tmp_path):
    from tests.conftest import run_cli

    result = run_cli(
        "crawl", "--start-url", "http://127.0.0.1:9/", "--allow-address", "nope", "--data-dir", str(tmp_path)
    )
    assert result.returncode == 2 and "--allow-address" in result.stderr


def test_names_from_outside_cannot_leave_the_data_directory(tmp_path):
    from archive.warc import WarcWriter
    from crawler.paths import inside, safe_name
    from crawler.profile import ProfileError, load_profile

    for evil in ("../../etc/passwd", "..", "/abs/path", "a/../../b", ".hidden", "x\\..\\y", ""):
        name = safe_name(evil, "site")
        assert "/" not in name and "\\" not in name and ".." not in name and not name.startswith(".")
        assert inside(tmp_path, name).resolve().parent == tmp_path.resolve()
    with pytest.raises(ValueError, match="outside"):
        inside(tmp_path, "..", "elsewhere")
    writer = WarcWriter(tmp_path / "warc", prefix="../../../escape", hostname="../../host")
    writer._open()  # normally on the first record
    writer.close()
    written = list(tmp_path.rglob("*.warc.gz"))
    assert len(written) == 1 and written[0].parent == tmp_path / "warc"
    bad = tmp_path / "evil.toml"
    bad.write_text('name = "../../x"\ndomains = ["a.example"]\nstart_urls = ["http://a.example/"]\n')
    with pytest.raises(ProfileError, match="name"):
        load_profile(bad)
