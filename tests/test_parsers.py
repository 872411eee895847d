"""Table-driven tests of the small parsers: dates, datelines, names, boilerplate lines."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.extract import extract
from crawler.extract.content import is_boilerplate
from crawler.extract.dates import date_from_url, parse_date
from crawler.extract.fields import (
    clean_title,
    latin_names,
    parse_authors,
    parse_dateline,
    parse_editor,
    parse_source,
)

NOW = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)  # 14:00 in China


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("2018年4月20日 09:30", None, "2018-04-20T09:30:00+08:00"),
        ("发布时间：2018-04-20 09:30:12", None, "2018-04-20T09:30:12+08:00"),
        ("2018-04-20", None, "2018-04-20"),
        ("2018/4/20", None, "2018-04-20"),
        ("２０１８年４月２０日", None, "2018-04-20"),
        ("民國107年4月20日", None, "2018-04-20"),
        ("民国107年4月20日 10:05", None, "2018-04-20T10:05:00+08:00"),
        ("107/04/20 10:00", None, "2018-04-20T10:00:00+08:00"),
        ("海峽網4月20日訊", 2018, "2018-04-20"),
        ("04-20 09:30", 2018, "2018-04-20T09:30:00+08:00"),
        ("2018-04-20T01:30:00Z", None, "2018-04-20T01:30:00+00:00"),
        ("3小时前", None, "2026-11-26T11:00:00+08:00"),
        ("3小時前", None, "2026-11-26T11:00:00+08:00"),
        ("昨天", None, "2026-11-25"),
        ("2031-01-01", None, None),  # never in the future of the capture
        ("12月30日", None, "2025-12-30"),  # a month-day after today is last year's
        ("沒有日期", None, None),
        ("2018-02-30", None, None),
        # Han numerals, as official documents date themselves
        ("二〇二二年一月二十七日", None, "2022-01-27"),
        ("一九九八年十二月三十一日", None, "1998-12-31"),
        ("二〇一八年十月十日", None, "2018-10-10"),
        ("二〇三〇年一月一日", None, None),
        # English, as feeds and some meta tags write it
        ("Mon, 20 May 2024 09:47:48 GMT", None, "2024-05-20T09:47:48+00:00"),
        ("Tue, 21 May 2024 01:02:03 +0800", None, "2024-05-21T01:02:03+08:00"),
        ("May 20, 2024", None, "2024-05-20"),
        ("Sept. 3, 2019", None, "2019-09-03"),
        ("Maybe 20, 2024", None, None),  # not a month
        # English times: the 12-hour clock and the zones news pages name
        ("April 30, 2021, 1:27 p.m.", None, "2021-04-30T13:27:00+08:00"),
        ("May 11, 2022 12:05 a.m.", None, "2022-05-11T00:05:00+08:00"),
        ("Apr 30, 2021 at 1:27 pm ET", None, "2021-04-30T13:27:00-04:00"),
        ("Jan 3, 2021 at 1:27 pm ET", None, "2021-01-03T13:27:00-05:00"),  # no daylight saving
        ("May 11, 2022 9:05 AM EDT", None, "2022-05-11T09:05:00-04:00"),
        ("Wed 2 Nov 2022 05.00 GMT", None, "2022-11-02T05:00:00+00:00"),
        ("June 2, 2022 06:07 GMT+8", None, "2022-06-02T06:07:00+08:00"),
        ("June 2, 2022 06:07 CST", None, "2022-06-02T06:07:00+08:00"),  # CST: China's or the US's
        ("May 5, 2022 10.50 million", None, "2022-05-05"),  # a number, not a time
        # the 12-hour clock with 上午 / 下午
        ("2024/5/20 下午 02:30", None, "2024-05-20T14:30:00+08:00"),
        ("2024年5月20日 上午9:05", None, "2024-05-20T09:05:00+08:00"),
        ("2024-05-20 中午12:10", None, "2024-05-20T12:10:00+08:00"),
        ("2024-05-20 晚上11:45", None, "2024-05-20T23:45:00+08:00"),
        ("2024年5月20日 星期一 14:30", None, "2024-05-20T14:30:00+08:00"),
        ("2024年5月20日（週一）下午2:30", None, "2024-05-20T14:30:00+08:00"),
        ("2024年5月20日 星期一", None, "2024-05-20"),
        ("發信站: 水木社區 (Mon Jan  3 12:00:00 2005), 站內", None, "2005-01-03T12:00:00+08:00"),
    ],
)
def test_parse_date(text, year, expected):
    assert parse_date(text, now=NOW, year=year) == expected


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://x.cn/2018-04/20/content_1.htm", "2018-04-20"),
        ("http://x.cn/news/201804/20/1.html", "2018-04-20"),
        ("http://x.cn/a/20180420/1.html", "2018-04-20"),
        ("http://x.cn/a/1.html", None),
    ],
)
def test_date_from_url(url, expected):
    assert date_from_url(url, NOW) == expected


@pytest.mark.parametrize(
    ("paragraph", "dateline", "names"),
    [
        ("海峽網4月20日訊 (記者 龔明 昌玉) 四月福州，繁花似錦。", "海峽網4月20日訊", ["龔明", "昌玉"]),
        ("海峽網4月20日訊（中國網 龔明 卓燕）四月福州。", "海峽網4月20日訊", ["龔明", "卓燕"]),
        ("新华社北京4月20日电（记者 王强）今天上午。", "新华社北京4月20日电", ["王强"]),
        ("本报讯（记者 李明 通讯员 张华）日前。", "本报讯", ["李明", "张华"]),
        ("本報訊 市政府今天宣布。", "本報訊", []),
        ("四月的福州，繁花似錦。", None, []),
        ("〔記者林志明／台北報導〕財政部今天下午宣布。", "台北報導", ["林志明"]),
        ("（记者王敬/高雄报道）高雄市政府今天表示。", "高雄报道", ["王敬"]),
        ("新京报快讯（记者 吴九）今日有网友爆料。", "新京报快讯", ["吴九"]),
        ("【海峽網2005年07月03日報導】一九八九年四月，我在山城。", "海峽網2005年07月03日報導", []),
        ("快讯来了，大家看看。", None, []),
    ],
)
def test_parse_dateline(paragraph, dateline, names):
    assert parse_dateline(paragraph) == (dateline, names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("作者：陳雨桐", ["陳雨桐"]),
        ("记者 王五 李四", ["王五", "李四"]),
        ("記者：王五、李四", ["王五", "李四"]),
        ("文/趙六", ["趙六"]),
        ("文｜錢七", ["錢七"]),
        ("本报记者张三、李四报道", ["张三", "李四"]),
        ("正文\n非遺脫胎漆器", []),
        ("本报实习生 刘国栋 周炜\n本报记者 王燕平", ["刘国栋", "周炜", "王燕平"]),
        ("执笔人：闵乐夫 赵兰波", ["闵乐夫", "赵兰波"]),
        ("記者陳嘉寧／桃園機場報導", ["陳嘉寧"]),
        ("记者调查发现，问题不少。", []),  # glued to the label and no surname: not a name
        ("……不可回避的问题。（姚峰 上海报道）", ["姚峰"]),
        ("作者： 放飞&心情", ["放飞&心情"]),  # a forum user name, kept whole
        ("作者：小明2008 來源：論壇", ["小明2008"]),
        ("作者：張三 李四", ["張三", "李四"]),
        # 丨 (U+4E28) as the separator, itself a Han character
        ("文丨张三", ["张三"]),
        ("撰文丨李四", ["李四"]),
        ("作者丨趙六", ["趙六"]),
        ("作者 | 陳某某", ["陳某某"]),
        # the outlet's title between the label and the name
        ("文/新京报记者 吴九", ["吴九"]),
        ("文丨政能亮特约评论员 韩涵", ["韩涵"]),
        ("作者：新華社記者 張三", ["張三"]),
        # what follows an editor label is not an author; a place after a bar is not a name
        ("文丨李明 编辑丨王刚", ["李明"]),
        ("文/李明 編輯 王剛", ["李明"]),
        ("記者：張三 | 台北", ["張三"]),
        ("作者 | 來源 | 時間", []),
        # no label: reporters and place opening the line, as Taiwanese sites write them
        ("王小明／台北報導", ["王小明"]),
        ("王小明、李大同/綜合報導", ["王小明", "李大同"]),
        ("綜合外電／台北報導", []),
        ("他說：北京／上海報導", []),
        # a BBS post's id
        ("發信人: ggjj (山城), 信區: Reader", ["ggjj"]),
    ],
)
def test_parse_authors(text, expected):
    assert parse_authors(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("責任編輯:王小明", "王小明"),
        ("（责任编辑：李四）", "李四"),
        ("编辑：张三", "张三"),
        ("沒有編者", None),
    ],
)
def test_parse_editor(text, expected):
    assert parse_editor(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("來源：海峽網 作者：張三", "海峽網"),
        ("来源: 新华社", "新华社"),
        ("无", None),
        # English editions of Chinese outlets
        ("Source: Xinhua | 2024-05-20 14:33:12 | Editor: huaxia", "Xinhua"),
        ("Source: China Daily | Updated: 2024-05-20", "China Daily"),
        ("Source: the ministry said so", None),  # a sentence, not a label
    ],
)
def test_parse_source(text, expected):
    assert parse_source(text) == expected


@pytest.mark.parametrize(
    ("title", "h1s", "expected"),
    [
        ("首屆峰會聚世界目光_海峽網", [], "首屆峰會聚世界目光"),
        ("首屆峰會聚世界目光 - 新聞頻道 - 海峽網", [], "首屆峰會聚世界目光"),
        ("首屆峰會聚世界目光｜海峽網", ["首屆峰會聚世界目光"], "首屆峰會聚世界目光"),
        ("沒有後綴的標題", [], "沒有後綴的標題"),
        ("蔡某某_百度百科", ["登錄", "蔡某某", "目錄"], "蔡某某"),  # a short name, shown as a heading
        ("多維博客 » 播客熱潮迅速蔓延 挑戰傳統傳媒", [], "播客熱潮迅速蔓延 挑戰傳統傳媒"),
        ("藝術史研究<世紀在線中國藝術網", [], "藝術史研究"),  # the site is the piece named like one
        ("农机专家：为农机行业搭建现代化信息平台_振兴东北", [], "农机专家：为农机行业搭建现代化信息平台"),
        ("日本無性婚姻問題嚴重(圖)-", [], "日本無性婚姻問題嚴重(圖)"),
        ("容器使用經驗 - 好看的hk - 博客园", ["好看的hk", "容器使用經驗"], "容器使用經驗"),
    ],
)
def test_clean_title(title, h1s, expected):
    assert clean_title(title, h1s) == expected


@pytest.mark.parametrize(
    "line",
    [
        "已有0人發表了評論",
        "已有12人发表了评论",
        "進入圖片頻道最新圖文",
        "进入图片频道最新图文",
        "一周熱點新聞",
        "最新福州新聞 頻道推薦",
        "分享到：微信 微博 QQ空間",
        "扫一扫，关注我们的公众号",
        "下載海峽網客戶端",
        "版權所有 海峽網",
        "闽ICP备00000000号",
        "原標題：峰會開幕",
        "相關新聞",
        "上一篇：本地新聞",
        "版权声明：本文为博主原创文章，转载请附上原文出处链接和本声明。",
        "版權",
        "索 引 號：",
        "标 题：",
    ],
)
def test_boilerplate_lines(line):
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        "四月福州，繁花似錦、福氣滿滿。",
        "國家互聯網信息辦公室副主任說，峰會是推進數字中國建設的重要載體。",
        "记者从市住建部门获悉，项目近日取得新进展。",
        "美国唱片工会表示：“播客在使用其它音乐时，一定要获得版权所有者或制作人的许可。”",
        "具体措施如下：",  # a label of the article's own, not spaced out as a table's
        "版权保护的问题再次引起关注。",
    ],
)
def test_article_lines_are_not_boilerplate(line):
    assert not is_boilerplate(line)


@pytest.mark.parametrize(
    ("line", "previous", "ends"),
    [
        ("網友評論", "", True),
        ("最新评论（12）", "", True),
        ("最熱評論", "", True),
        ("“特别声明：以上作品内容为自媒体平台用户上传并发布，本平台仅提供信息存储空间服务。", "", True),
        ("特別聲明：本文僅代表作者觀點", "", True),
        ("已有3人發表了評論", "", True),
        ("5条评论", "", True),
        ("点赞", "", True),
        ("下一篇：老街的早晨", "", True),
        ("（本文发表于首页, 已被阅读178次)", "", True),
        ("（責任編輯：王小明）", "", True),
        ("2005-06-13 15:00:14", "上一篇文章的標題", True),
        ("September 19th, 2005 at 7:32 pm", "", True),
        ("2022年01月27日", "成文日期：", False),  # a label's value, not a new post
        ("記者從現場了解到，評論區已經關閉。", "", False),
        ("市民在2005年6月13日晚上看到了流星雨。", "", False),
        ("你可能還想看", "", True),  # a recommendation widget follows the article
        ("您可能感兴趣的文章：", "", True),
        ("猜你喜歡", "", True),
        ("喜歡", "", False),
        ("反侵權公告：", "", True),
        ("原创版权禁止商业转载 授权>>", "", True),
        ("其他同一栏目内容", "", True),
        ("分享至：", "", True),
        ("文章禁止转载的原因是版权问题，有关部门正在调查此事件。", "", False),
        ("我想看看這座城市的變化。", "", False),
    ],
)
def test_end_of_article_lines(line, previous, ends):
    from crawler.extract.content import ends_article

    assert ends_article(line, previous) is ends


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["犬儒病(上)", "胡平", "——當代中國的精神危機"], ["胡平"]),
        (["正文", "中時", "謝明俊"], ["謝明俊"]),
        (["人物", "數字報"], []),
        (["誰來為拆房埋單", "劉國棟 周煒"], ["劉國棟", "周煒"]),  # two names on the line
        (["劉國棟 周煒 數字報"], []),  # every word must be a name
        (["云南省"], []),  # a common surname first, but a place
        (["关于我们"], []),  # page furniture
        (["時政研討"], []),
    ],
)
def test_lone_name_lines(lines, expected):
    from crawler.extract.fields import lone_name

    assert lone_name(lines) == expected


@pytest.mark.parametrize(
    ("captions", "expected"),
    [(["台中市一處住宅大樓。王煌忠攝"], ["王煌忠"]), (["記者陳嘉寧／攝影"], ["陳嘉寧"]), (["現場圖片"], [])],
)
def test_photo_credits(captions, expected):
    from crawler.extract.fields import photo_credits

    assert photo_credits(captions) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('<script>showDate("2020/04/17 01:43:09")</script>', "2020-04-17T01:43:09+08:00"),
        ("ggjjzhzz 发表于 2005-9-15 11:46:00", "2005-09-15T11:46:00+08:00"),
        ("发布日期： 9/17/2004 5:54:13 AM", "2004-09-17T05:54:13+08:00"),
        ("沒有標籤 2005-9-15", None),
        ("出生日期\n1975年1月28日（農曆1974年臘月十七）", None),  # a life's date, not the page's
        ("會議時間：2021年3月1日 發布時間：2021年2月20日", "2021-02-20"),
        ("item_id: 1, publish_time: '2019-09-08 11:42:03', group_id: 2", "2019-09-08T11:42:03+08:00"),
        ('{"pubDate": "2020-01-02 10:00"}', "2020-01-02T10:00:00+08:00"),
        # a reference's citation date is not the page's
        ("[1] 某某專訪．新浪 [引用日期2014-05-19] 更新時間：2020-02-14 10:47", "2020-02-14T10:47:00+08:00"),
        ("㎡ 面積 ㎡ 發布時間：2021-02-20", "2021-02-20"),  # characters NFKC would widen shift nothing
        ("Publishing date:\nApr 30, 2021 • 4 days ago", "2021-04-30"),  # an English month
        ("Update date: soon, on May 3, 2021", None),  # a date not right after the label
    ],
)
def test_labeled_dates(text, expected):
    from crawler.extract.dates import labeled_date

    assert labeled_date(text, NOW) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("常書香 馬丹陽", ["常書香", "馬丹陽"]),
        ("作者：王小明", ["王小明"]),
        ("赵  培", ["赵培"]),  # a name spaced out, as citation metadata does
        ("中文学术期刊,汉斯出版社,Hans Publishers", []),
        ("本報記者", []),
        ("", []),
    ],
)
def test_names_only(text, expected):
    from crawler.extract.fields import names_only

    assert names_only(text) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["大家剪出了“廉洁”两字，过一个平安的新春佳节。（常书香 马丹阳 ）"], ["常书香", "马丹阳"]),
        (["最後一段。(王強)"], ["王強"]),
        (["會議在北京舉行（下午三點）"], []),  # not names
        (["正文第一段。"], []),
    ],
)
def test_trailing_names(lines, expected):
    from crawler.extract.fields import trailing_names

    assert trailing_names(lines) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["BUSINESS 2004年7月16日08:19 [ 黃宇 ] 來源：[ 國際金融報 ]"], ["黃宇"]),
        (["【打印】【關閉】"], []),  # square brackets, but no date or source on the line
        (["2004年7月16日 [ 推薦 ]"], []),
    ],
)
def test_bracketed_name(lines, expected):
    from crawler.extract.fields import bracketed_name

    assert bracketed_name(lines) == expected


def test_author_marked_elements_before_the_comments():
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>市政府公布新措施</title></head><body>"
        "<h1>市政府公布新措施</h1><div class='author'><a href='/reporter/9'>謝明俊</a></div>"
        "<div class='content'>"
        + "<p>市政府今天公布了一系列便民措施，涉及交通、教育和醫療等多個方面，市民普遍表示歡迎。</p>" * 4
        + "</div><div class='comments'><div class='comment-author'>林小華</div><p>好消息。</p></div></body></html>"
    ).encode()
    assert extract("http://news.example/a/1.html", page).authors == ("謝明俊",)
    no_byline = page.replace(
        b"<div class='author'><a href='/reporter/9'>\xe8\xac\x9d\xe6\x98\x8e\xe4\xbf\x8a</a></div>", b""
    )
    assert "林小華" not in extract("http://news.example/a/1.html", no_byline).authors
    # The readers' comment thread, marked by its class, is not article text either.
    assert "好消息" not in extract("http://news.example/a/1.html", page).body


def test_comment_threads_go_but_code_comments_and_commentaries_stay():
    from crawler.extract import extract

    para = "<p>市政府今天公布了一系列便民措施，涉及交通、教育和醫療等多個方面，市民普遍表示歡迎。</p>"
    page = (
        "<html><head><meta charset='utf-8'><title>評論：便民措施要落到實處</title></head><body>"
        "<h1>評論：便民措施要落到實處</h1><div class='commentary'>"
        + para
        * 3
        + "<pre><span class='hljs-comment'># 程式註解也是正文的一部分</span></pre></div>"
        "<div id='comment-list'><p>網友甲：支持，希望盡快落實到每個社區。</p></div></body></html>"
    ).encode()
    body = extract("http://news.example/a/2.html", page).body
    assert "便民措施" in body and "程式註解" in body
    assert "網友甲" not in body


def test_modified_metadata_beats_a_date_in_the_text():
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>蔡某某_百科</title>"
        "<meta itemprop='dateUpdate' content='2020-02-14 10:47:36'></head><body><h1>蔡某某</h1>"
        "<div class='summary'><p>蔡某某，1975年1月28日出生於新加坡，華語流行樂女歌手、音樂製作人、詞曲創作人。</p>"
        "<p>她在二〇〇〇年代發行了多張專輯，並多次獲得音樂獎項的肯定，作品廣受歡迎。</p></div></body></html>"
    ).encode()
    assert extract("http://wiki.example/item/1", page).published_at.startswith("2020-02-14")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("记者王敬 北京报道", ["王敬"]),
        ("记者王敬 南京报道", ["王敬"]),
        ("张三、李四报道", ["张三", "李四"]),
        ("南都见习记者 林子沛", ["林子沛"]),
        ("王小明 分享到", ["王小明"]),
    ],
)
def test_split_names_drops_labels_and_furniture(text, expected):
    from crawler.extract.fields import split_names

    assert split_names(text) == expected


def test_blog_owner_only_on_blogs():
    from crawler.extract.fields import blog_owner

    assert blog_owner("http://blog.example.com/a?p=1", "海姑娘 | blog.example.com", []) == ["海姑娘"]
    assert blog_owner("http://blog.example.com/?p=9", "播客熱潮", ["比一般的博客要難", "[太小心]的博客"]) == [
        "太小心"
    ]
    assert blog_owner("http://news.example.com/a/1.html", "新聞", ["太小心的博客"]) == []
    # "post_owner_service": the owner between the post's title and the blog service's name
    assert blog_owner("http://blog.example.com/s/1.html", "春天的故事_張三_某某博客", []) == ["張三"]
    assert blog_owner("http://blog.example.com/s/1.html", "春天的故事_某某博客", []) == []


def test_a_title_cut_short_by_an_unescaped_quote_is_taken_whole():
    from crawler.extract import extract

    page = (
        "<html><head><meta charset='utf-8'><title>獎金711萬元！\"中國獎項\"首位女性得主_網易新聞</title>"
        '<meta property="og:title" content="獎金711萬元！" 中國獎項"首位女性得主"=""></head><body>'
        "<div class='content'>"
        + "<p>她在頒獎典禮上表示，這份榮譽屬於整個研究團隊，她將繼續在實驗室工作下去。</p>" * 3
        + "</div></body></html>"
    ).encode()
    assert extract("http://news.example/a/1.html", page).title == '獎金711萬元！"中國獎項"首位女性得主'


@pytest.mark.parametrize(
    ("og", "title"),
    [
        ("益阳：“数字”是优长", "益阳：“数字”是优长-半月谈"),
        ("How the ferry changed the bay", "How the ferry changed the bay for good - The Daily Example"),
    ],
)
def test_og_title_with_the_site_name_after_it_in_the_title_is_not_cut_short(og, title):
    """No headline element on the page: og:title is the title, the <title> only adds to it."""
    from crawler.extract import extract

    page = (
        f"<html><head><meta charset='utf-8'><title>{title}</title>"
        f'<meta property="og:title" content="{og}"></head><body><div class="content">'
        + "<p>记者从市轮渡公司获悉，渡轮自本周一起新增夜间航班，末班船推迟到晚上十一点。</p>" * 3
        + "</div></body></html>"
    ).encode()
    assert extract("http://news.example/a/1.html", page).title == og


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[散文隨筆] 春夜\nyun_88 發表於 2006-3-2 10:11:00", ["yun_88"]),
        ("海上明月 发表于 2005-9-15 11:46", ["海上明月"]),
        ("(本文发表于 2005-9-15 首页)", []),  # the article itself, not a poster
        ("发表于 2005-9-15 11:46", []),  # no one named
        ("楼主 发表于 2005-9-15 11:46", []),  # a role, not a name
        ("小李 发表于首页 批评与建议", []),  # not followed by a date
    ],
)
def test_posted_by(text, expected):
    from crawler.extract.fields import posted_by

    assert posted_by(text) == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (["丁香：我在山城教書的那些年", "我在山城教書的那些年", "丁香"], ["丁香"]),
        (["丁香：我在山城教书的那些年", "丁香", "一九九零年秋天，我到了山城。"], ["丁香"]),
        # a speaker quoted in a headline is no byline unless the name stands alone below it
        (["外交部：堅決反對任何干涉", "外交部發言人在記者會上表示……"], []),
        (["丁香", "丁香：我在山城教书的那些年"], []),  # the lone line must come under the headline
    ],
)
def test_headline_name(lines, expected):
    from crawler.extract.fields import headline_name

    assert headline_name(lines) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("索 引 號：1122/2021-00017\n發文機關：\n臺南市政府\n成文日期：2021年03月02日", ["臺南市政府"]),
        ("发文机关： 湖东省人民政府、湖东省军区 成文日期：", ["湖东省人民政府", "湖东省军区"]),
        ("來源：本報 作者：張三", []),
    ],
)
def test_issuer(text, expected):
    from crawler.extract.fields import issuer

    assert issuer(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发文机关：湖东省人民政府\n成文日期：2022年01月27日\n发布日期：2022年01月28日", "2022-01-27"),
        ("發文字號：東府字〔2021〕3號 成文日期： 2021-03-02 發布日期：2021-03-05", "2021-03-02"),
        # 成文日期 without the marks of a government document is left to the other rules
        ("成文日期：2022年01月27日 发布日期：2022年01月28日", None),
        ("发文机关：湖东省人民政府 发布日期：2022年01月28日", None),
    ],
)
def test_document_date(text, expected):
    from crawler.extract.dates import document_date

    assert document_date(text) == expected


@pytest.mark.parametrize(
    ("line", "paragraph"),
    [
        # hard-wrapped running text (one <br> or <p> per 38 characters): a sentence ends inside
        ("會議。按照慣例，會議安排了一天時間，讓與會者去風景點遊玩", True),
        ("会议。按照惯例，会议安排了一天时间，让与会者去风景点游玩", True),
        ("一、理解这场运动的一个重要内容", True),
        ("二、問題的由來", True),
        ("市政府公布新措施，推动老城区改造工程全面开工建设", False),  # a title: no sentence ends inside
        ("首页 > 新闻中心 > 正文", False),
    ],
)
def test_hard_wrapped_lines_count_as_paragraphs(line, paragraph):
    from crawler.extract.body import is_paragraph as _is_paragraph

    assert _is_paragraph(line) is paragraph


def test_a_dateline_under_a_promotion_line_still_names_the_reporter():
    from crawler.extract import extract

    def page(second: str) -> bytes:
        return (
            "<html><head><meta charset='utf-8'><title>網友爆料資料外洩 官方闢謠</title></head><body>"
            "<h1>網友爆料資料外洩 官方闢謠</h1><div class='content'>"
            "<p>「年度人物評選」火熱進行中！點擊投票選出你心目中的商業領袖</p>"
            f"<p>{second}今日有網友爆料，有大量帳號資料在網上低價出售，引起關注。</p>"
            + "<p>官方晚間發布消息稱，網傳資訊不實，網站並未發生用戶資料外洩，請民眾放心。</p>" * 3
            + "</div></body></html>"
        ).encode()

    article = extract("http://news.example/a/1.html", page("海峽快訊（記者 吳九）"))
    assert (article.dateline, article.authors) == ("海峽快訊", ("吳九",))
    # A later line that names nobody is running text, not the dateline.
    assert extract("http://news.example/a/1.html", page("據海峽網4月20日報導，")).dateline is None


@pytest.mark.parametrize(
    ("title", "weak"),
    [
        ("謝謝您訪問〖關注中國中心〗", True),
        ("显示", True),
        ("blog.example.com", True),
        ("bjreader的博客", True),
        ("China-Pub blog", True),
        ("松花江网", True),
        ("市政府公布新措施", False),
        ("新华网评：稳经济需要加速度", False),
    ],
)
def test_titles_that_name_the_site_or_nothing(title, weak):
    from crawler.extract.chains import weak_title as _weak_title

    assert _weak_title(title) is weak


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # a headline repeated shorter under it
        (
            ["首頁", "丁香：我在山城教書的那些年", "作者：", "我在山城教書的那些年"],
            "丁香：我在山城教書的那些年",
        ),
        # the first line with a date under it; the share widget below the date loses
        (
            [
                "您所在的位置 首页 专题频道 新春走基层",
                "土豆不“土” 土豆无“土”",
                "2022-02-13 09:57 光明网",
                "官方微信平台",
                "光明日报记者 王建宏",
            ],
            "土豆不“土” 土豆无“土”",
        ),
        # else the line nearest the text; menus, column tags, subtitles and section heads never
        (
            ["公民读本与先贤论著", "English", "【新春走基层】", "——当代中国的精神危机", "犬儒病(上)"],
            "犬儒病(上)",
        ),
        (["首页", "English"], None),
    ],
)
def test_headline_under_a_weak_title(lines, expected):
    from crawler.extract.chains import headline as _headline

    assert _headline(lines, ()) == expected


def test_the_combined_boilerplate_and_end_patterns_mean_what_the_lists_say():
    """content.py joins the pattern lists into two regular expressions each (anchored ones
    matched at the start only); on every block of the fixtures and every string of these
    tables, the answer must be the lists' own."""
    import ast
    from pathlib import Path

    from crawler.decode import decode_html
    from crawler.extract.blocks import blocks_of, parse, strip_noise
    from crawler.extract.content import ends_article, is_boilerplate
    from crawler.extract.patterns import BOILERPLATE, DATE_ONLY_LINE, END_OF_ARTICLE

    texts = [
        node.value
        for node in ast.walk(ast.parse(Path(__file__).read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    for page in sorted(Path(__file__).parent.glob("fixtures/extract/*/page.html")):
        root = parse(decode_html(page.read_bytes(), None).text)
        strip_noise(root)
        texts += [block.text for block in blocks_of(root)[0]]
    assert len(texts) > 500
    for text in texts:
        assert is_boilerplate(text) == any(p.search(text) for p in BOILERPLATE), text
        listed = any(p.search(text) for p in END_OF_ARTICLE) or bool(DATE_ONLY_LINE.match(text))
        assert ends_article(text) == listed, text


def test_a_page_drawn_by_scripts_takes_its_text_from_jsonld_article_body():
    import json as _json

    from crawler.extract import extract

    paragraphs = [
        "市政府今天宣布，老城區的騎樓整修工程將於下個月動工，預計明年底完成。",
        "工程分三期進行，第一期先處理中山路與民權路口一帶，施工期間部分路段將改為單向通行。",
        "市府也提醒，施工期間店家照常營業，歡迎民眾多加利用周邊的公共停車場。",
    ]

    def page(article_body: str, shown: str) -> bytes:
        ld = {"@type": "NewsArticle", "headline": "老城區騎樓整修下月動工", "articleBody": article_body}
        return (
            "<html><head><meta charset='utf-8'><title>老城區騎樓整修下月動工_港都新聞</title>"
            f"<script type='application/ld+json'>{_json.dumps(ld, ensure_ascii=False)}</script></head>"
            f"<body><div id='app'>{shown}</div><script>render()</script></body></html>"
        ).encode()

    full = "<p>" + "</p><p>".join(paragraphs) + "</p>"
    article = extract("http://news.example/a/1.html", page(full, "載入中……"))
    assert article.body.split("\n") == paragraphs
    assert article.is_article
    # Where the HTML itself holds the text, it wins over the JSON-LD copy (here a summary).
    shown = "".join(f"<p>{p}</p>" for p in paragraphs * 2)
    assert (
        extract("http://news.example/a/1.html", page(paragraphs[0], shown)).body.split("\n") == paragraphs * 2
    )


def test_strip_noise_drops_hidden_elements_and_keeps_their_tails():
    from lxml import etree

    from crawler.extract.blocks import parse, strip_noise, text_of

    root = parse(
        "<html><body><div>"
        '<p hidden style="display:none">隐一</p>尾一'
        '<span style="color:red">可见<i hidden>隐二</i>留二</span>'
        '<b style="visibility: hidden">隐三<u hidden>隐四</u></b>尾三'
        '<em style="DISPLAY : NONE">隐五</em><script>var x;</script>尾五'
        "<!-- 注释 --></div></body></html>"
    )
    strip_noise(root)
    assert text_of(root.find("body")) == "尾一可见留二尾三尾五"
    assert root.find(".//span").get("style") == "color:red"  # styled but visible: kept
    assert not root.xpath("//*[@hidden]") and not list(root.iter(etree.Comment))


def test_boilerplate_patterns_flattened_find_what_the_originals_find():
    import random
    import re

    from crawler.extract.content import _BOILERPLATE_ANYWHERE, literal_led
    from crawler.extract.patterns import BOILERPLATE

    anywhere = [p.pattern for p in BOILERPLATE if p.pattern[0] != "^"]
    assert _BOILERPLATE_ANYWHERE.pattern == literal_led(anywhere)  # the fast form is in use
    original = re.compile("|".join(f"(?:{p})" for p in anywhere))
    fragments = re.findall(r"[\u4e00-\u9fff]+|[A-Za-z]+", " ".join(anywhere))
    pool = [*fragments, "1", "23", " ", "\u3000", "。", "，", "x", "中", "：", "\n"]
    rng = random.Random(5)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 8))) for _ in range(20000)]
    found = [bool(original.search(t)) for t in texts]
    assert 1000 < sum(found) < 19000  # the sample holds both kinds
    assert [bool(_BOILERPLATE_ANYWHERE.search(t)) for t in texts] == found


