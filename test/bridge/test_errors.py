"""The classification of what ended a launch, by exception types and HTTP statuses, never by log
text."""

from __future__ import annotations

import unittest

from wandb_launch_bridge.errors import ClassifiedError, UserError, classify, http_status


class AuthenticationError(Exception):
    pass


class ConfigException(Exception):
    pass


class CommError(Exception):
    def __init__(self, message, exc=None):
        super().__init__(message)
        self.exc = exc


class Response:
    def __init__(self, status_code):
        self.status_code = status_code


class HTTPError(Exception):
    def __init__(self, status):
        super().__init__(f"{status} error")
        self.response = Response(status)


class Classify(unittest.TestCase):
    def test_kinds(self):
        cases = [
            (AuthenticationError("bad key"), ("auth_rejected", {"status": None})),
            (CommError("wrapped", HTTPError(401)), ("auth_rejected", {"status": 401})),
            (
                ConfigException("no config"),
                (
                    "runner_not_configured",
                    {"what": "no Kubernetes configuration (kubeconfig or in-cluster service account)"},
                ),
            ),
            (CommError("boom", HTTPError(502)), ("server_error", {"status": 502})),
            (CommError("503 Service Unavailable"), ("server_error", {"status": None})),
            (RuntimeError("docker build failed: network unreachable"), ("launch_error", {})),
            (ClassifiedError("job_not_found", "", name="j"), ("job_not_found", {"name": "j"})),
            (UserError("Queue q was not found"), ("launch_error", {})),
        ]
        for exc, expected in cases:
            with self.subTest(exc=repr(exc)):
                self.assertEqual(classify(exc), expected)

    def test_the_status_anywhere_in_the_chain(self):
        try:
            try:
                raise HTTPError(404)
            except HTTPError as inner:
                raise RuntimeError("outer") from inner
        except RuntimeError as exc:
            self.assertEqual(http_status(exc), 404)
        self.assertIsNone(http_status(ValueError("x")))


if __name__ == "__main__":
    unittest.main()
