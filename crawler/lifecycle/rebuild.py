"""The checks and statuses again from the WARC files alone (`reextract`).

Every answer a check got is archived, so the checks are the archived answers for an article's
URL after its first capture, read with the same classifier as the crawl (classify.py): a
304 is unchanged, a response that became a new version is changed, 404/410 gone, a redirect
gone or moved by its target, a 200 page that no longer holds the article a notice (against the
site's not-found page of the same crawl, from its probe's archived answer), 5xx and the like
unavailable. A check that got no answer at all (a timeout) left no record and is not rebuilt:
it was `unavailable`, which decides no status.

Times are the records' WARC-Date, or the run's clock where the crawl had one (`--now`,
written to its warcinfo record as `newsarchive-now`), as the crawl dated its checks.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from crawler.lifecycle import classify


@dataclass(frozen=True)
class Answer:
    """One archived answer (a response or revisit record) for a URL."""

    date: str  # when, as checks count time
    url: str
    status: int  # 304 for a server-not-modified revisit
    location: str | None
    record_id: str
    filename: str
    offset: int
    crawl_id: str
    site: str
    content_type: str | None
    refers_to: str | None = None  # an identical-payload revisit: the response with its bytes


def answer_of(
    record, filename: str, offset: int, crawl_id: str, site: str, clock: str | None
) -> Answer | None:
    if record.rec_type not in ("response", "revisit"):
        return None
    headers = record.rec_headers
    if record.http_headers is None:
        if "server-not-modified" not in (headers.get_header("WARC-Profile") or ""):
            return None
        status, location, ctype = 304, None, None
    else:
        try:
            status = int(record.http_headers.get_statuscode())
        except (TypeError, ValueError):
            return None
        location = record.http_headers.get_header("Location")
        ctype = record.http_headers.get_header("Content-Type")
    return Answer(
        clock or headers.get_header("WARC-Date") or "",
        headers.get_header("WARC-Target-URI") or "",
        status,
        location,
        headers.get_header("WARC-Record-ID") or "",
        filename,
        offset,
        crawl_id,
        site,
        ctype,
        headers.get_header("WARC-Refers-To") if record.rec_type == "revisit" else None,
    )


def _payload(answer: Answer, warc_dir: Path, responses: dict) -> bytes | None:
    """The payload of an answer; a revisit's is in the response it refers to."""
    from archive.payload import read_payload

    where = responses.get(answer.refers_to) if answer.refers_to else (answer.filename, answer.offset)
    return read_payload(warc_dir, where[0], where[1]) if where else None


def rebuild_checks(
    store, answers: list[Answer], warc_dir: Path, profiles: dict, start_urls: dict, responses: dict
) -> int:
    """Write the checks of `store`'s articles from the archived answers and settle their
    statuses; returns the checks written. `start_urls`: crawl id -> the start pages it asked
    for (a crawl none of which answered found the site down); `responses`: response record
    id -> (file, offset)."""

    def read(answer: Answer) -> bytes | None:
        return _payload(answer, warc_dir, responses)

    # A crawl checks a URL once: of its tries (a 503 retried), the last answer is the check.
    last: dict[tuple[str, str], Answer] = {}
    for answer in sorted(answers, key=lambda a: (a.date, a.filename, a.offset)):
        last[(answer.url, answer.crawl_id)] = answer
    by_url: dict[str, list[Answer]] = defaultdict(list)
    for answer in last.values():
        by_url[answer.url].append(answer)
    templates = _templates(answers, read, profiles)
    written = 0
    settled = []
    with store.transaction():
        for url, site, version_records, pages in store.articles_and_versions():
            known = sorted((a for a in by_url.get(url, ()) if a.date), key=lambda a: (a.date, a.offset))
            if not known:
                continue
            # The first capture is version 1's record (else the URL's first answer).
            first = next((a for a in known if a.record_id == version_records[0][0]), known[0])
            store.start_status(url, site, first.date)
            body = version_records[0][1]
            profile = profiles.get(site)
            for answer in sorted((a for a in by_url[url] if a.date > first.date), key=lambda a: a.date):
                outcome, body = _outcome(answer, body, version_records, profile, templates, read, pages)
                store.add_check(_row(answer, outcome))
                written += 1
            settled.append(url)
    down = _down_crawls(answers, start_urls, {c for c in store.checked_crawls()})
    with store.transaction():
        for crawl_id in down:
            store.demote_gone(crawl_id)
    store.refresh_statuses(settled)
    return written


def _outcome(answer: Answer, body, versions, profile, templates, read, pages: int):
    """(the outcome of one answer, the article's body after it)."""
    decided = classify.by_status(answer.status)
    if decided is not None:
        return decided, body
    if answer.status in classify.REDIRECTS:
        target = answer.location
        if target:
            from urllib.parse import urljoin

            target = urljoin(answer.url, target)
        start = profile.start_urls if profile is not None else ()
        is_article = profile.is_article_url if profile is not None and profile.article_patterns else None
        return classify.of_redirect(answer.url, target, start, is_article), body
    if answer.status == 304:
        return classify.Outcome("unchanged", "live"), body
    made = next((b for record_id, b in versions[1:] if record_id == answer.record_id), None)
    if made is not None:
        return classify.Outcome("changed", "live"), made
    payload = read(answer)
    if payload is None:
        return classify.Outcome("unchanged", "live"), body
    encoding = profile.encoding if profile is not None else None
    text = classify.visible_text(payload, answer.content_type, encoding)
    template = templates.get((answer.crawl_id, classify.probe_url(answer.url).rsplit("/", 1)[0]))
    found = classify.of_page(text, None, body, template, classify.STILL_THERE / pages)
    return (found or classify.Outcome("unchanged", "live")), body


def _row(answer: Answer, outcome) -> dict:
    return {
        "url": answer.url,
        "site": answer.site,
        "crawl_id": answer.crawl_id,
        "checked_at": answer.date,
        "outcome": outcome.outcome,
        "verdict": outcome.verdict,
        "how": outcome.how,
        "status": answer.status,
        "redirect_to": outcome.redirect_to,
        "notice": outcome.notice,
        "warc_filename": answer.filename,
        "warc_offset": answer.offset,
        "warc_record_id": answer.record_id,
    }


def _templates(answers: list[Answer], read, profiles: dict) -> dict:
    """(crawl id, folder) -> the site's not-found page its probe got (200 answers only)."""
    found = {}
    for answer in answers:
        if classify.is_probe(answer.url) and answer.status == 200:
            payload = read(answer)
            profile = profiles.get(answer.site)
            if payload is not None:
                text = classify.visible_text(
                    payload, answer.content_type, profile.encoding if profile else None
                )
                found[(answer.crawl_id, answer.url.rsplit("/", 1)[0])] = classify.NotFoundTemplate(text)
    return found


def _down_crawls(answers: list[Answer], start_urls: dict, checked: set[str]) -> set[str]:
    """The crawls with checks none of whose start pages answered (the site itself was down),
    as the crawl judged it (archive/store/lifecycle.py, crawl_site_down)."""
    up = {
        answer.crawl_id
        for answer in answers
        if answer.status in (200, 304) and answer.url in start_urls.get(answer.crawl_id, ())
    }
    return {crawl_id for crawl_id in checked if start_urls.get(crawl_id) and crawl_id not in up}