@pytest.mark.parametrize(
    ("patterns", "flat"),
    [
        (["(?:ab|cd)e", "x|(?:y|z)w"], "abe|cde|x|yw|zw"),
        (["(?:ab|cd)?e"], None),  # a quantified group cannot be spread over branches
        (["(?:a(?:b)|c)d"], None),  # nor one holding groups
        (["\\d+x"], None),  # a branch starting with a class
        (["a|"], None),  # an empty branch matches everywhere
    ],
)
def test_literal_led_spreads_only_a_leading_group_of_words(patterns, flat):
    from crawler.extract.content import literal_led

    assert literal_led(patterns) == flat


def test_end_of_article_patterns_split_for_speed_find_what_the_originals_find():
    import random
    import re

    from crawler.extract.content import _END_ANYWHERE, _END_NUMBERED, ends_article
    from crawler.extract.patterns import DATE_ONLY_LINE, END_OF_ARTICLE

    original = re.compile("|".join(f"(?:{p.pattern})" for p in END_OF_ARTICLE))
    fragments = re.findall(r"[\u4e00-\u9fff]+", " ".join(p.pattern for p in END_OF_ARTICLE))
    pool = [*fragments, "1", "23", " ", "。", "x", "中", "：", "\n"]
    rng = random.Random(6)
    texts = ["".join(rng.choice(pool) for _ in range(rng.randint(1, 6))) for _ in range(20000)]
    found = [bool(original.search(t)) for t in texts]
    assert 500 < sum(found) < 19500
    assert "|" in _END_ANYWHERE.pattern and _END_NUMBERED.pattern.startswith("(?:\\d")
    assert [ends_article(t) and not DATE_ONLY_LINE.match(t) for t in texts] == [
        f and not DATE_ONLY_LINE.match(t) for t, f in zip(texts, found, strict=True)
    ]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Ernesto Londoño and Letícia Casado", ["Ernesto Londoño", "Letícia Casado"]),
        ("By A Smith, B Jones and C Brown", ["A Smith", "B Jones", "C Brown"]),
        # after the names, a comma brings the writer's post or outlet
        ("By Ryan Parry, West Coast Editor For Dailymail.com", ["Ryan Parry"]),
        ("By Jane Roe, Associated Press", ["Jane Roe"]),
        ("By Li Wei and Zhang Min, China Daily", ["Li Wei", "Zhang Min"]),
        ("By Jane Roe, Senior Correspondent in Beijing", ["Jane Roe"]),
        ("By Reuters", []),
        ("By the way, this is a sentence.", []),
    ],
)
def test_latin_bylines(text, names):
    assert latin_names(text, need_by=True) == names


