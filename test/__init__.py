"""The repository's tests. A package only so that `python3 -m unittest discover -s test/bridge -t .`
can import the bridge's Python tests (test/bridge); the TypeScript tests do not use this file."""
