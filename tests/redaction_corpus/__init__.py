"""The redaction corpus: secret lines that must lose their secret, and look-alikes that must not change.

Written by hand for issue 14, one family at a time, in the places secrets really show up: log lines, env
(`KEY=value` and JSON env entries), command lines and args, YAML, JSON, URLs and HTTP headers. Every
secret value is fake but has the real shape (prefix, length, alphabet); the random parts come from a
seeded generator so the corpus is the same on every run.

`SECRET_LINES`: (kind, where, line, secrets) — after redaction none of `secrets` may remain and a
`[REDACTED:…]` marker must be there; `kind`, when set, is the marker's kind. `LOOKALIKES`: (what, line)
— redaction must return the line unchanged. `SECRET_OBJECTS` / `LOOKALIKE_OBJECTS`: the same for
Kubernetes objects (structural redaction), with the facts a diagnosis needs that must survive.
"""

from __future__ import annotations

import base64
import json
import random
import string
from typing import Any, Final, NamedTuple

_rng = random.Random(14)
ALNUM: Final = string.ascii_letters + string.digits
LOWER_DIGITS: Final = string.ascii_lowercase + string.digits
HEX: Final = "0123456789abcdef"
B64: Final = ALNUM + "+/"
URLSAFE: Final = ALNUM + "_-"


def tok(n: int, alphabet: str = ALNUM) -> str:
    return "".join(_rng.choice(alphabet) for _ in range(n))


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Case(NamedTuple):
    kind: str | None  # the marker's kind, when the corpus insists on one
    where: str  # log, env, args, yaml, json, url, header, config
    line: str
    secrets: tuple[str, ...]


SECRET_LINES: list[Case] = []


def _add(kind: str | None, where: str, line: str, *secrets: str) -> None:
    assert secrets and all(s in line for s in secrets), line
    SECRET_LINES.append(Case(kind, where, line, secrets))


# --- AWS ----------------------------------------------------------------------------------------
AKIA = "AKIA" + tok(16, string.ascii_uppercase + string.digits)
ASIA = "ASIA" + tok(16, string.ascii_uppercase + string.digits)
AWS_SECRET = tok(40, B64)
AWS_SECRET2 = tok(40, B64)
_add("aws_access_key", "log", f"2024-05-01T10:00:01Z INFO loaded credentials {AKIA} from environment", AKIA)
_add("aws_access_key", "env", f"AWS_ACCESS_KEY_ID={AKIA}", AKIA)
_add("aws_access_key", "yaml", f"  aws_access_key_id: {ASIA}", ASIA)
_add("aws_access_key", "json", f'{{"AccessKeyId": "{ASIA}", "Expiration": "2024-05-01T11:00:00Z"}}', ASIA)
_add(None, "config", f"aws_access_key_id = {AKIA}\naws_secret_access_key = {AWS_SECRET}", AKIA, AWS_SECRET)
_add(None, "env", f"AWS_SECRET_ACCESS_KEY={AWS_SECRET}", AWS_SECRET)
_add(None, "env", f'export AWS_SECRET_ACCESS_KEY="{AWS_SECRET2}"', AWS_SECRET2)
_add(None, "json", f'{{"AccessKeyId":"{ASIA}","SecretAccessKey":"{AWS_SECRET2}","SessionToken":"{tok(60, B64)}"}}',
     ASIA, AWS_SECRET2)
_add(None, "yaml", f"secretAccessKey: {AWS_SECRET}", AWS_SECRET)
_add(None, "log", f"DEBUG botocore.credentials: found secret_key={AWS_SECRET2} in shared file", AWS_SECRET2)
_add(None, "args", f"aws configure set aws_secret_access_key {AWS_SECRET}", AWS_SECRET)

# --- GitHub -------------------------------------------------------------------------------------
GHP, GHO, GHS, GHU, GHR = (p + tok(36) for p in ("ghp_", "gho_", "ghs_", "ghu_", "ghr_"))
GH_PAT = "github_pat_" + tok(22) + "_" + tok(59)
_add("github_token", "env", f"GITHUB_TOKEN={GHP}", GHP)
_add("github_token", "header", f"Authorization: token {GHP}", GHP)
_add(None, "url", f"git clone https://x-access-token:{GHS}@github.com/acme/payments.git", GHS)
_add("github_token", "url", f"fatal: unable to access 'https://{GHO}@github.com/acme/api.git/': 403", GHO)
_add("github_token", "json", f'{{"token": "{GHU}", "expires_at": "2024-05-01T11:00:00Z"}}', GHU)
_add("github_token", "log", f"level=info msg=\"refreshed installation token\" value={GHR}", GHR)
_add("github_token", "log", f"using fine-grained token {GH_PAT} for org acme", GH_PAT)
_add("github_token", "yaml", f"    github_pat: {GH_PAT}", GH_PAT)
_add("github_token", "args", f'gh auth login --with-token <<< "{GHP}"', GHP)

# --- GitLab -------------------------------------------------------------------------------------
GLPAT = "glpat-" + tok(20, URLSAFE)
GLPAT2 = "glpat-" + tok(20, URLSAFE)
GLRT = "glrt-" + tok(20, URLSAFE)
_add("gitlab_token", "header", f"PRIVATE-TOKEN: {GLPAT}", GLPAT)
_add(None, "url", f"git push https://oauth2:{GLPAT2}@gitlab.com/acme/infra.git main", GLPAT2)
_add("gitlab_token", "env", f"GITLAB_TOKEN={GLPAT}", GLPAT)
_add("gitlab_token", "log", f"Registering runner... succeeded runner={GLRT[:13]} token={GLRT}", GLRT)
_add("gitlab_token", "json", f'{{"name":"deploy","token":"{GLPAT2}","scopes":["read_registry"]}}', GLPAT2)
_add("gitlab_token", "log", f"curl --header 'PRIVATE-TOKEN: {GLPAT2}' https://gitlab.com/api/v4/projects", GLPAT2)

