"""The launch bridge: the Python process the action starts to launch a W&B Launch job through the
real SDK and report what happens as JSON events. Reading order follows the data: `main` reads the
request (`protocol`), runs the `preflight` checks, prepares the SDK (`sdk`), and hands over to one
mode: `direct` (launch() here, local jobs run by `local`), `queue` (push onto a Launch queue) or
`follow` (attach to a run launched before); all three end with `after_run`. `cancel` and `deadline`
keep every wait bounded; `errors` classifies what went wrong. Standard library only: wandb is
imported where the SDK is used."""
