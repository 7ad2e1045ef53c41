"""Pattern families and vocabularies for the anonymiser, compiled once at import.

The regexes run on a *folded* copy of the text (`fold()`): full-width digits, letters and
punctuation become half-width one character for one character, and dash look-alikes between
digits become "-", so every offset found in the folded text is an offset into the input.
"""
from __future__ import annotations

import re
import unicodedata

# Dash look-alikes used in phone numbers, plates and addresses (ー only when between digits).
_DASHES = set("‐‑‒–—―−－﹣")


def fold(text: str) -> str:
    """A same-length copy of `text` with full-width forms and dashes normalised."""
    out = []
    n = len(text)
    for i, ch in enumerate(text):
        if ch in _DASHES:
            out.append("-")
            continue
        if ch == "ー" and 0 < i < n - 1 and _is_digit(text[i - 1]) and _is_digit(text[i + 1]):
            out.append("-")
            continue
        f = unicodedata.normalize("NFKC", ch)
        out.append(f if len(f) == 1 else ch)
    return "".join(out)


def _is_digit(ch: str) -> bool:
    return "0" <= ch <= "9" or "０" <= ch <= "９"


KANJI = r"[\u4e00-\u9fff\u3005\u3006\u30f6]"  # 漢字, 々, 〆, ヶ
KNUM = r"[0-9〇一二三四五六七八九十]"

# ---------------------------------------------------------------- e-mail
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# ---------------------------------------------------------------- phone
# Digit groups separated by "-", spaces or brackets; the digit count is validated afterwards.
PHONE = re.compile(
    r"(?<![0-9A-Za-z+.,])"
    r"(?:\+81[ -]?(?:\(0\)[ -]?)?[1-9][0-9]{0,3}|\(?0[0-9]{1,4}\)?)"
    r"(?:(?:[ -]|\(|\)|\) ?)?[0-9]{1,4}){1,3}"
    r"(?![0-9])"
)

# ---------------------------------------------------------------- vehicle number plates
# 地名 (運輸支局・自動車検査登録事務所の表示) + 分類番号 + ひらがな + 一連指定番号.
PLATE_REGIONS = sorted("""
札幌 函館 旭川 室蘭 苫小牧 釧路 知床 帯広 北見 青森 八戸 弘前 岩手 盛岡 平泉 宮城 仙台 秋田 山形 庄内
福島 会津 いわき 郡山 白河 水戸 土浦 つくば 宇都宮 那須 とちぎ 群馬 前橋 高崎 大宮 川口 所沢 川越 熊谷
春日部 越谷 千葉 成田 習志野 市川 船橋 袖ヶ浦 市原 野田 柏 松戸 品川 世田谷 練馬 杉並 板橋 足立 江東
葛飾 八王子 多摩 横浜 川崎 湘南 相模 山梨 富士山 新潟 長岡 上越 長野 松本 諏訪 富山 石川 金沢 福井
岐阜 飛騨 静岡 浜松 沼津 伊豆 愛知 名古屋 豊橋 三河 岡崎 豊田 尾張小牧 一宮 春日井 三重 鈴鹿 四日市
伊勢志摩 滋賀 京都 大阪 なにわ 和泉 堺 奈良 飛鳥 和歌山 神戸 姫路 鳥取 島根 出雲 岡山 倉敷 広島
福山 山口 下関 徳島 香川 高松 愛媛 高知 福岡 北九州 久留米 筑豊 佐賀 長崎 佐世保 熊本 大分 宮崎
鹿児島 奄美 沖縄 日光 江戸川 杉並 葛飾 足立 板橋 松戸 市川 船橋 柏 成田 木更津 上尾 越谷 春日部
""".split(), key=len, reverse=True)
PLATE_REGION_SET = frozenset(PLATE_REGIONS)
PLATE = re.compile(
    r"(?P<region>" + "|".join(map(re.escape, PLATE_REGIONS)) + r"|(?<!" + KANJI + r")" + KANJI + r"{2,5})"
    r" ?[0-9]{1,3} ?[ぁ-ゖ] ?"
    r"(?:[0-9]{1,2}-[0-9]{2}|[・.]{1,3} ?[0-9]{1,3}|[0-9]{4})"
    r"(?![0-9])"
)

# a plate read by a witness without its class number: 練馬 ね 53-09 (a known region, the kana set
# apart by spaces as on the plate, and the hyphenated serial only: 大阪で12-15時 is a time)
PLATE_NO_CLASS = re.compile(
    r"(?P<region>" + "|".join(map(re.escape, PLATE_REGIONS)) + r")[ 　][ぁ-ゖ][ 　][0-9]{1,2}-[0-9]{2}(?![0-9])")

# a plate without its class number where the text says it is one: 車両番号は「岡山 ふ 2210」
PLATE_LABELLED = re.compile(
    r"(?:車両番号|ナンバー|ナンバープレート|登録番号)[はがの：:\s「『]{0,3}(?P<plate>(?:" + "|".join(map(re.escape, PLATE_REGIONS))
    + r")(?:[ 　][ぁ-ゖ][ 　]|(?![のとでにはがをもや])[ぁ-ゖ])(?:[0-9]{4}|[0-9]{1,2}-[0-9]{2}))(?![0-9]|番|台)")

MOPED_PLATE = re.compile(
    r"(?<![一-龥々ヶ])[一-龥々ヶ]{1,5}[市町村](?:[一-龥]{1,2})?"
    r"(?:[ 　]?[ぁ-ゖ][ 　]?[0-9]{1,4}(?![0-9])"
    # a kana that is also a particle right after the city (岡山市の3の事案, 倉敷市で2の3倍) needs the spaces
    # of a plate or a full serial
    r")(?<![のでにはがをともへや][0-9])(?<![のでにはがをともへや][0-9]{2})")

# a phone number written in kanji digits, as read aloud (〇九〇・四四一七・二二八三): the same length with
# the digits and the ・ between them as PHONE reads them
KANJI_DIGITS = str.maketrans("〇一二三四五六七八九", "0123456789")