# --- Slack --------------------------------------------------------------------------------------
XOXB = f"xoxb-{tok(12, string.digits)}-{tok(13, string.digits)}-{tok(24)}"
XOXP = f"xoxp-{tok(12, string.digits)}-{tok(12, string.digits)}-{tok(13, string.digits)}-{tok(32, HEX)}"
XAPP = f"xapp-1-A{tok(10, string.ascii_uppercase + string.digits)}-{tok(13, string.digits)}-{tok(64, HEX)}"
HOOK_PATH = f"T{tok(8, string.ascii_uppercase + string.digits)}/B{tok(10, string.ascii_uppercase + string.digits)}/{tok(24)}"
HOOK = f"https://hooks.slack.com/services/{HOOK_PATH}"
HOOK_SECRET = HOOK_PATH.rsplit("/", 1)[1]
_add("slack_token", "env", f"SLACK_BOT_TOKEN={XOXB}", XOXB)
_add("slack_token", "log", f"slack: posting as bot with {XOXB} to #alerts", XOXB)
_add("slack_token", "json", f'{{"ok":true,"access_token":"{XOXP}","scope":"chat:write"}}', XOXP)
_add("slack_token", "yaml", f"appToken: {XAPP}", XAPP)
_add("slack_webhook", "env", f"SLACK_WEBHOOK_URL={HOOK}", HOOK_SECRET)
_add("slack_webhook", "log", f"POST {HOOK} failed: 500 Internal Server Error", HOOK_SECRET)
_add("slack_webhook", "yaml", f"  slack_api_url: '{HOOK}'", HOOK_SECRET)
_add("slack_webhook", "json", f'{{"receiver":"slack","url":"{HOOK}"}}', HOOK_SECRET)

# --- Stripe -------------------------------------------------------------------------------------
SK_LIVE = "sk_live_" + tok(24)
SK_LIVE2 = "sk_live_" + tok(99)
RK_LIVE = "rk_live_" + tok(24)
SK_TEST = "sk_test_" + tok(24)
WHSEC = "whsec_" + tok(32)
_add("stripe_key", "env", f"STRIPE_SECRET_KEY={SK_LIVE}", SK_LIVE)
_add("stripe_key", "log", f"stripe.error.AuthenticationError: Invalid API Key provided: {SK_LIVE2}", SK_LIVE2)
_add("stripe_key", "json", f'{{"name": "STRIPE_KEY", "value": "{RK_LIVE}"}}', RK_LIVE)
_add("stripe_key", "yaml", f"stripe:\n  restricted: {RK_LIVE}", RK_LIVE)
_add("stripe_key", "header", f"Authorization: Bearer {SK_TEST}", SK_TEST)
_add("stripe_key", "args", f"stripe listen --api-key {SK_LIVE} --forward-to localhost:4242", SK_LIVE)
_add("stripe_key", "log", f"payments: loaded config stripe_webhook={WHSEC}", WHSEC)
_add("stripe_key", "log", f"using stripe key {SK_TEST}", SK_TEST)

# --- Google -------------------------------------------------------------------------------------
AIZA = "AIza" + tok(35, URLSAFE)
AIZA2 = "AIza" + tok(35, URLSAFE)
_add("google_api_key", "url", f"GET https://maps.googleapis.com/maps/api/geocode/json?address=x&key={AIZA} 403", AIZA)
_add("google_api_key", "env", f"GOOGLE_MAPS_KEY={AIZA2}", AIZA2)
_add("google_api_key", "json", f'{{"apiKey": "{AIZA}", "authDomain": "acme.firebaseapp.com"}}', AIZA)
_add("google_api_key", "log", f"firebase init with {AIZA2}", AIZA2)

# --- Anthropic / OpenAI / Hugging Face / npm / PyPI / SendGrid -------------------------------------
ANT = "sk-ant-api03-" + tok(93, URLSAFE) + "AA"
OAI = "sk-proj-" + tok(48, URLSAFE)
OAI2 = "sk-" + tok(48)
HF = "hf_" + tok(34, string.ascii_letters)
NPM = "npm_" + tok(36)
PYPI = "pypi-AgEIcHlwaS5vcmc" + tok(50, URLSAFE)
SG = f"SG.{tok(22, URLSAFE)}.{tok(43, URLSAFE)}"
_add("anthropic_key", "env", f"ANTHROPIC_API_KEY={ANT}", ANT)
_add("anthropic_key", "header", f"x-api-key: {ANT}", ANT)
_add("anthropic_key", "log", f"anthropic.AuthenticationError: invalid x-api-key {ANT}", ANT)
_add("openai_key", "env", f"OPENAI_API_KEY={OAI}", OAI)
_add("openai_key", "log", f"Incorrect API key provided: {OAI2}. You can find your API key at platform", OAI2)
_add("huggingface_token", "env", f"HF_TOKEN={HF}", HF)
_add("huggingface_token", "log", f"huggingface_hub login --token {HF}", HF)
_add("npm_token", "config", f"//registry.npmjs.org/:_authToken={NPM}", NPM)
_add("npm_token", "log", f"npm ERR! 401 token {NPM} is expired or revoked", NPM)
_add("pypi_token", "config", f"[pypi]\n  username = __token__\n  password = {PYPI}", PYPI)
_add("pypi_token", "args", f"twine upload -u __token__ -p {PYPI} dist/*", PYPI)
_add("sendgrid_key", "env", f"SENDGRID_API_KEY={SG}", SG)
_add("sendgrid_key", "log", f"mailer: sendgrid client ready ({SG})", SG)

