"""What the cost analyzer can read, and whether a question asks about something else.

It reads the Kubernetes cluster (requests, usage, nodes, volumes), AWS (Cost Explorer, EC2, EBS, ELB) and
an allocation API where one is configured. A question whose payee is anything else (another cloud, a SaaS
vendor's bill) has no source here: answering it with the cluster's own waste would answer another question.
"""

from __future__ import annotations

import re
from typing import Final

CAN_READ: Final = ("the Kubernetes cluster (requests, usage from metrics.k8s.io, nodes, PersistentVolumes), "
                   "AWS (Cost Explorer spend by service, account, region or tag; idle EBS volumes, Elastic IPs, "
                   "load balancers, stopped instances, old snapshots) when AWS access is configured, and "
                   "OpenCost or Kubecost allocation when configured")

# Words that name something the analyzer reads: a question naming one of these is answered from it.
_READABLE: Final = re.compile(
    r"\b(aws|amazon|ec2|ebs|eks|elb|alb|nlb|s3|rds|cloudwatch|nat|cost explorer|elastic ips?|kubernetes|k8s|"
    r"opencost|kubecost|clusters?|nodes?|namespaces?|pods?|workloads?|deployments?|persistent ?volumes?|pvs?|pvcs?)\b",
    re.I)
# Payees known to bill outside what is read: other clouds and common SaaS vendors. Not exhaustive: a payee
# named by the question's own grammar (`paying X`, `X's bill`) is caught below as well.
_OUTSIDE: Final = re.compile(
    r"\b(gcp|google cloud|azure|oracle cloud|digitalocean|hetzner|linode|alibaba cloud|ibm cloud|"
    r"datadog|new relic|newrelic|splunk|sumo ?logic|dynatrace|honeycomb|grafana cloud|sentry|pagerduty|"
    r"opsgenie|elastic cloud|logz\.io|snowflake|databricks|bigquery|mongodb atlas|confluent( cloud)?|"
    r"redis cloud|cloudflare|fastly|akamai|vercel|netlify|heroku|github|gitlab|bitbucket|circleci|"
    r"buildkite|jfrog|docker hub|okta|auth0|twilio|sendgrid|atlassian|jira|openai|anthropic|"
    r"zendesk|salesforce)\b", re.I)
_PAYEE: Final = re.compile(
    r"\b(?:pay(?:s|ing)?|paid|overpay(?:s|ing)?|charg(?:es|ed|ing))\s+(?:to\s+)?"
    r"(?P<a>[A-Z][\w.&-]+(?:\s+[A-Z][\w.&-]+)?)"
    r"|\b(?P<b>[A-Z][\w.&-]+(?:\s+[A-Z][\w.&-]+)?)(?:'s)?\s+(?:bill|invoice|subscription|licen[cs]es?|contract|seats)\b")
_NOT_A_PAYEE: Final = frozenset({"we", "our", "us", "the", "this", "that", "my", "your", "their", "it", "for", "what",
                                 "why", "how", "who", "which", "is", "are", "did", "do", "does", "monthly", "total",
                                 "cloud", "team", "finance", "i", "you", "they", "last", "next", "annual"})


def outside_source(text: str) -> str | None:
    """The payee a question asks about that nothing here reads (`Snowflake`), or None.

    None too when the question also names something that is read ("our AWS bill against the Snowflake
    one"): that part is answered and the rest said as not read by the model or the person.
    """
    if not text or _READABLE.search(text):
        return None
    known = _OUTSIDE.search(text)
    if known:
        return _named(text, known.start(), known.end())
    for m in _PAYEE.finditer(text):
        name = m.group("a") or m.group("b") or ""
        if name.split()[0].lower() not in _NOT_A_PAYEE:
            return name
    return None


def _named(text: str, start: int, end: int) -> str:
    """The vendor as the question spells it, with the product word after it ("GitHub Actions")."""
    after = re.match(r"\s+([A-Z][\w.-]+)", text[end:])
    return text[start:end] + (" " + after.group(1) if after else "")
