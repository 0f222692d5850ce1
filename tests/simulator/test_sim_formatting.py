"""The parse-mode checkers agree with tdlib (the Bot API server's parser) on errors and output."""

from __future__ import annotations

import pytest

from bot.simulator import TelegramError
from bot.simulator.html_check import parse_html, utf16_len
from bot.simulator.markdown_check import parse_markdown, parse_markdown_v2
from bot.simulator.text_format import auto_entities, check_message_text, format_text

# (input, error after "can't parse entities: "), cases from tdlib's message_entities test.
HTML_ERRORS = [
    ("🏟 🏟&lt;<abacaba", "Unclosed start tag at byte offset 13"),
    ("🏟 🏟&lt;<abac aba>", 'Unsupported start tag "abac" at byte offset 13'),
    ("🏟 🏟&lt;<i   =aba>", 'Empty attribute name in the tag "i" at byte offset 13'),
    (
        "🏟 🏟&lt;<i    aba>",
        'Expected equal sign in declaration of an attribute of the tag "i" at byte offset 13',
    ),
    ("🏟 🏟&lt;<i    aba  =  ", 'Unclosed start tag "i" at byte offset 13'),
    ("🏟 🏟&lt;<i    aba  =  190azAz-.,", "Unexpected end of name token at byte offset 27"),
    ("🏟 🏟&lt;</", "Unexpected end tag at byte offset 13"),
    ("🏟 🏟&lt;<i>a</i   ", "Unclosed end tag at byte offset 17"),
    (
        "🏟 🏟&lt;<i>a</em   >",
        'Unmatched end tag at byte offset 17, expected "</i>", found "</em>"',
    ),
    ("1 < 2", 'Unsupported start tag "" at byte offset 2'),
    ("<script>x</script>", 'Unsupported start tag "script" at byte offset 0'),
    ("<b>never closed", 'Can\'t find end tag corresponding to start tag "b"'),
    ("<b><i>x</b></i>", 'Unmatched end tag at byte offset 7, expected "</i>", found "</b>"'),
    ('<span class="x">y</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'),
]


@pytest.mark.parametrize(("text", "error"), HTML_ERRORS)
def test_html_errors_match_telegram(text: str, error: str) -> None:
    with pytest.raises(TelegramError) as caught:
        parse_html(text, strict=False)
    assert caught.value.code == 400
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"


@pytest.mark.parametrize(
    ("text", "plain", "entities"),
    [
        ("&lt;&gt;&amp;&quot;&laquo;&#12345678;", '<>&"&laquo;&#12345678;', []),
        ("➡️ ➡️<i>➡️ ➡️</i>", "➡️ ➡️➡️ ➡️", [{"type": "italic", "offset": 5, "length": 5}]),
        (
            "🏟 🏟<i>🏟 &gt;<b aba   =   caba>&lt🏟</b></i>",
            "🏟 🏟🏟 ><🏟",
            [
                {"type": "italic", "offset": 5, "length": 7},
                {"type": "bold", "offset": 9, "length": 3},
            ],
        ),
        (
            '<pre><code class="language-python">x = 1</code></pre>',
            "x = 1",
            [{"type": "pre", "offset": 0, "length": 5, "language": "python"}],
        ),
        (
            '<a href="https://t.me/x?a=1&amp;b=2">link</a>',
            "link",
            [{"type": "text_link", "offset": 0, "length": 4, "url": "https://t.me/x?a=1&b=2"}],
        ),
        ("<tg-spoiler>s</tg-spoiler>", "s", [{"type": "spoiler", "offset": 0, "length": 1}]),
        (
            "<blockquote expandable>q</blockquote>",
            "q",
            [{"type": "expandable_blockquote", "offset": 0, "length": 1}],
        ),
    ],
)
def test_html_output_matches_telegram(text: str, plain: str, entities: list[dict]) -> None:
    assert parse_html(text, strict=False) == (plain, entities)


def test_strict_mode_rejects_unescaped_ampersand_and_gt_that_telegram_tolerates() -> None:
    assert parse_html("AT&T > 3", strict=False) == ("AT&T > 3", [])
    for text in ("AT&T", "3 > 2"):
        with pytest.raises(TelegramError, match="can't parse entities: Unescaped"):
            parse_html(text, strict=True)
    assert parse_html("AT&amp;T &gt; 3 &#60;", strict=True) == ("AT&T > 3 <", [])


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("Harga 1.500", "Character '.' is reserved and must be escaped with the preceding '\\'"),
        ("🏟 🏟_abacaba", "Can't find end of Italic entity at byte offset 9"),
        ("🏟 🏟```a ", "Can't find end of PreCode entity at byte offset 9"),
        ("[telegram\\.org](asd", "Can't find end of a URL at byte offset 16"),
    ],
)
def test_markdown_v2_errors_match_telegram(text: str, error: str) -> None:
    with pytest.raises(TelegramError) as caught:
        parse_markdown_v2(text)
    assert caught.value.description == f"Bad Request: can't parse entities: {error}"


def test_markdown_v2_and_legacy_output() -> None:
    plain, entities = parse_markdown_v2("*tebal* _miring_ \\. [t](https://t.me/)")
    assert plain == "tebal miring . t"
    assert [e["type"] for e in entities] == ["bold", "italic", "text_link"]
    assert parse_markdown("*b* _i_")[0] == "b i"
    with pytest.raises(
        TelegramError, match="Can't find end of the entity starting at byte offset 0"
    ):
        parse_markdown("*open")


def test_length_counts_utf16_after_parsing_and_trimming() -> None:
    assert utf16_len("😀") == 2
    plain, _ = format_text("  <b>" + "a" * 4096 + "</b>\n", "HTML", None, strict=True)
    check_message_text(plain)  # tags and surrounding whitespace do not count
    with pytest.raises(TelegramError, match=r"^Bad Request: message is too long$"):
        check_message_text("😀" * 2049)  # 2049 characters, 4098 UTF-16 units
    plain, _ = format_text(" <b> </b> ", "HTML", None, strict=True)
    with pytest.raises(TelegramError, match=r"^Bad Request: message text is empty$"):
        check_message_text(plain)


def test_unknown_parse_mode() -> None:
    with pytest.raises(TelegramError, match="unsupported parse_mode"):
        format_text("x", "markdownv3", None, strict=True)


def test_auto_entities_find_commands_with_bot_suffix() -> None:
    assert auto_entities("/start@paket_bot abc #tag @siti") == [
        {"type": "bot_command", "offset": 0, "length": 16},
        {"type": "hashtag", "offset": 21, "length": 4},
        {"type": "mention", "offset": 26, "length": 5},
    ]
    assert auto_entities("a/b not/a/command") == []