# --- HashiCorp Vault ----------------------------------------------------------------------------
HVS = "hvs." + tok(24, URLSAFE)
HVS_LONG = "hvs.CAESI" + tok(80, URLSAFE)
HVB = "hvb." + tok(120, URLSAFE)
_add("vault_token", "env", f"VAULT_TOKEN={HVS}", HVS)
_add("vault_token", "header", f"X-Vault-Token: {HVS_LONG}", HVS_LONG)
_add("vault_token", "log", f"vault: renewed lease with token {HVS_LONG} (ttl 768h)", HVS_LONG)
_add("vault_token", "json", f'{{"auth":{{"client_token":"{HVS}","accessor":"x","policies":["default"]}}}}', HVS)
_add("vault_token", "log", f"batch token {HVB} issued", HVB)

# --- kubeadm bootstrap tokens -------------------------------------------------------------------
KTOK = f"{tok(6, LOWER_DIGITS)}.{tok(15, LOWER_DIGITS)}7"
KTOK2 = f"{tok(5, LOWER_DIGITS)}1.{tok(16, LOWER_DIGITS)}"
CA_HASH = tok(64, HEX)
_add("kubeadm_token", "args", f"kubeadm join 10.0.0.10:6443 --token {KTOK} --discovery-token-ca-cert-hash "
     f"sha256:{CA_HASH}", KTOK)
_add("kubeadm_token", "log", f"[bootstrap-token] Using token: {KTOK2}", KTOK2)
_add("kubeadm_token", "yaml", f"  - token: {KTOK}\n    ttl: 24h0m0s", KTOK)
_add("kubeadm_token", "log", f"kubelet: bootstrap with {KTOK2} against https://10.0.0.10:6443", KTOK2)

# --- JWTs and bearer / basic / token headers --------------------------------------------------------
def _jwt() -> str:
    head = base64.urlsafe_b64encode(b'{"alg":"RS256","kid":"' + tok(12).encode() + b'"}').decode().rstrip("=")
    body = base64.urlsafe_b64encode(json.dumps({"iss": "kubernetes/serviceaccount", "sub": tok(10)}).encode())
    return f"{head}.{body.decode().rstrip('=')}.{tok(86, URLSAFE)}"


JWT1, JWT2, JWT3 = _jwt(), _jwt(), _jwt()
OPAQUE = tok(40, URLSAFE)
OPAQUE2 = tok(32, HEX)
BASIC = b64(f"deploy:{tok(16)}")
DRF = tok(40, HEX)
_add("jwt", "log", f"token={JWT1} rejected: signature invalid", JWT1)
_add("jwt", "header", f"Authorization: Bearer {JWT2}", JWT2)
_add("jwt", "yaml", f"users:\n- name: ci\n  user:\n    token: {JWT3}", JWT3)
_add("jwt", "json", f'{{"id_token":"{JWT1}","token_type":"Bearer"}}', JWT1)
_add("jwt", "log", f"webhook called with {JWT2}", JWT2)
_add("bearer_token", "header", f"Authorization: Bearer {OPAQUE}", OPAQUE)
_add("bearer_token", "args", f'curl -sf -H "Authorization: Bearer {OPAQUE}" https://api.acme.io/v1/health', OPAQUE)
_add("bearer_token", "json", f'{{"headers": {{"Authorization": "Bearer {OPAQUE2}"}}}}', OPAQUE2)
_add("bearer_token", "log", f"proxy: forwarding with authorization=Bearer {OPAQUE2}", OPAQUE2)
_add("basic_auth", "header", f"Authorization: Basic {BASIC}", BASIC)
_add("basic_auth", "log", f'> GET /metrics HTTP/1.1\n> Authorization: Basic {BASIC}\n> Accept: */*', BASIC)
_add("auth_header", "header", f"Authorization: Token {DRF}", DRF)
_add("auth_header", "header", f"authorization: token {OPAQUE}", OPAQUE)
_add("auth_header", "json", f'{{"Authorization": "Token {DRF}", "Accept": "application/json"}}', DRF)
_add("auth_header", "header", f"X-API-Key: {OPAQUE2}", OPAQUE2)
APIKEY_HDR = b64("elastic-id:" + tok(22))
_add("auth_header", "header", f"Authorization: ApiKey {APIKEY_HDR}", APIKEY_HDR)
COOKIE = tok(48, URLSAFE)
_add("cookie", "header", f"Cookie: _session_id={COOKIE}; theme=dark", COOKIE)
_add("cookie", "header", f"Set-Cookie: sid={COOKIE}; Path=/; HttpOnly; Secure", COOKIE)

# --- Passwords in URLs --------------------------------------------------------------------------
PW = [tok(n) + "!" + tok(4, string.digits) for n in (10, 12, 14, 9, 11, 13, 8, 16)]
_add("url_password", "env", f"DATABASE_URL=postgres://app:{PW[0]}@db.prod.svc:5432/app?sslmode=require", PW[0])
_add("url_password", "log", f"could not connect to mysql://root:{PW[1]}@mysql:3306/shop: connection refused", PW[1])
_add("url_password", "json", f'{{"name":"MONGO_URI","value":"mongodb+srv://svc:{PW[2]}@cluster0.mongodb.net/app"}}',
     PW[2])
