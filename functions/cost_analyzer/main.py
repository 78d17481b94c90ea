"""The cost analyzer: `investigation.requested` / `.continued` CloudEvents in."""

import functions_framework

from shared.specialist_edge import specialist_handler

handle = functions_framework.http(specialist_handler("cost_analyzer"))