def test_an_english_byline_element_below_the_lead_paragraphs_names_the_author():
    """No author metadata; the byline block comes after the standfirst, the picture's credit
    and the first paragraph, as English templates often place it."""
    paragraphs = "".join(
        f"<p>The ferry line carried {n} hundred passengers in its first week, officials said on Monday.</p>"
        for n in ("two", "three", "four", "five", "six")
    )
    page = (
        "<html lang='en'><head><title>Night ferry carries its first passengers</title></head><body>"
        "<article><h1>Night ferry carries its first passengers</h1>"
        "<p>Commuters welcomed the new service across the bay.</p>"
        "<p>The ferry at the old market pier. Photo by Sam Lee.</p>"
        "<p>The port authority opened the line after two years of petitions from night workers.</p>"
        "<div class='published-by'><span class='published-by__author'><a href='/author/ann'>Ann Fields</a>"
        f"</span></div>{paragraphs}</article></body></html>"
    ).encode()
    article = extract("https://riverside.example/news/night-ferry-carries-its-first-passengers", page)
    assert article.lang == "en"
    assert article.authors == ("Ann Fields",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("发表时间： 06/02/2022 … 13/02/2022 … 31/01/2022", True),
        ("Posted 02/13/2022 and 06/02/2022", False),  # month first
        ("06/02/2022 only", False),  # nothing says which
        ("13/02/2022 and 02/13/2022", False),  # both: no rule for the page
    ],
)
def test_a_page_that_writes_days_first(text, expected):
    from crawler.extract.dates import day_first

    assert day_first(text) is expected