_add("url_password", "yaml", f"  url: redis://:{PW[3]}@redis-master:6379/0", PW[3])
_add("url_password", "log", f"amqp connection to amqp://guest:{PW[4]}@rabbitmq:5672/ lost", PW[4])
_add("url_password", "url", f"https://admin:{PW[5]}@grafana.internal/api/health", PW[5])
_add("url_password", "args", f'psql "postgresql://reporting:{PW[6]}@pg-replica/analytics" -c "select 1"', PW[6])
_add("url_password", "config", f"broker_url = 'redis://default:{PW[7]}@redis:6379/1'", PW[7])
_add(None, "url", f"ftp://deploy:{PW[0]}@files.acme.io/releases/", PW[0])

# --- password= / secret= / token= / api_key= pairs ---------------------------------------------------
P = [tok(12) for _ in range(12)] + ["hunter2", "letmein", "correct horse battery staple", "Tr0ub4dor&3"]
_add("password", "env", f"DB_PASSWORD={P[0]}", P[0])
_add("password", "env", f"PGPASSWORD={P[1]} psql -h db -U app", P[1])
_add("password", "env", f'export MYSQL_ROOT_PASSWORD="{P[14]}"', P[14])
_add("password", "yaml", f"  password: {P[2]}", P[2])
_add("password", "yaml", f"  db_password: \"{P[3]}\"", P[3])
_add("password", "yaml", f"password: {P[13]}", P[13])
_add("password", "json", f'{{"username":"app","password":"{P[4]}"}}', P[4])
_add("password", "json", f'{{"username": "app", "password": "{P[12]}"}}', P[12])
_add("password", "log", f"{{'user': 'svc', 'password': '{P[5]}'}}", P[5])
_add("password", "config", f"password = {P[6]}", P[6])
_add("password", "config", f"spring.datasource.password={P[7]}", P[7])
_add("password", "config", f"Server=sql01;Database=app;User Id=sa;Password={P[15]};Encrypt=true", P[15])
_add("password", "log", f"INFO connecting user=admin password={P[8]} host=db", P[8])
_add("password", "url", f"GET /login?user=app&password={P[9]}&next=/ HTTP/1.1", P[9])
_add("password", "config", f"<password>{P[10]}</password>", P[10])
_add("password", "env", f"REDIS_PASS={P[11]}", P[11])
_add("password", "log", f"smtp: auth plain user=alerts pwd={P[0]}", P[0])
_add("password", "yaml", f"    passwd: {P[1]}", P[1])
_add("password", "json", f'{{"name":"DB_PASSWORD","value":"{P[13]}"}}', P[13])
_add("password", "log", f'level=debug msg="config loaded" db.password={P[2]} db.pool=10', P[2])
S = [tok(32, URLSAFE) for _ in range(8)]
_add("secret", "env", f"CLIENT_SECRET={S[0]}", S[0])
_add("secret", "json", f'{{"clientId":"web","clientSecret":"{S[1]}"}}', S[1])
_add("secret", "yaml", f"  client_secret: {S[2]}", S[2])
_add("secret", "env", f"JWT_SECRET={S[3]}", S[3])
_add("secret", "yaml", f"secret_key_base: {S[4]}", S[4])
_add("secret", "env", f"SECRET_KEY='{S[5]}'", S[5])
_add("secret", "log", f"oauth2: exchanging code with client_secret={S[6]}", S[6])
_add("secret", "json", f'{{"webhookSecret": "{S[7]}"}}', S[7])
T = [tok(40, URLSAFE) for _ in range(8)]
_add("token", "url", f"https://api.acme.io/callback?code=abc&access_token={T[0]}&state=xyz", T[0])
_add("token", "json", f'{{"refresh_token": "{T[1]}", "expires_in": 3600}}', T[1])
_add("token", "env", f"API_TOKEN={T[2]}", T[2])
_add("token", "yaml", f"auth_token: {T[3]}", T[3])
_add("token", "env", f"SENTRY_AUTH_TOKEN={T[4]}", T[4])
_add("token", "log", f"registry: got token={T[5]} for scope repository:acme/api:pull", T[5])
_add("token", "yaml", f"  bearerToken: {T[6]}", T[6])
_add("token", "config", f"token = \"{T[7]}\"", T[7])
K = [tok(32, HEX) for _ in range(6)]
_add("api_key", "env", f"DD_API_KEY={K[0]}", K[0])
_add("api_key", "json", f'{{"apiKey":"{K[1]}"}}', K[1])
_add("api_key", "yaml", f"api_key: {K[2]}", K[2])
_add("api_key", "url", f"https://api.newrelic.com/v2/apps.json?api_key={K[3]}", K[3])
_add("api_key", "config", f"license_key: {K[4]}", K[4])
_add("api_key", "log", f"pagerduty: routing with integration_key={K[5]}", K[5])

# --- command lines: secret-named flags, curl -u, mysql -p, docker login ----------------------------
F = [tok(14) for _ in range(12)]
_add("cli_secret", "args", f"/app/server --db-password {F[0]} --port 8080", F[0])
_add("cli_secret", "args", f"/app/server --db-password={F[1]}", F[1])
_add("cli_secret", "args", f"java -jar app.jar --spring.datasource.password={F[2]}", F[2])
_add("cli_secret", "args", f"./worker -token {F[3]} -queue default", F[3])
_add("cli_secret", "args", f"oauth2-proxy --client-secret={F[4]} --cookie-secret {F[5]}", F[4], F[5])
_add("cli_secret", "args", f"redis-cli -h redis -a {F[6]} ping", F[6])
_add("cli_secret", "args", f"mysql -h db -uroot -p{F[7]} -e 'show databases'", F[7])
_add("cli_secret", "args", f"curl -u admin:{F[8]} https://nexus.acme.io/service/rest/v1/status", F[8])
_add("cli_secret", "args", f"curl --user ci:{F[9]} -X POST https://jenkins/job/x/build", F[9])
_add("cli_secret", "args", f"docker login -u robot -p {F[10]} registry.acme.io", F[10])
_add("cli_secret", "log", f"ps: 1 root /usr/bin/app --api-key {F[11]} --verbose", F[11])
_add("cli_secret", "args", f"mongodump --username backup --password {F[0]} --out /backup", F[0])

