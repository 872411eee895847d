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