def test_a_slashed_date_is_read_day_first_on_a_page_that_writes_days_first():
    """A French outlet's Chinese edition: 06/02/2022 is the 6th of February, as the dates of its
    other stories (13/02/2022) show."""
    others = "".join(
        f"<li><a href='/n/{d}.html'>另一条新闻标题第{d}条</a> {d}/02/2022</li>" for d in (13, 12, 3)
    )
    page = (
        "<html><head><meta charset='utf-8'><title>港口夜间航班开通</title></head><body>"
        "<h1>港口夜间航班开通</h1><p>发表时间： 06/02/2022 13:48</p><div class='content'>"
        + "<p>记者从市轮渡公司获悉，渡轮自本周一起新增夜间航班，末班船推迟到晚上十一点。</p>" * 3
        + f"</div><ul>{others}</ul></body></html>"
    ).encode()
    assert extract("http://news.example/a/1.html", page).published_at == "2022-02-06T13:48:00+08:00"


def test_a_page_with_no_title_of_its_own_is_titled_by_its_headline_not_its_menu():
    """No <title>, no og:title: the first heading is the menu's; the <h1> above the text, or
    the nearest heading above it, is the headline."""
    text = "<p>The ferry line carried three hundred passengers in its first week, officials said.</p>" * 4
    menu = "<h2>Top Navigation</h2><ul><li><a href='/'>Home</a></li><li><a href='/world'>World</a></li></ul>"
    with_h1 = f"<html><body>{menu}<h1>Night ferry carries its first passengers</h1>{text}</body></html>"
    with_h3 = f"<html><body>{menu}<h3>Night ferry carries its first passengers</h3>{text}</body></html>"
    for page in (with_h1, with_h3):
        article = extract("https://riverside.example/news/night-ferry", page.encode())
        assert article.title == "Night ferry carries its first passengers"
