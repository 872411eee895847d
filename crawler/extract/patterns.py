"""Boilerplate lines and field labels of Chinese news pages, in both scripts.

Each pattern lists the Simplified and the Traditional form side by side ([简繁] classes),
so that a rule written for one script never silently misses the other.
"""

from __future__ import annotations

import re

# Lines that are never article text, wherever they appear.
BOILERPLATE = [
    re.compile(p)
    for p in (
        r"^(?:已有|共有)?\s*\d+\s*(?:人|位網友|位网友|條|条)(?:發表|发表|參與|参与)?了?(?:評論|评论|跟帖)",
        r"(?:發表|发表)(?:評論|评论)|(?:網友|网友)(?:評論|评论)|(?:查看|我要)(?:評論|评论)|(?:評論|评论)\s*\d+\s*$",
        r"^(?:進入|进入).{0,12}(?:頻道|频道)",
        r"^(?:最新|一周|今日|本周|24小時|24小时).{0,12}(?:熱點|热点|新聞|新闻|圖文|图文)\s*(?:頻道推薦|频道推荐)?$",
        r"(?:頻道推薦|频道推荐)$",
        r"^(?:分享|分享到|轉發|转发|收藏)[:：]?\s*(?:(?:微信|微博|QQ空間|QQ空间|朋友圈|QQ|新浪|騰訊|腾讯|Facebook|Twitter|LINE|複製連結|复制链接)\s*[、，,|/]?\s*)*$",
        r"^(?:微信|微博|QQ|朋友圈)(?:\s*[、,，|/]?\s*(?:微信|微博|QQ空間|QQ空间|QQ|朋友圈))+$",
        r"(?:掃一掃|扫一扫|掃描二維碼|扫描二维码|長按二維碼|长按二维码|長按識別|长按识别)",
        r"(?:下載|下载).{0,8}(?:客戶端|客户端|APP|App|app)",
        r"^(?:版權所有|版权所有|Copyright|copyright|COPYRIGHT|©)",
        # "…網 版權所有" closing a footer line; never 版权所有者 (the owner) inside a sentence
        r"^(?=.{0,80}$).*(?:版權所有|版权所有)(?![者人方])(?!.*[。！？」”]$)",
        r"(?:ICP|icp)\s*(?:備|备|證|证)",
        r"(?:未經授權|未经授权|未經許可|未经许可).{0,10}(?:不得|禁止)(?:轉載|转载|複製|复制|使用)",
        r"^(?:本文|本站)?(?:來源|来源)?(?:轉載|转载)?(?:請註明|请注明)",
        r"^(?:上一篇|下一篇|上一頁|上一页|下一頁|下一页|返回頂部|返回顶部|返回首頁|返回首页|打印本頁|打印本页|關閉窗口|关闭窗口|[【\[]?(?:打印|關閉|关闭)[】\]]?$)",
        r"^(?:字號|字号)\s*[:：]?\s*(?:大|中|小|T)",
        r"^【?\s*(?:字體|字体)\s*[:：]",
        r"^(?:點擊|点击)(?:數|数|量)?\s*[:：]?\s*\d*$",
        r"^(?:閱讀|阅读)(?:數|数|量)?\s*[:：]?\s*\d+\s*$",
        r"^(?:相關新聞|相关新闻|相關閱讀|相关阅读|延伸閱讀|延伸阅读|相關文章|相关文章|相關報道|相关报道|相關報導|推薦閱讀|推荐阅读|更多新聞|更多新闻|熱門推薦|热门推荐)\s*[:：]?$",
        r"^[（(【\[]?\s*(?:原標題|原标题)\s*[:：]",
        # Terms-of-use paragraphs that sit beside comment boxes and footers.
        r"(?:保有|保留).{0,24}(?:權利|权利)|(?:不代表|不代表本).{0,12}(?:立場|立场|觀點|观点)",
        r"(?:網友|网友|使用者|用戶|用户).{0,24}(?:言論|言论|留言).{0,24}(?:責任|责任|負責|负责)",
        r"^(?:免責聲明|免责声明)",
        r"^(?:版權聲明|版权声明)\s*[:：]|^(?:版權|版权)$",
        # a spaced-out table label with no value beside it: "索 引 号：", "标 题："
        r"^(?:[\u4e00-\u9fff][ \u3000]+){1,4}[\u4e00-\u9fff][ \u3000]*[:：]$",
        r"^(?:關鍵詞|关键词|標籤|标签|Tags?)\s*[:：]",
    )
]

