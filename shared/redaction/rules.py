"""The text rules: token families first (their kind is the most precise), then headers, command lines, pairs.

Each rule is an editor (a match → spans to replace with markers, so the text keeps its case), a pattern
whose every run is bounded, the trigger words one of which must occur for it to run, and how far before
its trigger a match may start. The engine that runs them is `text.py`.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Final, NamedTuple

from shared.redaction.names import SECRET_WORD, is_placeholder, marker, secret_kind

Edit = tuple[int, int, str]
Editor = Callable[[re.Match[str], str], list[Edit]]  # (match, the original text the match indexes) → edits


class _Pattern:
    """A rule's regex, compiled on first use: the router's cold start compiles none it does not need."""

    __slots__ = ("_exact", "_lower", "_source", "_flags")

    def __init__(self, source: str, flags: int = 0) -> None:
        self._source, self._flags = source, flags
        self._exact: re.Pattern[str] | None = None
        self._lower: re.Pattern[str] | None = None

    @property
    def folded(self) -> bool:
        return self._source.startswith("(?i")

    @property
    def exact(self) -> re.Pattern[str]:
        """The pattern for the text as it is."""
        if self._exact is None:
            self._exact = re.compile(self._source, self._flags)
        return self._exact

    @property
    def lower(self) -> re.Pattern[str]:
        """The same without (?i), for the lowercase copy (several times faster in Python's engine)."""
        if self._lower is None:
            rest = self._source[3:] if self.folded else ")" + self._source
            self._lower = re.compile(rest[1:] if rest.startswith(")") else "(?" + rest, self._flags)
        return self._lower


def _re(pattern: str, flags: int = 0) -> _Pattern:
    return _Pattern(pattern, flags)


class Rule(NamedTuple):
    edit: Editor
    pattern: _Pattern
    triggers: tuple[str, ...]  # lowercase words, one of which every match contains (or needs nearby)
    back: int | None  # how far before its trigger a match may start; None: scan the whole text


def _whole(kind: str) -> Editor:
    return lambda m, text: [(m.start(), m.end(), marker(kind))]


def _group(kind: str, group: int | str = 1) -> Editor:
    """Replace one group (the secret); the name, scheme or flag around it stays."""

    def edit(m: re.Match[str], text: str) -> list[Edit]:
        if m.start(group) < 0:
            return []
        value = text[m.start(group):m.end(group)]
        return [] if is_placeholder(value) else [(m.start(group), m.end(group), marker(kind))]

    return edit


def _pem_base64(m: re.Match[str], text: str) -> list[Edit]:
    head = m.group(0)[:80]
    try:
        decoded = base64.b64decode(head[: len(head) // 4 * 4], validate=False)
    except (binascii.Error, ValueError):
        return []
    return [(m.start(), m.end(), marker("private_key"))] if b"PRIVATE KEY" in decoded else []


def _header(m: re.Match[str], text: str) -> list[Edit]:
    scheme = (m.group("scheme") or "").strip().lower()
    return _group({"bearer": "bearer_token", "basic": "basic_auth"}.get(scheme, "auth_header"), "value")(m, text)


_COOKIE_VALUE: Final = re.compile(r"=([^;\s]+)")


def _cookie(m: re.Match[str], text: str) -> list[Edit]:
    """Every cookie's value; of a Set-Cookie only the first pair is a cookie, the rest are attributes."""
    base = m.start(2)
    found = list(_COOKIE_VALUE.finditer(text, base, m.end(2)))
    if m.group(1).startswith("set-") or m.group(1).startswith("Set-"):
        found = found[:1]
    return [(v.start(1), v.end(1), marker("cookie")) for v in found if not is_placeholder(v.group(1))]


# A value after a secret name: quoted (anything but the quote), a ${VAR}/$(VAR) reference, or bare up to a
# delimiter; `&` ends a bare value only where the next query parameter starts, so `Tr0ub4dor&3` stays whole.
_VALUE: Final = (r"""(?:"(?P<dq>[^"\\\r\n]{1,1024})"|'(?P<sq>[^'\\\r\n]{1,1024})'|\\"(?P<eq>[^"\\\r\n]{1,1024})\\"|"""
                 r"""(?P<bare>\$\{[^}\r\n]{0,256}\}|\$\([^)\r\n]{0,256}\)|(?:[^\s"',;&<>{}\[\]()\\]|&(?![\w.-]{1,40}=)){1,1024}))""")
_PAIR: Final = _re(rf"""(?i)(?<!checksum/)(?P<word>{SECRET_WORD})(?P<sep>\\?["']?[ \t]*(?:=>|:=|[:=])[ \t]*)(?!=){_VALUE}""")
_PROSE_WORD: Final = re.compile(r"[a-z]{1,11}")  # `token: expired` mid-sentence is prose, not a value


def _pair(m: re.Match[str], text: str) -> list[Edit]:
    group = next(g for g in ("dq", "sq", "eq", "bare") if m.start(g) >= 0)
    value = text[m.start(group):m.end(group)]
    if is_placeholder(value):
        return []
    if group == "bare" and ":" in m.group("sep") and _PROSE_WORD.fullmatch(value) and not _starts_line(text, m):
        return []  # `key: word` inside a sentence is prose; at the start of a line it is YAML
    kind = secret_kind(_key_before(text, m.start()) + m.group("word")) or "secret"
    return [(m.start(group), m.end(group), marker(kind))]


def _key_before(text: str, i: int) -> str:
    start = i
    while start > 0 and i - start < 80 and (text[start - 1].isalnum() or text[start - 1] in "_.-/"):
        start -= 1
    return text[start:i]


def _starts_line(text: str, m: re.Match[str]) -> bool:
    j = m.start() - len(_key_before(text, m.start()))
    while j > 0 and text[j - 1] in " \t-\"'":
        j -= 1
    return j == 0 or text[j - 1] in "\r\n"


_FLAG: Final = _re(r"""(?<![\w-])(?P<flag>-{1,2}[\w.-]{1,64})(?:=|[ \t]+)(?!-)"""
                   r"""(?:"(?P<dq>[^"\r\n]{1,512})"|'(?P<sq>[^'\r\n]{1,512})'|(?P<bare>[^\s"']{1,512}))""")
_SECRET_FLAG: Final = re.compile(r"(?i)(password|passwd|pwd|pass|secret|token|apikey|api[-_]key|access[-_]key|"
                                 r"private[-_]key|credentials?|[-.]key)$")


def _flag(m: re.Match[str], text: str) -> list[Edit]:
    if not _SECRET_FLAG.search(m.group("flag")):
        return []
    return _group("cli_secret", next(g for g in ("dq", "sq", "bare") if m.start(g) >= 0))(m, text)


def _env_entry(m: re.Match[str], text: str) -> list[Edit]:
    """An env entry in text (`{"name": "DB_PASSWORD", "value": "…"}`, or its YAML): the name says it is a secret."""
    kind = secret_kind(m.group(1))
    return _group(kind, 2)(m, text) if kind else []


# (editor, pattern, trigger words, back)
RULES: Final[tuple[Rule, ...]] = tuple(Rule(*r) for r in (
    (_whole("private_key"), _re(
        r"-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----.*?(?:-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|\Z)",
        re.S), ("private key",), None),
    (_pem_base64, _re(r"LS0tLS1CRUdJTi[A-Za-z0-9+/]{20,}={0,2}"), ("ls0tls1crudjti",), None),
    (_whole("jwt"), _re(r"\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}"), ("eyj",), 0),
    (_whole("docker_auth"), _re(r"\b(?:eyJhdXRocyI6|ewogICJhdXRocyI6|eyAiYXV0aHMiOi|ewoJImF1dGhzIjo)"
                                       r"[A-Za-z0-9+/]{8,}={0,2}"), ("eyjhdxrocyi6", "ewogicjhdxrocyi6", "eyaiyxv0ahmioi",
                                                                   "ewojimf1dghzijo"), 0),
    (_whole("aws_access_key"), _re(r"\b(?:AKIA|ASIA|AGPA|AIDA|AROA|AIPA|ANPA|ANVA|ABIA|ACCA)[A-Z0-9]{16}\b"),
     ("akia", "asia", "agpa", "aida", "aroa", "aipa", "anpa", "anva", "abia", "acca"), 0),
    (_whole("github_token"), _re(r"\bgh[pousr]_[A-Za-z0-9]{36,255}|\bgithub_pat_[A-Za-z0-9_]{22,255}"),
     ("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"), 0),
    (_whole("gitlab_token"), _re(r"\bgl(?:pat|dt|rt|ptt|cbt|oas|soat|ft|imt|agent|ffct)-[A-Za-z0-9_-]{20,255}"),
     ("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "gloas-", "glsoat-", "glft-", "glimt-", "glagent-", "glffct-"), 0),
    (_whole("slack_token"), _re(r"\bxox[abposre]-[A-Za-z0-9-]{10,255}|\bxapp-\d-[A-Za-z0-9-]{10,255}"),
     ("xox", "xapp-"), 0),
    (_group("slack_webhook", 1),
     _re(r"hooks\.slack\.com/(?:services|workflows|triggers)/([A-Za-z0-9/_-]{8,255})"), ("hooks.slack.com",), 0),
    (_whole("stripe_key"), _re(r"\b(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{10,255}|\bwhsec_[A-Za-z0-9+/=]{20,255}"),
     ("_live_", "_test_", "whsec_"), 3),
    (_whole("google_api_key"), _re(r"\bAIza[0-9A-Za-z_-]{35}"), ("aiza",), 0),
    (_whole("anthropic_key"), _re(r"\bsk-ant-[A-Za-z0-9_-]{10,255}"), ("sk-ant-",), 0),
    (_whole("openai_key"), _re(r"\bsk-(?:proj-|svcacct-|admin-)?(?=[A-Za-z0-9_-]{0,255}[A-Z])"
                                      r"(?=[A-Za-z0-9_-]{0,255}[0-9])[A-Za-z0-9_-]{20,255}"), ("sk-",), 0),
    (_whole("huggingface_token"), _re(r"\bhf_[A-Za-z]{30,64}\b"), ("hf_",), 0),
    (_whole("npm_token"), _re(r"\bnpm_[A-Za-z0-9]{36}\b"), ("npm_",), 0),
    (_whole("pypi_token"), _re(r"\bpypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{20,255}"), ("pypi-",), 0),
    (_whole("sendgrid_key"), _re(r"\bSG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}"), ("sg.",), 0),
    (_whole("vault_token"), _re(r"\bhv[sbr]\.[A-Za-z0-9_-]{20,255}"), ("hvs.", "hvb.", "hvr."), 0),
    (_whole("kubeadm_token"), _re(r"\b[a-z0-9]{6}\.(?=[a-z0-9]{0,15}[0-9])(?=[a-z0-9]{0,15}[a-z])[a-z0-9]{16}\b"),
     ("token", "kubeadm", "bootstrap", "join"), None),
    (_group("url_password", 1), _re(r"(?i)\b[a-z][a-z0-9+.-]{1,20}://[^\s:/@\"'<>\[\]]{0,128}:([^\s/@\"'<>]{1,256})@"),
     ("://",), 22),
    (_header, _re(r"""(?i)(?<![\w-])(?:proxy-)?authorization\\?["']?[ \t]*[:=][ \t]*\\?["']?"""
                         r"""(?P<scheme>(?:bearer|basic|token|apikey|api-key|digest|negotiate|ntlm|sso-key|key)[ \t]+)?"""
                         r"""(?P<value>[^\s"',;\\]{3,4096})"""), ("authorization",), 6),
    (_group("auth_header", 1), _re(r"""(?i)(?<![\w-])(?:x-api-key|api-key|x-auth-token|x-access-token|"""
                                          r"""x-vault-token|private-token|x-gitlab-token|x-goog-api-key)\\?["']?"""
                                          r"""[ \t]*:[ \t]*\\?["']?([^\s"',;\\]{3,4096})"""), ("key", "token"), 20),
    (_cookie, _re(r"(?im)(?<![\w-])((?:set-)?cookie)[ \t]*:[ \t]*([^\r\n]{1,8192})"), ("cookie",), 4),
    (_group("cli_secret", 1), _re(r"(?<![\w-])(?:-u|--user)[ \t]+[^\s:'\"]{1,128}:([^\s'\"]{1,512})"),
     ("-u", "--user"), 0),
    (_group("cli_secret", 1), _re(r"\bmysql\w{0,10}\b[^\r\n]{0,300}?[ \t]-p(?![ \t-])([^\s'\"]{1,512})"),
     ("mysql",), 0),
    (_group("cli_secret", 1), _re(r"\bredis-cli\b[^\r\n]{0,300}?[ \t]-a[ \t]+([^\s'\"]{1,512})"),
     ("redis-cli",), 0),
    (_group("cli_secret", 1), _re(r"\b(?:docker|podman|nerdctl|buildah|skopeo|helm|twine)\b[^\r\n]{0,300}?"
                                         r"[ \t]-p[ \t]+(?!-)([^\s'\"]{1,512})"),
     ("docker", "podman", "nerdctl", "buildah", "skopeo", "helm", "twine"), 0),
    (_group("aws_secret_key", 1), _re(r"(?i)\baws_secret_access_key\b[\"']?[ \t]*[:= \t][ \t]*[\"']?"
                                             r"([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])"), ("aws_secret_access_key",), 0),
    (_env_entry, _re(r'(?i)"name"[ \t]*:[ \t]*"([\w.-]{1,128})"[ \t]*,[ \t]*"value"[ \t]*:[ \t]*"([^"\\\r\n]{1,4096})"'),
     ('"name"',), 0),
    (_env_entry, _re(r"(?im)\bname:[ \t]*[\"']?([\w.-]{1,128})[\"']?[ \t]*\r?\n[ \t]*value:[ \t]*[\"']?([^\"'\r\n]{1,4096})"),
     ("name:",), 0),
    (_flag, _FLAG, ("pass", "pwd", "secret", "token", "key", "cred"), 70),
    (_group("password", 2), _re(r"(?i)<(password|passwd|secret|token|api[_-]?key)>([^<\r\n]{1,1024})</\1>"),
     ("<pass", "<secret", "<token", "<api"), 1),
    (_pair, _PAIR, ("pass", "pwd", "secret", "token", "key", "cred", "auth", "sig", "docker", "tls."), 20),
    (_group("bearer_token", 1), _re(r"(?i)\bbearer[ \t]+([A-Za-z0-9._~+/-]{12,4096}=*)"), ("bearer",), 0),
))
