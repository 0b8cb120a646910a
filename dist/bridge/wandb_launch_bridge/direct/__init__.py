"""Direct mode: the SDK's launch() runs here, and the bridge waits for the run itself, with a
deadline and a cancel that ends in seconds; a run on a remote resource is also watched on W&B."""