# A heading that opens a list of related articles (to `related`, never to `body`).
RELATED_HEADING = re.compile(
    r"^\s*(?:相關新聞|相关新闻|相關閱讀|相关阅读|延伸閱讀|延伸阅读|相關文章|相关文章|相關報道|相关报道|相關報導|"
    r"相關鏈接|相关链接|推薦閱讀|推荐阅读|猜你喜歡|猜你喜欢|更多新聞|更多新闻|熱點推薦|热点推荐)\s*[:：]?\s*$"
)

# Editor line: 責任編輯:王小明 / (责任编辑：李四) / 编辑：张三
EDITOR = re.compile(
    r"[（(【\[]?\s*(?:(?:責任編輯|责任编辑|責編|责编)\s*[:：/]?|(?:編輯|编辑|审核|審核)\s*[:：/])\s*"
    r"(?P<name>[\u4e00-\u9fff·A-Za-z]{2,12}(?:[ 、，,][\u4e00-\u9fff·]{2,4})*)\s*[）)】\]]?"
)
# The labels EDITOR starts with: where its first match can be found.
EDITOR_KEY = re.compile("責任編輯|责任编辑|責編|责编|編輯|编辑|审核|審核")
EDITOR_LINE = re.compile(
    r"^[（(【\[]?\s*(?:責任編輯|责任编辑|責編|责编|編輯|编辑|審核|审核|校對|校对|監製|监制|值班編輯|值班编辑)\s*[:：/]"
)

SOURCE = re.compile(
    r"(?:來源|来源|稿源|出處|出处|消息來源|消息来源)\s*[:：]\s*(?P<src>[^\s|｜丨/，,;；:：()（）=\"'<>]{2,30})(?=[\s|｜丨/，,;；()（）]|$)"
)

# "Source: Xinhua", "Source: China Daily | Updated: ...": an English page's source label.
LATIN_SOURCE = re.compile(r"\bSource\s*:\s*(?P<src>[A-Z][\w.&'-]*(?: [A-Z][\w.&'-]*){0,4})")

# "| Editor: huaxia", "[Editor: Li Wei]": the editor on an English edition's date line or
# under its story.
LATIN_EDITOR = re.compile(
    r"(?:^|[|\[(【\s])Editor\s*:\s*(?P<name>[A-Za-z][A-Za-z.'-]*(?: [A-Za-z][A-Za-z.'-]*){0,2})\s*(?=[|\])】]|$)",
    re.M,
)

