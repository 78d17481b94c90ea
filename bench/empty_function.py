"""The floor: an empty functions-framework CloudEvent function, fed exactly what the router is fed."""

import functions_framework


@functions_framework.cloud_event
def handle(cloud_event):
    """Does nothing: what remains is the framework's own cost per event."""
