"""The floor: an empty functions-framework function, fed exactly what the router is fed."""

import functions_framework


@functions_framework.http
def handle(request):
    request.get_data()
    return ("", 202)
