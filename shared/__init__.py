"""kubetriage's shared library: contracts, intake, investigation loop, analyzers and adapters.

Importing this package loads no heavy SDK (anthropic, kubernetes, boto3, redis); adapters import
theirs inside their factories.
"""