# --- Docker registry auth -----------------------------------------------------------------------
DOCKER_AUTH = b64(f"robot$ci:{tok(32)}")
DOCKER_CFG = json.dumps({"auths": {"ghcr.io": {"username": "ci", "password": F[1], "auth": DOCKER_AUTH}}})
_add("docker_auth", "json", DOCKER_CFG, DOCKER_AUTH, F[1])
_add("docker_auth", "json", f'"auth": "{DOCKER_AUTH}"', DOCKER_AUTH)
DOCKER_CFG_B64 = b64(json.dumps({"auths": {"registry.acme.io": {"auth": b64("u:" + tok(20))}}}))
_add("docker_auth", "yaml", f"  .dockerconfigjson: {DOCKER_CFG_B64}", DOCKER_CFG_B64)
_add("docker_auth", "json", f'{{"data": {{".dockerconfigjson": "{DOCKER_CFG_B64}"}}}}', DOCKER_CFG_B64)
_add("docker_auth", "log", f"using docker config {DOCKER_CFG_B64}", DOCKER_CFG_B64)
IDTOK = tok(48, URLSAFE)
_add("docker_auth", "json", f'{{"auths":{{"acr.io":{{"identitytoken":"{IDTOK}"}}}}}}', IDTOK)

# --- Azure --------------------------------------------------------------------------------------
AZ_KEY = tok(86, B64) + "=="
AZ_KEY2 = tok(43, B64) + "="
SIG = tok(40, ALNUM) + "%2B" + tok(10) + "%3D"
_add("azure_key", "env", "AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acmelogs;"
     f"AccountKey={AZ_KEY};EndpointSuffix=core.windows.net", AZ_KEY)
_add("azure_key", "log", f"Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;"
     f"SharedAccessKey={AZ_KEY2}", AZ_KEY2)
_add("azure_key", "json", f'{{"connectionString":"AccountName=x;AccountKey={AZ_KEY}"}}', AZ_KEY)
_add("azure_sas", "url", f"PUT https://acmelogs.blob.core.windows.net/backups/db.tar?sv=2022-11-02&ss=b&srt=o"
     f"&sp=rwc&se=2024-06-01T00:00:00Z&sig={SIG} 403", SIG)
_add("azure_sas", "env", f"BACKUP_SAS=sv=2022-11-02&sp=r&sig={SIG}", SIG)
_add("azure_sas", "log", f"SharedAccessSignature sr=acme&sig={SIG}&se=1717200000&skn=send", SIG)

# --- private keys (PEM, and base64 PEM in kubeconfigs and Secrets) ------------------------------------
def _pem(label: str) -> tuple[str, str]:
    body = "\n".join(tok(64, B64) for _ in range(4))
    return f"-----BEGIN {label}-----\n{body}\n-----END {label}-----", body.split("\n")[1]


