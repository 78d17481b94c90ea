"""A small fake of our own EventEmitter Protocol: records every hand-off and when it happened."""

import threading
import time


class RecordingEmitter:
    def __init__(self, fail_times: int = 0):
        self.events = []
        self.times = []
        self.fail_times = fail_times
        self._lock = threading.Lock()

    def emit(self, ce_type, data, extensions, deadline=None):
        from shared.errors import DeliveryError

        with self._lock:
            if self.fail_times:
                self.fail_times -= 1
                raise DeliveryError("the Broker is down", sink="emitter")
            self.events.append((ce_type, dict(data), dict(extensions)))
            self.times.append(time.time())

    def investigation_ids(self):
        return [data["investigation_id"] for _, data, _ in self.events]