def kanji_digits(folded: str) -> str:
    """`folded` with kanji digits as digits and a ・ between two digits as "-" (same length)."""
    out = folded.translate(KANJI_DIGITS)
    return re.sub(r"(?<=[0-9])・(?=[0-9])", "-", out)


# a number said aloud and written down with の between its groups (022の271の5590), or written with
# dots (080.1234.5678, 080・2914・5583); a decimal (0.25) never has the digits of a phone number
SPOKEN_GROUPS = re.compile(r"(?<=[0-9])[の.・](?=[0-9])")


def spoken_groups(folded: str) -> str:
    """`folded` with a の or . between two digits as "-" (same length)."""
    return SPOKEN_GROUPS.sub("-", folded)


# ---------------------------------------------------------------- phones abroad and extensions
INTL_PHONE = re.compile(r"(?<![0-9A-Za-z+])\+(?!81)[1-9][0-9]{0,2}(?:[ -]?\(?[0-9]{1,5}\)?){2,5}(?![0-9])")
EXTENSION = re.compile(r"[ 　]?[(（]?内線[ 　]?[0-9]{1,5}[)）]?")

# ---------------------------------------------------------------- dates (birth dates)
_ERA = r"(?:明治|大正|昭和|平成|令和)"
DATE = re.compile(
    r"(?:" + _ERA + r"(?:" + KNUM + r"{1,3}|元)年" + KNUM + r"{1,3}月(?:" + KNUM + r"{1,3}日)?"
    r"|" + _ERA + r"(?:" + KNUM + r"{1,3}|元)年(?=生まれ|生[）)、。 ]|生$)"
    r"|[0-9]{4}年[0-9]{1,2}月(?:[0-9]{1,2}日)?"
    r"|[0-9]{4}年(?=生まれ)"
    r"|(?<![0-9年])[0-9]{1,2}月[0-9]{1,2}日(?=生まれ|生[）)、。 ]|生$)"
    r"|(?<![A-Za-z])[MTSHR]\.? ?[0-9]{1,2}[./][0-9]{1,2}[./][0-9]{1,2}"
    r"|(?<![0-9])(?:19|20)[0-9]{2}[./-][0-9]{1,2}[./-][0-9]{1,2}(?![0-9])"
    r")"
)
# "生" right after the date marks a birth date; not 生活安全課, 生徒, 生じた ...
BIRTH_AFTER = re.compile(r"\s?(?:生まれ|出生|生(?![活徒産じず成命存涯前後還息地])|誕生)")
BIRTH_BEFORE = re.compile(r"(?:生年月日|誕生日|出生日|生まれ)[はがをの：:\s（(、「『]{0,3}$")

# ---------------------------------------------------------------- ages
AGE = re.compile(
    r"(?<![0-9.,])(?:[0-9]{1,3}|[一二三四五六七八九十百]{1,4})\s?[歳才]"
    r"(?!未満|以上|以下|を超|超|に満た|に達|未|から|まで|以後|以降|代|児健|到達|の誕生日を迎え)"
)
# an infant's age: 生後4か月, 生後十日 (not a line drawn with it: 生後3か月未満, 生後14日以内, 生後56日を経過)
AGE_INFANT = re.compile(r"生後[ 　]?(?:[0-9]{1,2}|[一二三四五六七八九十]{1,3})[ 　]?(?:か月|カ月|ヶ月|ケ月|箇月|週間?|日)"
                        r"(?!未満|以内|以上|以下|を経過|経過|から|まで|を超|超|に満た|に達)")
AGE_BEFORE_THRESHOLD = re.compile(r"(?:満|年齢|年齢が)$")
# a rough age (45歳位, 60歳くらい): the whole says the age, and in kanji it is someone's (laws never say 三十歳位)
AGE_ABOUT = re.compile(r"(?:くらい|ぐらい|位)")
# after a kanji age: it was found out or said by someone (十五歳と分かり, 十六歳と名乗った, 八十二歳と言っている),
# not a line the law draws (十八歳と言われている)
PERSONAL_AGE_AFTER = re.compile(AGE_ABOUT.pattern + r"|(?:であること)?(?:と|が)(?:分か|わか|判明|名乗|申告|供述)"
                                r"|と(?:言って|言い|話して|話し|答え)"
                                r"|とのこと")
# an age as a bare number in brackets after a word for one person: 被害少女（15）, 男性（四十二）, 相談者（71）.
# Words for a group (逮捕者, 負傷者, 関係者, 第三者) carry a count there, and so does any number followed
# by a counter: 届出人(2)名, 男性(2)名.
AGE_AFTER_PERSON_WORD = re.compile(
    r"(?:男性|女性|少年|少女|男児|女児|児童|生徒|学生|乳児|幼児|男|女|夫|妻|息子|娘|長男|長女|次男|次女|父親|母親|兄|弟|姉|妹"
    r"|祖父|祖母|(?:被害|加害|容疑|被疑|相談|通報|申告|経営|運転|同乗|目撃|交際|行方不明)者|(?:同居|知|友|本|保証|依頼)人)"
    r"(?:[A-ZＡ-Ｚ](?![A-Za-zＡ-Ｚａ-ｚ]))?[（(](?P<age>[0-9]{1,3}|[一二三四五六七八九十]{1,4})[）)、,](?![名件人個本台組点])")
# a relation written before a name with ・ (娘・ひなた, 長男・大翔): the relation is no part of the name
KIN_BEFORE_NAME = re.compile(r"(?:夫|妻|息子|娘|長男|長女|次男|次女|三男|三女|父|母|父親|母親|兄|弟|姉|妹|祖父|祖母|孫|"
                             r"叔父|叔母|伯父|伯母|義父|義母|甥|姪|いとこ|おじ|おば)・(?=.)")
# an age given as a bare number after 年齢: 年齢は十四と答えた, 年齢：32、 (not 年齢は20代, 年齢20歳未満).
# 年齢 at the end of a compound or after a verb names a kind of age (成年年齢, 刑事責任年齢, 平均年齢,
# 婚姻できる年齢), not someone's; 推定/自称/申告/実年齢 and a person's (被害者年齢) still do.
AGE_AFTER_LABEL = re.compile(
    r"(?:(?<![一-龥々ァ-ヶーるたいだ])|(?<=推定|自称|申告)|(?<=[実者]))年齢[はがを：:\s]{0,2}(?P<age>[0-9]{1,3}|[一二三四五六七八九十]{1,4})(?=[とで、。,）)]|くらい|ぐらい|前後|$)")