for label in ("RSA PRIVATE KEY", "EC PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "ENCRYPTED PRIVATE KEY"):
    pem, inner = _pem(label)
    _add("private_key", "log", f"loaded key:\n{pem}\nstarting TLS listener", inner)
PEM, PEM_INNER = _pem("PRIVATE KEY")
_add("private_key", "json", json.dumps({"type": "service_account", "private_key": PEM + "\n"}), PEM_INNER)
_add("private_key", "yaml", "  tls.key: |\n    " + PEM.replace("\n", "\n    "), PEM_INNER)
KEY_B64 = b64(_pem("RSA PRIVATE KEY")[0])
KEY_B64_2 = b64(_pem("EC PRIVATE KEY")[0])
_add("private_key", "yaml", f"    client-key-data: {KEY_B64}", KEY_B64)
_add("private_key", "json", f'{{"tls.crt": "{b64("-----BEGIN CERTIFICATE-----")}", "tls.key": "{KEY_B64_2}"}}',
     KEY_B64_2)
_add("private_key", "log", f"decoded secret payload {KEY_B64_2}", KEY_B64_2)

# --- the same families inside env entries as kubectl prints them, and in events and alerts ------------
_add("stripe_key", "json", f'"env":[{{"name":"PAYMENT_PROVIDER_KEY","value":"{SK_LIVE}"}}]', SK_LIVE)
_add("github_token", "json", f'{{"name":"GH","value":"{GHP}"}}', GHP)
_add("cli_secret", "log", f'Error: failed to start container "api": exec: "--password={P[3]}": not found', P[3])
_add("url_password", "log", f"Warning  BackOff  pod/api  dial postgres://app:{PW[4]}@db:5432: i/o timeout", PW[4])
_add(None, "json", f'{{"annotations":{{"description":"token {GLPAT} leaked in job log","summary":"x"}}}}', GLPAT)
_add("slack_token", "log", f"alert: SlackTokenExposed value={XOXB}", XOXB)
_add("aws_access_key", "log", f"caller {AKIA} not authorized to perform s3:GetObject", AKIA)
_add("vault_token", "args", f"vault login {HVS}", HVS)
_add("kubeadm_token", "json", f'{{"token": "{KTOK}", "ttl": "24h"}}', KTOK)
_add("anthropic_key", "json", f'{{"name":"ANTHROPIC_API_KEY","value":"{ANT}"}}', ANT)
_add("google_api_key", "yaml", f"- name: MAPS\n  value: {AIZA}", AIZA)
_add("jwt", "url", f"wss://events.acme.io/stream?jwt={JWT3}", JWT3)
_add("azure_key", "yaml", f"  AccountKey: {AZ_KEY2}", AZ_KEY2)
_add("sendgrid_key", "json", f'{{"value":"{SG}"}}', SG)


# ================================================================================================
# Look-alikes: redaction must return every one of these unchanged.
# ================================================================================================
LOOKALIKES: list[tuple[str, str]] = []


def _keep(what: str, line: str) -> None:
    LOOKALIKES.append((what, line))


UUID = "20656722-1375-4f26-a94a-3058b916ccbd"
SHA1 = "9fceb02d0ae598e95dc970b74767f19372d61af8"
SHA256 = "4f9c2a1b3d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8"
TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
_keep("uuid", f"pod uid {UUID}")
_keep("uuid", f'{{"uid":"{UUID}","resourceVersion":"48213977"}}')
_keep("uuid", f"request_id={UUID} status=500")
_keep("uuid", f"Idempotency-Key: {UUID}")
_keep("git sha", f"commit {SHA1}")
_keep("git sha", f"GIT_COMMIT={SHA1}")
_keep("git sha", f'{{"revision": "{SHA1[:7]}", "branch": "main"}}')
_keep("git sha", f"etag: \"{SHA1}\"")
_keep("image digest", f"image registry.example.com/shop/api:v2.8.1@sha256:{SHA256}")
_keep("image digest", f'"imageID": "docker.io/library/nginx@sha256:{SHA256}"')
_keep("image digest", f"Successfully pulled image \"ghcr.io/acme/api@sha256:{SHA256}\" in 2.1s")
_keep("ca hash", f"--discovery-token-ca-cert-hash sha256:{SHA256}")
_keep("trace id", f"trace_id={TRACE} span_id=00f067aa0ba902b7")
_keep("trace id", f"traceparent: 00-{TRACE}-00f067aa0ba902b7-01")
_keep("trace id", f'{{"traceId":"{TRACE}","spanId":"00f067aa0ba902b7"}}')
_keep("trace id", f"x-request-id: {TRACE}")
_keep("env ref", "password: ${DB_PASSWORD}")
_keep("env ref", "DB_PASSWORD=${DB_PASSWORD}")
_keep("env ref", "/app/server --db-password=$(DB_PASSWORD)")
_keep("env ref", '{"password": "${POSTGRES_PASSWORD}"}')
_keep("env ref", "api_key: {{ .Values.apiKey }}")
_keep("env ref", "token: $GITHUB_TOKEN")
_keep("env ref", "postgres://app:${DB_PASSWORD}@db:5432/app")
_keep("mask", "postgres://app:****@db.prod.svc:5432/app")
_keep("mask", "password: ******")
_keep("mask", "DB_PASSWORD=********")
_keep("mask", '{"password": "***"}')
_keep("mask", "Authorization: Bearer ***")
_keep("mask", "password=<redacted>")
_keep("base64 of non-secrets", f"data:\n  app.conf: {b64('listen 8080;')}")
_keep("base64 of non-secrets", '"binaryData": {"logo.png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk"}')
_keep("base64 of non-secrets", f"certificate-authority-data: {b64('-----BEGIN CERTIFICATE-----MIIC5zCCAc+gAwIBAgIBADANBg')}")
_keep("base64 of non-secrets", f"client-certificate-data: {b64('-----BEGIN CERTIFICATE-----MIIDITCCAgmgAwIBAgIIJ')}")
_keep("base64 of non-secrets", f"checksum/config: {SHA256}")
_keep("base64 of non-secrets", f"checksum/secret: {SHA256}")
_keep("base64 of non-secrets", "-----BEGIN CERTIFICATE-----\nMIIC5zCCAc+gAwIBAgIBADANBgkqhkiG9w0BAQsFADAVMRMwEQYDVQQDEwprdWJl\n"
      "-----END CERTIFICATE-----")
_keep("resource version", '"resourceVersion": "123456789"')
_keep("resource version", "metadata.resourceVersion=98765 generation=4")
_keep("prose", "visit password_reset_url to choose a new password")
_keep("prose", "environment variable DB_PASSWORD is not set")
_keep("prose", "DB_PASSWORD: required")
_keep("prose", "required key WALLET_SERVICE_URL missing value")
_keep("prose", "failed to fetch oauth token: unexpected status: 401 Unauthorized")
_keep("prose", "unauthorized: authentication required")
_keep("prose", "invalid token: expired")
_keep("prose", "couldn't find key api-token in Secret payments/stripe")
_keep("prose", 'MountVolume.SetUp failed for volume "db-secret" : secret "db-secret" not found')
_keep("prose", 'Error: secret "stripe-keys" not found')
_keep("prose", "the password was rejected by the server (SQLSTATE 28P01)")
_keep("prose", 'FATAL:  password authentication failed for user "app"')
_keep("prose", "Bearer token required")
_keep("prose", "Authorization header missing")
_keep("prose", "token refresh failed: context deadline exceeded")
_keep("flags", "kubeadm token create --ttl 24h --print-join-command")
_keep("flags", "--token-ttl 24h0m0s")
_keep("flags", "--password-file=/run/secrets/db-password")
_keep("flags", "--tls-private-key-file=/etc/tls/tls.key --tls-cert-file=/etc/tls/tls.crt")
_keep("flags", "DB_PASSWORD_FILE=/run/secrets/db")
_keep("url", "redis://redis-master:6379/0")
_keep("url", "https://deploy@github.com/acme/api.git")
_keep("url", "git@github.com:acme/payments.git")
_keep("url", "postgres://app@db:5432/app?sslmode=disable")
_keep("url", "http://[::1]:8080/healthz")
_keep("url", "see https://kubernetes.io/docs/concepts/configuration/secret/")
_keep("k8s", '{"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute"}')
_keep("k8s", '"secretKeyRef": {"name": "db", "key": "password"}')
_keep("k8s", '{"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}')
_keep("k8s", '"automountServiceAccountToken": false')
_keep("k8s", '{"serviceAccountToken": {"path": "token", "expirationSeconds": 3607}}')
_keep("k8s", "web-7d4b9c8f6d-x2x9z 0/1 CrashLoopBackOff")
_keep("k8s", "ip-10-0-1-23.ec2.internal Ready")
_keep("k8s", "arn:aws:iam::123456789012:role/app-irsa")
_keep("k8s", '"secretName": "tls-cert"')
_keep("k8s", "imagePullSecrets: [{name: regcred}]")
_keep("k8s", "vault.hashicorp.com/role: payments")
_keep("k8s", "sh.helm.release.v1.payments.v12")
_keep("k8s", "- --kubelet-insecure-tls\n- --secure-port=10250")
_keep("k8s", "Back-off pulling image \"registry.acme.io/api:1.4.2\"")
_keep("version", "kubelet version v1.28.3+k3s1 (build 2f3c1e8)")
_keep("number", "auth: enabled")
_keep("number", "token_expiry: 3600")
_keep("number", "password_min_length: 12")


# ================================================================================================
# Objects: structural redaction keeps names and facts, drops values.
# ================================================================================================
class ObjCase(NamedTuple):
    what: str
    obj: dict[str, Any]
    secrets: tuple[str, ...]
    kept: tuple[str, ...]  # facts a diagnosis needs: must still be in the redacted object's JSON


SECRET_OBJECTS: list[ObjCase] = []
INLINE_PW, ARG_PW, ARG_TOKEN, ANN_TOKEN, CM_PW, CM_TOKEN = (tok(18) for _ in range(6))
_DEPLOY: dict[str, Any] = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "payments", "namespace": "shop", "annotations": {
        "acme.io/api-token": ANN_TOKEN, "deployment.kubernetes.io/revision": "7"}},
    "spec": {"template": {"spec": {"containers": [{
        "name": "api", "image": f"ghcr.io/acme/payments@sha256:{SHA256}",
        "command": ["/app/server"],
        "args": ["--db-password", ARG_PW, f"--token={ARG_TOKEN}", "--port", "8080", "--log-level=debug"],
        "env": [{"name": "DB_PASSWORD", "value": INLINE_PW},
                {"name": "LOG_LEVEL", "value": "debug"},
                {"name": "PORT", "value": "8080"},
                {"name": "DB_HOST", "valueFrom": {"configMapKeyRef": {"name": "db", "key": "host"}}},
                {"name": "API_KEY", "valueFrom": {"secretKeyRef": {"name": "stripe", "key": "api-key"}}}],
    }]}}},
}
SECRET_OBJECTS.append(ObjCase("Deployment: inline env value, flag values, secret-named annotation", _DEPLOY,
                              (INLINE_PW, ARG_PW, ARG_TOKEN, ANN_TOKEN),
                              ("DB_PASSWORD", "--db-password", "--token", "LOG_LEVEL", '"debug"', '"8080"',
                               "acme.io/api-token", "secretKeyRef", "api-key", SHA256)))