# "作者：張三", "記者 王五 李四", "文/趙六", "撰文｜錢七"
_NAME = "[\u4e00-\u4e27\u4e29-\u9fff·]{2,4}"  # Han characters but 丨, which separates names
_NAMES = (
    rf"(?P<names>{_NAME}(?:[ \t\u3000\xa0]*[、，,][ \t\u3000\xa0]*{_NAME}|[ \t\u3000\xa0]+{_NAME}){{0,5}})"
)
# The separator may be 丨 (U+4E28, a Han character itself), and an outlet's reporter title may
# come between label and names: "文丨新京报记者 吴九".
AUTHOR = re.compile(
    r"(?:(?:作者|記者|记者|撰文|撰稿人|撰稿|採寫|采写|實習生|实习生|通訊員|通讯员|執筆人|执笔人|執筆|执笔)[ \t\u3000\xa0]*[:：丨|｜/／]?"
    r"|文[ \t\u3000\xa0]*[/／|｜丨:：])[ \t\u3000\xa0]*"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:記者|记者|評論員|评论员|通訊員|通讯员|實習生|实习生)[ \t\u3000\xa0]*)?"
    + _NAMES
)
# "（姚峰 上海報道）", "(记者 李明 北京报道)": reporters named at the end of a story
REPORTED_BY = re.compile(
    r"[（(]\s*(?:記者|记者)?\s*(?P<names>[\u4e00-\u9fff·]{2,4}(?:[ 、，,\u3000]+[\u4e00-\u9fff·]{2,4}){0,4})"
    r"[ \u3000]+[\u4e00-\u9fff]{2,6}(?:報道|报道|報導|报导)\s*[）)]"
)
# "王小明／台北報導", "王小明、李大同/綜合報導": reporters and place, no label, opening a line
NAME_SLASH_PLACE = re.compile(
    r"^[ \t\u3000\xa0]*(?P<names>[\u4e00-\u9fff]{2,4}(?:[、，,][\u4e00-\u9fff]{2,4}){0,3})[ \t\u3000\xa0]*[／/]"
    r"[ \t\u3000\xa0]*[\u4e00-\u9fff]{2,6}(?:報導|报导|報道|报道)",
    re.M,
)
# "发信人: ggjj (某某), 信区: Reader": the poster's id on a BBS post
BBS_POSTER = re.compile(r"(?:發信人|发信人)\s*[:：]\s*(?P<id>[A-Za-z][A-Za-z0-9_.\-]{1,19})\b")
# "……佳節。（常書香 馬丹陽）": the reporters' names alone in brackets closing a story
TRAILING_NAMES = re.compile(
    r"[（(][ \u3000\xa0]*(?P<names>[\u4e00-\u9fff]{2,4}(?:[ 、，,\u3000\xa0]+[\u4e00-\u9fff]{2,4}){0,3})[ \u3000\xa0]*[）)]\s*$"
)
# "2004年7月16日08:19 [ 黃宇 ] 來源：": a name in square brackets on the date line
BRACKETED_NAME = re.compile(r"[\[【][ \u3000\xa0]*(?P<names>[\u4e00-\u9fff]{2,4})[ \u3000\xa0]*[\]】]")
# "王煌忠攝", "記者陳嘉寧／攝影": a photographer's credit under a picture
PHOTO_CREDIT = re.compile(
    r"(?:記者|记者)?(?P<names>[\u4e00-\u9fff·]{2,3})\s*[／/]?\s*(?:攝影|摄影|攝|摄)\s*$"
)

# The most common Chinese surnames (Simplified): a lone 2-4 character line only counts as a
# name when it starts with one of them, so labels such as 正文 or 中時 are not taken for names.
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢"
    "安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路"
    "游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全"
    "佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚"
    "鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平计索宣晋相初门云容敬来扈晁"
)

# A line naming the reporters: 記者 王五／台北報導, 光明日报记者 王建宏 张文攀
BYLINE = re.compile(
    r"(?:記者|记者|作者|撰文|編譯|编译|執筆|执笔|實習生|实习生|通訊員|通讯员)\s*[:：]?\s*[\u4e00-\u9fff·]{2,4}(?:\s|／|/|$)"
    r"|^文\s*[/／|｜]"
)