# ---------------------------------------------------------------- ID numbers
ID_CONTEXT = re.compile(
    r"(?:マイナンバー|個人番号|運転免許証?(?:の)?番号|免許証(?:の)?番号|旅券(?:の)?番号|パスポート(?:の)?番号"
    r"|在留カード(?:の)?番号|特別永住者証明書(?:の)?番号|被?保険者(?:証)?(?:の)?番号|保険証(?:の)?番号"
    r"|基礎年金番号|年金番号|住民票コード|社員番号|学籍番号|会員番号|免許番号|証明書番号|カード番号"
    r"|車台番号|防犯登録番号|所持許可証番号|許可証?番号|診察券番号|診察券|会員ID|会員ＩＤ|ユーザーID|ユーザーＩＤ|顧客番号|契約者番号|利用者番号"
    r"|旅券|パスポート|免許証|在留カード|保険証|社員証|学生証|受給者証|手帳番号)"
    r"[^0-9A-Za-z。\n]{0,6}?"
    r"(?P<id>(?:[A-Za-z0-9][A-Za-z0-9]{0,5}[-_]){0,2}[A-Za-z]{0,3}[0-9](?:[0-9]|[ -](?=[0-9])){4,19}[A-Za-z]{0,3})(?![0-9A-Za-z])"
)
# a number whose label says it is a person's card, membership or record (患者番号 P-00917, 証券番号
# JK-4471-0093-2, 組合員番号 0418-27, 記号番号 33-18・0074291): letters, digits and dashes, spaces only
# between digit groups, at least four digits. Other labelled numbers (相談番号, 証拠品番号, 車両番号 …:
# the police's own records, things, places) are left to the reviewer's 4-digit 「要確認」.
LABELLED_ID = re.compile(
    r"(?P<label>[一-龥々ァ-ヶー]{1,8})(?:番号|ID(?![A-Za-z]))[はがの：:\s]{0,3}"
    r"(?P<id>第?[A-Za-z0-9](?:[A-Za-z0-9]|[-_・](?=[A-Za-z0-9])|(?<=[0-9]) (?=[0-9])){3,29}(?:号(?![室車線]))?)"
    r"(?![A-Za-z0-9]|[/.:][0-9]|号[車線]|[年月日時分歳才件回台円人名])")
PERSONAL_NUMBER_LABEL = re.compile(
    r".*(?:患者|診察券|カルテ|学籍|学生|生徒|受験|社員|職員|従業員|組合員|会員|利用者|顧客|契約者|加入者|受給者|被保険者"
    r"|保険証?|証券|記号|年金|船舶|車台|旅券|免許証?|在留カード|予約|注文|伝票|ユーザー|アカウント|ログイン"
    r"|契約|申込|客様|手帳|カード|証|識別|(?<!商標|法人|意匠)登録)$")
# an account on a social network: LINEのIDはtomo_0915, インスタのアカウント @saki.k_22; the platform is a
# word of its own (not the X of TAX or BOX), and a number with a counter is how many accounts (100件)
SNS_ID = re.compile(r"(?<![A-Za-z])(?:LINE|ライン|Instagram|インスタ(?:グラム)?|Twitter|ツイッター|TikTok|ティックトック|Facebook|フェイスブック|SNS|X)"
                    r"(?:の|[（(])?(?:ID|ＩＤ|アカウント(?:名)?|ユーザー名|ユーザーネーム)[はがを：:\s（(]{0,3}"
                    r"(?P<id>@?[A-Za-z0-9][A-Za-z0-9_.\-]{2,29})(?![A-Za-z0-9_@]|[件人名個つ台])")
# an account name on its own: @kuro_wolf_88 (not the @ of an e-mail address, which is found first),
# not a mail domain (@debian.org), or an ASCII name in quotes after what it names: 出品者のアカウント「ta9_shop」
HANDLE = re.compile(r"(?<![A-Za-z0-9._%+\-@])@(?![A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[a-z]{2,3}(?![A-Za-z0-9_.\-]))"
                    r"(?=[A-Za-z0-9_.\-]*[A-Za-z])[A-Za-z0-9_][A-Za-z0-9_.\-]{2,29}(?![A-Za-z0-9_@\-])")
# (an ASCII name with a digit, _ or . in it: 「admin」 or 「guest」 is a kind of account, not someone's;
# these labels also name a person in kana or kanji, NAME_LABELLED_QUOTED: the ASCII form is taken here)
QUOTED_HANDLE = re.compile(r"(?:アカウント(?:名)?|ユーザー名|ユーザーネーム|ハンドルネーム|ハンドル名)(?:は|が|を|：|:)?[ 　]?"
                           r"[「『][ 　]?(?P<id>(?=[A-Za-z0-9_.\-]*[0-9_.])[A-Za-z0-9_][A-Za-z0-9_.\-]{2,29})[ 　]?[」』]")
# an account's ID after ユーザーID or 会員ID: ユーザーID：sora_take0505; a handle shape with a
# digit, _ or . in it (ID：なし and ID：admin are not someone's)
USER_ID = re.compile(r"(?:ユーザー|会員|ログイン|利用者|出品者|落札者|購入者|投稿者)(?:ID|ＩＤ)[ 　]?(?:[はがを：:][ 　]?「?|「)"
                     r"(?!(?:admin|guest|test|user|default|root|demo)[_.\-]?[0-9]*(?![A-Za-z0-9_.\-]))"
                     r"(?P<id>(?=[A-Za-z0-9_.\-]*[0-9_.])(?=[A-Za-z0-9_.\-]*[A-Za-z])[A-Za-z0-9][A-Za-z0-9_.\-]{2,29})"
                     r"(?![A-Za-z0-9_@])")