_LAST_APPLIED = json.loads(json.dumps(_DEPLOY))
_LAST_APPLIED["metadata"]["annotations"] = {
    "kubectl.kubernetes.io/last-applied-configuration": json.dumps(_DEPLOY, separators=(",", ":"))}
SECRET_OBJECTS.append(ObjCase("last-applied-configuration embeds the whole spec", _LAST_APPLIED,
                              (INLINE_PW, ARG_PW, ARG_TOKEN, ANN_TOKEN), ("DB_PASSWORD", "LOG_LEVEL")))
ENV_STRIPE = SK_LIVE + "x"
ENV_RANDOM = tok(32)
SECRET_OBJECTS.append(ObjCase("pod env: token-shaped and random values under innocent names", {
    "kind": "Pod", "metadata": {"name": "api-0", "namespace": "shop"},
    "spec": {"containers": [{"name": "api", "env": [{"name": "PAYMENTS", "value": ENV_STRIPE},
                                                    {"name": "UPSTREAM", "value": ENV_RANDOM},
                                                    {"name": "CONFIG_PATH", "value": "/etc/app/config.yaml"}]}]}},
    (ENV_STRIPE, ENV_RANDOM), ("PAYMENTS", "UPSTREAM", "/etc/app/config.yaml")))
SECRET_OBJECTS.append(ObjCase("ConfigMap with secret-like keys and an embedded config file", {
    "kind": "ConfigMap", "metadata": {"name": "app", "namespace": "shop"},
    "data": {"DB_PASSWORD": CM_PW, "api.token": CM_TOKEN, "LOG_LEVEL": "info",
             "application.properties": f"server.port=8080\nspring.datasource.password={P[9]}\n"}},
    (CM_PW, CM_TOKEN, P[9]), ("DB_PASSWORD", "api.token", "LOG_LEVEL", "info", "server.port=8080")))