# Words that look like names in author lists but are not.
NOT_NAMES = frozenset(
    "記者 记者 通訊員 通讯员 實習生 实习生 編輯 编辑 攝影 摄影 報道 报道 來源 来源 發布 发布 時間 时间 "
    "作者 本報 本报 本網 本网 責任 责任 圖片 图片 視頻 视频 綜合 综合 整理 民國 民国 日期 今天 昨天 "
    # page furniture that starts with a common surname character
    "責任編輯 责任编辑 管理 商城 焦點 焦点 關於 关于 關於我們 关于我们 時政 时政 分享 分享到 繁體 繁体 簡體 简体 "
    "首頁 首页 登錄 登录 註冊 注册 搜索 新聞 新闻 評論 评论 熱點 热点 推薦 推荐 專題 专题 更多 返回 頂部 顶部 "
    "打印 關閉 关闭 收藏 複製 复制 鏈接 链接 見習 见习 實習 实习 特約 特约 中美 全文 正文 原文 上一篇 下一篇 "
    "字體 字体 大中小 聯繫我們 联系我们 網站地圖 网站地图 版權 版权 宣傳 宣传 國際 国际 國內 国内 經濟 经济 "
    "社會 社会 文化 體育 体育 娛樂 娱乐 科技 財經 财经 時尚 时尚 汽車 汽车 房產 房产 健康 教育 旅遊 旅游 "
    # cities that start with a surname character (北京报道: the place of a byline)
    "南京 南寧 南宁 南昌 武漢 武汉 成都 海口 香港 澳門 澳门 台北 高雄 台中 台南 華盛頓 华盛顿 東京 东京 "
    "倫敦 伦敦 巴黎 紐約 纽约 莫斯科 柏林 江門 江门 金華 金华 石家莊 石家庄 常德 岳陽 岳阳 鄭州 郑州".split()
)
# Last characters that make a word a place, a body or a thing rather than a person's name.
NOT_NAME_END = re.compile(
    r"(?:省|市|縣|县|區|区|城|網|网|報|报|社|部|局|團|团|組|组|會|会|院|所|室|站|州|黨|党|廳|厅|處|处|科|館|馆|"
    r"店|村|鎮|镇|鄉|乡|樓|楼|街|研討|研讨|貿易|贸易|見習|见习|實習|实习)$"
)
OUTLET_SUFFIX = re.compile(
    r"(?:網|网|報|报|社|台|電視|电视|日報|日报|晚報|晚报|新聞|新闻|客戶端|客户端|頻道|频道|中心)$"
)

# Dateline at the start of the first paragraph: 海峽網4月20日訊, 新华社北京4月20日电, 本報訊
# Taiwanese papers open with reporter and place in brackets: 〔記者巫其倫／台北報導〕
BRACKET_BYLINE = re.compile(
    r"^[〔\[【（(]\s*(?:記者|记者)\s*(?P<who>[\u4e00-\u9fff·、 ]{2,20}?)\s*[／/]\s*"
    r"(?P<dl>[\u4e00-\u9fff]{2,10}(?:報導|报导|報道|报道))\s*[〕\]】）)]"
)
DATELINE = re.compile(
    r"^[【\[]?\s*(?P<dl>(?:[\u4e00-\u9fffA-Za-z·]{1,20}?\s*)?(?:(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*日(?:\s*\d{1,2}\s*時|\s*\d{1,2}\s*时)?\s*)"
    r"(?:電|电|訊|讯|消息|報道|报道|報導|报导)|本報訊|本报讯|本網訊|本网讯|[\u4e00-\u9fff]{2,8}?(?:快訊|快讯))\s*[】\]]?"
    r"(?:\s*[（(](?P<who>[^）)]{1,40})[）)])?"
)

# Metadata lines near the title: "2018-04-20 09:30 來源：海峽網 作者：張三"
META_LINE = re.compile(
    r"(?:來源|来源|發布時間|发布时间|發佈時間|發表時間|发表时间|時間|时间|作者|編輯|编辑|點擊|点击|瀏覽|浏览)\s*[:：]"
)

SENTENCE_END = re.compile(r"[。！？!?…」”』）)]$")
PUNCT = re.compile(r"[，。！？；：、“”「」『』,.!?;:]")