RESIDENCE_CARD = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{8}[A-Z]{2}(?![A-Za-z0-9])")
PASSPORT = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}[0-9]{7}(?![A-Za-z0-9])")
MY_NUMBER_CONTEXT = re.compile(r"マイナンバー|個人番号")
TWELVE_DIGITS = re.compile(r"(?<![0-9-])[0-9]{4}[ -]?[0-9]{4}[ -]?[0-9]{4}(?![0-9]|-[0-9])")


def my_number_valid(digits: str) -> bool:
    """The check digit of a 12-digit 個人番号 (総務省令の検査用数字)."""
    if len(digits) != 12 or not digits.isdigit():
        return False
    body = digits[:11]
    total = 0
    for n in range(1, 12):  # P_n: nth digit from the right of the 11-digit body
        p = int(body[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    r = total % 11
    check = 0 if r <= 1 else 11 - r
    return check == int(digits[11])


# ---------------------------------------------------------------- bank accounts
ACCOUNT = re.compile(
    r"(?:口座番号|預金口座|口座|普通預金|当座預金|貯蓄預金|総合口座|普通|当座)(?:口座)?(?:番号)?"
    r"[\s：:はがのを（(、]{0,3}"
    r"(?P<num>[0-9]{6,8})(?![0-9])"
)
YUCHO = re.compile(r"(?P<num>記号\s?[：:]?\s?[0-9]{5}\s?[-、,]?\s?番号\s?[：:]?\s?[0-9]{6,8})(?![0-9])"
                   r"|記号番号[はがの：:\s]{0,2}(?P<num2>[0-9]{5}\s?-\s?[0-9]{6,8})(?![0-9])")

# ---------------------------------------------------------------- addresses
_NUM = r"(?:[0-9]+|[一二三四五六七八九十百千〇]+)"
ADDRESS_NUMBER = re.compile(
    r" ?(?:"
    + KNUM + r"+丁目(?:" + _NUM + r"番地?(?:の?" + _NUM + r"号?)?|" + _NUM + r"(?:[-の]" + _NUM + r"){0,2}(?:号室|号)?)?"
    r"|" + _NUM + r"番地(?:の?" + _NUM + r"号?)?"
    r"|" + _NUM + r"番" + _NUM + r"号?"
    r"|" + _NUM + r"(?:[-の]" + _NUM + r"){1,3}(?:号)?"
    r"|" + _NUM + r"番地?"
    r")(?:-[0-9]+)*(?:号室|号)?(?![0-9])"
)
# a lot number with nothing after it, where the text says it is someone's home (自宅は…字下町123)
BARE_LOT_NUMBER = re.compile(r" ?[0-9]{1,5}(?:の[0-9]{1,4})?(?![0-9])")
# A weak number (bare "12番", "3-7") needs a place name with an administrative unit in front.
STRONG_ADDRESS_NUMBER = re.compile(r".*(?:丁目|番地|番[0-9]+|号)")
# a town and a full block number (錦三丁目4番12号, 則武一丁目20-7, 本町3番5号) is a home or a building
# whatever the town's words are: Sudachi does not know every town as a place name (a kanji run
# right after a number is the rest of a longer address: 北24条西6丁目)
TOWN_BLOCK = re.compile(r"(?<![一-龥々ヶ0-9])[一-龥々ヶ]{1,8}(?=" + KNUM + r"+丁目" + _NUM + r"(?:番地?|[-の])" + _NUM
                        + r"|[0-9]+番地?[0-9]+号)")
# words that end before a town in the same kanji run: 当署管内錦三丁目…, 被疑者宅錦…, 自宅住所錦…, 市内本町…
NOT_TOWN_PREFIX = re.compile(r".*(?:宅|管内|[都道府県市区町村]内|住所|居所|所在地|本部|警察署|署|交番|駐在所)")
ADMIN_UNIT = re.compile(r"[都道府県市区町村郡]")
BUILDING = re.compile(
    r"[ 　]?(?:[^\s、。，,（）()「」]{1,20}?[ 　]?(?:[0-9]{1,4}|[〇一二三四五六七八九]{1,4})号室"
    r"|[ァ-ヶー一-龥々A-Za-z]{1,15}(?:マンション|ハイツ|アパート|コーポ|荘|ビル|レジデンス|タワー|ハウス|メゾン|ハイム|パレス|コート|団地)"
    r"(?:[ 　]?[0-9]{1,4}(?:号室|号)?)?"
    r"|(?:[0-9]{1,4}|[〇一二三四五六七八九]{1,4})号室)"
)
BUILDING_WORDS = ("マンション|ハイツ|アパート|コーポ|荘|ビル|レジデンス|タワー|ハウス|メゾン|ハイム|パレス|コート|団地"
                  "|シャトー|ヴィラ|プラザ|テラス|ヒルズ|フラット|グラン|ドミール|カーサ|ガーデン|寮|社宅")
# a building and room after a full block number: "… 8番14号 コーポ桃園102", "… 11番地6 サンコート山陽201"
# (a numbered building: 第2松本荘103, 梅田第9ビル9階)
BUILDING_AFTER_NUMBER = re.compile(
    r"[ 　]?(?=[^\s、。]*?(?:" + BUILDING_WORDS + r"))(?:第[0-9]{1,2}(?=[ァ-ヶー一-龥々A-Za-z]))?[ァ-ヶー一-龥々A-Za-z・]{1,18}"
    r"(?:第[0-9]{1,2}[ァ-ヶー一-龥々A-Za-z]{1,6})?[ 　]?-?[0-9]{1,4}(?:号室|号|階|F)?(?![0-9ァ-ヶー一-龥々A-Za-z])")
# "津山市上之町のグランハイツ津山3階": a place, の, a named building and its floor or room
PLACE_BUILDING = re.compile(
    r"(?P<place>[一-龥々ヶ]{1,5}[市町村区][一-龥々ヶ]{0,6})の"
    r"(?=[^\s、。]*?(?:" + BUILDING_WORDS + r"))[ァ-ヶー一-龥々A-Za-z・]{2,18}[ 　]?[0-9]{1,4}(?:号室|階)")
# a named building and its room on their own: 桃丘団地3号棟205号, アパート「サンハイツ」105号室 (a room
# number makes it someone's home; 市営住宅 alone names no building)
NAMED_BUILDING_ROOM = re.compile(
    r"(?:(?<![一-龥々ァ-ヶー])[一-龥々ァ-ヶー]{1,10}(?:" + BUILDING_WORDS + r")|(?:アパート|マンション|団地|寮|社宅)?「[^「」、。\s]{1,15}」)"
    r"[ 　]?(?:[0-9]{1,3}号棟[ 　]?[0-9]{1,4}号室?|[0-9]{1,4}号室)")
# a guest's hotel and room: ホテル鷲羽ビュー503号室 (a room number makes the stay someone's)
HOTEL_ROOM = re.compile(r"(?:ホテル|旅館|民宿|ゲストハウス|ペンション|ホステル)[・ 　]?"
                        r"(?!(?:客室|本館|別館|新館|旧館|最上階|[0-9一二三四五六七八九十]+階|内|の)[ 　]?[0-9])"
                        r"[一-龥々ァ-ヶーA-Za-z]{1,15}?[ 　]?[0-9]{2,4}号室")
# a kind of building, not its name: 市営住宅, 県営団地, 本社ビル, 市民会館
GENERIC_BUILDING = re.compile(r"(?:(?:市営|県営|町営|村営|都営|府営|公営)?(?:住宅|団地)|本社|本館|別館|新館|旧館|庁舎|市民|県民|区民|町民)"
                              r"(?:" + BUILDING_WORDS + r")?[ 　]?[0-9]")
# "西大寺の大和屋酒店の裏": a place, の, a named shop, and where beside it (a partial address)
# (a town may end in kana and a suffix, めじろ台; a shop may start with its kind, クリーニングはやし), and the
# house there when it is said (…の裏手の平屋)
SHOP_KIND_FIRST = r"(?:クリーニング|八百屋|魚屋|肉屋|酒屋|米屋|花屋|パン屋|床屋|美容室|理容室)"
PLACE_LANDMARK = re.compile(
    r"(?P<place>[一-龥々ヶ]{2,12}(?:[ぁ-ゖ]{2,4}[台町丘野谷])?)の(?P<shop>「?[一-龥々ヶァ-ヶーぁ-ゖ]{1,10}(?:店|屋|医院|工場|事務所|倉庫|アパート|荘)」?"
    r"|" + SHOP_KIND_FIRST + r"[ 　]?[一-龥々ヶァ-ヶーぁ-ゖ]{2,8})"
    r"の(?:裏手?|隣|向かい|斜め向かい|横|前|裏口|駐車場)(?:の(?:家|平屋|一軒家|住宅|民家|アパート|離れ))?")
POSTAL_CODE = re.compile(r"〒[ 　]?[0-9]{3}-?[0-9]{4}(?![0-9])")
LABELLED_POSTAL_CODE = re.compile(r"郵便番号[はがの：:\s]{0,2}(?P<code>[0-9]{3}-[0-9]{4})(?![0-9])")
ADDRESS_CONTEXT_BEFORE = re.compile(r"(?:住所|住居|居所|在住|居住|自宅|現住所|本籍|所在地|宛先|住所地|住まい|実家)[はがをの：:\s（(、]{0,3}$")
# after a bare "N丁目": the place is where someone lives, not where something happened
# after a bare "N丁目": where something happened, not where someone lives ("現場は…3丁目の市道")
SCENE_AFTER = re.compile(r"(?:の(?:市道|県道|国道|町道|路上|道路|交差点|駐車場|公園|路地|歩道|河川敷|空き地|店舗|コンビニ|商業施設)"
                         r"|付近|周辺|一帯|路上|地内|内の|交差点|バス停|停留所)")
SCENE_BEFORE = re.compile(r"(?:現場|発生場所|場所|事故地点)[はがの：:\s]{0,2}$")
# A number right after the place that is not an address: dates, counts, route numbers.
NOT_ADDRESS_AFTER = re.compile(r"(?:年|月|日|時|分|歳|才|人|名|件|回|台|円|号線|線|条|項|号[^室]|km|キロ)")

# ---------------------------------------------------------------- persons
HONORIFICS = ("さん", "様", "さま", "氏", "君", "くん", "ちゃん", "殿", "容疑者", "被疑者", "被告人", "被告",
              "被害者", "受刑者", "参考人")
RANKS = ("巡査", "巡査長", "巡査部長", "警部補", "警部", "警視", "警視正", "警視長", "警視監", "警視総監",
         "署長", "副署長", "次長", "課長", "課長補佐", "係長", "主任", "部長", "隊長", "班長", "所長",
         "刑事", "弁護士", "医師", "先生", "教諭", "社長", "店長", "会長", "議員", "検事", "判事",
         "事務官", "技官", "補導員", "相談員", "院長", "園長", "校長", "教頭", "塾長", "理事長", "施設長", "工場長")
PERSON_CONTEXT_AFTER = re.compile(
    r"[ 　]?(?:" + "|".join(sorted(HONORIFICS + RANKS, key=len, reverse=True)) + r"|[（(][0-9０-９一二三四五六七八九十]{1,3}[歳才]"
    r"|と(?:名乗|名の|称し|称する|判明|答え|申告))"
)
# A name-like token followed by one of these is a place or an organisation, not a person.
PLACE_AFTER = re.compile(
    r"^(?:[ヶケ](?:丘|岡|谷|崎|原|浜|島|関|森|峰|台)|警察署|警察|署(?!長)|交番|駐在所|分署|市|町|村|区|郡|県|府|駅|線|川|橋|港|通り|沿い|公園|インター|方面|地区|地内"
    r"|銀行|信用金庫|支店|病院|医院|クリニック|歯科|大学|高校|高等学校|中学校|小学校|学校|幼稚園|保育園|宮(?=[のでにへはがを、。])"
    r"|株式会社|有限会社|会社|工務店|商店|商事|建設|産業|運輸|事務所|ビル|マンション|ハイツ|荘|団地|神社|寺)"
)
# what follows a name someone gives himself: 桜井と名乗る, 福島と称して
CALLS_HIMSELF = re.compile(r"[ 　]?(?:と|とだけ)(?:名乗|名の|称し|称する|偽)")
# Words that are never a name even if a dictionary tags them as one, and placeholders for "unknown".
NOT_A_NAME = frozenset("数人 数名 多数 少数 不詳 不明 黙秘 未確認 不知 非公開 本人 同人 某 氏名 名前 匿名 なし 無し 同上 名無し ナナシ 未定 未設定 カタカナ ひらがな 漢字 ローマ字 英字 片仮名 平仮名".split())
# a name in quotes after a word that says what someone goes by. A word that names the name itself
# (ハンドルネーム「黒猫ジロー」, 源氏名「…」, 旧姓「…」) takes any quoted words; 自称 is also said of a job
# (自称「警察官」), and 「…」の名前で of a scheme or product, so those need words that read as a name
# (and the second a person's doing after it: 「ももち」の名前で活動). Not 通称 or 愛称: bodies and
# products carry them too (愛称は「日本郵便」).
_QUOTE_OPEN, _QUOTE_CLOSE = "[「『][ 　]?", "[ 　]?[」』]"
NAME_LABELLED_QUOTED = re.compile(
    r"(?:ハンドルネーム|ハンドル名|ユーザー名|アカウント名|源氏名|芸名|偽名|旧姓|あだ名|呼び名)(?:は|が|を|の|：|:)?[ 　]?"
    + _QUOTE_OPEN + r"(?P<name>[^「」『』、。\s0-9]{1,12})" + _QUOTE_CLOSE)
SELF_STYLED_QUOTED = re.compile(
    r"自称(?:は|が|を|の|：|:)?[ 　]?" + _QUOTE_OPEN + r"(?P<name>[^「」『』、。\s0-9]{1,12})" + _QUOTE_CLOSE
    + r"|" + _QUOTE_OPEN + r"(?P<name2>[^「」『』、。\s0-9]{1,12})" + _QUOTE_CLOSE
    + r"(?:という|の)?(?:名前|名義|ハンドルネーム|あだ名)(?:で|にて)(?=[^。]{0,12}?(?:活動|配信|投稿|出演|働|勤務|名乗|呼ば|登録|出品))")
QUOTED_NAME = re.compile(r"(?:「(?P<name>[^「」、。，,\s0-9]{1,12}(?:[ 　][^「」、。，,\s0-9]{1,8})?)」(?:と|とだけ|とのみ)(?:名乗|称|呼|署名|自称)"
                         r"|「(?P<kana>[ぁ-ゖァ-ヶー]{1,8}(?:[ 　][ぁ-ゖァ-ヶー]{1,8})?)」(?:と|とだけ|とのみ)(?:答え|言|話|書)"
                         # what a name tag, door plate or label reads: 名札には「たかはし はると」
                         r"|(?:名札|表札|宛名|名刺|記名|署名)[^「」。、]{0,6}「(?P<label>[^「」、。，,\s0-9]{1,12}(?:[ 　][^「」、。，,\s0-9]{1,8})?)」"
                         # a quoted name with an honorific after the quotes: 「ゆいな」ちゃん
                         r"|[「『](?P<hon>[ぁ-ゖァ-ヶー]{2,8})[」』](?=ちゃん|くん|君|さん|様))")
# a reading after a name: 王 建国（おう けんこく、…）, KIM MINJUN（キム・ミンジュン）
NAME_READING = re.compile(r"[ 　]?[（(](?P<reading>[ぁ-ゖー]{1,8}(?:[ 　][ぁ-ゖー]{1,8})?|[ァ-ヶー]{1,10}(?:[・＝ 　][ァ-ヶー]{1,10}){0,3})(?=[、,）)])")
# two or more capitalised romaji words: a foreign name as written in a passport (Maria SANTOS)
# an officer named after the rank: 巡査部長の青山から, 警部補 西川から照会
NAME_AFTER_RANK = re.compile(
    r"(?:巡査部長|巡査長|巡査|警部補|警部|警視|署長|課長|係長|主任)(?:の|[ 　])(?P<name>[一-龥々ヶ]{1,3})"
    r"(?=から|より|が|は|です|に|、|と|巡査|警部)")
# an officer named before the rank with no space: 原巡査長, 森巡査 (not 元巡査長, 同巡査, 地域課巡査)
NAME_BEFORE_RANK = re.compile(
    r"(?:^|(?<=[、。（(「 　とはがのも]))(?P<name>[一-龥々ヶ]{1,3})(?=巡査部長|巡査長|巡査|警部補|警部|警視)")
NOT_RANK_PREFIX = frozenset("元 同 前 現 新 各 両 旧 副 故 女性 男性 若手 新任 先輩 後輩 当直 当番 担当 所属 交番 署員 地域 刑事".split())
# a child's name or nickname in hiragana before くん/ちゃん: ゆうとくん, あっくん
KANA_NICKNAME = re.compile(r"(?<![ぁ-ゖ])(?P<name>[ぁ-ゖ]{2,5}(?P<suffix>くん|君|ちゃん))")
KIN_WORDS = frozenset("あか ねえ にい ばあ じい かあ とう みな".split())
ROMAJI_NAME = re.compile(r"(?<![A-Za-z])[A-Z](?:[A-Za-z]+|\.)?(?:(?:[ 　]|[・.] ?)[A-Z][A-Za-z]+){1,3}(?![A-Za-z])")
ROMAJI_WORD = re.compile(r"(?<![A-Za-z])(?:[A-Z][a-z]{2,}|[A-Z]{3,})(?![A-Za-z])")
# letters a Japanese text uses as words, not names
ROMAJI_COMMON = frozenset("""JR ATM SNS DV ETC NPO PDF URL GPS USB LINE SIM IC ID PC QR AED DNA ETC NHK JAF ATM
TEL FAX OK NG PTA JA LED LINE Twitter Facebook Instagram Google Amazon Apple iPhone Android Windows
Police Prefectural National Agency Department Office Station Japan Japanese Bank City University Hospital School
Center Centre Co Ltd Inc Corporation Hotel Airport Government Ministry Court Prefecture
Holdings Group Company Motor Motors Pharmaceutical Foods Music Fashion Industries Electric Trading Store Shop Mart
WELCOME STAFF OPEN CLOSED PRIVATE FAMILY HOME SALE SAMPLE CEO""".split())
# the legal-entity marks in a bank account holder's katakana name (全銀協の略語): カ 株式会社, ユ 有限会社,
# ド 合同会社, ザイ 財団法人, シヤ 社団法人, ガク 学校法人, イ 医療法人, フク 社会福祉法人, トクヒ NPO法人 …;
# written before (カ）ミライ) or after (ミライ（カ) the name, they make the holder a body, not a person
_BANK_ENTITY_MARKS = r"(?:カ|ユ|ド|メ|シ|ザイ|シヤ|シャ|ガク|イ|フク|トクヒ|シユウ|ドク|ベン|ゼイ|ノウ|セイキヨウ|ケンポ)"
BANK_ENTITY_BEFORE = re.compile(_BANK_ENTITY_MARKS + r"[)）]")
BANK_ENTITY_AFTER = re.compile(r"[ 　]?[(（]" + _BANK_ENTITY_MARKS + r"(?![ァ-ヶー])")
NAME_LABEL = re.compile(r"(?:氏名|名前|名義人?|口座名義|通称|偽名|本名|姓|名字|苗字)(?:は|を|が|：|:|　| )?[ 　]?$")

# ---------------------------------------------------------------- organisations (workplace / school)
COMPANY_MARKERS = ("株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人",
                   "公益社団法人", "公益財団法人", "社会福祉法人", "医療法人", "学校法人", "特定非営利活動法人",
                   "NPO法人", "(株)", "（株）", "㈱", "(有)", "（有）", "㈲")
# lines of business that end a small company's name: 山陽精機, 岡南運送, ふれあい交通
BUSINESS_LINES = ("精機", "精工", "運送", "電工", "交通", "青果", "商会", "製菓", "電設")
ORG_SUFFIXES = ("酒店", "工業", "製作所", "興業", "薬局", "美容室", "整骨院", "接骨院", "小学校", "中学校", "高等学校", "高校", "大学", "短期大学", "短大", "専門学校", "高等専門学校",
                "高専", "特別支援学校", "学校", "幼稚園", "保育園", "保育所", "こども園", "学院", "学園",
                "病院", "医院", "クリニック", "診療所", "歯科", "工務店", "商店", "会社", "工場", "営業所",
                "事業所", "事務所", "支社", "本社", "商事", "建設", "産業", "運輸", "物流", "ホテル", "旅館",
                "銀行", "信用金庫", "農協", "組合", "協会", "法人", "センター", "市役所", "役場", "区役所", "店",
                *BUSINESS_LINES)
# a kind of business right before its quoted name: 中華料理店「龍華楼」, 少年野球チーム「倉敷ファイターズ」
BUSINESS_KIND = re.compile(
    r"(?:[一-龥々ァ-ヶー]{0,8}(?:店|屋|チーム|クラブ|教室|サークル|スナック|バー|カフェ|喫茶|食堂|旅館|ホテル|宿|会社|工場|院|塾|園|館|団"
    r"|キャバクラ|ラウンジ|老人ホーム|グループホーム|介護施設|福祉施設|保育施設|養護施設|日本語学校|専門学校|スクール|アカデミー|工房|窯元"
    r"|農園|農場|牧場|養鶏場|ベーカリー))"
    r"「(?P<name>[^「」、。\s]{1,20})」")
# a quoted shop or company name: 「たまの中央クリニック」, 「カフェ・リヨン表町店」. A shop's tie to what the
# quotes hold (販売店, 取扱店, 協力店, 対策協力店, 加盟店) makes that a product or a scheme: 「電動キックボード」販売店.
QUOTED_ORG_KIND_AFTER = re.compile(
    r"「(?P<name>[^「」、。\s]{1,20}(?:[ 　][^「」、。\s]{1,12})?)」(?:という|との|なる)?"
    r"(?![一-龥々ァ-ヶー]{0,4}(?:販売|取扱|取り扱い|取次|専門|加盟|協力|協賛|代理|特約|指定|認定|登録|提携|対象|参加|直営|正規|量販|修理))"
    r"[一-龥々ァ-ヶー]{0,6}"
    r"(?:店|屋|医院|病院|クリニック|歯科|会社|工場|事務所|美容室|理容室|サロン|ホテル|旅館|民宿|食堂|薬局|塾|教室|整体院|接骨院|整骨院|スナック|バー|カフェ)"
    r"(?![一-龥々ァ-ヶー])")
# a quoted name that starts with its kind: 「スナック 夕顔」, 「ホテル・ミラマーレ」
QUOTED_ORG_KIND_FIRST = re.compile(
    r"[「“『](?P<name>(?:八百屋|魚屋|肉屋|酒屋|米屋|花屋|パン屋|クリーニング|スナック|バー|カフェ|喫茶|居酒屋|ホテル|旅館|民宿|美容室|ヘアサロン|サロン|クリニック|レストラン|食堂|ラーメン|焼肉|寿司|鮨"
    r"|(?:ネットショップ|ショップ|ゲストハウス|グループホーム|デイサービス|ペンション)(?=[・ 　][ぁ-ゖァ-ヶーA-Za-z]|[ぁ-ゖ]{2}))"
    r"[ 　・]?[^「」“”『』、。\s]{1,15})[」”』]")
# 院 only in the names of clinics and schools (さくら医院, みのり整体院), not 少年院, 寺院, 議院
# (a clinic named with its town after the kind: 「こころのクリニック津山」)
QUOTED_ORG = re.compile(r"「(?P<name>[^「」、。\s]{1,20}(?:店|屋|医院|整骨院|接骨院|整体院|鍼灸院|治療院|美容院|学院|病院|クリニック|歯科|会社|工業|商店|工務店|ホテル|旅館|食堂|薬局|塾|学園|教室|事務所|建設|産業|商事"
                        r"|保育園|保育所|幼稚園|こども園|苑|内科|外科|眼科|皮膚科|小児科|耳鼻科)"
                        r"|[^「」、。\s]{1,12}(?:クリニック|医院)[ 　]?[一-龥々]{1,6})」")
# who founded a school, part of its name (県立真庭北高校, 私立白鷺学園)
FOUNDER_PREFIX = ("県立", "市立", "町立", "村立", "府立", "都立", "道立", "私立", "国立", "区立")
# a named business identifies its owner or staff even with no one said to work there
BUSINESS_SUFFIXES = ("商店", "酒店", "青果店", "鮮魚店", "精肉店", "工務店", "工業", "製作所", "興業", "電機", "板金",
                     "医院", "クリニック", "歯科", "内科", "整骨院", "接骨院", "薬局", "美容室", "理容室", "食堂",
                     "旅館", "金型", "塗装", "設備", "自動車", "農園", "牧場", "不動産", "塾")
# a department after a company narrows it to a few people: 株式会社エムケイ物流の経理部に勤務, …工業株式会社
# 品質管理課の藤原 (a department someone is in, not a room of the place: 会議室, 社長室, の主要部)
ORG_DEPARTMENT = re.compile(r"[ 　]?の?[一-龥ァ-ヶー]{2,8}(?:部|課|係)(?![一-龥])"
                            r"(?=[ 　]?(?:に|で)?(?:勤務|勤め|働|所属|在籍)|の|長|員)")
ORG_BRANCH = re.compile(r"(?:[ 　]?[一-龥ァ-ヶー]{1,6}(?:支店|支社|営業所|工場|事業所|店|出張所|本店|本社|校|キャンパス))")
# a grade after a school, with the faculty or course in between: 高校2年, 大学医学部3年, 小学校の六年生
GRADE = re.compile(r"[ 　]?(?:[一-龥ァ-ヶー]{1,10}(?:学部|学科|研究科|専攻|科)|[高中初]等部|中学部|小学部)?の?"
                   r"(?:[0-9０-９一二三四五六]\s?年[0-9０-９一二三四五六七八九十A-Za-zＡ-Ｚａ-ｚ]+組|[0-9０-９一二三四五六]\s?年生"
                   r"|年[長中少](?:組|クラス|さん)?|[0-9０-９一二三四五六]\s?歳児(?:クラス|組)?"
                   r"|[0-9０-９一二三四五六]\s?年(?![間前後度以目])|[0-9０-９一二三四五六]\s?回生)")
# a school's short name with the grade: 東中2年3組, 倉敷北高2年, 総社みどり小4年2組, 備前学院大3年 (not 最高3年の懲役)
SCHOOL_SHORT = re.compile(
    r"(?P<name>[一-龥々ァ-ヶーぁ-ゖ]{1,8}(?:中|高|小|大))"
    r"(?P<grade>[0-9０-９一二三四五六]\s?年(?:[0-9０-９一二三四五六七八九十A-Za-zＡ-Ｚ]+組|生)?)(?![0-9０-９]|以|未|の(?:懲役|禁錮|拘禁)|間|前|後|度|目)")
NOT_SCHOOL_SHORT = frozenset("最高 最大 最小 最長 中 高 小 大 年中 年長 年少 拡大 縮小 増大 重大 在学中 勤務中 服役中 入院中 期間中 公判中 捜査中 中高 小中 高大".split())
# a nursery's class named in kana: ひまわり保育園きりん組 (after a nursery only: 山陽建設では組立, 南高校では組分け)
NURSERY_CLASS = re.compile(r"[ぁ-ゖァ-ヶー]{2,5}(?:組|ぐみ)")
NURSERIES = ("保育園", "保育所", "幼稚園", "こども園")
ORG_TIE_AFTER = re.compile(
    r"[ 　]?(?:に|で|の|へ)?(?:勤務|勤め|働|在学|在籍|通学|通う|通っ|通園|所属|入学|卒業見込|社員|従業員|職員|教諭|教員|制服|"
    r"生徒|学生|児童|園児|看護師|医師|店員|事務員|アルバイト|パート|派遣|役員|代表|経営|運転手|講師|院長|社長|店長|"
    r"[0-9０-９一二三四五六]年|の[0-9０-９一二三四五六]年)"
)
# someone's role at a small company named by its line of business: 山陽精機の工場長, 岡南運送のドライバー
BUSINESS_ROLE_AFTER = re.compile(r"の?(?:ドライバー|運転手|職人|作業員|スタッフ|社員|従業員|工場長|課長|部長|係長|所長|支店長|主任|社長|専務|取締役|配達員)")
ORG_TIE_WORD = re.compile(r"(?:勤務先|勤め先|在学先|通学先|学校名|会社名|職場|就業先|雇用主|就職先|派遣先|派遣元|バイト先|アルバイト先|(?<![創同])業者"
                          r"|宿泊先|滞在先|入居先|入院先|通院先)(?:は|が|：|:)[ 　]?")
ORG_TIE_BEFORE = re.compile(r"(?:勤務先|勤め先|勤務地|在学先|通学先|学校名|会社名|所属|職場|就業先|雇用主|就職先|派遣先|バイト先|アルバイト先"
                            r"|店名|屋号|社名|店舗名|工房名|事業所名|商号|施設名|(?<![創同])業者名?|派遣元)(?:である)?[はがをの：:\s（(、]{0,3}$")
# Generic words that may stand before an organisation suffix but never make it a name.
ORG_GENERIC = frozenset("""
コンビニ スーパー 飲食 会社 近く 近所 地元 市内 県内 管内 市立 県立 私立 国立 公立 同じ 別の 大手 中小 某 同 当該
通信制 定時制 全日制 普通科 工業科 商業科 近隣 地域 付近 周辺 各
勤務先 在学 相手 被害 加害 本人 家族 警察 交番 大型 個人 民間 運送 建設 不動産 自動車 系列 系 関連 取引先 経由
""".split())
POLICE_UNIT = re.compile(r"警察|交番|駐在所|県警|署$|課$|係$|隊$|本部$")
