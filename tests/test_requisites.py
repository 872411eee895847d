"""What a page loads, read from its markup and stylesheets (crawler/requisites.py)."""

from __future__ import annotations

from crawler.extract.blocks import parse
from crawler.requisites import css_references, is_stylesheet, page_requisites, stylesheet_requisites

PAGE = """<html><head><base href="http://cdn.example/base/">
<link rel="stylesheet" href="/s/site.css"><link rel="shortcut icon" href="/favicon.ico">
<link rel="alternate" type="application/rss+xml" href="/rss.xml"><link rel="canonical" href="/x.html">
<script src="js/app.js"></script><script>var inline = 1;</script>
<style>.hero { background: url("hero.jpg") } .x { background: url(data:image/png;base64,AAAA) }</style>
</head><body background="paper.gif">
<img src="a.jpg" srcset="a-2x.jpg 2x, a-3x.jpg 3x">
<img src="blank.gif" data-original="lazy.jpg">
<picture><source srcset="p.webp 1x, p@2x.webp 2x" type="image/webp"><img src="p.jpg"></picture>
<video poster="poster.jpg"><source src="movie.mp4"></video>
<div style="background-image:url('/bg/tile.png')">x</div>
<img src="javascript:void(0)"><img src="a.jpg"><img src="">
<a href="/next.html">not a requisite</a>
</body></html>"""


def _urls(mode: str) -> dict[str, str]:
    root = parse(PAGE)
    return {r.url: r.kind for r in page_requisites(root, "http://cdn.example/base/", mode)}


def test_every_kind_of_reference_once_each_and_nothing_else():
    found = _urls("all")
    assert found == {
        "http://cdn.example/s/site.css": "stylesheet",
        "http://cdn.example/favicon.ico": "icon",
        "http://cdn.example/base/js/app.js": "script",
        "http://cdn.example/base/hero.jpg": "image",
        "http://cdn.example/base/paper.gif": "image",
        "http://cdn.example/base/a.jpg": "image",
        "http://cdn.example/base/a-2x.jpg": "image",
        "http://cdn.example/base/a-3x.jpg": "image",
        "http://cdn.example/base/blank.gif": "image",
        "http://cdn.example/base/lazy.jpg": "image",
        "http://cdn.example/base/p.webp": "image",
        "http://cdn.example/base/p@2x.webp": "image",
        "http://cdn.example/base/p.jpg": "image",
        "http://cdn.example/base/poster.jpg": "image",
        "http://cdn.example/bg/tile.png": "image",
    }


def test_images_mode_keeps_pictures_only_and_off_keeps_none():
    images = _urls("images")
    assert images and set(images.values()) == {"image"}
    assert "http://cdn.example/s/site.css" not in images and "http://cdn.example/bg/tile.png" not in images
    assert _urls("off") == {}


def test_stylesheets_load_backgrounds_fonts_and_imports():
    css = (
        b'@import "print.css"; @import url(theme.css);\n'
        b".a{background:url( 'img/a.png' )} .b{background:url(img/b.png)}\n"
        b"@font-face{src:url(/fonts/x.woff2) format('woff2'), url(\"/fonts/x.woff\")}\n"
        b".c{background:url(data:image/gif;base64,R0lG)} .d{background:url(img/a.png)}\n"
    )
    found = {r.url: r.kind for r in stylesheet_requisites("http://s.example/css/site.css", css)}
    assert found == {
        "http://s.example/css/print.css": "stylesheet",
        "http://s.example/css/theme.css": "stylesheet",
        "http://s.example/css/img/a.png": "image",
        "http://s.example/css/img/b.png": "image",
        "http://s.example/fonts/x.woff2": "image",
        "http://s.example/fonts/x.woff": "image",
    }
    assert stylesheet_requisites("http://s.example/css/site.css", css, "images") == []


def test_css_references_and_stylesheet_detection():
    assert css_references("a{b:url(x.png)} @import 'y.css';") == ["x.png", "y.css"]
    assert is_stylesheet("http://x/a.css", None) and is_stylesheet("http://x/a", "text/css; charset=utf-8")
    assert not is_stylesheet("http://x/a.css", "text/html")
