"""The security auditor's knowledge: RBAC as a graph, workload posture, images, network policies.

Pure functions over Kubernetes objects (as the API returns them); the auditor's tools read the
objects and these modules judge them. Secrets are never read here: only their names, and who can
read them.
"""