# Lines after which a page's article is over (comments, widgets, pagers, a new dated post).
END_OF_ARTICLE = [
    re.compile(p)
    for p in (
        r"^(?:網友|网友|最新|最熱|最热|熱門|热门|精彩|全部)?(?:評論|评论|留言|跟帖|回應|回应)\s*(?:[(（]?\d+[)）]?)?\s*[:：]?$",
        r"(?:已有|共有)\s*\d+\s*(?:人|件|條|条|個|个|位)",
        r"\d+\s*(?:條|条|件|則|则)(?:評論|评论|回覆|回复)",
        r"(?:發表|发表|我要|查看|參與|参与)(?:評論|评论)",
        r"^(?:點讚|点赞|讚|赞|收藏|分享|分享到|分享至|打賞|打赏|舉報|举报|複製鏈接|复制链接)\s*[:：]?\s*\d*$",
        r"^(?:上一篇|下一篇|上一頁|上一页|下一頁|下一页)",
        r"(?:已被|被)(?:閱讀|阅读|瀏覽|浏览)\s*\d+\s*次",
        r"^[（(]?\s*(?:責任編輯|责任编辑)",
        r"^[“\"「]?(?:版權聲明|版权声明|免責聲明|免责声明|反侵權公告|反侵权公告|特別聲明|特别声明)",
        # A copyright line under the story: "原创版权禁止商业转载", "未经授权不得转载"
        r"^(?=.{0,40}$)(?!.*[。！？]$).{0,12}(?:禁止|謝絕|谢绝|不得|嚴禁|严禁)(?:商業|商业|任何)?(?:轉載|转载)",
        r"^(?:其他|更多)?(?:同一|本|同)(?:欄目|栏目)(?:的)?(?:內容|内容|文章|新聞|新闻)?\s*[:：]?\s*$",
        # Recommendation widgets: they follow the article (unlike a 相关阅读 box, which may sit inside it).
        r"^\s*(?:你|您)?(?:可能|或許|或许)(?:還|还|也)?(?:想看|喜歡|喜欢|感興趣|感兴趣)(?:的)?(?:內容|内容|文章|新聞|新闻)?\s*[:：]?\s*$",
        r"^\s*(?:猜你喜歡|猜你喜欢|猜您喜歡|猜您喜欢|為你推薦|为你推荐|為您推薦|为您推荐|大家都在看|熱門推薦|热门推荐)\s*[:：]?\s*$",
    )
]

# The same on pages in English (and other Latin-script languages): the widgets that follow a
# story on most English news sites (WordPress share and like bars, recommendation rails, comment
# threads, newsletter boxes). "Related" and "Read more" are not among them: they also head
# boxes inside a story.
LATIN_END_OF_ARTICLE = re.compile(
    r"^(?:you (?:may|might) (?:also )?(?:like|enjoy)|recommended(?: for you| stories| reading)?|"
    r"most (?:read|popular|viewed|shared)(?: today| stories| articles)?|trending(?: now| stories)?|"
    r"(?:\d+ )?comments?|leave a (?:comment|reply)|join the conversation|"
    r"share this(?: article| story)?|like this|sign up for (?:our|the) .{0,40}newsletter.{0,20})\s*:?$",
    re.I,
)
# An advertising slot's label inside an English story ("Advertisement 2", "Story continues
# below advertisement"): never text, though sites often mark it up as a heading.
LATIN_AD_LINE = re.compile(
    r"^(?:advertisement|advertising|sponsored(?: content)?|ad)\s*\d*$"
    r"|\b(?:story|article|content|text) continues below\b",
    re.I,
)

# A line that is only a date (and time): inside a blog or list page, the start of the next post.
DATE_ONLY_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}[-/.年]\d{1,2}[-/.月]\d{1,2}日?|(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December) \d{1,2}(?:st|nd|rd|th)?, \d{4})(?:\s*(?:at\s*)?\d{1,2}:\d{2}(?::\d{2})?\s*(?:[ap]m)?)?$"
)