SECRET_OBJECTS.append(ObjCase("Secret: data and stringData entirely", {
    "kind": "Secret", "type": "Opaque", "metadata": {"name": "db", "namespace": "shop"},
    "data": {"password": b64("plainword"), "username": b64("app")}, "stringData": {"note": "plain words"}},
    (b64("plainword"), b64("app"), "plain words"), ("password", "username")))
SECRET_OBJECTS.append(ObjCase("Secret in a List without kind on its items (kubectl's typed lists)", {
    "kind": "SecretList", "items": [{"type": "kubernetes.io/dockerconfigjson", "metadata": {"name": "regcred"},
                                     "data": {".dockerconfigjson": DOCKER_CFG_B64}}]},
    (DOCKER_CFG_B64,), ("regcred", ".dockerconfigjson")))
SECRET_OBJECTS.append(ObjCase("docker config JSON as an object", json.loads(DOCKER_CFG), (DOCKER_AUTH, F[1]),
                              ("ghcr.io", "username")))
SECRET_OBJECTS.append(ObjCase("Event whose message carries a secret", {
    "kind": "Event", "reason": "Failed", "type": "Warning",
    "message": f"Error: container exited: connecting to postgres://app:{PW[2]}@db:5432",
    "involvedObject": {"kind": "Pod", "name": "api-0"}}, (PW[2],), ("postgres://app:", "@db:5432", "Failed")))
SECRET_OBJECTS.append(ObjCase("alert with a secret in its annotations", {
    "labels": {"alertname": "KubePodCrashLooping", "namespace": "shop"},
    "annotations": {"description": f"api crashed; last line: Authorization: Bearer {OPAQUE}",
                    "webhook_token": T[5]}},
    (OPAQUE, T[5]), ("KubePodCrashLooping", "webhook_token")))
SECRET_OBJECTS.append(ObjCase("init container and probe exec commands", {
    "kind": "Pod", "spec": {"initContainers": [{"name": "migrate", "command": ["sh", "-c",
                                                f"mysql -uroot -p{F[7]} < /sql/init.sql"]}],
                            "containers": [{"name": "db", "livenessProbe": {"exec": {"command": [
                                "redis-cli", "-a", F[6], "ping"]}}}]}},
    (F[7], F[6]), ("migrate", "/sql/init.sql", "redis-cli")))

LOOKALIKE_OBJECTS: list[tuple[str, dict[str, Any]]] = [
    ("Deployment with only references and harmless values", {
        "kind": "Deployment", "metadata": {"name": "web", "resourceVersion": "48213977", "uid": UUID,
                                           "annotations": {"deployment.kubernetes.io/revision": "3",
                                                           "checksum/secret": SHA256}},
        "spec": {"template": {"spec": {"containers": [{
            "name": "web", "image": f"nginx@sha256:{SHA256}", "args": ["--port", "8080", "--db-password=$(DB_PASSWORD)",
                                                                        "--password-file", "/run/secrets/db"],
            "env": [{"name": "LOG_LEVEL", "value": "debug"}, {"name": "GIT_SHA", "value": SHA1},
                    {"name": "DB_PASSWORD", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}},
                    {"name": "POD_UID", "value": UUID}, {"name": "DB_PASSWORD_REF", "value": "${DB_PASSWORD}"}],
        }]}}}}),
    ("Node with taints", {"kind": "Node", "spec": {"taints": [{"key": "nvidia.com/gpu", "value": "true",
                                                               "effect": "NoSchedule"}]}}),
    ("ConfigMap with plain configuration", {"kind": "ConfigMap", "data": {
        "nginx.conf": "server { listen 8080; }", "LOG_LEVEL": "info", "FEATURE_FLAGS": "checkout,search"}}),
]


# ================================================================================================
# Scoring, shared by tests/test_redaction_corpus.py and `make bench`.
# ================================================================================================
MARKER: Final = "[REDACTED"


def line_caught(redact: Any, case: Case) -> bool:
    out = redact(case.line)
    return MARKER in out and not any(s in out for s in case.secrets)


def object_caught(redact_obj: Any, case: ObjCase) -> bool:
    text = json.dumps(redact_obj(json.loads(json.dumps(case.obj))))
    return not any(s in text for s in case.secrets) and all(k in text for k in case.kept)


def score(redact: Any, redact_obj: Any) -> dict[str, Any]:
    """Recall over the secrets and how many look-alikes came back unchanged."""
    missed = [c for c in SECRET_LINES if not line_caught(redact, c)]
    missed_objects = [c.what for c in SECRET_OBJECTS if not object_caught(redact_obj, c)]
    damaged = [line for _, line in LOOKALIKES if redact(line) != line]
    damaged_objects = [what for what, obj in LOOKALIKE_OBJECTS
                       if redact_obj(json.loads(json.dumps(obj))) != obj]
    secrets = len(SECRET_LINES) + len(SECRET_OBJECTS)
    lookalikes = len(LOOKALIKES) + len(LOOKALIKE_OBJECTS)
    caught = secrets - len(missed) - len(missed_objects)
    untouched = lookalikes - len(damaged) - len(damaged_objects)
    return {
        "secret_lines": len(SECRET_LINES), "secret_objects": len(SECRET_OBJECTS),
        "lookalike_lines": len(LOOKALIKES), "lookalike_objects": len(LOOKALIKE_OBJECTS),
        "caught": caught, "recall": round(caught / secrets, 4),
        "untouched": untouched, "lookalikes_untouched": round(untouched / lookalikes, 4),
        # precision: of everything redaction changed, the share that held a secret
        "precision": round(caught / max(1, caught + len(damaged) + len(damaged_objects)), 4),
        "missed": [c.line[:120] for c in missed] + missed_objects,
        "damaged": damaged + damaged_objects,
    }
